//! What every request must pass before a handler sees it: a host name this server
//! answers to (no DNS rebinding), and for writes, a same-site browser or no browser at
//! all (no cross-site request forgery), with a body type the routes read.

use super::refusal::refuse;
use app::language::Refusal;
use axum::{
    extract::{Request, State},
    http::{header, HeaderMap, Method, StatusCode, Version},
    middleware::Next,
    response::Response,
};
use std::{net::SocketAddr, sync::Arc};

/// The host names this server answers to. A name matches whatever port the request
/// names, or none, as Django's and Rails' allowed hosts do: a proxy often sends the bare
/// name, and the port says nothing about which site a browser meant.
#[derive(Clone, Debug)]
pub struct AllowedHosts(Arc<Vec<AllowedHost>>);

#[derive(Clone, Debug, PartialEq, Eq)]
enum AllowedHost {
    /// Any `Host` at all (`ALLOWED_HOSTS=*`).
    Any,
    /// This name, with any port or none.
    Name(String),
}

impl AllowedHosts {
    /// The address the server listens on (with `localhost` for a loopback or unspecified
    /// one), plus the `extra` names from `ALLOWED_HOSTS` (`name` or `name:port`, the port
    /// ignored, or `*`).
    pub fn new(bound: SocketAddr, extra: &[String]) -> Self {
        let mut hosts = vec![AllowedHost::Name(match bound {
            SocketAddr::V4(v4) => v4.ip().to_string(),
            SocketAddr::V6(v6) => format!("[{}]", v6.ip()),
        })];
        if bound.ip().is_loopback() || bound.ip().is_unspecified() {
            for name in ["localhost", "127.0.0.1", "[::1]"] {
                hosts.push(AllowedHost::Name(name.to_owned()));
            }
        }
        for entry in extra.iter().map(|entry| entry.trim().to_ascii_lowercase()) {
            hosts.push(match entry.as_str() {
                "" => continue,
                "*" => AllowedHost::Any,
                _ => AllowedHost::Name(without_port(&entry).to_owned()),
            });
        }
        Self(Arc::new(hosts))
    }

    /// Whether a `Host` header value (or an `Origin`'s or a target's authority) is ours.
    pub fn allows(&self, host: &str) -> bool {
        let host = host.trim().to_ascii_lowercase();
        let name = without_port(&host);
        self.0.iter().any(|allowed| match allowed {
            AllowedHost::Any => true,
            AllowedHost::Name(allowed) => allowed == name,
        })
    }
}

/// `name:port` without the port; `[v6]:port` keeps its brackets.
fn without_port(host: &str) -> &str {
    match host.rsplit_once(':') {
        Some((name, port)) if !port.contains(']') && !name.is_empty() => name,
        _ => host,
    }
}

/// The host a request names, read as RFC 9112 (section 3.2) asks: the authority of an
/// absolute-form target (`GET http://host/notes`), which overrides any `Host`; else the
/// one `Host` header. `Err` when the host cannot be trusted: two `Host` headers, a
/// `Host` that is not text, or none at all on HTTP/1.1 (HTTP/1.0 had no `Host`).
fn named_host(request: &Request) -> Result<Option<&str>, ()> {
    let mut hosts = request.headers().get_all(header::HOST).iter();
    let host = hosts.next();
    if hosts.next().is_some() {
        return Err(());
    }
    if let Some(authority) = request.uri().authority() {
        return Ok(Some(authority.as_str()));
    }
    match host {
        Some(host) => host.to_str().map(Some).map_err(|_| ()),
        None if request.version() >= Version::HTTP_11 => Err(()),
        None => Ok(None),
    }
}

/// Refuses requests whose host cannot be trusted (400) or is not ours (403), and writes a
/// browser made on behalf of another site. Requests with neither `Sec-Fetch-Site` nor
/// `Origin` (curl, another server) carry no browser's cookies or trust and stay allowed.
pub async fn check(State(hosts): State<AllowedHosts>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    match named_host(&request) {
        Err(()) => {
            return refuse(headers, StatusCode::BAD_REQUEST, Refusal::NotUnderstood);
        }
        Ok(Some(host)) if !hosts.allows(host) => {
            return refuse(headers, StatusCode::FORBIDDEN, Refusal::WrongHost);
        }
        Ok(_) => {}
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
        // `Origin: null` (a sandboxed frame, a `data:` URL) is never this site.
        (None, _) => false,
        // By name: a proxy may send the `Host` without the port the browser used.
        (Some(authority), Some(host)) => without_port(&authority.to_ascii_lowercase())
            .eq(without_port(&host.to_ascii_lowercase())),
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
    fn the_bound_address_and_localhost_are_ours_on_any_port() {
        let hosts = allowed(&[]);
        for host in [
            "127.0.0.1:3000",
            "127.0.0.1",
            "localhost:3000",
            "LOCALHOST:3001",
            "localhost",
            "[::1]:3000",
        ] {
            assert!(hosts.allows(host), "{host}");
        }
        for host in ["evil.example", "evil.example:3000", "127.0.0.2:3000", ""] {
            assert!(!hosts.allows(host), "{host}");
        }
    }

    #[test]
    fn allowed_hosts_are_names_whatever_the_port() {
        let hosts = allowed(&["lists.example.com", "proxy.local:8080", "[2001:db8::1]:443"]);
        assert!(hosts.allows("lists.example.com"));
        assert!(hosts.allows("lists.example.com:443"));
        assert!(hosts.allows("proxy.local:8080"));
        assert!(hosts.allows("proxy.local"), "a proxy sends the bare name");
        assert!(hosts.allows("proxy.local:9090"));
        assert!(hosts.allows("[2001:db8::1]"));
        assert!(!hosts.allows("other.local"));
        assert!(allowed(&["*"]).allows("anything.example"));
    }

    fn request(target: &str, version: Version, hosts: &[&str]) -> Request {
        let mut builder = Request::builder().uri(target).version(version);
        for host in hosts {
            builder = builder.header(header::HOST, *host);
        }
        builder.body(axum::body::Body::empty()).unwrap()
    }

    #[test]
    fn a_request_names_one_host_or_none_that_can_be_trusted() {
        let one = request("/notes", Version::HTTP_11, &["a.example"]);
        assert_eq!(named_host(&one), Ok(Some("a.example")));
        let two = request("/notes", Version::HTTP_11, &["a.example", "evil.com"]);
        assert_eq!(named_host(&two), Err(()));
        let none = request("/notes", Version::HTTP_11, &[]);
        assert_eq!(named_host(&none), Err(()));
        let old = request("/notes", Version::HTTP_10, &[]);
        assert_eq!(named_host(&old), Ok(None));
        let absolute = request("http://evil.com/notes", Version::HTTP_11, &["a.example"]);
        assert_eq!(
            named_host(&absolute),
            Ok(Some("evil.com")),
            "the target wins"
        );
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
