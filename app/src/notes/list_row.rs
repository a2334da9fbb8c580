use super::ListsModel;
use crate::lists::{List, ListId, ListName};
use leptos::{either::Either, ev::SubmitEvent, html, prelude::*};

/// One list. Reads only its own signal, so a rename elsewhere never touches it.
#[component]
pub fn ListRow(list: ArcRwSignal<List>, model: ListsModel) -> impl IntoView {
    let id = list.with_untracked(|list| list.id);
    let editing = RwSignal::new(false);
    let rename_button = NodeRef::<html::Button>::new();
    let refocus_rename = StoredValue::new(false);
    // When the editor closes, the keyboard goes back to this row's Rename button.
    Effect::new(move |_| {
        if let Some(button) = rename_button.get() {
            if refocus_rename.get_value() {
                refocus_rename.set_value(false);
                let _ = button.focus();
            }
        }
    });
    let close_editor = move || {
        refocus_rename.set_value(true);
        editing.set(false);
    };
    let name = Signal::derive({
        let list = list.clone();
        move || list.with(|list| list.name.to_string())
    });

    view! {
        <li id=id.dom_id() class="list-row">
            {move || {
                if editing.get() {
                    Either::Left(view! {
                        <RenameForm
                            id
                            current=name.get_untracked()
                            on_save=move |new_name: ListName| {
                                if new_name.as_str() != name.get_untracked() {
                                    model.rename(id, new_name);
                                }
                                close_editor();
                            }
                            on_cancel=close_editor
                        />
                    })
                } else {
                    Either::Right(view! {
                        <span class="list-name">{name}</span>
                        <span class="row-actions">
                            <button
                                type="button"
                                class="button button-small"
                                node_ref=rename_button
                                aria-label=move || format!("Rename {}", name.get())
                                on:click=move |_| editing.set(true)
                            >
                                "Rename"
                            </button>
                            <button
                                type="button"
                                class="button button-small button-danger"
                                aria-label=move || format!("Delete {}", name.get())
                                on:click=move |_| model.delete(id)
                            >
                                "Delete"
                            </button>
                        </span>
                    })
                }
            }}
        </li>
    }
}

/// The row's name as a text box: Enter (or Save) saves, Escape (or Cancel) cancels.
#[component]
fn RenameForm(
    id: ListId,
    current: String,
    on_save: impl Fn(ListName) + Send + Sync + 'static,
    on_cancel: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let input = NodeRef::<html::Input>::new();
    let error = RwSignal::new(None::<String>);
    let error_id = format!("rename-error-{id}");
    Effect::new(move |_| {
        if let Some(field) = input.get() {
            let _ = field.focus();
            field.select();
        }
    });
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        let Some(field) = input.get() else {
            return;
        };
        match ListName::parse(&field.value()) {
            Ok(name) => on_save(name),
            Err(refused) => {
                error.set(Some(refused.to_string()));
                let _ = field.focus();
            }
        }
    };
    view! {
        <form class="rename-form" on:submit=on_submit novalidate>
            <input
                type="text"
                class="text-input"
                aria-label="New name"
                value=current
                node_ref=input
                autocomplete="off"
                aria-invalid=move || error.with(|e| e.is_some().then_some("true"))
                aria-describedby=error_id.clone()
                on:keydown=move |event| {
                    if event.key() == "Escape" {
                        event.prevent_default();
                        on_cancel();
                    }
                }
                on:input=move |_| error.set(None)
            />
            <button type="submit" class="button button-small button-primary">"Save"</button>
            <button type="button" class="button button-small" on:click=move |_| on_cancel()>
                "Cancel"
            </button>
            <p id=error_id class="field-error">{move || error.get()}</p>
        </form>
    }
}
