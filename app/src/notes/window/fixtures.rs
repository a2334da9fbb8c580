//! Lists, pages and windows for the window's tests.

use super::{ListWindow, PageInfo};
use crate::lists::{
    ChangeKind, ChangedList, EventSeq, List, ListEvent, ListId, ListName, ListsPage,
};
use crate::stream::KeyedStream;

pub(super) fn list(id: i64, name: &str) -> List {
    List {
        id: ListId::new(id),
        name: ListName::parse(name).unwrap(),
    }
}

pub(super) fn lists(ids: impl IntoIterator<Item = i64>) -> Vec<List> {
    ids.into_iter()
        .map(|id| list(id, &format!("list {id}")))
        .collect()
}

pub(super) fn info(has_older: bool, has_newer: bool, cursor: i64) -> PageInfo {
    PageInfo {
        has_older,
        has_newer,
        cursor: EventSeq::new(cursor),
    }
}

pub(super) fn window_with(rows: Vec<List>, info: PageInfo) -> ListWindow {
    ListWindow::new(KeyedStream::from_rows(rows, ListWindow::LIMIT), info, None)
}

pub(super) fn ids(window: &ListWindow) -> Vec<i64> {
    window.rows.keys().into_iter().map(ListId::get).collect()
}

pub(super) fn event(seq: i64, kind: ChangeKind, id: i64, name: &str) -> ListEvent {
    ListEvent {
        seq: EventSeq::new(seq),
        kind,
        list: list(id, name),
    }
}

pub(super) fn changed(seq: i64, id: i64, name: &str) -> ChangedList {
    ChangedList {
        list: list(id, name),
        seq: EventSeq::new(seq),
    }
}

pub(super) fn name_of(window: &ListWindow, id: i64) -> String {
    window.rows.get(&ListId::new(id)).unwrap().name.to_string()
}

pub(super) fn page(
    ids: impl IntoIterator<Item = i64>,
    has_older: bool,
    has_newer: bool,
    cursor: i64,
) -> ListsPage {
    ListsPage {
        lists: lists(ids),
        has_older,
        has_newer,
        cursor: EventSeq::new(cursor),
    }
}
