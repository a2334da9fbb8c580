//! A list, as the page shows it.

use super::ListName;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A list's primary key. Newer lists have larger ids, which is what "newest first" sorts
/// on and what page cursors compare.
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

    /// The id a row's DOM id names.
    pub fn from_dom_id(dom_id: &str) -> Option<Self> {
        dom_id.strip_prefix("lists-")?.parse().ok().map(Self)
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
