//! The outbox: every change a person makes is kept in the browser until the server has
//! answered for it, shown as waiting meanwhile, and sent again until it lands. Written
//! once for any [`Collection`].
//!
//! A change is shown at once (the window draws it ahead of the server, or as a draft),
//! gets a [`ChangeKey`] (the time, this tab's counter, this tab's random id:
//! Replicache's client id and mutation number, ordered by time across tabs), goes into
//! `localStorage` (one item per change, `storage`), and is sent (`sending`) with every
//! change waiting before it, oldest first, in one batch. The server applies each key
//! once and answers the same for it however often it comes, so a change whose answer
//! was lost is simply sent again. Changes leave the outbox only with an answer: applied
//! (the row takes the server's version) or refused for good (the screen takes it back
//! and says why). A failure that may pass (no connection, a busy server) keeps them and
//! tries again: when the browser is back online, when the feed reconnects, and on a
//! timer that backs off with jitter. A reload finds them in storage, shows them as
//! waiting again, and sends them. Other tabs' waiting changes are shown too (the
//! `storage` event); one tab sends at a time (the Web Locks API, `browser_apis`), and
//! whichever tab sends a change, the server makes it once.
//!
//! What it decides is in [`decisions`], plain functions with tests of their own; the
//! browser code only carries them out. The code that keeps and sends is fetched later:
//! the screen hands each job to its split point ([`OutboxHost::work_later`]), and the
//! outbox never calls the screen but through [`OutboxHost`], which the screen hands to
//! each call.

pub mod decisions;

#[cfg(feature = "hydrate")]
mod browser_apis;
#[cfg(feature = "hydrate")]
mod sending;
#[cfg(feature = "hydrate")]
mod storage;

#[cfg(feature = "hydrate")]
pub use browser_apis::register_service_worker;

use crate::collection::Collection;
use crate::window::Window;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::{fmt, future::Future, pin::Pin};

/// One change waiting for the server's answer, as kept in the browser.
#[derive(Serialize, Deserialize)]
#[serde(bound = "")]
pub struct Waiting<C: Collection> {
    pub sent: C::Sent,
    /// What the screen puts back should the server refuse it (a rename's old name, a
    /// deleted row's name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<C::Before>,
}

impl<C: Collection> Waiting<C> {
    pub fn key(&self) -> &str {
        C::sent_key(&self.sent)
    }

    /// The row it changes (none for a create: the server has not made it yet).
    pub fn target(&self) -> Option<C::Key> {
        C::sent_target(&self.sent)
    }
}

impl<C: Collection> Clone for Waiting<C> {
    fn clone(&self) -> Self {
        Self {
            sent: self.sent.clone(),
            before: self.before.clone(),
        }
    }
}

impl<C: Collection> PartialEq for Waiting<C> {
    fn eq(&self, other: &Self) -> bool {
        self.sent == other.sent && self.before == other.before
    }
}

impl<C: Collection> fmt::Debug for Waiting<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Waiting")
            .field("sent", &self.sent)
            .field("before", &self.before)
            .finish()
    }
}

/// What the outbox's code is asked to do.
pub enum Job<C: Collection> {
    /// Show a new change, keep it in storage, show it as waiting, send.
    Push(C::Change),
    /// Send whatever waits.
    Send,
    /// Start listening; show and send what a reload (or another tab) left waiting.
    Adopt,
}

/// A job run in the outbox's code: fails (unreachable) if that code cannot be fetched.
pub type Work<C> = Pin<Box<dyn Future<Output = Result<(), <C as Collection>::Error>>>>;

/// What the outbox needs of the screen it serves. The screen holds the outbox and hands
/// itself to each call; the outbox reaches the screen only through this.
pub trait OutboxHost<C: Collection>: Copy + 'static {
    /// The window the screen shows, if any.
    fn window(&self) -> Option<Window<C>>;
    /// Runs `job` in the outbox's code, which the screen may have to fetch first (its
    /// split point): `outbox.work(host, job)` once the code is here.
    fn work_later(&self, outbox: Outbox<C>, job: Job<C>) -> Work<C>;
    /// A change was shown ahead of the server (after a delete the screen offers Undo).
    fn shown(&self, change: &C::Change);
    /// A change will not land, or could not even be kept: the screen says why.
    fn refused(&self, change: Option<&C::Change>, error: C::Error);
}

/// Told when a change could not even be kept, with why.
pub type Unsent<C> = Box<dyn FnOnce(<C as Collection>::Error)>;

/// The outbox's state on a screen. Cheap to copy.
pub struct Outbox<C: Collection> {
    /// Every change waiting in this browser, this tab's and other tabs', oldest first.
    waiting: RwSignal<Vec<Waiting<C>>>,
    /// Whether the last attempt to send found no server.
    offline: RwSignal<bool>,
    #[cfg(feature = "hydrate")]
    state: StoredValue<sending::SendState<C>, LocalStorage>,
}

impl<C: Collection> Clone for Outbox<C> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<C: Collection> Copy for Outbox<C> {}

impl<C: Collection> Default for Outbox<C> {
    fn default() -> Self {
        Self::new()
    }
}

impl<C: Collection> Outbox<C> {
    pub fn new() -> Self {
        Self {
            waiting: RwSignal::new(Vec::new()),
            offline: RwSignal::new(false),
            #[cfg(feature = "hydrate")]
            state: StoredValue::new_local(sending::SendState::default()),
        }
    }

    /// How many changes wait (tracked).
    pub fn waiting_count(&self) -> usize {
        self.waiting.with(Vec::len)
    }

    /// Whether the last attempt to send found no server (tracked).
    pub fn offline(&self) -> bool {
        self.offline.get()
    }

    /// Whether a change to `key` is waiting, in any tab (tracked).
    pub fn waits_for(&self, key: C::Key) -> bool {
        self.waiting
            .with(|waiting| waiting.iter().any(|change| change.target() == Some(key)))
    }

    /// What this screen's waiting changes kept of `key` (a delete's row name), newest
    /// first, without tracking.
    pub fn kept(&self, key: C::Key) -> Option<C::Before> {
        self.waiting.with_untracked(|waiting| {
            waiting
                .iter()
                .rev()
                .filter(|change| change.target() == Some(key))
                .find_map(|change| change.before.clone())
        })
    }
}

/// Without a browser there is nothing to keep or send.
#[cfg(not(feature = "hydrate"))]
impl<C: Collection> Outbox<C> {
    pub fn push<H: OutboxHost<C>>(self, host: H, change: C::Change, unsent: Option<Unsent<C>>) {
        let _ = (host, change, unsent);
    }

    pub fn send<H: OutboxHost<C>>(self, host: H) {
        let _ = host;
    }

    pub fn start<H: OutboxHost<C>>(self, host: H) {
        let _ = host;
    }

    pub fn work<H: OutboxHost<C>>(self, host: H, job: Job<C>) -> bool {
        let _ = (host, job);
        false
    }
}
