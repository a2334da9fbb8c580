//! Changes to lists, and their positions in the change log.

use super::List;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A position in the change log: every committed change gets the next one.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct EventSeq(i64);

impl EventSeq {
    pub const fn new(seq: i64) -> Self {
        Self(seq)
    }

    pub const fn get(self) -> i64 {
        self.0
    }
}

impl fmt::Display for EventSeq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The four things that can happen to a list.
///
/// Its names on the wire and in the change log's `kind` column are serde's, from the
/// variant names (snake case), so they are written nowhere else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Created,
    Renamed,
    Deleted,
    Restored,
}

impl ChangeKind {
    /// Whether a list is soft-deleted after a change of this kind.
    pub const fn leaves_deleted(self) -> bool {
        matches!(self, Self::Deleted)
    }

    /// The name the change log stores: serde's.
    #[cfg(feature = "ssr")]
    pub fn log_name(self) -> String {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::String(name)) => name,
            _ => String::new(),
        }
    }
}

/// One entry of the change log: what happened, and the list's state right after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListEvent {
    pub seq: EventSeq,
    pub kind: ChangeKind,
    pub list: List,
}

/// The answer to a create, rename, delete or restore: the row as it now is, and the
/// change-log position that includes this change. The page applies it to one row and
/// uses `seq` to ignore older live events about the same list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangedList {
    pub list: List,
    pub seq: EventSeq,
}
