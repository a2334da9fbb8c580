//! Builds the application from settings, and runs it until shut down.

use crate::serve::{self, ConnectionLimits};
use crate::{
    assets,
    capacity::{Capacity, Machine},
    config::Settings,
    live::{ChangeFeed, FeedLimits},
    operator::{
        metrics_listener::MetricsListener,
        status::{sampler, StatusLog},
        Metrics,
    },
    routes::{self, AppState},
};
use app::lists::ssr::{Database, DatabaseSettings, OpenError};
use app::lists::ssr::{ListStore, ListsContext, StoreError};
use axum::Router;
use std::{net::SocketAddr, time::Duration};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

/// Status screens open at once at most: they are for operators.
const STATUS_STREAMS: usize = 32;

/// How long open requests get to finish once shutdown starts.
const DRAIN: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Database(#[from] OpenError),
    #[error("could not read the change log: {0}")]
    ChangeLog(#[from] StoreError),
    #[error("could not serve metrics on {addr}: {source}")]
    MetricsBind {
        addr: SocketAddr,
        source: std::io::Error,
    },
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
    database: Database,
    limits: ConnectionLimits,
    max_event_streams: usize,
    metrics_listener: Option<MetricsListener>,
    shutdown: CancellationToken,
}

/// Connections the kernel queues before the accept loop takes them. Tokio's default of
/// 128 made a flood overflow the queue, and each dropped connection's client waited a
/// second or more to try again.
const LISTEN_BACKLOG: u32 = 1024;

impl Application {
    pub async fn build(settings: Settings) -> Result<Self, StartupError> {
        // Resources spawn their loads through Leptos' executor; without a router
        // (`generate_route_list` would do it) nobody else sets it to tokio. Setting it
        // twice (tests build several apps per process) is harmless, hence the `let _`.
        let _ = any_spawner::Executor::init_tokio();
        let metrics = Metrics::new();
        let database = DatabaseSettings {
            observer: metrics.store_observer(),
            ..settings.database()
        };
        let db = Database::open(&settings.database_url, database).await?;
        metrics.watch_database(&db);
        let store = ListStore::new(db.clone());
        let shutdown = CancellationToken::new();
        // Connections stay well below the open-file limit, so that a flood of them can
        // never leave the server without a descriptor for its own work.
        let capacity = Capacity::derive(
            Machine::read(),
            settings.max_connections,
            settings.max_event_streams,
        );
        let feed = ChangeFeed::start(
            store.clone(),
            FeedLimits {
                retention: settings.change_log_retention,
                max_streams: capacity.max_event_streams,
                stall: settings.event_stream_stall,
            },
            shutdown.clone(),
        )
        .await?;
        metrics.watch_feed("lists", feed.stats());
        let status_log = StatusLog::default();
        // An in-memory log cannot fail to say where it ends.
        let Ok(status) = ChangeFeed::start(
            status_log.clone(),
            FeedLimits {
                retention: Duration::from_secs(app::status::SECONDS_SHOWN as u64),
                max_streams: STATUS_STREAMS,
                stall: settings.event_stream_stall,
            },
            shutdown.clone(),
        )
        .await;
        metrics.watch_feed("status", status.stats());
        sampler::start(metrics.clone(), status_log, shutdown.clone());
        let metrics_listener = match settings.metrics_addr {
            Some(addr) => Some(
                MetricsListener::bind(addr, metrics.clone())
                    .await
                    .map_err(|source| StartupError::MetricsBind { addr, source })?,
            ),
            None => None,
        };
        let (document_assets, hashed) = assets::resolve(&settings.leptos);
        let addr = settings.leptos.site_addr;
        let listener = serve::bind(addr, LISTEN_BACKLOG)
            .map_err(|source| StartupError::Bind { addr, source })?;
        let bound = listener
            .local_addr()
            .map_err(|source| StartupError::Bind { addr, source })?;
        let state = AppState {
            hosts: routes::AllowedHosts::new(bound, &settings.allowed_hosts),
            leptos: settings.leptos,
            lists: ListsContext {
                store,
                simulation: settings.simulation,
            },
            feed,
            assets: document_assets,
            document_cache: routes::DocumentCache::default(),
        };
        let operator = routes::OperatorState {
            metrics,
            status,
            trusted_proxies: crate::operator::requests::TrustedProxies::new(
                &settings.trusted_proxies,
            ),
        };
        let limits = ConnectionLimits {
            max_connections: capacity.max_connections,
            header_read_timeout: settings.header_read_timeout,
            drain: DRAIN,
        };
        Ok(Self {
            listener,
            router: routes::router(state, operator, hashed, settings.body_read_timeout),
            database: db,
            limits,
            max_event_streams: capacity.max_event_streams,
            metrics_listener,
            shutdown,
        })
    }

    /// Where `/metrics` is served, if anywhere.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics_listener
            .as_ref()
            .and_then(|listener| listener.local_addr().ok())
    }

    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The database it serves, with the state its connections keep (such as whether this
    /// instance leads the numbering of PostgreSQL's log), for tests and tools.
    pub fn database(&self) -> &Database {
        &self.database
    }

    /// Cancelling this token shuts the server down gracefully.
    pub fn shutdown_token(&self) -> CancellationToken {
        self.shutdown.clone()
    }

    pub async fn run_until_stopped(self) -> Result<(), StartupError> {
        let addr = self.local_addr().map_err(StartupError::Serve)?;
        tracing::info!(
            max_connections = self.limits.max_connections,
            max_event_streams = self.max_event_streams,
            "listening on http://{addr}/notes"
        );
        if let Some(metrics) = self.metrics_listener {
            if let Ok(metrics_addr) = metrics.local_addr() {
                tracing::info!("metrics on http://{metrics_addr}/metrics");
            }
            metrics.spawn(self.shutdown.clone());
        }
        serve::serve(self.listener, self.router, self.limits, self.shutdown).await;
        self.database.close().await;
        tracing::info!("stopped");
        Ok(())
    }
}
