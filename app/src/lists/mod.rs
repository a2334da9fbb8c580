//! Lists: the domain types, their server functions, their place among the collections
//! ([`Lists`]) and (on the server) their store.

mod api;
mod change;
mod collection;
mod error;
mod list;
mod name;
mod page;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use api::*;
pub use change::{BatchAnswers, ChangeKind, ChangedList, ListChange, ListEvent, SentChange};
pub use collection::Lists;
pub use error::ListError;
pub use list::{List, ListId};
pub use name::{ListName, ListNameError};
pub use page::{
    fold, ListsPage, ListsQuery, ListsQueryParams, PageStart, SearchTerm, SearchTermError,
    PAGE_SIZE,
};

// The shapes every collection shares, where the store and the server still name them.
pub use crate::collection::{ChangeKey, ChangeKeyError, Position, BATCH_LIMIT};
/// The store's name for a log position, until it says `Position` too.
pub type EventSeq = Position;
