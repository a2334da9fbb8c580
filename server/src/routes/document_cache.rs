//! The rendered `/notes` document (the newest page of lists, no search), one per
//! language, shared by every request in that language until the lists change.
//!
//! That document is a pure function of the change-log position, so it is rendered once
//! per store generation and then served as bytes. This is one copy per language per
//! process, not per client, and it holds one page of rows, so it is small and bounded.
//! Local commits invalidate it at once; another process's commits within the log
//! tailer's poll interval. [`serve`] is the layer around the `/notes` route that
//! answers from it, fills it, and compresses what the handler renders.

use super::compression::{self, Encoding};
use super::document::{self, Keepable, Scripts};
use crate::operator::{CacheResult, Metrics};
use app::language::{choice, Locale};
use app::lists::ssr::ListStore;
use axum::{
    body::{Body, BodyDataStream, Bytes},
    extract::{Request, State},
    http::{header, HeaderValue},
    middleware::Next,
    response::Response,
};
use futures::Stream;
use std::{
    pin::Pin,
    sync::{Arc, OnceLock, RwLock},
    task::{Context, Poll},
};

/// A document with a page of rows renders to a few tens of kilobytes; anything larger is
/// not kept.
const MAX_CACHED_DOCUMENT: usize = 256 * 1024;

#[derive(Clone, Default)]
pub struct DocumentCache {
    // At most one document per language, all of the newest generation seen.
    documents: Arc<RwLock<Vec<Arc<CachedDocument>>>>,
}

/// The document as rendered, and its compressed forms, each made once on first demand.
///
/// Every copy of the document is the same bytes, so a nonce in them would be the same for
/// every visitor, public, and worth nothing. Its inline scripts are allowed by their
/// hashes instead (CSP Level 3's `'sha256-…'`): the policy then allows exactly those
/// scripts, whatever anyone sees, and the bytes stay shared and precompressed.
struct CachedDocument {
    generation: u64,
    language: Locale,
    /// The policy's script sources: one `'sha256-…'` per inline script of the document.
    script_hashes: String,
    html: Bytes,
    brotli: OnceLock<Bytes>,
    gzip: OnceLock<Bytes>,
}

impl CachedDocument {
    /// The document's bytes in `encoding`.
    fn body(&self, encoding: Encoding) -> Bytes {
        match encoding {
            Encoding::Identity => self.html.clone(),
            Encoding::Brotli => self
                .brotli
                .get_or_init(|| encoding.compress(&self.html))
                .clone(),
            Encoding::Gzip => self
                .gzip
                .get_or_init(|| encoding.compress(&self.html))
                .clone(),
        }
    }
}

impl DocumentCache {
    /// The document rendered at `generation` in `language`, if it is held.
    fn get(&self, generation: u64, language: Locale) -> Option<Arc<CachedDocument>> {
        let held = self
            .documents
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        held.iter()
            .find(|document| document.generation == generation && document.language == language)
            .cloned()
    }

    fn put(&self, generation: u64, language: Locale, html: Bytes) {
        let mut held = self
            .documents
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        held.retain(|document| document.generation == generation && document.language != language);
        held.push(Arc::new(CachedDocument {
            generation,
            language,
            script_hashes: inline_script_hashes(&html),
            html,
            brotli: OnceLock::new(),
            gzip: OnceLock::new(),
        }));
    }
}

/// Around `/notes`: serves the kept document while the lists have not changed;
/// otherwise lets the handler render, keeps a document it marked [`Keepable`] once sent
/// whole, and compresses the render as it is sent. Either way tells caches what of the
/// request the document depends on: the encoding, and the language (`Accept-Language` or
/// the `lang` cookie).
pub async fn serve(
    State(kept): State<Arc<KeptDocuments>>,
    request: Request,
    next: Next,
) -> Response {
    let encoding = Encoding::preferred(request.headers());
    let generation = kept.store.generation();
    let cacheable = document::cacheable(&request, kept.simulated);
    let held = cacheable
        .then(|| {
            kept.cache
                .get(generation, choice::choose(request.headers()))
        })
        .flatten();
    kept.metrics.document_cache(match (cacheable, &held) {
        (false, _) => CacheResult::Bypass,
        (true, None) => CacheResult::Miss,
        (true, Some(_)) => CacheResult::Hit,
    });
    let mut response = match held {
        Some(document) => document.response(encoding),
        None => {
            let rendered = next.run(request).await;
            compression::compress_document(kept.keep(rendered), encoding)
        }
    };
    response.headers_mut().insert(
        header::VARY,
        HeaderValue::from_static("accept-encoding, accept-language, cookie"),
    );
    response
}

/// What [`serve`] needs, in one allocation: the cached path is the fastest the server
/// has, and cloning the whole `AppState` per request (a dozen reference counts) slows
/// it down measurably.
pub struct KeptDocuments {
    pub cache: DocumentCache,
    pub store: ListStore,
    /// The simulation's knobs make every load different: nothing is kept.
    pub simulated: bool,
    pub metrics: Metrics,
}

impl KeptDocuments {
    /// The response, passing through a copy into the cache when the handler marked it
    /// [`Keepable`]: kept once sent whole, if nothing changed while it was rendered.
    fn keep(&self, response: Response) -> Response {
        let Some(&Keepable {
            generation,
            language,
        }) = response.extensions().get::<Keepable>()
        else {
            return response;
        };
        let (parts, body) = response.into_parts();
        let store = self.store.clone();
        let cache = self.cache.clone();
        let tee = Tee::new(body.into_data_stream(), move |html| {
            if store.generation() == generation {
                cache.put(generation, language, html);
            }
        });
        Response::from_parts(parts, Body::from_stream(tee))
    }
}

impl CachedDocument {
    /// The kept document as a response in `encoding`, its scripts allowed by their hashes.
    fn response(&self, encoding: Encoding) -> Response {
        let mut response = Response::new(Body::from(self.body(encoding)));
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        if let Some(value) = encoding.header() {
            headers.insert(header::CONTENT_ENCODING, value);
        }
        document::with_document_headers(response, Scripts::Hashes(&self.script_hashes))
    }
}

/// `'sha256-…'` for the text of every inline `<script>` in `html` (those with a `src`
/// are the site's own files, allowed by `'self'`), as a CSP source list.
pub fn inline_script_hashes(html: &[u8]) -> String {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let html = String::from_utf8_lossy(html);
    let mut sources = Vec::new();
    let mut rest = html.as_ref();
    while let Some(start) = rest.find("<script") {
        rest = &rest[start..];
        let Some(open_end) = rest.find('>') else {
            break;
        };
        let tag = &rest[..open_end];
        let Some(close) = rest.find("</script>") else {
            break;
        };
        let text = &rest[open_end + 1..close];
        if !tag.contains(" src=") {
            let digest = Sha256::digest(text.as_bytes());
            let hash = base64::engine::general_purpose::STANDARD.encode(digest);
            sources.push(format!("'sha256-{hash}'"));
        }
        rest = &rest[close + "</script>".len()..];
    }
    sources.sort();
    sources.dedup();
    sources.join(" ")
}

/// Passes a body through unchanged while keeping a copy, handed to `on_end` when the
/// body is complete (never if it failed or grew past [`MAX_CACHED_DOCUMENT`]).
struct Tee<F: FnOnce(Bytes)> {
    inner: BodyDataStream,
    copy: Option<Vec<u8>>,
    on_end: Option<F>,
}

impl<F: FnOnce(Bytes)> Tee<F> {
    fn new(inner: BodyDataStream, on_end: F) -> Self {
        Self {
            inner,
            copy: Some(Vec::new()),
            on_end: Some(on_end),
        }
    }
}

impl<F: FnOnce(Bytes) + Unpin> Stream for Tee<F> {
    type Item = Result<Bytes, axum::Error>;

    fn poll_next(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        let next = Pin::new(&mut this.inner).poll_next(context);
        match &next {
            Poll::Ready(Some(Ok(chunk))) => {
                if let Some(copy) = &mut this.copy {
                    if copy.len() + chunk.len() > MAX_CACHED_DOCUMENT {
                        this.copy = None;
                    } else {
                        copy.extend_from_slice(chunk);
                    }
                }
            }
            Poll::Ready(Some(Err(_))) => this.copy = None,
            Poll::Ready(None) => {
                if let (Some(copy), Some(on_end)) = (this.copy.take(), this.on_end.take()) {
                    on_end(Bytes::from(copy));
                }
            }
            Poll::Pending => {}
        }
        next
    }
}

#[cfg(test)]
mod tests {
    use super::inline_script_hashes;

    #[test]
    fn every_inline_script_is_named_by_the_hash_of_its_text() {
        let html = br#"<head><script type="module" nonce="x">import('/a.js')</script>
            <script src="/pkg/a.js"></script><script>window.__x=1</script></head>"#;
        let hashes = inline_script_hashes(html);
        assert!(hashes.contains("'sha256-"), "{hashes}");
        assert_eq!(hashes.matches("'sha256-").count(), 2, "{hashes}");
        assert_eq!(inline_script_hashes(b"<p>no scripts</p>"), "");
    }
}
