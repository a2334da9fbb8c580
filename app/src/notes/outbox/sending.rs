//! Keeping, sending and answering. Past `push`, `send` and `start`, which hand work to
//! it through `transport`, this is code a first visit does not download. One send at a time per page, one tab at a time (Web
//! Locks); batches of up to [`BATCH_LIMIT`], oldest first; a failure that may pass waits
//! for the next attempt (the `online` event, the feed reconnecting, a timer that backs
//! off with jitter).

use super::{browser_apis, next_key, on_page, storage, Job, Outbox, Unsent, Waiting};
use crate::lists::{
    ChangeKind, ChangedList, ListChange, ListError, ListId, SentChange, BATCH_LIMIT,
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
    /// This page's changes that storage refused (full, or switched off): they live only
    /// in this page's memory, so no other tab's view of storage may drop them.
    unkept: Vec<String>,
}

/// Waits this long after the `failures`-th failure in a row: one second doubling up
/// to thirty, each between half and one and a half times that, so that pages cut off
/// together do not all come back in the same instant.
fn backoff(failures: u32) -> Duration {
    let base = 1000.0 * f64::from(1u32 << failures.min(5)).min(30.0);
    Duration::from_millis((base * (0.5 + js_sys::Math::random())) as u64)
}

/// This page's id in its changes' keys: 16 hex digits, so that two tabs making a change
/// in the same millisecond with the same counter still differ. `Math.random` rather than
/// `crypto.randomUUID`, which a page served over plain HTTP (not `localhost`) lacks; the
/// id tells tabs apart, it guards nothing.
fn client_id() -> String {
    let draw = || (js_sys::Math::random() * f64::from(u32::MAX)) as u32;
    format!("{:08x}{:08x}", draw(), draw())
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
        let Some(key) = self
            .state(|state| {
                if state.client.is_empty() {
                    state.client = client_id();
                }
                state.counter += 1;
                next_key(&state.client, state.counter, js_sys::Date::now())
            })
            .flatten()
        else {
            leptos::logging::warn!("no key could be made for a change; it was not kept");
            return;
        };
        let (before, shown) = on_page::show(self, notes, change);
        let waiting = Waiting {
            sent: SentChange::new(&key, change),
            before,
        };
        if let (true, Some(id)) = (shown, change.list()) {
            self.state(|state| state.begun.push((key.to_string(), id, change.kind())));
        }
        self.waiting.update(|all| all.push(waiting.clone()));
        if let Err(error) = storage::keep(&waiting) {
            // Still sent from memory; only a reload before it lands would lose it.
            leptos::logging::warn!("a change could not be kept in storage: {error}");
            self.state(|state| state.unkept.push(key.to_string()));
        }
        // After a failed attempt, the change waits for the next one (the timer, the
        // browser coming online, the feed reconnecting) rather than knocking on a
        // closed door once per change.
        let retrying = self.state(|state| state.retry.is_some()).unwrap_or(false);
        if !retrying {
            self.send_all(notes);
        }
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
                .is_some_and(|name| storage::is_outbox_item(&name))
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
        if answer.as_ref().is_err_and(ListError::may_pass) {
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
                    on_page::undo(window, &change, waiting.before.as_deref());
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
        storage::forget(key);
        self.waiting
            .update(|all| all.retain(|waiting| waiting.key() != key));
        self.landed
            .update(|landed| landed.retain(|known| known != key));
        self.state(|state| state.unkept.retain(|known| known != key));
    }

    /// Shows the changes kept before a reload (or in other tabs) on their rows, and
    /// sends them.
    fn adopt(self, notes: Notes) {
        let kept = self.merged(storage::read());
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
                if let Some(id) = on_page::show_kept(window, waiting) {
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
    /// brings their outcome. This page's changes that storage refused stay: no other tab
    /// knows of them.
    fn refresh(self, notes: Notes) {
        let stored = storage::read();
        let gone = self
            .state(|state| {
                let (gone, stay) =
                    std::mem::take(&mut state.begun)
                        .into_iter()
                        .partition(|(key, ..)| {
                            stored.iter().all(|waiting| waiting.key() != key)
                                && !state.unkept.contains(key)
                        });
                state.begun = stay;
                gone
            })
            .unwrap_or_default();
        if let Some(window) = notes.window.get_untracked() {
            for (_, id, kind) in gone {
                window.finish_change(id, kind, None);
            }
        }
        self.waiting.set(self.merged(stored));
    }

    /// What storage holds, with this page's changes that storage refused (no other tab
    /// knows of them), oldest first.
    fn merged(self, mut stored: Vec<Waiting>) -> Vec<Waiting> {
        let unkept = self.state(|state| state.unkept.clone()).unwrap_or_default();
        self.waiting.with_untracked(|mine| {
            stored.extend(
                mine.iter()
                    .filter(|waiting| unkept.iter().any(|key| key == waiting.key()))
                    .cloned(),
            );
        });
        stored.sort_by(|a, b| a.key().cmp(b.key()));
        stored
    }
}
