//! Talking to the server, and nothing else: what an answer does to the page is decided by
//! the caller (`outbox` for changes, `window` for pages).
//!
//! A first visit never calls the server from the browser (the rows come inside the page
//! and other people's changes over the live feed), so with the `lazy-requests` feature
//! this code (the requests, and the outbox's keeping and sending) is split into wasm
//! files fetched when the page is idle or on first use (`cargo leptos build --split
//! --lib-features lazy-requests`, which `scripts/build.sh` runs). If that code cannot be
//! fetched, the call fails like an unreachable server. Without the feature (plain
//! `cargo leptos watch` or `build`), these are plain calls.

#[cfg(feature = "hydrate")]
use super::outbox::{Job, Outbox};
#[cfg(feature = "hydrate")]
use super::Notes;
#[cfg(feature = "hydrate")]
use crate::lists::{apply_changes, BatchAnswers, SentChange};
use crate::lists::{load_lists, ListError, ListsPage, ListsQuery};
use std::future::Future;

async fn load_now(query: ListsQuery) -> Result<ListsPage, ListError> {
    load_lists(query.params()).await
}

#[cfg(not(all(feature = "hydrate", feature = "lazy-requests")))]
pub use direct::load;
#[cfg(all(feature = "hydrate", not(feature = "lazy-requests")))]
pub use direct::outbox_job;

#[cfg(all(feature = "hydrate", feature = "lazy-requests"))]
pub use lazy::{load, outbox_job};

#[cfg(not(all(feature = "hydrate", feature = "lazy-requests")))]
mod direct {
    use super::*;

    /// Loads one page of lists.
    pub fn load(query: ListsQuery) -> impl Future<Output = Result<ListsPage, ListError>> + Send {
        load_now(query)
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

    /// Does one of the outbox's jobs; fails if its code cannot be fetched.
    pub async fn outbox_job(outbox: Outbox, notes: Notes, job: Job) -> Result<(), ListError> {
        outbox_split(outbox, notes, job).await
    }

    /// Loads one page of lists; also fails if the code for it cannot be fetched.
    pub fn load(query: ListsQuery) -> impl Future<Output = Result<ListsPage, ListError>> + Send {
        // Resources want `Send` futures; the browser has one thread, so this is sound.
        SendWrapper::new(load_split(query))
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
