//! The `/notes` page: lists loaded asynchronously, then kept live one row at a time.

mod actions;
mod create_form;
mod list_row;
mod live_feed;
mod live_indicator;
mod load_error;
mod model;
mod notice_bar;
mod skeleton;
mod split;

pub use live_feed::EVENTS_PATH;
pub use model::{FeedStatus, ListsModel, Notice};

use crate::stream::AsyncKeyedStream;
use create_form::CreateListForm;
use leptos::prelude::*;
use list_row::ListRow;
use live_indicator::LiveIndicator;
use load_error::LoadError;
use notice_bar::NoticeBar;
use skeleton::LoadingSkeleton;

/// The whole page. The server streams it: the skeleton first, the rows (or the error)
/// later in the same response. In the browser the rows then change one at a time.
#[component]
pub fn NotesPage() -> impl IntoView {
    let lists = AsyncKeyedStream::new(split::load);
    let model = ListsModel::new(lists.rows());
    // Effects only run in the browser, after hydration: a marker for tests and styles.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));

    view! {
        <main class="page" data-hydrated=move || hydrated.get().then_some("true")>
            <section class="card" aria-labelledby="lists-heading">
                <header class="card-header">
                    <h1 id="lists-heading">"Lists"</h1>
                    <LiveIndicator status=model.feed />
                </header>
                <CreateListForm model />
                <Suspense fallback=LoadingSkeleton>
                    <ErrorBoundary fallback=move |_| view! { <LoadError on_retry=move || lists.retry() /> }>
                        {move || Suspend::new(async move {
                            lists
                                .ready()
                                .await
                                .map(|cursor| {
                                    model.loaded(cursor);
                                    live_feed::follow(model, cursor);
                                    view! { <ListRows model /> }
                                })
                        })}
                    </ErrorBoundary>
                </Suspense>
                <NoticeBar model />
            </section>
        </main>
    }
}

/// The loaded rows, keyed by list id so that a change touches one `<li>`.
#[component]
fn ListRows(model: ListsModel) -> impl IntoView {
    let rows = model.rows;
    // Toggled with `hidden` rather than `<Show>`: the same for people and screen readers,
    // and about 0.9 KiB less wasm (see BENCHMARKS.md).
    view! {
        <div class="empty-state" hidden=move || !rows.is_empty()>
            <p class="empty-title">"No lists yet"</p>
            <p class="empty-hint">"Add your first list above; it will show up here."</p>
        </div>
        <ul class="lists" aria-label="Lists">
            <For each=move || rows.rows() key=|row| *row.key() let:row>
                <ListRow list=row.value() model />
            </For>
        </ul>
    }
}
