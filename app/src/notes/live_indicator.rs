//! The screen's connection, in words, next to the heading.

use super::deferred::{Deferred, WaitingWords};
use super::front::Notes;
use crate::feed::FeedStatus;
use crate::word;
use leptos::prelude::*;

/// "Reconnecting…" while the feed is down, "Offline · 3 changes waiting" while changes
/// wait for a server that cannot be reached, "3 changes waiting" while they are on
/// their way; empty when all is well.
#[component]
pub fn LiveIndicator<D: Deferred>(notes: Notes, deferred: D) -> impl IntoView {
    let i18n = notes.i18n();
    let count = move || notes.waiting_count();
    let state = move || match (notes.offline(), count() > 0, notes.feed_status()) {
        (true, true, _) => "offline",
        (false, true, _) => "waiting",
        (_, false, status) => status.name(),
    };
    // Only the outbox's code makes changes wait, so the words for them come with it.
    let waiting = move || {
        (count() > 0)
            .then(|| deferred.waiting_status(WaitingWords { notes }))
            .flatten()
    };
    view! {
        <p role="status" class="live-indicator" data-state=state>
            {move || (count() == 0 && notes.feed_status() == FeedStatus::Reconnecting).then(|| word!(i18n, reconnecting))}
            {waiting}
        </p>
    }
}
