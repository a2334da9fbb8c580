//! Keeping, sending and answering, in the browser. Past `push`, `send` and `start`,
//! which hand work to the screen's split point, this is code a first visit does not
//! download. One send at a time per tab, one tab at a time (Web Locks); what to send,
//! what an answer does and when to try again are [`decisions`](super::decisions).

use super::decisions::{self, Outcome};
use super::{browser_apis, storage, Job, Outbox, OutboxHost, Unsent, Waiting};
use crate::collection::{Ahead, Collection, Effect};
use leptos::prelude::*;

/// What only this tab knows about sending.
pub struct SendState<C: Collection> {
    client: String,
    counter: u32,
    sending: bool,
    again: bool,
    failures: u32,
    retry: Option<TimeoutHandle>,
    /// Whether the outbox listens and has shown what it found in storage.
    started: bool,
    /// The changes this tab shows ahead of the server (see `Window::begin`), by key:
    /// each gets its answer, or its end, once.
    begun: Vec<Begun<C>>,
    /// The creates this tab draws as drafts, by key (the window may have settled one
    /// with the feed's event already: its answer then changes nothing).
    drafts: Vec<String>,
    /// This tab's changes that storage refused (full, or switched off): they live only
    /// in this tab's memory, so no other tab's view of storage may drop them.
    unkept: Vec<String>,
}

/// A change shown ahead of the server: its key, its row, and what it does.
struct Begun<C: Collection> {
    key: String,
    row: C::Key,
    effect: Effect,
}

impl<C: Collection> AsRef<str> for Begun<C> {
    fn as_ref(&self) -> &str {
        &self.key
    }
}

impl<C: Collection> Default for SendState<C> {
    fn default() -> Self {
        Self {
            client: String::new(),
            counter: 0,
            sending: false,
            again: false,
            failures: 0,
            retry: None,
            started: false,
            begun: Vec::new(),
            drafts: Vec::new(),
            unkept: Vec::new(),
        }
    }
}

/// This tab's id in its changes' keys: 16 hex digits, so that two tabs making a change
/// in the same millisecond with the same counter still differ. `Math.random` rather
/// than `crypto.randomUUID`, which a document served over plain HTTP (not `localhost`)
/// lacks; the id tells tabs apart, it guards nothing.
fn client_id() -> String {
    let draw = || (js_sys::Math::random() * f64::from(u32::MAX)) as u32;
    format!("{:08x}{:08x}", draw(), draw())
}

impl<C: Collection> Outbox<C> {
    fn state<R>(&self, work: impl FnOnce(&mut SendState<C>) -> R) -> Option<R> {
        self.state.try_update_value(work)
    }

    /// Shows a change at once, keeps it, marks it as waiting and sends it (after every
    /// change waiting before it). `unsent` hears if the change could not even be kept
    /// (its code could not be fetched); without it, the screen is told.
    pub fn push<H: OutboxHost<C>>(self, host: H, change: C::Change, unsent: Option<Unsent<C>>) {
        self.run(host, Job::Push(change), unsent);
    }

    /// Sends every waiting change, oldest first, in batches; once at a time.
    pub fn send<H: OutboxHost<C>>(self, host: H) {
        self.run(host, Job::Send, None);
    }

    /// Starts the outbox for a screen that has just hydrated. When the tab is first idle
    /// it fetches the outbox's code (so that changes made after the connection is gone
    /// can still be kept and sent later), shows the changes kept before a reload (or in
    /// other tabs), and sends them. It also listens for the connection coming back and
    /// for other tabs.
    pub fn start<H: OutboxHost<C>>(self, host: H) {
        request_idle_callback(move || self.run(host, Job::Adopt, None));
    }

    /// Runs a job in the outbox's code, through the screen's split point.
    fn run<H: OutboxHost<C>>(self, host: H, job: Job<C>, unsent: Option<Unsent<C>>) {
        let pushed = matches!(job, Job::Push(_));
        leptos::task::spawn_local(async move {
            if host.work_later(self, job).await.is_err() {
                // Its code could not be fetched (the connection went before the tab was
                // first idle): the change was neither shown nor kept, and the person is
                // told, as if the server could not be reached.
                self.offline.set(true);
                if !pushed {
                    return;
                }
                match unsent {
                    Some(unsent) => unsent(C::unreachable()),
                    None => host.refused(None, C::unreachable()),
                }
            }
        });
    }

    /// Does one job, in the outbox's code. The first job, whichever it is, starts the
    /// outbox (should the code have failed to come when the tab was idle, the first
    /// change that brings it does that too); returns whether this one did.
    pub fn work<H: OutboxHost<C>>(self, host: H, job: Job<C>) -> bool {
        let first = self
            .state(|state| !std::mem::replace(&mut state.started, true))
            .unwrap_or(false);
        if first {
            self.listen(host);
            self.adopt(host);
        }
        match job {
            Job::Push(change) => self.keep(host, &change),
            Job::Send => self.send_all(host),
            Job::Adopt => {}
        }
        first
    }

    /// Listens for the connection coming back and for other tabs changing the outbox.
    fn listen<H: OutboxHost<C>>(self, host: H) {
        let _ = window_event_listener(leptos::ev::online, move |_| self.send_all(host));
        let _ = window_event_listener(leptos::ev::storage, move |event| {
            if event
                .key()
                .is_some_and(|name| storage::is_item_of::<C>(&name))
            {
                self.refresh(host);
            }
        });
    }

    /// [`push`](Self::push), in the outbox's code.
    fn keep<H: OutboxHost<C>>(self, host: H, change: &C::Change) {
        let Some(key) = self
            .state(|state| {
                if state.client.is_empty() {
                    state.client = client_id();
                }
                state.counter += 1;
                decisions::next_key(&state.client, state.counter, js_sys::Date::now())
            })
            .flatten()
        else {
            leptos::logging::warn!("no key could be made for a change; it was not kept");
            return;
        };
        let window = host.window();
        let target = C::target(change);
        let shown = window.zip(target).and_then(|(window, row)| window.get(row));
        let before = C::before(change, shown.as_ref());
        let ahead = C::ahead(change, shown.as_ref(), &|row| self.kept(row));
        let effect = C::effect(C::kind(change));
        let begun = |row| Begun {
            key: key.to_string(),
            row,
            effect,
        };
        match (window, ahead) {
            (Some(window), Ahead::Put(row)) => {
                let begun = begun(C::key(&row));
                window.put_ahead(row);
                self.state(|state| state.begun.push(begun));
            }
            (Some(window), Ahead::Remove(row)) if window.remove_ahead(row).is_some() => {
                self.state(|state| state.begun.push(begun(row)));
                host.shown(change);
            }
            (Some(window), Ahead::Draft(draft)) if window.draft(key.clone(), draft.clone()) => {
                self.state(|state| state.drafts.push(key.to_string()));
            }
            _ => {}
        }
        let waiting = Waiting {
            sent: C::sent(&key, change),
            before,
        };
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
            self.send_all(host);
        }
    }

    fn send_all<H: OutboxHost<C>>(self, host: H) {
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
            browser_apis::exclusively(&storage::lock_name::<C>(), self.send_batches(host)).await;
            let again = self
                .state(|state| {
                    state.sending = false;
                    std::mem::take(&mut state.again)
                })
                .unwrap_or(false);
            if again {
                self.send_all(host);
            }
        });
    }

    /// Sends what waits, a batch at a time, until nothing does or an answer says to
    /// wait.
    async fn send_batches<H: OutboxHost<C>>(self, host: H) {
        loop {
            let batch = self
                .waiting
                .with_untracked(|all| decisions::next_batch(all));
            if batch.is_empty() {
                break;
            }
            let sent = batch.iter().map(|waiting| waiting.sent.clone()).collect();
            let answers = match C::send_batch(sent).await {
                Ok(answers) => answers,
                Err(error) => {
                    self.offline.set(error == C::unreachable());
                    self.retry_later(host);
                    break;
                }
            };
            self.offline.set(false);
            let outcomes: Vec<_> = answers.into_iter().map(decisions::outcome).collect();
            let settled = decisions::batch_settled(batch.len(), &outcomes);
            for (waiting, outcome) in batch.iter().zip(outcomes) {
                self.answered(host, waiting, outcome);
            }
            if !settled {
                self.retry_later(host);
                break;
            }
            self.state(|state| state.failures = 0);
        }
    }

    fn retry_later<H: OutboxHost<C>>(self, host: H) {
        self.state(|state| {
            let wait = decisions::backoff(state.failures, 0.5 + js_sys::Math::random());
            state.failures = state.failures.saturating_add(1);
            state.again = false;
            state.retry = set_timeout_with_handle(move || self.send_all(host), wait).ok();
        });
    }

    /// Carries out what an answer does to one waiting change.
    fn answered<H: OutboxHost<C>>(self, host: H, waiting: &Waiting<C>, outcome: Outcome<C>) {
        if matches!(outcome, Outcome::KeepWaiting) {
            return;
        }
        let key = waiting.key();
        self.done(key);
        let (begun, drafted) = self
            .state(|state| {
                let begun = state
                    .begun
                    .iter()
                    .position(|begun| begun.key == key)
                    .map(|at| state.begun.remove(at));
                let drafted = state.drafts.iter().any(|draft| draft == key);
                state.drafts.retain(|draft| draft != key);
                (begun, drafted)
            })
            .unwrap_or((None, false));
        let window = host.window();
        let change = C::parse_sent(&waiting.sent).ok().map(|(_, change)| change);
        match outcome {
            Outcome::KeepWaiting => {}
            Outcome::Applied { position, row } => {
                let Some(window) = window else {
                    return;
                };
                match (begun, C::parse_sent(&waiting.sent)) {
                    (Some(begun), _) => {
                        window.finish_change(begun.row, begun.effect, Some((position, row)));
                    }
                    (None, Ok((key, _))) if drafted => window.settle(&key, position, row),
                    _ => {
                        let effect = C::effect(C::sent_kind(&waiting.sent));
                        window.apply(position, effect, row, true);
                    }
                }
            }
            Outcome::Refused(error) => {
                if let Some(window) = window {
                    if let (Some(begun), Some(change)) = (begun, &change) {
                        window.take_back(C::take_back(change, waiting.before.as_ref()));
                        window.finish_change(begun.row, begun.effect, None);
                    }
                    if let Ok((key, _)) = C::parse_sent(&waiting.sent) {
                        window.undraft(&key);
                    }
                }
                host.refused(change.as_ref(), error);
            }
        }
    }

    /// Forgets a change: out of storage and off the screen.
    fn done(self, key: &str) {
        storage::forget::<C>(key);
        self.waiting
            .update(|all| all.retain(|waiting| waiting.key() != key));
        self.state(|state| state.unkept.retain(|known| known != key));
    }

    /// Shows the changes kept before a reload (or in other tabs), and sends them.
    fn adopt<H: OutboxHost<C>>(self, host: H) {
        let kept = self.merged(storage::read());
        if kept.is_empty() {
            return;
        }
        let known: Vec<String> = self
            .waiting
            .with_untracked(|all| all.iter().map(|waiting| waiting.key().to_owned()).collect());
        let new = kept
            .iter()
            .filter(|waiting| !known.iter().any(|key| key == waiting.key()));
        for waiting in new {
            self.show_kept(host, waiting, true);
        }
        self.waiting.set(kept);
        self.send_all(host);
    }

    /// Shows a change kept in storage (before a reload, or by another tab) on the
    /// screen: a create as a draft, and with `ahead`, a change to a row the window holds
    /// ahead of the server.
    fn show_kept<H: OutboxHost<C>>(self, host: H, waiting: &Waiting<C>, ahead: bool) {
        let Some(window) = host.window() else {
            return;
        };
        let Ok((key, change)) = C::parse_sent(&waiting.sent) else {
            return;
        };
        let effect = C::effect(C::kind(&change));
        let shown = C::target(&change).and_then(|row| window.get(row));
        let begun = match C::ahead(&change, shown.as_ref(), &|_| None) {
            Ahead::Put(row) if ahead && shown.is_some() => {
                let row_key = C::key(&row);
                window.put_ahead(row);
                Some(row_key)
            }
            Ahead::Remove(row) if ahead => window.remove_ahead(row).map(|_| row),
            Ahead::Draft(draft) => {
                if window.draft(key.clone(), draft) {
                    self.state(|state| state.drafts.push(key.to_string()));
                }
                None
            }
            _ => None,
        };
        if let Some(row) = begun {
            let key = key.to_string();
            self.state(|state| state.begun.push(Begun { key, row, effect }));
        }
    }

    /// Reads the outbox again after another tab changed it. Changes this tab showed
    /// ahead of the server that another tab has since sent end here, and their drafts
    /// go; the feed brings their outcome. Changes another tab added show here too. This
    /// tab's changes that storage refused stay: no other tab knows of them.
    fn refresh<H: OutboxHost<C>>(self, host: H) {
        let stored = storage::read::<C>();
        let stored_keys: Vec<&str> = stored.iter().map(Waiting::key).collect();
        let (gone, gone_drafts) = self
            .state(|state| {
                let (gone, stay) = decisions::sent_elsewhere(
                    std::mem::take(&mut state.begun),
                    &stored_keys,
                    &state.unkept,
                );
                state.begun = stay;
                let (gone_drafts, drafts) = decisions::sent_elsewhere(
                    std::mem::take(&mut state.drafts),
                    &stored_keys,
                    &state.unkept,
                );
                state.drafts = drafts;
                (gone, gone_drafts)
            })
            .unwrap_or_default();
        if let Some(window) = host.window() {
            for begun in gone {
                window.finish_change(begun.row, begun.effect, None);
            }
            for draft in gone_drafts {
                if let Ok(key) = crate::collection::ChangeKey::parse(&draft) {
                    window.undraft(&key);
                }
            }
        }
        let known: Vec<String> = self
            .waiting
            .with_untracked(|all| all.iter().map(|waiting| waiting.key().to_owned()).collect());
        // Another tab's new creates show as drafts here too; its other changes only
        // mark their rows as waiting (`waits_for`), as their outcome may never come here.
        for waiting in stored
            .iter()
            .filter(|waiting| !known.iter().any(|key| key == waiting.key()))
        {
            self.show_kept(host, waiting, false);
        }
        self.waiting.set(self.merged(stored));
    }

    /// What storage holds, with this tab's changes that storage refused.
    fn merged(self, stored: Vec<Waiting<C>>) -> Vec<Waiting<C>> {
        let unkept = self.state(|state| state.unkept.clone()).unwrap_or_default();
        self.waiting
            .with_untracked(|mine| decisions::merged(stored, mine, &unkept))
    }
}
