//! The feed's client: a screen's subscription to the server's change log, over
//! Server-Sent Events, written once for any change log's events (a collection's, the
//! status page's figures).
//!
//! The browser's `EventSource` reconnects by itself and sends `Last-Event-ID`, so the
//! server resumes right after the last event this screen applied. Each event goes to
//! the screen ([`FeedHost::received`]): one row, at most, and never twice. Only a
//! `reset` (the screen was away longer than the server keeps its log) loads the rows
//! again ([`FeedHost::reload`]).

use crate::collection::{LogEvent, Position};
use serde::de::DeserializeOwned;
use std::future::Future;

/// The `encoding` a screen asks its feed for: postcard in base64 (see [`crate::wire`]).
pub const EVENT_ENCODING: &str = "postcard";

/// Whether the feed is connected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeedStatus {
    Connecting,
    Live,
    Reconnecting,
}

impl FeedStatus {
    /// Its name in markup (`data-state`), for styles and tests.
    pub fn name(self) -> &'static str {
        match self {
            Self::Connecting => "connecting",
            Self::Live => "live",
            Self::Reconnecting => "reconnecting",
        }
    }
}

/// What the feed needs of the screen it serves.
pub trait FeedHost<E: LogEvent + DeserializeOwned + 'static>: Clone + 'static {
    /// The feed's address, resuming after `after`.
    fn events_url(&self, after: Position) -> String;
    /// The connection's state changed.
    fn status(&self, status: FeedStatus);
    /// Back in touch with the server: whatever waits can go now.
    fn connected(&self);
    /// An event, in log order.
    fn received(&self, event: E);
    /// The server no longer has the events this screen missed: the screen loads its
    /// rows again and says the position to follow on from (`None`: it could not).
    fn reload(&self) -> impl Future<Output = Option<Position>> + 'static;
}

/// Follows the feed after `since` for as long as the current reactive owner lives:
/// opened by an effect (so only in the browser, after hydration), closed with
/// everything it set up when the owner is cleaned up.
pub fn follow<E: LogEvent + DeserializeOwned + 'static>(host: impl FeedHost<E>, since: Position) {
    #[cfg(feature = "hydrate")]
    browser::follow::<E, _>(host, since);
    #[cfg(not(feature = "hydrate"))]
    let _ = (host, since);
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::{FeedHost, FeedStatus};
    use crate::collection::{LogEvent, Position};
    use crate::wire::from_document_text;
    use leptos::prelude::*;
    use send_wrapper::SendWrapper;
    use serde::de::DeserializeOwned;
    use std::{cell::RefCell, marker::PhantomData, rc::Rc, time::Duration};
    use wasm_bindgen::{closure::Closure, JsCast};
    use web_sys::{EventSource, MessageEvent};

    /// How long to wait before opening a new connection when the browser gave up on one.
    const RETRY: Duration = Duration::from_secs(1);

    pub fn follow<E: LogEvent + DeserializeOwned + 'static, H: FeedHost<E>>(
        host: H,
        since: Position,
    ) {
        Effect::new(move |_| {
            let feed = Feed::<E, H>::new(host.clone());
            feed.connect(since);
            let feed = SendWrapper::new(feed);
            on_cleanup(move || feed.close());
        });
    }

    /// One screen's feed: the open connection, if any, and a pending retry.
    struct Feed<E, H> {
        host: H,
        state: Rc<RefCell<FeedState>>,
        event: PhantomData<E>,
    }

    impl<E, H: Clone> Clone for Feed<E, H> {
        fn clone(&self) -> Self {
            Self {
                host: self.host.clone(),
                state: Rc::clone(&self.state),
                event: PhantomData,
            }
        }
    }

    #[derive(Default)]
    struct FeedState {
        connection: Option<Connection>,
        retry: Option<TimeoutHandle>,
        last_seen: Position,
        closed: bool,
    }

    /// An open `EventSource` and its listeners. Every listener takes a `MessageEvent`;
    /// for `open` and `error`, which are plain events, only `Event`'s methods are used.
    struct Connection {
        source: EventSource,
        _listeners: [Closure<dyn FnMut(MessageEvent)>; 4],
    }

    impl Drop for Connection {
        fn drop(&mut self) {
            self.source.close();
        }
    }

    impl<E: LogEvent + DeserializeOwned + 'static, H: FeedHost<E>> Feed<E, H> {
        fn new(host: H) -> Self {
            Self {
                host,
                state: Rc::default(),
                event: PhantomData,
            }
        }

        fn close(&self) {
            let mut state = self.state.borrow_mut();
            state.closed = true;
            state.connection = None;
            if let Some(retry) = state.retry.take() {
                retry.clear();
            }
        }

        fn connect(&self, after: Position) {
            {
                let mut state = self.state.borrow_mut();
                if state.closed {
                    return;
                }
                state.last_seen = state.last_seen.max(after);
                state.connection = None;
            }
            let after = self.state.borrow().last_seen;
            let Ok(source) = EventSource::new(&self.host.events_url(after)) else {
                self.retry();
                return;
            };
            let on_open = self.listener(|feed, _| {
                feed.host.status(FeedStatus::Live);
                feed.host.connected();
            });
            let on_error = self.listener(|feed, message| {
                feed.host.status(FeedStatus::Reconnecting);
                // CONNECTING means the browser retries by itself; CLOSED means it gave up.
                let closed = message
                    .target()
                    .and_then(|target| target.dyn_into::<EventSource>().ok())
                    .is_some_and(|source| source.ready_state() == EventSource::CLOSED);
                if closed {
                    feed.retry();
                }
            });
            let on_change = self.listener(|feed, message| {
                let Some(data) = message.data().as_string() else {
                    return;
                };
                match from_document_text::<E>(&data) {
                    Ok(event) => {
                        {
                            let mut state = feed.state.borrow_mut();
                            state.last_seen = state.last_seen.max(event.position());
                        }
                        feed.host.received(event);
                    }
                    Err(error) => leptos::logging::warn!("ignoring an event: {error}"),
                }
            });
            let on_reset = self.listener(|feed, _| feed.reload());
            let listening = [
                ("open", &on_open),
                ("error", &on_error),
                ("change", &on_change),
                ("reset", &on_reset),
            ]
            .into_iter()
            .all(|(name, listener)| {
                source
                    .add_event_listener_with_callback(name, listener.as_ref().unchecked_ref())
                    .is_ok()
            });
            let connection = Connection {
                source,
                _listeners: [on_open, on_error, on_change, on_reset],
            };
            if listening {
                self.state.borrow_mut().connection = Some(connection);
            } else {
                drop(connection);
                self.retry();
            }
        }

        fn listener(
            &self,
            on_event: impl Fn(&Self, MessageEvent) + 'static,
        ) -> Closure<dyn FnMut(MessageEvent)> {
            let feed = self.clone();
            Closure::new(move |event: MessageEvent| {
                if !feed.state.borrow().closed {
                    on_event(&feed, event);
                }
            })
        }

        fn retry(&self) {
            self.host.status(FeedStatus::Reconnecting);
            let feed = self.clone();
            let after = self.state.borrow().last_seen;
            let handle = set_timeout_with_handle(move || feed.connect(after), RETRY).ok();
            self.state.borrow_mut().retry = handle;
        }

        /// The server no longer has the events this screen missed: the screen loads its
        /// rows again (rows that are still there keep their DOM node), and the feed
        /// follows on from there.
        fn reload(&self) {
            self.state.borrow_mut().connection = None;
            self.host.status(FeedStatus::Reconnecting);
            let feed = self.clone();
            leptos::task::spawn_local(async move {
                match feed.host.reload().await {
                    Some(since) => {
                        feed.state.borrow_mut().last_seen = since;
                        feed.connect(since);
                    }
                    None => {
                        let retry = feed.clone();
                        let handle = set_timeout_with_handle(move || retry.reload(), RETRY).ok();
                        feed.state.borrow_mut().retry = handle;
                    }
                }
            });
        }
    }
}
