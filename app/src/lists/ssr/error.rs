//! What can go wrong in the store and its databases, for the server functions to turn
//! into a [`ListError`](crate::lists::ListError) at the edge.

use crate::lists::ListId;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("list {0} not found")]
    NotFound(ListId),
    #[error("the database is busy with other writes")]
    Busy,
    #[error("the change key was used before for another change")]
    KeyReused,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}
