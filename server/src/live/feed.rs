//! `ChangeFeed`: tails the change log and broadcasts each new entry once, serialized once.

use app::lists::{
    ssr::{ListStore, StoreError},
    EventSeq, ListEvent,
};
use std::{sync::Arc, time::Duration};
use tokio::sync::{broadcast, OwnedSemaphorePermit, Semaphore};
use tokio_util::sync::CancellationToken;

/// How many events the broadcast ring keeps; a stream further behind reads the log.
const RING: usize = 1024;
/// How many log entries one query reads.
pub(crate) const PAGE: u32 = 500;
/// How often old entries are pruned.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// One change-log entry, ready to send in either encoding: its position, its JSON (for
/// any client) and its postcard text (what the page reads; see `app::wire`).
#[derive(Debug)]
pub struct FeedEvent {
    pub seq: EventSeq,
    pub json: String,
    pub page_text: String,
}

impl FeedEvent {
    pub fn new(event: &ListEvent) -> Self {
        // A ListEvent is plain data: serializing it cannot fail.
        Self {
            seq: event.seq,
            json: serde_json::to_string(event).unwrap_or_default(),
            page_text: app::wire::to_page_text(event).unwrap_or_default(),
        }
    }
}

/// The process's fan-out point. Cheap to clone.
#[derive(Clone, Debug)]
pub struct ChangeFeed {
    store: ListStore,
    live: broadcast::Sender<Arc<FeedEvent>>,
    /// One permit per open event stream.
    streams: Arc<Semaphore>,
    shutdown: CancellationToken,
}

impl ChangeFeed {
    /// Starts tailing the log from its current end, and pruning entries older than
    /// `retention`. Both tasks stop when `shutdown` is cancelled.
    pub async fn start(
        store: ListStore,
        retention: Duration,
        max_streams: usize,
        shutdown: CancellationToken,
    ) -> Result<Self, StoreError> {
        let (live, _) = broadcast::channel(RING);
        let latest = store.log_bounds().await?.latest;
        store.hear_other_instances(shutdown.clone());
        tokio::spawn(tail(store.clone(), live.clone(), latest, shutdown.clone()));
        tokio::spawn(prune(store.clone(), retention, shutdown.clone()));
        Ok(Self {
            store,
            live,
            streams: Arc::new(Semaphore::new(max_streams)),
            shutdown,
        })
    }

    pub fn store(&self) -> &ListStore {
        &self.store
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<FeedEvent>> {
        self.live.subscribe()
    }

    /// A place for one more event stream, held for as long as the stream is open; `None`
    /// when all are taken.
    pub fn stream_permit(&self) -> Option<OwnedSemaphorePermit> {
        Arc::clone(&self.streams).try_acquire_owned().ok()
    }

    pub fn shutdown(&self) -> &CancellationToken {
        &self.shutdown
    }
}

async fn tail(
    store: ListStore,
    live: broadcast::Sender<Arc<FeedEvent>>,
    mut last: EventSeq,
    shutdown: CancellationToken,
) {
    let commits = store.commits();
    let poll = store.poll_interval();
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = commits.notified() => {}
            () = tokio::time::sleep(poll) => {}
        }
        loop {
            match store.events_after(last, PAGE).await {
                Ok(read) => {
                    for event in &read.events {
                        // No receivers is fine: nobody is watching right now.
                        let _ = live.send(Arc::new(FeedEvent::new(event)));
                    }
                    // Unreadable entries were skipped (and logged once): move past them.
                    last = read.through;
                    // Entries written by another process are news to the store's caches.
                    store.log_advanced(last);
                    if !read.full {
                        break;
                    }
                }
                Err(error) => {
                    tracing::warn!(%error, "reading the change log failed; retrying");
                    break;
                }
            }
        }
    }
}

async fn prune(store: ListStore, retention: Duration, shutdown: CancellationToken) {
    let mut every = tokio::time::interval(PRUNE_EVERY);
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            _ = every.tick() => {}
        }
        match store.prune_events(retention.as_secs()).await {
            Ok(0) => {}
            Ok(pruned) => tracing::info!(pruned, "pruned old change-log entries"),
            Err(error) => tracing::warn!(%error, "pruning the change log failed"),
        }
    }
}
