//! Keyed streams: a long list loaded once, then changed one row at a time.
//!
//! This is the Leptos counterpart of LiveView's `start_async` + `stream`: an
//! [`AsyncKeyedStream`] loads rows asynchronously (loading, failed with retry, ready)
//! into a [`KeyedStream`], whose rows are each their own signal. Render it with a keyed
//! `<For>` and every insert, update or delete touches exactly one row of the DOM.
//!
//! ```ignore
//! let lists = AsyncKeyedStream::new(|| async { load_lists().await });
//! view! {
//!     <Suspense fallback=Skeleton>
//!         <ErrorBoundary fallback=move |_| view! { <button on:click=move |_| lists.retry()>"Retry"</button> }>
//!             {move || Suspend::new(async move {
//!                 lists.ready().await.map(|_meta| view! {
//!                     <ul>
//!                         <For each=move || lists.rows().rows() key=|row| *row.key() let:row>
//!                             <li>{move || row.value().with(|list| list.name.to_string())}</li>
//!                         </For>
//!                     </ul>
//!                 })
//!             })}
//!         </ErrorBoundary>
//!     </Suspense>
//! }
//! // later, from an event handler or a live feed:
//! lists.rows().insert(new_list, At::Start);
//! lists.rows().update(updated_list);
//! lists.rows().delete(&id);
//! ```

mod async_keyed_stream;
mod keyed_stream;

pub use async_keyed_stream::{AsyncKeyedStream, Snapshot};
pub use keyed_stream::{At, Keyed, KeyedStream, StreamRow};
