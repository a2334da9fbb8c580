//! `ListWindow`: the slice of the lists the page holds, and the one rule for applying a
//! change to it.
//!
//! The page never holds every list: it holds a window of at most [`MAX_ROWS`] rows,
//! newest first, grown a page at a time at either edge while the person scrolls, with
//! rows far out of view dropped from the other edge (LiveView's stream `limit`). Live
//! events land only where they belong: inside the window, or (above it) as "N new lists".
//!
//! The rows are private: [`paging`] grows, trims and replaces them, [`changes`] applies
//! the page's own changes and the live feed's, and [`freshness`] is the plain record both
//! consult, so the row limit, the trim bookkeeping and the freshness rule always run.

mod changes;
mod freshness;
mod paging;

use crate::lists::{EventSeq, List, ListId, ListsPage, SearchTerm};
use crate::stream::{At, Keyed, KeyedStream, Limit, Snapshot, StreamRow, Trimmed};
use freshness::Freshness;
use leptos::prelude::*;
pub use paging::{EdgeLoad, Fetch};
use std::cmp::Ordering;

/// The most rows the page's `<ul>` ever holds: four pages.
pub const MAX_ROWS: usize = 200;

impl Keyed for List {
    type Key = ListId;
    fn key(&self) -> ListId {
        self.id
    }
}

/// What a loaded page says besides its rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageInfo {
    pub has_older: bool,
    pub has_newer: bool,
    pub cursor: EventSeq,
}

impl Snapshot for ListsPage {
    type Row = List;
    type Meta = PageInfo;
    fn into_parts(self) -> (Vec<List>, PageInfo) {
        (
            self.lists,
            PageInfo {
                has_older: self.has_older,
                has_newer: self.has_newer,
                cursor: self.cursor,
            },
        )
    }
}

/// Newest first: larger ids on top.
pub fn newest_first(a: &List, b: &List) -> Ordering {
    b.id.cmp(&a.id)
}

/// The lists on the page and what the page knows about them. Cheap to copy.
#[derive(Clone, Copy)]
pub struct ListWindow {
    /// Private: every change to the rows goes through a method here, so that the row
    /// limit, the trim bookkeeping and the freshness rule always run.
    rows: KeyedStream<List>,
    pub search: RwSignal<Option<SearchTerm>>,
    pub has_older: RwSignal<bool>,
    pub has_newer: RwSignal<bool>,
    pub older: RwSignal<EdgeLoad>,
    pub newer: RwSignal<EdgeLoad>,
    /// A reset is on its way: the rows are about to be replaced.
    pub resetting: RwSignal<bool>,
    /// Lists that belong above the window's top but arrived while the newest rows were not
    /// in view, newest first: the "N new lists" button shows them.
    pub arrived: RwSignal<Vec<List>>,
    /// Whether the top of the list is in view (set by the page as the person scrolls).
    pub top_in_view: RwSignal<bool>,
    freshness: StoredValue<Freshness>,
}

impl ListWindow {
    /// A window holding a freshly loaded page.
    pub fn new(rows: KeyedStream<List>, info: PageInfo, search: Option<SearchTerm>) -> Self {
        Self {
            rows,
            search: RwSignal::new(search),
            has_older: RwSignal::new(info.has_older),
            has_newer: RwSignal::new(info.has_newer),
            older: RwSignal::new(EdgeLoad::Idle),
            newer: RwSignal::new(EdgeLoad::Idle),
            resetting: RwSignal::new(false),
            arrived: RwSignal::new(Vec::new()),
            top_in_view: RwSignal::new(true),
            freshness: StoredValue::new(Freshness::new(info.cursor)),
        }
    }

    /// The stream limit every window uses.
    pub const LIMIT: Limit = Limit::KeepFirst(MAX_ROWS);

    /// Rows dropped at an edge mean there is more beyond it again.
    fn note_trim(&self, trimmed: Trimmed) {
        if trimmed.from_start > 0 {
            self.has_newer.set(true);
        }
        if trimmed.from_end > 0 {
            self.has_older.set(true);
        }
    }

    /// Puts back a row the page removed at once (a delete the server refused), where it
    /// belongs; rows it pushes past the limit mean there is more beyond that edge again.
    pub fn put_back(&self, list: List) {
        self.note_trim(self.rows.insert(list, At::Sorted(newest_first)));
    }

    /// The rows, for the keyed `<For>` that draws them (tracked).
    pub fn shown(&self) -> Vec<StreamRow<List>> {
        self.rows.rows()
    }

    /// Whether the window holds no row (tracked).
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The first and the last row, read when the rows change (the rows' count is
    /// tracked, so a reactive closure that calls this follows the edges).
    pub fn ends(&self) -> Option<(List, List)> {
        let _ = self.rows.len();
        self.rows.ends()
    }

    /// Works on the freshness record. Only ever called from the page's own code, which
    /// owns the window, so the record is always there.
    fn fresh<R: Default>(&self, work: impl FnOnce(&mut Freshness) -> R) -> R {
        self.freshness.try_update_value(work).unwrap_or_default()
    }

    /// The change-log position the live feed should resume from.
    pub fn cursor(&self) -> EventSeq {
        self.fresh(|fresh| fresh.cursor())
    }
}

#[cfg(test)]
mod fixtures;
