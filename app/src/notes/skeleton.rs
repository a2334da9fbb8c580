use leptos::prelude::*;

/// Ten pulsing placeholder rows, shown while the lists load.
#[component]
pub fn LoadingSkeleton() -> impl IntoView {
    view! {
        <ul class="skeleton" aria-busy="true" aria-label="Loading lists">
            {(0..10)
                .map(|_| view! { <li class="skeleton-row"><span class="skeleton-bar"></span></li> })
                .collect_view()}
        </ul>
    }
}
