//! Built front-end files: precompressed variants and cache lifetimes.

use axum::body::Body;
use http::{header, Request, StatusCode};
use tower::ServiceExt;

fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let pkg = dir.path().join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(pkg.join("app.abc123.wasm"), b"raw wasm bytes").unwrap();
    std::fs::write(pkg.join("app.abc123.wasm.br"), b"brotli bytes").unwrap();
    std::fs::write(pkg.join("app.abc123.wasm.gz"), b"gzip bytes").unwrap();
    std::fs::write(dir.path().join("robots.txt"), b"User-agent: *").unwrap();
    dir
}

async fn get(
    router: axum::Router,
    path: &str,
    encoding: Option<&str>,
) -> (StatusCode, http::HeaderMap, Vec<u8>) {
    let mut request = Request::get(path);
    if let Some(encoding) = encoding {
        request = request.header(header::ACCEPT_ENCODING, encoding);
    }
    let response = router
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, headers, body.to_vec())
}

#[tokio::test]
async fn brotli_is_served_when_accepted() {
    let dir = site();
    let router = server::assets::routes(dir.path(), "pkg", true);
    let (status, headers, body) = get(router, "/pkg/app.abc123.wasm", Some("gzip, br")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_ENCODING], "br");
    assert_eq!(headers[header::CONTENT_TYPE], "application/wasm");
    assert_eq!(body, b"brotli bytes");
}

#[tokio::test]
async fn gzip_is_the_fallback_and_identity_the_last_resort() {
    let dir = site();
    let router = server::assets::routes(dir.path(), "pkg", true);
    let (_, headers, body) = get(router.clone(), "/pkg/app.abc123.wasm", Some("gzip")).await;
    assert_eq!(headers[header::CONTENT_ENCODING], "gzip");
    assert_eq!(body, b"gzip bytes");
    let (_, headers, body) = get(router, "/pkg/app.abc123.wasm", None).await;
    assert!(headers.get(header::CONTENT_ENCODING).is_none());
    assert_eq!(body, b"raw wasm bytes");
}

#[tokio::test]
async fn hashed_files_are_cached_for_a_year_and_others_revalidated() {
    let dir = site();
    let (_, headers, _) = get(
        server::assets::routes(dir.path(), "pkg", true),
        "/pkg/app.abc123.wasm",
        None,
    )
    .await;
    assert_eq!(
        headers[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    let (_, headers, _) = get(
        server::assets::routes(dir.path(), "pkg", false),
        "/pkg/app.abc123.wasm",
        None,
    )
    .await;
    assert_eq!(headers[header::CACHE_CONTROL], "no-cache");
    let (status, headers, _) = get(
        server::assets::routes(dir.path(), "pkg", true),
        "/robots.txt",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CACHE_CONTROL], "no-cache");
}

#[tokio::test]
async fn missing_files_are_404() {
    let dir = site();
    let (status, _, _) = get(
        server::assets::routes(dir.path(), "pkg", true),
        "/pkg/nope.js",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// The `const NAME = …;` line of the service worker, as written for a build.
fn worker_line(script: &str, name: &str) -> String {
    let start = format!("const {name} = ");
    script
        .lines()
        .find_map(|line| line.strip_prefix(&start))
        .unwrap_or_else(|| panic!("no {name} in the worker"))
        .trim_end_matches(';')
        .to_owned()
}

#[tokio::test]
async fn the_service_worker_is_written_for_the_build_and_versioned_by_its_files() {
    let dir = site();
    let (status, headers, body) = get(
        server::assets::routes(dir.path(), "pkg", true),
        "/sw.js",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers[header::CONTENT_TYPE],
        "text/javascript; charset=utf-8"
    );
    assert_eq!(headers[header::CACHE_CONTROL], "no-cache");
    assert_eq!(
        headers[header::CONTENT_SECURITY_POLICY],
        "default-src 'self'"
    );
    let script = String::from_utf8(body).unwrap();
    // Every file of the build, once: not the compressed copies.
    assert_eq!(worker_line(&script, "FILES"), r#"["/pkg/app.abc123.wasm"]"#);
    assert_eq!(worker_line(&script, "PAGE"), "'/notes'");
    let version = worker_line(&script, "VERSION");
    assert!(!script.contains("__"), "every placeholder is filled");

    // The same build, the same worker; a new build (new hashed names), a new version.
    let (_, _, again) = get(
        server::assets::routes(dir.path(), "pkg", true),
        "/sw.js",
        None,
    )
    .await;
    assert_eq!(
        worker_line(&String::from_utf8(again).unwrap(), "VERSION"),
        version
    );
    std::fs::remove_file(dir.path().join("pkg/app.abc123.wasm")).unwrap();
    std::fs::write(dir.path().join("pkg/app.def456.wasm"), b"new wasm").unwrap();
    let (_, _, next) = get(
        server::assets::routes(dir.path(), "pkg", true),
        "/sw.js",
        None,
    )
    .await;
    let next = String::from_utf8(next).unwrap();
    assert_ne!(worker_line(&next, "VERSION"), version);
    assert_eq!(worker_line(&next, "FILES"), r#"["/pkg/app.def456.wasm"]"#);
}
