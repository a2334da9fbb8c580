//! How fresh each row of the window is, and the events waiting to be applied: plain
//! data, with no signal in it, so it is tested as such.

use super::MAX_ROWS;
use crate::collection::{Collection, Position};

/// Versions remembered before the ones the feed has passed are forgotten.
const VERSIONS_KEPT: usize = 4 * MAX_ROWS;

/// How fresh each row is, and the events waiting to be applied: plain data behind one
/// stored value, so that the screen's reactive code is instantiated once for it.
pub(super) struct Freshness<C: Collection> {
    /// The position of the last reset: every row is at least this fresh.
    since: Position,
    /// Rows known past `since`, with the position of the latest change applied or
    /// loaded. A few hundred entries at most, so a vector searched in order will do.
    versions: Vec<(C::Key, Position)>,
    /// Rows with changes of this screen still on their way to the server, and how many.
    in_flight: Vec<(C::Key, usize)>,
    /// Pages on their way: every event waits for them.
    loading: usize,
    /// The newest position the feed has delivered. The feed delivers in order, so
    /// versions at or below it can never again be undercut and need not be remembered.
    fed: Position,
    /// Events held back, so that an echo of an older change never shows over a newer
    /// one shown ahead of the server, and no page overwrites a newer event.
    held: Vec<C::Event>,
    /// Bumped by every reset, so that answers to requests made before it are dropped.
    ticket: Ticket,
}

/// What an answer to a page request must present to be merged: the window's count of
/// resets when it was asked for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ticket(u64);

impl<C: Collection> Freshness<C> {
    pub(super) fn new(since: Position) -> Self {
        Self {
            since,
            versions: Vec::new(),
            in_flight: Vec::new(),
            loading: 0,
            fed: since,
            held: Vec::new(),
            ticket: Ticket::default(),
        }
    }

    /// The position of the last reset.
    pub(super) fn since(&self) -> Position {
        self.since
    }

    /// What answers must present now.
    pub(super) fn ticket(&self) -> Ticket {
        self.ticket
    }

    /// A reset: answers to every request made before it will be dropped.
    pub(super) fn next_ticket(&mut self) {
        self.ticket.0 += 1;
    }

    /// A page is on its way: events wait for it. Returns the ticket its answer must
    /// present.
    pub(super) fn start_load(&mut self) -> Ticket {
        self.loading += 1;
        self.ticket
    }

    pub(super) fn version(&self, key: C::Key) -> Position {
        self.versions
            .iter()
            .find(|(known, _)| *known == key)
            .map_or(self.since, |(_, position)| *position)
    }

    fn set_version(&mut self, key: C::Key, position: Position) {
        match self.versions.iter_mut().find(|(known, _)| *known == key) {
            Some((_, known)) => *known = position,
            None => self.versions.push((key, position)),
        }
    }

    pub(super) fn reset(&mut self, since: Position) {
        self.since = since;
        self.versions.clear();
    }

    /// Rows from a page read at `position` are at least that fresh.
    pub(super) fn loaded(&mut self, rows: &[C::Row], position: Position) {
        for row in rows {
            let key = C::key(row);
            let known = self.version(key);
            self.set_version(key, known.max(position));
        }
    }

    /// Notes that `key` is known up to `position`; false if something as new was
    /// already known.
    pub(super) fn advance(&mut self, key: C::Key, position: Position) -> bool {
        if position <= self.version(key) {
            return false;
        }
        self.set_version(key, position);
        true
    }

    pub(super) fn fed(&mut self, position: Position) {
        self.fed = self.fed.max(position);
        if self.versions.len() > VERSIONS_KEPT {
            let fed = self.fed;
            self.versions.retain(|(_, version)| *version > fed);
        }
    }

    fn is_busy(&self, key: C::Key) -> bool {
        self.in_flight.iter().any(|(busy, _)| *busy == key)
    }

    fn event_key(event: &C::Event) -> C::Key {
        C::key(C::event_row(event))
    }

    /// A page has landed; once none is on its way, the held events not waiting for a
    /// change of this screen are returned in order.
    pub(super) fn resume(&mut self) -> Vec<C::Event> {
        self.loading = self.loading.saturating_sub(1);
        if self.loading > 0 {
            return Vec::new();
        }
        let held = std::mem::take(&mut self.held);
        let (now, later) = held
            .into_iter()
            .partition(|event| !self.is_busy(Self::event_key(event)));
        self.held = later;
        now
    }

    /// `Some(event)` if it can be applied now; `None` if it was held.
    pub(super) fn hold(&mut self, event: C::Event) -> Option<C::Event> {
        if self.loading > 0 || self.is_busy(Self::event_key(&event)) {
            self.held.push(event);
            None
        } else {
            Some(event)
        }
    }

    pub(super) fn begin(&mut self, key: C::Key) {
        match self.in_flight.iter_mut().find(|(busy, _)| *busy == key) {
            Some((_, count)) => *count += 1,
            None => self.in_flight.push((key, 1)),
        }
    }

    /// One change to `key` has settled; true while others to it are still in flight.
    pub(super) fn end(&mut self, key: C::Key) -> bool {
        let Some(index) = self.in_flight.iter().position(|(busy, _)| *busy == key) else {
            return false;
        };
        self.in_flight[index].1 -= 1;
        if self.in_flight[index].1 > 0 {
            return true;
        }
        self.in_flight.swap_remove(index);
        false
    }

    /// The held events about `key`, unless a page is on its way (then they wait for it).
    pub(super) fn release(&mut self, key: C::Key) -> Vec<C::Event> {
        if self.loading > 0 {
            return Vec::new();
        }
        let held = std::mem::take(&mut self.held);
        let (now, later) = held
            .into_iter()
            .partition(|event| Self::event_key(event) == key);
        self.held = later;
        now
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collection::letters::{event, rows, Letters};

    type Fresh = Freshness<Letters>;

    fn at(n: i64) -> Position {
        Position::new(n)
    }

    #[test]
    fn a_change_applies_only_if_newer_than_what_is_known() {
        let mut fresh = Fresh::new(at(10));
        assert!(!fresh.advance(1, at(10)), "the reset's own position");
        assert!(fresh.advance(1, at(12)));
        assert!(!fresh.advance(1, at(11)), "older than the change applied");
        assert!(!fresh.advance(1, at(12)), "the same change twice");
        assert!(fresh.advance(2, at(11)), "another row");
    }

    #[test]
    fn a_loaded_page_makes_its_rows_as_fresh_as_its_position_and_never_older() {
        let mut fresh = Fresh::new(at(10));
        assert!(fresh.advance(2, at(30)));
        fresh.loaded(&rows([1, 2]), at(20));
        assert_eq!(fresh.version(1), at(20));
        assert_eq!(fresh.version(2), at(30));
        fresh.reset(at(25));
        assert_eq!(fresh.version(2), at(25), "a reset forgets versions");
    }

    #[test]
    fn events_wait_for_pages_and_come_back_in_order_when_the_last_one_lands() {
        let mut fresh = Fresh::new(at(0));
        let ticket = fresh.start_load();
        fresh.start_load();
        assert_eq!(ticket, fresh.ticket());
        for n in 1..=3 {
            assert_eq!(fresh.hold(event(n, n as u32, "x")), None);
        }
        assert!(fresh.resume().is_empty(), "one page is still on its way");
        let released: Vec<_> = fresh.resume().into_iter().map(|e| e.position).collect();
        assert_eq!(released, vec![at(1), at(2), at(3)]);
        assert!(fresh.hold(event(4, 4, "x")).is_some());
    }

    #[test]
    fn events_about_a_row_with_changes_in_flight_wait_for_the_last_answer() {
        let mut fresh = Fresh::new(at(0));
        fresh.begin(7);
        fresh.begin(7);
        assert_eq!(fresh.hold(event(1, 7, "a")), None);
        let other = event(2, 8, "b");
        assert_eq!(fresh.hold(other.clone()), Some(other));
        assert!(fresh.end(7), "a second change is still in flight");
        assert!(!fresh.end(7));
        let released: Vec<_> = fresh.release(7).into_iter().map(|e| e.position).collect();
        assert_eq!(released, vec![at(1)]);
        assert!(!fresh.end(7), "nothing left to settle");
    }

    #[test]
    fn a_reset_moves_the_ticket_so_older_answers_can_be_told_apart() {
        let mut fresh = Fresh::new(at(0));
        let before = fresh.start_load();
        fresh.next_ticket();
        assert_ne!(before, fresh.ticket());
    }

    #[test]
    fn versions_the_feed_has_passed_are_forgotten_once_there_are_too_many() {
        let mut fresh = Fresh::new(at(0));
        for n in 1..=(VERSIONS_KEPT as i64 + 1) {
            assert!(fresh.advance(n as u32, at(n)));
        }
        fresh.fed(at(VERSIONS_KEPT as i64));
        assert_eq!(fresh.versions.len(), 1, "only the one newer than the feed");
        // A forgotten row is as fresh as the reset, and the feed never goes back.
        assert!(!fresh.advance(1, at(0)));
    }
}
