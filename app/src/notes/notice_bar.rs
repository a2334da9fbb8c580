use super::Notes;
use crate::language::error_sentence;
use crate::lists::{ListError, ListId, ListsQuery, RestoreList};
use crate::word;
use leptos::{either::Either, ev, html, prelude::*, server_fn::ServerFn};

/// A message about the last change, shown under the list.
#[derive(Clone, Debug, PartialEq)]
pub enum Notice {
    /// A list was deleted and can be brought back. Requests run in click order, so an
    /// Undo can never overtake its Delete.
    Deleted(ListId),
    /// A change failed and was undone on the page; the error says why.
    Failed(ListError),
}

/// "List deleted" with Undo, or the reason a change failed. Undo is a form that posts
/// the restore and Dismiss a link back to the window, so both work without JavaScript;
/// with it, they act in place.
#[component]
pub fn NoticeBar(notes: Notes) -> impl IntoView {
    let dismiss = move |event: ev::MouseEvent| {
        event.prevent_default();
        notes.notice.set(None);
    };
    let i18n = notes.i18n;
    let window_href = StoredValue::new(notes.query.with_untracked(ListsQuery::href));
    let undo_button = NodeRef::<html::Button>::new();
    // Deleting removes the focused row; Undo is where the keyboard should land next.
    Effect::new(move |_| {
        if let Some(button) = undo_button.get() {
            let _ = button.focus();
        }
    });
    let dismiss_link = move || {
        view! {
            <a class="button-icon" href=window_href.get_value() aria-label=word!(i18n, dismiss) on:click=dismiss>
                "×"
            </a>
        }
    };
    view! {
        <div class="notices">
            <div role="status" class="notice-slot">
                {move || match notes.notice.get() {
                    Some(Notice::Deleted(id)) => Some(view! {
                        <div class="notice">
                            <span>{word!(i18n, list_deleted)}</span>
                            <form
                                class="row-form"
                                method="post"
                                action=RestoreList::url()
                                on:submit=move |event: ev::SubmitEvent| {
                                    event.prevent_default();
                                    notes.undo_delete(id);
                                }
                            >
                                <input type="hidden" name="id" value=id.to_string() />
                                <button type="submit" class="button button-small" node_ref=undo_button>
                                    {word!(i18n, undo)}
                                </button>
                            </form>
                            {dismiss_link()}
                        </div>
                    }),
                    _ => None,
                }}
            </div>
            {move || match notes.notice.get() {
                Some(Notice::Failed(error)) => Either::Left(view! {
                    <div role="alert" class="notice notice-error">
                        <span>{move || error_sentence(i18n, &error)}</span>
                        {dismiss_link()}
                    </div>
                }),
                _ => Either::Right(()),
            }}
        </div>
    }
}
