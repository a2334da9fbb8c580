//! Compressing the `/notes` document without holding back any of its parts.
//!
//! The document is sent in parts as it is rendered: the skeleton goes out first and the
//! late rows follow in the same response. tower-http's `CompressionLayer` buffers until
//! its encoder has a full block, which would hold the skeleton back until the rows are
//! ready. So each chunk the render sends is compressed and flushed on its own, with the
//! brotli and flate2 encoders that layer uses underneath. The cached document of the
//! first page is compressed once per generation instead (see `document_cache`).

use axum::{
    body::{Body, Bytes},
    response::Response,
};
use futures::{Stream, StreamExt};
use http::{header, HeaderMap, HeaderValue, StatusCode};
use std::io::Write;

/// A rendered document compressed as it is sent, in `encoding` (what the client
/// prefers), unless it is not a whole document or already encoded.
pub fn compress_document(response: Response, encoding: Encoding) -> Response {
    let Some(value) = encoding.header() else {
        return response;
    };
    if response.status() != StatusCode::OK
        || response.headers().contains_key(header::CONTENT_ENCODING)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    parts.headers.insert(header::CONTENT_ENCODING, value);
    parts.headers.remove(header::CONTENT_LENGTH);
    let body = Body::from_stream(encoding.compress_stream(body.into_data_stream()));
    Response::from_parts(parts, body)
}

/// Brotli quality for documents rendered per request: fast, most of the gain.
const RENDERED_QUALITY: u32 = 5;
/// Brotli quality for the cached document, compressed once and served many times.
const CACHED_QUALITY: u32 = 9;
/// How far back brotli looks for repeats, as a power of two (`lgwin`: 2^22 bytes), the
/// encoder's default.
const LGWIN: u32 = 22;

/// How a response body is encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

impl Encoding {
    /// The best encoding the client accepts (`Accept-Encoding`, honouring `q=0`):
    /// brotli, then gzip, then none.
    pub fn preferred(headers: &HeaderMap) -> Self {
        let accepted = |wanted: &str| {
            headers
                .get_all(header::ACCEPT_ENCODING)
                .iter()
                .filter_map(|value| value.to_str().ok())
                .flat_map(|value| value.split(','))
                .any(|item| {
                    let mut parts = item.split(';').map(str::trim);
                    let name = parts.next().unwrap_or_default();
                    let refused = parts.any(|param| {
                        param
                            .strip_prefix("q=")
                            .and_then(|q| q.trim().parse::<f32>().ok())
                            .is_some_and(|q| q <= 0.0)
                    });
                    (name.eq_ignore_ascii_case(wanted) || name == "*") && !refused
                })
        };
        if accepted("br") {
            Self::Brotli
        } else if accepted("gzip") {
            Self::Gzip
        } else {
            Self::Identity
        }
    }

    /// The `Content-Encoding` header value, if any.
    pub fn header(self) -> Option<HeaderValue> {
        match self {
            Self::Brotli => Some(HeaderValue::from_static("br")),
            Self::Gzip => Some(HeaderValue::from_static("gzip")),
            Self::Identity => None,
        }
    }

    /// Compresses a whole body at once (the cached document).
    pub fn compress(self, body: &[u8]) -> Bytes {
        let mut encoder = match Encoder::new(self, CACHED_QUALITY) {
            Some(encoder) => encoder,
            None => return Bytes::copy_from_slice(body),
        };
        let mut out = encoder.push(body);
        out.extend_from_slice(&encoder.finish());
        Bytes::from(out)
    }

    /// Compresses a body sent in parts chunk by chunk, flushing after each, so every
    /// chunk reaches the browser as soon as the render sends it.
    pub fn compress_stream<S>(
        self,
        body: S,
    ) -> impl Stream<Item = Result<Bytes, axum::Error>> + Send
    where
        S: Stream<Item = Result<Bytes, axum::Error>> + Send + Unpin,
    {
        let encoder = Encoder::new(self, RENDERED_QUALITY);
        futures::stream::unfold((body, encoder), |(mut body, mut encoder)| async move {
            let Some(active) = encoder.as_mut() else {
                return body.next().await.map(|chunk| (chunk, (body, None)));
            };
            match body.next().await {
                Some(Ok(chunk)) => {
                    let out = Bytes::from(active.push(&chunk));
                    Some((Ok(out), (body, encoder)))
                }
                Some(Err(error)) => Some((Err(error), (body, None))),
                None => {
                    let tail = encoder.take().map(Encoder::finish).unwrap_or_default();
                    (!tail.is_empty()).then(|| (Ok(Bytes::from(tail)), (body, None)))
                }
            }
        })
    }
}

/// One response's encoder, writing into a buffer that each chunk drains.
enum Encoder {
    Brotli(Box<brotli::CompressorWriter<Vec<u8>>>),
    Gzip(flate2::write::GzEncoder<Vec<u8>>),
}

impl Encoder {
    fn new(encoding: Encoding, quality: u32) -> Option<Self> {
        match encoding {
            Encoding::Brotli => Some(Self::Brotli(Box::new(brotli::CompressorWriter::new(
                Vec::new(),
                4096,
                quality,
                LGWIN,
            )))),
            Encoding::Gzip => Some(Self::Gzip(flate2::write::GzEncoder::new(
                Vec::new(),
                flate2::Compression::default(),
            ))),
            Encoding::Identity => None,
        }
    }

    /// Compresses `chunk` and flushes: returns every byte the client needs so far.
    /// Writing to memory cannot fail, so there is no error to report.
    fn push(&mut self, chunk: &[u8]) -> Vec<u8> {
        match self {
            Self::Brotli(writer) => {
                let _ = writer.write_all(chunk).and_then(|()| writer.flush());
                std::mem::take(writer.get_mut())
            }
            Self::Gzip(writer) => {
                let _ = writer.write_all(chunk).and_then(|()| writer.flush());
                std::mem::take(writer.get_mut())
            }
        }
    }

    fn finish(self) -> Vec<u8> {
        match self {
            Self::Brotli(writer) => writer.into_inner(),
            Self::Gzip(writer) => writer.finish().unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn headers(accept: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(accept).unwrap(),
        );
        headers
    }

    #[test]
    fn brotli_is_preferred_then_gzip_then_nothing() {
        assert_eq!(
            Encoding::preferred(&headers("gzip, deflate, br")),
            Encoding::Brotli
        );
        assert_eq!(Encoding::preferred(&headers("gzip")), Encoding::Gzip);
        assert_eq!(
            Encoding::preferred(&headers("br;q=0, gzip;q=0.5")),
            Encoding::Gzip
        );
        assert_eq!(
            Encoding::preferred(&headers("identity")),
            Encoding::Identity
        );
        assert_eq!(Encoding::preferred(&HeaderMap::new()), Encoding::Identity);
    }

    #[test]
    fn each_chunk_decodes_on_its_own_before_the_body_ends() {
        let mut encoder = Encoder::new(Encoding::Gzip, RENDERED_QUALITY).unwrap();
        let first = encoder.push(b"<ul aria-busy=\"true\">skeleton</ul>");
        let mut decoder = flate2::write::GzDecoder::new(Vec::new());
        decoder.write_all(&first).unwrap();
        decoder.flush().unwrap();
        assert_eq!(decoder.get_ref(), b"<ul aria-busy=\"true\">skeleton</ul>");

        let mut encoder = Encoder::new(Encoding::Brotli, RENDERED_QUALITY).unwrap();
        let first = encoder.push(b"skeleton");
        let mut read = brotli::Decompressor::new(&first[..], 4096);
        let mut out = [0u8; 8];
        read.read_exact(&mut out).unwrap();
        assert_eq!(&out, b"skeleton");
    }

    #[test]
    fn a_whole_body_round_trips() {
        let html = "<li>row</li>".repeat(500);
        let packed = Encoding::Brotli.compress(html.as_bytes());
        assert!(packed.len() < html.len() / 10);
        let mut text = String::new();
        brotli::Decompressor::new(&packed[..], 4096)
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, html);
    }
}
