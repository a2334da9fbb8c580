//! The document's language, as the server chooses and renders it.

use crate::support;

use support::spawn_app;

#[tokio::test]
async fn the_document_is_rendered_in_the_language_the_browser_asks_for() {
    let app = spawn_app().await;
    app.create("Einkaufen").await;
    let german = app
        .get_with("/notes", &[("accept-language", "de-CH, en;q=0.5")])
        .await;
    let vary = german.headers()["vary"].to_str().unwrap().to_owned();
    assert!(
        vary.contains("accept-language") && vary.contains("cookie"),
        "{vary}"
    );
    let german = german.text().await.unwrap();
    assert!(german.contains(r#"<html lang="de" dir="ltr""#), "{german}");
    assert!(german.contains("<title>Listen · async_streamer</title>"));
    assert!(german.contains(r#"aria-label="Listen""#));
    assert!(german.contains("Einkaufen"), "names are never translated");

    // The document of the first page is cached per language: English visitors still get
    // English.
    let english = app.get_text("/notes").await;
    assert!(english.contains(r#"<html lang="en" dir="ltr""#));
    assert!(english.contains(r#"aria-label="Lists""#));
    let arabic = app
        .get_with("/notes", &[("accept-language", "ar-EG")])
        .await;
    let arabic = arabic.text().await.unwrap();
    assert!(arabic.contains(r#"<html lang="ar" dir="rtl""#));
    assert!(arabic.contains("القوائم"));
}

#[tokio::test]
async fn the_switch_sets_the_cookie_and_goes_back_to_a_path_on_this_site_only() {
    let app = spawn_app().await;
    let response = app.get("/language?to=ar&back=%2Fnotes%3Fq%3Dtea").await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/notes?q=tea");
    let cookie = response.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("lang=ar;"), "{cookie}");
    assert!(
        cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
        "{cookie}"
    );

    let elsewhere = app.get("/language?to=de&back=%2F%2Fevil.example%2F").await;
    assert_eq!(elsewhere.headers()["location"], "/notes");

    let chosen = app.get_with("/notes", &[("cookie", "lang=ar")]).await;
    assert!(chosen.text().await.unwrap().contains(r#"dir="rtl""#));
}

#[tokio::test]
async fn an_unknown_language_is_refused_in_the_visitor_s_language() {
    let app = spawn_app().await;
    let refused = app
        .get_with("/language?to=xx", &[("accept-language", "de")])
        .await;
    assert_eq!(refused.status(), 400);
    assert!(!refused.headers().contains_key("set-cookie"));
    assert_eq!(
        refused.text().await.unwrap(),
        "Die Anfrage wurde nicht verstanden."
    );
    let refused = app.get("/language").await;
    assert_eq!(refused.status(), 400);
    assert_eq!(
        refused.text().await.unwrap(),
        "The request was not understood."
    );
}

#[tokio::test]
async fn a_refused_form_post_explains_itself_in_the_document_s_language() {
    let app = spawn_app().await;
    let response = app
        .post_like_a_form_with("create", &[("name", " ")], &[("cookie", "lang=de")])
        .await;
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let document = app.get_with(&location, &[("cookie", "lang=de")]).await;
    let document = document.text().await.unwrap();
    assert!(
        document.contains("Gib der Liste einen Namen."),
        "{document}"
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM lists").await, 0);
}

#[tokio::test]
async fn refusals_are_in_the_visitor_s_language_too() {
    let app = spawn_app().await;
    let missing = app.get_with("/nowhere", &[("accept-language", "de")]).await;
    assert_eq!(missing.status(), 404);
    assert_eq!(
        missing.text().await.unwrap(),
        "Nicht gefunden. Die Listen sind unter /notes."
    );
    let cross_site = app
        .client
        .post(app.url("/api/lists/create"))
        .header("sec-fetch-site", "cross-site")
        .header("cookie", "lang=ar")
        .form(&[("name", "from elsewhere")])
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), 403);
    assert_eq!(
        cross_site.text().await.unwrap(),
        "لا تُقبل التغييرات إلا من صفحات هذا الموقع نفسه."
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM lists").await, 0);
}
