//! How data crosses the wire between the server and the page.
//!
//! The server speaks plain formats (form bodies in, JSON out) with serde. The browser side
//! is written by hand for the few shapes the page uses, because the generic serde_json
//! and serde_qs code was the largest single part of the wasm; see BENCHMARKS.md.

mod base64;
mod codec;
mod form;
mod json;

pub use base64::decode_url_safe_base64;
pub use codec::{FormArgs, JsonData, WireError};
pub use form::{decode_form_component, FormWriter, ToForm};
pub use json::{FromJson, Json, JsonError};
