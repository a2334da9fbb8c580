//! Views that show only after a person acts: the rename editor, the deleted list's Undo,
//! the choice offered when a rename meets a list deleted elsewhere, and the count of
//! changes waiting for the server. With the
//! `lazy-requests` feature their code travels with the outbox's (see `transport`), which
//! the page fetches when it is first idle, so a first visit does not download it.
//!
//! A view is opened through [`when_ready`], which fetches the code first if it is not
//! here yet (and says "Could not reach the server" if it cannot come), and built by the
//! functions here, which give `None` while the code is not here (and fetch it: the
//! view shows when it comes, as a notice set by the outbox's code does). A page the server
//! rendered with one of them open (after a form posted without JavaScript) fetches the
//! code before it hydrates ([`before_hydrating`]); should that fail, the page stays as
//! the server rendered it, which works without JavaScript.
//!
//! Without the feature (plain `cargo leptos watch` or `build`) these are plain calls.

use super::list_row::RenameForm;
use super::live_indicator::WaitingStatus;
use super::notice_bar::{ChoiceNotice, UndoNotice};
use super::Notes;
use crate::lists::{ListError, ListId, ListName};
use leptos::{html, prelude::*};

/// What the rename editor opens with: the text in the box, the reason the last attempt
/// was refused, and what Save and Cancel do.
pub struct RenameEditor {
    pub id: ListId,
    pub text: String,
    pub error: Option<ListError>,
    pub on_save: Callback<ListName>,
    pub on_cancel: Callback<()>,
}

fn rename_editor_view(notes: Notes, editor: RenameEditor) -> impl IntoView {
    let RenameEditor {
        id,
        text,
        error,
        on_save,
        on_cancel,
    } = editor;
    view! { <RenameForm id notes text error on_save on_cancel /> }
}

fn undo_notice_view(notes: Notes, id: ListId, undo_button: NodeRef<html::Button>) -> impl IntoView {
    view! { <UndoNotice notes id undo_button /> }
}

fn choice_notice_view(notes: Notes, id: ListId, name: ListName) -> impl IntoView {
    view! { <ChoiceNotice notes id name /> }
}

fn waiting_status_view(notes: Notes) -> impl IntoView {
    view! { <WaitingStatus notes /> }
}

/// What, in a page the server rendered, is one of these views.
#[cfg(all(feature = "hydrate", feature = "lazy-requests"))]
const SERVER_RENDERED: &str = ".rename-form, .notice-slot > .notice";

#[cfg(feature = "hydrate")]
pub use code::before_hydrating;
pub use code::{choice_notice, rename_editor, undo_notice, waiting_status, when_ready};

#[cfg(not(all(feature = "hydrate", feature = "lazy-requests")))]
mod code {
    //! Plain calls, returning the views' own types: type-erasing them (`AnyView`) would
    //! add every render path of each to a build that has no split to carry them (12.5 KB
    //! of the plain release build's first visit, measured).

    use super::*;

    /// Runs `open`, which shows one of these views.
    pub fn when_ready(notes: Notes, open: impl FnOnce() + 'static) {
        let _ = notes;
        open();
    }

    pub fn rename_editor(notes: Notes, editor: RenameEditor) -> Option<impl IntoView> {
        Some(rename_editor_view(notes, editor))
    }

    pub fn undo_notice(
        notes: Notes,
        id: ListId,
        undo_button: NodeRef<html::Button>,
    ) -> Option<impl IntoView> {
        Some(undo_notice_view(notes, id, undo_button))
    }

    pub fn choice_notice(notes: Notes, id: ListId, name: ListName) -> Option<impl IntoView> {
        Some(choice_notice_view(notes, id, name))
    }

    pub fn waiting_status(notes: Notes) -> Option<impl IntoView> {
        Some(waiting_status_view(notes))
    }

    /// Hydrates the page.
    #[cfg(feature = "hydrate")]
    pub fn before_hydrating(hydrate: impl FnOnce() + 'static) {
        hydrate();
    }
}

#[cfg(all(feature = "hydrate", feature = "lazy-requests"))]
mod code {
    use super::*;
    use crate::notes::Notice;
    use leptos::wasm_split::wasm_split;
    use std::cell::Cell;
    use std::future::Future;
    use std::pin::pin;
    use std::task::{Context, Poll, Waker};

    thread_local! {
        /// Whether the code is here (only then are the views built, at once). A signal,
        /// so that a view asked for before the code came shows when it comes.
        static READY: ArcRwSignal<bool> = ArcRwSignal::new(false);
        /// Whether the code is being fetched for a view that asked for it.
        static FETCHING: Cell<bool> = const { Cell::new(false) };
    }

    #[wasm_split(
        list_changes,
        wasm_split_path = ::leptos::wasm_split,
        fallible,
        preload(fetch_rename_editor)
    )]
    fn rename_editor_split(notes: Notes, editor: RenameEditor) -> Result<AnyView, ListError> {
        Ok(rename_editor_view(notes, editor).into_any())
    }

    #[wasm_split(
        list_changes,
        wasm_split_path = ::leptos::wasm_split,
        fallible,
        preload(fetch_undo_notice)
    )]
    fn undo_notice_split(
        notes: Notes,
        id: ListId,
        undo_button: NodeRef<html::Button>,
    ) -> Result<AnyView, ListError> {
        Ok(undo_notice_view(notes, id, undo_button).into_any())
    }

    #[wasm_split(
        list_changes,
        wasm_split_path = ::leptos::wasm_split,
        fallible,
        preload(fetch_choice_notice)
    )]
    fn choice_notice_split(notes: Notes, id: ListId, name: ListName) -> Result<AnyView, ListError> {
        Ok(choice_notice_view(notes, id, name).into_any())
    }

    #[wasm_split(
        list_changes,
        wasm_split_path = ::leptos::wasm_split,
        fallible,
        preload(fetch_waiting_status)
    )]
    fn waiting_status_split(notes: Notes) -> Result<AnyView, ListError> {
        Ok(waiting_status_view(notes).into_any())
    }

    /// Fetches the code (if it is not here yet); whether it came. Each split function
    /// has a loader of its own (the module itself is fetched once), and each must be
    /// ready before [`built`] polls its function.
    async fn fetch() -> bool {
        let loaded = fetch_rename_editor().await.is_ok()
            && fetch_undo_notice().await.is_ok()
            && fetch_choice_notice().await.is_ok()
            && fetch_waiting_status().await.is_ok();
        if loaded {
            READY.with(|ready| ready.set(true));
        }
        loaded
    }

    fn is_ready() -> bool {
        READY.with(|ready| ready.get_untracked())
    }

    /// The view a split function builds, if its code is here. Once its loader is ready,
    /// the wrapper's future is ready when first polled (the loader is a `OnceCell`
    /// already set), so no waker is ever needed; it is never polled before.
    ///
    /// Without the code, the caller (a reactive view) is subscribed to its coming, and
    /// it is fetched: a notice set by the outbox's code (Undo, the choice) shows once
    /// the rest of that code is ready too.
    fn built(view: impl Future<Output = Result<AnyView, ListError>>) -> Option<AnyView> {
        if !READY.with(|ready| ready.get()) {
            if !FETCHING.replace(true) {
                leptos::task::spawn_local(async {
                    fetch().await;
                    FETCHING.set(false);
                });
            }
            return None;
        }
        match pin!(view).poll(&mut Context::from_waker(Waker::noop())) {
            Poll::Ready(Ok(view)) => Some(view),
            _ => None,
        }
    }

    /// Runs `open`, which shows one of these views, once their code is here.
    pub fn when_ready(notes: Notes, open: impl FnOnce() + 'static) {
        if is_ready() {
            open();
            return;
        }
        leptos::task::spawn_local(async move {
            if fetch().await {
                open();
            } else {
                notes
                    .notice
                    .set(Some(Notice::Failed(ListError::Unreachable)));
            }
        });
    }

    pub fn rename_editor(notes: Notes, editor: RenameEditor) -> Option<AnyView> {
        built(rename_editor_split(notes, editor))
    }

    pub fn undo_notice(
        notes: Notes,
        id: ListId,
        undo_button: NodeRef<html::Button>,
    ) -> Option<AnyView> {
        built(undo_notice_split(notes, id, undo_button))
    }

    pub fn choice_notice(notes: Notes, id: ListId, name: ListName) -> Option<AnyView> {
        built(choice_notice_split(notes, id, name))
    }

    pub fn waiting_status(notes: Notes) -> Option<AnyView> {
        built(waiting_status_split(notes))
    }

    /// Hydrates the page, after fetching the code of the views the server rendered open,
    /// if any. If that code cannot come, the page is left as the server rendered it.
    pub fn before_hydrating(hydrate: impl FnOnce() + 'static) {
        let open = document()
            .query_selector(SERVER_RENDERED)
            .ok()
            .flatten()
            .is_some();
        if !open {
            hydrate();
            return;
        }
        wasm_bindgen_futures::spawn_local(async move {
            if fetch().await {
                hydrate();
            } else {
                leptos::logging::warn!(
                    "the page's code for its open editor could not be fetched; it works without JavaScript"
                );
            }
        });
    }
}
