//! `ListsModel`: the page's lists, and the one rule for applying a change to them.

use crate::lists::{ChangeKind, EventSeq, List, ListId, ListsSnapshot};
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
    pub notice: RwSignal<Option<Notice>>,
    pub feed: RwSignal<FeedStatus>,
}

impl ListsModel {
    pub fn new(rows: KeyedStream<List>) -> Self {
        Self {
            rows,
            cursor: StoredValue::new(EventSeq::default()),
            versions: StoredValue::new(HashMap::new()),
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

    /// Notes that `id` is known up to `seq`; false if something as new was already known.
    pub fn advance(&self, id: ListId, seq: EventSeq) -> bool {
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
