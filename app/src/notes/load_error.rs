use leptos::prelude::*;

/// Shown when loading the lists failed; Retry loads them again without a page reload.
#[component]
pub fn LoadError(on_retry: impl Fn() + Send + Sync + 'static) -> impl IntoView {
    view! {
        <div class="load-error" role="alert">
            <p class="load-error-title">"Error fetching data"</p>
            <p class="load-error-hint">"The lists could not be loaded."</p>
            <button type="button" class="button" on:click=move |_| on_retry()>
                "Retry"
            </button>
        </div>
    }
}
