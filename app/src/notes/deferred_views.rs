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

/// Every view here, once: its name, its split function, that function's loader (each
/// split function has a loader of its own, and every one must be primed before `built`
/// polls its function, so the priming list is derived from this one) and what it draws.
/// Each build's `code` module passes its own macro to this one.
macro_rules! with_each_view {
    ($declare:ident) => {
        $declare! {
            rename_editor, rename_editor_split, fetch_rename_editor:
                rename_editor_view(notes: Notes, editor: RenameEditor);
            undo_notice, undo_notice_split, fetch_undo_notice:
                undo_notice_view(notes: Notes, id: ListId, undo_button: NodeRef<html::Button>);
            choice_notice, choice_notice_split, fetch_choice_notice:
                choice_notice_view(notes: Notes, id: ListId, name: ListName);
            waiting_status, waiting_status_split, fetch_waiting_status:
                waiting_status_view(notes: Notes);
        }
    };
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

    macro_rules! plain {
        ($($name:ident, $split:ident, $preload:ident: $view:ident($($arg:ident: $ty:ty),*);)*) => {
            $(
                pub fn $name($($arg: $ty),*) -> Option<impl IntoView> {
                    Some($view($($arg),*))
                }
            )*
        };
    }
    with_each_view!(plain);

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

    macro_rules! split {
        ($($name:ident, $split:ident, $preload:ident: $view:ident($($arg:ident: $ty:ty),*);)*) => {
            $(
                #[wasm_split(
                    list_changes,
                    wasm_split_path = ::leptos::wasm_split,
                    fallible,
                    preload($preload)
                )]
                fn $split($($arg: $ty),*) -> Result<AnyView, ListError> {
                    Ok($view($($arg),*).into_any())
                }

                pub fn $name($($arg: $ty),*) -> Option<AnyView> {
                    built($split($($arg),*))
                }
            )*

            /// Primes every view's loader; whether all of them could load the code.
            async fn prime() -> bool {
                $($preload().await.is_ok() &&)* true
            }
        };
    }
    with_each_view!(split);

    /// Fetches the code (if it is not here yet); whether it came. The module is fetched
    /// once, whichever loader asks first.
    async fn fetch() -> bool {
        let loaded = prime().await;
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

    /// Hydrates the page, after fetching the code of the views the server rendered open,
    /// if any.
    pub fn before_hydrating(hydrate: impl FnOnce() + 'static) {
        crate::notes::hydrate_once_code_is_here(SERVER_RENDERED, fetch(), hydrate);
    }
}
