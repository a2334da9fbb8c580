//! `GET /metrics` on an address of its own: the figures are for the operator's
//! Prometheus, not the public, so they are served only where `METRICS_ADDR` says (meant
//! for a loopback or private address: nothing checks which), never on the app's address,
//! and nowhere unless it is set.

use super::metrics::{Metrics, CONTENT_TYPE};
use axum::{extract::State, http::header, response::IntoResponse, routing::get, Router};
use std::net::SocketAddr;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

/// The metrics' own server, bound and ready to run.
pub struct MetricsListener {
    listener: TcpListener,
    metrics: Metrics,
}

impl MetricsListener {
    pub async fn bind(addr: SocketAddr, metrics: Metrics) -> std::io::Result<Self> {
        Ok(Self {
            listener: TcpListener::bind(addr).await?,
            metrics,
        })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves `/metrics` until `shutdown`.
    pub fn spawn(self, shutdown: CancellationToken) {
        let router = Router::new()
            .route("/metrics", get(scrape))
            .with_state(self.metrics);
        tokio::spawn(async move {
            let served = axum::serve(self.listener, router)
                .with_graceful_shutdown(shutdown.cancelled_owned())
                .await;
            if let Err(error) = served {
                tracing::error!(%error, "the metrics listener failed");
            }
        });
    }
}

async fn scrape(State(metrics): State<Metrics>) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, CONTENT_TYPE),
            (header::CACHE_CONTROL, "no-store"),
        ],
        metrics.encode(),
    )
}
