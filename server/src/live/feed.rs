//! `ChangeFeed`: tails a change log and broadcasts each new entry once, encoded once.

use super::streams::{OpenStreams, StreamGuard};
use crate::serve::ConnectionCloser;
use app::collection::log::{ChangeLog, LogRead};
use app::collection::{LogEvent, Position};
use axum::body::Bytes;
use prometheus_client::metrics::{counter::Counter, gauge::Gauge, histogram::Histogram};
use serde::Deserialize;
use std::{
    sync::{
        atomic::{AtomicI64, AtomicU64, Ordering},
        Arc,
    },
    time::Duration,
};
use tokio::{
    sync::{broadcast, OwnedSemaphorePermit, Semaphore},
    time::Instant,
};
use tokio_util::sync::CancellationToken;

/// How many events the broadcast ring keeps; an event stream further behind reads the
/// log.
const RING: usize = 1024;
/// How many log entries one read takes.
pub(crate) const LOG_READ_LIMIT: u32 = 500;
/// How often old entries are pruned.
const PRUNE_EVERY: Duration = Duration::from_secs(3600);
/// Comments on idle event streams, so that proxies do not cut them.
const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// How often the tailer looks for orphaned log entries at most: an entry counts as one a
/// second after it was written, so looking more often finds nothing sooner, and it was a
/// query per instance per commit.
const ORPHANS_LOOKED_FOR_EVERY: Duration = Duration::from_secs(1);
/// How often refused event streams are counted in the log: one line per interval,
/// however many.
const REFUSALS_REPORTED_EVERY: Duration = Duration::from_secs(10);

/// How each event's `data` is written: JSON for any client, or the screen's own compact
/// encoding (`?encoding=postcard`, see `app::wire`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventEncoding {
    #[default]
    Json,
    Postcard,
}

/// One change-log entry as the SSE frames every event stream writes: encoded once per
/// event (not per event stream), in both encodings, and shared by reference.
#[derive(Debug)]
pub struct FeedEvent {
    pub position: Position,
    json: Bytes,
    postcard: Bytes,
}

impl FeedEvent {
    pub fn new<E: serde::Serialize>(position: Position, event: &E) -> Self {
        Self {
            position,
            json: Self::encode(position, event, EventEncoding::Json),
            postcard: Self::encode(position, event, EventEncoding::Postcard),
        }
    }

    /// One event as its SSE frame (`event`, `id`, `data`) in `encoding`. An event is
    /// plain data: serializing it cannot fail, and neither encoding ever holds a line
    /// break, so the data is one `data:` line.
    pub fn encode<E: serde::Serialize>(
        position: Position,
        event: &E,
        encoding: EventEncoding,
    ) -> Bytes {
        let data = match encoding {
            EventEncoding::Json => serde_json::to_string(event).unwrap_or_default(),
            EventEncoding::Postcard => app::wire::to_document_text(event).unwrap_or_default(),
        };
        Bytes::from(format!("event: change\nid: {position}\ndata: {data}\n\n"))
    }

    /// The whole SSE frame in `encoding`, shared: no copy per event stream.
    pub fn frame(&self, encoding: EventEncoding) -> Bytes {
        match encoding {
            EventEncoding::Json => self.json.clone(),
            EventEncoding::Postcard => self.postcard.clone(),
        }
    }
}

/// What the feed sends every open event stream, numbered by `tick` so that an event
/// stream's owner can tell whether it has taken everything sent (see `streams`).
#[derive(Clone, Debug)]
pub struct Broadcast {
    pub tick: u64,
    pub item: Item,
}

#[derive(Clone, Debug)]
pub enum Item {
    Event(Arc<FeedEvent>),
    /// Nothing happened for a while: a comment keeps proxies from cutting the event
    /// stream.
    KeepAlive,
    /// The server is shutting down: every event stream ends.
    Closing,
}

/// Limits of the feed: how long its log is kept, how many event streams it serves, and
/// how long an event stream may leave an event unsent before it is closed.
#[derive(Clone, Copy, Debug)]
pub struct FeedLimits {
    pub retention: Duration,
    pub max_streams: usize,
    pub stall: Duration,
}

/// What a feed counts, for the server's metrics (`operator::metrics` registers them).
/// Each is a shared handle: the metrics read what the feed writes.
#[derive(Clone, Debug)]
pub struct FeedStats {
    /// Event streams open now.
    pub open: Gauge,
    /// Event streams refused for want of a place.
    pub refused: Counter,
    /// Events broadcast.
    pub events: Counter,
    /// How long handing one event to every open event stream took (the broadcast's
    /// send, which wakes every event stream waiting for it), in seconds.
    pub fan_out: Histogram,
}

impl Default for FeedStats {
    fn default() -> Self {
        Self {
            open: Gauge::default(),
            refused: Counter::default(),
            events: Counter::default(),
            // 1 µs to about 1 s.
            fan_out: Histogram::new(prometheus_client::metrics::histogram::exponential_buckets(
                1e-6, 4.0, 11,
            )),
        }
    }
}

/// The process's fan-out point for one change log. Cheap to clone.
#[derive(Debug)]
pub struct ChangeFeed<L: ChangeLog> {
    log: L,
    shared: Arc<Shared>,
    shutdown: CancellationToken,
}

impl<L: ChangeLog> Clone for ChangeFeed<L> {
    fn clone(&self) -> Self {
        Self {
            log: self.log.clone(),
            shared: Arc::clone(&self.shared),
            shutdown: self.shutdown.clone(),
        }
    }
}

#[derive(Debug)]
struct Shared {
    live: broadcast::Sender<Broadcast>,
    /// How many items were broadcast.
    ticks: AtomicU64,
    /// The newest log position broadcast: where an event stream with no position starts.
    position: AtomicI64,
    /// One permit per open event stream.
    permits: Arc<Semaphore>,
    max_streams: usize,
    stats: FeedStats,
    streams: OpenStreams,
}

impl<L: ChangeLog> ChangeFeed<L> {
    /// Starts tailing the log from its current end, pruning entries older than
    /// `retention`, keeping idle event streams alive and closing stalled ones. Every
    /// task stops when `shutdown` is cancelled.
    pub async fn start(
        log: L,
        limits: FeedLimits,
        shutdown: CancellationToken,
    ) -> Result<Self, L::Error> {
        let (live, _) = broadcast::channel(RING);
        let latest = log.bounds().await?.latest;
        let feed = Self {
            log: log.clone(),
            shared: Arc::new(Shared {
                live,
                ticks: AtomicU64::new(0),
                position: AtomicI64::new(latest.get()),
                permits: Arc::new(Semaphore::new(limits.max_streams)),
                max_streams: limits.max_streams,
                stats: FeedStats::default(),
                streams: OpenStreams::default(),
            }),
            shutdown: shutdown.clone(),
        };
        log.hear_other_instances(shutdown.clone());
        tokio::spawn(tail(feed.clone(), latest));
        tokio::spawn(keep_alive(feed.clone()));
        tokio::spawn(report_refusals(feed.clone()));
        let counter = feed.clone();
        tokio::spawn(feed.shared.streams.clone().close_stalled(
            move || counter.ticks(),
            limits.stall,
            shutdown.clone(),
        ));
        tokio::spawn(prune(log, limits.retention, shutdown));
        Ok(feed)
    }

    /// What this feed counts.
    pub fn stats(&self) -> &FeedStats {
        &self.shared.stats
    }

    /// The change log this feed tails.
    pub fn log(&self) -> &L {
        &self.log
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Broadcast> {
        self.shared.live.subscribe()
    }

    /// How many items were broadcast so far.
    pub fn ticks(&self) -> u64 {
        self.shared.ticks.load(Ordering::Acquire)
    }

    /// The newest log position broadcast. Read after [`subscribe`](Self::subscribe),
    /// everything after it reaches the new receiver.
    pub fn position(&self) -> Position {
        Position::new(self.shared.position.load(Ordering::Acquire))
    }

    /// A place for one more event stream, held for as long as it is open, and its entry
    /// among the event streams watched for stalls; `None` when all places are taken
    /// (the refusal is counted, and reported once per interval).
    pub fn open_stream(&self, closer: Option<ConnectionCloser>) -> Option<OpenStream> {
        match Arc::clone(&self.shared.permits).try_acquire_owned() {
            Ok(permit) => Some(OpenStream {
                _permit: permit,
                guard: self.shared.streams.register(closer, self.ticks()),
                _open: Counted::new(self.shared.stats.open.clone()),
            }),
            Err(_) => {
                self.shared.stats.refused.inc();
                None
            }
        }
    }

    pub fn shutdown(&self) -> &CancellationToken {
        &self.shutdown
    }

    fn send(&self, item: Item) {
        let event = matches!(item, Item::Event(_));
        if let Item::Event(event) = &item {
            self.shared
                .position
                .fetch_max(event.position.get(), Ordering::AcqRel);
        }
        let tick = self.shared.ticks.fetch_add(1, Ordering::AcqRel) + 1;
        let started = std::time::Instant::now();
        // No receivers is fine: nobody is watching right now.
        let _ = self.shared.live.send(Broadcast { tick, item });
        if event {
            let stats = &self.shared.stats;
            stats.fan_out.observe(started.elapsed().as_secs_f64());
            stats.events.inc();
        }
    }
}

/// One open event stream's place: its permit, its entry in the stall watch, and its
/// count among the open ones.
pub struct OpenStream {
    _permit: OwnedSemaphorePermit,
    pub guard: StreamGuard,
    _open: Counted,
}

/// One among the open event streams for as long as it lives.
struct Counted(Gauge);

impl Counted {
    fn new(open: Gauge) -> Self {
        open.inc();
        Self(open)
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.dec();
    }
}

async fn tail<L: ChangeLog>(feed: ChangeFeed<L>, mut last: Position) {
    let log = feed.log.clone();
    let commits = log.commits();
    let poll = log.poll_interval();
    // A wake inside the interval leaves the look owed, and it happens when the interval
    // ends, so an orphan committed just then still waits at most that long.
    let mut orphans_next = Instant::now();
    let mut orphans_owed = true;
    loop {
        let polled = tokio::select! {
            () = feed.shutdown.cancelled() => {
                feed.send(Item::Closing);
                return;
            }
            () = commits.notified() => false,
            () = tokio::time::sleep(poll) => true,
            () = tokio::time::sleep_until(orphans_next), if orphans_owed => false,
        };
        orphans_owed = Instant::now() < orphans_next;
        if !orphans_owed {
            orphans_next = Instant::now() + ORPHANS_LOOKED_FOR_EVERY;
            if let Err(error) = log.number_orphans().await {
                tracing::warn!(%error, "numbering orphaned change-log entries failed; retrying");
            }
        }
        // What the database announced is sent without reading the log (PostgreSQL;
        // orphans numbered just now are announced too). The log is read when that
        // cannot be trusted to be everything, and at every poll, so that nothing waits
        // longer than `poll` however it was missed.
        let heard = log.heard_after(last);
        if let Some(read) = &heard {
            last = send_read(&feed, read);
        }
        if heard.is_some() && !polled {
            continue;
        }
        loop {
            match log.read_after(last, LOG_READ_LIMIT).await {
                Ok(read) => {
                    last = send_read(&feed, &read);
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

/// Broadcasts what was read of the log, and returns how far it reached.
fn send_read<L: ChangeLog>(feed: &ChangeFeed<L>, read: &LogRead<L::Event>) -> Position {
    for event in &read.events {
        let position = event.position();
        feed.send(Item::Event(Arc::new(FeedEvent::new(position, event))));
    }
    // Unreadable entries were skipped (and logged once): move past them. Entries
    // written by another process are news to the store's caches.
    feed.log.advanced(read.through);
    read.through
}

/// One keep-alive for every event stream at once, instead of a timer per event stream.
async fn keep_alive<L: ChangeLog>(feed: ChangeFeed<L>) {
    let mut every = tokio::time::interval(KEEP_ALIVE);
    every.tick().await;
    loop {
        tokio::select! {
            () = feed.shutdown.cancelled() => return,
            _ = every.tick() => feed.send(Item::KeepAlive),
        }
    }
}

/// A flood of refused event streams is one line per interval, not one per request: the
/// log stays readable, and small, whatever a client sends.
async fn report_refusals<L: ChangeLog>(feed: ChangeFeed<L>) {
    let mut every = tokio::time::interval(REFUSALS_REPORTED_EVERY);
    every.tick().await;
    let mut reported = 0;
    loop {
        tokio::select! {
            () = feed.shutdown.cancelled() => return,
            _ = every.tick() => {}
        }
        let refused_so_far = feed.shared.stats.refused.get();
        let refused = refused_so_far - reported;
        reported = refused_so_far;
        if refused > 0 {
            tracing::warn!(
                "refused {refused} event streams in the last {} s: cap {}",
                REFUSALS_REPORTED_EVERY.as_secs(),
                feed.shared.max_streams
            );
        }
    }
}

async fn prune<L: ChangeLog>(log: L, retention: Duration, shutdown: CancellationToken) {
    let mut every = tokio::time::interval(PRUNE_EVERY);
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            _ = every.tick() => {}
        }
        match log.prune(retention).await {
            Ok(0) => {}
            Ok(pruned) => tracing::info!(pruned, "pruned old change-log entries"),
            Err(error) => tracing::warn!(%error, "pruning the change log failed"),
        }
    }
}
