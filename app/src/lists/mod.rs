//! Lists: the domain types, their server functions and (on the server) their store.

mod api;
mod error;
mod model;
mod name;
#[cfg(feature = "ssr")]
pub mod server;
mod wire;

pub use api::*;
pub use error::ListError;
pub use model::{ChangeKind, ChangedList, EventSeq, List, ListEvent, ListId, ListsSnapshot};
pub use name::{ListName, ListNameError};
