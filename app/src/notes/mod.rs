//! The notes screen, `/notes`: lists loaded asynchronously, a window of them kept live
//! one row at a time, scrolled a page at a time in both directions, and searched.
//!
//! [`NotesScreen`] is the root: it makes the front ([`Notes`], `front.rs`), which alone
//! holds the screen's state, and hands it the code that comes later (`later/`); the
//! views read the front and call its commands, and reach the views whose code comes
//! later only through [`Deferred`](deferred::Deferred), which the root hands down.

mod address_bar;
mod create_form;
mod deferred;
mod dismiss_button;
mod front;
mod later;
mod list_edges;
mod list_row;
mod live_indicator;
mod loaded_lists;
mod notes_request;
mod notice_bar;
mod row_forms;
mod search_box;
mod skeleton;
mod viewport;

pub use front::{Notes, Notice, RowWords};
pub use later::SERVICE_WORKER_PATH;
#[cfg(feature = "ssr")]
pub use notes_request::PostedForm;
pub use notes_request::{AfterForm, NotesRequest, PreloadedPage, Renaming};

use crate::i18n::td_string;
use crate::language::{I18n, LanguageSwitch};
use crate::lists::{Lists, ListsPage};
use crate::stream::{KeyedStream, Snapshot};
use crate::window::Window;
use crate::word;
use create_form::CreateListForm;
use front::Requests;
use later::Later;
use leptos::{either::Either, prelude::*};
use live_indicator::LiveIndicator;
use loaded_lists::LoadedLists;
use notice_bar::NoticeBar;
use row_forms::RowForms;
use search_box::SearchBox;

/// The requests the front makes, through the code that comes later.
const REQUESTS: Requests = Requests {
    fetch_page: |window, fetch, query, ticket| {
        Box::pin(later::fetch_page(window, fetch, query, ticket))
    },
    search: later::search,
    outbox_job: later::outbox_job,
};

/// The whole screen: the rows in place when the server had them in time, else late
/// (the skeleton first, the rows or the error later in the same response). In the
/// browser the rows then change one at a time.
#[component]
pub fn NotesScreen(i18n: I18n) -> impl IntoView {
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
    let forms = query.clone();
    let notes = Notes::new(query, notice, i18n, rename, REQUESTS);
    let preloaded = PreloadedPage::shared();
    // Tells the browser, before it hydrates, that the screen needs the late lists' code.
    let late = preloaded.is_none().then_some("");
    // Effects only run in the browser, after hydration: a marker for tests and styles.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| {
        hydrated.set(true);
        notes.start();
    });

    view! {
        <main class="page" data-hydrated=move || hydrated.get().then_some("true")>
            <section class="card" aria-labelledby="lists-heading" data-late=late>
                <header class="card-header">
                    <h1 id="lists-heading">{word!(i18n, lists_heading)}</h1>
                    <LiveIndicator notes deferred=Later />
                    <LanguageSwitch
                        i18n
                        back=Signal::derive(move || notes.query().href())
                        title=|locale| td_string!(locale, page_title)
                    />
                </header>
                <CreateListForm notes form_error=create_error />
                <SearchBox notes />
                {match preloaded {
                    Some(page) => Either::Left(view! { <ListsInPlace notes page /> }),
                    None => Either::Right(later::late_lists(notes)),
                }}
                <NoticeBar notes deferred=Later />
                <RowForms query=forms />
            </section>
        </main>
    }
}

/// The rows the server already had: drawn in place, nothing to wait for.
#[component]
fn ListsInPlace(notes: Notes, page: ListsPage) -> impl IntoView {
    let (rows, info) = page.into_parts();
    let rows = KeyedStream::from_rows(rows, Window::<Lists>::LIMIT);
    view! { <LoadedLists notes rows info deferred=Later /> }
}

/// Hydrates the document once the code it needs is here (see `later`).
#[cfg(feature = "hydrate")]
pub fn before_hydrating(hydrate: impl FnOnce() + 'static) {
    later::before_hydrating(hydrate);
}
