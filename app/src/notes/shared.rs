//! What the parts of the page share ([`Notes`]), and everything the page asks of the
//! server through it. Each change starts here and goes to the
//! [`outbox`](super::outbox), which shows it on the page at once, keeps it, sends it and
//! applies its answer; each page of rows is fetched through
//! [`transport`](super::transport) and applied here.

use super::address_bar;
use super::live_indicator::FeedStatus;
use super::notes_request::Renaming;
use super::notice_bar::Notice;
use super::outbox::Outbox;
use super::transport;
use super::window::{Fetch, ListWindow};
use crate::language::I18n;
use crate::lists::{ListChange, ListError, ListId, ListName, ListsQuery, SearchTerm};
use crate::word;
use leptos::prelude::*;

/// What the parts of the page share. Cheap to copy.
#[derive(Clone, Copy)]
pub struct Notes {
    /// Which page the person asked for: from the URL on the first load, then from the
    /// search box.
    pub query: RwSignal<ListsQuery>,
    /// The loaded window, while one is shown (set by the view that shows it).
    pub window: RwSignal<Option<ListWindow>>,
    pub notice: RwSignal<Option<Notice>>,
    /// Whether the live feed is connected (the feed itself is `live_feed`'s).
    pub feed_status: RwSignal<FeedStatus>,
    /// The page's language: every word shown goes through it.
    pub i18n: I18n,
    /// The words on every row, made once per page: a page renders fifty rows.
    pub row_words: RowWords,
    /// The row a Rename without JavaScript opened (from the URL), until that row renders.
    pub renaming: StoredValue<Option<Renaming>>,
    /// The changes waiting for the server, in this browser.
    pub outbox: Outbox,
}

#[derive(Clone, Copy)]
pub struct RowWords {
    pub rename: Signal<&'static str>,
    pub delete: Signal<&'static str>,
    pub waiting: Signal<&'static str>,
}

impl Notes {
    /// What a page starts with: the window it asks for, the notice a form left, its
    /// language and the row whose editor a Rename without JavaScript opened.
    pub fn new(
        query: ListsQuery,
        notice: Option<Notice>,
        i18n: I18n,
        renaming: Option<Renaming>,
    ) -> Self {
        Self {
            query: RwSignal::new(query),
            window: RwSignal::new(None),
            notice: RwSignal::new(notice),
            feed_status: RwSignal::new(FeedStatus::Connecting),
            i18n,
            row_words: RowWords {
                rename: word!(i18n, rename),
                delete: word!(i18n, delete),
                waiting: word!(i18n, waiting_to_save),
            },
            renaming: StoredValue::new(renaming),
            outbox: Outbox::new(),
        }
    }

    /// Creates a list. It shows at the top at once, marked as waiting, until the server
    /// has made it (it has no id before); then it is a row like any other. `unsent`
    /// hears if it could not even be kept in the browser (see `Outbox::push`).
    pub fn create(self, name: ListName, unsent: impl FnOnce(ListError) + 'static) {
        self.outbox
            .push(self, ListChange::Create(name), Some(Box::new(unsent)));
    }

    /// Renames: the row shows the new name at once, marked as waiting; the old name
    /// comes back if the server refuses it.
    pub fn rename(self, id: ListId, name: ListName) {
        self.outbox.push(self, ListChange::Rename(id, name), None);
    }

    /// Deletes: the row goes at once and Undo is offered; it comes back if the server
    /// refuses it.
    pub fn delete(self, id: ListId) {
        self.outbox.push(self, ListChange::Delete(id), None);
    }

    /// Brings a deleted list back to its place: at once if this page still knows its
    /// name (its delete is waiting), else when the server answers.
    pub fn undo_delete(self, id: ListId) {
        self.notice.set(None);
        self.outbox.push(self, ListChange::Restore(id), None);
    }

    /// Brings back a list deleted elsewhere while this page's rename of it waited, with
    /// that name: both go through the outbox, in that order, and show when answered.
    pub fn restore_and_rename(self, id: ListId, name: ListName) {
        self.notice.set(None);
        self.outbox.push(self, ListChange::Restore(id), None);
        self.outbox.push(self, ListChange::Rename(id, name), None);
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
        transport::fetch_page(window, fetch, query, generation).await
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
}
