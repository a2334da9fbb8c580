//! The `/notes` page: lists loaded asynchronously, a window of them kept live one row at
//! a time, scrolled a page at a time in both directions, and searched.

mod address_bar;
mod create_form;
mod deferred_views;
mod list_edges;
mod list_row;
mod live_feed;
mod live_indicator;
mod load_error;
mod loaded_lists;
mod notes_request;
mod notice_bar;
mod outbox;
mod search_box;
mod shared;
mod skeleton;
mod streamed_lists;
mod transport;
mod viewport;
mod window;

pub use live_indicator::FeedStatus;
#[cfg(feature = "ssr")]
pub use notes_request::PostedForm;
pub use notes_request::{AfterForm, NotesRequest, PreloadedPage, Renaming};
pub use notice_bar::Notice;
pub use shared::{Notes, RowWords};
pub use window::{ListWindow, PageInfo, MAX_ROWS};

/// Where the page's service worker is served (by the server, written for each build): at
/// the root, so that its scope covers the page.
pub const SERVICE_WORKER_PATH: &str = "/sw.js";

use crate::language::{I18n, LanguageSwitch};
use crate::lists::ListsPage;
use crate::stream::{KeyedStream, Snapshot};
use crate::word;
use create_form::CreateListForm;
use leptos::{either::Either, prelude::*};
use list_row::RowForms;
use live_indicator::LiveIndicator;
use loaded_lists::LoadedLists;
use notice_bar::NoticeBar;
use search_box::SearchBox;
use streamed_lists::streamed_lists;

/// The whole page: the rows in place when the server had them in time, else streamed
/// (the skeleton first, the rows or the error later in the same response). In the
/// browser the rows then change one at a time.
#[component]
pub fn NotesPage(i18n: I18n) -> impl IntoView {
    let NotesRequest { query, after_form } = NotesRequest::shared();
    let AfterForm {
        create_error,
        rename,
        deleted,
        change_error,
    } = after_form;
    let notice = match (change_error, deleted) {
        (Some(error), _) => Some(Notice::Failed(error)),
        (None, Some(id)) => Some(Notice::Deleted(id)),
        (None, None) => None,
    };
    let notes = Notes::new(query, notice, i18n, rename);
    let preloaded = PreloadedPage::shared();
    // Tells the browser, before it hydrates, that the page needs the streamed lists'
    // code (see `streamed_lists`).
    let streamed = preloaded.is_none().then_some("");
    // Effects only run in the browser, after hydration: a marker for tests and styles.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| {
        hydrated.set(true);
        notes.outbox.start(notes);
    });

    view! {
        <main class="page" data-hydrated=move || hydrated.get().then_some("true")>
            <section class="card" aria-labelledby="lists-heading" data-streamed=streamed>
                <header class="card-header">
                    <h1 id="lists-heading">{word!(i18n, lists_heading)}</h1>
                    <LiveIndicator notes />
                    <LanguageSwitch i18n query=notes.query />
                </header>
                <CreateListForm notes form_error=create_error />
                {match preloaded {
                    Some(page) => Either::Left(view! { <ListsInPlace notes page /> }),
                    None => Either::Right(streamed_lists(notes)),
                }}
                <NoticeBar notes />
                <RowForms notes />
            </section>
        </main>
    }
}

/// The rows the server already had: rendered in place, nothing to wait for.
#[component]
fn ListsInPlace(notes: Notes, page: ListsPage) -> impl IntoView {
    let (rows, info) = page.into_parts();
    let rows = KeyedStream::from_rows(rows, ListWindow::LIMIT);
    // There is always a window here, so a search never needs to reload the page.
    view! {
        <SearchBox notes on_search_without_window=Callback::new(|()| {}) />
        <LoadedLists notes rows info />
    }
}

/// Hydrates the page once the code it needs is here: the streamed lists' if the page
/// streamed, and that of the views the server rendered open, if any (see
/// `streamed_lists` and `deferred_views`).
#[cfg(feature = "hydrate")]
pub fn before_hydrating(hydrate: impl FnOnce() + 'static) {
    streamed_lists::before_hydrating(move || deferred_views::before_hydrating(hydrate));
}

/// Runs `hydrate` at once if nothing in the page the server rendered matches `selector`;
/// else once `fetch` (which fetches the split code that draws it) says the code came. If
/// it cannot come, the page is left as the server rendered it, which works without
/// JavaScript: hydrating without that code would not match what the server drew.
#[cfg(all(feature = "hydrate", feature = "lazy-requests"))]
fn hydrate_once_code_is_here<F>(selector: &'static str, fetch: F, hydrate: impl FnOnce() + 'static)
where
    F: std::future::Future<Output = bool> + 'static,
{
    let needed = document().query_selector(selector).ok().flatten().is_some();
    if !needed {
        hydrate();
        return;
    }
    wasm_bindgen_futures::spawn_local(async move {
        if fetch.await {
            hydrate();
        } else {
            leptos::logging::warn!(
                "the code for {selector} could not be fetched; the page works without JavaScript"
            );
        }
    });
}
