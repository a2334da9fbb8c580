//! What the store and the two database backends hand each other: rows as stored (not
//! yet parsed into the domain's types), what a page query found, and what a write did.
//! Both backends and the store read this module; it reads neither.

use crate::lists::change::ChangeKind;
use serde::Deserialize;

/// A list as stored: its id and its name, not yet parsed. A page's lists come as JSON
/// arrays `[id, name]` from SQLite, which serde reads into this too.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow, Deserialize)]
pub(super) struct StoredList {
    pub id: i64,
    pub name: String,
}

/// A change-log entry as stored, not yet parsed. PostgreSQL's sequencer also announces
/// the entries it numbered (`postgres/announcements.rs` reads them).
#[derive(Debug, sqlx::FromRow)]
pub(super) struct StoredEvent {
    pub seq: i64,
    pub kind: StoredKind,
    pub list_id: i64,
    pub name: String,
}

/// A change's kind as stored: one this build knows, or text another program (or an
/// older schema without the `CHECK`) wrote, which the reader skips rather than fails on.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(from = "String")]
pub(super) enum StoredKind {
    Known(ChangeKind),
    Unknown(String),
}

impl From<String> for StoredKind {
    fn from(text: String) -> Self {
        match ChangeKind::from_log_name(&text) {
            Some(kind) => Self::Known(kind),
            None => Self::Unknown(text),
        }
    }
}

impl<DB: sqlx::Database> sqlx::Type<DB> for StoredKind
where
    String: sqlx::Type<DB>,
{
    fn type_info() -> DB::TypeInfo {
        <String as sqlx::Type<DB>>::type_info()
    }

    fn compatible(ty: &DB::TypeInfo) -> bool {
        <String as sqlx::Type<DB>>::compatible(ty)
    }
}

impl<'r, DB: sqlx::Database> sqlx::Decode<'r, DB> for StoredKind
where
    String: sqlx::Decode<'r, DB>,
{
    fn decode(value: DB::ValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        Ok(<String as sqlx::Decode<'r, DB>>::decode(value)?.into())
    }
}

/// Which side of a list id a page reads: `Older` is ids below it, newest first; `Newer`
/// is ids above it, oldest first (the page reverses them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Side {
    Older,
    Newer,
}

/// The lists a page may show: all active ones, or those whose folded name contains a
/// term. Terms of three characters or more can use a trigram index; shorter ones an index
/// of each name's one- and two-character pieces.
#[derive(Clone, Copy, Debug)]
pub(super) enum Search<'a> {
    All,
    Long(&'a str),
    Short(&'a str),
}

/// One page's query: which lists, on which side of `bound`, how many (one more than a
/// page, to tell whether more lie beyond), and whether to look past the other edge.
#[derive(Clone, Copy, Debug)]
pub(super) struct PageAsk<'a> {
    pub search: Search<'a>,
    pub side: Side,
    pub bound: i64,
    pub check_beyond: bool,
    pub limit: i64,
}

/// A page query's answer: up to one row more than a page, in the side's order, whether
/// matching lists lie beyond the page on the other side, and the log position.
#[derive(Debug)]
pub(super) struct PageRows {
    pub rows: Vec<StoredList>,
    pub beyond: bool,
    pub position: i64,
}

/// What a change with a key did the first time (the key's record): the log's name for
/// its kind, the list, the name it asked for (a delete's or restore's: the list's name
/// then), and the log position its answer carried.
#[derive(Debug, sqlx::FromRow)]
pub(super) struct KeyRecord {
    pub kind: StoredKind,
    pub list_id: i64,
    pub name: String,
    pub seq: i64,
}

/// What a write did.
#[derive(Debug)]
pub(super) enum Applied {
    /// Done now: the list as it is after it, the log position that includes it, and
    /// whether it wrote a log entry (a rename to the same name or a second delete does
    /// not; with a key, the key is still recorded).
    Now {
        row: StoredList,
        seq: i64,
        wrote: bool,
    },
    /// Nothing: the key had been used before, and did this.
    Before(KeyRecord),
    /// No such list (for a rename, no such active list): nothing written.
    Missing,
}
