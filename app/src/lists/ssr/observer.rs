//! What the store tells whoever measures it (the server's metrics): each change's
//! outcome and time, each wait for a connection, and on PostgreSQL each run of the
//! sequencer and how long a commit waited for its position. The store knows no metrics
//! library; without an observer every call does nothing.

use crate::lists::change::ChangeKind;
use std::{fmt, sync::Arc, time::Duration};

/// How one change was answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChangeOutcome {
    /// Written, with its entry in the log.
    Applied,
    /// Nothing to do (deleting a deleted list, renaming a list to its name): nothing
    /// written, no entry in the log.
    Unchanged,
    /// Its key was seen before: answered as the first time, nothing written.
    Replayed,
    /// Refused: its list is not there, or its key was used for another change.
    Refused,
    /// Answered "busy": the writer stayed busy past the write wait, and nothing was
    /// written; or, on PostgreSQL, the write committed but its position did not come in
    /// time, and its retry with the same key is a replay.
    Busy,
    /// The database failed (as with `Busy`, after a commit on PostgreSQL the retry with
    /// the same key is a replay).
    Failed,
}

/// The connections a wait was for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PoolRole {
    /// Reads (SQLite's read-only connections; PostgreSQL's one pool).
    Read,
    /// Writes (SQLite's one writer; PostgreSQL's one pool).
    Write,
}

/// One pool of connections as it is now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolState {
    /// `reader`, `writer` (SQLite) or `shared` (PostgreSQL).
    pub name: &'static str,
    /// Connections open.
    pub open: u32,
    /// Of those, the ones nobody holds.
    pub idle: u32,
    /// Connections it may open at most.
    pub max: u32,
}

impl PoolState {
    pub(super) fn of<DB: sqlx::Database>(name: &'static str, pool: &sqlx::Pool<DB>) -> Self {
        Self {
            name,
            open: pool.size(),
            idle: u32::try_from(pool.num_idle()).unwrap_or(u32::MAX),
            max: pool.options().get_max_connections(),
        }
    }
}

/// Hears what the store does. Called on every change and on the waits for a connection
/// that pages and writes make, so it must be cheap.
pub trait StoreObserver: Send + Sync + 'static {
    /// A change of `kind` ended as `outcome` after `took`.
    fn change(&self, _kind: ChangeKind, _outcome: ChangeOutcome, _took: Duration) {}
    /// A batch of `size` changes came in one request.
    fn batch(&self, _size: usize) {}
    /// A connection for `role` took `waited` to get.
    fn connection(&self, _role: PoolRole, _waited: Duration) {}
    /// A call of PostgreSQL's sequencer from this instance succeeded after `took`, its
    /// wait for the sequencer's lock included (one call, however many entries it numbered).
    fn sequencer_run(&self, _took: Duration) {}
    /// A committed write learned its position `lag` after its commit (PostgreSQL).
    fn numbered(&self, _lag: Duration) {}
}

/// Nobody listening.
struct Unobserved;

impl StoreObserver for Unobserved {}

/// The store's observer, shared by every clone of the store. Cheap to clone.
#[derive(Clone)]
pub struct Observer(Arc<dyn StoreObserver>);

impl Observer {
    pub fn new(observer: impl StoreObserver) -> Self {
        Self(Arc::new(observer))
    }
}

impl Default for Observer {
    fn default() -> Self {
        Self::new(Unobserved)
    }
}

impl fmt::Debug for Observer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Observer")
    }
}

impl std::ops::Deref for Observer {
    type Target = dyn StoreObserver;

    fn deref(&self) -> &Self::Target {
        &*self.0
    }
}
