//! The list server functions: parse the input, call the store, map the error. Nothing else.
//!
//! Endpoints are fixed (`/api/lists/...`) so raw HTTP clients and the no-JavaScript form
//! have stable URLs. Arguments are form-encoded and answers are JSON (see [`crate::wire`]).

use super::change::ChangedList;
use super::error::ListError;
use super::list::ListId;
use super::page::{ListsPage, ListsQueryParams};
use crate::wire::{FormArgs, JsonData};
use leptos::prelude::*;
use leptos::server_fn::codec::Post;

/// Arguments as a form body: what the no-JavaScript `<form>` posts, too.
pub type FormPost = Post<FormArgs>;
/// Answers as JSON.
pub type JsonPost = Post<JsonData>;

#[cfg(feature = "ssr")]
use super::change::ListChange;
#[cfg(feature = "ssr")]
use super::name::ListName;
#[cfg(feature = "ssr")]
use super::page::ListsQuery;
#[cfg(feature = "ssr")]
use crate::collection::ChangeKey;

#[cfg(feature = "ssr")]
use super::ssr::{ListsContext, StoreError};

#[cfg(feature = "ssr")]
impl From<StoreError> for ListError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound(id) => Self::NotFound(id),
            StoreError::KeyReused => Self::KeyReused,
            StoreError::Busy => {
                tracing::warn!("a write gave up waiting for the database");
                Self::Busy
            }
            other => {
                tracing::error!(error = %other, "list store failed");
                Self::Storage
            }
        }
    }
}

/// One page of active lists, newest first: the newest, or those just older than `before`
/// or just newer than `after`, optionally only those whose name contains `q` (the
/// fields of [`ListsQueryParams`], as a `/notes` URL has them).
#[server(prefix = "/api", input = FormPost, output = JsonPost, endpoint = "lists/load")]
pub async fn load_lists(
    #[server(flatten)] params: ListsQueryParams,
) -> Result<ListsPage, ListError> {
    let query = ListsQuery::try_from(params)?;
    Ok(ListsContext::current()?.load(&query).await?.page)
}

/// The cookie that gives the form without JavaScript its create key (see [`ChangeKey`]):
/// set afresh with every document, sent back with the form.
pub const CREATE_KEY_COOKIE: &str = "create_key";

/// Creates a list. The same `key` (or, from the form without JavaScript, the same
/// [`CREATE_KEY_COOKIE`]) twice answers with the list made the first time.
#[server(prefix = "/api", input = FormPost, output = JsonPost, endpoint = "lists/create")]
pub async fn create_list(name: String, key: Option<String>) -> Result<ChangedList, ListError> {
    let change = ListChange::Create(ListName::parse(&name)?);
    let key = parse_key(key)?.or_else(create_key_cookie);
    apply(&change, key.as_ref()).await
}

/// The create key the document's cookie carries, if the request has a valid one.
#[cfg(feature = "ssr")]
fn create_key_cookie() -> Option<ChangeKey> {
    let parts = use_context::<http::request::Parts>()?;
    crate::cookie::read(&parts.headers, CREATE_KEY_COOKIE)
        .and_then(|value| ChangeKey::parse(value).ok())
}

/// Renames an active list. With a `key` (see [`ChangeKey`]), sending it twice renames once.
#[server(prefix = "/api", input = FormPost, output = JsonPost, endpoint = "lists/rename")]
pub async fn rename_list(
    id: ListId,
    name: String,
    key: Option<String>,
) -> Result<ChangedList, ListError> {
    let change = ListChange::Rename(id, ListName::parse(&name)?);
    apply(&change, parse_key(key)?.as_ref()).await
}

/// Soft delete: the row stays in the database with `is_deleted` set.
#[server(prefix = "/api", input = FormPost, output = JsonPost, endpoint = "lists/delete")]
pub async fn delete_list(id: ListId, key: Option<String>) -> Result<ChangedList, ListError> {
    apply(&ListChange::Delete(id), parse_key(key)?.as_ref()).await
}

#[server(prefix = "/api", input = FormPost, output = JsonPost, endpoint = "lists/restore")]
pub async fn restore_list(id: ListId, key: Option<String>) -> Result<ChangedList, ListError> {
    apply(&ListChange::Restore(id), parse_key(key)?.as_ref()).await
}

/// The key a change was sent with, if any.
#[cfg(feature = "ssr")]
fn parse_key(key: Option<String>) -> Result<Option<ChangeKey>, ListError> {
    Ok(key.as_deref().map(ChangeKey::parse).transpose()?)
}

#[cfg(feature = "ssr")]
async fn apply(change: &ListChange, key: Option<&ChangeKey>) -> Result<ChangedList, ListError> {
    Ok(ListsContext::current()?.store.apply(change, key).await?)
}
