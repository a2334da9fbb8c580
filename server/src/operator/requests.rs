//! Every request, seen once: its id, its span, its line in the log and its figures.
//!
//! The id is `X-Request-Id`: kept when a trusted proxy (`TRUSTED_PROXIES`) sent a plain
//! one, made here otherwise (this process's random prefix and a count), and sent back
//! on the response. Everything logged while the request is handled carries its span
//! (id, method, route, path), so an error names the request it came from. When the
//! response's body has gone (or the client left), one line says its status and time,
//! and the HTTP figures count it.
//!
//! One layer does it all, with its own future, rather than `axum::middleware::from_fn`
//! (which clones the whole service below it, the application's state included, for every
//! request) and tower-http's request-id layers (which keep the id in the request's
//! extensions and headers, where nothing here reads it): the cached `/notes` is the
//! server's fastest answer, and measurably slower with either (BENCHMARKS.md).

use super::metrics::{method_label, HttpMetrics, RequestLabels};
use axum::{
    extract::{ConnectInfo, Request},
    http::{header, HeaderValue, StatusCode},
};
use http_body::{Frame, SizeHint};
use prometheus_client::metrics::histogram::Histogram;
use std::{
    future::Future,
    net::{IpAddr, SocketAddr},
    pin::Pin,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    task::{Context, Poll},
    time::Instant,
};
use tower::{Layer, Service};
use tracing::Span;

/// The header that carries a request's id.
pub const REQUEST_ID: &str = "x-request-id";
/// The longest id kept from a proxy: longer ones are replaced, so that nobody fills the
/// log through it.
const LONGEST_KEPT_ID: usize = 64;
/// The label of everything no route names: files at the site's root, and nothing (404).
const OTHER: &str = "other";
/// How a folder served whole is named among the routes (`/pkg/{*file}`).
const FOLDER: &str = "/{*file}";

/// The proxies whose request ids are kept. Cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(Arc<[IpAddr]>);

impl TrustedProxies {
    pub fn new(addresses: &[IpAddr]) -> Self {
        Self(addresses.iter().map(IpAddr::to_canonical).collect())
    }

    /// Whether `peer` is one of them. On a dual-stack listener an IPv4 peer arrives as
    /// `::ffff:a.b.c.d`, so both sides are compared in their canonical form.
    pub fn trusts(&self, peer: Option<IpAddr>) -> bool {
        peer.is_some_and(|peer| self.0.contains(&peer.to_canonical()))
    }
}

/// Whether an id a proxy sent is one to keep: a short token of letters, digits, `-`, `_`
/// and `.` (it is written into every log line of its request).
fn plain_id(id: &[u8]) -> bool {
    !id.is_empty()
        && id.len() <= LONGEST_KEPT_ID
        && id
            .iter()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.'))
}

/// One route as the figures name it, with its latency histogram looked up once.
struct Route {
    label: &'static str,
    /// Its files' paths start with this (a folder served whole), or it is the path.
    folder: Option<&'static str>,
    duration: Histogram,
}

/// What every request's observation shares, made once with the router.
struct Shared {
    metrics: HttpMetrics,
    /// The server functions' paths, then the router's patterns, then [`OTHER`].
    routes: Vec<Route>,
    trusted: TrustedProxies,
    /// This process's ids: a random prefix, so that two instances behind one proxy never
    /// make the same id, and a count. Cheaper than a UUID, and as unique here.
    id_prefix: String,
    ids_made: AtomicU64,
}

impl Shared {
    /// The route `path` is counted under: the pattern, not the path, so that the labels
    /// stay few (a folder's files as `/pkg/{*file}`); each server function its own.
    /// Its place among [`Shared::routes`].
    fn route(&self, path: &str) -> usize {
        let found = self.routes.iter().position(|route| match route.folder {
            Some(folder) => path
                .strip_prefix(folder)
                .is_some_and(|file| file.starts_with('/')),
            None => route.label == path,
        });
        // The last route is OTHER.
        found.unwrap_or(self.routes.len() - 1)
    }

    /// The request's id: its proxy's, if trusted and plain, else a new one.
    fn id(&self, request: &Request) -> HeaderValue {
        let peer = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(peer)| peer.ip());
        match request.headers().get(REQUEST_ID) {
            Some(id) if self.trusted.trusts(peer) && plain_id(id.as_bytes()) => id.clone(),
            _ => {
                let n = self.ids_made.fetch_add(1, Ordering::Relaxed);
                HeaderValue::try_from(format!("{}-{n}", self.id_prefix))
                    .unwrap_or(HeaderValue::from_static("-"))
            }
        }
    }
}

/// Around every route: the request's id, its span, and when its response is over, its
/// log line and its figures.
#[derive(Clone)]
pub struct ObserveLayer(Arc<Shared>);

impl ObserveLayer {
    /// `patterns`: the router's, a folder served whole as `/pkg/{*file}`.
    pub fn new(metrics: HttpMetrics, patterns: &[String], trusted: TrustedProxies) -> Self {
        let functions = leptos::server_fn::axum::server_fn_paths().map(|(path, _)| path);
        // Leaked once per route, at start-up: labels live as long as the process.
        let patterns = patterns
            .iter()
            .map(|pattern| &*Box::leak(pattern.clone().into_boxed_str()));
        let routes = functions
            .chain(patterns)
            .chain([OTHER])
            .map(|label| Route {
                label,
                folder: label.strip_suffix(FOLDER),
                duration: metrics.duration_of(label),
            })
            .collect();
        Self(Arc::new(Shared {
            metrics,
            routes,
            trusted,
            id_prefix: format!("{:08x}", fastrand::u32(..)),
            ids_made: AtomicU64::new(0),
        }))
    }
}

impl<S> Layer<S> for ObserveLayer {
    type Service = Observe<S>;

    fn layer(&self, inner: S) -> Observe<S> {
        Observe {
            inner,
            shared: Arc::clone(&self.0),
        }
    }
}

#[derive(Clone)]
pub struct Observe<S> {
    inner: S,
    shared: Arc<Shared>,
}

impl<S, B, E> Service<Request> for Observe<S>
where
    S: Service<Request, Response = http::Response<B>, Error = E>,
    B: http_body::Body,
{
    type Response = http::Response<Watched<B>>;
    type Error = E;
    type Future = Observing<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), E>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let started = Instant::now();
        let route = self.shared.route(request.uri().path());
        let method = method_label(request.method());
        let id = self.shared.id(&request);
        // The id (plain or made here), the method and the route (this server's labels)
        // are shown as they are: escaping each character was a good part of what a line
        // cost. The path is the client's, which may hold any byte above ASCII (control
        // characters of other alphabets among them), so it is escaped.
        let span = tracing::info_span!(
            "request",
            id = %id.to_str().unwrap_or("-"),
            method = %method,
            route = %self.shared.routes[route].label,
            path = ?request.uri().path()
        );
        let answer = span.in_scope(|| self.inner.call(request));
        Observing {
            answer,
            span,
            asked: Some(Asked {
                started,
                route,
                method,
                id,
                shared: Arc::clone(&self.shared),
            }),
        }
    }
}

/// What is known of a request before its answer.
struct Asked {
    started: Instant,
    /// Its place among the shared routes.
    route: usize,
    method: &'static str,
    id: HeaderValue,
    shared: Arc<Shared>,
}

impl Asked {
    /// What will be said of the response once it has gone.
    fn answered(self, status: u16, event_stream: bool, span: Span) -> Over {
        Over {
            started: self.started,
            route: self.route,
            method: self.method,
            status,
            event_stream,
            shared: self.shared,
            span,
        }
    }
}

pin_project_lite::pin_project! {
    /// A request being answered, in its span; its response's body is watched to its end.
    pub struct Observing<F> {
        #[pin]
        answer: F,
        span: Span,
        asked: Option<Asked>,
    }

    impl<F> PinnedDrop for Observing<F> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            // Dropped before its answer: the client left (its connection closed) while
            // the handler worked, or the server stopped waiting at shutdown.
            if let Some(asked) = this.asked.take() {
                let span = std::mem::replace(this.span, Span::none());
                asked
                    .answered(CLIENT_LEFT_FIRST, false, span)
                    .say(Ending::Unanswered);
            }
        }
    }
}

impl<F, B, E> Future for Observing<F>
where
    F: Future<Output = Result<http::Response<B>, E>>,
    B: http_body::Body,
{
    type Output = Result<http::Response<Watched<B>>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let polled = {
            let _entered = this.span.enter();
            this.answer.poll(cx)
        };
        let response = match polled {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(Err(error)) => return Poll::Ready(Err(error)),
            Poll::Ready(Ok(response)) => response,
        };
        let span = std::mem::replace(this.span, Span::none());
        Poll::Ready(Ok(watched(response, this.asked.take(), span)))
    }
}

/// The response with its id, its body watched so that its figures and its log line are
/// written when it has gone.
fn watched<B: http_body::Body>(
    mut response: http::Response<B>,
    asked: Option<Asked>,
    span: Span,
) -> http::Response<Watched<B>> {
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
    // Polled again after it was ready (never, by hyper): nothing more to say.
    let over = asked.map(|asked| {
        response.headers_mut().insert(REQUEST_ID, asked.id.clone());
        asked.answered(status.as_u16(), event_stream, span)
    });
    response.map(|body| Watched { body, over })
}

/// The status counted for a request whose client left before its answer (nginx's 499,
/// which no response carries).
const CLIENT_LEFT_FIRST: u16 = 499;

/// How a response ended.
enum Ending {
    /// Its body was sent to its end.
    Whole,
    /// The client left before the end of its body.
    ClientLeft,
    /// Its body failed on the way.
    Failed(String),
    /// The client left before there was an answer.
    Unanswered,
}

/// What is said of a response once its body has gone.
struct Over {
    started: Instant,
    route: usize,
    method: &'static str,
    status: u16,
    event_stream: bool,
    shared: Arc<Shared>,
    span: Span,
}

impl Over {
    fn say(self, ending: Ending) {
        let took = self.started.elapsed();
        let route = &self.shared.routes[self.route];
        self.shared.metrics.count(&RequestLabels {
            route: route.label,
            method: self.method,
            status: self.status,
        });
        // An event stream is open as long as its page: a latency would only blur.
        if !self.event_stream {
            route.duration.observe(took.as_secs_f64());
        }
        let status = self.status;
        // To the hundredth of a millisecond: the rest is noise, and long to read.
        let ms = (took.as_secs_f64() * 1e5).round() / 100.0;
        self.span.in_scope(|| match ending {
            Ending::Whole => tracing::info!(status, ms, "answered"),
            Ending::ClientLeft => {
                tracing::info!(status, ms, "answered; the client left before the end")
            }
            Ending::Failed(error) => {
                tracing::error!(status, ms, %error, "the response's body failed on the way")
            }
            Ending::Unanswered => tracing::info!(status, ms, "the client left before the answer"),
        });
    }
}

pin_project_lite::pin_project! {
    /// A response's body, watched for its end.
    pub struct Watched<B: http_body::Body> {
        #[pin]
        body: B,
        over: Option<Over>,
    }

    impl<B: http_body::Body> PinnedDrop for Watched<B> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            if let Some(over) = this.over.take() {
                // A body whose end the server knew from its size is never polled to
                // `None`: it is over when dropped, whole if nothing is left of it. hyper
                // drops a HEAD's body unread: a HEAD is whole once answered.
                let whole = this.body.as_ref().is_end_stream() || over.method == "HEAD";
                over.say(match whole {
                    true => Ending::Whole,
                    false => Ending::ClientLeft,
                });
            }
        }
    }
}

impl<B> http_body::Body for Watched<B>
where
    B: http_body::Body,
    B::Error: std::fmt::Display,
{
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<B::Data>, B::Error>>> {
        let this = self.project();
        let polled = this.body.poll_frame(cx);
        let ending = match &polled {
            Poll::Ready(None) => Some(Ending::Whole),
            Poll::Ready(Some(Err(error))) => Some(Ending::Failed(error.to_string())),
            _ => None,
        };
        if let Some(ending) = ending {
            if let Some(over) = this.over.take() {
                over.say(ending);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_short_plain_ids_are_kept() {
        assert!(plain_id(b"a1b2-c3_d4.e5"));
        assert!(!plain_id(b""));
        assert!(!plain_id(b"with space"));
        assert!(!plain_id(b"line\nbreak"));
        assert!(!plain_id(&[b'a'; LONGEST_KEPT_ID + 1]));
    }

    #[test]
    fn only_the_listed_proxies_are_trusted() {
        let proxy: IpAddr = [10, 0, 0, 1].into();
        let trusted = TrustedProxies::new(&[proxy]);
        assert!(trusted.trusts(Some(proxy)));
        assert!(!trusted.trusts(Some([10, 0, 0, 2].into())));
        assert!(!trusted.trusts(None));
        assert!(!TrustedProxies::default().trusts(Some(proxy)));
        let mapped: IpAddr = "::ffff:10.0.0.1".parse().unwrap();
        assert!(
            trusted.trusts(Some(mapped)),
            "an IPv4 proxy on a dual-stack listener"
        );
    }

    #[test]
    fn a_path_is_counted_under_its_route() {
        let layer = ObserveLayer::new(
            HttpMetrics::default(),
            &["/notes".to_owned(), "/pkg/{*file}".to_owned()],
            TrustedProxies::default(),
        );
        let label = |path| layer.0.routes[layer.0.route(path)].label;
        assert_eq!(label("/notes"), "/notes");
        assert_eq!(label("/pkg/app.wasm"), "/pkg/{*file}");
        assert_eq!(label("/pkgs"), OTHER);
        assert_eq!(label("/notes/1"), OTHER);
        assert_eq!(label("/robots.txt"), OTHER);
    }
}
