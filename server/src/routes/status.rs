//! `GET /status` and its feed, `GET /api/status/events`: the status screen, for
//! operators only. Until there are accounts, an operator is someone on the server's own
//! machine: a request from a loopback address that no proxy forwarded (a proxy on the
//! same machine says so with `Forwarded`, `X-Forwarded-For` or `X-Real-IP`, as
//! `scripts/nginx.conf` does).

use super::document::{content_security_policy, Scripts};
use super::refusal::refuse;
use crate::live::{self, ChangeFeed};
use crate::operator::{requests::TrustedProxies, status::StatusLog};
use app::language::{choice, DocumentLanguage, Refusal};
use app::screens::Screen;
use app::status::{StatusSamples, STATUS_EVENTS_PATH, STATUS_PATH};
use app::DocumentAssets;
use axum::{
    body::Body,
    extract::{ConnectInfo, FromRef, Request, State},
    http::{header, HeaderValue, StatusCode},
    middleware::{self, Next},
    response::Response,
    routing::get,
    Router,
};
use leptos::config::LeptosOptions;
use leptos::{nonce::Nonce, prelude::provide_context};
use std::net::SocketAddr;

/// Headers a proxy adds to what it forwards.
const FORWARDED: [&str; 3] = ["forwarded", "x-forwarded-for", "x-real-ip"];

/// Lets through only an operator's requests; anyone else is refused (403). An operator
/// is on this machine: a loopback peer that is not a proxy this server trusts
/// (`TRUSTED_PROXIES`) and forwarded nothing. A relay on this machine that forwards
/// connections without saying so (`ssh -L`, a TCP proxy) makes its clients look local:
/// whoever may use it is an operator.
pub async fn operators_only(
    State(trusted): State<TrustedProxies>,
    request: Request,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| peer.ip());
    let from_this_machine = peer.is_some_and(|peer| peer.to_canonical().is_loopback());
    let forwarded = trusted.trusts(peer)
        || FORWARDED
            .iter()
            .any(|name| request.headers().contains_key(*name));
    if from_this_machine && !forwarded {
        return next.run(request).await;
    }
    refuse(
        request.headers(),
        StatusCode::FORBIDDEN,
        Refusal::OperatorsOnly,
    )
}

/// What the status screen's routes need.
#[derive(Clone)]
pub struct StatusState {
    pub leptos: LeptosOptions,
    pub assets: DocumentAssets,
    pub feed: ChangeFeed<StatusLog>,
    pub trusted: TrustedProxies,
}

impl FromRef<StatusState> for ChangeFeed<StatusLog> {
    fn from_ref(state: &StatusState) -> Self {
        state.feed.clone()
    }
}

/// `/status` and its feed, each behind the operators' guard.
pub fn routes<S>(state: StatusState) -> Router<S> {
    Router::new()
        .route(STATUS_PATH, get(document))
        .route(STATUS_EVENTS_PATH, get(live::events::<StatusLog>))
        .route_layer(middleware::from_fn_with_state(
            state.trusted.clone(),
            operators_only,
        ))
        .with_state(state)
}

/// The status screen, drawn from the samples held now.
async fn document(State(state): State<StatusState>, request: Request<Body>) -> Response {
    let language = choice::choose(request.headers());
    let samples = StatusSamples(state.feed.log().samples());
    let nonce = Nonce::new();
    let StatusState { leptos, assets, .. } = state;
    let context = {
        let nonce = nonce.clone();
        move || {
            provide_context(Screen::Status);
            provide_context(samples.clone());
            provide_context(nonce.clone());
            provide_context(DocumentLanguage(language));
        }
    };
    let document = move || app::shell(leptos.clone(), assets.clone(), language, Screen::Status);
    let mut response =
        leptos_axum::render_app_to_stream_in_order_with_context(context, document)(request).await;
    let headers = response.headers_mut();
    if let Ok(policy) = HeaderValue::from_str(&content_security_policy(Scripts::Nonce(&nonce))) {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    // It changes every second.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::IpAddr;
    use tower::ServiceExt;

    async fn answer(peer: Option<&str>, headers: &[(&str, &str)]) -> StatusCode {
        let proxy: IpAddr = [127, 0, 0, 2].into();
        let router = Router::new()
            .route("/status", get(|| async { "figures" }))
            .route_layer(middleware::from_fn_with_state(
                TrustedProxies::new(&[proxy]),
                operators_only,
            ));
        let mut request = Request::builder().uri("/status");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let mut request = request.body(Body::empty()).unwrap();
        if let Some(peer) = peer {
            let peer: SocketAddr = peer.parse().unwrap();
            request.extensions_mut().insert(ConnectInfo(peer));
        }
        router.oneshot(request).await.unwrap().status()
    }

    #[tokio::test]
    async fn only_this_machine_unforwarded_is_an_operator() {
        assert_eq!(answer(Some("127.0.0.1:5000"), &[]).await, StatusCode::OK);
        assert_eq!(answer(Some("[::1]:5000"), &[]).await, StatusCode::OK);
        assert_eq!(
            answer(Some("[::ffff:127.0.0.1]:5000"), &[]).await,
            StatusCode::OK
        );
        assert_eq!(
            answer(Some("203.0.113.9:5000"), &[]).await,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            answer(Some("10.0.0.2:5000"), &[]).await,
            StatusCode::FORBIDDEN
        );
        assert_eq!(answer(None, &[]).await, StatusCode::FORBIDDEN);
        assert_eq!(
            answer(
                Some("127.0.0.1:5000"),
                &[("x-forwarded-for", "203.0.113.9")]
            )
            .await,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            answer(Some("127.0.0.2:5000"), &[]).await,
            StatusCode::FORBIDDEN,
            "a trusted proxy forwards, whether it says so or not"
        );
    }
}
