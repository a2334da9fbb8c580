//! The `/notes` document as the server sends it: in parts, as it is rendered.

use crate::support;

use futures::StreamExt;
use std::time::Duration;
use support::{spawn_app, spawn_app_with, Options};

fn rows_in(html: &str) -> Vec<&str> {
    html.match_indices(r#"<li id="lists-"#)
        .map(|(at, _)| {
            let rest = &html[at + 14..];
            &rest[..rest.find('"').unwrap_or(0)]
        })
        .collect()
}

#[tokio::test]
async fn the_skeleton_is_in_the_first_bytes_and_the_rows_follow_in_the_same_response() {
    let app = spawn_app_with(Options {
        latency: Duration::from_millis(400),
        ..Options::default()
    })
    .await;
    app.create("Streamed").await;
    let response = app.client.get(app.url("/notes")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let mut body = response.bytes_stream();
    let mut first = String::new();
    // The first chunks hold the document up to the skeleton, sent before the query ends.
    while !first.contains("</body>") {
        let chunk = body.next().await.expect("more bytes").unwrap();
        first.push_str(&String::from_utf8_lossy(&chunk));
    }
    let skeleton = &first[first.find(r#"aria-busy="true""#).expect("skeleton")..];
    let skeleton = &skeleton[..skeleton.find("</ul>").unwrap()];
    assert_eq!(skeleton.matches("<li").count(), 10);
    assert!(rows_in(&first).is_empty(), "no rows before the load ends");

    let mut rest = String::new();
    while let Some(chunk) = body.next().await {
        rest.push_str(&String::from_utf8_lossy(&chunk.unwrap()));
    }
    assert_eq!(rows_in(&rest), vec!["1"]);
    assert!(rest.contains("Streamed"));
}

#[tokio::test]
async fn rows_are_newest_first_with_keyed_stream_dom_ids() {
    let app = spawn_app().await;
    for name in ["first", "second", "third"] {
        app.create(name).await;
    }
    let html = app.get_text("/notes").await;
    assert_eq!(rows_in(&html), vec!["3", "2", "1"]);
    assert!(html.contains(r#"aria-label="Lists""#));
}

#[tokio::test]
async fn names_are_rendered_as_text_never_markup() {
    let app = spawn_app().await;
    app.create("<b>bold</b><script>alert(1)</script>").await;
    let html = app.get_text("/notes").await;
    assert!(!html.contains("<b>bold</b>"));
    assert!(!html.contains("<script>alert(1)"));
    assert!(html.contains("&lt;b&gt;bold&lt;/b&gt;"));
}

#[tokio::test]
async fn an_empty_database_shows_the_empty_state_not_an_error() {
    let app = spawn_app().await;
    let html = app.get_text("/notes").await;
    assert!(html.contains("No lists yet"));
    assert!(!html.contains("Error fetching data"));
}

#[tokio::test]
async fn a_failed_load_renders_the_error_with_retry() {
    let app = spawn_app_with(Options {
        failure_rate: 1.0,
        ..Options::default()
    })
    .await;
    app.create("hidden").await;
    let html = app.get_text("/notes").await;
    assert!(html.contains(r#"role="alert""#));
    assert!(html.contains("Error fetching data"));
    assert!(html.contains("Retry"));
    assert!(rows_in(&html).is_empty());
}

#[tokio::test]
async fn the_root_leads_to_notes_and_unknown_paths_are_404() {
    let app = spawn_app().await;
    let root = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(root.status(), 308);
    assert_eq!(root.headers()["location"], "/notes");
    let missing = app.client.get(app.url("/nowhere")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn the_cached_document_follows_every_change() {
    let app = spawn_app().await;
    app.create("one").await;
    let first = app.get_text("/notes").await;
    assert_eq!(
        app.get_text("/notes").await,
        first,
        "served again unchanged"
    );
    app.create("two").await;
    assert_eq!(rows_in(&app.get_text("/notes").await), vec!["2", "1"]);
    app.call("rename", &[("id", "1"), ("name", "uno")]).await;
    assert!(app.get_text("/notes").await.contains("uno"));
    app.call("delete", &[("id", "2")]).await;
    assert_eq!(rows_in(&app.get_text("/notes").await), vec!["1"]);
}

#[tokio::test]
async fn writes_by_another_process_reach_the_document_through_the_log() {
    let app = spawn_app().await;
    app.create("one").await;
    assert_eq!(rows_in(&app.get_text("/notes").await), vec!["1"]);
    // `app.store` has its own pool and cache, as a second server instance would.
    let name = app::lists::ListName::parse("from elsewhere").unwrap();
    app.store
        .apply(&app::lists::ListChange::Create(name), None)
        .await
        .unwrap();
    let mut seen = false;
    for _ in 0..40 {
        if rows_in(&app.get_text("/notes").await) == vec!["2", "1"] {
            seen = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(seen, "the other process's list shows up within 2 s");
}

#[tokio::test]
async fn a_failed_load_is_never_served_from_the_cache() {
    let app = spawn_app().await;
    app.create("one").await;
    sqlx::query("ALTER TABLE lists RENAME TO lists_away")
        .execute(app.db())
        .await
        .unwrap();
    let broken = app.get_text("/notes").await;
    assert!(broken.contains("Error fetching data"));
    sqlx::query("ALTER TABLE lists_away RENAME TO lists")
        .execute(app.db())
        .await
        .unwrap();
    let healed = app.get_text("/notes").await;
    assert_eq!(rows_in(&healed), vec!["1"]);
}

#[tokio::test]
async fn rows_that_are_ready_are_rendered_in_place_without_a_skeleton() {
    let app = spawn_app().await;
    app.create("At once").await;
    let html = app.get_text("/notes").await;
    assert_eq!(rows_in(&html), vec!["1"]);
    // In place: not in a <template> swapped in by a script, so it shows without JavaScript.
    let row = html.find(r#"<li id="lists-1""#).unwrap();
    assert!(
        !html[..row].contains("<template"),
        "the row is not inside a template"
    );
}

/// Without JavaScript a late row sent out of order (in a `<template>` a script swaps in)
/// never shows, and these documents are where a browser without it navigates.
fn shown_without_javascript(html: &str) -> bool {
    !html.contains("<template") && !html.contains(r#"aria-busy="true""#)
}

#[tokio::test]
async fn documents_with_a_query_show_their_rows_in_place_however_slow_the_load() {
    let app = spawn_app_with(Options {
        latency: Duration::from_millis(300),
        ..Options::default()
    })
    .await;
    for name in ["list one", "list two", "list three"] {
        app.create(name).await;
    }
    for (path, rows) in [
        ("/notes?before=3", vec!["2", "1"]),
        ("/notes?after=1", vec!["3", "2"]),
        ("/notes?q=list+t", vec!["3", "2"]),
    ] {
        let html = app.get_text(path).await;
        assert_eq!(rows_in(&html), rows, "{path}");
        assert!(shown_without_javascript(&html), "{path}: {html}");
    }
    // The plain document is still sent in parts: skeleton first.
    let first = app.get_text("/notes").await;
    assert!(!shown_without_javascript(&first));
}

#[tokio::test]
async fn a_failed_load_of_a_document_with_a_query_shows_its_error_in_place() {
    let app = spawn_app_with(Options {
        failure_rate: 1.0,
        latency: Duration::from_millis(100),
        ..Options::default()
    })
    .await;
    let html = app.get_text("/notes?before=3").await;
    assert!(html.contains("Error fetching data"));
    assert!(shown_without_javascript(&html), "{html}");
}

#[tokio::test]
async fn pages_of_fifty_follow_their_bounds_and_link_to_their_neighbours() {
    let app = spawn_app().await;
    let store = &app.store;
    let names: Vec<_> = (1..=120)
        .map(|n| app::lists::ListName::parse(&format!("list {n}")).unwrap())
        .collect();
    store.insert_many(&names).await.unwrap();
    let first = app.get_text("/notes").await;
    assert_eq!(rows_in(&first).len(), 50);
    assert_eq!(rows_in(&first)[0], "120");
    assert!(first.contains(r#"href="/notes?before=71""#));
    assert!(!first.contains("Newer lists"));

    let older = app.get_text("/notes?before=71").await;
    assert_eq!(rows_in(&older).first(), Some(&"70"));
    assert_eq!(rows_in(&older).last(), Some(&"21"));
    assert!(older.contains(r#"href="/notes?after=70""#));
    assert!(older.contains(r#"href="/notes?before=21""#));

    let last = app.get_text("/notes?before=21").await;
    assert_eq!(rows_in(&last).len(), 20);
    assert!(last.contains("No more lists"));

    let newer = app.get_text("/notes?after=20").await;
    assert_eq!(rows_in(&newer).first(), Some(&"70"));
    assert_eq!(rows_in(&newer).last(), Some(&"21"));
}

#[tokio::test]
async fn a_search_is_rendered_by_the_server_and_keeps_the_term() {
    let app = spawn_app().await;
    for name in ["Green tea", "Coffee", "Iced TEA"] {
        app.create(name).await;
    }
    let html = app.get_text("/notes?q=tea").await;
    assert_eq!(rows_in(&html), vec!["3", "1"]);
    assert!(html.contains(r#"value="tea""#));
    let none = app.get_text("/notes?q=zzz").await;
    assert!(rows_in(&none).is_empty());
    assert!(none.contains("No lists match"));
}

#[tokio::test]
async fn a_malformed_notes_address_is_a_400_with_a_reason() {
    let app = spawn_app().await;
    for query in ["before=abc", "before=1&after=2", "q=a%09b"] {
        let response = app
            .client
            .get(app.url(&format!("/notes?{query}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{query}");
        assert!(!response.text().await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn the_document_is_compressed_as_the_client_accepts_and_still_sent_in_parts() {
    let app = spawn_app_with(Options {
        latency: Duration::from_millis(400),
        ..Options::default()
    })
    .await;
    app.create("Compressed").await;
    let response = app
        .client
        .get(app.url("/notes"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-encoding"], "gzip");
    let vary: Vec<_> = response.headers().get_all("vary").iter().collect();
    for depends_on in ["accept-encoding", "accept-language", "cookie"] {
        assert!(
            vary.iter()
                .any(|value| value.to_str().unwrap().contains(depends_on)),
            "{vary:?}"
        );
    }
    let mut body = response.bytes_stream();
    // The first chunk decodes on its own to the skeleton, without the rows: it was sent
    // (and flushed by the encoder) before the load finished.
    let first = body.next().await.expect("a first chunk").unwrap();
    let mut decoder = flate2::write::GzDecoder::new(Vec::new());
    use std::io::Write;
    decoder.write_all(&first).unwrap();
    decoder.flush().unwrap();
    let skeleton = String::from_utf8_lossy(decoder.get_ref()).into_owned();
    assert!(skeleton.contains(r#"aria-busy="true""#), "{skeleton}");
    assert!(!skeleton.contains("Compressed"), "the rows come later");
    let mut rest = Vec::new();
    while let Some(chunk) = body.next().await {
        rest.extend_from_slice(&chunk.unwrap());
    }
    decoder.write_all(&rest).unwrap();
    let document = String::from_utf8(decoder.finish().unwrap()).unwrap();
    assert!(document.contains("Compressed"));
    assert!(document.ends_with("</html>") || document.contains("</body>"));
}

#[tokio::test]
async fn the_cached_document_is_served_compressed_too() {
    let app = spawn_app().await;
    app.create("Cached").await;
    let plain = app.get_text("/notes").await;
    let response = app
        .client
        .get(app.url("/notes"))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-encoding"], "br");
    let packed = response.bytes().await.unwrap();
    let mut unpacked = String::new();
    use std::io::Read;
    brotli::Decompressor::new(&packed[..], 4096)
        .read_to_string(&mut unpacked)
        .unwrap();
    assert_eq!(unpacked, plain);
    // A few kilobytes of HTML: brotli takes it well below half.
    assert!(
        packed.len() < plain.len() / 2,
        "{} of {}",
        packed.len(),
        plain.len()
    );
}
