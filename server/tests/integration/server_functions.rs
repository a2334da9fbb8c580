//! The list server functions over real HTTP against a real SQLite file.

use crate::support;

use serde_json::{json, Value};
use support::spawn_app;

#[tokio::test]
async fn create_returns_the_trimmed_row_and_its_log_position() {
    let app = spawn_app().await;
    let created = app.create("  Groceries  ").await;
    assert_eq!(created["list"]["name"], "Groceries");
    assert_eq!(created["seq"], 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM lists WHERE name = 'Groceries'")
            .await,
        1
    );
}

#[tokio::test]
async fn refused_names_are_422_with_a_reason_and_write_nothing() {
    let app = spawn_app().await;
    let too_long = "x".repeat(81);
    for name in ["", "   ", "tab\there", too_long.as_str()] {
        let response = app.call("create", &[("name", name)]).await;
        assert_eq!(response.status(), 422, "{name:?}");
        let body: Value = response.json().await.unwrap();
        assert!(body.get("InvalidName").is_some(), "{body}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM lists").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM list_events").await, 0);
}

#[tokio::test]
async fn malformed_requests_are_400_not_500() {
    let app = spawn_app().await;
    assert_eq!(app.call("delete", &[("id", "abc")]).await.status(), 400);
    assert_eq!(app.call("rename", &[("id", "1")]).await.status(), 400);
    assert_eq!(app.call("create", &[]).await.status(), 400);
}

#[tokio::test]
async fn rename_changes_the_name_and_bumps_updated_at() {
    let app = spawn_app().await;
    let id = app.create("Old").await["list"]["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let before: String = sqlx::query_scalar("SELECT updated_at FROM lists")
        .fetch_one(app.db())
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let response = app.call("rename", &[("id", &id), ("name", " New ")]).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["list"], json!({ "id": 1, "name": "New" }));
    let (name, after): (String, String) = sqlx::query_as("SELECT name, updated_at FROM lists")
        .fetch_one(app.db())
        .await
        .unwrap();
    assert_eq!(name, "New");
    assert!(after > before, "{after} > {before}");
}

#[tokio::test]
async fn renaming_to_an_invalid_name_changes_nothing() {
    let app = spawn_app().await;
    app.create("Keep").await;
    let response = app.call("rename", &[("id", "1"), ("name", "")]).await;
    assert_eq!(response.status(), 422);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM lists WHERE name = 'Keep'")
            .await,
        1
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM list_events").await, 1);
}

#[tokio::test]
async fn unknown_ids_are_404_with_a_clear_message() {
    let app = spawn_app().await;
    for (endpoint, form) in [
        ("rename", vec![("id", "42"), ("name", "x")]),
        ("delete", vec![("id", "42")]),
        ("restore", vec![("id", "42")]),
    ] {
        let response = app.call(endpoint, &form).await;
        assert_eq!(response.status(), 404, "{endpoint}");
        assert_eq!(
            response.json::<Value>().await.unwrap(),
            json!({ "NotFound": 42 })
        );
    }
}

#[tokio::test]
async fn delete_is_soft_and_restore_brings_the_row_back() {
    let app = spawn_app().await;
    app.create("Trip").await;
    let deleted: Value = app
        .call("delete", &[("id", "1")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(deleted["list"]["name"], "Trip");
    assert_eq!(
        app.count("SELECT is_deleted FROM lists WHERE id = 1").await,
        1
    );

    let loaded: Value = app.call("load", &[]).await.json().await.unwrap();
    assert_eq!(loaded["lists"], json!([]));

    let restored: Value = app
        .call("restore", &[("id", "1")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(restored["seq"], 3);
    assert_eq!(
        app.count("SELECT is_deleted FROM lists WHERE id = 1").await,
        0
    );
}

#[tokio::test]
async fn deleting_twice_succeeds_and_logs_one_event() {
    let app = spawn_app().await;
    app.create("Once").await;
    assert_eq!(app.call("delete", &[("id", "1")]).await.status(), 200);
    assert_eq!(app.call("delete", &[("id", "1")]).await.status(), 200);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM list_events WHERE kind = 'deleted'")
            .await,
        1
    );
}

#[tokio::test]
async fn a_deleted_list_cannot_be_renamed() {
    let app = spawn_app().await;
    app.create("Gone").await;
    app.call("delete", &[("id", "1")]).await;
    assert_eq!(
        app.call("rename", &[("id", "1"), ("name", "Back")])
            .await
            .status(),
        404
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM lists WHERE name = 'Gone'")
            .await,
        1
    );
}

#[tokio::test]
async fn load_returns_active_lists_newest_first_with_their_position() {
    let app = spawn_app().await;
    for name in ["a", "b", "c"] {
        app.create(name).await;
    }
    app.call("delete", &[("id", "2")]).await;
    let loaded: Value = app.call("load", &[]).await.json().await.unwrap();
    assert_eq!(
        loaded,
        json!({
            "lists": [{ "id": 3, "name": "c" }, { "id": 1, "name": "a" }],
            "has_older": false,
            "has_newer": false,
            "position": 4
        })
    );
}

#[tokio::test]
async fn load_takes_a_search_and_a_start() {
    let app = spawn_app().await;
    for name in ["Tea", "Coffee", "Green tea", "Toffee"] {
        app.create(name).await;
    }
    let found: Value = app
        .call("load", &[("q", "TEA")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        found["lists"],
        json!([{ "id": 3, "name": "Green tea" }, { "id": 1, "name": "Tea" }])
    );
    let older: Value = app
        .call("load", &[("q", "ffee"), ("before", "4")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(older["lists"], json!([{ "id": 2, "name": "Coffee" }]));
    assert_eq!(older["has_newer"], true);
    let newer: Value = app
        .call("load", &[("after", "2")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(newer["lists"][0]["id"], 4);
    assert_eq!(newer["has_older"], true);
}

#[tokio::test]
async fn a_malformed_load_is_refused_with_a_reason() {
    let app = spawn_app().await;
    let both = app.call("load", &[("before", "4"), ("after", "1")]).await;
    assert_eq!(both.status(), 400);
    let long = "x".repeat(81);
    let too_long = app.call("load", &[("q", long.as_str())]).await;
    assert_eq!(too_long.status(), 422);
    let body: Value = too_long.json().await.unwrap();
    assert!(body.get("InvalidSearch").is_some(), "{body}");
    assert_eq!(app.call("load", &[("before", "soon")]).await.status(), 400);
}

#[tokio::test]
async fn every_change_is_logged_in_order_with_the_rows_new_state() {
    let app = spawn_app().await;
    app.create("a").await;
    app.call("rename", &[("id", "1"), ("name", "b")]).await;
    app.call("delete", &[("id", "1")]).await;
    app.call("restore", &[("id", "1")]).await;
    let log: Vec<(i64, String, String, bool)> =
        sqlx::query_as("SELECT seq, kind, name, is_deleted FROM list_events ORDER BY seq")
            .fetch_all(app.db())
            .await
            .unwrap();
    assert_eq!(
        log,
        vec![
            (1, "created".into(), "a".into(), false),
            (2, "renamed".into(), "b".into(), false),
            (3, "deleted".into(), "b".into(), true),
            (4, "restored".into(), "b".into(), false),
        ]
    );
}

#[tokio::test]
async fn a_plain_form_post_redirects_back_to_the_window() {
    let app = spawn_app().await;
    let response = app
        .post_like_a_form("create", &[("name", "From a form")])
        .await;
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap();
    let id = app.count("SELECT MAX(id) FROM lists").await;
    assert_eq!(location, format!("/notes#lists-{id}"));
    assert_eq!(app.count("SELECT COUNT(*) FROM lists").await, 1);
}

/// Where a form posted without JavaScript leads, and the document there.
async fn follow(app: &support::TestApp, response: reqwest::Response) -> (String, String) {
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let document = app.get_text(location.split('#').next().unwrap()).await;
    (location, document)
}

#[tokio::test]
async fn without_javascript_rename_delete_and_undo_come_back_to_the_same_window() {
    let app = spawn_app().await;
    for n in 1..=60 {
        app.create(&format!("List {n}")).await;
    }
    // The second page of the window: lists 10 to 1.
    let window = "/notes?before=11";
    let document = app.get_text(window).await;
    assert!(document.contains(r#"<input type="hidden" name="before" value="11""#));
    assert!(document.contains(r#"form="rename-list" name="rename" value="7""#));
    assert!(document.contains(r#"form="delete-list" name="id" value="7""#));
    assert!(document.contains(r#"action="/api/lists/delete""#));

    // Rename: the window with the row's name in a text box, then the save.
    let renaming = app.get_text("/notes?before=11&rename=7").await;
    assert!(renaming.contains(r#"name="name""#) && renaming.contains(r#"value="List 7""#));
    assert!(renaming.contains(r#"action="/api/lists/rename""#));
    assert!(renaming.contains(r#"aria-label="New name""#));
    let (location, document) = follow(
        &app,
        app.post_like_a_form_from(
            "/notes?before=11&rename=7",
            "rename",
            &[("id", "7"), ("name", "Renamed seven")],
            &[],
        )
        .await,
    )
    .await;
    assert_eq!(location, "/notes?before=11#lists-7");
    assert!(document.contains("Renamed seven") && document.contains(r#"id="lists-6""#));

    // Delete: gone from the same window, which offers Undo.
    let (location, document) = follow(
        &app,
        app.post_like_a_form_from(window, "delete", &[("id", "7")], &[])
            .await,
    )
    .await;
    assert_eq!(location, "/notes?before=11&deleted=7");
    assert!(!document.contains(r#"id="lists-7""#));
    assert!(
        document.contains("List deleted") && document.contains(r#"action="/api/lists/restore""#)
    );
    assert!(document.contains(r#"form="restore-list" name="id" value="7""#));

    // Undo: back in its place.
    let (location, document) = follow(
        &app,
        app.post_like_a_form_from(&location, "restore", &[("id", "7")], &[])
            .await,
    )
    .await;
    assert_eq!(location, "/notes?before=11#lists-7");
    assert!(document.contains(r#"id="lists-7""#) && !document.contains("List deleted"));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM lists WHERE is_deleted = 0")
            .await,
        60
    );
}

#[tokio::test]
async fn a_refused_rename_without_javascript_keeps_the_text_and_says_why() {
    let app = spawn_app().await;
    for n in 1..=3 {
        app.create(&format!("List {n}")).await;
    }
    let typed = "y".repeat(81);
    let (location, document) = follow(
        &app,
        app.post_like_a_form_from(
            "/notes?q=list&rename=2",
            "rename",
            &[("id", "2"), ("name", &typed)],
            &[],
        )
        .await,
    )
    .await;
    assert!(
        location.starts_with("/notes?q=list&rename=2&name=yyy"),
        "{location}"
    );
    assert!(
        !location.contains('#'),
        "autofocus needs no fragment: {location}"
    );
    assert!(
        document.contains(&format!(r#"value="{typed}""#)),
        "the text is kept"
    );
    assert!(document.contains("A list name can be at most 80 characters; this one has 81."));
    assert!(document.contains(r#"aria-invalid="true""#));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM lists WHERE name = 'List 2'")
            .await,
        1,
        "nothing changed"
    );
    // A rename of a list that is gone says so, on the same window.
    app.call("delete", &[("id", "2")]).await;
    let (_, document) = follow(
        &app,
        app.post_like_a_form_from(
            "/notes?rename=2",
            "rename",
            &[("id", "2"), ("name", "Tea")],
            &[],
        )
        .await,
    )
    .await;
    assert!(document.contains("List 2 was not found; it may have been removed."));
}

#[tokio::test]
async fn a_refused_form_post_redirects_with_the_error_and_the_document_shows_it() {
    let app = spawn_app().await;
    let response = app.post_like_a_form("create", &[("name", " ")]).await;
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.contains("__err="), "{location}");
    let document = app.get_text(&location).await;
    assert!(
        document.contains("Give the list a name."),
        "the page shows the reason"
    );
    assert!(document.contains(r#"aria-invalid="true""#));
    assert_eq!(app.count("SELECT COUNT(*) FROM lists").await, 0);
}

#[tokio::test]
async fn a_batch_applies_its_changes_in_order_answers_each_and_replays_as_the_first_time() {
    let app = spawn_app().await;
    app.create("kept").await;
    let batch = json!([
        {"key": "tab-0123456789abcdef-1", "kind": "created", "name": "Milk"},
        {"key": "tab-0123456789abcdef-2", "kind": "renamed", "id": 1, "name": "Kept, renamed"},
        {"key": "tab-0123456789abcdef-3", "kind": "deleted", "id": 2},
        {"key": "tab-0123456789abcdef-4", "kind": "renamed", "id": 99, "name": "Nowhere"},
        {"key": "tab-0123456789abcdef-5", "kind": "restored", "id": 2},
        {"key": "tab-0123456789abcdef-6", "kind": "created", "name": "   "},
    ])
    .to_string();
    let response = app.call("changes", &[("changes", batch.as_str())]).await;
    assert_eq!(response.status(), 200);
    let answers: Value = response.json().await.unwrap();
    assert_eq!(answers[0]["Ok"]["list"], json!({"id": 2, "name": "Milk"}));
    assert_eq!(answers[1]["Ok"]["list"]["name"], "Kept, renamed");
    assert_eq!(answers[2]["Ok"]["list"]["id"], 2);
    assert_eq!(answers[3]["Err"], json!({"NotFound": 99}), "answered alone");
    assert_eq!(answers[4]["Ok"]["seq"], 5, "in order: after the delete");
    assert_eq!(answers[5]["Err"], json!({"InvalidName": "Empty"}));
    assert_eq!(app.count("SELECT COUNT(*) FROM list_events").await, 5);

    let again: Value = app
        .call("changes", &[("changes", batch.as_str())])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again, answers, "the same answers");
    assert_eq!(app.count("SELECT COUNT(*) FROM list_events").await, 5);
    assert_eq!(app.count("SELECT COUNT(*) FROM lists").await, 2);
}

#[tokio::test]
async fn a_key_sent_again_with_another_change_is_422_and_says_why() {
    let app = spawn_app().await;
    let key = "0123456789abcdef0123456789abcdef";
    let first = app.call("create", &[("name", "Milk"), ("key", key)]).await;
    assert_eq!(first.status(), 200);
    let other = app.call("create", &[("name", "Eggs"), ("key", key)]).await;
    assert_eq!(other.status(), 422);
    assert_eq!(other.json::<Value>().await.unwrap(), json!("KeyReused"));
    let rename = app
        .call("rename", &[("id", "1"), ("name", "Eggs"), ("key", key)])
        .await;
    assert_eq!(rename.status(), 422);
    assert_eq!(app.count("SELECT COUNT(*) FROM lists").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM list_events").await, 1);
    let document = app.get_text("/notes").await;
    assert!(document.contains("Milk") && !document.contains("Eggs"));
}

#[tokio::test]
async fn a_batch_too_long_or_unreadable_is_refused_whole() {
    let app = spawn_app().await;
    let many: Vec<Value> = (0..=app::lists::BATCH_LIMIT)
        .map(
            |n| json!({"key": format!("tab-0123456789abcdef-{n}"), "kind": "created", "name": "x"}),
        )
        .collect();
    let many = Value::from(many).to_string();
    let too_many = app.call("changes", &[("changes", many.as_str())]).await;
    assert_eq!(too_many.status(), 400);
    let unreadable = app.call("changes", &[("changes", "[{")]).await;
    assert_eq!(unreadable.status(), 400);
    assert_eq!(app.count("SELECT COUNT(*) FROM lists").await, 0);
}
