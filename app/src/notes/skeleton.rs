//! What stands in for the lists while they are not there: placeholders while they
//! load, and the failed load with Retry.

use crate::language::I18n;
use crate::word;
use leptos::prelude::*;

/// Ten pulsing placeholder rows, shown while the lists load.
#[component]
pub fn LoadingSkeleton(i18n: I18n) -> impl IntoView {
    // Written out rather than generated: fixed markup costs next to nothing in the wasm.
    view! {
        <ul class="skeleton" aria-busy="true" aria-label=word!(i18n, loading_lists)>
            <li class="skeleton-row"><span class="skeleton-bar"></span></li>
            <li class="skeleton-row"><span class="skeleton-bar"></span></li>
            <li class="skeleton-row"><span class="skeleton-bar"></span></li>
            <li class="skeleton-row"><span class="skeleton-bar"></span></li>
            <li class="skeleton-row"><span class="skeleton-bar"></span></li>
            <li class="skeleton-row"><span class="skeleton-bar"></span></li>
            <li class="skeleton-row"><span class="skeleton-bar"></span></li>
            <li class="skeleton-row"><span class="skeleton-bar"></span></li>
            <li class="skeleton-row"><span class="skeleton-bar"></span></li>
            <li class="skeleton-row"><span class="skeleton-bar"></span></li>
        </ul>
    }
}

/// Three placeholder rows where a page of rows is on its way, named by `label`.
#[component]
pub fn PageSkeleton(#[prop(into)] label: Signal<&'static str>) -> impl IntoView {
    view! {
        <ul class="skeleton" aria-busy="true" aria-label=label>
            <li class="skeleton-row"><span class="skeleton-bar"></span></li>
            <li class="skeleton-row"><span class="skeleton-bar"></span></li>
            <li class="skeleton-row"><span class="skeleton-bar"></span></li>
        </ul>
    }
}

/// Shown when loading the lists failed; Retry loads them again without a reload.
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
