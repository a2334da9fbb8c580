//! Every request, seen once: its id, its span, its line in the log and its figures.
//!
//! The id is `X-Request-Id`: kept when a trusted proxy (`TRUSTED_PROXIES`) sent a sane
//! one, made here otherwise (this process's random prefix and a count), and sent back
//! on the response. Everything logged while the request is handled carries its span
//! (id, method, route, path), so an error names the request it came from. When the
//! response's body has gone (or the client left), one line says its status and time,
//! and the HTTP metrics count it.

use super::metrics::{method_label, HttpMetrics, RequestLabels};
use axum::{
    body::{Body, Bytes},
    extract::{ConnectInfo, MatchedPath, Request, State},
    http::{header, HeaderValue, StatusCode},
    middleware::Next,
    response::Response,
};
use http_body::{Frame, SizeHint};
use std::{
    collections::HashSet,
    net::{IpAddr, SocketAddr},
    pin::Pin,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    task::{Context, Poll},
    time::Instant,
};
use tower_http::request_id::{MakeRequestId, RequestId};
use tracing::{Instrument, Span};

/// The header that carries a request's id.
pub const REQUEST_ID: &str = "x-request-id";
/// The longest id kept from a proxy: longer ones are replaced, so that nobody fills the
/// log through it.
const LONGEST_KEPT_ID: usize = 64;

/// Makes this process's request ids: a random prefix, so that two instances behind one
/// proxy never make the same id, and a count. Cheaper than a UUID, and as unique here.
#[derive(Clone, Debug)]
pub struct RequestIds(Arc<IdsInner>);

#[derive(Debug)]
struct IdsInner {
    prefix: String,
    made: AtomicU64,
}

impl Default for RequestIds {
    fn default() -> Self {
        Self(Arc::new(IdsInner {
            prefix: format!("{:08x}", fastrand::u32(..)),
            made: AtomicU64::new(0),
        }))
    }
}

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _request: &http::Request<B>) -> Option<RequestId> {
        let n = self.0.made.fetch_add(1, Ordering::Relaxed);
        HeaderValue::try_from(format!("{}-{n}", self.0.prefix))
            .ok()
            .map(RequestId::new)
    }
}

/// The proxies whose request ids are kept. Cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(Arc<[IpAddr]>);

impl TrustedProxies {
    pub fn new(addresses: &[IpAddr]) -> Self {
        Self(addresses.into())
    }

    fn trusts(&self, peer: Option<IpAddr>) -> bool {
        peer.is_some_and(|peer| self.0.contains(&peer))
    }
}

/// Drops an `X-Request-Id` the server will not keep: any from a peer that is not a
/// trusted proxy, and one that is not a short token of letters, digits, `-`, `_`, `.`
/// (it is written into every log line of the request). What is left is kept by
/// `SetRequestIdLayer`, which makes an id for every request without one.
pub async fn forget_untrusted_ids(
    State(trusted): State<TrustedProxies>,
    mut request: Request,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| peer.ip());
    let keep = trusted.trusts(peer)
        && request
            .headers()
            .get(REQUEST_ID)
            .is_some_and(|id| sane_id(id.as_bytes()));
    if !keep {
        request.headers_mut().remove(REQUEST_ID);
    }
    next.run(request).await
}

fn sane_id(id: &[u8]) -> bool {
    !id.is_empty()
        && id.len() <= LONGEST_KEPT_ID
        && id
            .iter()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.'))
}

/// What [`observe`] needs: the figures it writes, and the paths of the server
/// functions, each a route of its own in them. Cheap to clone.
#[derive(Clone)]
pub struct Observed {
    metrics: HttpMetrics,
    server_functions: Arc<HashSet<&'static str>>,
}

impl Observed {
    pub fn new(metrics: HttpMetrics) -> Self {
        let server_functions = leptos::server_fn::axum::server_fn_paths()
            .map(|(path, _)| path)
            .collect();
        Self {
            metrics,
            server_functions: Arc::new(server_functions),
        }
    }

    /// The route a request matched, as counted: the pattern, not the path, so that the
    /// labels stay few; a server function's path (there are a handful); files under a
    /// folder as the folder's pattern.
    fn route(&self, request: &Request) -> String {
        let path = request.uri().path();
        if let Some(function) = self.server_functions.get(path) {
            return (*function).to_owned();
        }
        match request.extensions().get::<MatchedPath>() {
            Some(matched) => {
                let pattern = matched.as_str();
                // A nested service's pattern ends in axum's own wildcard name.
                match pattern.find("/{*__private__axum") {
                    Some(cut) => format!("{}/{{*file}}", &pattern[..cut]),
                    None => pattern.to_owned(),
                }
            }
            None => "unmatched".to_owned(),
        }
    }
}

/// Around every request: its span, and when its response is over, its log line and its
/// figures.
pub async fn observe(State(observed): State<Observed>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = observed.route(&request);
    let method = method_label(request.method());
    let id = request
        .extensions()
        .get::<RequestId>()
        .and_then(|id| id.header_value().to_str().ok())
        .unwrap_or("-")
        .to_owned();
    let span = tracing::info_span!(
        "request",
        id,
        method,
        route = route.as_str(),
        path = request.uri().path()
    );
    let response = next.run(request).instrument(span.clone()).await;
    let status = response.status();
    if status.is_server_error() && status != StatusCode::SERVICE_UNAVAILABLE {
        // A 503 is a refusal the server chose (every event stream's place taken, the
        // writer busy): counted, and logged where it is decided, once per interval,
        // rather than once per request, so that a flood of them can neither fill the
        // disk nor bury a real error.
        span.in_scope(|| tracing::error!(status = status.as_u16(), "response failed"));
    }
    let event_stream = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|kind| kind.as_bytes().starts_with(b"text/event-stream"));
    let over = Over {
        started,
        labels: RequestLabels {
            route,
            method,
            status: status.as_u16(),
        },
        event_stream,
        metrics: observed.metrics,
        span,
    };
    let (parts, body) = response.into_parts();
    Response::from_parts(
        parts,
        Body::new(Watched {
            body,
            over: Some(over),
        }),
    )
}

/// What is said of a response once its body has gone.
struct Over {
    started: Instant,
    labels: RequestLabels,
    event_stream: bool,
    metrics: HttpMetrics,
    span: Span,
}

impl Over {
    /// `whole`: the body was sent to its end (otherwise the client left first).
    fn say(self, whole: bool) {
        let took = self.started.elapsed();
        self.metrics
            .answered(&self.labels, (!self.event_stream).then_some(took));
        let status = self.labels.status;
        let ms = took.as_secs_f64() * 1e3;
        self.span.in_scope(|| match whole {
            true => tracing::info!(status, ms, "answered"),
            false => tracing::info!(status, ms, "answered; the client left before the end"),
        });
    }
}

/// A response's body, watched for its end.
struct Watched {
    body: Body,
    over: Option<Over>,
}

impl http_body::Body for Watched {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let polled = Pin::new(&mut self.body).poll_frame(cx);
        let ended = match &polled {
            Poll::Ready(None) => Some(true),
            Poll::Ready(Some(Err(_))) => Some(false),
            _ => None,
        };
        if let Some(whole) = ended {
            if let Some(over) = self.over.take() {
                over.say(whole);
            }
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

impl Drop for Watched {
    fn drop(&mut self) {
        if let Some(over) = self.over.take() {
            // A body whose end the server knew from its size is never polled to `None`:
            // it is over when dropped, whole if nothing is left of it.
            let whole = http_body::Body::is_end_stream(&self.body);
            over.say(whole);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_short_plain_ids_are_kept() {
        assert!(sane_id(b"a1b2-c3_d4.e5"));
        assert!(!sane_id(b""));
        assert!(!sane_id(b"with space"));
        assert!(!sane_id(b"line\nbreak"));
        assert!(!sane_id(&[b'a'; LONGEST_KEPT_ID + 1]));
    }

    #[test]
    fn only_the_listed_proxies_are_trusted() {
        let proxy: IpAddr = [10, 0, 0, 1].into();
        let trusted = TrustedProxies::new(&[proxy]);
        assert!(trusted.trusts(Some(proxy)));
        assert!(!trusted.trusts(Some([10, 0, 0, 2].into())));
        assert!(!trusted.trusts(None));
        assert!(!TrustedProxies::default().trusts(Some(proxy)));
    }
}
