//! The URL map. Pages, server functions, the live feed and static files, nothing else.

mod compression;
mod page_cache;
mod pages;
mod server_fns;

pub use page_cache::PageCache;

use crate::{assets, live};
use app::{lists::ssr::ListsContext, PageAssets};
use axum::{body::Body, http::Request};
use axum::{
    extract::FromRef,
    response::Redirect,
    routing::{get, post},
    Router,
};
use leptos::config::LeptosOptions;
use std::path::Path;
use tower_http::trace::TraceLayer;

/// Everything a handler may need; cloned per request (all fields are handles).
#[derive(Clone)]
pub struct AppState {
    pub leptos: LeptosOptions,
    pub lists: ListsContext,
    pub feed: live::ChangeFeed,
    pub assets: PageAssets,
    pub page_cache: PageCache,
}

impl FromRef<AppState> for live::ChangeFeed {
    fn from_ref(state: &AppState) -> Self {
        state.feed.clone()
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}

pub fn router(state: AppState, assets_hashed: bool) -> Router {
    let site_root = Path::new(state.leptos.site_root.as_ref()).to_owned();
    let pkg_dir = state.leptos.site_pkg_dir.to_string();
    Router::new()
        .route("/", get(|| async { Redirect::permanent(app::lists::NOTES_PATH) }))
        .route(app::lists::NOTES_PATH, get(pages::notes))
        .route(app::lists::EVENTS_PATH, get(live::list_events))
        .route("/api/{*server_fn}", post(server_fns::handle))
        .merge(assets::routes(&site_root, &pkg_dir, assets_hashed))
        .with_state(state)
        // One span per request, so that whatever a request logs says which one it was.
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request<Body>| {
            tracing::info_span!("request", method = %request.method(), path = request.uri().path())
        }))
}
