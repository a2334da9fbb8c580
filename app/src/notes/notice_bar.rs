use super::list_row::{RENAME_FORM, RESTORE_FORM};
use super::Notes;
use crate::language::error_sentence;
use crate::lists::{ListError, ListId};
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
}

/// "List deleted" with Undo, or the reason a change failed. Undo submits the page's
/// restore form and Dismiss the window's (see `RowForms`), so both work without
/// JavaScript; with it, they act in place.
#[component]
pub fn NoticeBar(notes: Notes) -> impl IntoView {
    let dismiss = move |event: ev::MouseEvent| {
        event.prevent_default();
        notes.notice.set(None);
    };
    let i18n = notes.i18n;
    let undo_button = NodeRef::<html::Button>::new();
    // Deleting removes the focused row; Undo is where the keyboard should land next.
    Effect::new(move |_| {
        if let Some(button) = undo_button.get() {
            let _ = button.focus();
        }
    });
    // Without JavaScript, Dismiss submits the rename form with no row: the same window,
    // without the notice.
    let dismiss_button = move || {
        view! {
            <button type="submit" form=RENAME_FORM class="button-icon" aria-label=word!(i18n, dismiss) on:click=dismiss>
                "×"
            </button>
        }
    };
    view! {
        <div class="notices">
            <div role="status" class="notice-slot">
                {move || match notes.notice.get() {
                    Some(Notice::Deleted(id)) => Some(view! {
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
                            {dismiss_button()}
                        </div>
                    }),
                    _ => None,
                }}
            </div>
            {move || match notes.notice.get() {
                Some(Notice::Failed(error)) => Either::Left(view! {
                    <div role="alert" class="notice notice-error">
                        <span>{move || error_sentence(i18n, &error)}</span>
                        {dismiss_button()}
                    </div>
                }),
                _ => Either::Right(()),
            }}
        </div>
    }
}
