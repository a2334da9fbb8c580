//! async_streamer's isomorphic crate: everything that runs on both sides.
//!
//! - [`stream`]: the keyed stream, LiveView's `stream`: ordered rows, each its own signal;
//! - [`collection`]: what a collection of rows supplies, and the shapes all share;
//! - [`window`], [`outbox`], [`feed`]: written once for any collection: the rows a
//!   screen holds, the changes waiting for the server, the subscription to the log;
//! - [`lists`]: the first collection: the domain (names, ids, pages, events), the server
//!   functions and, on the server, the store that owns every query on `lists`;
//! - [`notes`]: the `/notes` screen built from them;
//! - [`status`]: the `/status` screen, the server's figures live, built from the same
//!   stream and feed; [`screens`] says which of the two a document is;
//! - [`language`]: which language a screen speaks, and its words ([`i18n`], generated
//!   from `locales/*.json` by `build.rs`);
//! - [`wire`]: how data crosses between server and browser.

/// The generated `i18n` module: the `Locale` enum and the `t!` family of macros. The
/// generated code is leptos_i18n's, not held to this crate's rule against `expect`.
#[allow(clippy::expect_used, clippy::unwrap_used)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));
}
pub use generated::i18n;

pub mod collection;
#[cfg(feature = "ssr")]
pub mod cookie;
pub mod feed;
pub mod language;
pub mod lists;
pub mod notes;
pub mod outbox;
pub mod screens;
#[cfg(feature = "ssr")]
mod shell;
pub mod status;
pub mod stream;
pub mod window;
pub mod wire;

#[cfg(feature = "ssr")]
pub use shell::{shell, DocumentAssets};

use leptos::prelude::*;

/// Hydrates the server-rendered document (the wasm entry point calls this): at once, or
/// once the code of what the server drew has come (see `notes::before_hydrating` and
/// `status::before_hydrating`).
#[cfg(feature = "hydrate")]
pub fn hydrate() {
    status::before_hydrating(|| notes::before_hydrating(|| leptos::mount::hydrate_body(App)));
}

/// The application: one screen per document (see [`screens`]), so no client-side
/// router (which keeps the wasm small).
#[component]
pub fn App() -> impl IntoView {
    use leptos::either::Either;
    let i18n = language::provide_i18n();
    match screens::Screen::current() {
        screens::Screen::Notes => Either::Left(view! { <notes::NotesScreen i18n /> }),
        screens::Screen::Status => Either::Right(status::status_screen(i18n)),
    }
}
