//! `POST /api/...`: the server functions, with their errors turned into HTTP statuses.

use super::{refusal::refuse, AppState, MAX_BODY};
use app::language::Refusal;
use app::lists::{CreateList, DeleteList, ListError, LoadLists, RenameList, RestoreList};
use axum::{
    body::{to_bytes, Body},
    extract::State,
    http::{header, HeaderValue, Request, StatusCode},
    response::{IntoResponse, Response},
};
use leptos::prelude::provide_context;
use leptos::server_fn::ServerFn;

/// Every server function this app has.
const ENDPOINTS: [&str; 5] = [
    LoadLists::PATH,
    CreateList::PATH,
    RenameList::PATH,
    DeleteList::PATH,
    RestoreList::PATH,
];

/// Server function error bodies are a few hundred bytes; anything bigger is not ours.
const MAX_ERROR_BODY: usize = 64 * 1024;

pub async fn handle(State(state): State<AppState>, request: Request<Body>) -> Response {
    if !ENDPOINTS.contains(&request.uri().path()) {
        // Leptos would answer 400 with help text meant for developers.
        return refuse(
            request.headers(),
            StatusCode::NOT_FOUND,
            Refusal::NoSuchEndpoint,
        );
    }
    // The body is read here, whole, so that one that is too large is a 413 whether it
    // said its length or came in chunks (read inside the server function, a chunked
    // one was a 400 with the parser's words).
    let (parts, body) = request.into_parts();
    let body = match to_bytes(body, MAX_BODY).await {
        Ok(body) => body,
        Err(error) => return unreadable_body(&error),
    };
    let request = Request::from_parts(parts, Body::from(body));
    let lists = state.lists;
    let response = leptos_axum::handle_server_fns_with_context(
        move || provide_context(lists.clone()),
        request,
    )
    .await
    .into_response();
    with_error_status(response).await
}

/// A body too large (413, as tower-http answers one that announced its length), or one
/// that stopped coming or broke off (400).
fn unreadable_body(error: &axum::Error) -> Response {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(cause) = source {
        if cause.is::<http_body_util::LengthLimitError>() {
            return (StatusCode::PAYLOAD_TOO_LARGE, "length limit exceeded").into_response();
        }
        source = cause.source();
    }
    tracing::debug!(%error, "a request body could not be read");
    StatusCode::BAD_REQUEST.into_response()
}

/// Leptos answers every server function error with 500. Raw HTTP clients deserve the
/// real status (422 for a refused name, 404 for an unknown id), so read the typed error
/// back and use its status. Successes and form redirects pass through untouched.
async fn with_error_status(response: Response) -> Response {
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BODY).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Ok(error) = serde_json::from_slice::<ListError>(&bytes) {
        parts.status = error.status();
        if let Some(secs) = error.retry_after_secs() {
            parts
                .headers
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}
