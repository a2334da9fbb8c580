use super::FeedStatus;
use leptos::prelude::*;

/// Says "Reconnecting…" while the live feed is down; empty while it is live.
#[component]
pub fn LiveIndicator(status: RwSignal<FeedStatus>) -> impl IntoView {
    let state = move || match status.get() {
        FeedStatus::Connecting => "connecting",
        FeedStatus::Live => "live",
        FeedStatus::Reconnecting => "reconnecting",
    };
    view! {
        <p role="status" class="live-indicator" data-state=state>
            {move || (status.get() == FeedStatus::Reconnecting).then_some("Reconnecting…")}
        </p>
    }
}
