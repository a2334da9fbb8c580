//! The status screen, `/status`: what the server does, as charts of the last fifteen
//! minutes that move every second, for whoever runs it.
//!
//! Drawn with the same parts as `/notes`: the server draws the charts from the samples
//! it holds ([`StatusSamples`], also the document's hydration data); each chart is a row
//! of a [`KeyedStream`](crate::stream::KeyedStream) rendered by `<For>`; the screen
//! follows the server's status feed ([`crate::feed`]), one [`StatusSample`] per second,
//! which changes each chart's row and nothing else.
//!
//! With the `lazy-requests` feature its browser code is a split of its own
//! (`status_screen`): a document of the status screen fetches it before it hydrates, and
//! `/notes` never downloads it.

mod figures;
mod screen;

pub use figures::{Chart, Figure, FigureValues, StatusSample, Summary, Unit, SECONDS_SHOWN};

use crate::language::I18n;
use crate::wire::DocumentData;
use leptos::prelude::*;
use leptos::server::SharedValue;
use screen::StatusScreen;
use serde::{Deserialize, Serialize};

/// The status screen.
pub const STATUS_PATH: &str = "/status";
/// Where the server sends a sample of every figure each second (Server-Sent Events).
pub const STATUS_EVENTS_PATH: &str = "/api/status/events";

/// The samples the server held when it drew the screen, oldest first: the document's
/// hydration data, so that the browser starts from the charts the server drew.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StatusSamples(pub Vec<StatusSample>);

impl StatusSamples {
    /// The server's samples, and in the browser the same ones, read from the document.
    pub fn shared() -> Self {
        SharedValue::<Self, DocumentData>::new_with_encoding(|| {
            use_context::<Self>().unwrap_or_default()
        })
        .into_inner()
    }
}

fn status_screen_view(i18n: I18n) -> impl IntoView {
    view! { <StatusScreen i18n /> }
}

#[cfg(feature = "hydrate")]
pub use code::before_hydrating;
pub use code::status_screen;

#[cfg(not(all(feature = "hydrate", feature = "lazy-requests")))]
mod code {
    use super::*;

    /// The status screen.
    pub fn status_screen(i18n: I18n) -> impl IntoView {
        status_screen_view(i18n)
    }

    /// Hydrates the document.
    #[cfg(feature = "hydrate")]
    pub fn before_hydrating(hydrate: impl FnOnce() + 'static) {
        hydrate();
    }
}

#[cfg(all(feature = "hydrate", feature = "lazy-requests"))]
mod code {
    use super::*;
    use leptos::wasm_split::wasm_split;

    #[wasm_split(
        status_screen,
        wasm_split_path = ::leptos::wasm_split,
        fallible,
        preload(fetch_status_screen)
    )]
    fn status_screen_split(i18n: I18n) -> Result<AnyView, leptos::wasm_split::SplitLoaderError> {
        Ok(status_screen_view(i18n).into_any())
    }

    /// The status screen, built by its own code, which [`before_hydrating`] fetched.
    pub fn status_screen(i18n: I18n) -> AnyView {
        crate::screens::fetched_view(status_screen_split(i18n))
    }

    /// Hydrates the document, after fetching the status screen's code if it is the
    /// status screen.
    pub fn before_hydrating(hydrate: impl FnOnce() + 'static) {
        let fetch = async { fetch_status_screen().await.is_ok() };
        crate::screens::hydrate_once_code_is_here("[data-screen=status]", fetch, hydrate);
    }
}
