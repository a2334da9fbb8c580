//! The edges: cross-site writes, host names, headers, bad bytes, a busy writer, floods
//! of idle and slow connections, too many event streams, and creates sent twice.

use crate::support;

use reqwest::{header, StatusCode};
use std::time::Duration;
use support::{spawn_app, spawn_app_with, Options, TestApp};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const WRITES: [(&str, &[(&str, &str)]); 4] = [
    ("create", &[("name", "forged")]),
    ("rename", &[("id", "1"), ("name", "forged")]),
    ("delete", &[("id", "1")]),
    ("restore", &[("id", "1")]),
];

async fn post_with(
    app: &TestApp,
    endpoint: &str,
    form: &[(&str, &str)],
    headers: &[(&str, &str)],
) -> reqwest::Response {
    let mut request = app
        .client
        .post(app.url(&format!("/api/lists/{endpoint}")))
        .form(form);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.expect("request sent")
}

async fn log_length(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) FROM list_events").await
}

#[tokio::test]
async fn cross_site_browsers_cannot_write_anything() {
    let app = spawn_app().await;
    app.create("mine").await;
    let origin = app.url("");
    for headers in [
        vec![("sec-fetch-site", "cross-site")],
        vec![("sec-fetch-site", "same-site")],
        vec![("origin", "https://evil.example")],
        vec![("origin", "null")],
        vec![
            ("sec-fetch-site", "cross-site"),
            ("origin", origin.as_str()),
        ],
    ] {
        for (endpoint, form) in WRITES {
            let response = post_with(&app, endpoint, form, &headers).await;
            assert_eq!(
                response.status(),
                StatusCode::FORBIDDEN,
                "{endpoint} {headers:?}"
            );
            assert!(response
                .text()
                .await
                .unwrap()
                .contains("this site's own pages"));
        }
    }
    assert_eq!(log_length(&app).await, 1, "nothing was written");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM lists WHERE name = 'mine'")
            .await,
        1
    );
}

#[tokio::test]
async fn the_sites_own_pages_and_plain_clients_may_write() {
    let app = spawn_app().await;
    let origin = app.url("");
    let same_origin = post_with(
        &app,
        "create",
        &[("name", "a")],
        &[("sec-fetch-site", "same-origin")],
    )
    .await;
    assert_eq!(same_origin.status(), 200);
    let by_origin = post_with(
        &app,
        "create",
        &[("name", "b")],
        &[("origin", origin.as_str())],
    )
    .await;
    assert_eq!(by_origin.status(), 200);
    let plain = post_with(&app, "create", &[("name", "c")], &[]).await;
    assert_eq!(plain.status(), 200);
    assert_eq!(app.count("SELECT COUNT(*) FROM lists").await, 3);
}

#[tokio::test]
async fn only_form_bodies_are_accepted() {
    let app = spawn_app().await;
    for content_type in [
        "text/plain",
        "application/json",
        "multipart/form-data; boundary=x",
    ] {
        let response = app
            .client
            .post(app.url("/api/lists/create"))
            .header(header::CONTENT_TYPE, content_type)
            .body("name=sneaky")
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type}"
        );
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM lists").await, 0);
}

#[tokio::test]
async fn other_host_names_are_refused_unless_allowed() {
    let app = spawn_app().await;
    let rebound = app
        .client
        .get(app.url("/notes"))
        .header(header::HOST, "attacker.example")
        .send()
        .await
        .unwrap();
    assert_eq!(rebound.status(), StatusCode::FORBIDDEN);
    let local = app
        .client
        .get(app.url("/notes"))
        .header(header::HOST, format!("localhost:{}", app.address.port()))
        .send()
        .await
        .unwrap();
    assert_eq!(local.status(), 200);

    let proxied = spawn_app_with(Options {
        configure: Some(|settings| settings.allowed_hosts = vec!["lists.example.com".into()]),
        ..Options::default()
    })
    .await;
    let through_proxy = proxied
        .client
        .get(proxied.url("/notes"))
        .header(header::HOST, "lists.example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(through_proxy.status(), 200);
}

/// Sends raw bytes and returns the status code of the answer.
async fn raw_status(app: &TestApp, request: &str) -> u16 {
    let mut stream = TcpStream::connect(app.address).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).await.unwrap();
    String::from_utf8_lossy(&head[9..12]).parse().unwrap()
}

#[tokio::test]
async fn a_request_whose_host_cannot_be_trusted_is_refused() {
    let app = spawn_app().await;
    let ours = app.address.to_string();
    let two_hosts = format!("GET /notes HTTP/1.1\r\nHost: {ours}\r\nHost: evil.com\r\n\r\n");
    assert_eq!(raw_status(&app, &two_hosts).await, 400);
    assert_eq!(raw_status(&app, "GET /notes HTTP/1.1\r\n\r\n").await, 400);
    let create = "POST /api/lists/create HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 6\r\n\r\nname=x";
    assert_eq!(raw_status(&app, create).await, 400);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM lists").await,
        0,
        "nothing written"
    );
    // An absolute-form target names its own host, whatever the Host header says.
    let absolute = format!("GET http://evil.com/notes HTTP/1.1\r\nHost: {ours}\r\n\r\n");
    assert_eq!(raw_status(&app, &absolute).await, 403);
    let absolute_ours = format!("GET http://{ours}/notes HTTP/1.1\r\nHost: {ours}\r\n\r\n");
    assert_eq!(raw_status(&app, &absolute_ours).await, 200);
    // HTTP/1.0 had no Host: such a request names no host, and is answered.
    assert_eq!(raw_status(&app, "GET /healthz HTTP/1.0\r\n\r\n").await, 200);
}

#[tokio::test]
async fn allowed_names_match_whatever_port_a_proxy_sends() {
    let app = spawn_app_with(Options {
        configure: Some(|settings| settings.allowed_hosts = vec!["lists.example.com:8080".into()]),
        ..Options::default()
    })
    .await;
    for host in [
        "lists.example.com",
        "lists.example.com:8080",
        "lists.example.com:443",
    ] {
        let response = app.get_with("/notes", &[("host", host)]).await;
        assert_eq!(response.status(), 200, "{host}");
    }
    let other = app
        .get_with("/notes", &[("host", "other.example.com")])
        .await;
    assert_eq!(other.status(), 403);
}

#[tokio::test]
async fn health_and_readiness_say_whether_the_instance_can_serve() {
    let app = spawn_app().await;
    let live = app.get("/healthz").await;
    assert_eq!(live.status(), 200);
    assert_eq!(live.text().await.unwrap(), "ok\n");
    assert_eq!(app.get("/readyz").await.status(), 200);
    // A database without this build's last migration (replaced, or an older schema).
    sqlx::query(
        "DELETE FROM _sqlx_migrations WHERE version = (SELECT MAX(version) FROM _sqlx_migrations)",
    )
    .execute(app.db())
    .await
    .unwrap();
    let unready = app.get("/readyz").await;
    assert_eq!(unready.status(), 503);
    assert_eq!(app.get("/healthz").await.status(), 200, "still alive");
}

#[tokio::test]
async fn a_body_too_large_is_413_whether_it_says_its_length_or_comes_in_chunks() {
    let app = spawn_app().await;
    let large = format!("name={}", "a".repeat(80 * 1024));
    let post = |body: reqwest::Body| {
        app.client
            .post(app.url("/api/lists/create"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body)
            .send()
    };
    let sized = post(reqwest::Body::from(large.clone())).await.unwrap();
    assert_eq!(sized.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let chunks: Vec<Result<String, std::io::Error>> = large
        .as_bytes()
        .chunks(1024)
        .map(|chunk| Ok(String::from_utf8_lossy(chunk).into_owned()))
        .collect();
    let chunked = post(reqwest::Body::wrap_stream(futures::stream::iter(chunks)))
        .await
        .unwrap();
    assert_eq!(chunked.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(app.count("SELECT COUNT(*) FROM lists").await, 0);
}

/// The inline scripts of `html`, as (opening tag, text).
fn inline_scripts(html: &str) -> Vec<(String, String)> {
    html.split("<script")
        .skip(1)
        .filter_map(|rest| {
            let (tag, rest) = rest.split_once('>')?;
            let (text, _) = rest.split_once("</script>")?;
            (!tag.contains(" src=")).then(|| (tag.to_owned(), text.to_owned()))
        })
        .collect()
}

#[tokio::test]
async fn every_response_allows_exactly_its_own_scripts_and_no_two_share_a_nonce() {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let app = spawn_app().await;
    app.create("a list").await;
    let mut nonces = Vec::new();
    // Rendered, then cached (twice), then rendered for a query (twice).
    for path in ["/notes", "/notes", "/notes", "/notes?q=x", "/notes?q=x"] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        let headers = response.headers().clone();
        let policy = headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(!policy.contains("unsafe-inline"), "{policy}");
        assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
        let html = response.text().await.unwrap();
        let scripts = inline_scripts(&html);
        assert!(!scripts.is_empty(), "{path}");
        match policy.split("'nonce-").nth(1) {
            Some(rest) => {
                let nonce = rest.split('\'').next().unwrap().to_owned();
                for (tag, _) in &scripts {
                    assert!(
                        tag.contains(&format!(r#"nonce="{nonce}""#)),
                        "{path}: {tag}"
                    );
                }
                nonces.push(nonce);
            }
            None => {
                // The cached document: the same bytes for everyone, its scripts by hash.
                for (_, text) in &scripts {
                    let hash = base64::engine::general_purpose::STANDARD
                        .encode(Sha256::digest(text.as_bytes()));
                    assert!(
                        policy.contains(&format!("'sha256-{hash}'")),
                        "{path}: {policy}"
                    );
                }
            }
        }
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");
        assert_eq!(headers[header::REFERRER_POLICY], "same-origin");
        assert_eq!(headers[header::CACHE_CONTROL], "private, no-cache");
    }
    assert_eq!(nonces.len(), 3, "the two cached responses carry no nonce");
    let mut distinct = nonces.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(
        distinct.len(),
        nonces.len(),
        "no two responses share a nonce: {nonces:?}"
    );
}

#[tokio::test]
async fn answers_and_errors_say_what_they_are_and_are_never_stored() {
    let app = spawn_app().await;
    let answer = app.call("load", &[]).await;
    assert_eq!(answer.headers()[header::CACHE_CONTROL], "no-store");
    assert_eq!(answer.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    let unknown = app.call("explode", &[]).await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert!(unknown.headers()[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let body = unknown.text().await.unwrap();
    assert_eq!(body, "No such endpoint.");
}

#[tokio::test]
async fn bytes_that_are_not_a_valid_name_are_refused_never_repaired() {
    let app = spawn_app().await;
    for body in [
        &b"name=%FF"[..],
        b"name=%C0%AF",
        b"name=%ED%A0%80",
        b"name=\xFF",
        b"name=%ZZ",
    ] {
        let response = app
            .client
            .post(app.url("/api/lists/create"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body.to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body:?}");
    }
    for name in [
        "\u{200B}",
        "\u{FEFF}",
        "\u{3164}",
        "\u{2800}",
        "\u{0301}",
        "abc\u{202E}gnp.exe",
    ] {
        let response = app.call("create", &[("name", name)]).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name:?}"
        );
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM lists").await, 0);
}

#[tokio::test]
async fn while_another_process_holds_the_write_lock_reads_go_on_and_writes_get_503() {
    let app = spawn_app_with(Options {
        configure: Some(|settings| settings.write_wait = Duration::from_millis(300)),
        ..Options::default()
    })
    .await;
    app.create("before").await;
    // Another process takes SQLite's write lock and keeps it.
    let lock = app.hold_write_lock().await;

    let document = app.get_text("/notes?q=before").await;
    assert!(
        document.contains("before"),
        "the page is read while the lock is held"
    );
    let loaded = app.call("load", &[]).await;
    assert_eq!(loaded.status(), 200);

    let write = app.call("create", &[("name", "while locked")]).await;
    assert_eq!(write.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(write.headers()[header::RETRY_AFTER], "1");
    let body: serde_json::Value = write.json().await.unwrap();
    assert_eq!(body, serde_json::json!("Busy"));

    lock.release().await;
    assert_eq!(app.call("create", &[("name", "after")]).await.status(), 200);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM lists WHERE name = 'while locked'")
            .await,
        0
    );
}

#[tokio::test]
async fn idle_connections_cannot_starve_a_real_request() {
    let app = spawn_app_with(Options {
        configure: Some(|settings| {
            settings.max_connections = Some(8);
            // Far longer than the client below waits: only closing idle connections to
            // make room can let the real request in.
            settings.header_read_timeout = Duration::from_secs(300);
        }),
        ..Options::default()
    })
    .await;
    // A busy connection: an open event stream, which must survive the flood.
    let mut events = TcpStream::connect(app.address).await.unwrap();
    let head = format!(
        "GET /api/lists/events HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\n\r\n",
        app.address
    );
    events.write_all(head.as_bytes()).await.unwrap();
    let mut first = [0u8; 64];
    let read = events.read(&mut first).await.unwrap();
    assert!(String::from_utf8_lossy(&first[..read]).starts_with("HTTP/1.1 200"));
    // More idle sockets than the server keeps connections: they never send a byte.
    let mut idle = Vec::new();
    for _ in 0..20 {
        idle.push(TcpStream::connect(app.address).await.unwrap());
    }
    // A real request is answered long before any header deadline.
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let response = client
        .get(app.url("/notes"))
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), 200);
    // The oldest idle sockets were closed by the server to make room.
    let mut closed = 0;
    for socket in &mut idle[..4] {
        let mut buffer = [0u8; 1];
        if let Ok(Ok(0)) =
            tokio::time::timeout(Duration::from_secs(5), socket.read(&mut buffer)).await
        {
            closed += 1;
        }
    }
    assert_eq!(closed, 4);
    // The event stream, busy all along, was kept and still delivers.
    let created = client
        .post(app.url("/api/lists/create"))
        .form(&[("name", "after the flood")])
        .send()
        .await
        .expect("answered");
    assert_eq!(created.status(), 200);
    let mut delivered = String::new();
    let mut buffer = [0u8; 4096];
    while !delivered.contains("after the flood") {
        let read = tokio::time::timeout(Duration::from_secs(10), events.read(&mut buffer))
            .await
            .expect("the event arrives")
            .unwrap();
        assert_ne!(read, 0, "the event stream was closed");
        delivered.push_str(&String::from_utf8_lossy(&buffer[..read]));
    }
}

#[tokio::test]
async fn dribbled_headers_and_stalled_bodies_are_cut_off() {
    let app = spawn_app_with(Options {
        configure: Some(|settings| {
            settings.header_read_timeout = Duration::from_secs(1);
            settings.body_read_timeout = Duration::from_secs(1);
        }),
        ..Options::default()
    })
    .await;
    let mut slow = TcpStream::connect(app.address).await.unwrap();
    slow.write_all(b"GET /notes HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .await
        .unwrap();
    let mut rest = Vec::new();
    let ended = tokio::time::timeout(Duration::from_secs(10), slow.read_to_end(&mut rest)).await;
    assert!(ended.is_ok(), "a head that never ends is cut off");

    let mut stalled = TcpStream::connect(app.address).await.unwrap();
    let head = format!(
        "POST /api/lists/create HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nname=abcde",
        app.address
    );
    stalled.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let answered =
        tokio::time::timeout(Duration::from_secs(10), stalled.read_to_end(&mut answer)).await;
    assert!(answered.is_ok(), "a body that stops coming is cut off");
    assert!(!String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 200"));
    assert_eq!(app.count("SELECT COUNT(*) FROM lists").await, 0);
}

#[tokio::test]
async fn event_streams_past_the_cap_are_told_to_come_back() {
    let app = spawn_app_with(Options {
        configure: Some(|settings| settings.max_event_streams = Some(2)),
        ..Options::default()
    })
    .await;
    let open = |app: &TestApp| app.client.get(app.url("/api/lists/events")).send();
    let first = open(&app).await.unwrap();
    let second = open(&app).await.unwrap();
    assert_eq!(
        (first.status(), second.status()),
        (StatusCode::OK, StatusCode::OK)
    );
    let third = open(&app).await.unwrap();
    assert_eq!(third.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(third.headers()[header::RETRY_AFTER], "5");
    drop(first);
    // The closed event stream's place is given back.
    let mut reopened = None;
    for _ in 0..50 {
        let response = open(&app).await.unwrap();
        if response.status() == StatusCode::OK {
            reopened = Some(response);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(reopened.is_some());
}

#[tokio::test]
async fn a_create_sent_twice_with_its_key_makes_one_list() {
    let app = spawn_app().await;
    let key = "0123456789abcdef0123456789abcdef";
    let first: serde_json::Value = app
        .call("create", &[("name", "Once"), ("key", key)])
        .await
        .json()
        .await
        .unwrap();
    let again: serde_json::Value = app
        .call("create", &[("name", "Once"), ("key", key)])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(first, again, "the same list, at the same log position");
    assert_eq!(app.count("SELECT COUNT(*) FROM lists").await, 1);
    assert_eq!(log_length(&app).await, 1);
    let other: serde_json::Value = app
        .call(
            "create",
            &[
                ("name", "Once"),
                ("key", "fedcba9876543210fedcba9876543210"),
            ],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_ne!(
        other["list"]["id"], first["list"]["id"],
        "a new key is a new list"
    );
    let bad = app.call("create", &[("name", "x"), ("key", "short")]).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_form_without_javascript_creates_once_when_posted_twice() {
    let app = spawn_app().await;
    let document = app.client.get(app.url("/notes")).send().await.unwrap();
    let cookie = document.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let pair = cookie.split(';').next().unwrap().to_owned();
    for _ in 0..2 {
        let response = app
            .client
            .post(app.url("/api/lists/create"))
            .header("accept", "text/html")
            .header("referer", app.url("/notes"))
            .header(header::COOKIE, pair.as_str())
            .form(&[("name", "Posted twice")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303);
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM lists").await, 1);
    // Another document gets another key.
    let next = app.client.get(app.url("/notes")).send().await.unwrap();
    assert_ne!(next.headers()[header::SET_COOKIE].to_str().unwrap(), cookie);
}
