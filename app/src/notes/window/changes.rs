//! Changes to the rows: the page's own, shown ahead of the server and settled by its
//! answers, and other people's, from the live feed. One rule decides for both whether a
//! change is applied: it must be newer than what the window holds for that list.

use super::{newest_first, ListWindow};
use crate::lists::{ChangeKind, ChangedList, EventSeq, List, ListEvent, ListId, ListName};
use crate::stream::At;
use leptos::prelude::*;

impl ListWindow {
    /// Shows a new name on a row ahead of the server (see [`begin`](Self::begin));
    /// returns the name it had, or `None` if the window does not hold the row.
    pub fn rename_ahead(&self, id: ListId, name: ListName) -> Option<ListName> {
        let before = self.rows.modify(&id, |list| list.name = name)?;
        self.begin(id);
        Some(before.name)
    }

    /// Takes a row out ahead of the server; returns it, or `None` if the window does not
    /// hold it.
    pub fn remove_ahead(&self, id: ListId) -> Option<List> {
        let (_, list) = self.rows.delete(&id)?;
        self.begin(id);
        Some(list)
    }

    /// Brings a deleted row back ahead of the server, where it belongs.
    pub fn restore_ahead(&self, list: List) {
        let id = list.id;
        self.put_back(list);
        self.begin(id);
    }

    /// Takes back a rename shown ahead of the server that will not land: the old name
    /// returns, unless the row has changed since (a newer change is shown).
    pub fn undo_rename(&self, id: ListId, shown: &ListName, before: ListName) {
        self.rows.modify(&id, |list| {
            if list.name == *shown {
                list.name = before;
            }
        });
    }

    /// Takes back a restore shown ahead of the server that will not land.
    pub fn undo_restore(&self, id: ListId) {
        self.rows.delete(&id);
    }

    /// Applies one change at log position `seq`, unless the page already holds that
    /// change or a newer one for the same list. Own changes and live events both come
    /// through here, so applying one twice changes nothing. `own` changes were made on
    /// this page: a list the person just created shows at the top if the newest rows are
    /// loaded, whether or not they have scrolled.
    pub fn apply(&self, seq: EventSeq, kind: ChangeKind, list: List, own: bool) -> bool {
        if !self.fresh(|fresh| fresh.advance(list.id, seq)) {
            return false;
        }
        let matches = self
            .search
            .with_untracked(|search| search.as_ref().is_none_or(|term| term.matches(&list)));
        let id = list.id;
        match kind {
            ChangeKind::Created | ChangeKind::Restored if matches => self.place(list, own),
            ChangeKind::Renamed if matches => {
                if !self.rows.update(list.clone()) && !self.update_arrived(&list) {
                    self.place(list, own);
                }
            }
            _ => {
                // Deleted, or no longer matching the search: out of the window.
                self.rows.delete(&id);
                self.arrived
                    .update(|arrived| arrived.retain(|list| list.id != id));
            }
        }
        true
    }

    /// Puts a list that belongs in the window into it: in place if its id falls within
    /// the loaded rows, on top if it is the newest and the top is in view, else (newer
    /// than the window) under the "new lists" button. Lists older than the loaded rows
    /// wait until the person scrolls to them.
    fn place(&self, list: List, own: bool) {
        let Some((first, last)) = self.rows.ends() else {
            if !self.has_older.get_untracked() && !self.has_newer.get_untracked() {
                self.rows.insert(list, At::Start);
            }
            return;
        };
        if list.id > first.id {
            let newest_in_view = !self.has_newer.get_untracked()
                && (own || self.top_in_view.get_untracked())
                && self.arrived.with_untracked(Vec::is_empty);
            if newest_in_view {
                self.note_trim(self.rows.insert(list, At::Start));
            } else {
                self.arrived.update(|arrived| {
                    arrived.retain(|known| known.id != list.id);
                    // Newest first: before the first one that is older.
                    let at = arrived.partition_point(|known| known.id > list.id);
                    arrived.insert(at, list);
                });
            }
        } else if list.id > last.id || !self.has_older.get_untracked() {
            self.note_trim(self.rows.insert(list, At::Sorted(newest_first)));
        }
    }

    fn update_arrived(&self, list: &List) -> bool {
        self.arrived
            .try_update(
                |arrived| match arrived.iter_mut().find(|known| known.id == list.id) {
                    Some(known) => {
                        *known = list.clone();
                        true
                    }
                    None => false,
                },
            )
            .unwrap_or(false)
    }

    /// Applies a live event, or holds it while this page has a change to the same list
    /// in flight or a page on its way.
    pub fn receive(&self, event: ListEvent) {
        let event = self.fresh(|fresh| {
            fresh.fed(event.seq);
            fresh.hold(event)
        });
        if let Some(event) = event {
            self.apply(event.seq, event.kind, event.list, false);
        }
    }

    /// Marks an optimistic change to `id` as sent.
    pub fn begin(&self, id: ListId) {
        self.fresh(|fresh| fresh.begin(id));
    }

    /// Takes the server's answer to one change begun with [`begin`](Self::begin)
    /// (`None` if it failed and was already undone). While later changes to the same
    /// list are still in flight, the answer only moves the list's version, so the newer
    /// optimistic value stays; the last answer applies, then the held events follow.
    pub fn finish_change(&self, id: ListId, kind: ChangeKind, answer: Option<ChangedList>) {
        let still_busy = self.fresh(|fresh| fresh.end(id));
        match answer {
            Some(changed) if still_busy => {
                self.fresh(|fresh| fresh.advance(id, changed.seq));
            }
            Some(changed) => {
                self.apply(changed.seq, kind, changed.list, true);
            }
            None => {}
        }
        if !still_busy {
            for event in self.fresh(|fresh| fresh.release(id)) {
                self.apply(event.seq, event.kind, event.list, false);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::MAX_ROWS;
    use super::*;
    use crate::lists::SearchTerm;
    use crate::stream::KeyedStream;
    use leptos::reactive::owner::Owner;
    #[test]
    fn a_created_list_goes_on_top_when_the_newest_rows_are_in_view() {
        Owner::new().with(|| {
            let window = window_with(lists([5, 2]), info(false, false, 10));
            assert!(window.apply(EventSeq::new(11), ChangeKind::Created, list(9, "i"), false));
            assert!(window.apply(EventSeq::new(12), ChangeKind::Restored, list(3, "c"), false));
            assert_eq!(ids(&window), vec![9, 5, 3, 2]);
        });
    }

    #[test]
    fn new_lists_wait_under_the_button_while_the_top_is_out_of_view() {
        Owner::new().with(|| {
            let window = window_with(lists([5, 2]), info(false, false, 10));
            window.top_in_view.set(false);
            window.apply(EventSeq::new(11), ChangeKind::Created, list(9, "i"), false);
            window.apply(EventSeq::new(12), ChangeKind::Created, list(10, "j"), false);
            assert_eq!(ids(&window), vec![5, 2], "the window does not move");
            let arrived: Vec<_> = window
                .arrived
                .get_untracked()
                .iter()
                .map(|l| l.id.get())
                .collect();
            assert_eq!(arrived, vec![10, 9]);
            // Renamed and deleted while waiting: the button follows.
            window.apply(
                EventSeq::new(13),
                ChangeKind::Renamed,
                list(9, "renamed"),
                false,
            );
            window.apply(EventSeq::new(14), ChangeKind::Deleted, list(10, "j"), false);
            assert_eq!(window.arrived.get_untracked(), vec![list(9, "renamed")]);
            assert!(window.show_arrived());
            assert_eq!(ids(&window), vec![9, 5, 2]);
            assert!(window.arrived.get_untracked().is_empty());
        });
    }

    #[test]
    fn an_own_create_shows_on_top_even_when_scrolled() {
        Owner::new().with(|| {
            let window = window_with(lists([5, 2]), info(false, false, 10));
            window.top_in_view.set(false);
            window.apply(
                EventSeq::new(11),
                ChangeKind::Created,
                list(9, "mine"),
                true,
            );
            assert_eq!(ids(&window), vec![9, 5, 2]);
        });
    }

    #[test]
    fn lists_older_than_the_window_wait_until_scrolled_to() {
        Owner::new().with(|| {
            let window = window_with(lists([50, 40]), info(true, false, 10));
            window.apply(
                EventSeq::new(11),
                ChangeKind::Restored,
                list(3, "old"),
                false,
            );
            assert_eq!(ids(&window), vec![50, 40]);
            window.apply(
                EventSeq::new(12),
                ChangeKind::Restored,
                list(45, "inside"),
                false,
            );
            assert_eq!(ids(&window), vec![50, 45, 40]);
        });
    }

    #[test]
    fn a_search_keeps_only_matching_lists_and_moves_renamed_ones_in_and_out() {
        Owner::new().with(|| {
            let window = ListWindow::new(
                KeyedStream::from_rows(
                    vec![list(5, "Tea time"), list(2, "Green tea")],
                    ListWindow::LIMIT,
                ),
                info(false, false, 10),
                SearchTerm::parse("tea").unwrap(),
            );
            window.apply(
                EventSeq::new(11),
                ChangeKind::Created,
                list(9, "Coffee"),
                false,
            );
            assert_eq!(ids(&window), vec![5, 2], "not a match");
            window.apply(
                EventSeq::new(12),
                ChangeKind::Renamed,
                list(5, "Lunch"),
                false,
            );
            assert_eq!(ids(&window), vec![2], "renamed out of the search");
            window.apply(
                EventSeq::new(13),
                ChangeKind::Renamed,
                list(9, "Iced TEA"),
                false,
            );
            assert_eq!(ids(&window), vec![9, 2], "renamed into it");
        });
    }

    #[test]
    fn the_same_change_twice_is_applied_once() {
        Owner::new().with(|| {
            let window = window_with(lists([2]), info(false, false, 10));
            assert!(window.apply(EventSeq::new(11), ChangeKind::Created, list(3, "c"), false));
            assert!(!window.apply(EventSeq::new(11), ChangeKind::Created, list(3, "c"), false));
            assert_eq!(ids(&window), vec![3, 2]);
        });
    }

    #[test]
    fn an_older_event_never_overwrites_a_newer_change() {
        Owner::new().with(|| {
            let window = window_with(lists([2]), info(false, false, 10));
            assert!(window.apply(
                EventSeq::new(14),
                ChangeKind::Renamed,
                list(2, "mine"),
                false
            ));
            assert!(!window.apply(
                EventSeq::new(12),
                ChangeKind::Renamed,
                list(2, "theirs"),
                false
            ));
            assert_eq!(name_of(&window, 2), "mine");
        });
    }

    #[test]
    fn events_the_page_already_holds_are_ignored() {
        Owner::new().with(|| {
            let window = window_with(lists([2]), info(false, false, 10));
            assert!(!window.apply(EventSeq::new(9), ChangeKind::Deleted, list(2, "b"), false));
            assert_eq!(ids(&window), vec![2]);
        });
    }

    #[test]
    fn a_delete_then_a_restore_put_the_row_back_in_place() {
        Owner::new().with(|| {
            let window = window_with(lists([3, 2, 1]), info(false, false, 0));
            window.apply(EventSeq::new(1), ChangeKind::Deleted, list(2, "b"), false);
            assert_eq!(ids(&window), vec![3, 1]);
            window.apply(EventSeq::new(2), ChangeKind::Restored, list(2, "b"), false);
            assert_eq!(ids(&window), vec![3, 2, 1]);
        });
    }

    #[test]
    fn two_quick_renames_never_show_the_first_again() {
        Owner::new().with(|| {
            let window = window_with(vec![list(1, "a")], info(false, false, 10));
            let id = ListId::new(1);
            for name in ["b", "c"] {
                window.begin(id);
                window
                    .rows
                    .modify(&id, |l| l.name = ListName::parse(name).unwrap());
            }
            window.receive(event(11, ChangeKind::Renamed, 1, "b"));
            assert_eq!(
                name_of(&window, 1),
                "c",
                "the echo of the first rename is held"
            );
            window.finish_change(id, ChangeKind::Renamed, Some(changed(11, 1, "b")));
            assert_eq!(
                name_of(&window, 1),
                "c",
                "the first answer does not undo the second"
            );
            window.finish_change(id, ChangeKind::Renamed, Some(changed(12, 1, "c")));
            window.receive(event(12, ChangeKind::Renamed, 1, "c"));
            assert_eq!(name_of(&window, 1), "c");
        });
    }

    #[test]
    fn events_held_during_a_failed_change_are_applied_after_it() {
        Owner::new().with(|| {
            let window = window_with(vec![list(1, "a")], info(false, false, 10));
            let id = ListId::new(1);
            window.begin(id);
            window
                .rows
                .modify(&id, |l| l.name = ListName::parse("mine").unwrap());
            window.receive(event(11, ChangeKind::Renamed, 1, "theirs"));
            // The request failed: the change puts the old name back, then finishes.
            window
                .rows
                .modify(&id, |l| l.name = ListName::parse("a").unwrap());
            window.finish_change(id, ChangeKind::Renamed, None);
            assert_eq!(name_of(&window, 1), "theirs");
        });
    }

    #[test]
    fn the_window_never_holds_more_than_the_limit_when_lists_arrive() {
        Owner::new().with(|| {
            let window = window_with(lists((1..=200).rev()), info(false, false, 10));
            window.apply(
                EventSeq::new(11),
                ChangeKind::Created,
                list(201, "new"),
                false,
            );
            assert_eq!(window.rows.len(), MAX_ROWS);
            assert_eq!(ids(&window)[0], 201);
            assert!(window.has_older.get_untracked(), "list 1 was dropped below");
        });
    }
}
