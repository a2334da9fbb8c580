//! The notices' Dismiss button.

use super::row_forms::RENAME_FORM;
use crate::language::I18n;
use crate::word;
use leptos::{ev, prelude::*};

/// Takes the notice away. Without JavaScript it submits the rename form with no row:
/// the same window, without the notice.
#[component]
pub fn DismissButton(i18n: I18n, on_dismiss: Callback<()>) -> impl IntoView {
    let dismiss = move |event: ev::MouseEvent| {
        event.prevent_default();
        on_dismiss.run(());
    };
    view! {
        <button type="submit" form=RENAME_FORM class="button-icon" aria-label=word!(i18n, dismiss) on:click=dismiss>
            "×"
        </button>
    }
}
