use crate::language::I18n;
use crate::word;
use leptos::prelude::*;

/// Shown when loading the lists failed; Retry loads them again without a page reload.
#[component]
pub fn LoadError(i18n: I18n, on_retry: impl Fn() + Send + Sync + 'static) -> impl IntoView {
    view! {
        <div class="load-error" role="alert">
            <p class="load-error-title">{word!(i18n, load_error_title)}</p>
            <p class="load-error-hint">{word!(i18n, load_error_hint)}</p>
            <button type="button" class="button" on:click=move |_| on_retry()>
                {word!(i18n, retry)}
            </button>
        </div>
    }
}
