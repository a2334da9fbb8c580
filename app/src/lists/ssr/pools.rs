//! The two SQLite pools behind the store: many readers, one writer.
//!
//! SQLite lets one connection write at a time, and in WAL mode readers never wait for
//! it. Giving writes their own single connection makes them queue in the application,
//! in order, with a bounded wait, and keeps every read connection free for reads: a long
//! write (or another process holding the write lock) never delays a page.

use sqlx::{Sqlite, SqlitePool, Transaction};
use std::time::Duration;

use super::StoreError;

/// The store's connections.
#[derive(Clone, Debug)]
pub struct Pools {
    /// Read-only connections, for pages, the change log and checks.
    pub reader: SqlitePool,
    /// The one connection that writes.
    pub writer: SqlitePool,
    /// How long a write waits for its turn before the caller is told the server is busy.
    pub write_wait: Duration,
}

impl Pools {
    /// Starts a write transaction holding SQLite's write lock from its first statement
    /// (`BEGIN IMMEDIATE`), so that it can never fail half-way for want of the lock.
    /// Waits at most `write_wait` for the writer; past that, [`StoreError::Busy`].
    pub async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>, StoreError> {
        match tokio::time::timeout(self.write_wait, self.writer.begin_with("BEGIN IMMEDIATE")).await
        {
            Err(_) => Err(StoreError::Busy),
            Ok(Err(error)) if is_busy(&error) => Err(StoreError::Busy),
            Ok(result) => Ok(result?),
        }
    }

    pub async fn close(&self) {
        self.writer.close().await;
        self.reader.close().await;
    }
}

/// SQLITE_BUSY, or the pool's own time-out: another writer held on for too long.
fn is_busy(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::PoolTimedOut => true,
        sqlx::Error::Database(error) => error.code().is_some_and(|code| code == "5"),
        _ => false,
    }
}
