use super::window::ListWindow;
use super::Notes;
use crate::i18n::t_string;
use crate::language::{name_sentence, Locale};
use crate::lists::{List, ListId, ListName, ListNameError};
use crate::word;
use leptos::{either::Either, ev::SubmitEvent, html, prelude::*};
use leptos_i18n::I18nContext;

/// One list. Reads only its own signal, so a change to another row never touches it.
///
/// Rendering a row is on the hot path of every page view, so it allocates little: its
/// DOM id, its name, and the two buttons' accessible names ("Rename Groceries"), which
/// are whole sentences from the catalogue rather than ids stitched together, so that each
/// language puts the name where its grammar wants it ("Groceries umbenennen").
#[component]
pub fn ListRow(list: ArcRwSignal<List>, window: ListWindow, notes: Notes) -> impl IntoView {
    let id = list.with_untracked(|list| list.id);
    let editing = RwSignal::new(false);
    // Closing the editor re-creates the Rename button; keyboard focus goes back to it.
    let rename_button = NodeRef::<html::Button>::new();
    let refocus = StoredValue::new(false);
    Effect::new(move |_| {
        if let Some(button) = rename_button.get() {
            if refocus.get_value() {
                refocus.set_value(false);
                let _ = button.focus();
            }
        }
    });
    let close_editor = move || {
        refocus.set_value(true);
        editing.set(false);
    };
    let i18n = notes.i18n;
    let rename_label = {
        let list = list.clone();
        move || {
            list.with(|list| t_string!(i18n, rename_named, name = list.name.as_str()).to_string())
        }
    };
    let delete_label = {
        let list = list.clone();
        move || {
            list.with(|list| t_string!(i18n, delete_named, name = list.name.as_str()).to_string())
        }
    };
    let name = move || list.with(|list| list.name.to_string());

    view! {
        <li id=id.dom_id() class="list-row">
            {move || {
                if editing.get() {
                    let current = name();
                    Either::Left(view! {
                        <RenameForm
                            id
                            i18n
                            current=current.clone()
                            on_save=move |new_name: ListName| {
                                if new_name.as_str() != current {
                                    notes.rename(window, id, new_name);
                                }
                                close_editor();
                            }
                            on_cancel=close_editor
                        />
                    })
                } else {
                    Either::Right(view! {
                        <span class="list-name" dir="auto">{name.clone()}</span>
                        <span class="row-actions">
                            <button
                                type="button"
                                class="button button-small"
                                aria-label=rename_label.clone()
                                node_ref=rename_button
                                on:click=move |_| editing.set(true)
                            >
                                {notes.row_words.rename}
                            </button>
                            <button
                                type="button"
                                class="button button-small button-danger"
                                aria-label=delete_label.clone()
                                on:click=move |_| notes.delete(window, id)
                            >
                                {notes.row_words.delete}
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
    i18n: I18nContext<Locale>,
    current: String,
    on_save: impl Fn(ListName) + Send + Sync + 'static,
    on_cancel: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let input = NodeRef::<html::Input>::new();
    let error = RwSignal::new(None::<ListNameError>);
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
                error.set(Some(refused));
                let _ = field.focus();
            }
        }
    };
    let cancel_on_escape = move |event: leptos::ev::KeyboardEvent| {
        if event.key() == "Escape" {
            event.prevent_default();
            on_cancel();
        }
    };
    view! {
        <form class="rename-form" on:submit=on_submit novalidate>
            <input
                type="text"
                class="text-input"
                aria-label=word!(i18n, new_name)
                value=current
                node_ref=input
                autocomplete="off"
                aria-invalid=move || error.with(|e| e.is_some().then_some("true"))
                aria-describedby=error_id.clone()
                on:keydown=cancel_on_escape
                on:input=move |_| error.set(None)
            />
            <button type="submit" class="button button-small button-primary">{word!(i18n, save)}</button>
            <button type="button" class="button button-small" on:click=move |_| on_cancel()>
                {word!(i18n, cancel)}
            </button>
            <p id=error_id class="field-error">
                {move || error.with(|refused| refused.as_ref().map(|refused| name_sentence(i18n, refused)))}
            </p>
        </form>
    }
}
