//! The operator's view: `/metrics` counts exactly the traffic it saw, on its own address
//! only, in a format Prometheus' own checker accepts; requests carry ids; `/status` and
//! its feed serve operators only, with a sample of every figure each second.

use crate::support::{spawn_app_with, Backend, Options, TestApp};
use futures::StreamExt;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::Duration;

fn with_metrics(settings: &mut server::config::Settings) {
    settings.metrics_addr = Some("127.0.0.1:0".parse().unwrap());
    settings.max_event_streams = Some(1);
    settings.write_wait = Duration::from_millis(300);
}

async fn scrape(app: &TestApp) -> String {
    let address = app.metrics.expect("the metrics are served");
    let response = reqwest::get(format!("http://{address}/metrics"))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain; version=0.0.4"));
    response.text().await.unwrap()
}

/// The value of the series written exactly as `series` (name and labels), 0 if absent.
fn value(scrape: &str, series: &str) -> f64 {
    scrape
        .lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .map_or(0.0, |value| value.trim().parse().unwrap())
}

/// How much each series moved between two scrapes.
fn moved(before: &str, after: &str, series: &str) -> f64 {
    value(after, series) - value(before, series)
}

#[tokio::test]
async fn metrics_count_exactly_the_traffic_they_saw() {
    let app = spawn_app_with(Options {
        configure: Some(with_metrics),
        ..Options::default()
    })
    .await;
    let before = scrape(&app).await;

    // Pages: three of the newest page (one render, kept, then served again), one search.
    for _ in 0..3 {
        assert_eq!(app.get("/notes").await.status(), 200);
    }
    assert_eq!(app.get("/notes?q=tea").await.status(), 200);
    // Creates, a refused rename, a batch sent twice (the second replayed).
    app.create("first").await;
    app.create("second").await;
    let refused = app
        .call("rename", &[("id", "99"), ("name", "Nowhere")])
        .await;
    assert_eq!(refused.status(), 404);
    let batch =
        json!([{"key": "tab-0123456789abcdef-1", "kind": "created", "name": "Milk"}]).to_string();
    for _ in 0..2 {
        let sent = app.call("changes", &[("changes", batch.as_str())]).await;
        assert_eq!(sent.status(), 200);
    }
    // A busy write: another process holds SQLite's write lock past the write wait.
    let lock = app.hold_write_lock().await;
    let busy = app.call("create", &[("name", "while locked")]).await;
    assert_eq!(busy.status(), StatusCode::SERVICE_UNAVAILABLE);
    lock.release().await;
    // The one event stream place taken, and a second stream refused.
    let open = app.get("/api/lists/events").await;
    assert_eq!(open.status(), 200);
    let refused_stream = app.get("/api/lists/events").await;
    assert_eq!(refused_stream.status(), StatusCode::SERVICE_UNAVAILABLE);
    drop(refused_stream.bytes().await);

    // The feed broadcasts the three creates as it tails the log: wait for it.
    let mut after = scrape(&app).await;
    for _ in 0..50 {
        if value(&after, r#"feed_events_total{feed="lists"}"#) >= 3.0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        after = scrape(&app).await;
    }
    let moved = |series: &str| moved(&before, &after, series);
    let requests = |route: &str, method: &str, status: u16| {
        moved(&format!(
            r#"http_requests_total{{route="{route}",method="{method}",status="{status}"}}"#
        ))
    };
    assert_eq!(requests("/notes", "GET", 200), 4.0);
    assert_eq!(requests("/api/lists/create", "POST", 200), 2.0);
    assert_eq!(requests("/api/lists/create", "POST", 503), 1.0);
    assert_eq!(requests("/api/lists/rename", "POST", 404), 1.0);
    assert_eq!(requests("/api/lists/changes", "POST", 200), 2.0);
    assert_eq!(requests("/api/lists/events", "GET", 503), 1.0);
    assert_eq!(
        requests("/api/lists/events", "GET", 200),
        0.0,
        "an event stream is counted when it ends"
    );
    assert_eq!(
        moved(r#"http_request_duration_seconds_count{route="/notes"}"#),
        4.0
    );
    let cache = |result: &str| {
        moved(&format!(
            r#"document_cache_requests_total{{result="{result}"}}"#
        ))
    };
    assert_eq!(cache("bypass"), 1.0, "a search is never kept");
    assert_eq!(cache("hit") + cache("miss"), 3.0);
    assert!(cache("miss") >= 1.0, "the first is rendered");

    let changes = |kind: &str, outcome: &str| {
        moved(&format!(
            r#"store_changes_total{{kind="{kind}",outcome="{outcome}"}}"#
        ))
    };
    assert_eq!(changes("created", "applied"), 3.0);
    assert_eq!(changes("created", "replayed"), 1.0);
    assert_eq!(changes("created", "busy"), 1.0);
    assert_eq!(changes("renamed", "refused"), 1.0);
    assert_eq!(moved("store_change_duration_seconds_count"), 6.0);
    assert_eq!(moved("store_change_batch_size_count"), 2.0);
    assert_eq!(moved("store_change_batch_size_sum"), 2.0);
    assert_eq!(
        moved(r#"db_pool_acquire_duration_seconds_count{role="write"}"#),
        6.0,
        "one wait for the writer per change: a replay and a refusal are found inside a write"
    );

    assert_eq!(value(&after, r#"event_streams_open{feed="lists"}"#), 1.0);
    assert_eq!(moved(r#"event_streams_refused_total{feed="lists"}"#), 1.0);
    assert_eq!(moved(r#"feed_events_total{feed="lists"}"#), 3.0);
    assert_eq!(moved(r#"feed_fan_out_seconds_count{feed="lists"}"#), 3.0);

    assert_eq!(
        value(&after, r#"db_pool_max_connections{pool="writer"}"#),
        1.0
    );
    assert!(value(&after, "process_resident_memory_bytes") > 1e6);
    assert!(value(&after, "process_open_fds") > 3.0);
    drop(open);
}

#[tokio::test]
#[ignore = "needs PostgreSQL: set POSTGRES_URL and pass --include-ignored (scripts/test.sh does both)"]
async fn postgres_numbering_is_counted() {
    let app = spawn_app_with(Options {
        backend: Backend::Postgres,
        configure: Some(with_metrics),
        ..Options::default()
    })
    .await;
    let before = scrape(&app).await;
    for name in ["one", "two", "three"] {
        app.create(name).await;
    }
    let after = scrape(&app).await;
    let moved = |series: &str| moved(&before, &after, series);
    assert_eq!(
        moved(r#"store_changes_total{kind="created",outcome="applied"}"#),
        3.0
    );
    assert_eq!(
        moved("sequencer_numbering_lag_seconds_count"),
        3.0,
        "each create learns its position once"
    );
    let runs = moved("sequencer_run_duration_seconds_count");
    assert!(
        (1.0..=3.0).contains(&runs),
        "a create's position comes from a run, which may number several: {runs}"
    );
    let role = |role: &str| value(&after, &format!(r#"sequencer_role{{role="{role}"}}"#));
    assert_eq!(role("alone") + role("leads") + role("follows"), 1.0);
    assert_eq!(role("follows"), 0.0, "no other instance to follow");
    assert!(value(&after, r#"db_pool_max_connections{pool="shared"}"#) >= 1.0);
}

#[tokio::test]
async fn a_client_that_leaves_before_its_answer_is_counted_as_499() {
    let app = spawn_app_with(Options {
        configure: Some(with_metrics),
        ..Options::default()
    })
    .await;
    let before = scrape(&app).await;
    // The write lock held elsewhere keeps the create waiting (for the write wait); the
    // client gives up long before.
    let lock = app.hold_write_lock().await;
    let gave_up = app
        .client
        .post(app.url("/api/lists/create"))
        .form(&[("name", "never waited for")])
        .timeout(Duration::from_millis(50))
        .send()
        .await;
    assert!(gave_up.is_err(), "the client left first");
    tokio::time::sleep(Duration::from_millis(500)).await;
    lock.release().await;
    let series = r#"http_requests_total{route="/api/lists/create",method="POST",status="499"}"#;
    let mut after = scrape(&app).await;
    for _ in 0..20 {
        if value(&after, series) > value(&before, series) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        after = scrape(&app).await;
    }
    assert_eq!(moved(&before, &after, series), 1.0);
    let answered = r#"http_requests_total{route="/api/lists/create",method="POST",status="503"}"#;
    assert_eq!(moved(&before, &after, answered), 0.0, "counted once");
}

#[tokio::test]
async fn metrics_are_served_only_on_their_own_address() {
    let app = spawn_app_with(Options {
        configure: Some(with_metrics),
        ..Options::default()
    })
    .await;
    assert_eq!(app.get("/metrics").await.status(), 404);
    assert!(scrape(&app).await.contains("http_requests_total"));

    let without = crate::support::spawn_app().await;
    assert_eq!(without.metrics, None, "off unless METRICS_ADDR is set");
    assert_eq!(without.get("/metrics").await.status(), 404);
}

#[tokio::test]
#[ignore = "needs Prometheus' promtool: pass --include-ignored with it installed (scripts/test.sh does both)"]
async fn promtool_accepts_the_metrics() {
    let app = spawn_app_with(Options {
        configure: Some(with_metrics),
        ..Options::default()
    })
    .await;
    app.create("one").await;
    app.get("/notes").await;
    let text = scrape(&app).await;
    let mut check = std::process::Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("promtool is installed (Debian's prometheus package)");
    {
        use std::io::Write;
        let mut stdin = check.stdin.take().unwrap();
        stdin.write_all(text.as_bytes()).unwrap();
    }
    let output = check.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "promtool found problems:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test]
async fn every_response_carries_its_request_id_and_only_trusted_proxies_choose_it() {
    let app = crate::support::spawn_app().await;
    let id = |response: &reqwest::Response| {
        response.headers()["x-request-id"]
            .to_str()
            .unwrap()
            .to_owned()
    };
    let first = id(&app.get("/healthz").await);
    let second = id(&app.get("/healthz").await);
    assert_ne!(first, second);
    let chosen = app
        .get_with("/healthz", &[("x-request-id", "from-the-visitor")])
        .await;
    assert_ne!(
        id(&chosen),
        "from-the-visitor",
        "nobody is trusted by default"
    );

    let behind_a_proxy = spawn_app_with(Options {
        configure: Some(|settings| settings.trusted_proxies = vec!["127.0.0.1".parse().unwrap()]),
        ..Options::default()
    })
    .await;
    let kept = behind_a_proxy
        .get_with("/healthz", &[("x-request-id", "nginx-4f2a")])
        .await;
    assert_eq!(id(&kept), "nginx-4f2a");
    let odd = behind_a_proxy
        .get_with("/healthz", &[("x-request-id", "two words")])
        .await;
    assert_ne!(id(&odd), "two words", "only a plain token is kept");
}

#[tokio::test]
async fn the_status_screen_is_for_operators_only() {
    let app = crate::support::spawn_app().await;
    let screen = app.get("/status").await;
    assert_eq!(screen.status(), 200);
    assert_eq!(screen.headers()["cache-control"], "no-store");
    let document = screen.text().await.unwrap();
    assert!(document.contains(r#"data-screen="status""#));
    assert!(document.contains("Live pages"));
    assert!(document.contains("<title>Status · async_streamer</title>"));

    for header in ["x-forwarded-for", "forwarded", "x-real-ip"] {
        for path in ["/status", "/api/status/events"] {
            let proxied = app.get_with(path, &[(header, "203.0.113.9")]).await;
            assert_eq!(proxied.status(), 403, "{path} through a proxy ({header})");
            let sentence = proxied.text().await.unwrap();
            assert!(sentence.contains("operators only"), "{sentence}");
        }
    }
    let german = app
        .get_with(
            "/status",
            &[
                ("x-forwarded-for", "203.0.113.9"),
                ("accept-language", "de"),
            ],
        )
        .await;
    assert!(german.text().await.unwrap().contains("nur für Betreiber"));
}

#[tokio::test]
async fn the_status_feed_sends_every_figure_each_second() {
    let app = crate::support::spawn_app().await;
    let response = app.get("/api/status/events?after=0").await;
    assert_eq!(response.status(), 200);
    let mut body = response.bytes_stream();
    let mut text = String::new();
    let mut samples: Vec<Value> = Vec::new();
    let created = app.create("counted").await;
    assert_eq!(created["list"]["name"], "counted");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    // Until a sample has counted the create, or the deadline.
    while !samples
        .iter()
        .any(|sample| sample["values"][6].as_f64() > Some(0.0))
    {
        let chunk = tokio::time::timeout_at(deadline, body.next())
            .await
            .expect("a sample each second")
            .unwrap()
            .unwrap();
        text.push_str(std::str::from_utf8(&chunk).unwrap());
        while let Some(end) = text.find("\n\n") {
            let frame: String = text.drain(..end + 2).collect();
            if let Some(data) = frame.lines().find_map(|line| line.strip_prefix("data: ")) {
                samples.push(serde_json::from_str(data).unwrap());
            }
        }
    }
    let seconds: Vec<i64> = samples
        .iter()
        .map(|sample| sample["second"].as_i64().unwrap())
        .collect();
    assert!(
        seconds.windows(2).all(|pair| pair[0] < pair[1]),
        "{seconds:?}"
    );
    assert!(
        samples
            .iter()
            .all(|sample| sample["values"].as_array().unwrap().len()
                == app::status::Figure::ALL.len())
    );
}

/// The binary with JSON logs, as a log collector reads them: every line a request writes
/// names it, a failure included.
#[tokio::test]
async fn json_logs_name_the_request_each_line_came_from() {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let mut server = tokio::process::Command::new(env!("CARGO_BIN_EXE_async-streamer"))
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/lists.db", dir.path().display()),
        )
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .env("LEPTOS_SITE_ROOT", dir.path())
        .env("LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        // Every load fails, and says so in the log.
        .env("SIMULATED_FAILURE_RATE", "1")
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(server.stderr.take().unwrap()).lines();
    let mut next_line = async || -> Value {
        let line = tokio::time::timeout(Duration::from_secs(10), lines.next_line())
            .await
            .expect("a log line")
            .unwrap()
            .expect("the server is running");
        serde_json::from_str(&line).unwrap_or_else(|_| panic!("not JSON: {line}"))
    };
    let address = loop {
        let line = next_line().await;
        let message = line["fields"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if let Some(address) = message.strip_prefix("listening on http://") {
            break address.trim_end_matches("/notes").to_owned();
        }
    };
    let response = reqwest::get(format!("http://{address}/notes"))
        .await
        .unwrap();
    let id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    drop(response.bytes().await);
    let mut seen = Vec::new();
    while seen.len() < 2 {
        let line = next_line().await;
        if line["span"]["id"] == id.as_str() {
            assert_eq!(line["span"]["route"], "/notes");
            seen.push(line["fields"]["message"].as_str().unwrap().to_owned());
        }
    }
    assert_eq!(seen, ["lists load failed on purpose", "answered"]);
}
