//! The create form.

use super::front::Notes;
use crate::language::error_sentence;
use crate::lists::{CreateList, ListError, ListName, ListNameError};
use crate::word;
use leptos::{ev::SubmitEvent, html, prelude::*, server_fn::ServerFn};

const INPUT_ID: &str = "new-list-name";
const ERROR_ID: &str = "new-list-name-error";

/// The "Add list" form. A real `<form>` posting to the server function, so it works
/// before the wasm has loaded; once hydrated it checks the name at once and adds the
/// row without a reload. `form_error` is why the server refused the last name posted
/// without JavaScript (read from the URL by the server).
#[component]
pub fn CreateListForm(notes: Notes, form_error: Option<ListError>) -> impl IntoView {
    let input = NodeRef::<html::Input>::new();
    let error = RwSignal::new(form_error);
    let i18n = notes.i18n();

    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        let Some(field) = input.get() else {
            return;
        };
        let text = field.value();
        match ListName::parse(&text) {
            Err(refused) => error.set(Some(refused.into())),
            Ok(name) => {
                error.set(None);
                field.set_value("");
                // Should the change not even be kept (the outbox's code could not be
                // fetched), the text comes back unless another name is being typed.
                let field = field.clone();
                notes.create(name, move |failed| {
                    if field.value().is_empty() {
                        field.set_value(&text);
                    }
                    error.set(Some(failed));
                });
            }
        }
        let _ = field.focus();
    };

    // Rules a person can break while typing are flagged at once; an empty box is not
    // nagged about until they try to submit it.
    let on_input = move |_| {
        let Some(field) = input.get() else {
            return;
        };
        error.set(match ListName::parse(&field.value()) {
            Err(ListNameError::Empty | ListNameError::NothingVisible) | Ok(_) => None,
            Err(refused) => Some(refused.into()),
        });
    };

    view! {
        <form class="create-form" method="post" action=CreateList::url() novalidate on:submit=on_submit>
            <label for=INPUT_ID class="field-label">{word!(i18n, create_label)}</label>
            <div class="create-row">
                <input
                    id=INPUT_ID
                    name="name"
                    type="text"
                    class="text-input"
                    autocomplete="off"
                    placeholder=word!(i18n, create_placeholder)
                    node_ref=input
                    aria-invalid=move || error.with(|e| e.is_some().then_some("true"))
                    aria-describedby=ERROR_ID
                    on:input=on_input
                />
                <button type="submit" class="button button-primary">{word!(i18n, create_button)}</button>
            </div>
            <p id=ERROR_ID class="field-error">
                {move || error.with(|error| error.as_ref().map(|error| error_sentence(i18n, error)))}
            </p>
        </form>
    }
}
