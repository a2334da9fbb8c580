//! [`Notes`]: the notes screen's front. Its state is private: views read it through the
//! methods here and act through its commands, and only it reaches the window, the
//! outbox, the feed and the requests (whose code comes later, handed over as
//! [`Requests`] by the screen's root, so that the front never imports that code).

use super::address_bar;
use super::notes_request::Renaming;
use crate::collection::{Collection, PageInfo, Position};
use crate::feed::{self, FeedHost, FeedStatus, EVENT_ENCODING};
use crate::language::I18n;
use crate::lists::{
    ListChange, ListError, ListEvent, ListId, ListName, Lists, ListsPage, ListsQuery, SearchTerm,
    SearchTermError, EVENTS_PATH,
};
use crate::outbox::{Job, Outbox, OutboxHost, Work};
use crate::stream::{Edge, KeyedStream, Snapshot};
use crate::window::{Fetch, Shown, Ticket, Window, WindowView};
use crate::word;
use leptos::prelude::*;
use std::{future::Future, pin::Pin};

/// A future of the browser's one thread.
pub type LocalFuture<T> = Pin<Box<dyn Future<Output = T>>>;

/// What the front asks of the server, through code that may have to be fetched first.
#[derive(Clone, Copy)]
pub struct Requests {
    /// Loads the page a window asked for and merges it; whether it arrived.
    pub fetch_page: fn(Window<Lists>, Fetch, ListsQuery, Ticket) -> LocalFuture<bool>,
    /// Searches for what was typed in the search box (see [`Notes::search`]); says so if
    /// its code cannot come.
    pub search: fn(Notes, String, Callback<Option<SearchTermError>>),
    /// Does one of the outbox's jobs (fails if its code cannot come).
    pub outbox_job: fn(Outbox<Lists>, Notes, Job<Lists>) -> Work<Lists>,
}

/// A message about the last change, shown under the list.
#[derive(Clone, Debug, PartialEq)]
pub enum Notice {
    /// A list was deleted and can be brought back. Requests run in click order, so an
    /// Undo can never overtake its Delete.
    Deleted(ListId),
    /// A change failed and was taken back; the error says why.
    Failed(ListError),
    /// A rename waited in the outbox while someone deleted the list: the person chooses
    /// between bringing it back with the new name and letting the rename go.
    RenameOfDeleted { id: ListId, name: ListName },
}

/// The words on every row, made once per screen: a screen renders fifty rows.
#[derive(Clone, Copy)]
pub struct RowWords {
    pub rename: Signal<&'static str>,
    pub delete: Signal<&'static str>,
    pub waiting: Signal<&'static str>,
}

/// A page of lists, loaded into a window's rows (drafts are the screen's own, never
/// loaded).
impl Snapshot for ListsPage {
    type Row = Shown<Lists>;
    type Meta = PageInfo;
    fn into_parts(self) -> (Vec<Shown<Lists>>, PageInfo) {
        let (rows, info) = Lists::page_parts(self);
        (rows.into_iter().map(Shown::Saved).collect(), info)
    }
}

/// The notes screen's front. Cheap to copy.
#[derive(Clone, Copy)]
pub struct Notes {
    /// Which lists the person asked for: from the URL on the first load, then from the
    /// search box.
    query: RwSignal<ListsQuery>,
    /// The loaded window, while one is shown.
    window: RwSignal<Option<Window<Lists>>>,
    notice: RwSignal<Option<Notice>>,
    feed_status: RwSignal<FeedStatus>,
    /// Bumped when a search asks for rows while there is no window to reset (the first
    /// load failed): the late lists load again.
    reloads: RwSignal<u32>,
    i18n: I18n,
    row_words: RowWords,
    /// The row a Rename without JavaScript opened (from the URL), until that row renders.
    renaming: StoredValue<Option<Renaming>>,
    outbox: Outbox<Lists>,
    requests: Requests,
}

impl Notes {
    /// What a screen starts with: the lists it asks for, the notice a form left, its
    /// language and the row whose editor a Rename without JavaScript opened.
    pub fn new(
        query: ListsQuery,
        notice: Option<Notice>,
        i18n: I18n,
        renaming: Option<Renaming>,
        requests: Requests,
    ) -> Self {
        Self {
            query: RwSignal::new(query),
            window: RwSignal::new(None),
            notice: RwSignal::new(notice),
            feed_status: RwSignal::new(FeedStatus::Connecting),
            reloads: RwSignal::new(0),
            i18n,
            row_words: RowWords {
                rename: word!(i18n, rename),
                delete: word!(i18n, delete),
                waiting: word!(i18n, waiting_to_save),
            },
            renaming: StoredValue::new(renaming),
            outbox: Outbox::new(),
            requests,
        }
    }

    // What views read.

    pub fn i18n(self) -> I18n {
        self.i18n
    }

    pub fn row_words(self) -> RowWords {
        self.row_words
    }

    /// The lists asked for (tracked).
    pub fn query(self) -> ListsQuery {
        self.query.get()
    }

    /// The lists asked for, without tracking.
    pub fn query_untracked(self) -> ListsQuery {
        self.query.get_untracked()
    }

    /// The notice under the list (tracked).
    pub fn notice(self) -> Option<Notice> {
        self.notice.get()
    }

    /// Whether the feed is connected (tracked).
    pub fn feed_status(self) -> FeedStatus {
        self.feed_status.get()
    }

    /// How many changes wait for the server (tracked).
    pub fn waiting_count(self) -> usize {
        self.outbox.waiting_count()
    }

    /// Whether the server cannot be reached: the last send found none, or the feed is
    /// down (tracked).
    pub fn offline(self) -> bool {
        self.outbox.offline() || self.feed_status.get() == FeedStatus::Reconnecting
    }

    /// Whether a change to this list waits for the server (tracked).
    pub fn waits_for(self, id: ListId) -> bool {
        self.outbox.waits_for(id)
    }

    /// Loads asked for while there was no window to reset (tracked).
    pub fn reloads(self) -> u32 {
        self.reloads.get()
    }

    /// The Rename without JavaScript opened on this row, handed over once.
    pub fn take_renaming(self, id: ListId) -> Option<Renaming> {
        self.renaming
            .try_update_value(|renaming| renaming.take_if(|renaming| renaming.id == id))
            .flatten()
    }

    /// Whether a Rename without JavaScript is open on a row not yet drawn.
    pub fn renaming_open(self) -> bool {
        self.renaming.with_value(Option::is_some)
    }

    // Commands.

    /// Shows a loaded page in a window, for as long as the calling view lives: the rest
    /// of the screen (the create form, the search box, Undo) works on it, the feed
    /// follows on from its position, and the URL follows its scrolling.
    pub fn show(self, rows: KeyedStream<Shown<Lists>>, info: PageInfo) -> WindowView<Lists> {
        let search = self.query.with_untracked(|query| query.search.clone());
        let window = Window::new(rows, info, search);
        Effect::new(move |_| {
            self.window.set(Some(window));
            on_cleanup(move || {
                self.window.try_set(None);
            });
        });
        feed::follow::<ListEvent>(self, window.since());
        address_bar::follow_scrolling(window.view());
        window.view()
    }

    /// Starts what a hydrated screen does on its own: the outbox.
    pub fn start(self) {
        self.outbox.start(self);
    }

    /// Creates a list. It shows at the top at once, marked as waiting, until the server
    /// has made it (it has no id before); then it is a row like any other, in the same
    /// node. `unsent` hears if it could not even be kept in the browser.
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

    /// Brings a deleted list back to its place: at once if this screen still knows its
    /// name (its delete is waiting), else when the server answers.
    pub fn undo_delete(self, id: ListId) {
        self.notice.set(None);
        self.outbox.push(self, ListChange::Restore(id), None);
    }

    /// Brings back a list deleted elsewhere while this screen's rename of it waited,
    /// with that name: both go through the outbox, in that order, and show when answered.
    pub fn restore_and_rename(self, id: ListId, name: ListName) {
        self.notice.set(None);
        self.outbox.push(self, ListChange::Restore(id), None);
        self.outbox.push(self, ListChange::Rename(id, name), None);
    }

    /// Takes the notice away.
    pub fn dismiss_notice(self) {
        self.notice.set(None);
    }

    /// Says the server cannot be reached (code a view needs could not be fetched).
    pub fn unreachable(self) {
        self.failed(ListError::Unreachable);
    }

    /// Loads the next page beyond `edge` (scrolling, a link followed in place, Retry).
    pub fn load_more(self, edge: Edge) {
        if let Some(window) = self.window.get_untracked() {
            self.fetch(window, Fetch::At(edge));
        }
    }

    /// Shows the lists that arrived above the window: at once if the newest rows are
    /// loaded, else by loading them.
    pub fn show_arrived(self) {
        if let Some(window) = self.window.get_untracked() {
            if !window.show_arrived() {
                self.fetch(window, Fetch::Reset);
            }
        }
    }

    /// Tells the window whether its top is in view (new lists show at once only then).
    pub fn top_in_view(self, in_view: bool) {
        if let Some(window) = self.window.get_untracked() {
            window.start_in_view(in_view);
        }
    }

    /// Searches for what was typed (blank: stops searching). A term the search refuses
    /// is told to `refused`, and changes nothing; a new term replaces the rows (those
    /// that stay keep their DOM node), or, without a window (the first load failed),
    /// becomes the screen's query and loads again.
    pub fn search(self, typed: String, refused: Callback<Option<SearchTermError>>) {
        (self.requests.search)(self, typed, refused);
    }

    /// [`search`](Self::search), in the code that comes with the load (a search always
    /// loads a page).
    pub(super) fn search_now(self, typed: &str, refused: Callback<Option<SearchTermError>>) {
        let term = match SearchTerm::parse(typed) {
            Ok(term) => term,
            Err(error) => {
                refused.run(Some(error));
                return;
            }
        };
        refused.run(None);
        if self.query.with_untracked(|query| query.search == term) {
            return;
        }
        let query = ListsQuery::newest(term.clone());
        self.query.set(query.clone());
        address_bar::show(&query);
        match self.window.get_untracked() {
            Some(window) => {
                window.filter_by(term);
                self.fetch(window, Fetch::Reset);
            }
            None => self.reloads.update(|reloads| *reloads += 1),
        }
    }

    /// Says why something failed (the code it needed could not be fetched, say).
    pub(super) fn failed(self, error: ListError) {
        self.notice.set(Some(Notice::Failed(error)));
    }

    /// Loads what `fetch` asks of the window and merges it.
    fn fetch(self, window: Window<Lists>, fetch: Fetch) {
        leptos::task::spawn_local(async move {
            self.fetch_now(window, fetch).await;
        });
    }

    /// [`fetch`](Self::fetch), done: whether the page arrived (`true` too if there was
    /// nothing to fetch).
    async fn fetch_now(self, window: Window<Lists>, fetch: Fetch) -> bool {
        let Some((query, ticket)) = window.start(fetch) else {
            return true;
        };
        (self.requests.fetch_page)(window, fetch, query, ticket).await
    }
}

/// The outbox reaches the screen through this.
impl OutboxHost<Lists> for Notes {
    fn window(&self) -> Option<Window<Lists>> {
        self.window.get_untracked()
    }

    fn work_later(&self, outbox: Outbox<Lists>, job: Job<Lists>) -> Work<Lists> {
        (self.requests.outbox_job)(outbox, *self, job)
    }

    fn shown(&self, change: &ListChange) {
        if let ListChange::Delete(id) = change {
            self.notice.set(Some(Notice::Deleted(*id)));
        }
    }

    fn refused(&self, change: Option<&ListChange>, error: ListError) {
        let notice = match (error, change) {
            (ListError::NotFound(_), Some(ListChange::Rename(id, name))) => {
                Notice::RenameOfDeleted {
                    id: *id,
                    name: name.clone(),
                }
            }
            (error, _) => Notice::Failed(error),
        };
        self.notice.set(Some(notice));
    }
}

/// The feed reaches the screen through this.
impl FeedHost<ListEvent> for Notes {
    fn events_url(&self, after: Position) -> String {
        format!("{EVENTS_PATH}?after={after}&encoding={EVENT_ENCODING}")
    }

    fn status(&self, status: FeedStatus) {
        self.feed_status.set(status);
    }

    fn connected(&self) {
        self.outbox.send(*self);
    }

    fn received(&self, event: ListEvent) {
        if let Some(window) = self.window.get_untracked() {
            window.receive(event);
        }
    }

    fn reload(&self) -> impl Future<Output = Option<Position>> + 'static {
        let notes = *self;
        async move {
            let window = notes.window.get_untracked()?;
            notes
                .fetch_now(window, Fetch::Reset)
                .await
                .then(|| window.since())
        }
    }
}
