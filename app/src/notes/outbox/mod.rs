//! The page's outbox: every change a person makes is kept in the browser until the server
//! has answered for it, shown as waiting meanwhile, and sent again until it lands.
//!
//! A change is shown on its row at once (`on_page`), gets a [`ChangeKey`] (the time, this
//! page's counter, this page's random id: Replicache's client id and mutation number,
//! ordered by time across tabs), goes into `localStorage` (one item per change,
//! `storage`), and is sent (`sending`) with every change
//! waiting before it, oldest first, in one batch. The server applies each key once and
//! answers the same for it however often it comes, so a change whose answer was lost is
//! simply sent again. Changes leave the outbox only with an answer: applied (the row
//! takes the server's version) or refused for good (the page puts the row back and says
//! why). A failure that may pass (no connection, a busy server) keeps them and tries
//! again: when the browser is back online, when the live feed reconnects, and on a timer
//! that backs off with jitter. A reload finds them in storage, shows them as waiting
//! again, and sends them. Other tabs' waiting changes are shown too (the `storage`
//! event); one tab sends at a time (the Web Locks API, `browser_apis`), and whichever
//! tab sends a change, the server makes it once.
//!
//! [`ChangeKey`]: crate::lists::ChangeKey

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
    state: StoredValue<sending::SendState, LocalStorage>,
}

impl Outbox {
    pub fn new() -> Self {
        Self {
            waiting: RwSignal::new(Vec::new()),
            offline: RwSignal::new(false),
            landed: RwSignal::new(Vec::new()),
            #[cfg(feature = "hydrate")]
            state: StoredValue::new_local(sending::SendState::default()),
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
    /// not yet brought, newest first, at most a page of them: each is drawn as its own
    /// waiting row (any more are counted by the status, and show as they land).
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
                    .take(crate::lists::PAGE_SIZE)
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

/// A fresh key for a change: the time in milliseconds and this page's counter, in fixed
/// width so that keys sort in the order the changes were made, then this page's id.
#[cfg(any(feature = "hydrate", test))]
fn next_key(client: &str, counter: u32, now_ms: f64) -> Option<crate::lists::ChangeKey> {
    let millis = now_ms.max(0.0) as u64;
    crate::lists::ChangeKey::parse(&format!("{millis:012x}{counter:06x}-{client}")).ok()
}

#[cfg(feature = "hydrate")]
mod browser_apis;
#[cfg(feature = "hydrate")]
mod on_page;
#[cfg(feature = "hydrate")]
mod sending;
#[cfg(feature = "hydrate")]
mod storage;

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
