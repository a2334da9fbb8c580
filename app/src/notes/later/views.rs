//! Views that show only after a person acts: the rename editor, the deleted list's Undo,
//! the choice offered when a rename meets a list deleted elsewhere, and the count of
//! changes waiting for the server. Their code travels with the outbox's
//! (`list_changes`), which the tab fetches when it is first idle.
//!
//! The screen reaches them through [`Later`], its [`Deferred`]: a view is opened
//! through `when_ready`, which fetches the code first if it is not here yet, and built
//! by the builders, which give `None` while the code is not here (and fetch it: the
//! view shows when it comes, as a notice set by the outbox's code does). A document the
//! server drew with one of them open (after a form posted without JavaScript) fetches
//! the code before it hydrates ([`before_hydrating`]); should that fail, the document
//! stays as the server drew it.
//!
//! Each view takes what it shows and what its buttons do, never the screen itself.

use super::super::deferred::{Deferred, RenameChoice, RenameEditor, UndoOffer, WaitingWords};
use super::super::dismiss_button::DismissButton;
use super::super::row_forms::RESTORE_FORM;
use crate::i18n::td_string;
use crate::language::error_sentence;
use crate::lists::{ListName, RenameList};
use crate::{counted, word};
use leptos::{ev, html, prelude::*, server_fn::ServerFn};

/// The views of this room, as the screen asks for them (see [`Deferred`]).
#[derive(Clone, Copy)]
pub struct Later;

impl Deferred for Later {
    fn when_ready(self, open: impl FnOnce() + 'static, unreachable: impl FnOnce() + 'static) {
        code::when_ready(open, unreachable);
    }

    fn rename_editor(self, editor: RenameEditor) -> Option<impl IntoView> {
        code::rename_editor(editor)
    }

    fn undo_notice(self, offer: UndoOffer) -> Option<impl IntoView> {
        code::undo_notice(offer)
    }

    fn choice_notice(self, choice: RenameChoice) -> Option<impl IntoView> {
        code::choice_notice(choice)
    }

    fn waiting_status(self, words: WaitingWords) -> Option<impl IntoView> {
        code::waiting_status(words)
    }
}

fn rename_editor_view(editor: RenameEditor) -> impl IntoView {
    view! { <RenameForm editor /> }
}

fn undo_notice_view(offer: UndoOffer) -> impl IntoView {
    view! { <UndoNotice offer /> }
}

fn choice_notice_view(choice: RenameChoice) -> impl IntoView {
    view! { <ChoiceNotice choice /> }
}

fn waiting_status_view(words: WaitingWords) -> impl IntoView {
    view! { <WaitingStatus words /> }
}

/// The row's name as a text box, in a form that posts the rename: Enter (or Save) saves,
/// Escape (or Cancel) cancels. With JavaScript the name is checked here first and saved
/// in place; without it the server checks it and, if it refuses, comes back to this form
/// with the text kept and the reason.
#[component]
fn RenameForm(editor: RenameEditor) -> impl IntoView {
    let RenameEditor {
        id,
        i18n,
        text,
        error,
        cancel_href,
        on_save,
        on_cancel,
    } = editor;
    let input = NodeRef::<html::Input>::new();
    let error = RwSignal::new(error);
    let error_id = format!("rename-error-{id}");
    Effect::new(move |_| {
        if let Some(field) = input.get() {
            let _ = field.focus();
            field.select();
        }
    });
    let on_submit = move |event: ev::SubmitEvent| {
        event.prevent_default();
        let Some(field) = input.get() else {
            return;
        };
        match ListName::parse(&field.value()) {
            Ok(name) => on_save.run(name),
            Err(refused) => {
                error.set(Some(refused.into()));
                let _ = field.focus();
            }
        }
    };
    let cancel_on_escape = move |event: ev::KeyboardEvent| {
        if event.key() == "Escape" {
            event.prevent_default();
            on_cancel.run(());
        }
    };
    view! {
        <form class="rename-form" method="post" action=RenameList::url() novalidate on:submit=on_submit>
            <input type="hidden" name="id" value=id.to_string() />
            <input
                type="text"
                name="name"
                class="text-input"
                aria-label=word!(i18n, new_name)
                value=text
                node_ref=input
                autocomplete="off"
                autofocus=true
                aria-invalid=move || error.with(|e| e.is_some().then_some("true"))
                aria-describedby=error_id.clone()
                on:keydown=cancel_on_escape
                on:input=move |_| error.set(None)
            />
            <button type="submit" class="button button-small button-primary">{word!(i18n, save)}</button>
            <a
                class="button button-small"
                href=cancel_href
                on:click=move |event: ev::MouseEvent| {
                    event.prevent_default();
                    on_cancel.run(());
                }
            >
                {word!(i18n, cancel)}
            </a>
            <p id=error_id class="field-error">
                {move || error.with(|error| error.as_ref().map(|error| error_sentence(i18n, error)))}
            </p>
        </form>
    }
}

/// Undo submits the screen's restore form, so it works without JavaScript; with it, it
/// acts in place.
#[component]
fn UndoNotice(offer: UndoOffer) -> impl IntoView {
    let UndoOffer {
        notes,
        id,
        undo_button,
    } = offer;
    let i18n = notes.i18n();
    view! {
        <div class="notice">
            <span>{word!(i18n, list_deleted)}</span>
            <button
                type="submit"
                form=RESTORE_FORM
                name="id"
                value=id.to_string()
                class="button button-small"
                node_ref=undo_button
                on:click=move |event: ev::MouseEvent| {
                    event.prevent_default();
                    notes.undo_delete(id);
                }
            >
                {word!(i18n, undo)}
            </button>
            <DismissButton i18n on_dismiss=Callback::new(move |()| notes.dismiss_notice()) />
        </div>
    }
}

#[component]
fn ChoiceNotice(choice: RenameChoice) -> impl IntoView {
    let RenameChoice { notes, id, name } = choice;
    let i18n = notes.i18n();
    let sentence = {
        let name = name.clone();
        move || td_string!(i18n.get_locale(), rename_of_deleted, name = name.as_str()).to_string()
    };
    view! {
        <div role="alert" class="notice notice-error">
            <span>{sentence}</span>
            <button
                type="button"
                class="button button-small"
                on:click=move |_| notes.restore_and_rename(id, name.clone())
            >
                {word!(i18n, restore_and_rename)}
            </button>
            <button type="button" class="button button-small" on:click=move |_| notes.dismiss_notice()>
                {word!(i18n, discard)}
            </button>
        </div>
    }
}

#[component]
fn WaitingStatus(words: WaitingWords) -> impl IntoView {
    let WaitingWords { notes } = words;
    let i18n = notes.i18n();
    view! {
        {move || notes.offline().then(|| view! { {word!(i18n, offline)} " · " })}
        {move || counted!(i18n, changes_waiting, notes.waiting_count())}
    }
}

/// Every view here, once: its name, its split function, that function's loader (each
/// split function has a loader of its own, and every one must be primed before `built`
/// polls its function, so the priming list is derived from this one) and what it draws.
/// Each build's `code` module passes its own macro to this one.
macro_rules! with_each_view {
    ($declare:ident) => {
        $declare! {
            rename_editor, rename_editor_split, fetch_rename_editor:
                rename_editor_view(editor: RenameEditor);
            undo_notice, undo_notice_split, fetch_undo_notice:
                undo_notice_view(offer: UndoOffer);
            choice_notice, choice_notice_split, fetch_choice_notice:
                choice_notice_view(choice: RenameChoice);
            waiting_status, waiting_status_split, fetch_waiting_status:
                waiting_status_view(words: WaitingWords);
        }
    };
}

/// What, in a document the server drew, is one of these views.
#[cfg(all(feature = "hydrate", feature = "lazy-requests"))]
const SERVER_RENDERED: &str = ".rename-form, .notice-slot > .notice";

#[cfg(feature = "hydrate")]
pub use code::before_hydrating;

#[cfg(not(all(feature = "hydrate", feature = "lazy-requests")))]
mod code {
    //! Plain calls, returning the views' own types: type-erasing them (`AnyView`) would
    //! add every render path of each to a build that has no split to carry them.

    use super::*;

    /// Runs `open`, which shows one of these views.
    pub fn when_ready(open: impl FnOnce() + 'static, unreachable: impl FnOnce() + 'static) {
        let _ = unreachable;
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

    /// Hydrates the document.
    #[cfg(feature = "hydrate")]
    pub fn before_hydrating(hydrate: impl FnOnce() + 'static) {
        hydrate();
    }
}

#[cfg(all(feature = "hydrate", feature = "lazy-requests"))]
mod code {
    use super::*;
    use crate::lists::ListError;
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

    /// Runs `open`, which shows one of these views, once their code is here; else
    /// `unreachable`.
    pub fn when_ready(open: impl FnOnce() + 'static, unreachable: impl FnOnce() + 'static) {
        if is_ready() {
            open();
            return;
        }
        leptos::task::spawn_local(async move {
            if fetch().await {
                open();
            } else {
                unreachable();
            }
        });
    }

    /// Hydrates the document, after fetching the code of the views the server drew
    /// open, if any.
    pub fn before_hydrating(hydrate: impl FnOnce() + 'static) {
        crate::screens::hydrate_once_code_is_here(SERVER_RENDERED, fetch(), hydrate);
    }
}
