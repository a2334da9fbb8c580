//! Talking to the server, and the split points around it: what an answer does to the
//! page is decided by the caller (`outbox` for changes, `window` for pages).
//!
//! A first visit never calls the server from the browser (the rows come inside the page
//! and other people's changes over the live feed), so with the `lazy-requests` feature
//! this code is split into wasm files fetched when the page is idle or on first use
//! (`cargo leptos build --split --lib-features lazy-requests`, which `scripts/build.sh`
//! runs): the requests, the outbox's keeping and sending, what runs only once a page
//! of rows has arrived (merging it into the window), and reading a search term (a
//! search always loads a page). If that code cannot be
//! fetched, the call fails like an unreachable server. Without the feature (plain
//! `cargo leptos watch` or `build`), these are plain calls.

#[cfg(feature = "hydrate")]
use super::outbox::{Job, Outbox};
use super::viewport;
use super::window::{Fetch, ListWindow};
use super::Notes;
#[cfg(feature = "hydrate")]
use crate::lists::{apply_changes, BatchAnswers, SentChange};
use crate::lists::{load_lists, ListError, ListsPage, ListsQuery, SearchTerm, SearchTermError};
use leptos::prelude::*;
use std::future::Future;

async fn load_now(query: ListsQuery) -> Result<ListsPage, ListError> {
    load_lists(query.params()).await
}

/// What the search box does with what was typed: a term it refuses is said under the box
/// (`refused`); a new term becomes the page's search (see [`Notes::search`]).
fn search_now(
    notes: Notes,
    typed: String,
    refused: RwSignal<Option<SearchTermError>>,
    reload: Callback<()>,
) {
    match SearchTerm::parse(&typed) {
        Err(error) => refused.set(Some(error)),
        Ok(term) => {
            refused.set(None);
            if notes.query.with_untracked(|query| query.search != term) {
                notes.search(term, move || reload.run(()));
            }
        }
    }
}

/// Loads the page a window asked for (`ListWindow::start`) and merges it; whether it
/// arrived.
async fn fetch_page_now(
    window: ListWindow,
    fetch: Fetch,
    query: ListsQuery,
    generation: u64,
) -> bool {
    let answer = load_now(query).await;
    let arrived = answer.is_ok();
    match fetch {
        Fetch::Newer => viewport::keeping_top_row_in_place(|| {
            window.finish(fetch, generation, answer);
        }),
        _ => window.finish(fetch, generation, answer),
    }
    arrived
}

#[cfg(all(feature = "hydrate", not(feature = "lazy-requests")))]
pub use direct::outbox_job;
#[cfg(not(all(feature = "hydrate", feature = "lazy-requests")))]
pub use direct::{fetch_page, load, search};

#[cfg(all(feature = "hydrate", feature = "lazy-requests"))]
pub use lazy::{fetch_page, load, outbox_job, search};

#[cfg(not(all(feature = "hydrate", feature = "lazy-requests")))]
mod direct {
    use super::*;

    /// Loads one page of lists.
    pub fn load(query: ListsQuery) -> impl Future<Output = Result<ListsPage, ListError>> + Send {
        load_now(query)
    }

    /// Loads a page for the window and merges it; whether it arrived.
    pub async fn fetch_page(
        window: ListWindow,
        fetch: Fetch,
        query: ListsQuery,
        generation: u64,
    ) -> bool {
        fetch_page_now(window, fetch, query, generation).await
    }

    /// Searches for what was typed in the search box.
    pub fn search(
        notes: Notes,
        typed: String,
        refused: RwSignal<Option<SearchTermError>>,
        reload: Callback<()>,
    ) {
        search_now(notes, typed, refused, reload);
    }

    /// Does one of the outbox's jobs.
    #[cfg(feature = "hydrate")]
    pub async fn outbox_job(outbox: Outbox, notes: Notes, job: Job) -> Result<(), ListError> {
        outbox.work(notes, job);
        Ok(())
    }
}

#[cfg(all(feature = "hydrate", feature = "lazy-requests"))]
mod lazy {
    use super::*;
    use crate::notes::Notice;
    use leptos::wasm_split::wasm_split;
    use send_wrapper::SendWrapper;
    use std::pin::Pin;

    type Boxed<T> = Pin<Box<dyn Future<Output = T>>>;

    /// The outbox's code: keeping, sending, and applying answers (see `outbox`).
    #[wasm_split(list_changes, wasm_split_path = ::leptos::wasm_split, fallible)]
    fn outbox_split(outbox: Outbox, notes: Notes, job: Job) -> Result<(), ListError> {
        outbox.work(notes, job);
        Ok(())
    }

    #[wasm_split(
        lists_load,
        wasm_split_path = ::leptos::wasm_split,
        fallible,
        return_wrapper(let future = _; { future.await } -> Result<ListsPage, ListError>)
    )]
    fn load_split(query: ListsQuery) -> Boxed<Result<ListsPage, ListError>> {
        Box::pin(load_now(query))
    }

    /// Merging a page into the window runs only once a page has arrived, so it goes
    /// with the load.
    #[wasm_split(
        lists_load,
        wasm_split_path = ::leptos::wasm_split,
        fallible,
        return_wrapper(let future = _; { future.await } -> Result<bool, ListError>)
    )]
    fn fetch_page_split(
        window: ListWindow,
        fetch: Fetch,
        query: ListsQuery,
        generation: u64,
    ) -> Boxed<Result<bool, ListError>> {
        Box::pin(async move { Ok(fetch_page_now(window, fetch, query, generation).await) })
    }

    /// A search always loads a page, so reading the term goes with the load.
    #[wasm_split(lists_load, wasm_split_path = ::leptos::wasm_split, fallible)]
    fn search_split(
        notes: Notes,
        typed: String,
        refused: RwSignal<Option<SearchTermError>>,
        reload: Callback<()>,
    ) -> Result<(), ListError> {
        search_now(notes, typed, refused, reload);
        Ok(())
    }

    /// Does one of the outbox's jobs; fails if its code cannot be fetched.
    pub async fn outbox_job(outbox: Outbox, notes: Notes, job: Job) -> Result<(), ListError> {
        outbox_split(outbox, notes, job).await
    }

    /// Loads one page of lists; also fails if the code for it cannot be fetched.
    pub fn load(query: ListsQuery) -> impl Future<Output = Result<ListsPage, ListError>> + Send {
        // Resources want `Send` futures; the browser has one thread, so this is sound.
        SendWrapper::new(load_split(query))
    }

    /// Searches for what was typed in the search box; if the code for it cannot be
    /// fetched, the page says the server cannot be reached.
    pub fn search(
        notes: Notes,
        typed: String,
        refused: RwSignal<Option<SearchTermError>>,
        reload: Callback<()>,
    ) {
        leptos::task::spawn_local(async move {
            if let Err(error) = search_split(notes, typed, refused, reload).await {
                notes.notice.set(Some(Notice::Failed(error)));
            }
        });
    }

    /// Loads a page for the window and merges it; whether it arrived. If the code for
    /// it cannot be fetched, the window's edge says so, as for an unreachable server.
    pub async fn fetch_page(
        window: ListWindow,
        fetch: Fetch,
        query: ListsQuery,
        generation: u64,
    ) -> bool {
        match fetch_page_split(window, fetch, query, generation).await {
            Ok(arrived) => arrived,
            Err(error) => {
                window.failed(fetch, generation, error);
                false
            }
        }
    }
}

/// Sends changes in one request; the answers come in the same order. Called only from
/// the outbox's code.
#[cfg(feature = "hydrate")]
pub async fn send_batch(changes: Vec<SentChange>) -> Result<BatchAnswers, ListError> {
    let changes =
        crate::wire::to_json(&changes).map_err(|error| ListError::BadRequest(error.to_string()))?;
    apply_changes(changes).await
}
