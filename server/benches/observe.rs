//! What observing a request costs: the same tiny route (a 20 KiB document from memory,
//! as the cached `/notes` answers) called through the router with and without the
//! `ObserveLayer` (its id, span, figures and log line), in one thread, its body read to
//! the end. The difference is what every request pays for the operator's view; the
//! cached `/notes` itself takes about 20 µs of server CPU (BENCHMARKS.md).
//!
//! `cargo bench -p server --bench observe` (no release binary needed). With
//! `RUST_LOG=info` the line per response is written too (to a sink), as a server with
//! the default filter writes it.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A bench stops at the first failure: that is its report.

use axum::{body::Body, extract::ConnectInfo, http::Request, routing::get, Router};
use http_body_util::BodyExt;
use server::{
    config::LogFormat,
    operator::{requests::ObserveLayer, requests::TrustedProxies, Metrics},
};
use std::{net::SocketAddr, time::Instant};
use tower::{Service, ServiceExt};

const DOCUMENT: usize = 20 * 1024;
const WARM_UP: u32 = 20_000;
const ROUNDS: usize = 7;
const PER_ROUND: u32 = 200_000;

fn router(observed: bool) -> Router {
    let document = axum::body::Bytes::from(vec![b'x'; DOCUMENT]);
    let router = Router::new().route(
        "/notes",
        get(move || {
            let document = document.clone();
            async move { document }
        }),
    );
    if !observed {
        return router;
    }
    let metrics = Metrics::new();
    router.layer(ObserveLayer::new(
        metrics.http().clone(),
        &["/notes".to_owned()],
        TrustedProxies::default(),
    ))
}

/// Nanoseconds per request, `count` requests through `router`.
async fn per_request(router: &mut Router, count: u32) -> f64 {
    let peer: SocketAddr = "127.0.0.1:40000".parse().unwrap();
    let started = Instant::now();
    for _ in 0..count {
        let mut request = Request::get("/notes").body(Body::empty()).unwrap();
        request.extensions_mut().insert(ConnectInfo(peer));
        let ready = ServiceExt::<Request<Body>>::ready(router).await.unwrap();
        let response = ready.call(request).await.unwrap();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(body.len(), DOCUMENT);
    }
    started.elapsed().as_nanos() as f64 / f64::from(count)
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    // The server's own log format and filter (RUST_LOG, else info: a line per response),
    // written nowhere: formatting is the cost.
    server::telemetry::init_to(LogFormat::Text, std::io::sink, false);
    let mut bare = router(false);
    let mut observed = router(true);
    per_request(&mut bare, WARM_UP).await;
    per_request(&mut observed, WARM_UP).await;
    let (mut without, mut with) = (Vec::new(), Vec::new());
    // Alternating, so that whatever else the machine does falls on both alike.
    for _ in 0..ROUNDS {
        without.push(per_request(&mut bare, PER_ROUND).await);
        with.push(per_request(&mut observed, PER_ROUND).await);
    }
    let (without, with) = (median(without), median(with));
    println!(
        "a request through the router: {without:.0} ns bare, {with:.0} ns observed: {:.0} ns for its id, span, figures and log line (RUST_LOG={})",
        with - without,
        std::env::var("RUST_LOG").unwrap_or_else(|_| "unset, so info".into())
    );
}
