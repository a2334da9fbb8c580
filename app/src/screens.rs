//! Which screen a document is: the lists (`/notes`, the default) or the server's status
//! (`/status`). One screen per document and no client-side router, which keeps the wasm
//! small: the server says which it drew, and the browser reads it back from the
//! document.

/// A screen the app draws.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Screen {
    #[default]
    Notes,
    Status,
}

impl Screen {
    /// The screen being drawn: on the server the one its handler provided, in the
    /// browser the one the server's document shows.
    pub fn current() -> Self {
        #[cfg(not(feature = "hydrate"))]
        return leptos::prelude::use_context::<Self>().unwrap_or_default();
        #[cfg(feature = "hydrate")]
        match Self::drawn("[data-screen=status]") {
            true => Self::Status,
            false => Self::Notes,
        }
    }

    /// Whether the document the server drew has something that matches `selector`.
    #[cfg(feature = "hydrate")]
    pub(crate) fn drawn(selector: &str) -> bool {
        leptos::prelude::document()
            .query_selector(selector)
            .ok()
            .flatten()
            .is_some()
    }
}

/// The view a split function's future holds when its code was fetched before hydrating
/// (see [`hydrate_once_code_is_here`]): once the loader is primed, the future is ready
/// when first polled. Otherwise (never, since the document then does not hydrate)
/// nothing is drawn.
#[cfg(all(feature = "hydrate", feature = "lazy-requests"))]
pub(crate) fn fetched_view<E>(
    split: impl std::future::Future<Output = Result<leptos::prelude::AnyView, E>>,
) -> leptos::prelude::AnyView {
    use leptos::prelude::IntoAny;
    use std::task::{Context, Poll, Waker};
    match std::pin::pin!(split).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(Ok(view)) => view,
        _ => ().into_any(),
    }
}

/// Runs `hydrate` at once if nothing in the document the server drew matches
/// `selector`; else once `fetch` (which fetches the split code that draws it) says the
/// code came. If it cannot come, the document is left as the server drew it, which works
/// without JavaScript: hydrating without that code would not match what the server drew.
#[cfg(all(feature = "hydrate", feature = "lazy-requests"))]
pub(crate) fn hydrate_once_code_is_here<F>(
    selector: &'static str,
    fetch: F,
    hydrate: impl FnOnce() + 'static,
) where
    F: std::future::Future<Output = bool> + 'static,
{
    if !Screen::drawn(selector) {
        hydrate();
        return;
    }
    wasm_bindgen_futures::spawn_local(async move {
        if fetch.await {
            hydrate();
        } else {
            leptos::logging::warn!(
                "the code for {selector} could not be fetched; the page works without JavaScript"
            );
        }
    });
}
