use super::deferred_views;
use super::list_row::{RENAME_FORM, RESTORE_FORM};
use super::Notes;
use crate::i18n::td_string;
use crate::language::error_sentence;
use crate::lists::{ListError, ListId, ListName};
use crate::word;
use leptos::{either::Either, ev, html, prelude::*};

/// A message about the last change, shown under the list.
#[derive(Clone, Debug, PartialEq)]
pub enum Notice {
    /// A list was deleted and can be brought back. Requests run in click order, so an
    /// Undo can never overtake its Delete.
    Deleted(ListId),
    /// A change failed and was undone on the page; the error says why.
    Failed(ListError),
    /// A rename waited in the outbox while someone deleted the list: the person chooses
    /// between bringing it back with the new name and letting the rename go.
    RenameOfDeleted { id: ListId, name: ListName },
}

/// "List deleted" with Undo, or the reason a change failed. Undo submits the page's
/// restore form and Dismiss the window's (see `RowForms`), so both work without
/// JavaScript; with it, they act in place.
///
/// A failure is drawn here; Undo and the choice after a rename of a list deleted
/// elsewhere follow a person's change, so their code comes later (`deferred_views`). A
/// failure must show even when no more code can come: it says so.
#[component]
pub fn NoticeBar(notes: Notes) -> impl IntoView {
    let i18n = notes.i18n;
    let undo_button = NodeRef::<html::Button>::new();
    // Deleting removes the focused row; Undo is where the keyboard should land next.
    Effect::new(move |_| {
        if let Some(button) = undo_button.get() {
            let _ = button.focus();
        }
    });
    view! {
        <div class="notices">
            <div role="status" class="notice-slot">
                {move || match notes.notice.get() {
                    Some(Notice::Deleted(id)) => deferred_views::undo_notice(notes, id, undo_button),
                    _ => None,
                }}
            </div>
            {move || match notes.notice.get() {
                Some(Notice::RenameOfDeleted { id, name }) => {
                    deferred_views::choice_notice(notes, id, name).map(Either::Left)
                }
                Some(Notice::Failed(error)) => Some(Either::Right(view! {
                    <div role="alert" class="notice notice-error">
                        <span>{move || error_sentence(i18n, &error)}</span>
                        <DismissButton notes />
                    </div>
                })),
                _ => None,
            }}
        </div>
    }
}

/// "List deleted", and Undo.
#[component]
pub fn UndoNotice(notes: Notes, id: ListId, undo_button: NodeRef<html::Button>) -> impl IntoView {
    let i18n = notes.i18n;
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
            <DismissButton notes />
        </div>
    }
}

/// A rename waited while the list was deleted elsewhere: bring it back with the new
/// name, or let the rename go.
#[component]
pub fn ChoiceNotice(notes: Notes, id: ListId, name: ListName) -> impl IntoView {
    let i18n = notes.i18n;
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
            <button type="button" class="button button-small" on:click=move |_| notes.notice.set(None)>
                {word!(i18n, discard)}
            </button>
        </div>
    }
}

/// Without JavaScript, Dismiss submits the rename form with no row: the same window,
/// without the notice.
#[component]
fn DismissButton(notes: Notes) -> impl IntoView {
    let dismiss = move |event: ev::MouseEvent| {
        event.prevent_default();
        notes.notice.set(None);
    };
    view! {
        <button type="submit" form=RENAME_FORM class="button-icon" aria-label=word!(notes.i18n, dismiss) on:click=dismiss>
            "×"
        </button>
    }
}
