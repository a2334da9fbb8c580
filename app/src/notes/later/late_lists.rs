//! The lists when they arrive late: LiveView's `start_async`. The server takes this way
//! only when it did not have the rows in time to draw them in place (see
//! `PreloadedPage`): the skeleton goes first, and the rows (or the error, with Retry)
//! replace it later in the same response.
//!
//! With the `lazy-requests` feature its browser code (the resource, `<Suspense>`,
//! `<ErrorBoundary>`, the skeleton and the error with Retry) is a split of its own: a
//! document whose lists came late fetches it before it hydrates ([`before_hydrating`]),
//! and one whose rows came in place never downloads it. Should it not come, the document
//! stays as the server drew it, which works without JavaScript.

use super::super::front::Notes;
use super::super::loaded_lists::LoadedLists;
use super::super::skeleton::{LoadError, LoadingSkeleton};
use super::requests;
use super::views::Later;
use crate::lists::{Lists, ListsPage};
use crate::stream::AsyncKeyedStream;
use crate::window::Window;
use leptos::prelude::*;

/// The skeleton first; the rows or the error (with Retry) replace it in the same
/// response.
#[component]
fn LateLists(notes: Notes) -> impl IntoView {
    let i18n = notes.i18n();
    let lists = AsyncKeyedStream::<ListsPage, _>::new(
        move || requests::load(notes.query_untracked()),
        Window::<Lists>::LIMIT,
    );
    // A search while there is no window (the load failed) loads again.
    Effect::new(move |seen: Option<u32>| {
        let now = notes.reloads();
        if seen.is_some_and(|seen| seen != now) {
            lists.retry();
        }
        now
    });
    view! {
        <Suspense fallback=move || view! { <LoadingSkeleton i18n /> }>
            // A failed load is an error the boundary catches: its fallback says so and
            // offers Retry; the boundary clears when the retried load brings rows.
            <ErrorBoundary fallback=move |_| view! { <LoadError i18n on_retry=move || lists.retry() /> }>
                {move || Suspend::new(async move {
                    lists
                        .stream()
                        .await
                        .map(|(rows, info)| view! { <LoadedLists notes rows info deferred=Later /> })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}

fn late_lists_view(notes: Notes) -> impl IntoView {
    view! { <LateLists notes /> }
}

#[cfg(feature = "hydrate")]
pub use code::before_hydrating;
pub use code::late_lists;

#[cfg(not(all(feature = "hydrate", feature = "lazy-requests")))]
mod code {
    use super::*;

    /// The late lists.
    pub fn late_lists(notes: Notes) -> impl IntoView {
        late_lists_view(notes)
    }

    /// Hydrates the document.
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

    #[wasm_split(
        lists_late,
        wasm_split_path = ::leptos::wasm_split,
        fallible,
        preload(fetch_late_lists)
    )]
    fn late_lists_split(notes: Notes) -> Result<AnyView, ListError> {
        Ok(late_lists_view(notes).into_any())
    }

    /// The late lists, built by their own code, which [`before_hydrating`] fetched.
    pub fn late_lists(notes: Notes) -> AnyView {
        crate::screens::fetched_view(late_lists_split(notes))
    }

    /// Hydrates the document, after fetching the late lists' code if they came late
    /// (`NotesScreen` marks them so).
    pub fn before_hydrating(hydrate: impl FnOnce() + 'static) {
        let fetch = async { fetch_late_lists().await.is_ok() };
        crate::screens::hydrate_once_code_is_here("[data-late]", fetch, hydrate);
    }
}
