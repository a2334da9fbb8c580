//! The two edges of the list: where scrolling (or a link, without JavaScript) loads the
//! next page, where loading and failures show, and where the list says it has ended.
//! The top edge is the window's start (newer lists), the bottom its end (older ones).

use super::front::Notes;
use super::skeleton::PageSkeleton;
use super::viewport::watch_nearness;
use crate::collection::{Collection, PageFrom};
use crate::language::error_sentence;
use crate::lists::Lists;
use crate::stream::Edge;
use crate::window::{EdgeLoad, WindowView};
use crate::{counted, word};
use leptos::{either::EitherOf4, ev::MouseEvent, html, prelude::*};

/// How far outside the viewport an edge starts loading, so rows are there in time.
const PREFETCH_MARGIN: &str = "800px 0px";

/// Above the rows: "N new lists", and "Newer lists" when the window is not at the top.
#[component]
pub fn NewerEdge(notes: Notes, window: WindowView<Lists>) -> impl IntoView {
    let edge = NodeRef::<html::Div>::new();
    let recheck = watch_nearness(edge, PREFETCH_MARGIN, load_when_near(notes, Edge::Start));
    // Whether the top is in view decides if new lists show at once; nothing to recheck.
    let _ = watch_nearness(
        edge,
        "0px",
        Callback::new(move |near| notes.top_in_view(near)),
    );
    reload_while_near(window, Edge::Start, recheck);
    let show_arrived = move |_| {
        notes.show_arrived();
        if let Some(edge) = edge.get_untracked() {
            edge.scroll_into_view();
        }
    };
    // The button sits outside the edge, so that it can stick to the top of the viewport
    // for as long as the list is in view.
    view! {
        <button
            type="button"
            class="button new-lists"
            hidden=move || window.arrived() == 0
            on:click=show_arrived
        >
            {move || counted!(notes.i18n(), new_lists, window.arrived())}
        </button>
        <div class="list-edge list-edge-top" node_ref=edge>
            <EdgeState notes window edge=Edge::Start />
        </div>
    }
}

/// Below the rows: "Older lists", or "No more lists" at the end of the data.
#[component]
pub fn OlderEdge(notes: Notes, window: WindowView<Lists>) -> impl IntoView {
    let edge = NodeRef::<html::Div>::new();
    let recheck = watch_nearness(edge, PREFETCH_MARGIN, load_when_near(notes, Edge::End));
    reload_while_near(window, Edge::End, recheck);
    view! {
        <div class="list-edge list-edge-bottom" node_ref=edge>
            <EdgeState notes window edge=Edge::End />
        </div>
    }
}

/// One edge's state: loading rows, a failure with Retry, a link to the next page, or
/// (at the bottom, once rows were shown) the end of the lists.
#[component]
fn EdgeState(notes: Notes, window: WindowView<Lists>, edge: Edge) -> impl IntoView {
    let at_end = edge == Edge::End;
    let i18n = notes.i18n();
    let (label, loading_label) = match at_end {
        true => (word!(i18n, older_lists), word!(i18n, loading_older)),
        false => (word!(i18n, newer_lists), word!(i18n, loading_newer)),
    };
    // The link follows the rows at the window's ends.
    let href = move || {
        let filter = window.filter();
        let query = match window.ends() {
            None => Lists::query(filter.as_ref(), PageFrom::First),
            Some((_, last)) if at_end => Lists::query(filter.as_ref(), PageFrom::Following(&last)),
            Some((first, _)) => Lists::query(filter.as_ref(), PageFrom::Preceding(&first)),
        };
        query.href()
    };
    let follow_in_place = move |event: MouseEvent| {
        event.prevent_default();
        notes.load_more(edge);
    };
    move || match window.load_at(edge) {
        EdgeLoad::Loading => EitherOf4::A(view! { <PageSkeleton label=loading_label /> }),
        EdgeLoad::Failed(error) => EitherOf4::B(view! {
            <div role="alert" class="edge-error">
                <span>{move || error_sentence(i18n, &error)}</span>
                <button type="button" class="button button-small" on:click=move |_| notes.load_more(edge)>
                    {word!(i18n, retry)}
                </button>
            </div>
        }),
        EdgeLoad::Idle if window.more_at(edge) => EitherOf4::C(view! {
            <a class="page-link" href=href on:click=follow_in_place>{label}</a>
        }),
        EdgeLoad::Idle => EitherOf4::D(
            (at_end && !window.is_empty())
                .then(|| view! { <p class="end-of-lists">{word!(i18n, no_more_lists)}</p> }),
        ),
    }
}

/// Loads the next page that way when the edge comes near the viewport.
fn load_when_near(notes: Notes, edge: Edge) -> Callback<bool> {
    Callback::new(move |near| {
        if near {
            notes.load_more(edge);
        }
    })
}

/// After each page lands, and after a reset replaced the rows (edges do not load during
/// one), looks again: if the edge is still near the viewport (a tall viewport, a short
/// page), the next page loads too.
fn reload_while_near(
    window: WindowView<Lists>,
    edge: Edge,
    recheck: impl Fn() + Send + Sync + 'static,
) {
    Effect::new(move |_| {
        if window.load_at(edge) == EdgeLoad::Idle && !window.resetting() {
            recheck();
        }
    });
}
