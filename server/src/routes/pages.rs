//! `GET /notes`: the page, streamed. Skeleton first, rows later in the same response.

use super::AppState;
use axum::{body::Body, extract::State, http::Request, response::Response};
use leptos::prelude::provide_context;

pub async fn notes(State(state): State<AppState>, request: Request<Body>) -> Response {
    let AppState {
        leptos,
        lists,
        assets,
        ..
    } = state;
    let render = leptos_axum::render_app_to_stream_with_context(
        move || provide_context(lists.clone()),
        move || app::shell(leptos.clone(), assets.clone()),
    );
    render(request).await
}
