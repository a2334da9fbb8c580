//! The shapes that cross the wire between the server and the page.

use super::ListName;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A list's primary key. Newer lists have larger ids, which is what "newest first" sorts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ListId(i64);

impl ListId {
    pub const fn new(id: i64) -> Self {
        Self(id)
    }

    pub const fn get(self) -> i64 {
        self.0
    }

    /// The row's DOM id, `lists-{id}`, the same scheme as a LiveView stream.
    pub fn dom_id(self) -> String {
        format!("lists-{}", self.0)
    }
}

impl fmt::Display for ListId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A list as the page shows it. Timestamps stay in the database: the page has no use for them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct List {
    pub id: ListId,
    pub name: ListName,
}

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

/// What the page loads once: the active lists, newest first, and the change-log position
/// they reflect, from which the live feed carries on without a gap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListsSnapshot {
    pub lists: Vec<List>,
    pub cursor: EventSeq,
}

/// The four things that can happen to a list.
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

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Renamed => "renamed",
            Self::Deleted => "deleted",
            Self::Restored => "restored",
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
