//! Sending requests to the server, and nothing else: what a request does to the page is
//! decided by its caller (`changes` for changes, `window` for pages).
//!
//! A first visit never calls the server from the browser (the rows come inside the page
//! and other people's changes over the live feed), so with the `lazy-requests` feature
//! the request code is split into wasm files fetched on first use (`cargo leptos build
//! --split --lib-features lazy-requests`, which `scripts/build.sh` runs). If that code
//! cannot be fetched, the request fails like an unreachable server. Without the feature
//! (plain `cargo leptos watch` or `build`), these are plain calls.

use crate::lists::{
    create_list, delete_list, load_lists, rename_list, restore_list, ChangeKey, ChangedList,
    ListError, ListId, ListName, ListsPage, ListsQuery,
};
use std::future::Future;

/// A change a person makes, as sent to the server.
#[derive(Clone, Debug)]
pub enum Change {
    /// A new list, and the key that makes sending it twice create it once.
    Create(ListName, ChangeKey),
    Rename(ListId, ListName),
    Delete(ListId),
    Restore(ListId),
}

async fn send_now(change: Change) -> Result<ChangedList, ListError> {
    match change {
        Change::Create(name, key) => create_list(name.into(), Some(key.into())).await,
        Change::Rename(id, name) => rename_list(id, name.into(), None).await,
        Change::Delete(id) => delete_list(id, None).await,
        Change::Restore(id) => restore_list(id, None).await,
    }
}

async fn load_now(query: ListsQuery) -> Result<ListsPage, ListError> {
    load_lists(
        query.search.map(String::from),
        query.start.before(),
        query.start.after(),
    )
    .await
}

#[cfg(not(all(feature = "hydrate", feature = "lazy-requests")))]
pub use direct::{load, send};

#[cfg(all(feature = "hydrate", feature = "lazy-requests"))]
pub use lazy::{load, send};

#[cfg(not(all(feature = "hydrate", feature = "lazy-requests")))]
mod direct {
    use super::*;

    /// Sends one change; the answer is the row as the server now has it.
    pub fn send(change: Change) -> impl Future<Output = Result<ChangedList, ListError>> {
        send_now(change)
    }

    /// Loads one page of lists.
    pub fn load(query: ListsQuery) -> impl Future<Output = Result<ListsPage, ListError>> + Send {
        load_now(query)
    }
}

#[cfg(all(feature = "hydrate", feature = "lazy-requests"))]
mod lazy {
    use super::*;
    use leptos::wasm_split::wasm_split;
    use send_wrapper::SendWrapper;
    use std::pin::Pin;

    type Boxed<T> = Pin<Box<dyn Future<Output = T>>>;

    #[wasm_split(
        list_changes,
        wasm_split_path = ::leptos::wasm_split,
        fallible,
        return_wrapper(let future = _; { future.await } -> Result<ChangedList, ListError>)
    )]
    fn send_split(change: Change) -> Boxed<Result<ChangedList, ListError>> {
        Box::pin(send_now(change))
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

    /// Sends one change; also fails if its code cannot be fetched.
    pub fn send(change: Change) -> impl Future<Output = Result<ChangedList, ListError>> {
        send_split(change)
    }

    /// Loads one page of lists; also fails if the code for it cannot be fetched.
    pub fn load(query: ListsQuery) -> impl Future<Output = Result<ListsPage, ListError>> + Send {
        // Resources want `Send` futures; the browser has one thread, so this is sound.
        SendWrapper::new(load_split(query))
    }
}
