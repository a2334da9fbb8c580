//! Code a first visit does not need, split into wasm files fetched on first use.
//!
//! A first visit never calls the server from the browser: the rows come inside the page
//! and other people's changes come over the live feed. So the server-function client,
//! and what runs once the server answers, are split out by `cargo leptos build --split`
//! (the wasm must be built with it) and fetched on the first change, Retry or feed reset.
//! If that code cannot be fetched (the user went offline, say), the call fails like an
//! unreachable server and the page says so; it never panics. On the server these are
//! plain calls.

use super::model::ListsModel;
use crate::lists::{
    create_list, delete_list, load_lists, rename_list, restore_list, ChangeKind, ListError, ListId,
    ListName, ListsSnapshot,
};

/// A change a user makes, as sent to the server.
pub enum Change {
    Create(ListName),
    Rename(ListId, ListName),
    Delete(ListId),
    Restore(ListId),
}

#[cfg(not(feature = "hydrate"))]
pub use server_side::{load, send};

#[cfg(feature = "hydrate")]
pub use browser::{load, send};

/// Sends `change` and applies the server's answer to the page. On `Err` nothing was
/// applied: the caller undoes its optimistic change and tells the user.
async fn send_now(model: ListsModel, change: Change) -> Result<(), ListError> {
    match change {
        Change::Create(name) => {
            let changed = create_list(name.into()).await?;
            model.apply(changed.seq, ChangeKind::Created, changed.list);
        }
        Change::Rename(id, name) => {
            let changed = rename_list(id, name.into()).await?;
            model.finish(id, ChangeKind::Renamed, Some(changed));
        }
        Change::Delete(id) => {
            let changed = delete_list(id).await?;
            model.finish(id, ChangeKind::Deleted, Some(changed));
        }
        Change::Restore(id) => {
            let changed = restore_list(id).await?;
            model.apply(changed.seq, ChangeKind::Restored, changed.list);
        }
    }
    Ok(())
}

#[cfg(not(feature = "hydrate"))]
mod server_side {
    use super::{send_now, Change, ListError, ListsModel, ListsSnapshot};
    use std::future::Future;

    /// See [`send_now`](super::send_now).
    pub async fn send(model: ListsModel, change: Change) -> Result<(), ListError> {
        send_now(model, change).await
    }

    /// Loads the active lists.
    pub fn load() -> impl Future<Output = Result<ListsSnapshot, ListError>> + Send {
        super::load_lists()
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::{send_now, Change, ListError, ListsModel, ListsSnapshot};
    use leptos::wasm_split::wasm_split;
    use send_wrapper::SendWrapper;
    use std::{future::Future, pin::Pin};

    type Boxed<T> = Pin<Box<dyn Future<Output = T>>>;

    /// See [`send_now`](super::send_now); also fails if its code cannot be fetched.
    #[wasm_split(
        list_changes,
        wasm_split_path = ::leptos::wasm_split,
        fallible,
        return_wrapper(let future = _; { future.await } -> Result<(), ListError>)
    )]
    pub fn send(model: ListsModel, change: Change) -> Boxed<Result<(), ListError>> {
        Box::pin(send_now(model, change))
    }

    #[wasm_split(
        lists_load,
        wasm_split_path = ::leptos::wasm_split,
        fallible,
        return_wrapper(let future = _; { future.await } -> Result<ListsSnapshot, ListError>)
    )]
    fn load_now() -> Boxed<Result<ListsSnapshot, ListError>> {
        Box::pin(super::load_lists())
    }

    /// Loads the active lists; also fails if the code for it cannot be fetched.
    pub fn load() -> impl Future<Output = Result<ListsSnapshot, ListError>> + Send {
        // Resources want `Send` futures; the browser has one thread, so this is sound.
        SendWrapper::new(load_now())
    }
}
