//! `GET /api/lists/events`: the change log as Server-Sent Events.
//!
//! The SSE `id` is the log position. A client resumes with `?after=N` (its snapshot's
//! cursor) or the `Last-Event-ID` header its browser sends on reconnect, whichever is
//! newer: it first gets every entry after that, then live ones, with no gap and no
//! duplicate. If entries it needs were pruned (or it is ahead of the log, e.g. the
//! database was replaced), it gets a `reset` event and reloads its rows.

use super::{feed::PAGE, ChangeFeed, FeedEvent};
use crate::routes::refusal::refuse;
use app::language::Refusal;
use app::lists::{ssr::StoreError, EventSeq};
use axum::{
    extract::{Query, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{
        sse::{Event, KeepAlive, Sse},
        Response,
    },
};
use futures::{stream, Stream};
use serde::Deserialize;
use std::{collections::VecDeque, convert::Infallible, sync::Arc, time::Duration};
use tokio::sync::{
    broadcast::{self, error::RecvError},
    OwnedSemaphorePermit,
};

/// How long a browser waits before reconnecting after the stream drops.
const RECONNECT_AFTER: Duration = Duration::from_secs(1);
/// Comments on an idle stream, so that proxies do not cut it.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

#[derive(Debug, Deserialize)]
pub struct Resume {
    after: Option<i64>,
    #[serde(default)]
    encoding: EventEncoding,
}

/// How each event's `data` is written: JSON for any client, or the page's own compact
/// encoding (`?encoding=postcard`).
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
enum EventEncoding {
    #[default]
    Json,
    Postcard,
}

/// How long a client turned away for want of room should wait before trying again.
const RETRY_WHEN_FULL_SECS: u32 = 5;

pub async fn list_events(
    State(feed): State<ChangeFeed>,
    Query(resume): Query<Resume>,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, Response> {
    let Some(permit) = feed.stream_permit() else {
        let mut full = refuse(
            &headers,
            StatusCode::SERVICE_UNAVAILABLE,
            Refusal::TooManyStreams,
        );
        full.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_WHEN_FULL_SECS));
        return Err(full);
    };
    let from_header = headers
        .get("last-event-id")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<i64>().ok());
    let after = EventSeq::new(resume.after.max(from_header).unwrap_or(0).max(0));
    // Subscribe before reading the log, so nothing committed in between is missed.
    let subscription = Subscription {
        _permit: permit,
        live: feed.subscribe(),
        feed,
        last: after,
        encoding: resume.encoding,
        backlog: VecDeque::new(),
        read_through: after,
        phase: Phase::Start,
    };
    let events = stream::unfold(subscription, |mut subscription| async move {
        let event = subscription.next().await?;
        Some((Ok(event), subscription))
    });
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(KEEP_ALIVE)))
}

enum Phase {
    /// Send the reconnect hint, then catch up.
    Start,
    /// Read the log after `last` until it is exhausted. The first read is followed by a
    /// check of the pruning horizon: pruning only moves forward, so a prune that removed
    /// entries before that read is always seen by the check after it.
    CatchUp { checked: bool },
    /// Forward broadcast events, falling back to `CatchUp` on any gap.
    Live,
    /// Sent a reset (or failed); the stream ends.
    Done,
}

struct Subscription {
    /// This stream's place among the open ones, given back when it ends.
    _permit: OwnedSemaphorePermit,
    feed: ChangeFeed,
    live: broadcast::Receiver<Arc<FeedEvent>>,
    last: EventSeq,
    encoding: EventEncoding,
    backlog: VecDeque<Arc<FeedEvent>>,
    /// How far the last log read got, unreadable entries included: once the backlog is
    /// sent, the stream has passed this point.
    read_through: EventSeq,
    phase: Phase,
}

impl Subscription {
    async fn next(&mut self) -> Option<Event> {
        loop {
            if let Some(event) = self.backlog.pop_front() {
                if event.seq > self.last {
                    self.last = event.seq;
                    return Some(to_sse(&event, self.encoding));
                }
                continue;
            }
            self.last = self.last.max(self.read_through);
            match self.phase {
                Phase::Done => return None,
                Phase::Start => {
                    self.phase = Phase::CatchUp { checked: false };
                    return Some(Event::default().retry(RECONNECT_AFTER));
                }
                Phase::CatchUp { checked } => {
                    let read = match self.feed.store().events_after(self.last, PAGE).await {
                        Ok(read) => read,
                        Err(error) => return self.fail(error),
                    };
                    if !checked {
                        match self.must_reset().await {
                            Ok(false) => {}
                            Ok(true) => {
                                self.phase = Phase::Done;
                                return Some(Event::default().event("reset").data("reset"));
                            }
                            Err(error) => return self.fail(error),
                        }
                    }
                    self.phase = if read.full {
                        Phase::CatchUp { checked: true }
                    } else {
                        Phase::Live
                    };
                    self.backlog.extend(
                        read.events
                            .iter()
                            .map(|event| Arc::new(FeedEvent::new(event))),
                    );
                    self.read_through = read.through;
                }
                Phase::Live => {
                    let received = tokio::select! {
                        () = self.feed.shutdown().cancelled() => return None,
                        received = self.live.recv() => received,
                    };
                    match received {
                        Ok(event) if event.seq <= self.last => {}
                        Ok(event) if event.seq.get() == self.last.get() + 1 => {
                            self.backlog.push_back(event);
                        }
                        // Out of order or dropped from the ring: the log has it all.
                        Ok(_) | Err(RecvError::Lagged(_)) => {
                            self.phase = Phase::CatchUp { checked: false };
                        }
                        Err(RecvError::Closed) => return None,
                    }
                }
            }
        }
    }

    /// A resume point the log can no longer serve: pruned past it, or not yet reached.
    async fn must_reset(&self) -> Result<bool, StoreError> {
        let bounds = self.feed.store().log_bounds().await?;
        Ok(self.last < bounds.pruned_through || self.last > bounds.latest)
    }

    /// Ends the stream; the browser reconnects and resumes from its last id.
    fn fail(&mut self, error: StoreError) -> Option<Event> {
        tracing::warn!(%error, "a live stream could not read the change log");
        self.phase = Phase::Done;
        None
    }
}

fn to_sse(event: &FeedEvent, encoding: EventEncoding) -> Event {
    let data = match encoding {
        EventEncoding::Json => &event.json,
        EventEncoding::Postcard => &event.page_text,
    };
    Event::default()
        .event("change")
        .id(event.seq.to_string())
        .data(data)
}
