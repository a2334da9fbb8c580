//! The front-end files cargo-leptos built: their URLs (hashed or not) and how to serve them.

use crate::routes::refusal::refuse;
use app::{language::Refusal, notes::SERVICE_WORKER_PATH, DocumentAssets};
use axum::{
    body::Bytes,
    handler::HandlerWithoutStateExt,
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use http::{header, HeaderMap, HeaderValue, StatusCode};
use leptos::config::LeptosOptions;
use std::hash::{Hash, Hasher};
use std::{collections::HashMap, path::Path};
use tower::ServiceBuilder;
use tower_http::{services::ServeDir, set_header::SetResponseHeaderLayer};

/// A year: hashed file names change whenever their content does.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Unhashed files (a dev build, robots.txt) must be revalidated.
const REVALIDATE: &str = "no-cache";

/// Works out the asset URLs from the hash file cargo-leptos writes next to the binary.
/// Without one (a plain `cargo` build), the names carry no hash.
pub fn resolve(options: &LeptosOptions) -> (DocumentAssets, bool) {
    let hashes = std::env::current_exe()
        .ok()
        .and_then(|exe| {
            let file = exe.parent()?.join(options.hash_file.as_ref());
            std::fs::read_to_string(file).ok()
        })
        .map(|text| parse_hash_file(&text))
        .unwrap_or_default();
    let hashed = !hashes.is_empty();
    let url = |kind: &str, extension: &str| match hashes.get(kind) {
        Some(hash) => format!(
            "/{}/{}.{hash}.{extension}",
            options.site_pkg_dir, options.output_name
        ),
        None => format!(
            "/{}/{}.{extension}",
            options.site_pkg_dir, options.output_name
        ),
    };
    (
        DocumentAssets {
            stylesheet: url("css", "css"),
            script: url("js", "js"),
            wasm: url("wasm", "wasm"),
        },
        hashed,
    )
}

/// `kind: hash` per line, as cargo-leptos writes it.
fn parse_hash_file(text: &str) -> HashMap<String, String> {
    text.lines()
        .filter_map(|line| line.split_once(':'))
        .map(|(kind, hash)| (kind.trim().to_owned(), hash.trim().to_owned()))
        .filter(|(_, hash)| !hash.is_empty())
        .collect()
}

/// Serves the built files: `site_root/pkg` with the `.br`/`.gz` files built beside each
/// asset (picked by `Accept-Encoding`) and a year-long cache when names are hashed; the
/// rest of `site_root` (robots.txt and the like) revalidated each time; a plain 404 else.
pub fn routes<S: Clone + Send + Sync + 'static>(
    site_root: &Path,
    pkg_dir: &str,
    hashed: bool,
) -> Router<S> {
    let pkg = ServeDir::new(site_root.join(pkg_dir))
        .precompressed_br()
        .precompressed_gzip();
    let pkg_cache = HeaderValue::from_static(if hashed { IMMUTABLE } else { REVALIDATE });
    let worker = ServiceWorker::build(site_root, pkg_dir, hashed);
    let other = ServeDir::new(site_root).not_found_service(not_found.into_service());
    Router::new()
        .route(
            SERVICE_WORKER_PATH,
            get(move || async move { worker.response() }),
        )
        .nest_service(
            &format!("/{pkg_dir}"),
            ServiceBuilder::new()
                .layer(SetResponseHeaderLayer::overriding(
                    header::CACHE_CONTROL,
                    pkg_cache,
                ))
                .service(pkg),
        )
        .fallback_service(
            ServiceBuilder::new()
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::CACHE_CONTROL,
                    HeaderValue::from_static(REVALIDATE),
                ))
                .service(other),
        )
}

/// The screen's service worker (`service_worker.js`), written for this build: which files
/// to keep, and a version that changes with them, so that a new release installs a new
/// worker and drops the old one's cache.
#[derive(Clone)]
struct ServiceWorker(Bytes);

impl ServiceWorker {
    fn build(site_root: &Path, pkg_dir: &str, hashed: bool) -> Self {
        let mut files: Vec<String> = std::fs::read_dir(site_root.join(pkg_dir))
            .into_iter()
            .flatten()
            .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
            // Not the compressed copies (chosen by `Accept-Encoding`) or type declarations.
            .filter(|name| ![".br", ".gz", ".ts"].iter().any(|end| name.ends_with(end)))
            .map(|name| format!("/{pkg_dir}/{name}"))
            .collect();
        files.sort();
        // Hashed names change with their content, so they are the version; unhashed ones
        // (a dev build) do not, so every start is a new version.
        let mut hasher = std::hash::DefaultHasher::new();
        files.hash(&mut hasher);
        if !hashed {
            std::time::SystemTime::now().hash(&mut hasher);
        }
        let version = format!("{:016x}", hasher.finish());
        let files = serde_json::to_string(&files).unwrap_or_else(|_| "[]".to_owned());
        let script = include_str!("service_worker.js")
            .replace("__VERSION__", &version)
            .replace("__FILES__", &files)
            .replace("__PAGE__", app::lists::NOTES_PATH);
        Self(Bytes::from(script))
    }

    fn response(&self) -> Response {
        (
            [
                (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
                (header::CACHE_CONTROL, REVALIDATE),
                // The worker's own policy: it fetches from this origin, and runs nothing
                // else.
                (header::CONTENT_SECURITY_POLICY, "default-src 'self'"),
            ],
            self.0.clone(),
        )
            .into_response()
    }
}

async fn not_found(headers: HeaderMap) -> Response {
    refuse(&headers, StatusCode::NOT_FOUND, Refusal::NotFound)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cargo_leptos_hash_files() {
        let hashes = parse_hash_file("js: abc\nwasm: def\ncss: 123\n\n");
        assert_eq!(hashes.get("js").map(String::as_str), Some("abc"));
        assert_eq!(hashes.get("wasm").map(String::as_str), Some("def"));
        assert_eq!(hashes.get("css").map(String::as_str), Some("123"));
    }
}
