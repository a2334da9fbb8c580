//! What every collection the app keeps live supplies, and the shapes they all share.
//!
//! A collection is a kind of row that a screen loads a page at a time, holds in a
//! window, changes through the outbox and hears about over the feed. The mechanisms are
//! written once over [`Collection`] (the window in `crate::window`, the outbox in
//! `crate::outbox`, the feed's client in `crate::feed`, and on the server the batch of
//! changes, [`apply_batch`], and the change log the feed tails, `log::ChangeLog`); each
//! collection supplies only what is its own: its row, key and order, what narrows a
//! window, its pages, its changes and its events. Lists are the first
//! (`crate::lists::Lists`).

mod batch;
mod change_key;
#[cfg(test)]
pub(crate) mod letters;
#[cfg(feature = "ssr")]
pub mod log;
mod position;

pub use batch::apply_batch;
pub use change_key::{ChangeKey, ChangeKeyError};
pub use position::{LogEvent, Position};

use crate::stream::Edge;
use serde::{de::DeserializeOwned, Serialize};
use std::{cmp::Ordering, fmt::Debug, future::Future, hash::Hash};

/// Where a page of rows starts, in the window's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageFrom<R> {
    /// The first rows (a window's start, or a reset).
    First,
    /// The rows that follow this one (scrolling toward the end).
    Following(R),
    /// The rows that precede this one (scrolling toward the start).
    Preceding(R),
}

/// What a page says besides its rows: whether more rows lie before its first and after
/// its last, and the change-log position it was read at (it holds every change up to
/// it; the feed carries on from there).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PageInfo {
    pub more_at_start: bool,
    pub more_at_end: bool,
    pub position: Position,
}

impl PageInfo {
    /// Whether more rows lie beyond `edge`.
    pub fn more_at(&self, edge: Edge) -> bool {
        match edge {
            Edge::Start => self.more_at_start,
            Edge::End => self.more_at_end,
        }
    }
}

/// What a change or an event does to its row: the row is there afterwards (made,
/// changed, brought back), or it is gone (deleted).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    Put,
    Remove,
}

/// How a change shows on a screen before the server has answered for it.
#[derive(Clone, Debug, PartialEq)]
pub enum Ahead<C: Collection> {
    /// Nothing to show until the answer (the row is not in the window).
    Nothing,
    /// The row as the change leaves it, put in its place.
    Put(C::Row),
    /// The row goes.
    Remove(C::Key),
    /// A new row the server has not made yet, drawn where drafts go.
    Draft(C::Draft),
}

/// How a change shown ahead of the server is taken back when the server refuses it.
#[derive(Clone, Debug, PartialEq)]
pub enum TakeBack<C: Collection> {
    /// Nothing was shown, or nothing can be put back.
    Nothing,
    /// The row goes back to `back`, unless it has changed since it showed `shown`.
    Revert { shown: C::Row, back: C::Row },
    /// The row comes back (a delete refused).
    PutBack(C::Row),
    /// The row goes again (a restore refused).
    Remove(C::Key),
}

/// A kind of row a screen keeps live. Every item is what the shared mechanisms need to
/// know and cannot know for themselves; everything else about the collection (its words,
/// its views, its storage) stays its own.
pub trait Collection: Sized + 'static {
    /// The name of the collection's outbox in the browser: its storage items are named
    /// by it, a dot and a change's key, and its Web Lock by it alone.
    const OUTBOX: &'static str;
    /// Where a screen draws rows it asked for and the server has not made yet.
    const DRAFTS_AT: Edge;

    /// A row as a screen shows it.
    type Row: Clone + PartialEq + Debug + Send + Sync + 'static;
    /// What names a row for good: its DOM node and every change to it follow the key.
    type Key: Copy + Eq + Hash + Debug + Send + Sync + 'static;
    /// What narrows the rows a window holds (a search).
    type Filter: Clone + PartialEq + Debug + Send + Sync + 'static;
    /// A request for one page of rows.
    type Query: Clone + PartialEq + Debug + Send + Sync + 'static;
    /// One page of rows, as the server answers it.
    type Page: Send + Sync + 'static;
    /// The kinds of change the log records.
    type Kind: Copy + Eq + Debug + Send + Sync + 'static;
    /// A change a person asks for, parsed.
    type Change: Clone + PartialEq + Debug + 'static;
    /// A change with its key, as it travels in a batch and waits in the outbox: kept as
    /// sent, parsed on arrival, so that one bad change in a batch is answered alone.
    type Sent: Clone + PartialEq + Debug + Serialize + DeserializeOwned + Send + Sync + 'static;
    /// What the outbox keeps to take a change back (a rename's old name).
    type Before: Clone + PartialEq + Debug + Serialize + DeserializeOwned + Send + Sync + 'static;
    /// What a new row shows before the server has made it (a create's name).
    type Draft: Clone + PartialEq + Debug + Send + Sync + 'static;
    /// The server's answer to one change: the row as it now is, and its position.
    type Answer: Clone + PartialEq + Debug + 'static;
    /// One entry of the change log, as the feed carries it.
    type Event: LogEvent
        + Clone
        + PartialEq
        + Debug
        + Serialize
        + DeserializeOwned
        + Send
        + Sync
        + 'static;
    /// Why something failed, as the screen says it.
    type Error: Clone + PartialEq + Debug + Send + Sync + 'static;

    // Rows and their order.

    fn key(row: &Self::Row) -> Self::Key;
    /// The window's order, total: `Less` when `a` comes before `b`.
    fn order(a: &Self::Row, b: &Self::Row) -> Ordering;
    fn matches(filter: &Self::Filter, row: &Self::Row) -> bool;

    // Pages.

    /// The query for the page at `from` of the rows that pass `filter`.
    fn query(filter: Option<&Self::Filter>, from: PageFrom<&Self::Row>) -> Self::Query;
    fn page_parts(page: Self::Page) -> (Vec<Self::Row>, PageInfo);

    // Changes.

    fn effect(kind: Self::Kind) -> Effect;
    fn kind(change: &Self::Change) -> Self::Kind;
    /// The row a change is to (none for a create: the server has not made it yet).
    fn target(change: &Self::Change) -> Option<Self::Key>;
    /// What to keep to take `change` back, given the row the window shows for it.
    fn before(change: &Self::Change, shown: Option<&Self::Row>) -> Option<Self::Before>;
    /// How `change` shows ahead of the server, given the row the window shows for it and
    /// what this screen's waiting changes kept of other rows (`kept`: a restore finds
    /// its list's name in the waiting delete's).
    fn ahead(
        change: &Self::Change,
        shown: Option<&Self::Row>,
        kept: &dyn Fn(Self::Key) -> Option<Self::Before>,
    ) -> Ahead<Self>;
    /// How a refused change that showed ahead is taken back.
    fn take_back(change: &Self::Change, before: Option<&Self::Before>) -> TakeBack<Self>;

    // Changes as they travel and wait.

    fn sent(key: &ChangeKey, change: &Self::Change) -> Self::Sent;
    fn sent_key(sent: &Self::Sent) -> &str;
    fn sent_kind(sent: &Self::Sent) -> Self::Kind;
    fn sent_target(sent: &Self::Sent) -> Option<Self::Key>;
    /// A waiting create's draft, as kept (another tab's too).
    fn sent_draft(sent: &Self::Sent) -> Option<Self::Draft>;
    /// The key and the change, or why they cannot be applied.
    fn parse_sent(sent: &Self::Sent) -> Result<(ChangeKey, Self::Change), Self::Error>;

    // Answers, events and errors.

    fn answered(answer: &Self::Answer) -> (Position, Self::Row);
    fn event_kind(event: &Self::Event) -> Self::Kind;
    fn event_row(event: &Self::Event) -> &Self::Row;
    /// Whether `event` may be the landing of a waiting create drawn as `draft` (the feed
    /// does not say which key made a row).
    fn lands(event: &Self::Event, draft: &Self::Draft) -> bool;
    /// Whether sending the same change again later may succeed (busy, unreachable).
    fn may_pass(error: &Self::Error) -> bool;
    /// The server could not be reached (or the code to reach it could not be fetched).
    fn unreachable() -> Self::Error;

    /// Sends a batch of changes to the server; the answers come in the batch's order,
    /// and stop at the first change that may pass (see [`BATCH_LIMIT`]). Only the
    /// outbox's code calls it, so its code travels with the outbox's.
    fn send_batch(batch: Vec<Self::Sent>) -> impl Future<Output = BatchSent<Self>> + 'static;
}

/// What sending a batch gives: an answer per change, in order, or why none came.
pub type BatchSent<C> = Result<
    Vec<Result<<C as Collection>::Answer, <C as Collection>::Error>>,
    <C as Collection>::Error,
>;

/// How many changes one batch may hold.
pub const BATCH_LIMIT: usize = 50;
