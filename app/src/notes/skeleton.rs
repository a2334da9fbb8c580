use leptos::prelude::*;

/// Pulsing placeholder rows, shown while the lists load.
#[component]
pub fn LoadingSkeleton() -> impl IntoView {
    view! { <SkeletonRows count=10 label="Loading lists" /> }
}

/// `count` placeholder rows in a busy list, named for screen readers by `label`.
#[component]
pub fn SkeletonRows(count: usize, label: &'static str) -> impl IntoView {
    view! {
        <ul class="skeleton" aria-busy="true" aria-label=label>
            {(0..count)
                .map(|_| view! { <li class="skeleton-row"><span class="skeleton-bar"></span></li> })
                .collect_view()}
        </ul>
    }
}
