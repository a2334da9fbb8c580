//! Keyed streams: a long list loaded once, then changed one row at a time.
//!
//! This is the Leptos counterpart of LiveView's `start_async` + `stream`: an
//! [`AsyncKeyedStream`] loads rows asynchronously (loading, failed with retry, ready)
//! into a [`KeyedStream`], whose rows are each their own signal. Render it with a keyed
//! `<For>` and every insert, update or delete touches exactly one row of the DOM.
//!
//! ```text
//! let lists = AsyncKeyedStream::new(load_lists, Limit::KeepFirst(200));
//! view! {
//!     <Suspense fallback=Skeleton>
//!         {move || Suspend::new(async move {
//!             match lists.stream().await {
//!                 Ok((rows, _meta)) => Either::Left(view! {
//!                     <ul>
//!                         <For each=move || rows.rows() key=|row| *row.key() let:row>
//!                             <li>{move || row.value().with(|list| list.name.to_string())}</li>
//!                         </For>
//!                     </ul>
//!                 }),
//!                 Err(_) => Either::Right(view! {
//!                     <button on:click=move |_| lists.retry()>"Retry"</button>
//!                 }),
//!             }
//!         })}
//!     </Suspense>
//! }
//! // later, from an event handler or the feed (LiveView's stream_insert and friends):
//! rows.insert(new_list, At::Start);           // drops from the end past the limit
//! rows.update(updated_list);
//! rows.delete(&id);
//! rows.load_page(older, Edge::End, 200);      // infinite scroll down: drops from the top
//! rows.reset(search_results);                 // reset: true, surviving rows keep their node
//! ```

mod async_keyed_stream;
mod keyed_stream;

pub use async_keyed_stream::{AsyncKeyedStream, Snapshot};
pub use keyed_stream::{At, Edge, Keyed, KeyedStream, Limit, StreamRow, Trimmed};
