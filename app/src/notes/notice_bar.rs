use super::Notes;
use crate::language::error_sentence;
use crate::lists::{List, ListError};
use crate::word;
use leptos::{either::Either, html, prelude::*};

/// A message about the last change, shown under the list.
#[derive(Clone, Debug, PartialEq)]
pub enum Notice {
    /// A list was deleted and can be brought back. Requests run in click order, so an
    /// Undo can never overtake its Delete.
    Deleted(List),
    /// A change failed and was undone on the page; the error says why.
    Failed(ListError),
}

/// "List deleted" with Undo, or the reason a change failed.
#[component]
pub fn NoticeBar(notes: Notes) -> impl IntoView {
    let dismiss = move |_| notes.notice.set(None);
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
                    Some(Notice::Deleted(list)) => Some(view! {
                        <div class="notice">
                            <span>{word!(i18n, list_deleted)}</span>
                            <button
                                type="button"
                                class="button button-small"
                                node_ref=undo_button
                                on:click=move |_| notes.undo_delete(list.clone())
                            >
                                {word!(i18n, undo)}
                            </button>
                            <button type="button" class="button-icon" aria-label=word!(i18n, dismiss) on:click=dismiss>
                                "×"
                            </button>
                        </div>
                    }),
                    _ => None,
                }}
            </div>
            {move || match notes.notice.get() {
                Some(Notice::Failed(error)) => Either::Left(view! {
                    <div role="alert" class="notice notice-error">
                        <span>{move || error_sentence(i18n, &error)}</span>
                        <button type="button" class="button-icon" aria-label=word!(i18n, dismiss) on:click=dismiss>
                            "×"
                        </button>
                    </div>
                }),
                _ => Either::Right(()),
            }}
        </div>
    }
}
