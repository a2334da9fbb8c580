//! Builds the application from settings, and runs it until shut down.

use crate::{
    assets,
    config::Settings,
    database::{self, DatabaseError},
    live::ChangeFeed,
    routes::{self, AppState},
};
use app::lists::ssr::Pools;
use app::lists::ssr::{ListStore, ListsContext, StoreError};
use axum::{serve::ListenerExt, Router};
use std::{net::SocketAddr, time::Duration};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

/// How long open requests get to finish once shutdown starts.
const DRAIN: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Database(#[from] DatabaseError),
    #[error("could not read the change log: {0}")]
    ChangeLog(#[from] StoreError),
    #[error("could not listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("the server failed: {0}")]
    Serve(#[source] std::io::Error),
}

/// A bound, ready-to-run server.
pub struct Application {
    listener: TcpListener,
    router: Router,
    pools: Pools,
    shutdown: CancellationToken,
}

impl Application {
    pub async fn build(settings: Settings) -> Result<Self, StartupError> {
        // Resources spawn their loads through Leptos' executor; without a router
        // (`generate_route_list` would do it) nobody else sets it to tokio. Setting it
        // twice (tests build several apps per process) is harmless, hence the `let _`.
        let _ = any_spawner::Executor::init_tokio();
        let pools = database::open(&settings.database_url, settings.write_wait).await?;
        let store = ListStore::new(pools.clone());
        let shutdown = CancellationToken::new();
        let feed = ChangeFeed::start(
            store.clone(),
            settings.change_log_retention,
            shutdown.clone(),
        )
        .await?;
        let (page_assets, hashed) = assets::resolve(&settings.leptos);
        let addr = settings.leptos.site_addr;
        let state = AppState {
            leptos: settings.leptos,
            lists: ListsContext {
                store,
                simulation: settings.simulation,
            },
            feed,
            assets: page_assets,
            page_cache: routes::PageCache::default(),
        };
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| StartupError::Bind { addr, source })?;
        Ok(Self {
            listener,
            router: routes::router(state, hashed),
            pools,
            shutdown,
        })
    }

    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Cancelling this token shuts the server down gracefully.
    pub fn shutdown_token(&self) -> CancellationToken {
        self.shutdown.clone()
    }

    pub async fn run_until_stopped(self) -> Result<(), StartupError> {
        let addr = self.local_addr().map_err(StartupError::Serve)?;
        tracing::info!("listening on http://{addr}/notes");
        // Small responses go out at once instead of waiting on Nagle's algorithm.
        let listener = self.listener.tap_io(|tcp| {
            if let Err(error) = tcp.set_nodelay(true) {
                tracing::debug!(%error, "could not set TCP_NODELAY");
            }
        });
        let shutdown = self.shutdown.clone();
        let server = axum::serve(listener, self.router)
            .with_graceful_shutdown(async move { shutdown.cancelled().await });
        let drained = async {
            self.shutdown.cancelled().await;
            tokio::time::sleep(DRAIN).await;
        };
        tokio::select! {
            result = server => result.map_err(StartupError::Serve)?,
            () = drained => tracing::warn!("requests still open after {DRAIN:?}; stopping anyway"),
        }
        self.pools.close().await;
        tracing::info!("stopped");
        Ok(())
    }
}
