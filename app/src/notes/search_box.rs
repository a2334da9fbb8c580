//! The search box.

use super::front::Notes;
use crate::language::search_sentence;
use crate::lists::{SearchTermError, NOTES_PATH};
use crate::word;
use leptos::{ev::SubmitEvent, html, prelude::*};
use std::time::Duration;

const INPUT_ID: &str = "search-lists";
const ERROR_ID: &str = "search-lists-error";
/// How long typing must pause before the results change.
const DEBOUNCE: Duration = Duration::from_millis(250);

/// "Search lists". Without JavaScript a plain GET form (`/notes?q=...`); once hydrated,
/// the results follow the typing after a short pause, without a reload.
#[component]
pub fn SearchBox(notes: Notes) -> impl IntoView {
    let input = NodeRef::<html::Input>::new();
    let error = RwSignal::new(None::<SearchTermError>);
    let i18n = notes.i18n();
    let initial = notes
        .query_untracked()
        .search
        .map(|term| term.as_str().to_owned())
        .unwrap_or_default();
    let pending = StoredValue::new(None::<TimeoutHandle>);
    on_cleanup(move || {
        if let Some(Some(timer)) = pending.try_update_value(Option::take) {
            timer.clear();
        }
    });

    let search_now = move || {
        if let Some(Some(timer)) = pending.try_update_value(Option::take) {
            timer.clear();
        }
        let Some(field) = input.get_untracked() else {
            return;
        };
        notes.search(
            field.value(),
            Callback::new(move |refused| error.set(refused)),
        );
    };
    let on_input = move |_| {
        if let Some(Some(timer)) = pending.try_update_value(Option::take) {
            timer.clear();
        }
        let timer = set_timeout_with_handle(search_now, DEBOUNCE).ok();
        pending.set_value(timer);
    };
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        search_now();
    };

    view! {
        <form class="search-form" role="search" method="get" action=NOTES_PATH on:submit=on_submit>
            <label for=INPUT_ID class="field-label">{word!(i18n, search_label)}</label>
            <div class="create-row">
                <input
                    id=INPUT_ID
                    name="q"
                    type="search"
                    class="text-input"
                    autocomplete="off"
                    value=initial
                    node_ref=input
                    aria-invalid=move || error.with(|e| e.is_some().then_some("true"))
                    aria-describedby=ERROR_ID
                    on:input=on_input
                />
                <button type="submit" class="button">{word!(i18n, search_button)}</button>
            </div>
            <p id=ERROR_ID class="field-error">
                {move || error.with(|refused| refused.as_ref().map(|refused| search_sentence(i18n, refused)))}
            </p>
        </form>
    }
}
