//! `POST /api/...`: the server functions, with their errors turned into HTTP statuses.

use super::{refusal::refuse, AppState, MAX_BODY};
use app::language::Refusal;
use app::lists::{
    ApplyChanges, ChangedList, CreateList, DeleteList, ListError, LoadLists, RenameList,
    RestoreList, NOTES_PATH,
};
use app::notes::{NotesRequest, PostedForm};
use axum::{
    body::{to_bytes, Body},
    extract::State,
    http::{header, request::Parts, HeaderValue, Request, StatusCode, Uri},
    response::{IntoResponse, Response},
};
use leptos::prelude::provide_context;
use leptos::server_fn::ServerFn;

/// Every server function this app has.
const ENDPOINTS: [&str; 6] = [
    LoadLists::PATH,
    ApplyChanges::PATH,
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
    let (mut parts, body) = request.into_parts();
    let body = match to_bytes(body, MAX_BODY).await {
        Ok(body) => body,
        Err(error) => return unreadable_body(&error),
    };
    let posted = posted_form(&mut parts, &body);
    let request = Request::from_parts(parts, Body::from(body));
    let lists = state.lists;
    let response = leptos_axum::handle_server_fns_with_context(
        move || provide_context(lists.clone()),
        request,
    )
    .await
    .into_response();
    let response = with_error_status(response).await;
    match posted {
        Some((form, from)) => back_to_the_window(response, &form, from.as_deref()).await,
        None => response,
    }
}

/// A form a browser posted without JavaScript (it navigates, so it accepts HTML), and the
/// query of the `/notes` document it was posted from. The server function is then asked
/// for JSON like any client, and the answer becomes a redirect here, where the shape of a
/// `/notes` URL is known, instead of server_fn's plain return to the `Referer`.
fn posted_form(parts: &mut Parts, body: &[u8]) -> Option<(PostedForm, Option<String>)> {
    let navigates = parts
        .headers
        .get(header::ACCEPT)
        .and_then(|accept| accept.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    if !navigates {
        return None;
    }
    let form = PostedForm::read(parts.uri.path(), body)?;
    let from = parts
        .headers
        .get(header::REFERER)
        .and_then(|referer| referer.to_str().ok())
        .and_then(|referer| referer.parse::<Uri>().ok())
        .filter(|referer| referer.path() == NOTES_PATH)
        .and_then(|referer| referer.query().map(str::to_owned));
    parts
        .headers
        .insert(header::ACCEPT, HeaderValue::from_static("application/json"));
    Some((form, from))
}

/// `303 See Other` back to the window the form was posted from, with the row in view and
/// what the answer left to show (see `NotesRequest::after_post`). The answer's cookies
/// and headers are kept; its body is read for the outcome.
async fn back_to_the_window(response: Response, form: &PostedForm, from: Option<&str>) -> Response {
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BODY).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let answer = match parts.status.is_success() {
        true => serde_json::from_slice::<ChangedList>(&bytes).map_err(|_| ListError::Internal),
        false => Err(serde_json::from_slice::<ListError>(&bytes).unwrap_or(ListError::Internal)),
    };
    let location = NotesRequest::after_post(from, form, &answer);
    let Ok(location) = HeaderValue::from_str(&location) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    parts.status = StatusCode::SEE_OTHER;
    parts.headers.remove(header::CONTENT_TYPE);
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::RETRY_AFTER);
    parts.headers.insert(header::LOCATION, location);
    Response::from_parts(parts, Body::empty())
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
