//! Paging: the window grows a page at a time at either edge, drops rows far out of
//! view at the other, and is replaced whole by a reset (a new search, the newest rows
//! again, a reload after the live feed lost track).

use super::{newest_first, Freshness, ListWindow, MAX_ROWS};
use crate::lists::{ListError, ListsPage, ListsQuery, PageStart};
use crate::stream::{At, Edge, Snapshot};
use leptos::prelude::*;

/// What is happening at one edge of the window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EdgeLoad {
    Idle,
    Loading,
    /// The page could not be loaded; the error says why, and Retry tries again.
    Failed(ListError),
}

/// A request for rows the window sends, to be merged when it answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fetch {
    Older,
    Newer,
    /// Replace every row: a new search, the newest rows again, or a reload after the
    /// live feed lost track.
    Reset,
}

impl ListWindow {
    /// The query that fetches what `request` asks for, or `None` if there is nothing to
    /// fetch (no more rows that way, or a load already on its way). Marks the load as
    /// started and returns the generation its answer must belong to.
    pub fn start(&self, request: Fetch) -> Option<(ListsQuery, u64)> {
        let search = self.search.get_untracked();
        // A page asked for at an edge while the rows are being replaced would be merged
        // into the new rows at the old edge (a page of 451..500 above the newest 50):
        // the edges wait for the reset, then look again.
        if request != Fetch::Reset && self.resetting.get_untracked() {
            return None;
        }
        let start = match request {
            Fetch::Older => {
                if !self.has_older.get_untracked()
                    || self.older.get_untracked() == EdgeLoad::Loading
                {
                    return None;
                }
                let (_, last) = self.rows.ends()?;
                self.older.set(EdgeLoad::Loading);
                PageStart::Before(last.id)
            }
            Fetch::Newer => {
                if !self.has_newer.get_untracked()
                    || self.newer.get_untracked() == EdgeLoad::Loading
                {
                    return None;
                }
                let (first, _) = self.rows.ends()?;
                self.newer.set(EdgeLoad::Loading);
                PageStart::After(first.id)
            }
            Fetch::Reset => {
                self.fresh(Freshness::next_generation);
                self.resetting.set(true);
                self.older.set(EdgeLoad::Idle);
                self.newer.set(EdgeLoad::Idle);
                PageStart::Newest
            }
        };
        let generation = self.fresh(Freshness::start_load);
        Some((ListsQuery { search, start }, generation))
    }

    /// Merges the answer to a request begun with [`start`](Self::start). Answers to
    /// requests overtaken by a reset are dropped. Live events that arrived meanwhile are
    /// applied after the merge, so none is lost and none is overwritten by an older page.
    pub fn finish(&self, request: Fetch, generation: u64, answer: Result<ListsPage, ListError>) {
        match answer {
            Ok(page) => {
                if self.is_current(generation) {
                    self.merge(request, page);
                }
                self.resume_held();
            }
            Err(error) => self.failed(request, generation, error),
        }
    }

    /// A request begun with [`start`](Self::start) failed: its edge says why (and offers
    /// Retry). Kept apart from [`finish`](Self::finish) because it is the one outcome the
    /// page must show without the code that merges pages (see `transport`).
    pub fn failed(&self, request: Fetch, generation: u64, error: ListError) {
        if self.is_current(generation) {
            match request {
                Fetch::Older => self.older.set(EdgeLoad::Failed(error)),
                Fetch::Newer => self.newer.set(EdgeLoad::Failed(error)),
                Fetch::Reset => {
                    self.resetting.set(false);
                    self.older.set(EdgeLoad::Failed(error));
                }
            }
        }
        self.resume_held();
    }

    fn is_current(&self, generation: u64) -> bool {
        generation == self.fresh(|fresh| fresh.generation())
    }

    /// Applies the live events held while a page was on its way.
    fn resume_held(&self) {
        for event in self.fresh(Freshness::resume) {
            self.receive(event);
        }
    }

    fn merge(&self, request: Fetch, page: ListsPage) {
        let (lists, info) = page.into_parts();
        match request {
            Fetch::Older => {
                self.fresh(|fresh| fresh.loaded(&lists, info.cursor));
                let trimmed = self.rows.load_page(lists, Edge::End, MAX_ROWS);
                self.has_older.set(info.has_older);
                self.note_trim(trimmed);
                self.older.set(EdgeLoad::Idle);
            }
            Fetch::Newer => {
                self.fresh(|fresh| fresh.loaded(&lists, info.cursor));
                let trimmed = self.rows.load_page(lists, Edge::Start, MAX_ROWS);
                self.has_newer.set(info.has_newer);
                self.note_trim(trimmed);
                self.newer.set(EdgeLoad::Idle);
            }
            Fetch::Reset => {
                self.fresh(|fresh| fresh.reset(info.cursor));
                self.rows.reset(lists);
                self.has_older.set(info.has_older);
                self.has_newer.set(info.has_newer);
                self.arrived.set(Vec::new());
                self.resetting.set(false);
            }
        }
    }

    /// Shows the lists the "new lists" button counts. If the window holds the newest rows
    /// they are placed at the top without a request; otherwise the caller resets.
    /// Returns whether that was enough.
    pub fn show_arrived(&self) -> bool {
        if self.has_newer.get_untracked() {
            return false;
        }
        for list in self.arrived.try_update(std::mem::take).unwrap_or_default() {
            self.note_trim(self.rows.insert(list, At::Sorted(newest_first)));
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::*;
    use crate::lists::{ChangeKind, EventSeq, ListError, ListId};
    use leptos::reactive::owner::Owner;
    #[test]
    fn a_window_away_from_the_newest_rows_counts_new_lists_and_shows_them_by_reloading() {
        Owner::new().with(|| {
            let window = window_with(lists([50, 40]), info(true, true, 10));
            window.apply(
                EventSeq::new(11),
                ChangeKind::Created,
                list(99, "new"),
                true,
            );
            assert_eq!(ids(&window), vec![50, 40]);
            assert_eq!(window.arrived.get_untracked().len(), 1);
            assert!(
                !window.show_arrived(),
                "the rows between are not loaded: reset"
            );
        });
    }

    #[test]
    fn scrolling_down_loads_older_pages_and_drops_rows_from_the_top() {
        Owner::new().with(|| {
            let window = window_with(lists((251..=300).rev()), info(true, false, 10));
            for expected_top in [300, 300, 300, 250, 200] {
                let (query, generation) = window.start(Fetch::Older).expect("more to load");
                let PageStart::Before(last) = query.start else {
                    panic!("{query:?}")
                };
                let newest = last.get() - 1;
                let next = page((newest - 49..=newest).rev(), newest - 49 > 1, true, 10);
                window.finish(Fetch::Older, generation, Ok(next));
                assert!(window.rows.len() <= MAX_ROWS);
                assert_eq!(ids(&window)[0], expected_top);
            }
            assert!(window.has_newer.get_untracked(), "rows were dropped above");
            assert_eq!(*ids(&window).last().unwrap(), 1);
            assert!(!window.has_older.get_untracked());
            assert_eq!(window.start(Fetch::Older), None, "nothing older");
        });
    }

    #[test]
    fn scrolling_up_loads_newer_pages_and_drops_rows_from_the_bottom() {
        Owner::new().with(|| {
            let window = window_with(lists((1..=200).rev()), info(false, true, 10));
            let (query, generation) = window.start(Fetch::Newer).unwrap();
            assert_eq!(query.start, PageStart::After(ListId::new(200)));
            window.finish(
                Fetch::Newer,
                generation,
                Ok(page((201..=250).rev(), true, false, 10)),
            );
            assert_eq!(ids(&window)[0], 250);
            assert_eq!(window.rows.len(), MAX_ROWS);
            assert!(window.has_older.get_untracked());
            assert!(!window.has_newer.get_untracked());
        });
    }

    #[test]
    fn a_failed_page_says_why_and_can_be_tried_again() {
        Owner::new().with(|| {
            let window = window_with(lists([5, 4]), info(true, false, 10));
            let (_, generation) = window.start(Fetch::Older).unwrap();
            assert_eq!(window.start(Fetch::Older), None, "one request at a time");
            window.finish(Fetch::Older, generation, Err(ListError::Unreachable));
            assert_eq!(
                window.older.get_untracked(),
                EdgeLoad::Failed(ListError::Unreachable)
            );
            assert!(window.start(Fetch::Older).is_some(), "Retry");
        });
    }

    #[test]
    fn events_arriving_while_a_page_loads_are_applied_after_it() {
        Owner::new().with(|| {
            let window = window_with(lists([60, 59]), info(true, false, 10));
            let (_, generation) = window.start(Fetch::Older).unwrap();
            // The page was read before list 58 was renamed, but arrives after the event.
            window.receive(event(11, ChangeKind::Renamed, 58, "renamed"));
            window.finish(
                Fetch::Older,
                generation,
                Ok(page([58, 57], false, true, 10)),
            );
            assert_eq!(name_of(&window, 58), "renamed");
            // An event the page already reflects changes nothing.
            let (_, generation) = window.start(Fetch::Reset).unwrap();
            window.receive(event(12, ChangeKind::Renamed, 60, "stale"));
            window.finish(
                Fetch::Reset,
                generation,
                Ok(ListsPage {
                    lists: vec![list(60, "fresh")],
                    has_older: false,
                    has_newer: false,
                    cursor: EventSeq::new(12),
                }),
            );
            assert_eq!(name_of(&window, 60), "fresh");
        });
    }

    #[test]
    fn a_reset_keeps_surviving_rows_and_drops_answers_to_earlier_requests() {
        Owner::new().with(|| {
            let window = window_with(lists([5, 4, 3]), info(true, false, 10));
            let kept = window.rows.rows()[1].value();
            let (_, older) = window.start(Fetch::Older).unwrap();
            let (_, reset) = window.start(Fetch::Reset).unwrap();
            assert!(window.resetting.get_untracked());
            window.finish(Fetch::Reset, reset, Ok(page([9, 4], false, false, 20)));
            window.finish(Fetch::Older, older, Ok(page([2, 1], false, true, 20)));
            assert_eq!(ids(&window), vec![9, 4], "the older page was overtaken");
            assert!(
                window.rows.rows()[1].value() == kept,
                "row 4 keeps its node"
            );
            assert!(!window.resetting.get_untracked());
        });
    }

    #[test]
    fn no_edge_page_is_asked_for_while_the_rows_are_being_replaced() {
        Owner::new().with(|| {
            // Scrolled far down: the newest rows were dropped above.
            let window = window_with(lists((251..=450).rev()), info(true, true, 10));
            window.apply(
                EventSeq::new(11),
                ChangeKind::Created,
                list(601, "new"),
                false,
            );
            assert!(
                !window.show_arrived(),
                "the rows between are not loaded: reset"
            );
            let (_, reset) = window.start(Fetch::Reset).unwrap();
            // Scrolling to the top edge, as the button does, must not ask for 451..500.
            assert_eq!(window.start(Fetch::Newer), None);
            assert_eq!(window.start(Fetch::Older), None);
            window.finish(
                Fetch::Reset,
                reset,
                Ok(page((552..=601).rev(), true, false, 11)),
            );
            assert_eq!(ids(&window), (552..=601).rev().collect::<Vec<_>>());
            assert!(
                window.start(Fetch::Older).is_some(),
                "after the reset, the edges go on"
            );
        });
    }
}
