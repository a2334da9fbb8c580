//! The notice under the list: "List deleted" with Undo, the reason a change failed, or
//! the choice after a rename of a list deleted elsewhere.

use super::deferred::{Deferred, RenameChoice, UndoOffer};
use super::dismiss_button::DismissButton;
use super::front::{Notes, Notice};
use crate::language::error_sentence;
use leptos::{either::Either, html, prelude::*};

/// Undo submits the screen's restore form and Dismiss the window's (see `RowForms`), so
/// both work without JavaScript; with it, they act in place.
///
/// A failure is drawn here; Undo and the choice follow a person's change, so their code
/// comes later (`Deferred`). A failure must show even when no more code can come: it
/// says so.
#[component]
pub fn NoticeBar<D: Deferred>(notes: Notes, deferred: D) -> impl IntoView {
    let i18n = notes.i18n();
    let undo_button = NodeRef::<html::Button>::new();
    // Deleting removes the focused row; Undo is where the keyboard should land next.
    Effect::new(move |_| {
        if let Some(button) = undo_button.get() {
            let _ = button.focus();
        }
    });
    let dismiss = Callback::new(move |()| notes.dismiss_notice());
    view! {
        <div class="notices">
            <div role="status" class="notice-slot">
                {move || match notes.notice() {
                    Some(Notice::Deleted(id)) => deferred.undo_notice(UndoOffer {
                        notes,
                        id,
                        undo_button,
                    }),
                    _ => None,
                }}
            </div>
            {move || match notes.notice() {
                Some(Notice::RenameOfDeleted { id, name }) => deferred
                    .choice_notice(RenameChoice { notes, id, name })
                    .map(Either::Left),
                Some(Notice::Failed(error)) => Some(Either::Right(view! {
                    <div role="alert" class="notice notice-error">
                        <span>{move || error_sentence(i18n, &error)}</span>
                        <DismissButton i18n on_dismiss=dismiss />
                    </div>
                })),
                _ => None,
            }}
        </div>
    }
}
