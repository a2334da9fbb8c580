//! `GET /notes`: the page, streamed. Skeleton first, rows later in the same response;
//! pages with a query (cursor, search, form error) in order, rows in place.

use super::{compression::Encoding, page_cache::Tee, refusal::refuse, AppState};
use app::{
    language::{choice, PageLanguage, Refusal},
    lists::{ChangeKey, CreateList, CREATE_KEY_COOKIE},
    notes::{PreloadedPage, RequestedPage},
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
/// ready by then are rendered in place; a slower load streams the skeleton first and the
/// rows later in the same response. Pages with a query wait for their rows.
const PRELOAD_WAIT: Duration = Duration::from_millis(50);

pub async fn notes(State(state): State<AppState>, request: Request<Body>) -> Response {
    let language = choice::choose(request.headers());
    let requested = match RequestedPage::from_query(request.uri().query()) {
        Ok(requested) => requested,
        Err(refused) => {
            tracing::debug!(%refused, "a /notes query was refused");
            return refuse(
                request.headers(),
                StatusCode::BAD_REQUEST,
                Refusal::NotUnderstood,
            );
        }
    };
    // Only the newest page, with no search and no form error, is the same for everyone;
    // the knobs make every load different.
    let simulated = state.lists.simulation.is_active();
    let plain = requested == RequestedPage::default();
    let cacheable = plain && !simulated;
    // A page with a query is where the paging links, the search form and the form's error
    // lead when the browser runs no JavaScript (with it, the page loads rows itself and
    // never navigates there). Such a browser cannot swap in rows streamed out of order, so
    // these pages wait for their rows and are rendered in order, rows in place.
    let in_order = !plain;
    let encoding = Encoding::preferred(request.headers());
    let store = state.lists.store.clone();
    let generation = store.generation();
    if cacheable {
        if let Some(page) = state.page_cache.get(generation, language) {
            let mut response = Response::new(Body::from(page.body(encoding)));
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            return page_headers(
                encoded(response, encoding),
                Scripts::Hashes(&page.script_hashes),
            );
        }
    }

    let AppState {
        leptos,
        lists,
        assets,
        page_cache,
        ..
    } = state;
    // The knobs exist to show the skeleton and the error state, so they are not waited on.
    let preloaded = match (simulated, in_order) {
        (true, _) => None,
        (false, true) => Some(lists.load(&requested.query).await),
        (false, false) => tokio::time::timeout(PRELOAD_WAIT, lists.load(&requested.query))
            .await
            .ok(),
    };
    // The rendered page may be kept only if it shows the newest page of this generation.
    let shows_generation =
        matches!(&preloaded, Some(Ok(loaded)) if loaded.generation == Some(generation));
    // A failed load is left to the render, which shows the error state with Retry.
    let preloaded = match preloaded {
        Some(Ok(loaded)) => Some(PreloadedPage(loaded.page)),
        _ => None,
    };
    let nonce = Nonce::new();
    let context = {
        let nonce = nonce.clone();
        move || {
            provide_context(lists.clone());
            provide_context(requested.clone());
            provide_context(nonce.clone());
            provide_context(PageLanguage(language));
            if let Some(preloaded) = preloaded.clone() {
                provide_context(preloaded);
            }
        }
    };
    let page = move || app::shell(leptos.clone(), assets.clone(), language);
    let response = if in_order {
        leptos_axum::render_app_to_stream_in_order_with_context(context, page)(request).await
    } else {
        leptos_axum::render_app_to_stream_with_context(context, page)(request).await
    };
    if response.status() != StatusCode::OK {
        return page_headers(response, Scripts::Nonce(&nonce));
    }
    let (parts, body) = response.into_parts();
    let body = body.into_data_stream();
    let body = if cacheable && shows_generation {
        let tee = Tee::new(body, move |page| {
            // Nothing may have changed while it was rendered.
            if store.generation() == generation {
                page_cache.put(generation, language, page);
            }
        });
        Body::from_stream(encoding.compress_stream(tee))
    } else {
        Body::from_stream(encoding.compress_stream(body))
    };
    page_headers(
        encoded(Response::from_parts(parts, body), encoding),
        Scripts::Nonce(&nonce),
    )
}

/// How a page's inline scripts are allowed: by the nonce of this response (a page
/// rendered for it), or by their hashes (the cached page, the same bytes for everyone).
enum Scripts<'a> {
    Nonce(&'a Nonce),
    Hashes(&'a str),
}

/// What a page may run and keep: its own files, its inline scripts by nonce (Leptos
/// marks the ones it streams) or by hash, WebAssembly, requests to its own origin,
/// nothing framed. Browsers revalidate it every time: it changes with every change to
/// the lists.
fn page_headers(mut response: Response, scripts: Scripts<'_>) -> Response {
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
    let policy = format!(
        "default-src 'self'; script-src 'self' {inline} 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'{reload}; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    let headers = response.headers_mut();
    if let Ok(policy) = HeaderValue::from_str(&policy) {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    // The form without JavaScript sends this back: posting the same page's form twice
    // (a double click, a resent POST) creates one list. Each page view gets its own.
    let cookie = format!(
        "{CREATE_KEY_COOKIE}={}; Path={}; HttpOnly; SameSite=Strict; Max-Age=86400",
        ChangeKey::random(),
        CreateList::PATH,
    );
    if let Ok(cookie) = HeaderValue::from_str(&cookie) {
        headers.append(header::SET_COOKIE, cookie);
    }
    response
}

/// Labels a response with its encoding, and tells caches what of the request it depends
/// on: the encoding, and the language (from `Accept-Language` or the `lang` cookie).
fn encoded(mut response: Response, encoding: Encoding) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::VARY,
        HeaderValue::from_static("accept-encoding, accept-language, cookie"),
    );
    if let Some(value) = encoding.header() {
        headers.insert(header::CONTENT_ENCODING, value);
        headers.remove(header::CONTENT_LENGTH);
    }
    response
}
