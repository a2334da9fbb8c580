//! The accept loop: HTTP/1.1 connections with a cap on how many are open, a deadline for
//! each request's headers, and a graceful drain at shutdown.
//!
//! `axum::serve` has neither a connection cap nor a header deadline, so a thousand idle
//! sockets (or clients that dribble their headers) could hold every file descriptor. Here
//! each connection holds a permit; when none is left, new connections wait in the
//! kernel's queue until one closes, and hyper closes any connection that has not sent a
//! complete request head in time (that includes keep-alive connections left idle).

use axum::{body::Body, extract::Request, Router};
use hyper::body::Incoming;
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    server::graceful::GracefulShutdown,
};
use std::{net::SocketAddr, sync::Arc, time::Duration};
use tokio::{net::TcpListener, sync::Semaphore};
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;

/// Limits on connections.
#[derive(Clone, Copy, Debug)]
pub struct ConnectionLimits {
    /// Open connections at most.
    pub max_connections: usize,
    /// Time to receive a request's head; also how long a keep-alive connection may idle.
    pub header_read_timeout: Duration,
    /// How long open connections get to finish once shutdown starts.
    pub drain: Duration,
}

/// Serves `router` on `listener` until `shutdown` is cancelled, then waits for open
/// connections for at most `limits.drain`.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: CancellationToken,
) {
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    let mut last_warning = None::<tokio::time::Instant>;
    loop {
        let permit = tokio::select! {
            () = shutdown.cancelled() => break,
            permit = Arc::clone(&permits).acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
        };
        let (stream, remote) = tokio::select! {
            () = shutdown.cancelled() => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of descriptors, say: wait a moment rather than spin, and say so
                    // at most once a second.
                    if last_warning.is_none_or(|at| at.elapsed() > Duration::from_secs(1)) {
                        tracing::warn!(%error, "could not accept a connection");
                        last_warning = Some(tokio::time::Instant::now());
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        // Small responses go out at once instead of waiting on Nagle's algorithm.
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, "could not set TCP_NODELAY");
        }
        let service = hyper::service::service_fn(connection_service(router.clone(), remote));
        let connection = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, %remote, "connection ended with an error");
            }
            drop(permit);
        });
    }
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(limits.drain) => {
            tracing::warn!("requests still open after {:?}; stopping anyway", limits.drain);
        }
    }
}

fn connection_service(
    router: Router,
    remote: SocketAddr,
) -> impl Fn(Request<Incoming>) -> tower::util::Oneshot<Router, Request<Body>> + Clone {
    move |request: Request<Incoming>| {
        let mut request = request.map(Body::new);
        request
            .extensions_mut()
            .insert(axum::extract::ConnectInfo(remote));
        router.clone().oneshot(request)
    }
}

/// Raises the soft limit on open files to the hard one, and says what they are. Returns
/// the soft limit in effect.
pub fn raise_open_file_limit() -> Option<u64> {
    let (soft, hard) = rlimit::getrlimit(rlimit::Resource::NOFILE).ok()?;
    let raised = rlimit::increase_nofile_limit(hard).unwrap_or(soft);
    tracing::info!(soft_before = soft, soft = raised, hard, "open file limit");
    Some(raised)
}
