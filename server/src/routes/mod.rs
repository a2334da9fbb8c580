//! The URL map. Pages, server functions, the live feed and static files, nothing else.

mod compression;
mod page_cache;
mod pages;
mod server_fns;

pub use page_cache::PageCache;

use crate::{assets, live};
use app::{lists::ssr::ListsContext, PageAssets};
use axum::{
    extract::FromRef,
    response::Redirect,
    routing::{get, post},
    Router,
};
use leptos::config::LeptosOptions;
use std::path::Path;

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
        .route("/", get(|| async { Redirect::permanent("/notes") }))
        .route("/notes", get(pages::notes))
        .route(app::lists::EVENTS_PATH, get(live::list_events))
        .route("/api/{*server_fn}", post(server_fns::handle))
        .merge(assets::routes(&site_root, &pkg_dir, assets_hashed))
        .with_state(state)
}
