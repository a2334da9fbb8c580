//! `ListStore`: every query on `lists` and on its change log, and nothing else.
//!
//! Each write and its change-log entry commit in one transaction, so the log never
//! misses or invents a change. After a commit the store wakes whoever tails the log.

use crate::lists::{
    ChangeKind, ChangedList, EventSeq, List, ListEvent, ListId, ListName, ListsSnapshot,
};
use sqlx::{QueryBuilder, Sqlite, SqliteConnection, SqlitePool};
use std::sync::{Arc, Mutex};
use tokio::sync::Notify;

const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("list {0} not found")]
    NotFound(ListId),
    #[error("the database holds an invalid row for list {id}: {reason}")]
    CorruptRow { id: i64, reason: String },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Where the change log starts and ends. Events up to `pruned_through` are gone;
/// `latest` is the newest event ever written (0 for none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogBounds {
    pub pruned_through: EventSeq,
    pub latest: EventSeq,
}

/// Handle to the lists and their change log. Cheap to clone; all clones share the pool,
/// the snapshot cache and the commit signal.
#[derive(Clone, Debug)]
pub struct ListStore {
    pool: SqlitePool,
    committed: Arc<Notify>,
    snapshot_cache: Arc<Mutex<SnapshotCache>>,
}

/// The last snapshot read, shared by every request until the log advances. `generation`
/// moves whenever the log grows past `known` (the newest position this store has heard
/// of, from its own commits or from whoever tails the log), so a read that raced a
/// commit is never cached, and each commit invalidates once.
#[derive(Debug, Default)]
struct SnapshotCache {
    generation: u64,
    known: EventSeq,
    snapshot: Option<Arc<ListsSnapshot>>,
}

type Row = (i64, String);

fn to_list((id, name): Row) -> Result<List, StoreError> {
    let name = ListName::parse(&name).map_err(|error| StoreError::CorruptRow {
        id,
        reason: error.to_string(),
    })?;
    Ok(List {
        id: ListId::new(id),
        name,
    })
}

impl ListStore {
    pub fn new(pool: SqlitePool) -> Self {
        Self {
            pool,
            committed: Arc::new(Notify::new()),
            snapshot_cache: Arc::default(),
        }
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Notified after every commit that appended to the change log.
    pub fn commits(&self) -> Arc<Notify> {
        Arc::clone(&self.committed)
    }

    /// The active lists, newest first, with the log position they reflect.
    pub async fn snapshot(&self) -> Result<Arc<ListsSnapshot>, StoreError> {
        let generation = {
            let cache = self.lock_cache();
            if let Some(snapshot) = &cache.snapshot {
                return Ok(Arc::clone(snapshot));
            }
            cache.generation
        };
        // One read transaction, so the rows and the cursor come from the same instant.
        let mut tx = self.pool.begin().await?;
        let rows: Vec<Row> =
            sqlx::query_as("SELECT id, name FROM lists WHERE is_deleted = 0 ORDER BY id DESC")
                .fetch_all(&mut *tx)
                .await?;
        let cursor = latest_seq(&mut tx).await?;
        tx.commit().await?;
        let lists = rows.into_iter().map(to_list).collect::<Result<_, _>>()?;
        let snapshot = Arc::new(ListsSnapshot { lists, cursor });
        let mut cache = self.lock_cache();
        if cache.generation == generation {
            cache.snapshot = Some(Arc::clone(&snapshot));
        }
        Ok(snapshot)
    }

    pub async fn create(&self, name: &ListName) -> Result<ChangedList, StoreError> {
        let mut tx = self.pool.begin().await?;
        let row: Row = sqlx::query_as("INSERT INTO lists (name) VALUES (?) RETURNING id, name")
            .bind(name.as_str())
            .fetch_one(&mut *tx)
            .await?;
        let list = to_list(row)?;
        let seq = append_event(&mut tx, ChangeKind::Created, &list).await?;
        tx.commit().await?;
        self.after_commit(seq);
        Ok(ChangedList { list, seq })
    }

    /// Renames an active list. A deleted or unknown list is `NotFound`.
    pub async fn rename(&self, id: ListId, name: &ListName) -> Result<ChangedList, StoreError> {
        let mut tx = self.pool.begin().await?;
        let row: Option<Row> = sqlx::query_as(&format!(
            "UPDATE lists SET name = ?, updated_at = {NOW} \
             WHERE id = ? AND is_deleted = 0 RETURNING id, name"
        ))
        .bind(name.as_str())
        .bind(id.get())
        .fetch_optional(&mut *tx)
        .await?;
        let list = to_list(row.ok_or(StoreError::NotFound(id))?)?;
        let seq = append_event(&mut tx, ChangeKind::Renamed, &list).await?;
        tx.commit().await?;
        self.after_commit(seq);
        Ok(ChangedList { list, seq })
    }

    /// Soft-deletes a list. Deleting a deleted list changes nothing and succeeds.
    pub async fn delete(&self, id: ListId) -> Result<ChangedList, StoreError> {
        self.set_deleted(id, true).await
    }

    /// Brings a soft-deleted list back. Restoring an active list changes nothing and succeeds.
    pub async fn restore(&self, id: ListId) -> Result<ChangedList, StoreError> {
        self.set_deleted(id, false).await
    }

    async fn set_deleted(&self, id: ListId, deleted: bool) -> Result<ChangedList, StoreError> {
        let kind = if deleted {
            ChangeKind::Deleted
        } else {
            ChangeKind::Restored
        };
        // The write comes first so the transaction holds the write lock from its start.
        let mut tx = self.pool.begin().await?;
        let changed: Option<Row> = sqlx::query_as(&format!(
            "UPDATE lists SET is_deleted = ?, updated_at = {NOW} \
             WHERE id = ? AND is_deleted = ? RETURNING id, name"
        ))
        .bind(deleted)
        .bind(id.get())
        .bind(!deleted)
        .fetch_optional(&mut *tx)
        .await?;
        let outcome = match changed {
            Some(row) => {
                let list = to_list(row)?;
                let seq = append_event(&mut tx, kind, &list).await?;
                (ChangedList { list, seq }, true)
            }
            None => {
                let row: Option<Row> = sqlx::query_as("SELECT id, name FROM lists WHERE id = ?")
                    .bind(id.get())
                    .fetch_optional(&mut *tx)
                    .await?;
                let list = to_list(row.ok_or(StoreError::NotFound(id))?)?;
                let seq = latest_seq(&mut tx).await?;
                (ChangedList { list, seq }, false)
            }
        };
        tx.commit().await?;
        let (changed, wrote) = outcome;
        if wrote {
            self.after_commit(changed.seq);
        }
        Ok(changed)
    }

    /// Up to `limit` change-log entries after `after`, oldest first.
    pub async fn events_after(
        &self,
        after: EventSeq,
        limit: u32,
    ) -> Result<Vec<ListEvent>, StoreError> {
        let rows: Vec<(i64, String, i64, String)> = sqlx::query_as(
            "SELECT seq, kind, list_id, name FROM list_events WHERE seq > ? ORDER BY seq LIMIT ?",
        )
        .bind(after.get())
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(seq, kind, id, name)| {
                let kind = parse_kind(&kind).ok_or_else(|| StoreError::CorruptRow {
                    id,
                    reason: format!("unknown change kind {kind:?} at seq {seq}"),
                })?;
                Ok(ListEvent {
                    seq: EventSeq::new(seq),
                    kind,
                    list: to_list((id, name))?,
                })
            })
            .collect()
    }

    pub async fn log_bounds(&self) -> Result<LogBounds, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let pruned_through: i64 =
            sqlx::query_scalar("SELECT pruned_through FROM change_log_horizon WHERE id = 1")
                .fetch_one(&mut *conn)
                .await?;
        let latest = latest_seq(&mut conn).await?;
        Ok(LogBounds {
            pruned_through: EventSeq::new(pruned_through),
            latest,
        })
    }

    /// Deletes change-log entries recorded more than `retention_secs` ago and moves the
    /// horizon, so clients resuming from before it are told to reset. Returns how many went.
    pub async fn prune_events(&self, retention_secs: u64) -> Result<u64, StoreError> {
        let modifier = format!("-{retention_secs} seconds");
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "UPDATE change_log_horizon SET pruned_through = MAX(pruned_through, COALESCE(( \
               SELECT MAX(seq) FROM list_events \
               WHERE recorded_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?)), 0)) \
             WHERE id = 1",
        )
        .bind(&modifier)
        .execute(&mut *tx)
        .await?;
        let pruned = sqlx::query(
            "DELETE FROM list_events \
             WHERE seq <= (SELECT pruned_through FROM change_log_horizon WHERE id = 1)",
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(pruned)
    }

    /// Inserts many lists in one transaction, with their change-log entries.
    /// Used by the `seed` command; callers batch so a transaction stays small.
    pub async fn insert_many(&self, names: &[ListName]) -> Result<(), StoreError> {
        // 32766 is SQLite's limit on bound parameters; one name is one parameter.
        const ROWS_PER_STATEMENT: usize = 10_000;
        let mut tx = self.pool.begin().await?;
        for chunk in names.chunks(ROWS_PER_STATEMENT) {
            let mut insert: QueryBuilder<Sqlite> = QueryBuilder::new("INSERT INTO lists (name) ");
            insert.push_values(chunk, |mut row, name| {
                row.push_bind(name.as_str());
            });
            insert.push(" RETURNING id");
            let ids: Vec<i64> = insert.build_query_scalar().fetch_all(&mut *tx).await?;
            let (Some(first), Some(last)) = (ids.iter().min(), ids.iter().max()) else {
                continue;
            };
            sqlx::query(
                "INSERT INTO list_events (list_id, kind, name, is_deleted) \
                 SELECT id, 'created', name, 0 FROM lists WHERE id BETWEEN ? AND ? ORDER BY id",
            )
            .bind(first)
            .bind(last)
            .execute(&mut *tx)
            .await?;
        }
        let seq = latest_seq(&mut tx).await?;
        tx.commit().await?;
        self.after_commit(seq);
        Ok(())
    }

    /// Changes whenever the lists may have changed. Anything derived from a snapshot
    /// (the rendered page, say) is valid for as long as this stays the same.
    pub fn generation(&self) -> u64 {
        self.lock_cache().generation
    }

    /// Tells the store that the change log reaches `through`. Called by whoever tails the
    /// log, so that another process's writes are seen; positions the store already knows
    /// (its own commits) change nothing.
    pub fn log_advanced(&self, through: EventSeq) {
        let mut cache = self.lock_cache();
        if through > cache.known {
            cache.known = through;
            cache.generation += 1;
            cache.snapshot = None;
        }
    }

    fn after_commit(&self, seq: EventSeq) {
        self.log_advanced(seq);
        self.committed.notify_one();
    }

    fn lock_cache(&self) -> std::sync::MutexGuard<'_, SnapshotCache> {
        // The cache holds no invariant a panic could break, so a poisoned lock is still usable.
        self.snapshot_cache
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

async fn append_event(
    conn: &mut SqliteConnection,
    kind: ChangeKind,
    list: &List,
) -> Result<EventSeq, StoreError> {
    let seq: i64 = sqlx::query_scalar(
        "INSERT INTO list_events (list_id, kind, name, is_deleted) VALUES (?, ?, ?, ?) RETURNING seq",
    )
    .bind(list.id.get())
    .bind(kind.as_str())
    .bind(list.name.as_str())
    .bind(kind.leaves_deleted())
    .fetch_one(conn)
    .await?;
    Ok(EventSeq::new(seq))
}

/// The newest sequence number ever handed out, even if that event was since pruned.
async fn latest_seq(conn: &mut SqliteConnection) -> Result<EventSeq, StoreError> {
    let seq: Option<i64> =
        sqlx::query_scalar("SELECT seq FROM sqlite_sequence WHERE name = 'list_events'")
            .fetch_optional(conn)
            .await?;
    Ok(EventSeq::new(seq.unwrap_or(0)))
}

fn parse_kind(kind: &str) -> Option<ChangeKind> {
    [
        ChangeKind::Created,
        ChangeKind::Renamed,
        ChangeKind::Deleted,
        ChangeKind::Restored,
    ]
    .into_iter()
    .find(|candidate| candidate.as_str() == kind)
}
