//! The databases the store can run on: SQLite (embedded, the default) or PostgreSQL
//! (several instances sharing one database), each a [`Backend`]. The store calls this
//! one type and does not know which runs.

use super::backend::Backend;
use super::error::{NotReady, OpenError, StoreError};
use super::observer::{Observer, PoolState};
use super::rows::{Applied, PageAsk, PageRows, StoredEvent, StoredList};
use super::{
    postgres::{self, PostgresDb},
    sqlite::{self, SqliteDb},
};
use crate::lists::change::ChangeKind;
use crate::lists::list::ListId;
use crate::lists::name::ListName;
use futures::stream::BoxStream;
use sqlx::{postgres::PgConnectOptions, sqlite::SqliteConnectOptions};
use std::str::FromStr;
use std::time::Duration;

/// The store's database.
#[derive(Clone, Debug)]
pub enum Database {
    Sqlite(SqliteDb),
    Postgres(PostgresDb),
}

/// How to open a database.
#[derive(Clone, Debug)]
pub struct DatabaseSettings {
    /// How long a write waits for its turn before the caller is told the server is busy.
    pub write_wait: Duration,
    /// Connections per instance on PostgreSQL (SQLite's are fixed: eight readers, one
    /// writer).
    pub postgres_connections: u32,
    /// Who hears what the store does (the server's metrics); nobody by default.
    pub observer: Observer,
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self {
            write_wait: Duration::from_secs(5),
            postgres_connections: 16,
            observer: Observer::default(),
        }
    }
}

impl Database {
    /// Opens (creating if missing) the database `url` names, SQLite (`sqlite://PATH`) or
    /// PostgreSQL (`postgres://…`), and applies pending migrations.
    pub async fn open(url: &str, settings: DatabaseSettings) -> Result<Self, OpenError> {
        let bad_url = |source| OpenError::BadUrl {
            url: url.to_owned(),
            source,
        };
        if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url).map_err(bad_url)?;
            Ok(Self::Sqlite(
                SqliteDb::open(options, settings.write_wait, settings.observer).await?,
            ))
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let options = PgConnectOptions::from_str(url).map_err(bad_url)?;
            Ok(Self::Postgres(
                PostgresDb::open(
                    url,
                    options,
                    settings.write_wait,
                    settings.postgres_connections,
                    settings.observer,
                )
                .await?,
            ))
        } else {
            Err(OpenError::UnknownScheme {
                url: url.to_owned(),
            })
        }
    }

    /// Whether the database answers and has every migration this build knows (another
    /// instance of an older build may share it, or it may have been replaced).
    pub async fn check_ready(&self) -> Result<(), NotReady> {
        let (applied, expected) = match self {
            Self::Sqlite(db) => (
                db.applied_migrations().await?,
                sqlite::MIGRATIONS.iter().count(),
            ),
            Self::Postgres(db) => (
                db.applied_migrations().await?,
                postgres::MIGRATIONS.iter().count(),
            ),
        };
        match usize::try_from(applied).is_ok_and(|applied| applied >= expected) {
            true => Ok(()),
            false => Err(NotReady::Unmigrated { applied, expected }),
        }
    }

    /// How often the log is read without being told of a commit: another SQLite process
    /// can only be noticed by looking; PostgreSQL tells every instance (NOTIFY), so its
    /// poll is only a safety net.
    pub fn poll_interval(&self) -> Duration {
        match self {
            Self::Sqlite(_) => Duration::from_millis(500),
            Self::Postgres(_) => Duration::from_secs(5),
        }
    }

    /// Who hears what the store does.
    pub fn observer(&self) -> &Observer {
        match self {
            Self::Sqlite(db) => db.observer(),
            Self::Postgres(db) => db.observer(),
        }
    }

    /// Each pool of connections as it is now.
    pub fn pools(&self) -> Vec<PoolState> {
        match self {
            Self::Sqlite(db) => db.pools(),
            Self::Postgres(db) => db.pools(),
        }
    }

    pub async fn close(&self) {
        match self {
            Self::Sqlite(db) => db.close().await,
            Self::Postgres(db) => db.close().await,
        }
    }

    pub(super) async fn page(&self, ask: &PageAsk<'_>) -> Result<PageRows, StoreError> {
        match self {
            Self::Sqlite(db) => db.page(ask).await,
            Self::Postgres(db) => db.page(ask).await,
        }
    }

    pub(super) async fn create(
        &self,
        name: &ListName,
        key: Option<&str>,
    ) -> Result<Applied, StoreError> {
        match self {
            Self::Sqlite(db) => db.create(name, key).await,
            Self::Postgres(db) => db.create(name, key).await,
        }
    }

    pub(super) async fn rename(
        &self,
        id: ListId,
        name: &ListName,
        key: Option<&str>,
    ) -> Result<Applied, StoreError> {
        match self {
            Self::Sqlite(db) => db.rename(id, name, key).await,
            Self::Postgres(db) => db.rename(id, name, key).await,
        }
    }

    pub(super) async fn set_deleted(
        &self,
        id: ListId,
        kind: ChangeKind,
        key: Option<&str>,
        readable: impl Fn(&StoredList) -> bool,
    ) -> Result<Applied, StoreError> {
        match self {
            Self::Sqlite(db) => db.set_deleted(id, kind, key, readable).await,
            Self::Postgres(db) => db.set_deleted(id, kind, key, readable).await,
        }
    }

    /// Numbers events committed without a position by a writer that did not (PostgreSQL;
    /// SQLite numbers every event as it commits).
    pub(super) async fn sequence_orphans(&self) -> Result<(), StoreError> {
        match self {
            Self::Sqlite(_) => Ok(()),
            Self::Postgres(db) => db.sequence_orphans().await,
        }
    }

    pub(super) async fn events_after(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<StoredEvent>, StoreError> {
        match self {
            Self::Sqlite(db) => db.events_after(after, limit).await,
            Self::Postgres(db) => db.events_after(after, limit).await,
        }
    }

    pub(super) async fn log_bounds(&self) -> Result<(i64, i64), StoreError> {
        match self {
            Self::Sqlite(db) => db.log_bounds().await,
            Self::Postgres(db) => db.log_bounds().await,
        }
    }

    pub(super) async fn prune(&self, retention_secs: u64) -> Result<u64, StoreError> {
        match self {
            Self::Sqlite(db) => db.prune(retention_secs).await,
            Self::Postgres(db) => db.prune(retention_secs).await,
        }
    }

    pub(super) async fn insert_many(&self, names: &[ListName]) -> Result<i64, StoreError> {
        match self {
            Self::Sqlite(db) => db.insert_many(names).await,
            Self::Postgres(db) => db.insert_many(names).await,
        }
    }

    pub(super) fn all_rows(&self) -> BoxStream<'_, Result<StoredList, sqlx::Error>> {
        match self {
            Self::Sqlite(db) => db.all_rows(),
            Self::Postgres(db) => db.all_rows(),
        }
    }
}
