//! A list, as the screen shows it.

use super::name::ListName;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A list's primary key. Newer lists have larger ids, which is what "newest first" sorts
/// on and what the starts of pages compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct ListId(i64);

/// An integer, from a format that has integers (JSON, postcard), or its decimal text,
/// from one that has only text: a URL or a form, where serde's `flatten` hands the value
/// on as a string, asking for "anything" (see `ListsQueryParams`). Formats that are not
/// self-describing (postcard) are asked for an integer.
impl<'de> Deserialize<'de> for ListId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Id;
        impl serde::de::Visitor<'_> for Id {
            type Value = ListId;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list id")
            }
            fn visit_i64<E: serde::de::Error>(self, id: i64) -> Result<ListId, E> {
                Ok(ListId(id))
            }
            fn visit_u64<E: serde::de::Error>(self, id: u64) -> Result<ListId, E> {
                i64::try_from(id)
                    .map(ListId)
                    .map_err(|_| E::custom("a list id out of range"))
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<ListId, E> {
                text.parse()
                    .map(ListId)
                    .map_err(|_| E::custom("a list id must be a whole number"))
            }
        }
        // The browser reads ids only from JSON and postcard, which have integers; the
        // "anything" path would be one more copy of a large generic function there.
        match deserializer.is_human_readable() && cfg!(not(feature = "hydrate")) {
            true => deserializer.deserialize_any(Id),
            false => deserializer.deserialize_i64(Id),
        }
    }
}

impl ListId {
    pub const fn new(id: i64) -> Self {
        Self(id)
    }

    pub const fn get(self) -> i64 {
        self.0
    }

    /// The row's DOM id, `lists-{id}`, the same scheme as LiveView's stream.
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

/// A list as the screen shows it. Timestamps stay in the database: the screen has no use
/// for them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct List {
    pub id: ListId,
    pub name: ListName,
}

/// A list for the crate's tests: its id, and a name that must be valid.
#[cfg(test)]
pub(crate) fn list(id: i64, name: &str) -> List {
    List {
        id: ListId::new(id),
        name: ListName::parse(name).expect("a valid name"),
    }
}
