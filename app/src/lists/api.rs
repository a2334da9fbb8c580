//! The list server functions: parse the input, call the store, map the error. Nothing else.
//!
//! Endpoints are fixed (`/api/lists/...`) so raw HTTP clients and the no-JavaScript form
//! have stable URLs. Arguments are form-encoded and answers are JSON (see [`crate::wire`]).

use super::{BatchAnswers, ChangedList, ListError, ListId, ListsPage, ListsQueryParams};
use crate::wire::{FormArgs, JsonData};
use leptos::prelude::*;
use leptos::server_fn::codec::Post;

/// The page.
pub const NOTES_PATH: &str = "/notes";
/// Where the server streams list changes (Server-Sent Events), as JSON by default.
pub const EVENTS_PATH: &str = "/api/lists/events";
/// The `encoding` the page asks the feed for: postcard in base64 (see [`crate::wire`]).
pub const EVENT_ENCODING: &str = "postcard";

/// Arguments as a form body: what the no-JavaScript `<form>` posts, too.
pub type FormPost = Post<FormArgs>;
/// Answers as JSON.
pub type JsonPost = Post<JsonData>;

#[cfg(feature = "ssr")]
use super::{ChangeKey, ListChange, ListName, ListsQuery, SentChange, BATCH_LIMIT};
#[cfg(feature = "ssr")]
use crate::collection::apply_batch;

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
/// set afresh with every page, sent back with the form.
pub const CREATE_KEY_COOKIE: &str = "create_key";

/// Creates a list. The same `key` (or, from the form without JavaScript, the same
/// [`CREATE_KEY_COOKIE`]) twice answers with the list made the first time.
#[server(prefix = "/api", input = FormPost, output = JsonPost, endpoint = "lists/create")]
pub async fn create_list(name: String, key: Option<String>) -> Result<ChangedList, ListError> {
    let change = ListChange::Create(ListName::parse(&name)?);
    let key = parse_key(key)?.or_else(create_key_cookie);
    apply(&change, key.as_ref()).await
}

/// The create key the page's cookie carries, if the request has a valid one.
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

/// Applies many changes in their order, each with its own key and its own transaction,
/// and answers for each (see [`BatchAnswers`]): what the page's outbox sends when it has
/// more than one change waiting. `changes` is a JSON array of [`SentChange`]s, at most
/// [`BATCH_LIMIT`].
#[server(prefix = "/api", input = FormPost, output = JsonPost, endpoint = "lists/changes")]
pub async fn apply_changes(changes: String) -> Result<BatchAnswers, ListError> {
    let changes: Vec<SentChange> = serde_json::from_str(&changes)
        .map_err(|error| ListError::BadRequest(format!("`changes`: {error}")))?;
    if changes.len() > BATCH_LIMIT {
        return Err(ListError::BadRequest(format!(
            "at most {BATCH_LIMIT} changes at once"
        )));
    }
    let store = &ListsContext::current()?.store;
    let apply = |key: ChangeKey, change: ListChange| async move {
        store
            .apply(&change, Some(&key))
            .await
            .map_err(ListError::from)
    };
    Ok(apply_batch::<super::Lists, _, _>(&changes, apply).await)
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
