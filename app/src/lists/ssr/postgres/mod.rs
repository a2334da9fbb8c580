//! The PostgreSQL database: one pool shared by any number of server instances, and every
//! PostgreSQL query on `lists` and its change log. This module is the backend the store
//! calls ([`Backend`]): opening, connections and migrations, the SQL of pages and writes,
//! and a change's key found again.
//!
//! The change log needs an order every reader agrees on, and no reader may pass a
//! position while a transaction that will appear before it is still open. A sequence
//! hands out numbers at insert time, not at commit, so a tailer that has read position n
//! could miss n - 1, committed after it; taking turns on one row would make every write
//! of every instance queue on it. So a write takes no lock of the log's and commits its
//! entry without a position (PgQ's idea: order what has become visible, not what was
//! inserted), and the **sequencer** numbers entries once they are committed: one run at
//! a time, in the order they were written, gapless. An entry still in flight gets a
//! larger position once it commits; one rolled back never had one.
//!
//! The numbering, a module per concern:
//! - [`sequencer`]: a committed write learning its position (the database function
//!   `run_sequencer`, called in batches), and entries whose writer died before it could.
//! - [`leadership`]: one instance leads and runs the sequencer for its writes; the others
//!   follow, and learn their writes' positions from its runs' announcements.
//! - [`announcements`]: what a run announces (`NOTIFY`), and the entries heard, kept for
//!   the log's tailer with whether they can be trusted to be all.
//! - [`listening`]: the connection every instance listens on, which also holds the
//!   leader's lock.

mod announcements;
mod leadership;
mod listening;
mod sequencer;

pub(super) use announcements::Hearing;
pub use leadership::Role;

use super::backend::{Backend, Done, IdRange, PageWords, Tx, Written};
use super::error::{OpenError, StoreError};
use super::observer::{Observer, PoolRole, PoolState};
use super::rows::{Applied, KeyRecord, PageRows, Search, StoredKind, StoredList};
use crate::lists::change::ChangeKind;
use crate::lists::name::ListName;
use crate::lists::search::fold;
use futures::stream::BoxStream;
use leadership::Leadership;
use sequencer::Numbering;
use sqlx::{
    migrate::{MigrateDatabase, Migrator},
    pool::PoolConnection,
    postgres::{PgConnectOptions, PgPoolOptions},
    Connection, PgConnection, PgPool, Postgres, Transaction,
};
use std::{
    sync::{Arc, OnceLock},
    time::Duration,
};

/// The PostgreSQL schema, `migrations/postgres/`, compiled into the binary.
pub static MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");

/// The store's PostgreSQL connections.
#[derive(Clone, Debug)]
pub struct PostgresDb {
    pool: PgPool,
    /// How long a write waits for its turn before the caller is told the server is busy.
    write_wait: Duration,
    observer: Observer,
    /// This process's writes waiting for their positions (see [`Numbering`]).
    numbering: Arc<OnceLock<Numbering>>,
    /// Whether this instance leads the numbering, and its writes waiting to hear their
    /// positions from the leader's runs.
    leadership: Arc<Leadership>,
}

impl PostgresDb {
    /// Opens the database `url` names (creating it if missing) with `connections`
    /// connections, and migrates it. One pool: PostgreSQL readers never wait for writers
    /// (MVCC), and writers wait for nothing shared (see above), a row lock at most
    /// `write_wait`: every pooled connection's `lock_timeout`, so that a write that is a
    /// single statement is bounded too. The migrations run first, on a connection of their
    /// own without that bound: they wait for one another (sqlx's migration lock) and for
    /// other instances' reads as long as those take.
    pub(super) async fn open(
        url: &str,
        options: PgConnectOptions,
        write_wait: Duration,
        connections: u32,
        observer: Observer,
    ) -> Result<Self, OpenError> {
        if !Postgres::database_exists(url)
            .await
            .map_err(OpenError::Create)?
        {
            Postgres::create_database(url)
                .await
                .map_err(OpenError::Create)?;
        }
        let mut migrating = PgConnection::connect_with(&options)
            .await
            .map_err(OpenError::Open)?;
        MIGRATIONS.run(&mut migrating).await?;
        migrating.close().await.map_err(OpenError::Open)?;
        let lock_wait = format!("{}ms", write_wait.as_millis());
        let pool = PgPoolOptions::new()
            .max_connections(connections)
            .min_connections(1)
            .connect_with(options.options([("lock_timeout", lock_wait)]))
            .await
            .map_err(OpenError::Open)?;
        Ok(Self {
            pool,
            write_wait,
            observer,
            numbering: Arc::default(),
            leadership: Arc::default(),
        })
    }

    /// The connections, for tools and tests that change the database behind the store's
    /// back.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub(in crate::lists::ssr) fn pools(&self) -> Vec<PoolState> {
        vec![PoolState::of("shared", &self.pool)]
    }

    /// How this instance takes part in numbering the log (see `postgres/leadership.rs`).
    pub fn numbering_role(&self) -> Role {
        self.leadership.role()
    }

    /// How many of this instance's writes learned their position from a run they did not
    /// ask for (the leader's, when this instance follows).
    pub fn positions_heard(&self) -> u64 {
        self.leadership.learned()
    }

    /// Starts a write transaction, waiting at most `write_wait` for a connection; its row
    /// locks (a list being renamed by two people at once) wait at most as long (the
    /// connection's `lock_timeout`). Past that, [`StoreError::Busy`]. It takes no lock of
    /// the log's.
    ///
    /// The `BEGIN` runs in a task of its own, which no caller can cancel: sqlx, as
    /// released, leaves a connection inside a transaction when a `BEGIN` is dropped before
    /// its answer is read (fixed upstream, not released yet), and that happens whenever a
    /// client hangs up or the write wait runs out at that moment. A transaction begun for
    /// a caller that stopped waiting is dropped when the task ends, which rolls it back as
    /// usual. (The test
    /// `on_postgres_a_write_given_up_during_its_begin_leaves_no_transaction_open` pins
    /// this down.)
    async fn begin_write(&self) -> Result<Transaction<'static, Postgres>, StoreError> {
        let pool = self.pool.clone();
        let asked = std::time::Instant::now();
        let begun = tokio::spawn(async move { pool.begin().await });
        let begun = tokio::time::timeout(self.write_wait, begun).await;
        self.observer.connection(PoolRole::Write, asked.elapsed());
        match begun {
            Err(_) | Ok(Ok(Err(sqlx::Error::PoolTimedOut))) => Err(StoreError::Busy),
            // The task panicked, or the runtime is shutting down.
            Ok(Err(_)) => Err(sqlx::Error::WorkerCrashed.into()),
            Ok(Ok(result)) => Ok(result?),
        }
    }

    /// A connection for a write that is one statement, waiting at most `write_wait` for
    /// it ([`StoreError::Busy`]). Its locks wait at most as long (`lock_timeout`).
    async fn write_connection(&self) -> Result<PoolConnection<Postgres>, StoreError> {
        let asked = std::time::Instant::now();
        let acquired = tokio::time::timeout(self.write_wait, self.pool.acquire()).await;
        self.observer.connection(PoolRole::Write, asked.elapsed());
        match acquired {
            Err(_) | Ok(Err(sqlx::Error::PoolTimedOut)) => Err(StoreError::Busy),
            Ok(connection) => Ok(connection?),
        }
    }

    /// `(pruned_through, latest)`.
    pub(super) async fn log_bounds(&self) -> Result<(i64, i64), StoreError> {
        let mut conn = self.pool.acquire().await?;
        bounds(&mut conn).await
    }

    /// Inserts many lists in one transaction with their change-log entries, each as one
    /// statement over arrays, then numbers them; returns the log position after them.
    pub(super) async fn insert_many(&self, names: &[ListName]) -> Result<i64, StoreError> {
        let mut tx = self.begin_write().await?;
        let texts: Vec<&str> = names.iter().map(ListName::as_str).collect();
        let keys: Vec<String> = texts.iter().map(|name| fold(name)).collect();
        let mut rows: Vec<StoredList> = sqlx::query_as(
            "INSERT INTO lists (name, search_key) \
             SELECT * FROM UNNEST($1::text[], $2::text[]) RETURNING id, name",
        )
        .bind(&texts)
        .bind(&keys)
        .fetch_all(&mut *tx)
        .await?;
        rows.sort_unstable_by_key(|row| row.id);
        let (ids, names): (Vec<i64>, Vec<String>) =
            rows.into_iter().map(|row| (row.id, row.name)).unzip();
        sqlx::query(
            "INSERT INTO list_events (list_id, kind, name, is_deleted) \
             SELECT id, $1, name, FALSE FROM UNNEST($2::bigint[], $3::text[]) \
             WITH ORDINALITY AS new (id, name, ordinality) ORDER BY ordinality",
        )
        .bind(ChangeKind::Created)
        .bind(&ids)
        .bind(&names)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.run_sequencer(&[], true).await?;
        let mut conn = self.pool.acquire().await?;
        Ok(bounds(&mut conn).await?.1)
    }

    /// Every list, for the `check` command.
    pub(super) fn all_rows(&self) -> BoxStream<'_, Result<StoredList, sqlx::Error>> {
        sqlx::query_as::<_, StoredList>("SELECT id, name FROM lists").fetch(&self.pool)
    }
}

/// A key's record as stored: what the change did, and its event and position as far as
/// they are known (a change that wrote nothing has no event; an event has no position
/// until the sequencer has run).
#[derive(Debug, sqlx::FromRow)]
pub(super) struct StoredKey {
    kind: StoredKind,
    list_id: i64,
    name: String,
    event_id: Option<i64>,
    seq: Option<i64>,
}

/// What [`PostgresDb`]'s one-statement create answers: the list it made (`fresh`, the
/// event without a position yet), or the record of the change its key made before.
#[derive(Debug, sqlx::FromRow)]
struct Created {
    fresh: bool,
    #[sqlx(flatten)]
    key: StoredKey,
}

/// A change's key found again: what the change did, and its position.
impl PostgresDb {
    /// What the change with `key` did, as stored, if the key has been used.
    async fn stored_key(
        conn: &mut PgConnection,
        key: &str,
    ) -> Result<Option<StoredKey>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT k.kind, k.list_id, k.name, k.event_id, COALESCE(k.seq, e.seq) AS seq \
             FROM change_keys AS k LEFT JOIN list_events AS e ON e.id = k.event_id \
             WHERE k.key = $1",
        )
        .bind(key)
        .fetch_optional(conn)
        .await?)
    }

    /// A key's record with its position, read from the log (numbered now if its writer
    /// died before the sequencer ran). Called holding no connection: numbering takes one.
    async fn record_of(&self, stored: StoredKey) -> Result<KeyRecord, StoreError> {
        let StoredKey {
            kind,
            list_id,
            name,
            event_id,
            seq,
        } = stored;
        let seq = match (seq, event_id) {
            (Some(seq), _) => seq,
            (None, Some(event)) => self.position_of(event).await?,
            (None, None) => {
                let mut conn = self.pool.acquire().await?;
                bounds(&mut conn).await?.1
            }
        };
        Ok(KeyRecord {
            kind,
            list_id,
            name,
            seq,
        })
    }

    /// The answer to a change whose key another change with that key claimed first, while
    /// this one was on its way (its own writes undone): that change's record, read once
    /// it has committed.
    async fn answered_before(&self, key: &str) -> Result<Applied, StoreError> {
        let stored = {
            let mut conn = self.pool.acquire().await?;
            Self::stored_key(&mut conn, key).await?
        };
        // Gone only if pruned in this very moment: the caller may try again.
        let before = stored.ok_or(StoreError::Busy)?;
        Ok(Applied::Before(self.record_of(before).await?))
    }
}

/// PostgreSQL's steps of a write. A write takes no lock of the log's: its event commits
/// without a position, and the sequencer numbers it after (see the module's comment).
impl Backend for PostgresDb {
    type Db = Postgres;
    type FoundKey = StoredKey;
    /// One row of a page query: the log position and whether lists lie beyond the page
    /// (the same on every row), then a list (absent when the page is empty).
    type PageRow = (Option<i64>, Option<bool>, Option<i64>, Option<String>);

    const PAGE: PageWords = PageWords {
        bound: "$1",
        limit: "$2",
        nothing_beyond: "FALSE",
    };
    const EVENTS_AFTER: &'static str =
        "SELECT seq, kind, list_id, name FROM list_events WHERE seq > $1 ORDER BY seq LIMIT $2";
    const RENAME_LIST: &'static str = "UPDATE lists SET name = $1, search_key = $2, \
         updated_at = now() WHERE id = $3 AND NOT is_deleted AND name <> $1 RETURNING id";
    const FIND_ACTIVE: &'static str = "SELECT id, name FROM lists WHERE id = $1 AND NOT is_deleted";
    const SET_DELETED: &'static str = "UPDATE lists SET is_deleted = $1, updated_at = now() \
         WHERE id = $2 AND is_deleted = $3 RETURNING id, name";
    const FIND_LIST: &'static str = "SELECT id, name FROM lists WHERE id = $1";
    /// Without a position yet: the sequencer gives it one once this transaction has
    /// committed (see the module's comment). Nothing is announced here: readers see an
    /// event once it is numbered, and the sequencer announces that. (A `NOTIFY` in the
    /// write would also make every writing transaction queue at commit on PostgreSQL's one
    /// notification lock.)
    const APPEND_EVENT: &'static str = "INSERT INTO list_events (list_id, kind, name, is_deleted) \
         VALUES ($1, $2, $3, $4) RETURNING id";
    const PRUNE_HORIZON: &'static str =
        "UPDATE change_log_horizon SET pruned_through = GREATEST(pruned_through, COALESCE(( \
           SELECT MAX(seq) FROM list_events \
           WHERE recorded_at < now() - make_interval(secs => $1::float8)), 0)) \
         WHERE id = 1";
    const PRUNE_KEYS: &'static str =
        "DELETE FROM change_keys WHERE created_at < now() - make_interval(secs => $1::float8)";

    fn readers(&self) -> &PgPool {
        &self.pool
    }

    fn observer(&self) -> &Observer {
        &self.observer
    }

    fn rows_affected(result: &sqlx::postgres::PgQueryResult) -> u64 {
        result.rows_affected()
    }

    fn matching_ids(search: &Search<'_>, range: &IdRange<'_>) -> String {
        // Terms of three characters or more can use the trigram index; PostgreSQL's
        // planner chooses between it and the walk down the active ids by how many lists it
        // expects to match.
        let matching = match search {
            Search::All => "",
            Search::Long(_) => " AND search_key LIKE $3",
            Search::Short(_) => return short_ids(range),
        };
        format!(
            "SELECT id, name FROM lists WHERE NOT is_deleted AND {}{matching} {}",
            range.side_of("id"),
            range.first("id")
        )
    }

    fn page_select(beyond: &str, order: &str) -> String {
        format!(
            "SELECT (SELECT latest FROM change_log_horizon WHERE id = 1), {beyond}, \
               page.id, page.name \
             FROM (SELECT 1) AS one LEFT JOIN page ON TRUE ORDER BY page.id {order}"
        )
    }

    fn search_text(search: &Search<'_>) -> Option<String> {
        match search {
            Search::All => None,
            // LIKE with the term's own wildcards and escapes made literal.
            Search::Long(term) => Some(format!(
                "%{}%",
                term.replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            )),
            Search::Short(term) => Some((*term).to_owned()),
        }
    }

    fn read_page(rows: Vec<Self::PageRow>) -> Result<PageRows, StoreError> {
        Ok(PageRows {
            position: rows.first().and_then(|row| row.0).unwrap_or(0),
            beyond: rows.first().is_some_and(|row| row.1.unwrap_or(false)),
            rows: rows
                .into_iter()
                .filter_map(|(_, _, id, name)| {
                    Some(StoredList {
                        id: id?,
                        name: name?,
                    })
                })
                .collect(),
        })
    }

    fn write_error(error: sqlx::Error) -> StoreError {
        lock_wait(error)
    }

    async fn begin_write(&self) -> Result<Tx<Self>, StoreError> {
        self.begin_write().await
    }

    async fn find_key(tx: &mut Tx<Self>, key: &str) -> Result<Option<StoredKey>, StoreError> {
        Self::stored_key(tx, key).await
    }

    async fn key_record(&self, found: StoredKey) -> Result<KeyRecord, StoreError> {
        self.record_of(found).await
    }

    async fn log_end(tx: &mut Tx<Self>) -> Result<i64, StoreError> {
        Ok(bounds(tx).await?.1)
    }

    /// One statement (data-modifying `WITH`s), committed on its own: a create is one round
    /// trip, not three (`BEGIN`, the insert, `COMMIT`). It reads `key`'s record; if there
    /// is none, it inserts the list, its event (without a position, as
    /// [`Self::APPEND_EVENT`]'s) and the key's record, all or nothing; the event's foreign
    /// key is checked at the statement's end, when the list is there. A create with the
    /// same key committed since the statement began (two sends of one change at once) makes
    /// the key's insert fail, which undoes the whole statement: the change is answered from
    /// that create's record then, as a key used before is.
    async fn create(&self, name: &ListName, key: Option<&str>) -> Result<Applied, StoreError> {
        let kind = ChangeKind::Created;
        let created: Result<Created, sqlx::Error> = sqlx::query_as(
            "WITH earlier AS ( \
               SELECT k.kind, k.list_id, k.name, k.event_id, COALESCE(k.seq, e.seq) AS seq \
               FROM change_keys AS k LEFT JOIN list_events AS e ON e.id = k.event_id \
               WHERE k.key = $5), \
             list AS ( \
               INSERT INTO lists (name, search_key) SELECT $1, $2 \
               WHERE NOT EXISTS (SELECT FROM earlier) RETURNING id), \
             event AS ( \
               INSERT INTO list_events (list_id, kind, name, is_deleted) \
               SELECT id, $3, $1, $4 FROM list RETURNING list_id, id), \
             claimed AS ( \
               INSERT INTO change_keys (key, kind, list_id, name, event_id) \
               SELECT $5, $3, list_id, $1, id FROM event WHERE $5 IS NOT NULL) \
             SELECT TRUE AS fresh, $3::text AS kind, list_id, $1::text AS name, \
               id AS event_id, NULL::bigint AS seq FROM event \
             UNION ALL SELECT FALSE, kind, list_id, name, event_id, seq FROM earlier",
        )
        .bind(name.as_str())
        .bind(fold(name.as_str()))
        .bind(kind)
        .bind(kind.leaves_deleted())
        .bind(key)
        .fetch_one(&mut *self.write_connection().await?)
        .await;
        let stored = match (created, key) {
            (Ok(Created { fresh: true, key }), _) => {
                // A fresh row is the statement's own event, which always has an id; should
                // it not, a caller with a key asks again and is answered from its record.
                let event = key.event_id.ok_or(StoreError::Busy)?;
                let row = StoredList {
                    id: key.list_id,
                    name: key.name,
                };
                let seq = self.position_of_committed(event).await?;
                return Ok(Applied::Now {
                    row,
                    seq,
                    wrote: true,
                });
            }
            (Ok(Created { fresh: false, key }), _) => key,
            (Err(sqlx::Error::Database(error)), Some(key))
                if error.constraint() == Some("change_keys_pkey") =>
            {
                return self.answered_before(key).await;
            }
            (Err(error), _) => return Err(lock_wait(error)),
        };
        Ok(Applied::Before(self.record_of(stored).await?))
    }

    /// Ends a write: records its key and commits. Two requests with one key at once both
    /// get here (neither saw the other's uncommitted key at its start); the second waits
    /// on the first's key row, then writes nothing, rolls its change back, and answers
    /// with the first's record.
    async fn finish(&self, mut tx: Tx<Self>, done: Done<'_>) -> Result<Applied, StoreError> {
        if let Some(key) = done.key {
            let (event, seq) = match done.written {
                Written::Event(event) => (Some(event), None),
                Written::Nothing(latest) => (None, Some(latest)),
            };
            let claimed: Option<String> = sqlx::query_scalar(
                "INSERT INTO change_keys (key, kind, list_id, name, event_id, seq) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (key) DO NOTHING RETURNING key",
            )
            .bind(key)
            .bind(done.kind)
            .bind(done.row.id)
            .bind(&done.row.name)
            .bind(event)
            .bind(seq)
            .fetch_optional(&mut *tx)
            .await
            .map_err(lock_wait)?;
            if claimed.is_none() {
                tx.rollback().await?;
                return self.answered_before(key).await;
            }
        }
        tx.commit().await?;
        let (seq, wrote) = match done.written {
            Written::Event(event) => (self.position_of_committed(event).await?, true),
            Written::Nothing(latest) => (latest, false),
        };
        Ok(Applied::Now {
            row: done.row,
            seq,
            wrote,
        })
    }
}

/// A row lock (two changes to one list at once) or the sequencer's lock held past
/// `lock_timeout` (PostgreSQL's `lock_not_available`) is a busy server, not a failure.
fn lock_wait(error: sqlx::Error) -> StoreError {
    match &error {
        sqlx::Error::Database(inner) if inner.code().as_deref() == Some("55P03") => {
            StoreError::Busy
        }
        _ => error.into(),
    }
}

/// `(pruned_through, latest)`: where the log starts, and the newest position handed out.
async fn bounds(conn: &mut PgConnection) -> Result<(i64, i64), StoreError> {
    Ok(
        sqlx::query_as("SELECT pruned_through, latest FROM change_log_horizon WHERE id = 1")
            .fetch_one(conn)
            .await?,
    )
}

/// How many of the nearest active lists a search of one or two characters reads before it
/// asks the index of pieces instead.
const SHORT_SEARCH_NEAREST: u32 = 2000;

/// `matching_ids` for a term of one or two characters, in two steps whose plans do not hang on
/// the planner's guess of how many lists match (for a piece it has no statistics of, it
/// guesses a small fixed share and walks the ids, which takes long for a term matching
/// nothing). First the nearest lists on that side: a term in more than one in forty of
/// them fills its page there. Only when they do not, and more lists lie beyond them, the
/// GIN index of pieces gives every matching list on that side, which is then few.
fn short_ids(range: &IdRange<'_>) -> String {
    let nearest_first = if range.comparison == "<" {
        "DESC"
    } else {
        "ASC"
    };
    let (side, first, limit) = (range.side_of("id"), range.first("id"), range.limit);
    format!(
        "WITH nearest AS MATERIALIZED ( \
           SELECT id, name, search_key FROM lists WHERE NOT is_deleted AND {side} \
           ORDER BY id {nearest_first} LIMIT {SHORT_SEARCH_NEAREST}), \
         found AS (SELECT id, name FROM nearest WHERE strpos(search_key, $3) > 0) \
         SELECT id, name FROM found \
         UNION SELECT id, name FROM lists \
           WHERE NOT is_deleted AND {side} \
           AND short_search_pieces(search_key) @> ARRAY[$3] \
           AND (SELECT count(*) FROM nearest) = {SHORT_SEARCH_NEAREST} \
           AND (SELECT count(*) FROM found) < {limit} \
         {first}"
    )
}
