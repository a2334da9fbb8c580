//! The two edges of the list: where scrolling (or a link, without JavaScript) loads the
//! next page, where loading and failures show, and where the list says it has ended.

use super::skeleton::PageSkeleton;
use super::viewport::watch_nearness;
use super::window::{EdgeLoad, Fetch, ListWindow};
use super::Notes;
use crate::language::error_sentence;
use crate::lists::{ListsQuery, PageStart};
use crate::{counted, word};
use leptos::{either::EitherOf4, ev::MouseEvent, html, prelude::*};

/// How far outside the viewport an edge starts loading, so rows are there in time.
const PREFETCH_MARGIN: &str = "800px 0px";

/// Above the rows: "N new lists", and "Newer lists" when the window is not at the top.
#[component]
pub fn NewerEdge(notes: Notes, window: ListWindow) -> impl IntoView {
    let edge = NodeRef::<html::Div>::new();
    let recheck = watch_nearness(
        edge,
        PREFETCH_MARGIN,
        fetch_when_near(notes, window, Fetch::Newer),
    );
    // Whether the top is in view decides if new lists show at once; nothing to recheck.
    let _ = watch_nearness(
        edge,
        "0px",
        Callback::new(move |near| window.top_in_view.set(near)),
    );
    reload_while_near(window.newer, window.resetting, recheck);
    let show_arrived = move |_| {
        notes.show_arrived(window);
        if let Some(edge) = edge.get_untracked() {
            edge.scroll_into_view();
        }
    };
    // The button sits outside the edge, so that it can stick to the top of the viewport
    // for as long as the list is on screen.
    view! {
        <button
            type="button"
            class="button new-lists"
            hidden=move || window.arrived.with(Vec::is_empty)
            on:click=show_arrived
        >
            {move || counted!(notes.i18n, new_lists, window.arrived.with(Vec::len))}
        </button>
        <div class="list-edge list-edge-top" node_ref=edge>
            <EdgeState notes window fetch=Fetch::Newer />
        </div>
    }
}

/// Below the rows: "Older lists", or "No more lists" at the end of the data.
#[component]
pub fn OlderEdge(notes: Notes, window: ListWindow) -> impl IntoView {
    let edge = NodeRef::<html::Div>::new();
    let recheck = watch_nearness(
        edge,
        PREFETCH_MARGIN,
        fetch_when_near(notes, window, Fetch::Older),
    );
    reload_while_near(window.older, window.resetting, recheck);
    view! {
        <div class="list-edge list-edge-bottom" node_ref=edge>
            <EdgeState notes window fetch=Fetch::Older />
        </div>
    }
}

/// One edge's state: loading rows, a failure with Retry, a link to the next page, or
/// (at the bottom, once rows were shown) the end of the lists.
#[component]
fn EdgeState(notes: Notes, window: ListWindow, fetch: Fetch) -> impl IntoView {
    let older = fetch == Fetch::Older;
    let (load, more) = if older {
        (window.older, window.has_older)
    } else {
        (window.newer, window.has_newer)
    };
    let i18n = notes.i18n;
    let (label, loading_label) = match older {
        true => (word!(i18n, older_lists), word!(i18n, loading_older)),
        false => (word!(i18n, newer_lists), word!(i18n, loading_newer)),
    };
    let href = move || {
        let search = window.search.get();
        // The link follows the rows at the window's ends.
        let start = match window.ends() {
            None => PageStart::Newest,
            Some((_, last)) if older => PageStart::Before(last.id),
            Some((first, _)) => PageStart::After(first.id),
        };
        ListsQuery { search, start }.href()
    };
    let follow_in_place = move |event: MouseEvent| {
        event.prevent_default();
        notes.fetch(window, fetch);
    };
    move || match load.get() {
        EdgeLoad::Loading => EitherOf4::A(view! { <PageSkeleton label=loading_label /> }),
        EdgeLoad::Failed(error) => EitherOf4::B(view! {
            <div role="alert" class="edge-error">
                <span>{move || error_sentence(i18n, &error)}</span>
                <button type="button" class="button button-small" on:click=move |_| notes.fetch(window, fetch)>
                    {word!(i18n, retry)}
                </button>
            </div>
        }),
        EdgeLoad::Idle if more.get() => EitherOf4::C(view! {
            <a class="page-link" href=href on:click=follow_in_place>{label}</a>
        }),
        EdgeLoad::Idle => EitherOf4::D(
            (older && !window.is_empty())
                .then(|| view! { <p class="end-of-lists">{word!(i18n, no_more_lists)}</p> }),
        ),
    }
}

/// Loads the next page that way when the edge comes near the viewport.
fn fetch_when_near(notes: Notes, window: ListWindow, fetch: Fetch) -> Callback<bool> {
    Callback::new(move |near| {
        if near {
            notes.fetch(window, fetch);
        }
    })
}

/// After each page lands, and after a reset replaced the rows (edges do not load during
/// one), looks again: if the edge is still near the viewport (a tall screen, a short
/// page), the next page loads too.
fn reload_while_near(
    load: RwSignal<EdgeLoad>,
    resetting: RwSignal<bool>,
    recheck: impl Fn() + Send + Sync + 'static,
) {
    Effect::new(move |_| {
        if load.get() == EdgeLoad::Idle && !resetting.get() {
            recheck();
        }
    });
}
