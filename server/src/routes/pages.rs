//! `GET /notes`: the page, streamed. Skeleton first, rows later in the same response.

use super::{page_cache::Tee, AppState};
use axum::{
    body::Body,
    extract::State,
    http::{header, HeaderValue, Request, StatusCode},
    response::{IntoResponse, Response},
};
use leptos::prelude::provide_context;

/// Only a successful load renders the rows' `<ul aria-label="Lists">`.
const LOADED_MARKER: &[u8] = br#"aria-label="Lists""#;

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

pub async fn notes(State(state): State<AppState>, request: Request<Body>) -> Response {
    // A query string carries a form error to show; the knobs make every load different.
    let cacheable = request.uri().query().is_none() && !state.lists.simulation.is_active();
    let store = state.lists.store.clone();
    let generation = store.generation();
    if cacheable {
        if let Some(page) = state.page_cache.get(generation) {
            return (
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/html; charset=utf-8"),
                )],
                page,
            )
                .into_response();
        }
    }

    let AppState {
        leptos,
        lists,
        assets,
        page_cache,
        ..
    } = state;
    let render = leptos_axum::render_app_to_stream_with_context(
        move || provide_context(lists.clone()),
        move || app::shell(leptos.clone(), assets.clone()),
    );
    let response = render(request).await;
    if !cacheable || response.status() != StatusCode::OK {
        return response;
    }
    let (parts, body) = response.into_parts();
    let tee = Tee::new(body.into_data_stream(), move |page| {
        // Keep it only if the lists loaded (the rows' list is there, not the error state)
        // and nothing changed while it was rendered.
        if store.generation() == generation && contains(&page, LOADED_MARKER) {
            page_cache.put(generation, page);
        }
    });
    Response::from_parts(parts, Body::from_stream(tee))
}
