//! `Window`: the slice of a collection a screen holds, and the one rule for applying a
//! change to it.
//!
//! A screen never holds every row: it holds a window of at most [`MAX_ROWS`] rows, in
//! the collection's order, grown a page at a time at either edge while the person
//! scrolls, with rows far out of view dropped from the other edge (LiveView's stream
//! `limit`). Events land only where they belong: inside the window, or (before its
//! start) among the arrived rows a button offers ("3 new lists").
//!
//! Its rows are private: [`paging`] grows, trims and replaces them, [`changes`] applies
//! the screen's own changes and the feed's events, and [`freshness`] is the plain record
//! both consult, so the row limit, the trim bookkeeping and the freshness rule always
//! run. Views read it through [`WindowView`], which can change nothing.

mod changes;
mod freshness;
mod paging;
#[cfg(test)]
mod tests;

use crate::collection::{ChangeKey, Collection, PageInfo, Position};
use crate::stream::{At, Edge, Keyed, KeyedStream, Limit, StreamRow, Trimmed};
use freshness::Freshness;
pub use freshness::Ticket;
use leptos::prelude::*;
pub use paging::{EdgeLoad, Fetch};
use std::cmp::Ordering;
use std::fmt;

/// The most rows a window ever holds: four pages.
pub const MAX_ROWS: usize = 200;

/// A row of a window: one the server has, or one this screen asked for that the server
/// has not made yet (a draft), drawn where the collection draws drafts and marked as
/// waiting. When the server makes it, the draft is settled into the saved row in the
/// same place of the keyed stream, so its DOM node stays.
pub enum Shown<C: Collection> {
    Saved(C::Row),
    Draft { key: ChangeKey, draft: C::Draft },
}

/// What a [`Shown`] row is found by.
pub enum ShownKey<C: Collection> {
    Saved(C::Key),
    Draft(ChangeKey),
}

impl<C: Collection> Shown<C> {
    /// The saved row, if the server has made it.
    pub fn saved(&self) -> Option<&C::Row> {
        match self {
            Self::Saved(row) => Some(row),
            Self::Draft { .. } => None,
        }
    }

    /// The window's order over saved rows and drafts: the collection's order for saved
    /// rows, drafts at the collection's drafts edge, the newest nearest that edge.
    fn order(a: &Self, b: &Self) -> Ordering {
        let drafts_first = C::DRAFTS_AT == Edge::Start;
        match (a, b) {
            (Self::Saved(a), Self::Saved(b)) => C::order(a, b),
            (Self::Draft { .. }, Self::Saved(_)) if drafts_first => Ordering::Less,
            (Self::Draft { .. }, Self::Saved(_)) => Ordering::Greater,
            (Self::Saved(_), Self::Draft { .. }) if drafts_first => Ordering::Greater,
            (Self::Saved(_), Self::Draft { .. }) => Ordering::Less,
            // Keys sort in the order the changes were made: at the start the newest
            // draft is first, at the end the newest is last.
            (Self::Draft { key: a, .. }, Self::Draft { key: b, .. }) if drafts_first => {
                b.as_str().cmp(a.as_str())
            }
            (Self::Draft { key: a, .. }, Self::Draft { key: b, .. }) => a.as_str().cmp(b.as_str()),
        }
    }
}

impl<C: Collection> Keyed for Shown<C> {
    type Key = ShownKey<C>;
    fn key(&self) -> ShownKey<C> {
        match self {
            Self::Saved(row) => ShownKey::Saved(C::key(row)),
            Self::Draft { key, .. } => ShownKey::Draft(key.clone()),
        }
    }
}

// Written out rather than derived: a derive would ask `C` itself for each trait.
impl<C: Collection> Clone for Shown<C> {
    fn clone(&self) -> Self {
        match self {
            Self::Saved(row) => Self::Saved(row.clone()),
            Self::Draft { key, draft } => Self::Draft {
                key: key.clone(),
                draft: draft.clone(),
            },
        }
    }
}

impl<C: Collection> PartialEq for Shown<C> {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Saved(a), Self::Saved(b)) => a == b,
            (Self::Draft { key: a, draft: x }, Self::Draft { key: b, draft: y }) => {
                a == b && x == y
            }
            _ => false,
        }
    }
}

impl<C: Collection> fmt::Debug for Shown<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Saved(row) => f.debug_tuple("Saved").field(row).finish(),
            Self::Draft { key, draft } => f
                .debug_struct("Draft")
                .field("key", key)
                .field("draft", draft)
                .finish(),
        }
    }
}

impl<C: Collection> Clone for ShownKey<C> {
    fn clone(&self) -> Self {
        match self {
            Self::Saved(key) => Self::Saved(*key),
            Self::Draft(key) => Self::Draft(key.clone()),
        }
    }
}

impl<C: Collection> PartialEq for ShownKey<C> {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Saved(a), Self::Saved(b)) => a == b,
            (Self::Draft(a), Self::Draft(b)) => a == b,
            _ => false,
        }
    }
}

impl<C: Collection> Eq for ShownKey<C> {}

impl<C: Collection> std::hash::Hash for ShownKey<C> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        match self {
            Self::Saved(key) => key.hash(state),
            Self::Draft(key) => key.hash(state),
        }
    }
}

impl<C: Collection> fmt::Debug for ShownKey<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Saved(key) => f.debug_tuple("Saved").field(key).finish(),
            Self::Draft(key) => f.debug_tuple("Draft").field(key).finish(),
        }
    }
}

/// The rows a screen holds and what it knows about them. Cheap to copy. Every change
/// goes through a method here; views read it through [`WindowView`].
pub struct Window<C: Collection> {
    rows: KeyedStream<Shown<C>>,
    filter: RwSignal<Option<C::Filter>>,
    more_at_start: RwSignal<bool>,
    more_at_end: RwSignal<bool>,
    load_at_start: RwSignal<EdgeLoad<C::Error>>,
    load_at_end: RwSignal<EdgeLoad<C::Error>>,
    /// A reset is on its way: the rows are about to be replaced.
    resetting: RwSignal<bool>,
    /// Rows that belong before the window's start but arrived while the start was not
    /// in view, in the window's order: a button shows them.
    arrived: RwSignal<Vec<C::Row>>,
    /// Whether the start of the window is in view (told by the screen as it scrolls).
    start_in_view: RwSignal<bool>,
    freshness: StoredValue<Freshness<C>>,
    /// What settles a draft with the feed's event for it: set by the code that draws
    /// drafts (the outbox's, which comes later), so that a window that never drew one
    /// carries none of that code.
    lands: StoredValue<Option<Lands<C>>>,
}

/// Settles a draft with an event that brings its row; whether one was.
type Lands<C> = fn(&Window<C>, &<C as Collection>::Event) -> bool;

impl<C: Collection> Clone for Window<C> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<C: Collection> Copy for Window<C> {}

impl<C: Collection> Window<C> {
    /// The keyed stream's limit every window uses.
    pub const LIMIT: Limit = Limit::KeepFirst(MAX_ROWS);

    /// A window holding a freshly loaded page (made with [`LIMIT`](Self::LIMIT)),
    /// narrowed by `filter`.
    pub fn new(rows: KeyedStream<Shown<C>>, info: PageInfo, filter: Option<C::Filter>) -> Self {
        Self {
            rows,
            filter: RwSignal::new(filter),
            more_at_start: RwSignal::new(info.more_at_start),
            more_at_end: RwSignal::new(info.more_at_end),
            load_at_start: RwSignal::new(EdgeLoad::Idle),
            load_at_end: RwSignal::new(EdgeLoad::Idle),
            resetting: RwSignal::new(false),
            arrived: RwSignal::new(Vec::new()),
            start_in_view: RwSignal::new(true),
            freshness: StoredValue::new(Freshness::new(info.position)),
            lands: StoredValue::new(None),
        }
    }

    /// What views may read.
    pub fn view(&self) -> WindowView<C> {
        WindowView(*self)
    }

    /// The position the feed should resume from for this window.
    pub fn since(&self) -> Position {
        self.fresh(|fresh| fresh.since())
    }

    /// The saved row with this key, without tracking.
    pub fn get(&self, key: C::Key) -> Option<C::Row> {
        match self.rows.get(&ShownKey::Saved(key))? {
            Shown::Saved(row) => Some(row),
            Shown::Draft { .. } => None,
        }
    }

    /// Tells the window whether its start is in view.
    pub fn start_in_view(&self, in_view: bool) {
        self.start_in_view.set(in_view);
    }

    /// Narrows the window to rows that pass `filter`; the caller resets it.
    pub fn filter_by(&self, filter: Option<C::Filter>) {
        self.filter.set(filter);
    }

    /// The first and the last saved row, without tracking.
    fn saved_ends(&self) -> Option<(C::Row, C::Row)> {
        let saved = |shown: &Shown<C>| shown.saved().cloned();
        Some((
            self.rows.find_from(Edge::Start, saved)?,
            self.rows.find_from(Edge::End, saved)?,
        ))
    }

    /// Rows dropped at an edge mean there is more beyond it again.
    fn note_trim(&self, trimmed: Trimmed) {
        if trimmed.from_start > 0 {
            self.more_at_start.set(true);
        }
        if trimmed.from_end > 0 {
            self.more_at_end.set(true);
        }
    }

    /// Inserts a saved row where the window's order puts it.
    fn insert_sorted(&self, row: C::Row) {
        self.note_trim(
            self.rows
                .insert(Shown::Saved(row), At::Sorted(Shown::order)),
        );
    }

    /// Works on the freshness record. Only ever called from the screen's own code,
    /// which owns the window, so the record is always there.
    fn fresh<R: Default>(&self, work: impl FnOnce(&mut Freshness<C>) -> R) -> R {
        self.freshness.try_update_value(work).unwrap_or_default()
    }
}

/// A window as views see it: read only, tracked. Changes go through the screen's
/// commands, which hold the [`Window`].
pub struct WindowView<C: Collection>(Window<C>);

impl<C: Collection> Clone for WindowView<C> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<C: Collection> Copy for WindowView<C> {}

impl<C: Collection> WindowView<C> {
    /// The rows, for the keyed `<For>` that draws them (tracks the order, not the rows).
    pub fn shown(&self) -> Vec<StreamRow<Shown<C>>> {
        self.0.rows.rows()
    }

    /// Whether the window holds no row.
    pub fn is_empty(&self) -> bool {
        self.0.rows.is_empty()
    }

    /// The first and the last saved row, read when the rows change (the rows' count is
    /// tracked, so a reactive closure that calls this follows the edges).
    pub fn ends(&self) -> Option<(C::Row, C::Row)> {
        let _ = self.0.rows.len();
        self.0.saved_ends()
    }

    /// Whether more rows lie beyond `edge`.
    pub fn more_at(&self, edge: Edge) -> bool {
        match edge {
            Edge::Start => self.0.more_at_start.get(),
            Edge::End => self.0.more_at_end.get(),
        }
    }

    /// What is happening at `edge`: nothing, a page loading, or a page that failed.
    pub fn load_at(&self, edge: Edge) -> EdgeLoad<C::Error> {
        match edge {
            Edge::Start => self.0.load_at_start.get(),
            Edge::End => self.0.load_at_end.get(),
        }
    }

    /// Whether the rows are about to be replaced.
    pub fn resetting(&self) -> bool {
        self.0.resetting.get()
    }

    /// How many rows arrived before the window's start while it was out of view.
    pub fn arrived(&self) -> usize {
        self.0.arrived.with(Vec::len)
    }

    /// What narrows the window.
    pub fn filter(&self) -> Option<C::Filter> {
        self.0.filter.get()
    }

    /// Whether the window is narrowed.
    pub fn is_filtered(&self) -> bool {
        self.0.filter.with(Option::is_some)
    }
}
