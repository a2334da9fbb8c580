use super::list_edges::{NewerEdge, OlderEdge};
#[cfg(feature = "ssr")]
use super::list_row::server_rows;
use super::list_row::ListRow;
use super::window::{ListWindow, PageInfo};
use super::{address_bar, live_feed, Notes};
use crate::lists::List;
use crate::stream::KeyedStream;
use crate::word;
use leptos::prelude::*;

/// The loaded rows, keyed by list id so that a change touches one `<li>`, between the
/// two edges where scrolling loads more.
#[component]
pub fn LoadedLists(notes: Notes, rows: KeyedStream<List>, info: PageInfo) -> impl IntoView {
    let search = notes.query.with_untracked(|query| query.search.clone());
    let window = ListWindow::new(rows, info, search);
    // While this view lives, the rest of the page (the create form, the search box, the
    // Undo button) works on its window; its effects open the live feed.
    Effect::new(move |_| {
        notes.window.set(Some(window));
        on_cleanup(move || {
            notes.window.try_set(None);
        });
    });
    live_feed::follow(notes, window);
    address_bar::follow_scrolling(window);

    let nothing_beyond = move || !window.has_older.get() && !window.has_newer.get();
    let shows_nothing = move || window.is_empty() && nothing_beyond() && !window.resetting.get();
    let searching = move || window.search.with(Option::is_some);
    let i18n = notes.i18n;
    // Lists created here that the server has not made yet, newest first, above the rows
    // while the window holds the newest ones. A few at most, and gone once made, so they
    // are drawn again whenever one comes or goes rather than kept by key.
    let waiting = notes.row_words.waiting;
    let waiting_creates = move || {
        if window.has_newer.get() {
            return Vec::new();
        }
        notes
            .outbox
            .waiting_creates()
            .into_iter()
            .map(|(key, name)| {
                view! {
                    <li id=format!("waiting-{key}") class="list-row list-row-waiting">
                        <span class="list-name" dir="auto">{name}</span>
                        <span class="waiting-mark">{waiting}</span>
                    </li>
                }
            })
            .collect::<Vec<_>>()
    };
    // Toggled with `hidden` rather than `<Show>`: the same for people and screen readers,
    // and less wasm (see BENCHMARKS.md).
    view! {
        <NewerEdge notes window />
        <div class="empty-state" hidden=move || !shows_nothing() || searching()>
            <p class="empty-title">{word!(i18n, empty_title)}</p>
            <p class="empty-hint">{word!(i18n, empty_hint)}</p>
        </div>
        <div class="empty-state" hidden=move || !(shows_nothing() && searching())>
            <p class="empty-title">{word!(i18n, no_match_title)}</p>
            <p class="empty-hint">{word!(i18n, no_match_hint)}</p>
        </div>
        // While a search replaces the rows, the list is busy: its rows give way to pulsing
        // placeholders (drawn by CSS) but stay in the DOM, so those that remain keep their
        // nodes.
        <ul class="lists" aria-label=word!(i18n, lists_heading) aria-busy=move || window.resetting.get().then_some("true")>
            {waiting_creates}
            {keyed_rows(window, notes)}
        </ul>
        <OlderEdge notes window />
    }
}

/// The rows, keyed by list id: one `<li>` per row, and a change to a row touches only its
/// own.
fn keyed_rows(window: ListWindow, notes: Notes) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(html) = server_rows(&window.shown(), notes) {
        return leptos::either::Either::Left(leptos::tachys::html::InertElement::new(html));
    }
    let rows = view! {
        <For each=move || window.shown() key=|row| *row.key() let:row>
            <ListRow list=row.value() notes />
        </For>
    };
    #[cfg(feature = "ssr")]
    let rows = leptos::either::Either::Right(rows);
    rows
}
