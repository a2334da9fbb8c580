//! The change log as the server's feed reads it, whatever the collection: the one
//! interface between a collection's store and the feed that fans its events out.

use super::position::{LogEvent, Position};
use serde::Serialize;
use std::{fmt::Display, future::Future, sync::Arc, time::Duration};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// Where a change log starts and ends. Events up to `pruned_through` are gone; `latest`
/// is the newest event ever written (0 for none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogBounds {
    pub pruned_through: Position,
    pub latest: Position,
}

/// Change-log entries read in one go: the good ones, and how far the read got. Entries
/// that cannot be read (a row written by another tool, say) are skipped but still move
/// `through`, so a reader never gets stuck on them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogRead<E> {
    pub events: Vec<E>,
    pub through: Position,
    /// Whether the read hit its limit, so more entries may follow right away.
    pub full: bool,
}

impl<E> LogRead<E> {
    /// Nothing read, up to `through`.
    pub fn empty(through: Position) -> Self {
        Self {
            events: Vec::new(),
            through,
            full: false,
        }
    }
}

/// A change log the feed can tail: a store that numbers its collection's changes in one
/// order every reader shares.
pub trait ChangeLog: Clone + Send + Sync + 'static {
    /// One entry, as every event stream writes it.
    type Event: LogEvent + Serialize + Send + Sync + 'static;
    type Error: Display + Send + 'static;

    fn bounds(&self) -> impl Future<Output = Result<LogBounds, Self::Error>> + Send;

    /// Up to `limit` entries after `after`, oldest first.
    fn read_after(
        &self,
        after: Position,
        limit: u32,
    ) -> impl Future<Output = Result<LogRead<Self::Event>, Self::Error>> + Send;

    /// The entries after `after` the store heard of without reading the log (another
    /// instance announced them); `None` when only reading the log can tell.
    fn heard_after(&self, after: Position) -> Option<LogRead<Self::Event>>;

    /// Numbers entries whose writer committed them but never numbered them (it died in
    /// between), where the database numbers entries after they commit.
    fn number_orphans(&self) -> impl Future<Output = Result<(), Self::Error>> + Send;

    /// Tells the store the log reaches `through` (another process's writes are news to
    /// its caches).
    fn advanced(&self, through: Position);

    /// Notified after every commit that appended to the log (this process's, and where
    /// the database can tell, every instance's).
    fn commits(&self) -> Arc<Notify>;

    /// How often to look without being told of a commit.
    fn poll_interval(&self) -> Duration;

    /// Makes [`commits`](Self::commits) hear of other instances' commits too, where the
    /// database can tell, until `shutdown`.
    fn hear_other_instances(&self, shutdown: CancellationToken);

    /// Deletes entries recorded more than `retention` ago and moves the horizon; how many
    /// went.
    fn prune(&self, retention: Duration) -> impl Future<Output = Result<u64, Self::Error>> + Send;
}
