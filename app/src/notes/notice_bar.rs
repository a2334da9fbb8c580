use super::list_row::{RENAME_FORM, RESTORE_FORM};
use super::Notes;
use crate::i18n::td_string;
use crate::language::error_sentence;
use crate::lists::{ListError, ListId, ListName};
use crate::word;
use leptos::{ev, html, prelude::*};

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
            {move || {
                let notice = notes.notice.get();
                // A rename of a list deleted elsewhere offers two choices; any other
                // failure can only be dismissed. One alert for both keeps the wasm small.
                let choice = match &notice {
                    Some(Notice::RenameOfDeleted { id, name }) => Some((*id, name.clone())),
                    Some(Notice::Failed(_)) => None,
                    _ => return None,
                };
                let chosen = choice.clone();
                let sentence = move || match &notice {
                    Some(Notice::Failed(error)) => error_sentence(i18n, error),
                    Some(Notice::RenameOfDeleted { name, .. }) => {
                        td_string!(i18n.get_locale(), rename_of_deleted, name = name.as_str()).to_string()
                    }
                    _ => String::new(),
                };
                let choosing = choice.is_some();
                Some(view! {
                    <div role="alert" class="notice notice-error">
                        <span>{sentence}</span>
                        <button
                            type="button"
                            class="button button-small"
                            hidden=!choosing
                            on:click=move |_| {
                                if let Some((id, name)) = chosen.clone() {
                                    notes.restore_and_rename(id, name);
                                }
                            }
                        >
                            {word!(i18n, restore_and_rename)}
                        </button>
                        <button type="button" class="button button-small" hidden=!choosing on:click=move |_| notes.notice.set(None)>
                            {word!(i18n, discard)}
                        </button>
                        <span hidden=choosing>{dismiss_button()}</span>
                    </div>
                })
            }}
        </div>
    }
}
