//! What the buttons do: optimistic where it is safe, one request per change, in click order.

use super::model::{newest_first, ListsModel, Notice};
use super::split::{self, Change};
use crate::lists::{ChangeKind, List, ListError, ListId, ListName};
use crate::stream::At;
use leptos::prelude::*;
use std::{cell::RefCell, collections::VecDeque, future::Future, pin::Pin};

type Request = Pin<Box<dyn Future<Output = ()>>>;

thread_local! {
    /// Requests run one after another, so a later click can never overtake an earlier one
    /// on the way to the server (an Undo overtaking its Delete, say). Browser-only: wasm is
    /// single-threaded and event handlers never run on the server.
    static QUEUE: RefCell<(VecDeque<Request>, bool)> = RefCell::default();
}

fn in_click_order(request: impl Future<Output = ()> + 'static) {
    let start = QUEUE.with_borrow_mut(|(queue, running)| {
        queue.push_back(Box::pin(request));
        !std::mem::replace(running, true)
    });
    if start {
        leptos::task::spawn_local(async {
            while let Some(next) = QUEUE.with_borrow_mut(|(queue, _)| queue.pop_front()) {
                next.await;
            }
            QUEUE.with_borrow_mut(|(_, running)| *running = false);
        });
    }
}

impl ListsModel {
    /// Creates a list. The row appears when the server has it (it has no id before);
    /// `on_error` gets the reason if it fails.
    pub fn create(self, name: ListName, on_error: impl FnOnce(ListError) + 'static) {
        in_click_order(async move {
            if let Err(error) = split::send(self, Change::Create(name)).await {
                on_error(error);
            }
        });
    }

    /// Renames at once on the page; puts the old name back if the server refuses.
    pub fn rename(self, id: ListId, name: ListName) {
        let optimistic = name.clone();
        let Some(before) = self.rows.modify(&id, |list| list.name = optimistic) else {
            return;
        };
        self.begin(id);
        in_click_order(async move {
            if let Err(error) = split::send(self, Change::Rename(id, name.clone())).await {
                self.rows.modify(&id, |list| {
                    if list.name == name {
                        list.name = before.name;
                    }
                });
                self.finish(id, ChangeKind::Renamed, None);
                self.fail(error.to_string());
            }
        });
    }

    /// Removes the row at once and offers Undo; puts it back if the server refuses.
    pub fn delete(self, id: ListId) {
        let Some((_, list)) = self.rows.delete(&id) else {
            return;
        };
        self.notice.set(Some(Notice::Deleted(list.clone())));
        self.begin(id);
        in_click_order(async move {
            if let Err(error) = split::send(self, Change::Delete(id)).await {
                self.rows.insert(list, At::Sorted(newest_first));
                self.finish(id, ChangeKind::Deleted, None);
                self.fail(error.to_string());
            }
        });
    }

    /// Brings a deleted list back to its place.
    pub fn undo_delete(self, list: List) {
        self.notice.set(None);
        in_click_order(async move {
            if let Err(error) = split::send(self, Change::Restore(list.id)).await {
                self.fail(error.to_string());
            }
        });
    }
}
