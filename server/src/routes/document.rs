//! `GET /notes`: the document, sent in parts as it is rendered. Skeleton first, late
//! rows later in the same response; documents with a query (bounds, search, form error)
//! in order, rows in place.

use super::{refusal::refuse, AppState};
use app::{
    language::{choice, DocumentLanguage, Locale, Refusal},
    lists::{
        ssr::{ListsContext, LoadedPage},
        ChangeKey, CreateList, ListError, CREATE_KEY_COOKIE,
    },
    notes::{NotesRequest, PreloadedPage},
    screens::Screen,
};
use axum::{
    body::Body,
    extract::State,
    http::{header, HeaderValue, Request, StatusCode},
    response::Response,
};
use leptos::server_fn::ServerFn;
use leptos::{nonce::Nonce, prelude::provide_context};
use std::time::Duration;

/// How long the handler waits for the plain `/notes`'s rows before it starts sending. Rows
/// ready by then are rendered in place; after a slower load the skeleton goes first and
/// the rows come late in the same response. Documents with a query wait for their rows.
const PRELOAD_WAIT: Duration = Duration::from_millis(50);

pub async fn notes(State(state): State<AppState>, request: Request<Body>) -> Response {
    let language = choice::choose(request.headers());
    let requested = match NotesRequest::from_query(request.uri().query()) {
        Ok(requested) => requested,
        Err(refused) => {
            tracing::debug!(%refused, "a /notes query was refused");
            let headers = request.headers();
            return refuse(headers, StatusCode::BAD_REQUEST, Refusal::NotUnderstood);
        }
    };
    let plan = Plan::new(&requested, state.lists.simulation.is_active());
    let generation = state.lists.store.generation();
    let preloaded = preload(&state.lists, &requested, plan.rows).await;
    // The rendered document may be kept only if it shows the newest page of this
    // generation.
    let keepable = plan.cacheable
        && matches!(&preloaded, Some(Ok(loaded)) if loaded.generation == Some(generation));
    // A failed load is left to the render, which shows the error state with Retry.
    let preloaded = preloaded
        .and_then(Result::ok)
        .map(|loaded| PreloadedPage(loaded.page));
    let nonce = Nonce::new();
    let AppState {
        leptos,
        lists,
        assets,
        ..
    } = state;
    let context = {
        let nonce = nonce.clone();
        move || {
            provide_context(lists.clone());
            provide_context(requested.clone());
            provide_context(nonce.clone());
            provide_context(DocumentLanguage(language));
            if let Some(preloaded) = preloaded.clone() {
                provide_context(preloaded);
            }
        }
    };
    let document = move || app::shell(leptos.clone(), assets.clone(), language, Screen::Notes);
    let mut response = if plan.in_order {
        leptos_axum::render_app_to_stream_in_order_with_context(context, document)(request).await
    } else {
        leptos_axum::render_app_to_stream_with_context(context, document)(request).await
    };
    if keepable && response.status() == StatusCode::OK {
        let keepable = Keepable {
            generation,
            language,
        };
        response.extensions_mut().insert(keepable);
    }
    with_document_headers(response, Scripts::Nonce(&nonce))
}

/// The page's rows loaded before the render starts, as the plan says: waited for, waited
/// for a moment ([`PRELOAD_WAIT`]; `None` if they take longer), or not loaded here.
async fn preload(
    lists: &ListsContext,
    requested: &NotesRequest,
    rows: Rows,
) -> Option<Result<LoadedPage, ListError>> {
    let load = lists.load(&requested.query);
    match rows {
        Rows::Late => None,
        Rows::InPlace => Some(load.await),
        Rows::InPlaceIfQuick => tokio::time::timeout(PRELOAD_WAIT, load).await.ok(),
    }
}

/// What a `/notes` request gets, decided from what it asks for alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Plan {
    /// Only the document of the newest page, with no search and no form error, is the
    /// same for everyone, so only it may be kept and served again (see
    /// `document_cache`).
    cacheable: bool,
    /// A document with a query is where the paging links, the search form and the
    /// form's error lead when the browser runs no JavaScript (with it, the screen loads
    /// rows itself and never navigates there). Such a browser cannot swap in late rows
    /// sent out of order, so these documents are rendered in order.
    in_order: bool,
    /// Where the rows are drawn.
    rows: Rows,
}

/// Where the document draws its rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rows {
    /// In place, in the first bytes, however long the load takes.
    InPlace,
    /// In place if they load within [`PRELOAD_WAIT`]; else the skeleton goes out first
    /// and the rows follow in the same response.
    InPlaceIfQuick,
    /// After the skeleton, always: the simulation's knobs exist to show the skeleton and
    /// the error state, so their loads are not waited for.
    Late,
}

impl Plan {
    fn new(requested: &NotesRequest, simulated: bool) -> Self {
        let plain = *requested == NotesRequest::default();
        Self {
            cacheable: plain && !simulated,
            in_order: !plain,
            rows: match (simulated, plain) {
                (true, _) => Rows::Late,
                (false, true) => Rows::InPlaceIfQuick,
                (false, false) => Rows::InPlace,
            },
        }
    }
}

/// Whether `request` asks for the document everyone shares (the document cache's to
/// answer).
pub fn cacheable(request: &Request<Body>, simulated: bool) -> bool {
    NotesRequest::from_query(request.uri().query())
        .is_ok_and(|requested| Plan::new(&requested, simulated).cacheable)
}

/// Marks a rendered document that shows the newest page of `generation`, for the
/// document cache to keep (see `document_cache::serve`).
#[derive(Clone, Copy, Debug)]
pub struct Keepable {
    pub generation: u64,
    pub language: Locale,
}

/// How a document's inline scripts are allowed: by the nonce of this response (a
/// document rendered for it), or by their hashes (the cached document, the same bytes for
/// everyone).
pub enum Scripts<'a> {
    Nonce(&'a Nonce),
    Hashes(&'a str),
}

/// A document's own headers, each concern in its function: what it may run, how long it
/// is kept, and the create form's key.
pub fn with_document_headers(mut response: Response, scripts: Scripts<'_>) -> Response {
    let headers = response.headers_mut();
    if let Ok(policy) = HeaderValue::from_str(&content_security_policy(scripts)) {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    // Browsers revalidate it every time: it changes with every change to the lists.
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    if let Ok(cookie) = HeaderValue::from_str(&create_key_cookie()) {
        headers.append(header::SET_COOKIE, cookie);
    }
    response
}

/// What a document may run and reach: its own files, its inline scripts by nonce (Leptos
/// marks the ones it sends as it renders) or by hash, WebAssembly, requests to its own
/// origin, nothing framed.
pub(super) fn content_security_policy(scripts: Scripts<'_>) -> String {
    // Under `cargo leptos watch`, the reload script talks to the watcher's websocket.
    let reload = if std::env::var_os("LEPTOS_WATCH").is_some() {
        " ws:"
    } else {
        ""
    };
    let inline = match scripts {
        Scripts::Nonce(nonce) => format!("'nonce-{nonce}'"),
        Scripts::Hashes(hashes) => hashes.to_owned(),
    };
    format!(
        "default-src 'self'; script-src 'self' {inline} 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'{reload}; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The form without JavaScript sends this back: posting the same document's form twice
/// (a double click, a resent POST) creates one list. Each document gets its own.
fn create_key_cookie() -> String {
    format!(
        "{CREATE_KEY_COOKIE}={}; Path={}; HttpOnly; SameSite=Strict; Max-Age=86400",
        ChangeKey::random(),
        CreateList::PATH,
    )
}

#[cfg(test)]
mod tests {
    use super::{Plan, Rows};
    use app::lists::{ListsQuery, SearchTerm};
    use app::notes::NotesRequest;

    fn searching() -> NotesRequest {
        NotesRequest {
            query: ListsQuery::newest(SearchTerm::parse("milk").unwrap()),
            ..NotesRequest::default()
        }
    }

    #[test]
    fn the_plain_document_is_kept_and_waits_a_moment_for_its_rows() {
        let plan = Plan::new(&NotesRequest::default(), false);
        assert_eq!(
            plan,
            Plan {
                cacheable: true,
                in_order: false,
                rows: Rows::InPlaceIfQuick
            }
        );
    }

    #[test]
    fn a_document_with_a_query_is_rendered_in_order_with_its_rows_and_not_kept() {
        let plan = Plan::new(&searching(), false);
        assert_eq!(
            plan,
            Plan {
                cacheable: false,
                in_order: true,
                rows: Rows::InPlace
            }
        );
    }

    #[test]
    fn the_simulation_always_sends_the_skeleton_first_and_is_never_kept() {
        for requested in [NotesRequest::default(), searching()] {
            let plan = Plan::new(&requested, true);
            assert!(!plan.cacheable);
            assert_eq!(plan.rows, Rows::Late);
        }
        assert!(Plan::new(&searching(), true).in_order);
    }
}
