//! Lists: the domain types, their server functions, their place among the collections
//! ([`Lists`]) and (on the server) their store.

mod api;
mod change;
mod collection;
mod error;
mod list;
mod name;
mod page;
mod paths;
mod search;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use api::*;
pub use change::{BatchAnswers, ChangeKind, ChangedList, ListChange, ListEvent, SentChange};
pub use collection::{apply_changes, ApplyChanges, Lists};
pub use error::ListError;
pub use list::{List, ListId};
pub use name::{ListName, ListNameError};
pub use page::{ListsPage, ListsQuery, ListsQueryParams, PageStart, PAGE_SIZE};
pub use paths::{EVENTS_PATH, NOTES_PATH};
pub use search::{fold, SearchTerm, SearchTermError};

// The shapes every collection shares, which the lists' API names.
pub use crate::collection::{ChangeKey, ChangeKeyError, Position, BATCH_LIMIT};
