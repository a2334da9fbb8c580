//! The page's outbox: every change a person makes is kept in the browser until the server
//! has answered for it, shown as waiting meanwhile, and sent again until it lands.
//!
//! A change gets a [`ChangeKey`] (the time, this page's counter, this page's random id:
//! Replicache's client id and mutation number, ordered by time across tabs), goes into
//! `localStorage` (one item per change, see `transport`), and is sent with every change
//! waiting before it, oldest first, in one batch. The server applies each key once and
//! answers the same for it however often it comes, so a change whose answer was lost is
//! simply sent again. Changes leave the outbox only with an answer: applied (the row
//! takes the server's version) or refused for good (the page puts the row back and says
//! why). A failure that may pass (no connection, a busy server) keeps them and tries
//! again: when the browser is back online, when the live feed reconnects, and on a timer
//! that backs off with jitter. A reload finds them in storage, shows them as waiting
//! again, and sends them. Other tabs' waiting changes are shown too (the `storage`
//! event), and whichever tab sends a change, the server makes it once.

use crate::lists::{ChangeKind, ListChange, ListId, SentChange};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One change waiting for the server's answer, as kept in the browser.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waiting {
    pub sent: SentChange,
    /// The list's name on the page before the change (a rename's old name, a deleted
    /// list's name): what the page puts back if the server refuses it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
}

impl Waiting {
    pub fn key(&self) -> &str {
        &self.sent.key
    }

    /// The list it changes (none for a create: the server has not made it yet).
    pub fn list(&self) -> Option<ListId> {
        self.sent.id
    }

    /// A create's name, shown in its own row until the server has made the list.
    pub fn created_name(&self) -> Option<&str> {
        match self.sent.kind {
            ChangeKind::Created => self.sent.name.as_deref(),
            _ => None,
        }
    }
}

/// The outbox's state on the page. Cheap to copy.
#[derive(Clone, Copy)]
pub struct Outbox {
    /// Every change waiting in this browser, this page's and other tabs', oldest first.
    pub waiting: RwSignal<Vec<Waiting>>,
    /// Whether the last attempt to send found no server.
    pub offline: RwSignal<bool>,
    /// Waiting creates whose list the live feed has already brought (their answer was
    /// lost or is still on its way): their own row is no longer drawn, so that the list
    /// does not show twice.
    landed: RwSignal<Vec<String>>,
    #[cfg(feature = "hydrate")]
    state: StoredValue<browser::SendState, LocalStorage>,
}

impl Outbox {
    pub fn new() -> Self {
        Self {
            waiting: RwSignal::new(Vec::new()),
            offline: RwSignal::new(false),
            landed: RwSignal::new(Vec::new()),
            #[cfg(feature = "hydrate")]
            state: StoredValue::new_local(browser::SendState::default()),
        }
    }

    /// Whether a change to `id` is waiting (in any tab).
    pub fn waits_for(&self, id: ListId) -> bool {
        self.waiting
            .with(|waiting| waiting.iter().any(|change| change.list() == Some(id)))
    }
}

impl Outbox {
    /// Lists created here that the server has not yet answered for and the live feed has
    /// not yet brought, newest first: each is drawn as its own waiting row.
    pub fn waiting_creates(&self) -> Vec<(String, String)> {
        self.landed.with(|landed| {
            self.waiting.with(|waiting| {
                waiting
                    .iter()
                    .rev()
                    .filter(|change| !landed.iter().any(|key| key == change.key()))
                    .filter_map(|change| {
                        let name = change.created_name()?;
                        Some((change.key().to_owned(), name.to_owned()))
                    })
                    .collect()
            })
        })
    }

    /// Takes note of a live event. The feed does not say which key made a list, so a
    /// created list is taken as the oldest waiting create of the same name: should it
    /// be someone else's, this page's own list shows when its answer arrives.
    pub fn seen(&self, event: &crate::lists::ListEvent) {
        if event.kind != ChangeKind::Created {
            return;
        }
        let name = event.list.name.as_str();
        let key = self.landed.with_untracked(|landed| {
            self.waiting.with_untracked(|waiting| {
                waiting
                    .iter()
                    .filter(|change| !landed.iter().any(|key| key == change.key()))
                    .find(|change| change.created_name() == Some(name))
                    .map(|change| change.key().to_owned())
            })
        });
        if let Some(key) = key {
            self.landed.update(|landed| landed.push(key));
        }
    }
}

impl Default for Outbox {
    fn default() -> Self {
        Self::new()
    }
}

/// Told when a change could not even be kept, with why.
pub type Unsent = Box<dyn FnOnce(crate::lists::ListError)>;

/// What the outbox's code is asked to do.
pub enum Job {
    /// Show a new change on the page, keep it in storage, show it as waiting, send.
    Push(ListChange),
    /// Send whatever waits.
    Send,
    /// Start listening; show and send what a reload (or another tab) left waiting.
    Adopt,
}

/// What storage items of the outbox are called: a prefix, then the change's key.
#[cfg(feature = "hydrate")]
const ITEM_PREFIX: &str = "async-streamer.outbox.";

#[cfg(feature = "hydrate")]
pub fn item_name(key: &str) -> String {
    format!("{ITEM_PREFIX}{key}")
}

/// A fresh key for a change: the time in milliseconds and this page's counter, in fixed
/// width so that keys sort in the order the changes were made, then this page's id.
#[cfg(any(feature = "hydrate", test))]
fn next_key(client: &str, counter: u32, now_ms: f64) -> Option<crate::lists::ChangeKey> {
    let millis = now_ms.max(0.0) as u64;
    crate::lists::ChangeKey::parse(&format!("{millis:012x}{counter:06x}-{client}")).ok()
}

#[cfg(feature = "hydrate")]
pub use browser::{items, local_storage};

#[cfg(feature = "hydrate")]
mod browser_apis;

#[cfg(feature = "hydrate")]
mod browser {
    use super::{
        browser_apis, item_name, next_key, undo_on_page, Job, Outbox, Unsent, Waiting, ITEM_PREFIX,
    };
    use crate::lists::{
        ChangeKind, ChangedList, ListChange, ListError, ListId, ListName, SentChange, BATCH_LIMIT,
    };
    use crate::notes::{transport, Notes, Notice};
    use leptos::prelude::*;
    use std::time::Duration;

    /// What only this page knows about sending.
    #[derive(Default)]
    pub struct SendState {
        client: String,
        counter: u32,
        sending: bool,
        again: bool,
        failures: u32,
        retry: Option<TimeoutHandle>,
        /// Whether the outbox listens and has shown what it found in storage.
        started: bool,
        /// The changes this page shows on its rows ahead of the server (see
        /// `ListWindow::begin`), by key: each gets its answer, or its end, once.
        begun: Vec<(String, ListId, ChangeKind)>,
    }

    pub fn local_storage() -> Option<web_sys::Storage> {
        window().local_storage().ok().flatten()
    }

    /// The outbox's stored items, as text.
    pub fn items() -> Vec<String> {
        let Some(storage) = local_storage() else {
            return Vec::new();
        };
        let count = storage.length().unwrap_or(0);
        (0..count)
            .filter_map(|index| storage.key(index).ok().flatten())
            .filter(|name| name.starts_with(ITEM_PREFIX))
            .filter_map(|name| storage.get_item(&name).ok().flatten())
            .collect()
    }

    fn forget(key: &str) {
        if let Some(storage) = local_storage() {
            let _ = storage.remove_item(&item_name(key));
        }
    }

    /// Waits this long after the `failures`-th failure in a row: one second doubling up
    /// to thirty, each between half and one and a half times that, so that pages cut off
    /// together do not all come back in the same instant.
    fn backoff(failures: u32) -> Duration {
        let base = 1000.0 * f64::from(1u32 << failures.min(5)).min(30.0);
        Duration::from_millis((base * (0.5 + js_sys::Math::random())) as u64)
    }

    impl Outbox {
        fn state<R>(&self, work: impl FnOnce(&mut SendState) -> R) -> Option<R> {
            self.state.try_update_value(work)
        }

        /// Shows a change on the page at once, keeps it, marks it as waiting and sends
        /// it (after every change waiting before it). `unsent` hears if the change could
        /// not even be kept (see [`run`](Self::run)); without it, the page says so in
        /// its notice.
        pub fn push(self, notes: Notes, change: ListChange, unsent: Option<Unsent>) {
            self.run(notes, Job::Push(change), unsent);
        }

        /// [`push`](Self::push), in the outbox's code.
        fn keep(self, notes: Notes, change: &ListChange) {
            let (before, shown) = self.show(notes, change);
            let Some(key) = self
                .state(|state| {
                    if state.client.is_empty() {
                        let uuid = window()
                            .crypto()
                            .map(|crypto| crypto.random_uuid())
                            .unwrap_or_default();
                        state.client = uuid.replace('-', "").chars().take(16).collect();
                    }
                    state.counter += 1;
                    next_key(&state.client, state.counter, js_sys::Date::now())
                })
                .flatten()
            else {
                return;
            };
            let waiting = Waiting {
                sent: SentChange::new(&key, change),
                before,
            };
            if let (true, Some(id)) = (shown, change.list()) {
                self.state(|state| state.begun.push((key.to_string(), id, change.kind())));
            }
            self.waiting.update(|all| all.push(waiting.clone()));
            if let Err(error) = transport::keep(&waiting) {
                // Still sent from memory; only a reload before it lands would lose it.
                leptos::logging::warn!("a change could not be kept in storage: {error}");
            }
            self.send_all(notes);
        }

        /// Sends every waiting change, oldest first, in batches; once at a time.
        pub fn send(self, notes: Notes) {
            self.run(notes, Job::Send, None);
        }

        /// Runs a job in the outbox's code, which a first visit does not download: it is
        /// fetched when the page is first idle (see [`start`](Self::start)).
        fn run(self, notes: Notes, job: Job, unsent: Option<Unsent>) {
            let pushed = matches!(job, Job::Push(_));
            leptos::task::spawn_local(async move {
                if transport::outbox_job(self, notes, job).await.is_err() {
                    // Its code could not be fetched (the connection went before the page
                    // was first idle): the change was neither shown nor kept, and the
                    // person is told, as if the server could not be reached.
                    self.offline.set(true);
                    if !pushed {
                        return;
                    }
                    match unsent {
                        Some(unsent) => unsent(ListError::Unreachable),
                        None => notes
                            .notice
                            .set(Some(Notice::Failed(ListError::Unreachable))),
                    }
                }
            });
        }

        /// Starts the outbox for a page that has just hydrated. When the page is first idle
        /// it fetches the outbox's code (so that changes made after the connection is gone
        /// can still be kept and sent later), shows the changes kept before a reload (or
        /// in other tabs) on their rows, and sends them. It also listens for the
        /// connection coming back and for other tabs.
        pub fn start(self, notes: Notes) {
            request_idle_callback(move || self.run(notes, Job::Adopt, None));
        }

        /// Listens for the connection coming back and for other tabs changing the outbox.
        fn listen(self, notes: Notes) {
            let _ = window_event_listener(leptos::ev::online, move |_| self.send_all(notes));
            let _ = window_event_listener(leptos::ev::storage, move |event| {
                if event
                    .key()
                    .is_some_and(|name| name.starts_with(ITEM_PREFIX))
                {
                    self.refresh(notes);
                }
            });
        }

        /// Does one job (in the outbox's code). The first job, whichever it is, starts
        /// the outbox: should the code have failed to come when the page was idle, the
        /// first change that brings it does that too.
        pub fn work(self, notes: Notes, job: Job) {
            let first = self
                .state(|state| !std::mem::replace(&mut state.started, true))
                .unwrap_or(false);
            if first {
                leptos::task::spawn_local(browser_apis::register_service_worker(
                    crate::notes::SERVICE_WORKER_PATH,
                ));
                self.listen(notes);
                self.adopt(notes);
            }
            match job {
                Job::Push(change) => self.keep(notes, &change),
                Job::Send => self.send_all(notes),
                Job::Adopt => {}
            }
        }

        fn send_all(self, notes: Notes) {
            let start = self
                .state(|state| {
                    if let Some(retry) = state.retry.take() {
                        retry.clear();
                    }
                    if state.sending {
                        state.again = true;
                        false
                    } else {
                        state.sending = true;
                        true
                    }
                })
                .unwrap_or(false);
            if !start {
                return;
            }
            leptos::task::spawn_local(async move {
                browser_apis::exclusively(self.send_batches(notes)).await;
                let again = self
                    .state(|state| {
                        state.sending = false;
                        std::mem::take(&mut state.again)
                    })
                    .unwrap_or(false);
                if again {
                    self.send_all(notes);
                }
            });
        }

        /// Sends what waits, a batch at a time, until nothing does or an answer says to
        /// wait.
        async fn send_batches(self, notes: Notes) {
            loop {
                let batch: Vec<Waiting> = self
                    .waiting
                    .with_untracked(|all| all.iter().take(BATCH_LIMIT).cloned().collect());
                if batch.is_empty() {
                    break;
                }
                let sent = batch.iter().map(|waiting| waiting.sent.clone()).collect();
                let answers = match transport::send_batch(sent).await {
                    Ok(answers) => answers,
                    Err(error) => {
                        self.offline.set(error == ListError::Unreachable);
                        self.retry_later(notes);
                        break;
                    }
                };
                self.offline.set(false);
                let complete = answers.len() == batch.len();
                let mut stopped = !complete;
                for (waiting, answer) in batch.iter().zip(answers) {
                    if !self.answered(notes, waiting, answer) {
                        stopped = true;
                    }
                }
                if stopped {
                    self.retry_later(notes);
                    break;
                }
                self.state(|state| state.failures = 0);
            }
        }

        fn retry_later(self, notes: Notes) {
            self.state(|state| {
                let wait = backoff(state.failures);
                state.failures = state.failures.saturating_add(1);
                state.again = false;
                state.retry = set_timeout_with_handle(move || self.send_all(notes), wait).ok();
            });
        }

        /// Takes the server's answer for one change: whether it is done with (applied, or
        /// refused for good). A refusal that may pass leaves it waiting.
        fn answered(
            self,
            notes: Notes,
            waiting: &Waiting,
            answer: Result<ChangedList, ListError>,
        ) -> bool {
            // A busy server or a lost connection passes; a storage failure is reported
            // (the change is undone and the person told, as without an outbox), since
            // nobody knows when a broken disk comes back.
            if matches!(answer, Err(ListError::Busy | ListError::Unreachable)) {
                return false;
            }
            self.done(waiting.key());
            let begun = self
                .state(|state| {
                    let at = state
                        .begun
                        .iter()
                        .position(|(key, ..)| key == waiting.key())?;
                    Some(state.begun.remove(at))
                })
                .flatten();
            let kind = waiting.sent.kind;
            let Some(window) = notes.window.get_untracked() else {
                return true;
            };
            match answer {
                Ok(changed) => match begun {
                    Some((_, id, _)) => window.finish_change(id, kind, Some(changed)),
                    None => {
                        window.apply(changed.seq, kind, changed.list, true);
                    }
                },
                Err(error) => {
                    if let (Some((_, id, _)), Ok((_, change))) = (begun, waiting.sent.parse()) {
                        undo_on_page(window, &change, waiting.before.as_deref());
                        window.finish_change(id, kind, None);
                    }
                    let notice = match (error, waiting.sent.parse()) {
                        (ListError::NotFound(_), Ok((_, ListChange::Rename(id, name)))) => {
                            Notice::RenameOfDeleted { id, name }
                        }
                        (error, _) => Notice::Failed(error),
                    };
                    notes.notice.set(Some(notice));
                }
            }
            true
        }

        /// Forgets a change: out of storage and off the page.
        fn done(self, key: &str) {
            forget(key);
            self.waiting
                .update(|all| all.retain(|waiting| waiting.key() != key));
            self.landed
                .update(|landed| landed.retain(|known| known != key));
        }

        /// Shows a new change on its row ahead of the server: the new name, the row gone
        /// (with Undo), the deleted row back. Returns what to put back should the server
        /// refuse it, and whether it is shown (begun on the window). A change to a row
        /// the page does not hold (a rename after "Restore and rename") shows when
        /// answered.
        fn show(self, notes: Notes, change: &ListChange) -> (Option<String>, bool) {
            let Some(window) = notes.window.get_untracked() else {
                return (None, false);
            };
            match change {
                ListChange::Create(_) => (None, false),
                ListChange::Rename(id, name) => {
                    let shown = name.clone();
                    match window.rows.modify(id, |list| list.name = shown) {
                        Some(before) => {
                            window.begin(*id);
                            (Some(before.name.as_str().to_owned()), true)
                        }
                        None => (None, false),
                    }
                }
                ListChange::Delete(id) => match window.rows.delete(id) {
                    Some((_, list)) => {
                        notes.notice.set(Some(Notice::Deleted(*id)));
                        window.begin(*id);
                        (Some(list.name.as_str().to_owned()), true)
                    }
                    None => (None, false),
                },
                ListChange::Restore(id) => {
                    // The name is known while this page's delete of it still waits.
                    let name = self.waiting.with_untracked(|waiting| {
                        waiting
                            .iter()
                            .rev()
                            .find(|change| {
                                change.sent.kind == ChangeKind::Deleted
                                    && change.list() == Some(*id)
                            })
                            .and_then(|change| change.before.clone())
                    });
                    match name.as_deref().map(ListName::parse) {
                        Some(Ok(shown)) => {
                            window.put_back(crate::lists::List {
                                id: *id,
                                name: shown,
                            });
                            window.begin(*id);
                            (name, true)
                        }
                        _ => (name, false),
                    }
                }
            }
        }

        /// Shows the changes kept before a reload (or in other tabs) on their rows, and
        /// sends them.
        fn adopt(self, notes: Notes) {
            let kept = self.merged(transport::read_waiting());
            if kept.is_empty() {
                return;
            }
            if let Some(window) = notes.window.get_untracked() {
                let known = self.waiting.with_untracked(|all| {
                    all.iter()
                        .map(|waiting| waiting.key().to_owned())
                        .collect::<Vec<_>>()
                });
                for waiting in kept
                    .iter()
                    .filter(|waiting| !known.iter().any(|key| key == waiting.key()))
                {
                    if let Some(id) = show_on_page(window, waiting) {
                        let key = waiting.key().to_owned();
                        self.state(|state| state.begun.push((key, id, waiting.sent.kind)));
                    }
                }
            }
            self.waiting.set(kept);
            self.send_all(notes);
        }

        /// Reads the outbox again after another tab changed it. Changes this page showed
        /// ahead of the server that another tab has since sent end here; the live feed
        /// brings their outcome.
        fn refresh(self, notes: Notes) {
            let stored = transport::read_waiting();
            let gone = self
                .state(|state| {
                    let (gone, stay) = std::mem::take(&mut state.begun)
                        .into_iter()
                        .partition(|(key, ..)| stored.iter().all(|waiting| waiting.key() != key));
                    state.begun = stay;
                    gone
                })
                .unwrap_or_default();
            if let Some(window) = notes.window.get_untracked() {
                for (_, id, kind) in gone {
                    window.finish_change(id, kind, None);
                }
            }
            self.waiting.set(stored);
        }

        /// What storage holds, with this page's changes that storage could not keep.
        fn merged(self, mut stored: Vec<Waiting>) -> Vec<Waiting> {
            self.waiting.with_untracked(|mine| {
                for waiting in mine {
                    if stored.iter().all(|kept| kept.key() != waiting.key()) {
                        stored.push(waiting.clone());
                    }
                }
            });
            stored.sort_by(|a, b| a.key().cmp(b.key()));
            stored
        }
    }

    /// Shows a change kept from before a reload on its row: a rename's name, a delete's
    /// missing row. Returns the list if the change is now shown ahead of the server.
    fn show_on_page(window: crate::notes::ListWindow, waiting: &Waiting) -> Option<ListId> {
        let id = waiting.list()?;
        match waiting.sent.kind {
            ChangeKind::Renamed => {
                let name = ListName::parse(waiting.sent.name.as_deref()?).ok()?;
                window.rows.modify(&id, |list| list.name = name)?;
            }
            ChangeKind::Deleted => {
                window.rows.delete(&id)?;
            }
            ChangeKind::Created | ChangeKind::Restored => return None,
        }
        window.begin(id);
        Some(id)
    }
}

/// Undoes on the page a change shown ahead of the server that will not land: the old name
/// back, the deleted row back, the restored row gone again.
#[cfg(feature = "hydrate")]
fn undo_on_page(window: super::ListWindow, change: &ListChange, before: Option<&str>) {
    let before = before.and_then(|name| crate::lists::ListName::parse(name).ok());
    match (change, before) {
        (ListChange::Rename(id, shown), Some(before)) => {
            window.rows.modify(id, |list| {
                if list.name == *shown {
                    list.name = before;
                }
            });
        }
        (ListChange::Delete(id), Some(name)) => {
            window.put_back(crate::lists::List { id: *id, name })
        }
        (ListChange::Restore(id), _) => {
            window.rows.delete(id);
        }
        _ => {}
    }
}

/// Without a browser there is nothing to keep or send.
#[cfg(not(feature = "hydrate"))]
impl Outbox {
    pub fn push(self, notes: super::Notes, change: ListChange, unsent: Option<Unsent>) {
        let _ = (notes, change, unsent);
    }

    pub fn send(self, notes: super::Notes) {
        let _ = notes;
    }

    pub fn start(self, notes: super::Notes) {
        let _ = notes;
    }

    pub fn work(self, notes: super::Notes, job: Job) {
        let _ = (notes, job);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_sort_in_the_order_changes_were_made() {
        let a = next_key("0123456789abcdef", 9, 1_700_000_000_000.0).unwrap();
        let b = next_key("0123456789abcdef", 10, 1_700_000_000_000.0).unwrap();
        let c = next_key("fedcba9876543210", 1, 1_700_000_000_001.0).unwrap();
        assert!(a.as_str() < b.as_str() && b.as_str() < c.as_str());
    }

    #[test]
    fn a_waiting_change_survives_storage_as_json() {
        let key = next_key("0123456789abcdef", 1, 1.0).unwrap();
        let waiting = Waiting {
            sent: SentChange::new(
                &key,
                &crate::lists::ListChange::Rename(
                    ListId::new(3),
                    crate::lists::ListName::parse("Eggs").unwrap(),
                ),
            ),
            before: Some("Milk".into()),
        };
        let text = serde_json::to_string(&waiting).unwrap();
        assert_eq!(serde_json::from_str::<Waiting>(&text).unwrap(), waiting);
    }
}
