//! `AsyncKeyedStream`: a [`KeyedStream`] filled by one asynchronous load.

use super::{Keyed, KeyedStream};
use crate::wire::{JsonData, WireError};
use leptos::prelude::*;
use leptos::server::codee::{Decoder, Encoder};
use std::future::Future;

/// What a load returns: the rows, and whatever else the page needs alongside them
/// (for the lists page, the change-log cursor the live feed resumes from).
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

/// An asynchronous load feeding a keyed stream.
///
/// The load is a [`Resource`], so on the server it streams with the page (a
/// `<Suspense>` shows its fallback first) and in the browser it is read from the
/// serialized page instead of being fetched again. After that, the rows change only
/// through the [`KeyedStream`] operations: nothing reloads the whole list unless
/// [`retry`](Self::retry) is called.
pub struct AsyncKeyedStream<S, E>
where
    S: Snapshot + Send + Sync + 'static,
    E: Send + Sync + 'static,
{
    load: Resource<Result<S, E>, JsonData>,
    rows: KeyedStream<S::Row>,
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
    // The load's result is written into the page on the server and read back in the
    // browser by hydration, so it must cross the wire.
    JsonData: Encoder<Result<S, E>, Error = WireError, Encoded = String>
        + Decoder<Result<S, E>, Error = WireError, Encoded = str>,
{
    /// Starts loading with `loader` (on the server while rendering, or in the browser).
    pub fn new<Fut>(loader: impl Fn() -> Fut + Send + Sync + 'static) -> Self
    where
        Fut: Future<Output = Result<S, E>> + Send + 'static,
    {
        Self {
            load: Resource::new_with_options(|| (), move |()| loader(), false),
            rows: KeyedStream::new(),
        }
    }

    /// The rows, to render with `<For>` and to change one at a time.
    pub fn rows(&self) -> KeyedStream<S::Row> {
        self.rows
    }

    /// Runs the load again: `<Suspense>` shows its fallback, then rows or the error.
    pub fn retry(&self) {
        self.load.refetch();
    }

    /// Waits for the load; on success fills the rows (keeping the DOM of rows that
    /// survive) and returns the snapshot's meta. Call it inside a `Suspend`.
    pub async fn ready(self) -> Result<S::Meta, E> {
        let (rows, meta) = self.load.await?.into_parts();
        self.rows.reset(rows);
        Ok(meta)
    }
}
