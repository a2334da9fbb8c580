//! What every request must pass before a handler sees it: a host name this server
//! answers to (no DNS rebinding), and for writes, a same-site browser or no browser at
//! all (no cross-site request forgery), with a body type the routes read.

use super::refusal::refuse;
use app::language::Refusal;
use axum::{
    extract::{Request, State},
    http::{header, HeaderMap, Method, StatusCode},
    middleware::Next,
    response::Response,
};
use std::{net::SocketAddr, sync::Arc};

/// The host names (`Host` header values) this server answers to.
#[derive(Clone, Debug)]
pub struct AllowedHosts(Arc<Vec<AllowedHost>>);

#[derive(Clone, Debug, PartialEq, Eq)]
enum AllowedHost {
    /// Any `Host` at all (`ALLOWED_HOSTS=*`).
    Any,
    /// This name, with any port or none.
    Name(String),
    /// This name and port exactly.
    NameAndPort(String),
}

impl AllowedHosts {
    /// The address the server listens on (with `localhost` for a loopback or unspecified
    /// one), plus the `extra` names from `ALLOWED_HOSTS` (`name` or `name:port`, or `*`).
    pub fn new(bound: SocketAddr, extra: &[String]) -> Self {
        let port = bound.port();
        let mut hosts = vec![AllowedHost::NameAndPort(match bound {
            SocketAddr::V4(v4) => format!("{}:{port}", v4.ip()),
            SocketAddr::V6(v6) => format!("[{}]:{port}", v6.ip()),
        })];
        if bound.ip().is_loopback() || bound.ip().is_unspecified() {
            for name in ["localhost", "127.0.0.1", "[::1]"] {
                hosts.push(AllowedHost::NameAndPort(format!("{name}:{port}")));
            }
        }
        for entry in extra.iter().map(|entry| entry.trim().to_ascii_lowercase()) {
            hosts.push(match entry.as_str() {
                "" => continue,
                "*" => AllowedHost::Any,
                _ if entry.contains(':') && !entry.ends_with(']') => {
                    AllowedHost::NameAndPort(entry)
                }
                _ => AllowedHost::Name(entry),
            });
        }
        Self(Arc::new(hosts))
    }

    /// Whether a `Host` header value (or an `Origin`'s authority) is one of ours.
    pub fn allows(&self, host: &str) -> bool {
        let host = host.trim().to_ascii_lowercase();
        let name = match host.rsplit_once(':') {
            Some((name, port)) if !port.contains(']') => name,
            _ => host.as_str(),
        };
        self.0.iter().any(|allowed| match allowed {
            AllowedHost::Any => true,
            AllowedHost::Name(allowed) => allowed == name,
            AllowedHost::NameAndPort(allowed) => *allowed == host,
        })
    }
}

/// Refuses requests for a host name that is not ours, and writes a browser made on
/// behalf of another site. Requests with neither `Sec-Fetch-Site` nor `Origin` (curl,
/// another server) carry no browser's cookies or trust and stay allowed.
pub async fn check(State(hosts): State<AllowedHosts>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    if let Some(host) = headers.get(header::HOST) {
        if !host.to_str().is_ok_and(|host| hosts.allows(host)) {
            return refuse(headers, StatusCode::FORBIDDEN, Refusal::WrongHost);
        }
    }
    if request.method() != Method::GET && request.method() != Method::HEAD {
        if !same_site(headers, &hosts) {
            tracing::warn!("refused a cross-site write");
            return refuse(headers, StatusCode::FORBIDDEN, Refusal::OtherSite);
        }
        if !is_form(headers) {
            return refuse(
                headers,
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                Refusal::NotAForm,
            );
        }
    }
    next.run(request).await
}

/// A browser says where a request comes from in `Sec-Fetch-Site` (all current ones) or,
/// failing that, `Origin`.
fn same_site(headers: &HeaderMap, hosts: &AllowedHosts) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return matches!(site.as_bytes(), b"same-origin" | b"none");
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let authority = origin
        .to_str()
        .ok()
        .and_then(|origin| origin.split_once("://"))
        .map(|(_, authority)| authority);
    let host = headers
        .get(header::HOST)
        .and_then(|host| host.to_str().ok());
    match (authority, host) {
        // `Origin: null` (a sandboxed frame, a data: page) is never this site.
        (None, _) => false,
        (Some(authority), Some(host)) => authority.eq_ignore_ascii_case(host),
        (Some(authority), None) => hosts.allows(authority),
    }
}

/// The only body the write routes read: a form.
fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|mime| {
            mime.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(extra: &[&str]) -> AllowedHosts {
        let extra: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
        AllowedHosts::new("127.0.0.1:3000".parse().unwrap(), &extra)
    }

    #[test]
    fn the_bound_address_and_localhost_are_ours() {
        let hosts = allowed(&[]);
        for host in [
            "127.0.0.1:3000",
            "localhost:3000",
            "LOCALHOST:3000",
            "[::1]:3000",
        ] {
            assert!(hosts.allows(host), "{host}");
        }
        for host in [
            "127.0.0.1:3001",
            "evil.example",
            "evil.example:3000",
            "localhost",
        ] {
            assert!(!hosts.allows(host), "{host}");
        }
    }

    #[test]
    fn allowed_hosts_add_names_with_or_without_a_port() {
        let hosts = allowed(&["lists.example.com", "proxy.local:8080"]);
        assert!(hosts.allows("lists.example.com"));
        assert!(hosts.allows("lists.example.com:443"));
        assert!(hosts.allows("proxy.local:8080"));
        assert!(!hosts.allows("proxy.local:9090"));
        assert!(allowed(&["*"]).allows("anything.example"));
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(name, value)| {
                (
                    header::HeaderName::from_static(name),
                    value.parse().unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn same_origin_browsers_and_non_browsers_may_write() {
        let hosts = allowed(&[]);
        assert!(same_site(
            &headers(&[("sec-fetch-site", "same-origin")]),
            &hosts
        ));
        assert!(same_site(&headers(&[("sec-fetch-site", "none")]), &hosts));
        assert!(same_site(&headers(&[]), &hosts));
        let origin = headers(&[
            ("origin", "http://127.0.0.1:3000"),
            ("host", "127.0.0.1:3000"),
        ]);
        assert!(same_site(&origin, &hosts));
    }

    #[test]
    fn cross_site_browsers_may_not() {
        let hosts = allowed(&[]);
        for refused in [
            headers(&[("sec-fetch-site", "cross-site")]),
            headers(&[("sec-fetch-site", "same-site")]),
            headers(&[("origin", "null")]),
            headers(&[
                ("origin", "https://evil.example"),
                ("host", "127.0.0.1:3000"),
            ]),
            headers(&[("origin", "https://evil.example")]),
        ] {
            assert!(!same_site(&refused, &hosts), "{refused:?}");
        }
    }

    #[test]
    fn only_forms_are_read() {
        assert!(is_form(&headers(&[(
            "content-type",
            "application/x-www-form-urlencoded"
        )])));
        assert!(is_form(&headers(&[(
            "content-type",
            "application/x-www-form-urlencoded; charset=UTF-8"
        )])));
        assert!(!is_form(&headers(&[("content-type", "text/plain")])));
        assert!(!is_form(&headers(&[(
            "content-type",
            "multipart/form-data"
        )])));
        assert!(!is_form(&headers(&[])));
    }
}
