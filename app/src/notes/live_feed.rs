//! The page's subscription to the server's change feed (Server-Sent Events).
//!
//! The browser's `EventSource` reconnects by itself and sends `Last-Event-ID`, so the
//! server resumes right after the last event this page applied. Each event goes through
//! [`ListWindow::receive`]: one row, at most, and never twice. Only a `reset` (the page
//! was away longer than the server keeps its log) reloads the rows.

use super::{ListWindow, Notes};

/// Follows the feed from the window's cursor for as long as the current reactive owner
/// lives: opened by an effect (so only in the browser, after hydration), closed with
/// everything it set up when the owner is cleaned up.
pub fn follow(notes: Notes, window: ListWindow) {
    #[cfg(feature = "hydrate")]
    browser::follow(notes, window);
    #[cfg(not(feature = "hydrate"))]
    let _ = (notes, window);
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::{ListWindow, Notes};
    use crate::lists::{EventSeq, ListEvent, EVENTS_PATH, EVENT_ENCODING};
    use crate::notes::{window::Fetch, FeedStatus};
    use crate::wire::from_page_text;
    use leptos::prelude::*;
    use send_wrapper::SendWrapper;
    use std::{cell::RefCell, rc::Rc, time::Duration};
    use wasm_bindgen::{closure::Closure, JsCast};
    use web_sys::{EventSource, MessageEvent};

    /// How long to wait before opening a new connection when the browser gave up on one.
    const RETRY: Duration = Duration::from_secs(1);

    pub fn follow(notes: Notes, window: ListWindow) {
        Effect::new(move |_| {
            let feed = Feed::new(notes, window);
            feed.connect(window.cursor());
            let feed = SendWrapper::new(feed);
            on_cleanup(move || feed.close());
        });
    }

    /// One page's feed: the open connection, if any, and a pending retry.
    #[derive(Clone)]
    struct Feed {
        notes: Notes,
        window: ListWindow,
        state: Rc<RefCell<FeedState>>,
    }

    #[derive(Default)]
    struct FeedState {
        connection: Option<Connection>,
        retry: Option<TimeoutHandle>,
        last_seen: EventSeq,
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

    impl Feed {
        fn new(notes: Notes, window: ListWindow) -> Self {
            Self {
                notes,
                window,
                state: Rc::default(),
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

        fn connect(&self, after: EventSeq) {
            {
                let mut state = self.state.borrow_mut();
                if state.closed {
                    return;
                }
                state.last_seen = state.last_seen.max(after);
                state.connection = None;
            }
            let after = self.state.borrow().last_seen;
            let url = format!("{EVENTS_PATH}?after={after}&encoding={EVENT_ENCODING}");
            let Ok(source) = EventSource::new(&url) else {
                self.retry();
                return;
            };
            // Back in touch with the server: whatever waits in the outbox can go now.
            let on_open = self.listener(|feed, _| {
                feed.notes.feed_status.set(FeedStatus::Live);
                feed.notes.outbox.send(feed.notes);
            });
            let on_error = self.listener(|feed, message| {
                feed.notes.feed_status.set(FeedStatus::Reconnecting);
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
                match from_page_text::<ListEvent>(&data) {
                    Ok(event) => {
                        {
                            let mut state = feed.state.borrow_mut();
                            state.last_seen = state.last_seen.max(event.seq);
                        }
                        feed.notes.outbox.seen(&event);
                        feed.window.receive(event);
                    }
                    Err(error) => leptos::logging::warn!("ignoring a list event: {error}"),
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
            on_event: impl Fn(&Feed, MessageEvent) + 'static,
        ) -> Closure<dyn FnMut(MessageEvent)> {
            let feed = self.clone();
            Closure::new(move |event: MessageEvent| {
                if !feed.state.borrow().closed {
                    on_event(&feed, event);
                }
            })
        }

        fn retry(&self) {
            self.notes.feed_status.set(FeedStatus::Reconnecting);
            let feed = self.clone();
            let after = self.state.borrow().last_seen;
            let handle = set_timeout_with_handle(move || feed.connect(after), RETRY).ok();
            self.state.borrow_mut().retry = handle;
        }

        /// The server no longer has the events this page missed: load the rows again
        /// (rows that are still there keep their DOM node) and follow on from there.
        fn reload(&self) {
            self.state.borrow_mut().connection = None;
            self.notes.feed_status.set(FeedStatus::Reconnecting);
            let feed = self.clone();
            leptos::task::spawn_local(async move {
                if feed.notes.fetch_now(feed.window, Fetch::Reset).await {
                    let cursor = feed.window.cursor();
                    feed.state.borrow_mut().last_seen = cursor;
                    feed.connect(cursor);
                } else {
                    let retry = feed.clone();
                    let handle = set_timeout_with_handle(move || retry.reload(), RETRY).ok();
                    feed.state.borrow_mut().retry = handle;
                }
            });
        }
    }
}
