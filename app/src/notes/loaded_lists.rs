use super::list_edges::{NewerEdge, OlderEdge};
use super::list_row::ListRow;
use super::window::{ListWindow, PageInfo};
use super::{live_feed, Notes};
use crate::lists::List;
use crate::stream::KeyedStream;
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

    let nothing_beyond = move || !window.has_older.get() && !window.has_newer.get();
    let shows_nothing = move || rows.is_empty() && nothing_beyond() && !window.resetting.get();
    let searching = move || window.search.with(Option::is_some);
    // Toggled with `hidden` rather than `<Show>`: the same for people and screen readers,
    // and less wasm (see BENCHMARKS.md).
    view! {
        <NewerEdge notes window />
        <div class="empty-state" hidden=move || !shows_nothing() || searching()>
            <p class="empty-title">"No lists yet"</p>
            <p class="empty-hint">"Add your first list above; it will show up here."</p>
        </div>
        <div class="empty-state" hidden=move || !(shows_nothing() && searching())>
            <p class="empty-title">"No lists match"</p>
            <p class="empty-hint">"Try fewer letters, or clear the search."</p>
        </div>
        // While a search replaces the rows, the list is busy: its rows give way to pulsing
        // placeholders (drawn by CSS) but stay in the DOM, so those that remain keep their
        // nodes.
        <ul class="lists" aria-label="Lists" aria-busy=move || window.resetting.get().then_some("true")>
            <For each=move || rows.rows() key=|row| *row.key() let:row>
                <ListRow list=row.value() window notes />
            </For>
        </ul>
        <OlderEdge notes window />
    }
}
