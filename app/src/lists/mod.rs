//! Lists: the domain types, their server functions and (on the server) their store.

mod api;
mod change;
mod change_key;
mod error;
mod list;
mod name;
mod page;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use api::*;
pub use change::{
    BatchAnswers, ChangeKind, ChangedList, EventSeq, ListChange, ListEvent, SentChange, BATCH_LIMIT,
};
pub use change_key::{ChangeKey, ChangeKeyError};
pub use error::ListError;
pub use list::{List, ListId};
pub use name::{ListName, ListNameError};
pub use page::{
    fold, ListsPage, ListsQuery, ListsQueryParams, PageStart, SearchTerm, SearchTermError,
    PAGE_SIZE,
};
