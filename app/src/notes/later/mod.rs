//! The notes screen's code fetched later: every split point, and the views built only by
//! that code. A first visit never runs it: the rows come inside the document and other
//! people's changes over the feed. With the `lazy-requests` feature (`cargo leptos
//! build --split --lib-features lazy-requests`, which `scripts/build.sh` runs) each part
//! is a wasm file of its own:
//!
//! - `list_changes`: the outbox's work ([`outbox_job`]) and the views that show only
//!   after a person acts ([`views`]: the rename editor, Undo, the choice after a rename
//!   of a deleted list, the count of changes waiting), fetched when the tab is first
//!   idle;
//! - `lists_load`: loading a page, merging it into the window, a search
//!   ([`requests`]), fetched on first use;
//! - `lists_late`: the lists that arrive late in the document ([`late_lists`]: the
//!   resource, `<Suspense>`, `<ErrorBoundary>`, the load error with Retry), fetched
//!   before hydrating only by a document that had them late.
//!
//! If that code cannot be fetched, a request fails as an unreachable server, and a
//! document the server drew with one of these views fetches it before hydrating or
//! stays as the server drew it, which works without JavaScript. Without the feature
//! (plain `cargo leptos watch` or `build`) these are plain calls.
//!
//! Nothing on the screen imports this room but its root (`NotesScreen`), which hands
//! its parts to the rest: the requests to the front (`Notes`), the views as the
//! screen's [`Deferred`](super::deferred::Deferred). The room builds the screen's views
//! (the late lists draw the loaded ones), so their code for building them in the
//! browser travels with it.

mod late_lists;
mod requests;
pub mod views;

pub use late_lists::late_lists;
pub use requests::{fetch_page, outbox_job, search};
pub use views::Later;

/// Where the screen's service worker is served (by the server, written for each build):
/// at the root, so that its scope covers the screen. The outbox's code registers it.
pub const SERVICE_WORKER_PATH: &str = "/sw.js";

/// Hydrates the document once the code it needs is here: the late lists' if they came
/// late, and that of the views the server drew open, if any.
#[cfg(feature = "hydrate")]
pub fn before_hydrating(hydrate: impl FnOnce() + 'static) {
    late_lists::before_hydrating(move || views::before_hydrating(hydrate));
}
