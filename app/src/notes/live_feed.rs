//! The page's subscription to the server's change feed (Server-Sent Events).
//!
//! The browser's `EventSource` reconnects by itself and sends `Last-Event-ID`, so the
//! server resumes right after the last event this page applied. Each event goes through
//! [`ListsModel::apply`]: one row, at most, and never twice. Only a `reset` (the page was
//! away longer than the server keeps its log) reloads the rows.

use super::model::ListsModel;
use crate::lists::EventSeq;

/// Where the server streams list changes.
pub const EVENTS_PATH: &str = "/api/lists/events";

/// Starts (or restarts) following changes made after `after`. Does nothing on the server.
pub fn follow(model: ListsModel, after: EventSeq) {
    #[cfg(feature = "hydrate")]
    browser::follow(model, after);
    #[cfg(not(feature = "hydrate"))]
    let _ = (model, after);
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::{ListsModel, EVENTS_PATH};
    use crate::lists::{EventSeq, ListEvent};
    use crate::notes::model::FeedStatus;
    use crate::notes::split;
    use crate::wire::FromJson;
    use leptos::prelude::{set_timeout, Set};
    use std::{cell::Cell, cell::RefCell, rc::Rc, time::Duration};
    use wasm_bindgen::{closure::Closure, JsCast};
    use web_sys::{Event, EventSource, MessageEvent};

    /// How long to wait before opening a new connection when the browser gave up on one.
    const RETRY: Duration = Duration::from_secs(1);

    struct Connection {
        source: EventSource,
        _on_open: Closure<dyn FnMut(Event)>,
        _on_error: Closure<dyn FnMut(Event)>,
        _on_change: Closure<dyn FnMut(MessageEvent)>,
        _on_reset: Closure<dyn FnMut(MessageEvent)>,
    }

    impl Drop for Connection {
        fn drop(&mut self) {
            self.source.close();
        }
    }

    thread_local! {
        static CONNECTION: RefCell<Option<Connection>> = const { RefCell::new(None) };
        /// Bumped by every `follow`, so callbacks of a replaced connection do nothing.
        static GENERATION: Cell<u64> = const { Cell::new(0) };
    }

    pub fn follow(model: ListsModel, after: EventSeq) {
        let generation = GENERATION.with(|g| {
            g.set(g.get() + 1);
            g.get()
        });
        connect(model, generation, Rc::new(Cell::new(after)));
    }

    fn is_current(generation: u64) -> bool {
        GENERATION.with(Cell::get) == generation
    }

    fn connect(model: ListsModel, generation: u64, last_seen: Rc<Cell<EventSeq>>) {
        if !is_current(generation) {
            return;
        }
        let url = format!("{EVENTS_PATH}?after={}", last_seen.get());
        let Ok(source) = EventSource::new(&url) else {
            model.feed.set(FeedStatus::Reconnecting);
            retry(model, generation, last_seen);
            return;
        };

        let on_open = Closure::<dyn FnMut(Event)>::new(move |_| {
            if is_current(generation) {
                model.feed.set(FeedStatus::Live);
            }
        });
        let on_error = {
            let source = source.clone();
            let last_seen = Rc::clone(&last_seen);
            Closure::<dyn FnMut(Event)>::new(move |_| {
                if !is_current(generation) {
                    return;
                }
                model.feed.set(FeedStatus::Reconnecting);
                // CONNECTING means the browser retries by itself; CLOSED means it gave up.
                if source.ready_state() == EventSource::CLOSED {
                    retry(model, generation, Rc::clone(&last_seen));
                }
            })
        };
        let on_change = {
            let last_seen = Rc::clone(&last_seen);
            Closure::<dyn FnMut(MessageEvent)>::new(move |message: MessageEvent| {
                let Some(data) = message.data().as_string() else {
                    return;
                };
                match ListEvent::from_json_str(&data) {
                    Some(event) => {
                        last_seen.set(last_seen.get().max(event.seq));
                        model.receive(event);
                    }
                    None => leptos::logging::warn!("ignoring a malformed list event: {data}"),
                }
            })
        };
        let on_reset = Closure::<dyn FnMut(MessageEvent)>::new(move |_| {
            if is_current(generation) {
                CONNECTION.with_borrow_mut(Option::take);
                leptos::task::spawn_local(reload(model));
            }
        });

        source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let listen = |name: &str, callback: &Closure<dyn FnMut(MessageEvent)>| {
            source
                .add_event_listener_with_callback(name, callback.as_ref().unchecked_ref())
                .is_ok()
        };
        if !listen("change", &on_change) || !listen("reset", &on_reset) {
            source.close();
            retry(model, generation, last_seen);
            return;
        }
        let connection = Connection {
            source,
            _on_open: on_open,
            _on_error: on_error,
            _on_change: on_change,
            _on_reset: on_reset,
        };
        CONNECTION.with_borrow_mut(|current| *current = Some(connection));
    }

    fn retry(model: ListsModel, generation: u64, last_seen: Rc<Cell<EventSeq>>) {
        set_timeout(move || connect(model, generation, last_seen), RETRY);
    }

    /// The server no longer has the events this page missed: load the rows again (rows
    /// that are still there keep their DOM node) and follow on from the new snapshot.
    async fn reload(model: ListsModel) {
        match split::load().await {
            Ok(snapshot) => {
                let cursor = snapshot.cursor;
                model.reset(snapshot);
                follow(model, cursor);
            }
            Err(_) => {
                model.feed.set(FeedStatus::Reconnecting);
                set_timeout(move || leptos::task::spawn_local(reload(model)), RETRY);
            }
        }
    }
}
