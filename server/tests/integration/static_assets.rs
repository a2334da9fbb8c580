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
