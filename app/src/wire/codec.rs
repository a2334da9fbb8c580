//! The two codecs the list server functions and the page's resource use.
//!
//! - [`FormArgs`]: arguments travel as a form body, the same bytes a plain `<form>` posts.
//! - [`JsonData`]: answers, errors and the page's hydration data travel as JSON.
//!
//! The server reads and writes both with serde. The browser writes forms with
//! [`ToForm`] and reads JSON with [`FromJson`], so serde_json and serde_qs stay out of the
//! wasm. Each side only ever does its half: the browser never decodes a request or
//! encodes an answer, and says so with [`WireError::WrongSide`] if asked to.

use super::form::ToForm;
use leptos::server::codee::{Decoder, Encoder};
use leptos::server_fn::{Bytes, ContentType, Decodes, Encodes, Format, FormatType};
use std::fmt;

/// Server-function arguments as `application/x-www-form-urlencoded`.
pub struct FormArgs;

/// Answers, errors and hydration data as `application/json`.
pub struct JsonData;

/// Why a value could not cross the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WireError {
    /// The bytes are not what the receiving type expects; the text says what failed.
    Unreadable(String),
    /// A half of a codec that only the other side of the wire uses.
    WrongSide,
}

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unreadable(reason) => write!(f, "unreadable data: {reason}"),
            Self::WrongSide => f.write_str("this side of the wire never does this"),
        }
    }
}

impl std::error::Error for WireError {}

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

/// Both sides write arguments the same way, so the server's tests exercise the browser's
/// encoder.
impl<T: ToForm> Encodes<T> for FormArgs {
    type Error = WireError;

    fn encode(args: &T) -> Result<Bytes, WireError> {
        Ok(Bytes::from(args.to_form_string()))
    }
}

#[cfg(not(feature = "hydrate"))]
mod server_side {
    use super::{Bytes, Decoder, Decodes, Encoder, Encodes, FormArgs, JsonData, WireError};
    use serde::{de::DeserializeOwned, Serialize};

    fn unreadable(error: impl std::fmt::Display) -> WireError {
        WireError::Unreadable(error.to_string())
    }

    impl<T: DeserializeOwned> Decodes<T> for FormArgs {
        type Error = WireError;

        fn decode(bytes: Bytes) -> Result<T, WireError> {
            // The settings server_fn's own form codec uses: nesting up to 5, not strict.
            serde_qs::Config::new(5, false)
                .deserialize_bytes(&bytes)
                .map_err(unreadable)
        }
    }

    impl<T: Serialize> Encodes<T> for JsonData {
        type Error = WireError;

        fn encode(value: &T) -> Result<Bytes, WireError> {
            serde_json::to_vec(value)
                .map(Bytes::from)
                .map_err(unreadable)
        }
    }

    impl<T: DeserializeOwned> Decodes<T> for JsonData {
        type Error = WireError;

        fn decode(bytes: Bytes) -> Result<T, WireError> {
            serde_json::from_slice(&bytes).map_err(unreadable)
        }
    }

    impl<T: Serialize> Encoder<T> for JsonData {
        type Error = WireError;
        type Encoded = String;

        fn encode(value: &T) -> Result<String, WireError> {
            serde_json::to_string(value).map_err(unreadable)
        }
    }

    impl<T: DeserializeOwned> Decoder<T> for JsonData {
        type Error = WireError;
        type Encoded = str;

        fn decode(text: &str) -> Result<T, WireError> {
            serde_json::from_str(text).map_err(unreadable)
        }
    }
}

#[cfg(feature = "hydrate")]
mod browser_side {
    use super::{Bytes, Decoder, Decodes, Encoder, Encodes, FormArgs, JsonData, WireError};
    use crate::wire::FromJson;

    fn read<T: FromJson>(text: &str) -> Result<T, WireError> {
        T::from_json_str(text).ok_or_else(|| WireError::Unreadable(text.chars().take(80).collect()))
    }

    impl<T> Decodes<T> for FormArgs {
        type Error = WireError;

        fn decode(_: Bytes) -> Result<T, WireError> {
            Err(WireError::WrongSide)
        }
    }

    impl<T> Encodes<T> for JsonData {
        type Error = WireError;

        fn encode(_: &T) -> Result<Bytes, WireError> {
            Err(WireError::WrongSide)
        }
    }

    impl<T: FromJson> Decodes<T> for JsonData {
        type Error = WireError;

        fn decode(bytes: Bytes) -> Result<T, WireError> {
            let text = std::str::from_utf8(&bytes)
                .map_err(|_| WireError::Unreadable("not UTF-8".to_owned()))?;
            read(text)
        }
    }

    impl<T> Encoder<T> for JsonData {
        type Error = WireError;
        type Encoded = String;

        fn encode(_: &T) -> Result<String, WireError> {
            Err(WireError::WrongSide)
        }
    }

    impl<T: FromJson> Decoder<T> for JsonData {
        type Error = WireError;
        type Encoded = str;

        fn decode(text: &str) -> Result<T, WireError> {
            read(text)
        }
    }
}
