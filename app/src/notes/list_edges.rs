//! The two edges of the list: where scrolling (or a link, without JavaScript) loads the
//! next page, where loading and failures show, and where the list says it has ended.

use super::skeleton::SkeletonRows;
use super::viewport::watch_nearness;
use super::window::{EdgeLoad, Fetch, ListWindow};
use super::Notes;
use crate::lists::{ListId, ListsQuery, PageStart};
use leptos::{either::EitherOf4, ev::MouseEvent, html, prelude::*};

/// How far outside the viewport an edge starts loading, so rows are there in time.
const PREFETCH_MARGIN: &str = "800px 0px";

/// Above the rows: "N new lists", and "Newer lists" when the window is not at the top.
#[component]
pub fn NewerEdge(notes: Notes, window: ListWindow) -> impl IntoView {
    let edge = NodeRef::<html::Div>::new();
    let recheck = watch_nearness(edge, PREFETCH_MARGIN, move |near| {
        if near {
            notes.fetch(window, Fetch::Newer);
        }
    });
    // Whether the top is in view decides if new lists show at once; nothing to recheck.
    let _ = watch_nearness(edge, "0px", move |near| window.top_in_view.set(near));
    reload_while_near(window.newer, recheck);
    let href = move || link(window, |first, _| PageStart::After(first));
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
            {move || match window.arrived.with(Vec::len) {
                1 => "1 new list".to_owned(),
                count => format!("{count} new lists"),
            }}
        </button>
        <div class="list-edge list-edge-top" node_ref=edge>
            <EdgeState
                load=window.newer
                more=window.has_newer
                href=Signal::derive(href)
                label="Newer lists"
                loading_label="Loading newer lists"
                end=None
                on_load=move || notes.fetch(window, Fetch::Newer)
            />
        </div>
    }
}

/// Below the rows: "Older lists", or "No more lists" at the end of the data.
#[component]
pub fn OlderEdge(notes: Notes, window: ListWindow) -> impl IntoView {
    let edge = NodeRef::<html::Div>::new();
    let recheck = watch_nearness(edge, PREFETCH_MARGIN, move |near| {
        if near {
            notes.fetch(window, Fetch::Older);
        }
    });
    reload_while_near(window.older, recheck);
    let href = move || link(window, |_, last| PageStart::Before(last));
    let has_rows = move || !window.rows.is_empty();
    view! {
        <div class="list-edge list-edge-bottom" node_ref=edge>
            <EdgeState
                load=window.older
                more=window.has_older
                href=Signal::derive(href)
                label="Older lists"
                loading_label="Loading older lists"
                end=Some(Signal::derive(has_rows))
                on_load=move || notes.fetch(window, Fetch::Older)
            />
        </div>
    }
}

/// One edge's state: loading rows, a failure with Retry, a link to the next page, or
/// (at the bottom, once rows were shown) the end of the lists.
#[component]
fn EdgeState(
    load: RwSignal<EdgeLoad>,
    more: RwSignal<bool>,
    #[prop(into)] href: Signal<String>,
    label: &'static str,
    loading_label: &'static str,
    end: Option<Signal<bool>>,
    on_load: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let follow_in_place = move |event: MouseEvent| {
        event.prevent_default();
        on_load();
    };
    move || match load.get() {
        EdgeLoad::Loading => EitherOf4::A(view! { <SkeletonRows count=3 label=loading_label /> }),
        EdgeLoad::Failed(message) => EitherOf4::B(view! {
            <div role="alert" class="edge-error">
                <span>{message}</span>
                <button type="button" class="button button-small" on:click=move |_| on_load()>
                    "Retry"
                </button>
            </div>
        }),
        EdgeLoad::Idle if more.get() => EitherOf4::C(view! {
            <a class="page-link" href=href on:click=follow_in_place>{label}</a>
        }),
        EdgeLoad::Idle => EitherOf4::D(
            end.is_some_and(|shown| shown.get())
                .then(|| view! { <p class="end-of-lists">"No more lists"</p> }),
        ),
    }
}

/// The `/notes` URL of the page next to the window, for the edge links.
fn link(window: ListWindow, start: impl Fn(ListId, ListId) -> PageStart) -> String {
    let search = window.search.get();
    // Read for tracking: the link follows the rows at the window's ends.
    let _ = window.rows.len();
    let start = window
        .rows
        .ends()
        .map_or(PageStart::Newest, |(first, last)| start(first.id, last.id));
    ListsQuery { search, start }.href()
}

/// After each page lands, looks again: if the edge is still near the viewport (a tall
/// screen, a short page), the next page loads too.
fn reload_while_near(load: RwSignal<EdgeLoad>, recheck: impl Fn() + Send + Sync + 'static) {
    Effect::new(move |_| {
        if load.get() == EdgeLoad::Idle {
            recheck();
        }
    });
}
