//! The list server functions: parse the input, call the store, map the error. Nothing else.
//!
//! Endpoints are fixed (`/api/lists/...`) so raw HTTP clients and the no-JavaScript form
//! have stable URLs. Arguments are form-encoded and answers are JSON (see [`crate::wire`]).

use super::{ChangedList, ListError, ListId, ListsSnapshot};
use crate::wire::{FormArgs, JsonData};
use leptos::prelude::*;
use leptos::server_fn::codec::Post;

/// Arguments as a form body: what the no-JavaScript `<form>` posts, too.
pub type FormPost = Post<FormArgs>;
/// Answers as JSON.
pub type JsonPost = Post<JsonData>;

#[cfg(feature = "ssr")]
use super::ListName;

#[cfg(feature = "ssr")]
use super::server::{ListsContext, StoreError};

#[cfg(feature = "ssr")]
impl From<StoreError> for ListError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound(id) => Self::NotFound(id),
            other => {
                tracing::error!(error = %other, "list store failed");
                Self::Storage
            }
        }
    }
}

/// The active lists, newest first, and the change-log position they reflect.
#[server(prefix = "/api", input = FormPost, output = JsonPost, endpoint = "lists/load")]
pub async fn load_lists() -> Result<ListsSnapshot, ListError> {
    let context = ListsContext::current()?;
    if let Err(failure) = context.simulation.before_load().await {
        tracing::warn!(%failure, "lists load failed on purpose");
        return Err(ListError::LoadFailed);
    }
    let snapshot = context.store.snapshot().await.map_err(|error| {
        tracing::error!(%error, "loading the lists failed");
        ListError::LoadFailed
    })?;
    Ok(ListsSnapshot::clone(&snapshot))
}

#[server(prefix = "/api", input = FormPost, output = JsonPost, endpoint = "lists/create")]
pub async fn create_list(name: String) -> Result<ChangedList, ListError> {
    let name = ListName::parse(&name)?;
    Ok(ListsContext::current()?.store.create(&name).await?)
}

#[server(prefix = "/api", input = FormPost, output = JsonPost, endpoint = "lists/rename")]
pub async fn rename_list(id: ListId, name: String) -> Result<ChangedList, ListError> {
    let name = ListName::parse(&name)?;
    Ok(ListsContext::current()?.store.rename(id, &name).await?)
}

/// Soft delete: the row stays in the database with `is_deleted` set.
#[server(prefix = "/api", input = FormPost, output = JsonPost, endpoint = "lists/delete")]
pub async fn delete_list(id: ListId) -> Result<ChangedList, ListError> {
    Ok(ListsContext::current()?.store.delete(id).await?)
}

#[server(prefix = "/api", input = FormPost, output = JsonPost, endpoint = "lists/restore")]
pub async fn restore_list(id: ListId) -> Result<ChangedList, ListError> {
    Ok(ListsContext::current()?.store.restore(id).await?)
}
