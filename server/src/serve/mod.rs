//! The accept loop: HTTP/1.1 connections with a cap on how many are open, a deadline for
//! each request's headers, and a graceful drain at shutdown.
//!
//! `axum::serve` has neither a connection cap nor a header deadline, so a thousand idle
//! sockets (or clients that dribble their headers) could hold every file descriptor. Here
//! each connection holds a permit. When none is left, the newest connection takes the
//! place of the oldest idle one ([`open_connections`]); only when every connection is
//! busy answering does it wait for one to finish. hyper closes any connection that has
//! not sent a complete request head in time (keep-alive connections left idle too).

mod open_connections;

pub use open_connections::ConnectionCloser;

use axum::{body::Body, extract::Request, response::Response, Router};
use futures::future::BoxFuture;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    server::graceful::GracefulShutdown,
};
use open_connections::{Connection, OpenConnections};
use std::{convert::Infallible, net::SocketAddr, sync::Arc, time::Duration};
use tokio::{
    net::{TcpListener, TcpSocket},
    sync::{OwnedSemaphorePermit, Semaphore},
};
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
    let open = Arc::new(OpenConnections::default());
    let mut last_warning = None::<tokio::time::Instant>;
    loop {
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
        let permit = tokio::select! {
            () = shutdown.cancelled() => break,
            permit = make_room(&permits, &open) => match permit {
                Some(permit) => permit,
                None => break,
            },
        };
        // Small responses go out at once instead of waiting on Nagle's algorithm.
        if let Err(error) = stream.set_nodelay(true) {
            tracing::debug!(%error, "could not set TCP_NODELAY");
        }
        let registered = open.register();
        let connection = Arc::clone(registered.connection());
        let service = ConnectionService {
            router: router.clone(),
            remote,
            connection,
        };
        let served = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            tokio::select! {
                ended = served => if let Err(error) = ended {
                    tracing::debug!(%error, %remote, "connection ended with an error");
                },
                () = registered.connection().evicted() => {
                    tracing::debug!(%remote, "closed an idle connection to make room");
                }
            }
            drop(registered);
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

/// A connection slot: at once if one is free, else after the oldest idle connection has
/// closed, else once any connection ends. `None` once the semaphore is closed.
async fn make_room(
    permits: &Arc<Semaphore>,
    open: &OpenConnections,
) -> Option<OwnedSemaphorePermit> {
    if let Ok(permit) = Arc::clone(permits).try_acquire_owned() {
        return Some(permit);
    }
    open.evict_oldest_idle();
    Arc::clone(permits).acquire_owned().await.ok()
}

/// Answers one connection's requests through the router, marking each in flight.
struct ConnectionService {
    router: Router,
    remote: SocketAddr,
    connection: Arc<Connection>,
}

impl hyper::service::Service<Request<Incoming>> for ConnectionService {
    type Response = Response;
    type Error = Infallible;
    type Future = BoxFuture<'static, Result<Response, Infallible>>;

    fn call(&self, request: Request<Incoming>) -> Self::Future {
        // Counted from the request head until the response body is dropped, so that a
        // response sent in parts (an event stream) keeps its connection busy.
        let in_flight = self.connection.start_request();
        let mut request = request.map(Body::new);
        let extensions = request.extensions_mut();
        extensions.insert(axum::extract::ConnectInfo(self.remote));
        extensions.insert(self.connection.closer());
        let answer = self.router.clone().oneshot(request);
        Box::pin(async move {
            let response = answer.await?;
            Ok(response.map(|body| {
                Body::new(body.map_frame(move |frame| {
                    let _request_lasts_as_long_as_the_body = &in_flight;
                    frame
                }))
            }))
        })
    }
}

/// Binds `addr` with a listen backlog of `backlog` connections (tokio's default is 128:
/// past it the kernel drops new connections and clients wait seconds to retry).
pub fn bind(addr: SocketAddr, backlog: u32) -> std::io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(backlog)
}
