//! What can go wrong in the store and its databases, for the server functions to turn
//! into a [`ListError`](crate::lists::ListError) at the edge.

use crate::lists::list::ListId;

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

/// Why a database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("DATABASE_URL {url:?} is not a database URL this server knows: use sqlite://PATH or postgres://USER@HOST:PORT/NAME")]
    UnknownScheme { url: String },
    #[error("DATABASE_URL {url:?} is not valid: {source}")]
    BadUrl { url: String, source: sqlx::Error },
    #[error("could not create the database folder {path}: {source}")]
    Folder {
        path: String,
        source: std::io::Error,
    },
    #[error("could not create the database: {0}")]
    Create(#[source] sqlx::Error),
    #[error("could not open the database: {0}")]
    Open(#[source] sqlx::Error),
    #[error("could not migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Why an instance cannot serve yet.
#[derive(Debug, thiserror::Error)]
pub enum NotReady {
    #[error("the database does not answer: {0}")]
    Unreachable(#[from] sqlx::Error),
    #[error("the database has {applied} of this build's {expected} migrations")]
    Unmigrated { applied: i64, expected: usize },
}
