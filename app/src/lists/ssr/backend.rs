//! What the store asks of a database, written once for both. A backend ([`Backend`])
//! supplies only what differs: its SQL text, its connections, and the few steps whose
//! logic differs (how a write begins and ends: SQLite numbers an event as it is written,
//! PostgreSQL's sequencer after commit; how a change's key is found again). Everything
//! else (the page statement, reading and pruning the log, and two of the three writes:
//! rename, delete or restore) is written here once, generic over the database. A create is
//! each backend's own: on PostgreSQL it is one statement, a round trip instead of three.
//!
//! Each write runs in one transaction: if its key was used before, nothing is written
//! and the first answer stands; otherwise the change, its log entry and its key's record
//! commit together.

use super::error::StoreError;
use super::observer::{Observer, PoolRole};
use super::rows::{Applied, KeyRecord, PageAsk, PageRows, Search, Side, StoredEvent, StoredList};
use crate::lists::change::ChangeKind;
use crate::lists::list::ListId;
use crate::lists::name::ListName;
use crate::lists::search::fold;
use sqlx::{
    pool::PoolConnection, Database, Decode, Encode, Executor, FromRow, IntoArguments, Pool,
    Transaction, Type,
};
use std::time::Instant;

/// A database's words in the page statement: the placeholders for its bound (a list id)
/// and its row limit, and "nothing lies beyond" as its second column.
pub(super) struct PageWords {
    pub bound: &'static str,
    pub limit: &'static str,
    pub nothing_beyond: &'static str,
}

/// Which ids a page statement reads: those on one side of `bound` (`comparison` is `<`
/// or `>`), in `order` (or none), at most `limit`. `bound` and `limit` are SQL: a
/// placeholder, or an expression.
pub(super) struct IdRange<'a> {
    pub comparison: &'a str,
    pub bound: &'a str,
    pub order: &'a str,
    pub limit: &'a str,
}

impl IdRange<'_> {
    /// `column < bound`: the condition on the side.
    pub fn side_of(&self, column: &str) -> String {
        format!("{column} {} {}", self.comparison, self.bound)
    }

    /// `ORDER BY column DESC LIMIT limit`.
    pub fn first(&self, column: &str) -> String {
        format!("ORDER BY {column} {} LIMIT {}", self.order, self.limit)
    }
}

/// What a write did: its key (if any), its kind, the list as it left it, and what it
/// logged.
pub(super) struct Done<'a> {
    pub key: Option<&'a str>,
    pub kind: ChangeKind,
    pub row: StoredList,
    pub written: Written,
}

/// A write transaction on the backend's database.
pub(super) type Tx<B> = Transaction<'static, <B as Backend>::Db>;

/// What a write logged: an event (its position on SQLite; on PostgreSQL its id, which the
/// sequencer numbers once it has committed), or nothing (then the log's end as it was).
pub(super) enum Written {
    Event(i64),
    Nothing(i64),
}

/// One database: its SQL and connections, the steps that differ, and (provided here,
/// once) the statements and writes that do not. The `where` clause says which Rust
/// values each database reads and writes; both of sqlx's drivers satisfy it.
pub(super) trait Backend: Sync
where
    for<'c> &'c Pool<Self::Db>: Executor<'c, Database = Self::Db>,
    for<'c> &'c mut <Self::Db as Database>::Connection: Executor<'c, Database = Self::Db>,
    for<'q> <Self::Db as Database>::Arguments<'q>: IntoArguments<'q, Self::Db>,
    for<'q> i64: Encode<'q, Self::Db> + Decode<'q, Self::Db> + Type<Self::Db>,
    for<'q> bool: Encode<'q, Self::Db> + Type<Self::Db>,
    for<'q> &'q str: Encode<'q, Self::Db> + Type<Self::Db>,
    for<'q> String: Encode<'q, Self::Db> + Type<Self::Db>,
    for<'q> ChangeKind: Encode<'q, Self::Db> + Type<Self::Db>,
    for<'r> StoredList: FromRow<'r, <Self::Db as Database>::Row>,
    for<'r> StoredEvent: FromRow<'r, <Self::Db as Database>::Row>,
    for<'r> (i64,): FromRow<'r, <Self::Db as Database>::Row>,
{
    type Db: Database;
    /// A key's record as a write found it (on PostgreSQL its position may still have
    /// to be read, once the write has let go of its connection).
    type FoundKey: Send;
    /// A row of the backend's page statement ([`Backend::page_statement`]).
    type PageRow: for<'r> FromRow<'r, <Self::Db as Database>::Row> + Send + Unpin;

    /// `(after, limit)`: events with `seq > after`, oldest first, at most `limit`.
    const EVENTS_AFTER: &'static str;
    /// `(name, search_key, id)`: renames the active list `id` if its name is another;
    /// returns its id if it did.
    const RENAME_LIST: &'static str;
    /// `(id)`: the list's id and name if it is active.
    const FIND_ACTIVE: &'static str;
    /// `(deleted, id, !deleted)`: deletes or restores the list unless it is so already;
    /// returns its id and name.
    const SET_DELETED: &'static str;
    /// `(id)`: the list's id and name, active or not.
    const FIND_LIST: &'static str;
    /// `(list_id, kind, name, is_deleted)`: appends an event to the log; returns its
    /// position (SQLite) or its id, for the sequencer to number after commit (PostgreSQL).
    const APPEND_EVENT: &'static str;
    /// `(retention in seconds)`: moves the log's pruned horizon past the events older than
    /// that.
    const PRUNE_HORIZON: &'static str;
    /// `(retention in seconds)`: forgets the change keys older than that (a change sent
    /// again after so long is a new change).
    const PRUNE_KEYS: &'static str;
    /// The page statement's placeholders and words.
    const PAGE: PageWords;

    /// Connections for reads (SQLite's read-only pool; PostgreSQL's one pool).
    fn readers(&self) -> &Pool<Self::Db>;

    /// Who hears what the store does.
    fn observer(&self) -> &Observer;

    /// A connection for a read, its wait told to the observer.
    async fn read_connection(&self) -> Result<PoolConnection<Self::Db>, sqlx::Error> {
        let asked = Instant::now();
        let connection = self.readers().acquire().await;
        self.observer().connection(PoolRole::Read, asked.elapsed());
        connection
    }

    /// How many rows a statement changed (each driver's result says so its own way).
    fn rows_affected(result: &<Self::Db as Database>::QueryResult) -> u64;

    /// A statement of a write that failed: PostgreSQL's lock wait past its limit is a
    /// busy server, not a failure.
    fn write_error(error: sqlx::Error) -> StoreError {
        error.into()
    }

    /// A query for the ids and names of matching active lists in `range`; the search's
    /// text is the statement's third bind.
    fn matching_ids(search: &Search<'_>, range: &IdRange<'_>) -> String;
    /// The page statement after `WITH page AS (…)`: the log position, `beyond`, and the
    /// page's lists in `order`.
    fn page_select(beyond: &str, order: &str) -> String;
    /// The text a search binds: the term as the backend's search index wants it.
    fn search_text(search: &Search<'_>) -> Option<String>;
    /// The page statement's rows as a page.
    fn read_page(rows: Vec<Self::PageRow>) -> Result<PageRows, StoreError>;

    /// Starts a write, waiting a bounded time for its turn ([`StoreError::Busy`]).
    async fn begin_write(&self) -> Result<Tx<Self>, StoreError>;
    /// What the change with `key` did, if the key has been used.
    async fn find_key(tx: &mut Tx<Self>, key: &str) -> Result<Option<Self::FoundKey>, StoreError>;
    async fn key_record(&self, found: Self::FoundKey) -> Result<KeyRecord, StoreError>;
    /// The newest position ever handed out.
    async fn log_end(tx: &mut Tx<Self>) -> Result<i64, StoreError>;
    /// Creates an active list named `name`, with its `created` event and `key`'s record
    /// (if any), unless `key` was used before: then nothing is written and the first
    /// answer stands.
    async fn create(&self, name: &ListName, key: Option<&str>) -> Result<Applied, StoreError>;
    /// Records the write's key (if any) with what it did, commits, and says where in the
    /// log the write is.
    async fn finish(&self, tx: Tx<Self>, done: Done<'_>) -> Result<Applied, StoreError>;

    /// How many of this build's migrations the database has applied.
    async fn applied_migrations(&self) -> Result<i64, sqlx::Error> {
        let (applied,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM _sqlx_migrations WHERE success")
                .fetch_one(self.readers())
                .await?;
        Ok(applied)
    }

    /// The statement for one page: its rows, whether matching lists lie beyond it (with
    /// `check_beyond`: on the other side of the page, or of the bound if the page is
    /// empty), and the log position, all from one snapshot. Binds `(bound, limit)`, then
    /// the search's text, if any.
    fn page_statement(ask: &PageAsk<'_>) -> String {
        let (comparison, order) = match ask.side {
            Side::Older => ("<", "DESC"),
            Side::Newer => (">", "ASC"),
        };
        let page = Self::matching_ids(
            &ask.search,
            &IdRange {
                comparison,
                bound: Self::PAGE.bound,
                order,
                limit: Self::PAGE.limit,
            },
        );
        // Any one matching list past the page's far edge.
        let past = |comparison, edge, step| {
            let edge = format!(
                "COALESCE((SELECT {edge}(id) FROM page), {} {step} 1)",
                Self::PAGE.bound
            );
            let range = IdRange {
                comparison,
                bound: &edge,
                order: "",
                limit: "1",
            };
            format!("EXISTS ({})", Self::matching_ids(&ask.search, &range))
        };
        let beyond = match (ask.check_beyond, ask.side) {
            (false, _) => Self::PAGE.nothing_beyond.to_owned(),
            (true, Side::Older) => past(">", "MAX", "-"),
            (true, Side::Newer) => past("<", "MIN", "+"),
        };
        format!(
            "WITH page AS ({page}) {}",
            Self::page_select(&beyond, order)
        )
    }

    /// One page of lists, in one statement.
    async fn page(&self, ask: &PageAsk<'_>) -> Result<PageRows, StoreError> {
        let sql = Self::page_statement(ask);
        let text = Self::search_text(&ask.search);
        let mut statement = sqlx::query_as::<_, Self::PageRow>(&sql)
            .bind(ask.bound)
            .bind(ask.limit);
        if let Some(text) = &text {
            statement = statement.bind(text.as_str());
        }
        let mut connection = self.read_connection().await?;
        Self::read_page(statement.fetch_all(&mut *connection).await?)
    }

    /// Forgets log entries and change keys older than `retention_secs`, in one
    /// transaction; returns how many entries went.
    async fn prune(&self, retention_secs: u64) -> Result<u64, StoreError> {
        let retention = i64::try_from(retention_secs).unwrap_or(i64::MAX);
        let mut tx = self.begin_write().await?;
        sqlx::query(Self::PRUNE_HORIZON)
            .bind(retention)
            .execute(&mut *tx)
            .await?;
        let pruned = sqlx::query(
            "DELETE FROM list_events \
             WHERE seq <= (SELECT pruned_through FROM change_log_horizon WHERE id = 1)",
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query(Self::PRUNE_KEYS)
            .bind(retention)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Self::rows_affected(&pruned))
    }

    /// Appends a change to the log.
    async fn append_event(
        tx: &mut Tx<Self>,
        kind: ChangeKind,
        id: i64,
        name: &str,
    ) -> Result<Written, StoreError> {
        let (written,): (i64,) = sqlx::query_as(Self::APPEND_EVENT)
            .bind(id)
            .bind(kind)
            .bind(name)
            .bind(kind.leaves_deleted())
            .fetch_one(&mut **tx)
            .await?;
        Ok(Written::Event(written))
    }

    /// Events after position `after`, oldest first, at most `limit`.
    async fn events_after(&self, after: i64, limit: i64) -> Result<Vec<StoredEvent>, StoreError> {
        let mut connection = self.read_connection().await?;
        Ok(sqlx::query_as(Self::EVENTS_AFTER)
            .bind(after)
            .bind(limit)
            .fetch_all(&mut *connection)
            .await?)
    }

    /// Renames an active list. A rename to the name it has writes no log entry (its key is
    /// still recorded).
    async fn rename(
        &self,
        id: ListId,
        name: &ListName,
        key: Option<&str>,
    ) -> Result<Applied, StoreError> {
        let kind = ChangeKind::Renamed;
        let mut tx = match self.begin_change(key).await? {
            Begun::Fresh(tx) => tx,
            Begun::Before(answer) => return Ok(answer),
        };
        let renamed: Option<(i64,)> = sqlx::query_as(Self::RENAME_LIST)
            .bind(name.as_str())
            .bind(fold(name.as_str()))
            .bind(id.get())
            .fetch_optional(&mut *tx)
            .await
            .map_err(Self::write_error)?;
        let written = if renamed.is_some() {
            Some(Self::append_event(&mut tx, kind, id.get(), name.as_str()).await?)
        } else if Self::find(&mut tx, Self::FIND_ACTIVE, id).await?.is_some() {
            Some(Written::Nothing(Self::log_end(&mut tx).await?))
        } else {
            None
        };
        let row = StoredList {
            id: id.get(),
            name: name.as_str().to_owned(),
        };
        self.end_change(tx, key, kind, written.map(|written| (row, written)))
            .await
    }

    /// Deletes or restores. Deleting a deleted list (or restoring an active one) writes no
    /// log entry (its key is still recorded). A list whose stored name cannot be `readable`
    /// is not changed: to the caller it is gone.
    async fn set_deleted(
        &self,
        id: ListId,
        kind: ChangeKind,
        key: Option<&str>,
        readable: impl Fn(&StoredList) -> bool,
    ) -> Result<Applied, StoreError> {
        let mut tx = match self.begin_change(key).await? {
            Begun::Fresh(tx) => tx,
            Begun::Before(answer) => return Ok(answer),
        };
        let deleted = kind.leaves_deleted();
        let changed: Option<StoredList> = sqlx::query_as(Self::SET_DELETED)
            .bind(deleted)
            .bind(id.get())
            .bind(!deleted)
            .fetch_optional(&mut *tx)
            .await
            .map_err(Self::write_error)?;
        let change = match changed {
            Some(row) if readable(&row) => {
                let written = Self::append_event(&mut tx, kind, row.id, &row.name).await?;
                Some((row, written))
            }
            Some(_) => None,
            None => match Self::find(&mut tx, Self::FIND_LIST, id).await? {
                Some(row) => Some((row, Written::Nothing(Self::log_end(&mut tx).await?))),
                None => None,
            },
        };
        self.end_change(tx, key, kind, change).await
    }

    /// A list by id, with `sql` (`FIND_LIST` or `FIND_ACTIVE`).
    async fn find(
        tx: &mut Tx<Self>,
        sql: &'static str,
        id: ListId,
    ) -> Result<Option<StoredList>, StoreError> {
        Ok(sqlx::query_as(sql)
            .bind(id.get())
            .fetch_optional(&mut **tx)
            .await?)
    }

    /// Starts a write with `key`: the key's earlier answer if it has one (nothing is
    /// written then), else the transaction to write in.
    async fn begin_change(&self, key: Option<&str>) -> Result<Begun<Self::Db>, StoreError> {
        let mut tx = self.begin_write().await?;
        if let Some(key) = key {
            if let Some(found) = Self::find_key(&mut tx, key).await? {
                tx.rollback().await?;
                return Ok(Begun::Before(Applied::Before(
                    self.key_record(found).await?,
                )));
            }
        }
        Ok(Begun::Fresh(tx))
    }

    /// Ends a write: the change (`None`: no such list, nothing written) and its key's
    /// record committed together.
    async fn end_change(
        &self,
        tx: Tx<Self>,
        key: Option<&str>,
        kind: ChangeKind,
        change: Option<(StoredList, Written)>,
    ) -> Result<Applied, StoreError> {
        match change {
            Some((row, written)) => {
                let done = Done {
                    key,
                    kind,
                    row,
                    written,
                };
                self.finish(tx, done).await
            }
            None => {
                tx.rollback().await?;
                Ok(Applied::Missing)
            }
        }
    }
}

/// How a write began: with the answer its key already had, or a transaction to write in.
pub(super) enum Begun<Db: Database> {
    Before(Applied),
    Fresh(Transaction<'static, Db>),
}
