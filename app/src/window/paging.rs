//! Paging: the window grows a page at a time at either edge, drops rows far out of
//! view at the other, and is replaced whole by a reset (a new filter, the first rows
//! again, a reload after the feed lost track).

use super::freshness::{Freshness, Ticket};
use super::{Shown, Window, MAX_ROWS};
use crate::collection::{Collection, PageFrom};
use crate::stream::Edge;
use leptos::prelude::*;

/// What is happening at one edge of the window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EdgeLoad<E> {
    Idle,
    Loading,
    /// The page could not be loaded; the error says why, and Retry tries again.
    Failed(E),
}

/// A page the window asks for, to be merged when it answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fetch {
    /// The next page beyond one edge.
    At(Edge),
    /// Every row again: a new filter, the first rows again, or a reload after the feed
    /// lost track.
    Reset,
}

impl<C: Collection> Window<C> {
    /// The query that fetches what `fetch` asks for, or `None` if there is nothing to
    /// fetch (no more rows that way, or a load already on its way). Marks the load as
    /// started and returns the ticket its answer must present.
    pub fn start(&self, fetch: Fetch) -> Option<(C::Query, Ticket)> {
        let filter = self.filter.get_untracked();
        // A page asked for at an edge while the rows are being replaced would be merged
        // into the new rows at the old edge: the edges wait for the reset, then look
        // again.
        if fetch != Fetch::Reset && self.resetting.get_untracked() {
            return None;
        }
        let query = match fetch {
            Fetch::At(edge) => {
                let load = self.edge_load(edge);
                if !self.more_at(edge) || load.get_untracked() == EdgeLoad::Loading {
                    return None;
                }
                let (first, last) = self.saved_ends()?;
                load.set(EdgeLoad::Loading);
                match edge {
                    Edge::Start => C::query(filter.as_ref(), PageFrom::Preceding(&first)),
                    Edge::End => C::query(filter.as_ref(), PageFrom::Following(&last)),
                }
            }
            Fetch::Reset => {
                self.fresh(Freshness::next_ticket);
                self.resetting.set(true);
                self.load_at_start.set(EdgeLoad::Idle);
                self.load_at_end.set(EdgeLoad::Idle);
                C::query(filter.as_ref(), PageFrom::First)
            }
        };
        let ticket = self.fresh(Freshness::start_load);
        Some((query, ticket))
    }

    /// Merges the answer to a request begun with [`start`](Self::start). Answers to
    /// requests overtaken by a reset are dropped. Events that arrived meanwhile are
    /// applied after the merge, so none is lost and none is overwritten by an older page.
    pub fn finish(&self, fetch: Fetch, ticket: Ticket, answer: Result<C::Page, C::Error>) {
        match answer {
            Ok(page) => {
                if self.is_current(ticket) {
                    self.merge(fetch, page);
                }
                self.resume_held();
            }
            Err(error) => self.failed(fetch, ticket, error),
        }
    }

    /// A request begun with [`start`](Self::start) failed: its edge says why (and
    /// offers Retry). Kept apart from [`finish`](Self::finish) because it is the one
    /// outcome a screen must show without the code that merges pages.
    pub fn failed(&self, fetch: Fetch, ticket: Ticket, error: C::Error) {
        if self.is_current(ticket) {
            match fetch {
                Fetch::At(edge) => self.edge_load(edge).set(EdgeLoad::Failed(error)),
                Fetch::Reset => {
                    self.resetting.set(false);
                    self.load_at_end.set(EdgeLoad::Failed(error));
                }
            }
        }
        self.resume_held();
    }

    fn edge_load(&self, edge: Edge) -> RwSignal<EdgeLoad<C::Error>> {
        match edge {
            Edge::Start => self.load_at_start,
            Edge::End => self.load_at_end,
        }
    }

    fn is_current(&self, ticket: Ticket) -> bool {
        ticket == self.fresh(|fresh| fresh.ticket())
    }

    /// Applies the events held while a page was on its way.
    fn resume_held(&self) {
        for event in self.fresh(Freshness::resume) {
            self.receive(event);
        }
    }

    fn merge(&self, fetch: Fetch, page: C::Page) {
        let (rows, info) = C::page_parts(page);
        match fetch {
            Fetch::At(edge) => {
                self.fresh(|fresh| fresh.loaded(&rows, info.position));
                let rows = rows.into_iter().map(Shown::Saved);
                let trimmed = self.rows.load_page(rows, edge, MAX_ROWS);
                match edge {
                    Edge::Start => self.more_at_start.set(info.more_at_start),
                    Edge::End => self.more_at_end.set(info.more_at_end),
                }
                self.note_trim(trimmed);
                self.edge_load(edge).set(EdgeLoad::Idle);
            }
            Fetch::Reset => {
                self.fresh(|fresh| fresh.reset(info.position));
                // Drafts stay: they wait for their answers, not for a page.
                let drafts = self
                    .rows
                    .find_all(|shown| matches!(shown, Shown::Draft { .. }));
                let (before, after) = match C::DRAFTS_AT {
                    Edge::Start => (drafts, Vec::new()),
                    Edge::End => (Vec::new(), drafts),
                };
                let rows = before
                    .into_iter()
                    .chain(rows.into_iter().map(Shown::Saved))
                    .chain(after);
                self.rows.reset(rows);
                self.more_at_start.set(info.more_at_start);
                self.more_at_end.set(info.more_at_end);
                self.arrived.set(Vec::new());
                self.resetting.set(false);
            }
        }
    }

    /// Shows the rows that arrived before the window's start. If the window holds the
    /// first rows they are put in place without a request; otherwise the caller resets.
    /// Returns whether that was enough.
    pub fn show_arrived(&self) -> bool {
        if self.more_at(Edge::Start) {
            return false;
        }
        for row in self.arrived.try_update(std::mem::take).unwrap_or_default() {
            self.insert_sorted(row);
        }
        true
    }
}
