//! Everything the page asks of the server. Each change and each page of rows starts
//! here, is sent through [`transport`](super::transport), and has its outcome (success or
//! failure) applied here, so the path of a change reads top to bottom in one function.

use super::transport::{self, Change};
use super::window::{Fetch, ListWindow};
use super::{address_bar, viewport};
use super::{Notes, Notice};
use crate::lists::{ChangeKey, ChangeKind, ListError, ListId, ListName, ListsQuery, SearchTerm};
use leptos::prelude::*;
use std::future::Future;

#[cfg(feature = "hydrate")]
type Request = std::pin::Pin<Box<dyn Future<Output = ()>>>;

/// Changes run one after another, so a later click can never overtake an earlier one on
/// the way to the server (an Undo overtaking its Delete, say). Owned by the page.
///
/// Only the browser ever queues anything (event handlers never run on the server), and
/// its futures are tied to the browser's one thread, so the queue exists only there: a
/// value of this kind created during a server render would be dropped on another thread.
#[derive(Clone, Copy)]
pub struct RequestQueue {
    #[cfg(feature = "hydrate")]
    state: StoredValue<(std::collections::VecDeque<Request>, bool), LocalStorage>,
}

impl RequestQueue {
    pub fn new() -> Self {
        Self {
            #[cfg(feature = "hydrate")]
            state: StoredValue::new_local(Default::default()),
        }
    }

    #[cfg(feature = "hydrate")]
    fn push(self, request: impl Future<Output = ()> + 'static) {
        let state = self.state;
        let start = state
            .try_update_value(|(queue, running)| {
                queue.push_back(Box::pin(request));
                !std::mem::replace(running, true)
            })
            .unwrap_or(false);
        if start {
            leptos::task::spawn_local(async move {
                while let Some(next) = state
                    .try_update_value(|(queue, _)| queue.pop_front())
                    .flatten()
                {
                    next.await;
                }
                state.update_value(|(_, running)| *running = false);
            });
        }
    }

    #[cfg(not(feature = "hydrate"))]
    fn push(self, request: impl Future<Output = ()> + 'static) {
        drop(request);
    }
}

impl Notes {
    /// Creates a list. The row appears when the server has it (it has no id before);
    /// `on_error` gets the reason if it fails. `key` is the attempt's: a retry of the
    /// same attempt sends the same one, so it never makes a second list.
    pub fn create(
        self,
        name: ListName,
        key: ChangeKey,
        on_error: impl FnOnce(ListError) + 'static,
    ) {
        self.requests.push(async move {
            match transport::send(Change::Create(name, key)).await {
                Ok(created) => {
                    if let Some(window) = self.window.get_untracked() {
                        window.apply(created.seq, ChangeKind::Created, created.list, true);
                    }
                }
                Err(error) => on_error(error),
            }
        });
    }

    /// Renames at once on the page; puts the old name back if the server refuses.
    pub fn rename(self, window: ListWindow, id: ListId, name: ListName) {
        let optimistic = name.clone();
        let Some(before) = window.rows.modify(&id, |list| list.name = optimistic) else {
            return;
        };
        window.begin(id);
        self.requests.push(async move {
            match transport::send(Change::Rename(id, name.clone())).await {
                Ok(renamed) => window.finish_change(id, ChangeKind::Renamed, Some(renamed)),
                Err(error) => {
                    window.rows.modify(&id, |list| {
                        if list.name == name {
                            list.name = before.name;
                        }
                    });
                    window.finish_change(id, ChangeKind::Renamed, None);
                    self.fail(&error);
                }
            }
        });
    }

    /// Removes the row at once and offers Undo; puts it back if the server refuses.
    pub fn delete(self, window: ListWindow, id: ListId) {
        let Some((_, list)) = window.rows.delete(&id) else {
            return;
        };
        self.notice.set(Some(Notice::Deleted(id)));
        window.begin(id);
        self.requests.push(async move {
            match transport::send(Change::Delete(id)).await {
                Ok(deleted) => window.finish_change(id, ChangeKind::Deleted, Some(deleted)),
                Err(error) => {
                    window.put_back(list);
                    window.finish_change(id, ChangeKind::Deleted, None);
                    self.fail(&error);
                }
            }
        });
    }

    /// Brings a deleted list back to its place.
    pub fn undo_delete(self, id: ListId) {
        self.notice.set(None);
        self.requests.push(async move {
            match transport::send(Change::Restore(id)).await {
                Ok(restored) => {
                    if let Some(window) = self.window.get_untracked() {
                        window.apply(restored.seq, ChangeKind::Restored, restored.list, true);
                    }
                }
                Err(error) => self.fail(&error),
            }
        });
    }

    /// Loads the next page at one edge of the window, or the newest page again.
    pub fn fetch(self, window: ListWindow, fetch: Fetch) {
        leptos::task::spawn_local(async move {
            self.fetch_now(window, fetch).await;
        });
    }

    /// [`fetch`](Self::fetch), done: whether the page arrived (`true` too if there was
    /// nothing to fetch).
    pub async fn fetch_now(self, window: ListWindow, fetch: Fetch) -> bool {
        let Some((query, generation)) = window.start(fetch) else {
            return true;
        };
        let answer = transport::load(query).await;
        let arrived = answer.is_ok();
        match fetch {
            Fetch::Newer => viewport::keeping_top_row_in_place(|| {
                window.finish(fetch, generation, answer);
            }),
            _ => window.finish(fetch, generation, answer),
        }
        arrived
    }

    /// Shows the lists that arrived above the window, newest first, and scrolls to them.
    pub fn show_arrived(self, window: ListWindow) {
        if !window.show_arrived() {
            self.fetch(window, Fetch::Reset);
        }
    }

    /// Searches (or, with `None`, stops searching): the rows are replaced, and those that
    /// stay keep their DOM node. Without a window (the first load failed), the search
    /// becomes the page's query, and `reload` loads it.
    pub fn search(self, search: Option<SearchTerm>, reload: impl FnOnce()) {
        let query = ListsQuery::newest(search.clone());
        self.query.set(query.clone());
        address_bar::show(&query);
        match self.window.get_untracked() {
            Some(window) => {
                window.search.set(search);
                self.fetch(window, Fetch::Reset);
            }
            None => reload(),
        }
    }

    fn fail(self, error: &ListError) {
        self.notice.set(Some(Notice::Failed(error.clone())));
    }
}
