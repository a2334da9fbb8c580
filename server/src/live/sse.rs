//! An event stream: a change log as Server-Sent Events (`GET /api/lists/events` for the
//! lists), written once for any [`ChangeLog`].
//!
//! The SSE `id` is the log position. A client resumes with `?after=N` (the position its
//! page was read at) or the `Last-Event-ID` header its browser sends on reconnect,
//! whichever is newer: it first gets every entry after that, then live ones, with no
//! gap and no duplicate. Without either it gets only what is committed from now on. If
//! entries it needs were pruned (or it is ahead of the log, e.g. the database was
//! replaced), it gets a `reset` event and reloads its rows.
//!
//! Live events are written as the shared bytes the feed encoded once; an event stream
//! keeps no queue of its own (the feed's ring is the bound: an event stream that falls
//! further behind reads the log) and no timer (the feed's keep-alive reaches every
//! event stream at once).

use super::{
    feed::{Broadcast, ChangeFeed, EventEncoding, FeedEvent, Item, OpenStream, LOG_READ_LIMIT},
    resume::Resume,
};
use crate::routes::refusal::refuse;
use crate::serve::ConnectionCloser;
use app::collection::log::ChangeLog;
use app::collection::{LogEvent, Position};
use app::language::Refusal;
use axum::{
    body::{Body, Bytes},
    extract::{rejection::QueryRejection, Query, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Extension,
};
use serde::Deserialize;
use std::convert::Infallible;
use tokio::sync::broadcast::{self, error::RecvError};

/// How long a browser waits before reconnecting after the event stream drops.
const RECONNECT_HINT: &[u8] = b"retry: 1000\n\n";
/// A comment: proxies see traffic, browsers ignore it.
const KEEP_ALIVE: &[u8] = b":\n\n";
const RESET: &[u8] = b"event: reset\ndata: reset\n\n";

/// The last frame of an event stream when the server stops: come back (to another
/// instance, behind a proxy) after a moment, each screen after its own, so that they do
/// not all arrive at once. Then the event stream ends, and the browser resumes from its
/// last event.
fn closing_hint() -> Bytes {
    Bytes::from(format!("retry: {}\n\n", fastrand::u32(250..3000)))
}

#[derive(Debug, Deserialize)]
pub struct StreamQuery {
    after: Option<String>,
    #[serde(default)]
    encoding: EventEncoding,
}

/// How long a client turned away for want of room should wait before trying again.
const RETRY_WHEN_FULL_SECS: u32 = 5;

/// Serves one event stream of `feed`'s log.
pub async fn events<L: ChangeLog>(
    State(feed): State<ChangeFeed<L>>,
    closer: Option<Extension<ConnectionCloser>>,
    query: Result<Query<StreamQuery>, QueryRejection>,
    headers: HeaderMap,
) -> Response {
    let Ok(Query(query)) = query else {
        return refuse(&headers, StatusCode::BAD_REQUEST, Refusal::NotUnderstood);
    };
    let last_event_id = headers.get("last-event-id").map(HeaderValue::as_bytes);
    let Ok(resume) = Resume::parse(query.after.as_deref(), last_event_id) else {
        return refuse(&headers, StatusCode::BAD_REQUEST, Refusal::NotUnderstood);
    };
    let Some(open) = feed.open_stream(closer.map(|Extension(closer)| closer)) else {
        let mut full = refuse(
            &headers,
            StatusCode::SERVICE_UNAVAILABLE,
            Refusal::TooManyStreams,
        );
        full.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_WHEN_FULL_SECS));
        return full;
    };
    // Subscribe before reading the log's end, so nothing committed in between is missed.
    let live = feed.subscribe();
    let (last, catch_up) = match resume {
        // The log's end, not only what the feed has broadcast yet: a feed still working
        // through a burst (another process's seed, say) must not make "now" an old
        // position, from which the event stream would read the whole burst back.
        Resume::FromNow => match feed.log().bounds().await {
            Ok(bounds) => (bounds.latest.max(feed.position()), false),
            Err(error) => {
                tracing::warn!(%error, "could not read the change log's end; starting from the feed's");
                (feed.position(), false)
            }
        },
        Resume::After(after) => (after, true),
    };
    let subscription = Subscription {
        open,
        live,
        feed,
        last,
        encoding: query.encoding,
        backlog: None,
        read_through: last,
        phase: Phase::Start { catch_up },
    };
    let frames = futures::stream::unfold(subscription, |mut subscription| async move {
        let frame = subscription.next().await?;
        Some((Ok::<_, Infallible>(frame), subscription))
    });
    (
        [
            (header::CONTENT_TYPE, "text/event-stream"),
            (header::CACHE_CONTROL, "no-cache"),
            // Proxies that buffer responses (nginx) pass this one on as it comes.
            (header::HeaderName::from_static("x-accel-buffering"), "no"),
        ],
        Body::from_stream(frames),
    )
        .into_response()
}

#[derive(Clone, Copy)]
enum Phase {
    /// Send the reconnect hint, then catch up from the log, or (from now) go live.
    Start { catch_up: bool },
    /// Read the log after `last` until it is exhausted. The first read is followed by a
    /// check of the pruning horizon: pruning only moves forward, so a prune that removed
    /// entries before that read is always seen by the check after it.
    CatchUp { checked: bool },
    /// Forward broadcast events, falling back to `CatchUp` on any gap.
    Live,
    /// Sent a reset (or failed); the event stream ends.
    Done,
}

struct Subscription<L: ChangeLog> {
    /// This event stream's place among the open ones, given back when it ends.
    open: OpenStream,
    feed: ChangeFeed<L>,
    live: broadcast::Receiver<Broadcast>,
    last: Position,
    encoding: EventEncoding,
    /// Frames read from the log and not yet sent (only while catching up).
    backlog: Option<std::vec::IntoIter<(Position, Bytes)>>,
    /// How far the last log read got, unreadable entries included: once the backlog is
    /// sent, the event stream has passed this point.
    read_through: Position,
    phase: Phase,
}

impl<L: ChangeLog> Subscription<L> {
    async fn next(&mut self) -> Option<Bytes> {
        self.open.guard.pulled(self.feed.ticks());
        loop {
            if let Some(backlog) = &mut self.backlog {
                match backlog.next() {
                    Some((position, frame)) if position > self.last => {
                        self.last = position;
                        return Some(frame);
                    }
                    Some(_) => continue,
                    None => self.backlog = None,
                }
            }
            self.last = self.last.max(self.read_through);
            match self.phase {
                Phase::Done => return None,
                Phase::Start { catch_up } => {
                    self.phase = match catch_up {
                        true => Phase::CatchUp { checked: false },
                        false => Phase::Live,
                    };
                    return Some(Bytes::from_static(RECONNECT_HINT));
                }
                Phase::CatchUp { checked } => {
                    if let Some(reset) = self.catch_up(checked).await {
                        return reset;
                    }
                }
                Phase::Live => match self.live.recv().await {
                    Ok(Broadcast { item, .. }) => match item {
                        Item::Event(event) if event.position <= self.last => {}
                        Item::Event(event) if event.position.get() == self.last.get() + 1 => {
                            self.last = event.position;
                            return Some(event.frame(self.encoding));
                        }
                        // Out of order: the log has it all.
                        Item::Event(_) => self.phase = Phase::CatchUp { checked: false },
                        Item::KeepAlive => return Some(Bytes::from_static(KEEP_ALIVE)),
                        Item::Closing => {
                            self.phase = Phase::Done;
                            return Some(closing_hint());
                        }
                    },
                    // Dropped from the ring: the log has it all.
                    Err(RecvError::Lagged(_)) => self.phase = Phase::CatchUp { checked: false },
                    Err(RecvError::Closed) => return None,
                },
            }
        }
    }

    /// Reads the next entries of the log into the backlog. Returns `Some` when the
    /// event stream must send that instead (a reset) or end (`Some(None)`).
    async fn catch_up(&mut self, checked: bool) -> Option<Option<Bytes>> {
        if self.feed.shutdown().is_cancelled() {
            return Some(None);
        }
        // Boxed: only an event stream catching up holds the read's state, not every
        // event stream.
        let read = match Box::pin(self.feed.log().read_after(self.last, LOG_READ_LIMIT)).await {
            Ok(read) => read,
            Err(error) => return Some(self.fail(error)),
        };
        if !checked {
            match Box::pin(self.must_reset()).await {
                Ok(false) => {}
                Ok(true) => {
                    self.phase = Phase::Done;
                    return Some(Some(Bytes::from_static(RESET)));
                }
                Err(error) => return Some(self.fail(error)),
            }
        }
        self.phase = if read.full {
            Phase::CatchUp { checked: true }
        } else {
            Phase::Live
        };
        let frames: Vec<_> = read
            .events
            .iter()
            .map(|event| {
                let position = event.position();
                (position, FeedEvent::encode(position, event, self.encoding))
            })
            .collect();
        self.backlog = Some(frames.into_iter());
        self.read_through = read.through;
        None
    }

    /// A resume point the log can no longer serve: pruned past it, or not yet reached.
    async fn must_reset(&self) -> Result<bool, L::Error> {
        let bounds = self.feed.log().bounds().await?;
        Ok(self.last < bounds.pruned_through || self.last > bounds.latest)
    }

    /// Ends the event stream; the browser reconnects and resumes from its last id.
    fn fail(&mut self, error: L::Error) -> Option<Bytes> {
        tracing::warn!(%error, "a live stream could not read the change log");
        self.phase = Phase::Done;
        None
    }
}
