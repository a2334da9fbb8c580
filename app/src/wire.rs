//! How data crosses between the server and the browser: one serde definition per shape.
//!
//! - [`FormArgs`]: server-function arguments travel as a form body
//!   (`application/x-www-form-urlencoded`), the same bytes a plain `<form>` posts, so the
//!   screen's requests and the no-JavaScript form reach the same endpoint in the same
//!   shape.
//!   Both sides use `serde_urlencoded`.
//! - [`JsonData`]: server-function answers and errors travel as JSON, readable by any
//!   HTTP client. The server writes it with `serde_json`; the browser reads it with its
//!   own `JSON.parse` and `serde-wasm-bindgen`, code that is only fetched with the first
//!   request (see `notes::transport`).
//! - [`DocumentData`]: what a first visit reads (the document's hydration data and the
//!   live events) travels as postcard, base64 where it must be text. Its decoder is a
//!   fraction of a JSON one in wasm, and its errors carry no formatted text, which
//!   keeps float formatting out of the first download (see BENCHMARKS.md). The event
//!   feed still speaks JSON to everyone else.
//!
//! Every shape derives `Serialize` and `Deserialize` once; nothing is mirrored by hand.

use leptos::server::codee::{Decoder, Encoder};
use leptos::server_fn::{Bytes, ContentType, Decodes, Encodes, Format, FormatType};
use serde::{de::DeserializeOwned, Serialize};
use std::fmt;

/// Server-function arguments as `application/x-www-form-urlencoded`.
pub struct FormArgs;

/// Answers and errors as `application/json`.
pub struct JsonData;

/// The document's hydration data and the screen's live events, as postcard.
pub struct DocumentData;

/// Why a value could not cross the wire. The text says what failed, for the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireError(pub String);

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unreadable data: {}", self.0)
    }
}

impl std::error::Error for WireError {}

fn unreadable(error: impl fmt::Display) -> WireError {
    WireError(error.to_string())
}

impl ContentType for FormArgs {
    const CONTENT_TYPE: &'static str = "application/x-www-form-urlencoded";
}

impl FormatType for FormArgs {
    const FORMAT_TYPE: Format = Format::Text;
}

impl ContentType for JsonData {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for JsonData {
    const FORMAT_TYPE: Format = Format::Text;
}

impl<T: Serialize> Encodes<T> for FormArgs {
    type Error = WireError;

    fn encode(args: &T) -> Result<Bytes, WireError> {
        serde_urlencoded::to_string(args)
            .map(Bytes::from)
            .map_err(unreadable)
    }
}

impl<T: DeserializeOwned> Decodes<T> for FormArgs {
    type Error = WireError;

    fn decode(bytes: Bytes) -> Result<T, WireError> {
        check_form_encoding(&bytes)?;
        serde_urlencoded::from_bytes(&bytes).map_err(unreadable)
    }
}

/// Refuses a form body or query string that no browser would send: a `%` not followed
/// by two hex digits, or escapes and bytes that do not decode to UTF-8. The form parser
/// repairs both without a word (U+FFFD, or the escape kept as text), so a name would be
/// stored other than it was sent; refusing keeps bad bytes from ever becoming data.
pub fn check_form_encoding(bytes: &[u8]) -> Result<(), WireError> {
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    while let Some((&byte, tail)) = rest.split_first() {
        rest = tail;
        if byte != b'%' {
            decoded.push(byte);
            continue;
        }
        let hex = |digit: Option<&u8>| digit.and_then(|d| char::from(*d).to_digit(16));
        let (Some(high), Some(low)) = (hex(rest.first()), hex(rest.get(1))) else {
            return Err(WireError(
                "a % that is not followed by two hex digits".to_owned(),
            ));
        };
        decoded.push((high * 16 + low) as u8);
        rest = &rest[2..];
    }
    std::str::from_utf8(&decoded)
        .map(|_| ())
        .map_err(|_| WireError("bytes that are not UTF-8".to_owned()))
}

impl<T: Serialize> Encodes<T> for JsonData {
    type Error = WireError;

    fn encode(value: &T) -> Result<Bytes, WireError> {
        to_json(value).map(Bytes::from)
    }
}

impl<T: DeserializeOwned> Decodes<T> for JsonData {
    type Error = WireError;

    fn decode(bytes: Bytes) -> Result<T, WireError> {
        from_json(std::str::from_utf8(&bytes).map_err(unreadable)?)
    }
}

impl<T: Serialize> Encoder<T> for JsonData {
    type Error = WireError;
    type Encoded = String;

    fn encode(value: &T) -> Result<String, WireError> {
        to_json(value)
    }
}

impl<T: DeserializeOwned> Decoder<T> for JsonData {
    type Error = WireError;
    type Encoded = str;

    fn decode(text: &str) -> Result<T, WireError> {
        from_json(text)
    }
}

impl<T: Serialize> Encoder<T> for DocumentData {
    type Error = WireError;
    type Encoded = Vec<u8>;

    fn encode(value: &T) -> Result<Vec<u8>, WireError> {
        postcard::to_allocvec(value).map_err(unreadable)
    }
}

impl<T: DeserializeOwned> Decoder<T> for DocumentData {
    type Error = WireError;
    type Encoded = [u8];

    fn decode(bytes: &[u8]) -> Result<T, WireError> {
        postcard::from_bytes(bytes).map_err(unreadable)
    }
}

/// Writes a value as document data in text: base64 of its postcard bytes (an event's `data`).
pub fn to_document_text<T: Serialize>(value: &T) -> Result<String, WireError> {
    use base64::Engine;
    let bytes = <DocumentData as Encoder<T>>::encode(value)?;
    Ok(base64::engine::general_purpose::STANDARD_NO_PAD.encode(bytes))
}

/// Reads a value written by [`to_document_text`].
pub fn from_document_text<T: DeserializeOwned>(text: &str) -> Result<T, WireError> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(text)
        .map_err(unreadable)?;
    <DocumentData as Decoder<T>>::decode(&bytes)
}

/// Writes a value as JSON.
#[cfg(not(feature = "hydrate"))]
pub fn to_json<T: Serialize>(value: &T) -> Result<String, WireError> {
    serde_json::to_string(value).map_err(unreadable)
}

/// Reads a value from JSON.
#[cfg(not(feature = "hydrate"))]
pub fn from_json<T: DeserializeOwned>(text: &str) -> Result<T, WireError> {
    serde_json::from_str(text).map_err(unreadable)
}

/// Writes a value as JSON, through the browser's `JSON.stringify`.
#[cfg(feature = "hydrate")]
pub fn to_json<T: Serialize>(value: &T) -> Result<String, WireError> {
    let value = serde_wasm_bindgen::to_value(value).map_err(unreadable)?;
    js_sys::JSON::stringify(&value)
        .ok()
        .and_then(|text| text.as_string())
        .ok_or_else(|| WireError("JSON.stringify failed".to_owned()))
}

/// Reads a value from JSON, through the browser's `JSON.parse`.
#[cfg(feature = "hydrate")]
pub fn from_json<T: DeserializeOwned>(text: &str) -> Result<T, WireError> {
    let value = js_sys::JSON::parse(text).map_err(|_| WireError("not JSON".to_owned()))?;
    serde_wasm_bindgen::from_value(value).map_err(unreadable)
}

/// `key=value&...` as a form encodes it (WHATWG `application/x-www-form-urlencoded`):
/// with `serde_urlencoded` on the server, and with the browser's own `URLSearchParams`,
/// which follows the same standard, instead of carrying an encoder in the wasm. The pairs
/// come from a query type's `pairs()`, whose names its tests hold to its serde form.
pub fn form_encode(pairs: &[(&str, String)]) -> String {
    #[cfg(feature = "hydrate")]
    {
        let Ok(params) = web_sys::UrlSearchParams::new() else {
            return String::new();
        };
        for (key, value) in pairs {
            params.append(key, value);
        }
        params.to_string().into()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

#[cfg(all(test, not(feature = "hydrate")))]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Args {
        id: i64,
        name: String,
        q: Option<String>,
    }

    #[test]
    fn form_arguments_round_trip_with_awkward_text() {
        let args = Args {
            id: 7,
            name: "Tea & biscuits = 100% <ok> café 🙂+".into(),
            q: None,
        };
        let bytes = <FormArgs as Encodes<Args>>::encode(&args).unwrap();
        assert_eq!(<FormArgs as Decodes<Args>>::decode(bytes).unwrap(), args);
    }

    #[test]
    fn form_bodies_read_like_a_browser_form_posts_them() {
        let body = Bytes::from_static(b"id=3&name=Groceries+%26+more&q=abc");
        let args: Args = <FormArgs as Decodes<Args>>::decode(body).unwrap();
        assert_eq!(args.name, "Groceries & more");
        assert_eq!(args.q.as_deref(), Some("abc"));
    }

    #[test]
    fn document_data_round_trips_as_text() {
        let args = Args {
            id: -3,
            name: "é \" 🙂".into(),
            q: Some(String::new()),
        };
        let text = to_document_text(&args).unwrap();
        assert!(text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/'));
        assert_eq!(from_document_text::<Args>(&text).unwrap(), args);
        assert!(from_document_text::<Args>("not base64!").is_err());
        assert!(
            from_document_text::<Args>("AA").is_err(),
            "too short for the shape"
        );
    }

    #[test]
    fn bytes_a_browser_would_never_send_are_refused_not_repaired() {
        for body in [
            &b"name=%FF"[..],
            b"name=%C0%AF",
            b"name=%ED%A0%80",
            b"name=\xFF",
            b"name=%ZZ",
            b"name=%2",
            b"name=abc%",
        ] {
            assert!(check_form_encoding(body).is_err(), "{body:?}");
            assert!(<FormArgs as Decodes<Args>>::decode(Bytes::copy_from_slice(body)).is_err());
        }
        for body in [
            &b"name=caf%C3%A9+%F0%9F%99%82"[..],
            b"",
            b"a=1&b=%26%3D",
            "name=é".as_bytes(),
        ] {
            assert!(check_form_encoding(body).is_ok(), "{body:?}");
        }
    }

    #[test]
    fn a_missing_argument_is_an_error_not_a_default() {
        let body = Bytes::from_static(b"name=x");
        assert!(<FormArgs as Decodes<Args>>::decode(body).is_err());
    }
}
