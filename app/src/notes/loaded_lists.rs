//! The loaded rows, keyed so that a change touches one `<li>`, between the two edges
//! where scrolling loads more.

use super::deferred::Deferred;
use super::front::Notes;
use super::list_edges::{NewerEdge, OlderEdge};
#[cfg(feature = "ssr")]
use super::list_row::server_rows;
use super::list_row::ListRow;
use crate::collection::PageInfo;
use crate::lists::Lists;
use crate::stream::KeyedStream;
use crate::window::{Shown, WindowView};
use crate::word;
use leptos::prelude::*;

/// The rows of a loaded page, shown in the screen's window for as long as this view
/// lives.
#[component]
pub fn LoadedLists<D: Deferred>(
    notes: Notes,
    rows: KeyedStream<Shown<Lists>>,
    info: PageInfo,
    deferred: D,
) -> impl IntoView {
    let window = notes.show(rows, info);
    let nothing_beyond = move || {
        !window.more_at(crate::stream::Edge::Start) && !window.more_at(crate::stream::Edge::End)
    };
    let shows_nothing = move || window.is_empty() && nothing_beyond() && !window.resetting();
    let i18n = notes.i18n();
    // Toggled with `hidden` rather than `<Show>`: the same for people and screen readers,
    // and less wasm.
    view! {
        <NewerEdge notes window />
        <div class="empty-state" hidden=move || !shows_nothing() || window.is_filtered()>
            <p class="empty-title">{word!(i18n, empty_title)}</p>
            <p class="empty-hint">{word!(i18n, empty_hint)}</p>
        </div>
        <div class="empty-state" hidden=move || !(shows_nothing() && window.is_filtered())>
            <p class="empty-title">{word!(i18n, no_match_title)}</p>
            <p class="empty-hint">{word!(i18n, no_match_hint)}</p>
        </div>
        // While a search replaces the rows, the list is busy: its rows give way to pulsing
        // placeholders (drawn by CSS) but stay in the DOM, so those that remain keep their
        // nodes.
        <ul class="lists" aria-label=word!(i18n, lists_heading) aria-busy=move || window.resetting().then_some("true")>
            {keyed_rows(window, notes, deferred)}
        </ul>
        <OlderEdge notes window />
    }
}

/// The rows, keyed by their node: one `<li>` per row, and a change to a row touches only
/// its own.
fn keyed_rows<D: Deferred>(window: WindowView<Lists>, notes: Notes, deferred: D) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(html) = server_rows(&window.shown(), notes) {
        return leptos::either::Either::Left(leptos::tachys::html::InertElement::new(html));
    }
    let rows = view! {
        <For each=move || window.shown() key=|row| row.node().clone() let:row>
            <ListRow row=row.value() notes deferred />
        </For>
    };
    #[cfg(feature = "ssr")]
    let rows = leptos::either::Either::Right(rows);
    rows
}
