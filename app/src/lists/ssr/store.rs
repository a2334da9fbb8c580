//! `ListStore`: every query on `lists` and on its change log, and nothing else.
//!
//! Each write and its change-log entry commit in one transaction, so the log never
//! misses or invents a change. After a commit the store wakes whoever tails the log.
//! Reads go through their own pool, so they never queue behind a write.

use super::pools::Pools;
use crate::lists::{
    fold, ChangeKind, ChangedList, CreateKey, EventSeq, List, ListEvent, ListId, ListName,
    ListsPage, ListsQuery, PageStart, SearchTerm, PAGE_SIZE,
};
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};
use std::{
    collections::HashSet,
    sync::{Arc, Mutex},
};
use tokio::sync::Notify;

const NOW: &str = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("list {0} not found")]
    NotFound(ListId),
    #[error("the database is busy with other writes")]
    Busy,
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

/// Change-log entries read in one go: the good ones, and how far the read got. Entries
/// that cannot be read (a row written by another tool, say) are skipped but still move
/// `through`, so a reader never gets stuck on them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogRead {
    pub events: Vec<ListEvent>,
    pub through: EventSeq,
    /// Whether the read hit its limit, so more entries may follow right away.
    pub full: bool,
}

/// The newest page as of one generation of the store: the only page kept in memory.
#[derive(Debug, Clone)]
pub struct FirstPage {
    pub page: Arc<ListsPage>,
    pub generation: u64,
}

/// Handle to the lists and their change log. Cheap to clone; all clones share the pools,
/// the first-page cache and the commit signal.
#[derive(Clone, Debug)]
pub struct ListStore {
    pools: Pools,
    committed: Arc<Notify>,
    state: Arc<Mutex<SharedState>>,
}

/// What every clone of the store shares. `generation` moves whenever the log grows past
/// `known` (the newest position this store has heard of, from its own commits or from
/// whoever tails the log), so a read that raced a commit is never cached, and each
/// commit invalidates once.
#[derive(Debug, Default)]
struct SharedState {
    generation: u64,
    known: EventSeq,
    first_page: Option<Arc<ListsPage>>,
    /// Rows already reported as unreadable, so each is logged once, not on every read.
    reported: HashSet<i64>,
}

/// How many unreadable rows are remembered as reported; past that they are logged again.
const REPORTED_LIMIT: usize = 1024;

type Row = (i64, String);

impl ListStore {
    pub fn new(pools: Pools) -> Self {
        Self {
            pools,
            committed: Arc::new(Notify::new()),
            state: Arc::default(),
        }
    }

    pub fn pools(&self) -> &Pools {
        &self.pools
    }

    /// Notified after every commit that appended to the change log.
    pub fn commits(&self) -> Arc<Notify> {
        Arc::clone(&self.committed)
    }

    /// The newest page without a search, shared by every request until the log advances.
    pub async fn first_page(&self) -> Result<FirstPage, StoreError> {
        let generation = {
            let state = self.lock();
            if let Some(page) = &state.first_page {
                return Ok(FirstPage {
                    page: Arc::clone(page),
                    generation: state.generation,
                });
            }
            state.generation
        };
        let page = Arc::new(self.page(&ListsQuery::default()).await?);
        let mut state = self.lock();
        if state.generation == generation {
            state.first_page = Some(Arc::clone(&page));
        }
        Ok(FirstPage { page, generation })
    }

    /// One page of active lists, newest first. The query walks an index from the cursor
    /// and reads at most one row more than a page, plus one existence check, so the cost
    /// is the same with a thousand lists or a million. It is a single statement, so its
    /// rows, its existence check and the change-log position come from one snapshot
    /// without a transaction (and in one trip to the database thread).
    pub async fn page(&self, query: &ListsQuery) -> Result<ListsPage, StoreError> {
        let filter = Filter::new(query.search.as_ref());
        let (side, bound) = match query.start {
            PageStart::Newest => (Side::Older, i64::MAX),
            PageStart::Before(id) => (Side::Older, id.get()),
            PageStart::After(id) => (Side::Newer, id.get()),
        };
        let sql = filter.page_sql(side, query.start != PageStart::Newest);
        let mut statement = sqlx::query_as::<_, PageRow>(&sql)
            .bind(bound)
            .bind(i64::try_from(PAGE_SIZE + 1).unwrap_or(i64::MAX));
        if let Some(term) = filter.term() {
            statement = statement.bind(term);
        }
        let rows = statement.fetch_all(&self.pools.reader).await?;
        let cursor = EventSeq::new(rows.first().and_then(|row| row.0).unwrap_or(0));
        let beyond = rows.first().is_some_and(|row| row.1);
        let mut lists: Vec<Row> = rows
            .into_iter()
            .filter_map(|(_, _, id, name)| Some((id?, name?)))
            .collect();
        let more = lists.len() > PAGE_SIZE;
        lists.truncate(PAGE_SIZE);
        let (has_older, has_newer) = match side {
            Side::Older => (more, beyond),
            Side::Newer => {
                lists.reverse();
                (beyond, more)
            }
        };
        Ok(ListsPage {
            lists: lists
                .into_iter()
                .filter_map(|row| self.readable(row))
                .collect(),
            has_older,
            has_newer,
            cursor,
        })
    }

    /// Creates a list. With a `key` the store has seen, it creates nothing and answers
    /// with the list that key created (as it was then).
    pub async fn create(
        &self,
        name: &ListName,
        key: Option<&CreateKey>,
    ) -> Result<ChangedList, StoreError> {
        let mut tx = self.pools.begin_write().await?;
        if let Some(key) = key {
            let known: Option<(i64, i64, String)> =
                sqlx::query_as("SELECT list_id, seq, name FROM create_keys WHERE key = ?")
                    .bind(key.as_str())
                    .fetch_optional(&mut *tx)
                    .await?;
            if let Some((id, seq, name)) = known {
                tx.rollback().await?;
                let list = self
                    .readable((id, name))
                    .ok_or(StoreError::NotFound(ListId::new(id)))?;
                return Ok(ChangedList {
                    list,
                    seq: EventSeq::new(seq),
                });
            }
        }
        let id: i64 =
            sqlx::query_scalar("INSERT INTO lists (name, search_key) VALUES (?, ?) RETURNING id")
                .bind(name.as_str())
                .bind(fold(name.as_str()))
                .fetch_one(&mut *tx)
                .await?;
        let list = List {
            id: ListId::new(id),
            name: name.clone(),
        };
        let seq = append_event(&mut tx, ChangeKind::Created, &list).await?;
        if let Some(key) = key {
            sqlx::query("INSERT INTO create_keys (key, list_id, seq, name) VALUES (?, ?, ?, ?)")
                .bind(key.as_str())
                .bind(id)
                .bind(seq.get())
                .bind(name.as_str())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        self.after_commit(seq);
        Ok(ChangedList { list, seq })
    }

    /// Renames an active list. A deleted or unknown list is `NotFound`.
    pub async fn rename(&self, id: ListId, name: &ListName) -> Result<ChangedList, StoreError> {
        let mut tx = self.pools.begin_write().await?;
        let renamed = sqlx::query(&format!(
            "UPDATE lists SET name = ?, search_key = ?, updated_at = {NOW} \
             WHERE id = ? AND is_deleted = 0"
        ))
        .bind(name.as_str())
        .bind(fold(name.as_str()))
        .bind(id.get())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if renamed == 0 {
            return Err(StoreError::NotFound(id));
        }
        let list = List {
            id,
            name: name.clone(),
        };
        let seq = append_event(&mut tx, ChangeKind::Renamed, &list).await?;
        tx.commit().await?;
        self.after_commit(seq);
        Ok(ChangedList { list, seq })
    }

    /// Soft-deletes a list. Deleting a deleted list changes nothing and succeeds.
    pub async fn delete(&self, id: ListId) -> Result<ChangedList, StoreError> {
        self.set_deleted(id, ChangeKind::Deleted).await
    }

    /// Brings a soft-deleted list back. Restoring an active list changes nothing and succeeds.
    pub async fn restore(&self, id: ListId) -> Result<ChangedList, StoreError> {
        self.set_deleted(id, ChangeKind::Restored).await
    }

    async fn set_deleted(&self, id: ListId, kind: ChangeKind) -> Result<ChangedList, StoreError> {
        let deleted = kind.leaves_deleted();
        // The write comes first so the transaction holds the write lock from its start.
        let mut tx = self.pools.begin_write().await?;
        let changed: Option<Row> = sqlx::query_as(&format!(
            "UPDATE lists SET is_deleted = ?, updated_at = {NOW} \
             WHERE id = ? AND is_deleted = ? RETURNING id, name"
        ))
        .bind(deleted)
        .bind(id.get())
        .bind(!deleted)
        .fetch_optional(&mut *tx)
        .await?;
        let (row, wrote) = match changed {
            Some(row) => (row, true),
            None => {
                let row: Option<Row> = sqlx::query_as("SELECT id, name FROM lists WHERE id = ?")
                    .bind(id.get())
                    .fetch_optional(&mut *tx)
                    .await?;
                (row.ok_or(StoreError::NotFound(id))?, false)
            }
        };
        // A row another tool left unreadable cannot be shown, so to the caller it is gone.
        let list = self.readable(row).ok_or(StoreError::NotFound(id))?;
        let seq = if wrote {
            append_event(&mut tx, kind, &list).await?
        } else {
            latest_seq(&mut tx).await?
        };
        tx.commit().await?;
        if wrote {
            self.after_commit(seq);
        }
        Ok(ChangedList { list, seq })
    }

    /// Up to `limit` change-log entries after `after`, oldest first.
    pub async fn events_after(&self, after: EventSeq, limit: u32) -> Result<LogRead, StoreError> {
        let rows: Vec<(i64, String, i64, String)> = sqlx::query_as(
            "SELECT seq, kind, list_id, name FROM list_events WHERE seq > ? ORDER BY seq LIMIT ?",
        )
        .bind(after.get())
        .bind(limit)
        .fetch_all(&self.pools.reader)
        .await?;
        let full = rows.len() == limit as usize;
        let through = rows.last().map_or(after, |row| EventSeq::new(row.0));
        let events = rows
            .into_iter()
            .filter_map(|(seq, kind, id, name)| {
                let kind = self.readable_kind(seq, &kind)?;
                Some(ListEvent {
                    seq: EventSeq::new(seq),
                    kind,
                    list: self.readable((id, name))?,
                })
            })
            .collect();
        Ok(LogRead {
            events,
            through,
            full,
        })
    }

    pub async fn log_bounds(&self) -> Result<LogBounds, StoreError> {
        let mut conn = self.pools.reader.acquire().await?;
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
        let mut tx = self.pools.begin_write().await?;
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
        // A create retried after this long is a new create.
        sqlx::query(
            "DELETE FROM create_keys \
             WHERE created_at < strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?)",
        )
        .bind(&modifier)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(pruned)
    }

    /// Inserts many lists in one transaction, with their change-log entries.
    /// Used by the `seed` command; callers batch so a transaction stays small.
    pub async fn insert_many(&self, names: &[ListName]) -> Result<(), StoreError> {
        // SQLite allows 32766 bound parameters; a row takes two.
        const ROWS_PER_STATEMENT: usize = 10_000;
        let mut tx = self.pools.begin_write().await?;
        for chunk in names.chunks(ROWS_PER_STATEMENT) {
            let mut insert: QueryBuilder<Sqlite> =
                QueryBuilder::new("INSERT INTO lists (name, search_key) ");
            insert.push_values(chunk, |mut row, name| {
                row.push_bind(name.as_str()).push_bind(fold(name.as_str()));
            });
            insert.push(" RETURNING id");
            let ids: Vec<i64> = insert.build_query_scalar().fetch_all(&mut *tx).await?;
            let (Some(first), Some(last)) = (ids.iter().min(), ids.iter().max()) else {
                continue;
            };
            sqlx::query(
                "INSERT INTO list_events (list_id, kind, name, is_deleted) \
                 SELECT id, ?, name, 0 FROM lists WHERE id BETWEEN ? AND ? ORDER BY id",
            )
            .bind(ChangeKind::Created)
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

    /// Active lists whose stored name is not a valid [`ListName`], for the `check`
    /// command: `(id, reason)`.
    pub async fn unreadable_rows(&self) -> Result<Vec<(i64, String)>, StoreError> {
        use futures::TryStreamExt;
        let mut rows =
            sqlx::query_as::<_, Row>("SELECT id, name FROM lists").fetch(&self.pools.reader);
        let mut bad = Vec::new();
        while let Some((id, name)) = rows.try_next().await? {
            if let Err(error) = ListName::parse(&name) {
                bad.push((id, error.to_string()));
            }
        }
        Ok(bad)
    }

    /// Changes whenever the lists may have changed. Anything derived from the first
    /// page (the rendered `/notes`, say) is valid for as long as this stays the same.
    pub fn generation(&self) -> u64 {
        self.lock().generation
    }

    /// Tells the store that the change log reaches `through`. Called by whoever tails the
    /// log, so that another process's writes are seen; positions the store already knows
    /// (its own commits) change nothing.
    pub fn log_advanced(&self, through: EventSeq) {
        let mut state = self.lock();
        if through > state.known {
            state.known = through;
            state.generation += 1;
            state.first_page = None;
        }
    }

    fn after_commit(&self, seq: EventSeq) {
        self.log_advanced(seq);
        self.committed.notify_one();
    }

    /// The row as a [`List`], or `None` (logged once) if its name is not a valid name.
    fn readable(&self, (id, name): Row) -> Option<List> {
        match ListName::parse(&name) {
            Ok(name) => Some(List {
                id: ListId::new(id),
                name,
            }),
            Err(error) => {
                self.report(id, || {
                    tracing::warn!(list = id, %error, "skipping a list whose stored name is not valid");
                });
                None
            }
        }
    }

    fn readable_kind(&self, seq: i64, kind: &str) -> Option<ChangeKind> {
        use serde::{de::IntoDeserializer, Deserialize};
        let parsed = ChangeKind::deserialize(
            IntoDeserializer::<serde::de::value::Error>::into_deserializer(kind),
        )
        .ok();
        if parsed.is_none() {
            self.report(-seq, || {
                tracing::warn!(seq, kind, "skipping a change-log entry of an unknown kind");
            });
        }
        parsed
    }

    fn report(&self, key: i64, log: impl FnOnce()) {
        let mut state = self.lock();
        if state.reported.len() >= REPORTED_LIMIT {
            state.reported.clear();
        }
        if state.reported.insert(key) {
            log();
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, SharedState> {
        // The state holds no invariant a panic could break, so a poisoned lock is usable.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Which side of a list id a page reads: `Older` is ids below it, newest first; `Newer`
/// is ids above it, oldest first (the page reverses them).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Older,
    Newer,
}

/// One row of a page query: the change-log position and whether lists lie beyond the
/// page (the same on every row), then a list (absent when the page is empty).
type PageRow = (Option<i64>, bool, Option<i64>, Option<String>);

/// The lists a page may show: all active ones, or those matching a search. Searches of
/// three characters or more use the trigram index; shorter ones (which a trigram index
/// cannot answer) walk the active lists newest first and stop once a page is full.
enum Filter<'a> {
    All,
    Trigram(String),
    Short(&'a str),
}

impl<'a> Filter<'a> {
    fn new(search: Option<&'a SearchTerm>) -> Self {
        match search {
            None => Self::All,
            Some(term) if term.folded().chars().count() >= 3 => {
                // An FTS5 string: the whole term as one phrase, quotes doubled.
                Self::Trigram(format!("\"{}\"", term.folded().replace('"', "\"\"")))
            }
            Some(term) => Self::Short(term.folded()),
        }
    }

    /// What `?3` is bound to, if the filter has a term.
    fn term(&self) -> Option<&str> {
        match self {
            Self::All => None,
            Self::Trigram(phrase) => Some(phrase),
            Self::Short(term) => Some(term),
        }
    }

    /// Ids of matching lists on one side of `bound`, `?2` at most, in `order`.
    fn ids(&self, comparison: &str, bound: &str, order: &str, limit: &str) -> String {
        match self {
            Self::All => format!(
                "SELECT id, name FROM lists WHERE is_deleted = 0 AND id {comparison} {bound} \
                 ORDER BY id {order}{limit}"
            ),
            Self::Short(_) => format!(
                "SELECT id, name FROM lists WHERE is_deleted = 0 AND id {comparison} {bound} \
                 AND instr(search_key, ?3) > 0 ORDER BY id {order}{limit}"
            ),
            Self::Trigram(_) => format!(
                "SELECT id, name FROM lists WHERE id IN ( \
                   SELECT rowid FROM lists_search WHERE lists_search MATCH ?3 \
                   AND rowid {comparison} {bound} ORDER BY rowid {order}{limit}) \
                 ORDER BY id {order}"
            ),
        }
    }

    /// The page statement: `?1` is the cursor id, `?2` the row limit, `?3` the term.
    /// With `check_beyond`, it also says whether matching lists exist on the other side
    /// of the page (or of the cursor, if the page is empty).
    fn page_sql(&self, side: Side, check_beyond: bool) -> String {
        let (comparison, order) = match side {
            Side::Older => ("<", "DESC"),
            Side::Newer => (">", "ASC"),
        };
        let page = self.ids(comparison, "?1", order, " LIMIT ?2");
        let beyond = match (check_beyond, side) {
            (false, _) => "0".to_owned(),
            (true, Side::Older) => format!(
                "EXISTS ({})",
                self.ids(
                    ">",
                    "COALESCE((SELECT MAX(id) FROM page), ?1 - 1)",
                    "",
                    " LIMIT 1"
                )
            ),
            (true, Side::Newer) => format!(
                "EXISTS ({})",
                self.ids(
                    "<",
                    "COALESCE((SELECT MIN(id) FROM page), ?1 + 1)",
                    "",
                    " LIMIT 1"
                )
            ),
        };
        format!(
            "WITH page AS ({page}) \
             SELECT (SELECT seq FROM sqlite_sequence WHERE name = 'list_events'), {beyond}, \
                    page.id, page.name \
             FROM (SELECT 1) LEFT JOIN page ORDER BY page.id {order}"
        )
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
    .bind(kind)
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
