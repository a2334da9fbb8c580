use crate::language::Locale;
use crate::word;
use leptos::prelude::*;
use leptos_i18n::I18nContext;

/// Whether the live feed is connected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeedStatus {
    Connecting,
    Live,
    Reconnecting,
}

/// Says "Reconnecting…" while the live feed is down; empty while it is live.
#[component]
pub fn LiveIndicator(status: RwSignal<FeedStatus>, i18n: I18nContext<Locale>) -> impl IntoView {
    let state = move || match status.get() {
        FeedStatus::Connecting => "connecting",
        FeedStatus::Live => "live",
        FeedStatus::Reconnecting => "reconnecting",
    };
    view! {
        <p role="status" class="live-indicator" data-state=state>
            {move || (status.get() == FeedStatus::Reconnecting).then(|| word!(i18n, reconnecting))}
        </p>
    }
}
