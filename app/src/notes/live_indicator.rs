use super::{deferred_views, Notes};
use crate::{counted, word};
use leptos::prelude::*;

/// Whether the live feed is connected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeedStatus {
    Connecting,
    Live,
    Reconnecting,
}

/// The page's connection, in words, next to the heading: "Reconnecting…" while the live
/// feed is down, "Offline · 3 changes waiting" while changes wait for a server that
/// cannot be reached, "3 changes waiting" while they are on their way; empty when all is
/// well.
#[component]
pub fn LiveIndicator(notes: Notes) -> impl IntoView {
    let status = notes.feed_status;
    let i18n = notes.i18n;
    let count = move || waiting_count(notes);
    let state = move || match (is_offline(notes), count() > 0, status.get()) {
        (true, true, _) => "offline",
        (false, true, _) => "waiting",
        (_, false, FeedStatus::Connecting) => "connecting",
        (_, false, FeedStatus::Live) => "live",
        (_, false, FeedStatus::Reconnecting) => "reconnecting",
    };
    // Only the outbox's code makes changes wait, so the words for them come with it.
    let waiting = move || {
        (count() > 0)
            .then(|| deferred_views::waiting_status(notes))
            .flatten()
    };
    view! {
        <p role="status" class="live-indicator" data-state=state>
            {move || (count() == 0 && status.get() == FeedStatus::Reconnecting).then(|| word!(i18n, reconnecting))}
            {waiting}
        </p>
    }
}

/// "Offline · 3 changes waiting", or "3 changes waiting".
#[component]
pub fn WaitingStatus(notes: Notes) -> impl IntoView {
    let i18n = notes.i18n;
    view! {
        {move || is_offline(notes).then(|| view! { {word!(i18n, offline)} " · " })}
        {move || counted!(i18n, changes_waiting, waiting_count(notes))}
    }
}

/// How many changes wait for the server (tracked).
fn waiting_count(notes: Notes) -> usize {
    notes.outbox.waiting.with(Vec::len)
}

/// Whether the server cannot be reached: the last send found none, or the live feed is
/// down (tracked).
fn is_offline(notes: Notes) -> bool {
    notes.outbox.offline.get() || notes.feed_status.get() == FeedStatus::Reconnecting
}
