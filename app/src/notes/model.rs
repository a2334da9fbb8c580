//! `ListsModel`: the page's lists, and the one rule for applying a change to them.

use crate::lists::{ChangeKind, ChangedList, EventSeq, List, ListEvent, ListId, ListsSnapshot};
use crate::stream::{At, Keyed, KeyedStream, Snapshot};
use leptos::prelude::*;
use std::{cmp::Ordering, collections::HashMap};

impl Keyed for List {
    type Key = ListId;
    fn key(&self) -> ListId {
        self.id
    }
}

impl Snapshot for ListsSnapshot {
    type Row = List;
    type Meta = EventSeq;
    fn into_parts(self) -> (Vec<List>, EventSeq) {
        (self.lists, self.cursor)
    }
}

/// Newest first: larger ids on top.
pub fn newest_first(a: &List, b: &List) -> Ordering {
    b.id.cmp(&a.id)
}

/// A message about the last change, shown under the list.
#[derive(Clone, Debug, PartialEq)]
pub enum Notice {
    /// A list was deleted and can be brought back. Requests run in click order, so an
    /// Undo can never overtake its Delete.
    Deleted(List),
    /// A change failed and was undone on the page; the sentence says why.
    Failed(String),
}

/// Whether the live feed is connected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeedStatus {
    Connecting,
    Live,
    Reconnecting,
}

/// The lists on the page and what the page knows about their freshness.
#[derive(Clone, Copy)]
pub struct ListsModel {
    pub rows: KeyedStream<List>,
    /// The change-log position of the loaded snapshot: every row is at least this fresh.
    cursor: StoredValue<EventSeq>,
    /// Lists changed since the snapshot, with the position of their latest applied change.
    versions: StoredValue<HashMap<ListId, EventSeq>>,
    /// Lists with optimistic changes of this page still on their way to the server.
    in_flight: StoredValue<HashMap<ListId, usize>>,
    /// Live events about those lists, held back until their changes settle, so that an
    /// echo of an older change never shows over a newer optimistic one.
    held: StoredValue<Vec<ListEvent>>,
    pub notice: RwSignal<Option<Notice>>,
    pub feed: RwSignal<FeedStatus>,
}

impl ListsModel {
    pub fn new(rows: KeyedStream<List>) -> Self {
        Self {
            rows,
            cursor: StoredValue::new(EventSeq::default()),
            versions: StoredValue::new(HashMap::new()),
            in_flight: StoredValue::new(HashMap::new()),
            held: StoredValue::new(Vec::new()),
            notice: RwSignal::new(None),
            feed: RwSignal::new(FeedStatus::Connecting),
        }
    }

    /// Takes a freshly loaded snapshot: rows that survive keep their DOM node.
    pub fn reset(&self, snapshot: ListsSnapshot) {
        self.rows.reset(snapshot.lists);
        self.loaded(snapshot.cursor);
    }

    /// Records that the rows now reflect the change log up to `cursor`.
    pub fn loaded(&self, cursor: EventSeq) {
        self.cursor.set_value(cursor);
        self.versions.update_value(HashMap::clear);
    }

    /// Applies one change at log position `seq` to at most one row, unless the page
    /// already holds that change or a newer one for the same list. Own changes and live
    /// events both come through here, so applying one twice changes nothing.
    pub fn apply(&self, seq: EventSeq, kind: ChangeKind, list: List) -> bool {
        if !self.advance(list.id, seq) {
            return false;
        }
        match kind {
            ChangeKind::Created | ChangeKind::Restored => {
                self.rows.insert(list, At::Sorted(newest_first));
            }
            ChangeKind::Renamed => {
                self.rows.update(list);
            }
            ChangeKind::Deleted => {
                self.rows.delete(&list.id);
            }
        }
        true
    }

    /// Applies a live event, or holds it while this page has a change to the same list
    /// in flight.
    pub fn receive(&self, event: ListEvent) {
        let busy = self
            .in_flight
            .with_value(|in_flight| in_flight.contains_key(&event.list.id));
        if busy {
            self.held.update_value(|held| held.push(event));
        } else {
            self.apply(event.seq, event.kind, event.list);
        }
    }

    /// Marks an optimistic change to `id` as sent.
    pub fn begin(&self, id: ListId) {
        self.in_flight
            .update_value(|in_flight| *in_flight.entry(id).or_default() += 1);
    }

    /// Takes the server's answer to one change begun with [`begin`](Self::begin)
    /// (`None` if it failed and was already undone). While later changes to the same
    /// list are still in flight, the answer only moves the list's version, so the newer
    /// optimistic value stays; the last answer applies, then the held events follow.
    pub fn finish(&self, id: ListId, kind: ChangeKind, answer: Option<ChangedList>) {
        let still_busy = self
            .in_flight
            .try_update_value(|in_flight| match in_flight.get_mut(&id) {
                Some(count) if *count > 1 => {
                    *count -= 1;
                    true
                }
                _ => {
                    in_flight.remove(&id);
                    false
                }
            })
            .unwrap_or(false);
        match answer {
            Some(changed) if still_busy => {
                self.advance(id, changed.seq);
            }
            Some(changed) => {
                self.apply(changed.seq, kind, changed.list);
            }
            None => {}
        }
        if !still_busy {
            let mut released = Vec::new();
            self.held.update_value(|held| {
                let (mine, others) = held.drain(..).partition(|event| event.list.id == id);
                released = mine;
                *held = others;
            });
            for event in released {
                self.apply(event.seq, event.kind, event.list);
            }
        }
    }

    /// Notes that `id` is known up to `seq`; false if something as new was already known.
    fn advance(&self, id: ListId, seq: EventSeq) -> bool {
        let cursor = self.cursor.get_value();
        self.versions
            .try_update_value(|versions| {
                let known = versions.get(&id).copied().unwrap_or(cursor);
                if seq <= known {
                    return false;
                }
                versions.insert(id, seq);
                true
            })
            .unwrap_or(false)
    }

    pub fn fail(&self, message: impl Into<String>) {
        self.notice.set(Some(Notice::Failed(message.into())));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lists::ListName;
    use leptos::reactive::owner::Owner;

    fn list(id: i64, name: &str) -> List {
        List {
            id: ListId::new(id),
            name: ListName::parse(name).unwrap(),
        }
    }

    fn model_with(lists: Vec<List>, cursor: i64) -> ListsModel {
        let model = ListsModel::new(KeyedStream::new());
        model.reset(ListsSnapshot {
            lists,
            cursor: EventSeq::new(cursor),
        });
        model
    }

    fn ids(model: &ListsModel) -> Vec<i64> {
        model.rows.keys().into_iter().map(ListId::get).collect()
    }

    #[test]
    fn a_created_list_goes_to_its_place_newest_first() {
        Owner::new().with(|| {
            let model = model_with(vec![list(5, "e"), list(2, "b")], 10);
            assert!(model.apply(EventSeq::new(11), ChangeKind::Created, list(9, "i")));
            assert!(model.apply(EventSeq::new(12), ChangeKind::Restored, list(3, "c")));
            assert_eq!(ids(&model), vec![9, 5, 3, 2]);
        });
    }

    #[test]
    fn the_same_change_twice_is_applied_once() {
        Owner::new().with(|| {
            let model = model_with(vec![list(2, "b")], 10);
            assert!(model.apply(EventSeq::new(11), ChangeKind::Created, list(3, "c")));
            assert!(!model.apply(EventSeq::new(11), ChangeKind::Created, list(3, "c")));
            assert_eq!(ids(&model), vec![3, 2]);
        });
    }

    #[test]
    fn an_older_event_never_overwrites_a_newer_change() {
        Owner::new().with(|| {
            let model = model_with(vec![list(2, "b")], 10);
            assert!(model.apply(EventSeq::new(14), ChangeKind::Renamed, list(2, "mine")));
            assert!(!model.apply(EventSeq::new(12), ChangeKind::Renamed, list(2, "theirs")));
            assert_eq!(
                model.rows.get(&ListId::new(2)).unwrap().name.as_str(),
                "mine"
            );
        });
    }

    #[test]
    fn events_the_snapshot_already_holds_are_ignored() {
        Owner::new().with(|| {
            let model = model_with(vec![list(2, "b")], 10);
            assert!(!model.apply(EventSeq::new(9), ChangeKind::Deleted, list(2, "b")));
            assert_eq!(ids(&model), vec![2]);
        });
    }

    #[test]
    fn a_delete_then_a_restore_put_the_row_back_in_place() {
        Owner::new().with(|| {
            let model = model_with(vec![list(3, "c"), list(2, "b"), list(1, "a")], 0);
            assert!(model.apply(EventSeq::new(1), ChangeKind::Deleted, list(2, "b")));
            assert_eq!(ids(&model), vec![3, 1]);
            assert!(model.apply(EventSeq::new(2), ChangeKind::Restored, list(2, "b")));
            assert_eq!(ids(&model), vec![3, 2, 1]);
        });
    }

    fn event(seq: i64, kind: ChangeKind, id: i64, name: &str) -> ListEvent {
        ListEvent {
            seq: EventSeq::new(seq),
            kind,
            list: list(id, name),
        }
    }

    fn changed(seq: i64, id: i64, name: &str) -> ChangedList {
        ChangedList {
            list: list(id, name),
            seq: EventSeq::new(seq),
        }
    }

    fn name_of(model: &ListsModel, id: i64) -> String {
        model.rows.get(&ListId::new(id)).unwrap().name.to_string()
    }

    #[test]
    fn two_quick_renames_never_show_the_first_again() {
        Owner::new().with(|| {
            let model = model_with(vec![list(1, "a")], 10);
            let id = ListId::new(1);
            for name in ["b", "c"] {
                model.begin(id);
                model
                    .rows
                    .modify(&id, |l| l.name = ListName::parse(name).unwrap());
            }
            model.receive(event(11, ChangeKind::Renamed, 1, "b"));
            assert_eq!(
                name_of(&model, 1),
                "c",
                "the echo of the first rename is held"
            );
            model.finish(id, ChangeKind::Renamed, Some(changed(11, 1, "b")));
            assert_eq!(
                name_of(&model, 1),
                "c",
                "the first answer does not undo the second"
            );
            model.finish(id, ChangeKind::Renamed, Some(changed(12, 1, "c")));
            model.receive(event(12, ChangeKind::Renamed, 1, "c"));
            assert_eq!(name_of(&model, 1), "c");
        });
    }

    #[test]
    fn events_held_during_a_failed_change_are_applied_after_it() {
        Owner::new().with(|| {
            let model = model_with(vec![list(1, "a")], 10);
            let id = ListId::new(1);
            model.begin(id);
            model
                .rows
                .modify(&id, |l| l.name = ListName::parse("mine").unwrap());
            model.receive(event(11, ChangeKind::Renamed, 1, "theirs"));
            // The request failed: the action puts the old name back, then finishes.
            model
                .rows
                .modify(&id, |l| l.name = ListName::parse("a").unwrap());
            model.finish(id, ChangeKind::Renamed, None);
            assert_eq!(name_of(&model, 1), "theirs");
        });
    }

    #[test]
    fn events_about_other_lists_are_not_held() {
        Owner::new().with(|| {
            let model = model_with(vec![list(2, "b"), list(1, "a")], 10);
            model.begin(ListId::new(1));
            model.receive(event(11, ChangeKind::Renamed, 2, "B"));
            assert_eq!(name_of(&model, 2), "B");
        });
    }

    #[test]
    fn a_reset_forgets_versions_older_than_its_cursor() {
        Owner::new().with(|| {
            let model = model_with(vec![list(1, "a")], 0);
            model.apply(EventSeq::new(5), ChangeKind::Renamed, list(1, "x"));
            model.reset(ListsSnapshot {
                lists: vec![list(1, "y")],
                cursor: EventSeq::new(20),
            });
            assert!(!model.apply(EventSeq::new(20), ChangeKind::Renamed, list(1, "z")));
            assert!(model.apply(EventSeq::new(21), ChangeKind::Renamed, list(1, "z")));
            assert_eq!(model.rows.get(&ListId::new(1)).unwrap().name.as_str(), "z");
        });
    }
}
