use super::ListsModel;
use crate::lists::{CreateList, ListError, ListName, ListNameError};
use crate::wire::{decode_form_component, decode_url_safe_base64, FromJson};
use leptos::{ev::SubmitEvent, html, prelude::*, server_fn::ServerFn};

const INPUT_ID: &str = "new-list-name";
const ERROR_ID: &str = "new-list-name-error";

/// The "Add list" form. A real `<form>` posting to the server function, so it works
/// before the wasm has loaded; once hydrated it checks the name at once and adds the
/// row without a reload.
#[component]
pub fn CreateListForm(model: ListsModel) -> impl IntoView {
    let input = NodeRef::<html::Input>::new();
    let error = RwSignal::new(error_from_form_redirect());

    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        let Some(field) = input.get() else {
            return;
        };
        let text = field.value();
        match ListName::parse(&text) {
            Err(refused) => error.set(Some(refused.to_string())),
            Ok(name) => {
                error.set(None);
                field.set_value("");
                let field = field.clone();
                model.create(name, move |failed| {
                    // Give the text back unless the user has started typing another name.
                    if field.value().is_empty() {
                        field.set_value(&text);
                    }
                    error.set(Some(failed.to_string()));
                });
            }
        }
        let _ = field.focus();
    };

    // Rules the user can break while typing are flagged at once; an empty box is not
    // nagged about until they try to submit it.
    let on_input = move |_| {
        let Some(field) = input.get() else {
            return;
        };
        error.set(match ListName::parse(&field.value()) {
            Err(refused @ (ListNameError::TooLong { .. } | ListNameError::ControlCharacter)) => {
                Some(refused.to_string())
            }
            _ => None,
        });
    };

    view! {
        <form class="create-form" method="post" action=CreateList::url() novalidate on:submit=on_submit>
            <label for=INPUT_ID class="field-label">"List name"</label>
            <div class="create-row">
                <input
                    id=INPUT_ID
                    name="name"
                    type="text"
                    class="text-input"
                    autocomplete="off"
                    placeholder="e.g. Groceries"
                    node_ref=input
                    aria-invalid=move || error.with(|e| e.is_some().then_some("true"))
                    aria-describedby=ERROR_ID
                    on:input=on_input
                />
                <button type="submit" class="button button-primary">"Add list"</button>
            </div>
            <p id=ERROR_ID class="field-error">{move || error.get()}</p>
        </form>
    }
}

/// Without JavaScript, a refused name comes back as a redirect to this page with the
/// error in the query string (`__path`, `__err`). Show it in both renders, so the server's
/// HTML and the hydrated page agree.
fn error_from_form_redirect() -> Option<String> {
    let query = current_query()?;
    let mut path = None;
    let mut encoded = None;
    for pair in query.trim_start_matches('?').split('&') {
        match pair.split_once('=') {
            Some(("__path", value)) => path = decode_form_component(value),
            Some(("__err", value)) => encoded = decode_form_component(value),
            _ => {}
        }
    }
    if path.as_deref() != Some(CreateList::PATH) {
        return None;
    }
    // `__err` is URL-safe base64 of the error's JSON (see server_fn's ServerFnUrlError).
    let bytes = decode_url_safe_base64(&encoded?)?;
    let error = ListError::from_json_str(std::str::from_utf8(&bytes).ok()?)?;
    Some(error.to_string())
}

fn current_query() -> Option<String> {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>().and_then(|parts| parts.uri.query().map(str::to_owned))
    }
    #[cfg(not(feature = "ssr"))]
    {
        window().location().search().ok()
    }
}
