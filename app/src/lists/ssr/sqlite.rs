//! The SQLite database: two pools (readers, one writer) and every SQLite query on `lists`
//! and its change log.
//!
//! SQLite lets one connection write at a time, and in WAL mode readers never wait for
//! it. Giving writes their own single connection makes them queue in the application,
//! in order, with a bounded wait, and keeps every read connection free for reads: a long
//! write (or another process holding the write lock) never delays a page.

use super::backend::{Backend, Begun, Done, IdRange, PageWords, Tx, Written};
use super::error::{OpenError, StoreError};
use super::observer::{Observer, PoolRole, PoolState};
use super::rows::{Applied, KeyRecord, PageRows, Search, StoredList};
use crate::lists::change::ChangeKind;
use crate::lists::name::ListName;
use crate::lists::search::fold;
use futures::stream::BoxStream;
use sqlx::{
    migrate::Migrator,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
    QueryBuilder, Sqlite, SqliteConnection, SqlitePool, Transaction,
};
use std::{path::Path, time::Duration};

/// The SQLite schema, `migrations/sqlite/`, compiled into the binary.
pub static MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");

/// Connections that read at once; in WAL mode they all read while one writes.
const READERS: u32 = 8;
/// Each reader's own cache of the database file (SQLite's "page cache"), in KiB
/// (SQLite's default is 2,000 KiB per connection). A page of lists reads a few dozen of
/// the file's blocks, which the operating system's cache holds anyway: a small cache
/// serves pages and searches as fast, and keeps the server small (each connection fills
/// its cache in the C heap of its own thread, and keeps it). The writer keeps the
/// default: the blocks a write touches stay in its cache until it commits.
const READER_CACHE_KIB: u32 = 128;

/// The store's SQLite connections.
#[derive(Clone, Debug)]
pub struct SqliteDb {
    /// Read-only connections, for pages, the change log and checks.
    reader: SqlitePool,
    /// The one connection that writes.
    writer: SqlitePool,
    /// How long a write waits for its turn before the caller is told the server is busy.
    write_wait: Duration,
    observer: Observer,
}

impl SqliteDb {
    /// Opens (creating it and its folder if missing) and migrates the database. WAL lets
    /// readers and the one writer work at once; `synchronous = FULL` makes every
    /// acknowledged commit survive a power cut; the busy timeout bounds how long the
    /// writer waits for another process's write lock.
    pub(super) async fn open(
        options: SqliteConnectOptions,
        write_wait: Duration,
        observer: Observer,
    ) -> Result<Self, OpenError> {
        let options = options
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(write_wait)
            .foreign_keys(true);
        if let Some(folder) = Path::new(options.get_filename()).parent() {
            if !folder.as_os_str().is_empty() {
                std::fs::create_dir_all(folder).map_err(|source| OpenError::Folder {
                    path: folder.display().to_string(),
                    source,
                })?;
            }
        }
        // A connection to a file never drops, so none is pinged before use (sqlx's
        // default): the ping is a round trip to the connection's thread for every
        // request.
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .test_before_acquire(false)
            .acquire_timeout(write_wait)
            .connect_with(options.clone().create_if_missing(true))
            .await
            .map_err(OpenError::Open)?;
        MIGRATIONS.run(&writer).await?;
        let reader = SqlitePoolOptions::new()
            .max_connections(READERS)
            .min_connections(1)
            .test_before_acquire(false)
            .connect_with(
                options
                    .read_only(true)
                    .pragma("cache_size", format!("-{READER_CACHE_KIB}")),
            )
            .await
            .map_err(OpenError::Open)?;
        Ok(Self {
            reader,
            writer,
            write_wait,
            observer,
        })
    }

    /// The connection that writes, for tools and tests that change the database behind
    /// the store's back.
    pub fn writer(&self) -> &SqlitePool {
        &self.writer
    }

    /// Starts a write transaction holding SQLite's write lock from its first statement
    /// (`BEGIN IMMEDIATE`), so that it can never fail half-way for want of the lock.
    /// Waits at most `write_wait` for the writer; past that, [`StoreError::Busy`].
    async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>, StoreError> {
        let asked = std::time::Instant::now();
        let begun =
            tokio::time::timeout(self.write_wait, self.writer.begin_with("BEGIN IMMEDIATE")).await;
        self.observer.connection(PoolRole::Write, asked.elapsed());
        match begun {
            Err(_) => Err(StoreError::Busy),
            Ok(Err(error)) if is_busy(&error) => Err(StoreError::Busy),
            Ok(result) => Ok(result?),
        }
    }

    pub(super) fn pools(&self) -> Vec<PoolState> {
        vec![
            PoolState::of("reader", &self.reader),
            PoolState::of("writer", &self.writer),
        ]
    }

    pub async fn close(&self) {
        self.writer.close().await;
        self.reader.close().await;
    }

    /// `(pruned_through, latest)`.
    pub(super) async fn log_bounds(&self) -> Result<(i64, i64), StoreError> {
        let mut conn = self.reader.acquire().await?;
        let pruned_through: i64 =
            sqlx::query_scalar("SELECT pruned_through FROM change_log_horizon WHERE id = 1")
                .fetch_one(&mut *conn)
                .await?;
        Ok((pruned_through, latest_seq(&mut conn).await?))
    }

    /// Inserts many lists in one transaction, with their change-log entries; returns the
    /// log position after them.
    pub(super) async fn insert_many(&self, names: &[ListName]) -> Result<i64, StoreError> {
        // SQLite allows 32766 bound parameters; a row takes two.
        const ROWS_PER_STATEMENT: usize = 10_000;
        let mut tx = self.begin_write().await?;
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
        Ok(seq)
    }

    /// Every list, for the `check` command.
    pub(super) fn all_rows(&self) -> BoxStream<'_, Result<StoredList, sqlx::Error>> {
        sqlx::query_as::<_, StoredList>("SELECT id, name FROM lists").fetch(&self.reader)
    }
}

/// SQLite's steps of a write. The one writer serialises writes, so a key checked at the
/// start of a write cannot be taken by another before its end.
impl Backend for SqliteDb {
    type Db = Sqlite;
    type FoundKey = KeyRecord;
    /// A page query's one row: the change-log position, whether lists lie beyond the page,
    /// and the page's lists as a JSON array of `[id, name]`, in the side's order (an
    /// aggregate's own `ORDER BY`, SQLite 3.44 and later, which the bundled SQLite is: a
    /// subquery's order is not one an aggregate promises to keep). One row rather than one per
    /// list: sqlx hands each row from SQLite's thread to the caller's through a channel,
    /// and a page of 51 rows spent more time in those hand-overs than in SQLite.
    type PageRow = (Option<i64>, bool, String);

    const PAGE: PageWords = PageWords {
        bound: "?1",
        limit: "?2",
        nothing_beyond: "0",
    };
    const EVENTS_AFTER: &'static str =
        "SELECT seq, kind, list_id, name FROM list_events WHERE seq > ? ORDER BY seq LIMIT ?";
    const RENAME_LIST: &'static str = "UPDATE lists SET name = ?1, search_key = ?2, \
         updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') \
         WHERE id = ?3 AND is_deleted = 0 AND name <> ?1 RETURNING id";
    const FIND_ACTIVE: &'static str = "SELECT id, name FROM lists WHERE id = ? AND is_deleted = 0";
    const SET_DELETED: &'static str = "UPDATE lists SET is_deleted = ?, \
         updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') \
         WHERE id = ? AND is_deleted = ? RETURNING id, name";
    const FIND_LIST: &'static str = "SELECT id, name FROM lists WHERE id = ?";
    const APPEND_EVENT: &'static str = "INSERT INTO list_events (list_id, kind, name, is_deleted) \
         VALUES (?, ?, ?, ?) RETURNING seq";
    const PRUNE_HORIZON: &'static str =
        "UPDATE change_log_horizon SET pruned_through = MAX(pruned_through, COALESCE(( \
           SELECT MAX(seq) FROM list_events WHERE recorded_at < \
             strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || ? || ' seconds')), 0)) \
         WHERE id = 1";
    const PRUNE_KEYS: &'static str = "DELETE FROM change_keys WHERE created_at < \
         strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || ? || ' seconds')";

    fn readers(&self) -> &SqlitePool {
        &self.reader
    }

    fn observer(&self) -> &Observer {
        &self.observer
    }

    fn rows_affected(result: &sqlx::sqlite::SqliteQueryResult) -> u64 {
        result.rows_affected()
    }

    fn matching_ids(search: &Search<'_>, range: &IdRange<'_>) -> String {
        // Searches of three characters or more use the trigram index; shorter ones (which a
        // trigram index cannot answer) the index of one- and two-character pieces, whose
        // token is the term's UTF-8 bytes in hex (see its migration). Either reads a page
        // of ids in id order.
        let (side, first, order) = (range.side_of("rowid"), range.first("rowid"), range.order);
        match search {
            Search::All => format!(
                "SELECT id, name FROM lists WHERE is_deleted = 0 AND {} {}",
                range.side_of("id"),
                range.first("id")
            ),
            Search::Short(_) => format!(
                "SELECT id, name FROM lists WHERE id IN ( \
                   SELECT rowid FROM lists_short_search WHERE lists_short_search MATCH hex(?3) \
                   AND {side} {first}) \
                 ORDER BY id {order}"
            ),
            Search::Long(_) => format!(
                "SELECT id, name FROM lists WHERE id IN ( \
                   SELECT rowid FROM lists_search WHERE lists_search MATCH ?3 \
                   AND {side} {first}) \
                 ORDER BY id {order}"
            ),
        }
    }

    fn page_select(beyond: &str, order: &str) -> String {
        format!(
            "SELECT (SELECT seq FROM sqlite_sequence WHERE name = 'list_events'), {beyond}, \
               (SELECT json_group_array(json_array(id, name) ORDER BY id {order}) FROM page)"
        )
    }

    fn search_text(search: &Search<'_>) -> Option<String> {
        match search {
            Search::All => None,
            // An FTS5 string: the whole term as one phrase, quotes doubled.
            Search::Long(term) => Some(format!("\"{}\"", term.replace('"', "\"\""))),
            Search::Short(term) => Some((*term).to_owned()),
        }
    }

    fn read_page(rows: Vec<Self::PageRow>) -> Result<PageRows, StoreError> {
        let Some((position, beyond, rows)) = rows.into_iter().next() else {
            return Err(sqlx::Error::RowNotFound.into());
        };
        Ok(PageRows {
            position: position.unwrap_or(0),
            beyond,
            rows: serde_json::from_str(&rows).map_err(|error| sqlx::Error::Decode(error.into()))?,
        })
    }

    async fn begin_write(&self) -> Result<Tx<Self>, StoreError> {
        self.begin_write().await
    }

    async fn find_key(tx: &mut Tx<Self>, key: &str) -> Result<Option<KeyRecord>, StoreError> {
        Ok(
            sqlx::query_as("SELECT kind, list_id, name, seq FROM change_keys WHERE key = ?")
                .bind(key)
                .fetch_optional(&mut **tx)
                .await?,
        )
    }

    async fn key_record(&self, found: KeyRecord) -> Result<KeyRecord, StoreError> {
        Ok(found)
    }

    async fn log_end(tx: &mut Tx<Self>) -> Result<i64, StoreError> {
        latest_seq(tx).await
    }

    /// In one transaction, as the other writes (see `backend`): SQLite's statements cross
    /// no network, so two statements cost no more than one.
    async fn create(&self, name: &ListName, key: Option<&str>) -> Result<Applied, StoreError> {
        let kind = ChangeKind::Created;
        let mut tx = match self.begin_change(key).await? {
            Begun::Fresh(tx) => tx,
            Begun::Before(answer) => return Ok(answer),
        };
        let (id,): (i64,) =
            sqlx::query_as("INSERT INTO lists (name, search_key) VALUES (?, ?) RETURNING id")
                .bind(name.as_str())
                .bind(fold(name.as_str()))
                .fetch_one(&mut *tx)
                .await
                .map_err(Self::write_error)?;
        let written = Self::append_event(&mut tx, kind, id, name.as_str()).await?;
        let row = StoredList {
            id,
            name: name.as_str().to_owned(),
        };
        self.end_change(tx, key, kind, Some((row, written))).await
    }

    async fn finish(&self, mut tx: Tx<Self>, done: Done<'_>) -> Result<Applied, StoreError> {
        // SQLite numbers an event as it is written.
        let (seq, wrote) = match done.written {
            Written::Event(seq) => (seq, true),
            Written::Nothing(latest) => (latest, false),
        };
        if let Some(key) = done.key {
            sqlx::query(
                "INSERT INTO change_keys (key, kind, list_id, name, seq) VALUES (?, ?, ?, ?, ?)",
            )
            .bind(key)
            .bind(done.kind)
            .bind(done.row.id)
            .bind(&done.row.name)
            .bind(seq)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(Applied::Now {
            row: done.row,
            seq,
            wrote,
        })
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

/// The newest position ever handed out, even if that event was since pruned.
async fn latest_seq(conn: &mut SqliteConnection) -> Result<i64, StoreError> {
    let seq: Option<i64> =
        sqlx::query_scalar("SELECT seq FROM sqlite_sequence WHERE name = 'list_events'")
            .fetch_optional(conn)
            .await?;
    Ok(seq.unwrap_or(0))
}
