//! `GET /healthz` (the process answers) and `GET /readyz` (it can serve: its database
//! answers and has every migration this build knows), for a proxy or an orchestrator.

use super::AppState;
use axum::{
    extract::State,
    http::{header, StatusCode},
    response::{IntoResponse, Response},
};

const TEXT: (header::HeaderName, &str) = (header::CONTENT_TYPE, "text/plain; charset=utf-8");

pub async fn live() -> Response {
    ([TEXT], "ok\n").into_response()
}

pub async fn ready(State(state): State<AppState>) -> Response {
    match state.lists.store.database().check_ready().await {
        Ok(()) => ([TEXT], "ready\n").into_response(),
        Err(reason) => {
            tracing::warn!(%reason, "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, [TEXT], "not ready\n").into_response()
        }
    }
}
