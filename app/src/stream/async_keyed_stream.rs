//! `AsyncKeyedStream`: a [`KeyedStream`] filled by one asynchronous load.

use super::keyed_stream::{Keyed, KeyedStream, Limit};
use crate::wire::{DocumentData, WireError};
use leptos::prelude::*;
use leptos::server::codee::{Decoder, Encoder};
use std::future::Future;

/// What a load returns: the rows, and whatever else the screen needs alongside them
/// (for a page of lists, where the page sits in the collection and the change-log
/// position the feed resumes after).
pub trait Snapshot {
    type Row: Keyed + Clone + PartialEq + Send + Sync + 'static;
    type Meta;
    fn into_parts(self) -> (Vec<Self::Row>, Self::Meta);
}

impl<T: Keyed + Clone + PartialEq + Send + Sync + 'static> Snapshot for Vec<T> {
    type Row = T;
    type Meta = ();
    fn into_parts(self) -> (Vec<T>, ()) {
        (self, ())
    }
}

/// An asynchronous load feeding a keyed stream: LiveView's `start_async` + `stream`.
///
/// The load is a [`Resource`], so on the server its rows can come late in the document
/// (a `<Suspense>` shows its fallback first) and in the browser it is read from the
/// document's hydration data instead of being fetched again. [`stream`](Self::stream)
/// turns the loaded rows into a fresh [`KeyedStream`]; from then on the rows change
/// only through its operations, and nothing reloads the whole list unless
/// [`retry`](Self::retry) is called.
pub struct AsyncKeyedStream<S, E>
where
    S: Snapshot + Send + Sync + 'static,
    E: Send + Sync + 'static,
{
    load: Resource<Result<S, E>, DocumentData>,
    limit: Limit,
}

impl<S, E> Clone for AsyncKeyedStream<S, E>
where
    S: Snapshot + Send + Sync + 'static,
    E: Send + Sync + 'static,
{
    fn clone(&self) -> Self {
        *self
    }
}

impl<S, E> Copy for AsyncKeyedStream<S, E>
where
    S: Snapshot + Send + Sync + 'static,
    E: Send + Sync + 'static,
{
}

impl<S, E> AsyncKeyedStream<S, E>
where
    S: Snapshot + Clone + Send + Sync + 'static,
    E: Clone + Send + Sync + 'static,
    // The load's result is written into the document on the server and read back in the
    // browser by hydration, so it must cross the wire.
    DocumentData: Encoder<Result<S, E>, Error = WireError, Encoded = Vec<u8>>
        + Decoder<Result<S, E>, Error = WireError, Encoded = [u8]>,
{
    /// Starts loading with `loader` (on the server while rendering, or in the browser);
    /// keyed streams made from it keep at most as many rows as `limit` says.
    pub fn new<Fut>(loader: impl Fn() -> Fut + Send + Sync + 'static, limit: Limit) -> Self
    where
        Fut: Future<Output = Result<S, E>> + Send + 'static,
    {
        Self {
            load: Resource::new_with_options(|| (), move |()| loader(), false),
            limit,
        }
    }

    /// Runs the load again: `<Suspense>` shows its fallback, then rows or the error.
    pub fn retry(&self) {
        self.load.refetch();
    }

    /// Waits for the load and returns a new keyed stream holding its rows, with the
    /// load's meta. Nothing that exists is changed, so it is safe inside a `Suspend`:
    /// each completed load (a Retry, say) gives a keyed stream of its own, owned by the
    /// view that asked for it.
    pub async fn stream(self) -> Result<(KeyedStream<S::Row>, S::Meta), E> {
        let (rows, meta) = self.load.await?.into_parts();
        Ok((KeyedStream::from_rows(rows, self.limit), meta))
    }
}
