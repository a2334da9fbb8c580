use super::{ListsModel, Notice};
use leptos::{either::Either, html, prelude::*};

/// "List deleted" with Undo, or the reason a change failed.
#[component]
pub fn NoticeBar(model: ListsModel) -> impl IntoView {
    let dismiss = move |_| model.notice.set(None);
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
                {move || match model.notice.get() {
                    Some(Notice::Deleted(list)) => Some(view! {
                        <div class="notice">
                            <span>"List deleted"</span>
                            <button
                                type="button"
                                class="button button-small"
                                node_ref=undo_button
                                on:click=move |_| model.undo_delete(list.clone())
                            >
                                "Undo"
                            </button>
                            <button type="button" class="button-icon" aria-label="Dismiss" on:click=dismiss>
                                "×"
                            </button>
                        </div>
                    }),
                    _ => None,
                }}
            </div>
            {move || match model.notice.get() {
                Some(Notice::Failed(message)) => Either::Left(view! {
                    <div role="alert" class="notice notice-error">
                        <span>{message}</span>
                        <button type="button" class="button-icon" aria-label="Dismiss" on:click=dismiss>
                            "×"
                        </button>
                    </div>
                }),
                _ => Either::Right(()),
            }}
        </div>
    }
}
