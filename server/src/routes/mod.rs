//! The URL map. Documents, server functions, the feed's event streams, health checks and
//! static files, nothing else.

mod compression;
mod document;
mod document_cache;
mod guard;
mod health;
mod language;
pub mod refusal;
mod server_fns;
mod status;

pub use document_cache::DocumentCache;
pub use guard::AllowedHosts;

use crate::operator::{
    requests::{ObserveLayer, TrustedProxies},
    status::StatusLog,
    Metrics,
};
use crate::{assets, live};
use app::{
    lists::ssr::{ListStore, ListsContext},
    DocumentAssets,
};
use axum::{
    extract::FromRef,
    http::{header, HeaderName, HeaderValue},
    middleware,
    response::Redirect,
    routing::{get, post},
    Router,
};
use leptos::config::LeptosOptions;
use std::{path::Path, sync::Arc, time::Duration};
use tower::ServiceBuilder;
use tower_http::{
    limit::RequestBodyLimitLayer, set_header::SetResponseHeaderLayer,
    timeout::RequestBodyTimeoutLayer,
};

/// Everything a handler may need; cloned per request (all fields are handles).
#[derive(Clone)]
pub struct AppState {
    pub leptos: LeptosOptions,
    pub lists: ListsContext,
    pub feed: live::ChangeFeed<ListStore>,
    pub assets: DocumentAssets,
    pub document_cache: DocumentCache,
    pub hosts: AllowedHosts,
}

/// The operator's view: the figures, the status screen's feed, and whose request ids
/// are kept. Not in [`AppState`], which is cloned for every request, a reference count
/// per field: each part goes only where it is used.
pub struct OperatorState {
    pub metrics: Metrics,
    pub status: live::ChangeFeed<StatusLog>,
    pub trusted_proxies: TrustedProxies,
}

impl FromRef<AppState> for live::ChangeFeed<ListStore> {
    fn from_ref(state: &AppState) -> Self {
        state.feed.clone()
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}

/// Request bodies larger than this are refused (413): a batch of changes with the longest
/// names in any script, form-encoded, is smaller.
pub(crate) const MAX_BODY: usize = 64 * 1024;

pub fn router(
    state: AppState,
    operator: OperatorState,
    assets_hashed: bool,
    body_read_timeout: Duration,
) -> Router {
    let site_root = Path::new(state.leptos.site_root.as_ref()).to_owned();
    let pkg_dir = state.leptos.site_pkg_dir.to_string();
    // Every route's pattern, as the figures name it.
    let patterns: Vec<String> = [
        "/",
        app::lists::NOTES_PATH,
        "/healthz",
        "/readyz",
        app::language::LANGUAGE_PATH,
        app::lists::EVENTS_PATH,
        app::status::STATUS_PATH,
        app::status::STATUS_EVENTS_PATH,
        app::notes::SERVICE_WORKER_PATH,
    ]
    .map(str::to_owned)
    .into_iter()
    .chain([format!("/{pkg_dir}/{{*file}}")])
    .collect();
    let observe = ObserveLayer::new(
        operator.metrics.http().clone(),
        &patterns,
        operator.trusted_proxies.clone(),
    );
    let status = status::StatusState {
        leptos: state.leptos.clone(),
        assets: state.assets.clone(),
        feed: operator.status,
        trusted: operator.trusted_proxies.clone(),
    };
    Router::new()
        .route(
            "/",
            get(|| async { Redirect::permanent(app::lists::NOTES_PATH) }),
        )
        .route(
            app::lists::NOTES_PATH,
            get(document::notes).layer(middleware::from_fn_with_state(
                Arc::new(document_cache::KeptDocuments {
                    cache: state.document_cache.clone(),
                    store: state.lists.store.clone(),
                    simulated: state.lists.simulation.is_active(),
                    metrics: operator.metrics.clone(),
                }),
                document_cache::serve,
            )),
        )
        .route("/healthz", get(health::live))
        .route("/readyz", get(health::ready))
        .route(app::language::LANGUAGE_PATH, get(language::switch))
        .route(app::lists::EVENTS_PATH, get(live::events::<ListStore>))
        .route("/api/{*server_fn}", post(server_fns::handle))
        .merge(status::routes(status))
        .merge(assets::routes(&site_root, &pkg_dir, assets_hashed))
        .layer(middleware::from_fn_with_state(
            state.hosts.clone(),
            guard::check,
        ))
        .with_state(state)
        .layer(
            ServiceBuilder::new()
                // Every request gets an id (a trusted proxy's, or one made here), sent
                // back with its response, its span, its log line and its figures.
                .layer(observe)
                .layer(header_if_missing(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
                .layer(header_if_missing(header::X_FRAME_OPTIONS, "DENY"))
                .layer(header_if_missing(header::REFERRER_POLICY, "same-origin"))
                // Documents set their own policy; anything else (answers, errors) runs
                // nothing.
                .layer(header_if_missing(
                    header::CONTENT_SECURITY_POLICY,
                    "default-src 'none'; frame-ancestors 'none'",
                ))
                // Documents, events and files say how long they keep; answers and errors
                // never do.
                .layer(header_if_missing(header::CACHE_CONTROL, "no-store"))
                // A body that stalls, or is far larger than any form, is cut off.
                .layer(RequestBodyTimeoutLayer::new(body_read_timeout))
                .layer(RequestBodyLimitLayer::new(MAX_BODY)),
        )
}

fn header_if_missing(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}
