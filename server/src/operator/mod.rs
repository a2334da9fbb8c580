//! The operator's view: what the server does, for whoever runs it.
//!
//! - [`metrics`]: every figure, in a Prometheus registry per application, written by the
//!   parts that do the work ([`collectors`] read the rest at each scrape);
//! - [`requests`]: every request's id, span, log line and figures;
//! - [`metrics_listener`]: `GET /metrics` on an address of its own (`METRICS_ADDR`), never
//!   the app's;
//! - [`status`]: the same figures each second, for the live status screen (`/status`,
//!   served by `routes::status`).

pub mod collectors;
pub mod metrics;
pub mod metrics_listener;
pub mod requests;
pub mod status;

pub use metrics::{CacheResult, Metrics};
