//! The rows loaded while the page streams: LiveView's `start_async`. The server takes this
//! way only when it did not have the rows in time to render them in place (see
//! [`super::PreloadedPage`]), so most pages never run it.
//!
//! With the `lazy-requests` feature its browser code (the resource, `<Suspense>`,
//! `<ErrorBoundary>`, the skeleton and the error with Retry) is a split of its own: a page
//! that streamed fetches it before it hydrates ([`before_hydrating`]), and a page whose
//! rows came in place never downloads it. Should it not come, the page stays as the
//! server rendered it, which works without JavaScript. Without the feature (plain
//! `cargo leptos watch` or `build`) it is a plain call.

use super::load_error::LoadError;
use super::loaded_lists::LoadedLists;
use super::search_box::SearchBox;
use super::skeleton::LoadingSkeleton;
use super::window::ListWindow;
use super::{transport, Notes};
use crate::stream::AsyncKeyedStream;
use leptos::prelude::*;

/// The skeleton first; the rows or the error (with Retry) replace it in the same
/// response.
#[component]
fn StreamedLists(notes: Notes) -> impl IntoView {
    let lists = AsyncKeyedStream::new(
        move || transport::load(notes.query.get_untracked()),
        ListWindow::LIMIT,
    );
    view! {
        <SearchBox notes on_search_without_window=Callback::new(move |()| lists.retry()) />
        <Suspense fallback=move || view! { <LoadingSkeleton i18n=notes.i18n /> }>
            // A failed load is an error the boundary catches: its fallback says so and
            // offers Retry; the boundary clears when the retried load brings rows.
            <ErrorBoundary fallback=move |_| view! { <LoadError i18n=notes.i18n on_retry=move || lists.retry() /> }>
                {move || Suspend::new(async move {
                    lists
                        .stream()
                        .await
                        .map(|(rows, info)| view! { <LoadedLists notes rows info /> })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}

fn streamed_lists_view(notes: Notes) -> impl IntoView {
    view! { <StreamedLists notes /> }
}

#[cfg(feature = "hydrate")]
pub use code::before_hydrating;
pub use code::streamed_lists;

#[cfg(not(all(feature = "hydrate", feature = "lazy-requests")))]
mod code {
    use super::*;

    /// The streamed lists.
    pub fn streamed_lists(notes: Notes) -> impl IntoView {
        streamed_lists_view(notes)
    }

    /// Hydrates the page.
    #[cfg(feature = "hydrate")]
    pub fn before_hydrating(hydrate: impl FnOnce() + 'static) {
        hydrate();
    }
}

#[cfg(all(feature = "hydrate", feature = "lazy-requests"))]
mod code {
    use super::*;
    use crate::lists::ListError;
    use leptos::wasm_split::wasm_split;
    use std::future::Future;
    use std::pin::pin;
    use std::task::{Context, Poll, Waker};

    #[wasm_split(
        lists_streamed,
        wasm_split_path = ::leptos::wasm_split,
        fallible,
        preload(fetch_streamed_lists)
    )]
    fn streamed_lists_split(notes: Notes) -> Result<AnyView, ListError> {
        Ok(streamed_lists_view(notes).into_any())
    }

    /// The streamed lists, built by their own code, which [`before_hydrating`] fetched:
    /// once the loader is primed, the split function's future is ready when first polled.
    /// Without it (never, since the page then does not hydrate) nothing is drawn.
    pub fn streamed_lists(notes: Notes) -> AnyView {
        match pin!(streamed_lists_split(notes)).poll(&mut Context::from_waker(Waker::noop())) {
            Poll::Ready(Ok(view)) => view,
            _ => ().into_any(),
        }
    }

    /// Hydrates the page, after fetching the streamed lists' code if the page streamed
    /// (`NotesPage` marks it so).
    pub fn before_hydrating(hydrate: impl FnOnce() + 'static) {
        let fetch = async { fetch_streamed_lists().await.is_ok() };
        crate::notes::hydrate_once_code_is_here("[data-streamed]", fetch, hydrate);
    }
}
