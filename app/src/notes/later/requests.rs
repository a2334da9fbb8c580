//! Talking to the server, and the split points around it: loading a page (and merging
//! it into the window, which runs only once a page has arrived), a search (which always
//! loads a page), and the outbox's work. What an answer does is decided
//! by the window and the outbox; this only carries the calls.

use super::super::front::Notes;
use crate::lists::{load_lists, ListError, Lists, ListsPage, ListsQuery, SearchTermError};
use crate::outbox::{Job, Outbox, Work};
use crate::stream::Edge;
use crate::window::{Fetch, Ticket, Window};
use leptos::prelude::Callback;
use std::future::Future;

async fn load_now(query: ListsQuery) -> Result<ListsPage, ListError> {
    load_lists(query.params()).await
}

/// Loads the page a window asked for and merges it; whether it arrived. Rows loaded
/// above the viewport keep the row being read in place.
async fn fetch_now(window: Window<Lists>, fetch: Fetch, query: ListsQuery, ticket: Ticket) -> bool {
    let answer = load_now(query).await;
    let arrived = answer.is_ok();
    match fetch {
        Fetch::At(Edge::Start) => super::super::viewport::keeping_top_row_in_place(|| {
            window.finish(fetch, ticket, answer);
        }),
        _ => window.finish(fetch, ticket, answer),
    }
    arrived
}

/// Does one of the outbox's jobs; the first one also registers the screen's service
/// worker, whose code comes with the outbox's.
fn outbox_job_now(outbox: Outbox<Lists>, notes: Notes, job: Job<Lists>) {
    if outbox.work(notes, job) {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(crate::outbox::register_service_worker(
            super::SERVICE_WORKER_PATH,
        ));
    }
}

#[cfg(not(all(feature = "hydrate", feature = "lazy-requests")))]
pub use direct::{fetch_page, load, outbox_job, search};

#[cfg(all(feature = "hydrate", feature = "lazy-requests"))]
pub use split::{fetch_page, load, outbox_job, search};

#[cfg(not(all(feature = "hydrate", feature = "lazy-requests")))]
mod direct {
    use super::*;

    /// Loads one page of lists.
    pub fn load(query: ListsQuery) -> impl Future<Output = Result<ListsPage, ListError>> + Send {
        load_now(query)
    }

    /// Loads a page for the window and merges it; whether it arrived.
    pub async fn fetch_page(
        window: Window<Lists>,
        fetch: Fetch,
        query: ListsQuery,
        ticket: Ticket,
    ) -> bool {
        fetch_now(window, fetch, query, ticket).await
    }

    /// Searches for what was typed in the search box.
    pub fn search(notes: Notes, typed: String, refused: Callback<Option<SearchTermError>>) {
        notes.search_now(&typed, refused);
    }

    /// Does one of the outbox's jobs.
    pub fn outbox_job(outbox: Outbox<Lists>, notes: Notes, job: Job<Lists>) -> Work<Lists> {
        outbox_job_now(outbox, notes, job);
        Box::pin(std::future::ready(Ok(())))
    }
}

#[cfg(all(feature = "hydrate", feature = "lazy-requests"))]
mod split {
    use super::*;
    use leptos::wasm_split::wasm_split;
    use send_wrapper::SendWrapper;
    use std::pin::Pin;

    type Boxed<T> = Pin<Box<dyn Future<Output = T>>>;

    /// The outbox's code: keeping, sending, and applying answers.
    #[wasm_split(list_changes, wasm_split_path = ::leptos::wasm_split, fallible)]
    fn outbox_split(outbox: Outbox<Lists>, notes: Notes, job: Job<Lists>) -> Result<(), ListError> {
        outbox_job_now(outbox, notes, job);
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

    #[wasm_split(
        lists_load,
        wasm_split_path = ::leptos::wasm_split,
        fallible,
        return_wrapper(let future = _; { future.await } -> Result<bool, ListError>)
    )]
    fn fetch_page_split(
        window: Window<Lists>,
        fetch: Fetch,
        query: ListsQuery,
        ticket: Ticket,
    ) -> Boxed<Result<bool, ListError>> {
        Box::pin(async move { Ok(fetch_now(window, fetch, query, ticket).await) })
    }

    /// A search always loads a page, so reading the term goes with the load.
    #[wasm_split(lists_load, wasm_split_path = ::leptos::wasm_split, fallible)]
    fn search_split(
        notes: Notes,
        typed: String,
        refused: Callback<Option<SearchTermError>>,
    ) -> Result<(), ListError> {
        notes.search_now(&typed, refused);
        Ok(())
    }

    /// Does one of the outbox's jobs; fails if its code cannot be fetched.
    pub fn outbox_job(outbox: Outbox<Lists>, notes: Notes, job: Job<Lists>) -> Work<Lists> {
        Box::pin(outbox_split(outbox, notes, job))
    }

    /// Loads one page of lists; also fails if the code for it cannot be fetched.
    pub fn load(query: ListsQuery) -> impl Future<Output = Result<ListsPage, ListError>> + Send {
        // Resources want `Send` futures; the browser has one thread, so this is sound.
        SendWrapper::new(load_split(query))
    }

    /// Searches for what was typed in the search box; if the code for it cannot be
    /// fetched, the screen says the server cannot be reached.
    pub fn search(notes: Notes, typed: String, refused: Callback<Option<SearchTermError>>) {
        leptos::task::spawn_local(async move {
            if let Err(error) = search_split(notes, typed, refused).await {
                notes.failed(error);
            }
        });
    }

    /// Loads a page for the window and merges it; whether it arrived. If the code for
    /// it cannot be fetched, the window's edge says so, as for an unreachable server.
    pub async fn fetch_page(
        window: Window<Lists>,
        fetch: Fetch,
        query: ListsQuery,
        ticket: Ticket,
    ) -> bool {
        match fetch_page_split(window, fetch, query, ticket).await {
            Ok(arrived) => arrived,
            Err(error) => {
                window.failed(fetch, ticket, error);
                false
            }
        }
    }
}
