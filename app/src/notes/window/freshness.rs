//! How fresh each row of the window is, and the live events waiting to be applied:
//! plain data, with no signal in it, so it is tested as such.

use super::MAX_ROWS;
use crate::lists::{EventSeq, List, ListEvent, ListId};

/// Versions remembered before the ones the feed has passed are forgotten.
const VERSIONS_KEPT: usize = 4 * MAX_ROWS;

/// How fresh each row is, and the live events waiting to be applied: plain data behind
/// one stored value, so that the page's reactive code is instantiated once for it.
#[derive(Default)]
pub(super) struct Freshness {
    /// The change-log position of the last reset: every row is at least this fresh.
    cursor: EventSeq,
    /// Lists known past `cursor`, with the position of the latest change applied or
    /// loaded. A few hundred entries at most, so a vector searched in order will do.
    versions: Vec<(ListId, EventSeq)>,
    /// Lists with optimistic changes of this page still on their way to the server, and
    /// how many.
    in_flight: Vec<(ListId, usize)>,
    /// Pages on their way: every live event waits for them.
    loading: usize,
    /// The newest position the live feed has delivered. The feed delivers in order, so
    /// versions at or below it can never again be undercut and need not be remembered.
    fed: EventSeq,
    /// Live events held back, so that an echo of an older change never shows over a newer
    /// optimistic one, and no page overwrites a newer event.
    held: Vec<ListEvent>,
    /// Bumped by every reset, so that answers to requests made before it are dropped.
    generation: u64,
}

impl Freshness {
    pub(super) fn new(cursor: EventSeq) -> Self {
        Self {
            cursor,
            fed: cursor,
            ..Self::default()
        }
    }

    /// The change-log position of the last reset.
    pub(super) fn cursor(&self) -> EventSeq {
        self.cursor
    }

    /// Which reset answers must belong to.
    pub(super) fn generation(&self) -> u64 {
        self.generation
    }

    /// A reset: answers to every request made before it will be dropped.
    pub(super) fn next_generation(&mut self) {
        self.generation += 1;
    }

    /// A page is on its way: live events wait for it. Returns the generation its answer
    /// must belong to.
    pub(super) fn start_load(&mut self) -> u64 {
        self.loading += 1;
        self.generation
    }

    pub(super) fn version(&self, id: ListId) -> EventSeq {
        self.versions
            .iter()
            .find(|(known, _)| *known == id)
            .map_or(self.cursor, |(_, seq)| *seq)
    }

    pub(super) fn set_version(&mut self, id: ListId, seq: EventSeq) {
        match self.versions.iter_mut().find(|(known, _)| *known == id) {
            Some((_, known)) => *known = seq,
            None => self.versions.push((id, seq)),
        }
    }

    pub(super) fn reset(&mut self, cursor: EventSeq) {
        self.cursor = cursor;
        self.versions.clear();
    }

    /// Rows from a page read at `cursor` are at least that fresh.
    pub(super) fn loaded(&mut self, lists: &[List], cursor: EventSeq) {
        for list in lists {
            let known = self.version(list.id);
            self.set_version(list.id, known.max(cursor));
        }
    }

    /// Notes that `id` is known up to `seq`; false if something as new was already known.
    pub(super) fn advance(&mut self, id: ListId, seq: EventSeq) -> bool {
        if seq <= self.version(id) {
            return false;
        }
        self.set_version(id, seq);
        true
    }

    pub(super) fn fed(&mut self, seq: EventSeq) {
        self.fed = self.fed.max(seq);
        if self.versions.len() > VERSIONS_KEPT {
            let fed = self.fed;
            self.versions.retain(|(_, version)| *version > fed);
        }
    }

    pub(super) fn is_busy(&self, id: ListId) -> bool {
        self.in_flight.iter().any(|(busy, _)| *busy == id)
    }

    /// A page has landed; once none is on its way, the held events not waiting for an
    /// own change are returned in order.
    pub(super) fn resume(&mut self) -> Vec<ListEvent> {
        self.loading = self.loading.saturating_sub(1);
        if self.loading > 0 {
            return Vec::new();
        }
        let held = std::mem::take(&mut self.held);
        let (now, later) = held
            .into_iter()
            .partition(|event| !self.is_busy(event.list.id));
        self.held = later;
        now
    }

    /// `Some(event)` if it can be applied now; `None` if it was held.
    pub(super) fn hold(&mut self, event: ListEvent) -> Option<ListEvent> {
        if self.loading > 0 || self.is_busy(event.list.id) {
            self.held.push(event);
            None
        } else {
            Some(event)
        }
    }

    pub(super) fn begin(&mut self, id: ListId) {
        match self.in_flight.iter_mut().find(|(busy, _)| *busy == id) {
            Some((_, count)) => *count += 1,
            None => self.in_flight.push((id, 1)),
        }
    }

    /// One change to `id` has settled; true while others to it are still in flight.
    pub(super) fn end(&mut self, id: ListId) -> bool {
        let Some(index) = self.in_flight.iter().position(|(busy, _)| *busy == id) else {
            return false;
        };
        self.in_flight[index].1 -= 1;
        if self.in_flight[index].1 > 0 {
            return true;
        }
        self.in_flight.swap_remove(index);
        false
    }

    /// The held events about `id`, unless a page is on its way (then they wait for it).
    pub(super) fn release(&mut self, id: ListId) -> Vec<ListEvent> {
        if self.loading > 0 {
            return Vec::new();
        }
        let held = std::mem::take(&mut self.held);
        let (now, later) = held.into_iter().partition(|event| event.list.id == id);
        self.held = later;
        now
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{event, lists};
    use super::*;
    use crate::lists::ChangeKind;

    fn seq(n: i64) -> EventSeq {
        EventSeq::new(n)
    }

    #[test]
    fn a_change_applies_only_if_newer_than_what_is_known() {
        let mut fresh = Freshness::new(seq(10));
        let id = ListId::new(1);
        assert!(!fresh.advance(id, seq(10)), "the reset's own position");
        assert!(fresh.advance(id, seq(12)));
        assert!(!fresh.advance(id, seq(11)), "older than the change applied");
        assert!(!fresh.advance(id, seq(12)), "the same change twice");
        assert!(fresh.advance(ListId::new(2), seq(11)), "another list");
    }

    #[test]
    fn a_loaded_page_makes_its_rows_as_fresh_as_its_position_and_never_older() {
        let mut fresh = Freshness::new(seq(10));
        assert!(fresh.advance(ListId::new(2), seq(30)));
        fresh.loaded(&lists([1, 2]), seq(20));
        assert_eq!(fresh.version(ListId::new(1)), seq(20));
        assert_eq!(fresh.version(ListId::new(2)), seq(30));
        fresh.reset(seq(25));
        assert_eq!(
            fresh.version(ListId::new(2)),
            seq(25),
            "a reset forgets versions"
        );
    }

    #[test]
    fn events_wait_for_pages_and_come_back_in_order_when_the_last_one_lands() {
        let mut fresh = Freshness::new(seq(0));
        let generation = fresh.start_load();
        fresh.start_load();
        assert_eq!(generation, fresh.generation());
        for n in 1..=3 {
            assert_eq!(fresh.hold(event(n, ChangeKind::Created, n, "x")), None);
        }
        assert!(fresh.resume().is_empty(), "one page is still on its way");
        let released: Vec<_> = fresh.resume().into_iter().map(|e| e.seq).collect();
        assert_eq!(released, vec![seq(1), seq(2), seq(3)]);
        assert!(fresh.hold(event(4, ChangeKind::Created, 4, "x")).is_some());
    }

    #[test]
    fn events_about_a_list_with_changes_in_flight_wait_for_the_last_answer() {
        let mut fresh = Freshness::new(seq(0));
        let busy = ListId::new(7);
        fresh.begin(busy);
        fresh.begin(busy);
        assert_eq!(fresh.hold(event(1, ChangeKind::Renamed, 7, "a")), None);
        let other = event(2, ChangeKind::Renamed, 8, "b");
        assert_eq!(fresh.hold(other.clone()), Some(other));
        assert!(fresh.end(busy), "a second change is still in flight");
        assert!(!fresh.end(busy));
        let released: Vec<_> = fresh.release(busy).into_iter().map(|e| e.seq).collect();
        assert_eq!(released, vec![seq(1)]);
        assert!(!fresh.end(busy), "nothing left to settle");
    }

    #[test]
    fn a_reset_moves_the_generation_so_older_answers_can_be_told_apart() {
        let mut fresh = Freshness::new(seq(0));
        let before = fresh.start_load();
        fresh.next_generation();
        assert_ne!(before, fresh.generation());
    }

    #[test]
    fn versions_the_feed_has_passed_are_forgotten_once_there_are_too_many() {
        let mut fresh = Freshness::new(seq(0));
        for n in 1..=(VERSIONS_KEPT as i64 + 1) {
            assert!(fresh.advance(ListId::new(n), seq(n)));
        }
        fresh.fed(seq(VERSIONS_KEPT as i64));
        assert_eq!(fresh.versions.len(), 1, "only the one newer than the feed");
        // A forgotten list is as fresh as the reset, and the feed never goes back.
        assert!(!fresh.advance(ListId::new(1), seq(0)));
    }
}
