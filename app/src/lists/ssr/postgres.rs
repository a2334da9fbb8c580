//! The PostgreSQL database: one pool shared by any number of server instances, and every
//! PostgreSQL query on `lists` and its change log.
//!
//! Log order must be commit order, or a tailer that has read position 42 could miss a
//! 41 committed after it: a sequence hands out numbers at insert time, not at commit.
//! So every write transaction first locks the log's one horizon row, and takes its
//! positions from that row: writers take turns (as SQLite's do), and each commits before
//! the next can number anything. Each write also sends `NOTIFY list_events`, which every
//! instance listens for.

use super::database::{Created, LogRow, PageRows, Row, Search, Side};
use super::StoreError;
use crate::lists::{fold, ChangeKind, ListId, ListName};
use futures::stream::BoxStream;
use sqlx::{postgres::PgListener, PgConnection, PgPool, Postgres, Transaction};
use std::{sync::Arc, time::Duration};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// The channel commits are announced on.
const CHANNEL: &str = "list_events";

/// The store's PostgreSQL connections.
#[derive(Clone, Debug)]
pub struct PostgresDb {
    pub pool: PgPool,
    /// How long a write waits for its turn before the caller is told the server is busy.
    pub write_wait: Duration,
}

impl PostgresDb {
    /// Starts a write transaction that holds the log's horizon row, waiting at most
    /// `write_wait` for a connection and for the row; past that, [`StoreError::Busy`].
    async fn begin_write(&self) -> Result<Transaction<'static, Postgres>, StoreError> {
        let mut tx = match tokio::time::timeout(self.write_wait, self.pool.begin()).await {
            Err(_) | Ok(Err(sqlx::Error::PoolTimedOut)) => return Err(StoreError::Busy),
            Ok(result) => result?,
        };
        let wait = self.write_wait.as_millis();
        sqlx::query(&format!("SET LOCAL lock_timeout = '{wait}ms'"))
            .execute(&mut *tx)
            .await?;
        match sqlx::query("SELECT 1 FROM change_log_horizon WHERE id = 1 FOR UPDATE")
            .execute(&mut *tx)
            .await
        {
            Err(error) if is_lock_timeout(&error) => Err(StoreError::Busy),
            Err(error) => Err(error.into()),
            Ok(_) => Ok(tx),
        }
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Tells `commits` of every commit to the log, made by any instance, until `shutdown`.
    /// If the listening connection drops, it says so (a missed notification is then
    /// caught by reading the log) and listens again.
    pub fn forward_commits(&self, commits: Arc<Notify>, shutdown: CancellationToken) {
        let pool = self.pool.clone();
        tokio::spawn(async move {
            let mut listener = loop {
                let connected = async {
                    let mut listener = PgListener::connect_with(&pool).await?;
                    listener.listen(CHANNEL).await?;
                    Ok::<_, sqlx::Error>(listener)
                };
                tokio::select! {
                    () = shutdown.cancelled() => return,
                    connected = connected => match connected {
                        Ok(listener) => break listener,
                        Err(error) => {
                            tracing::warn!(%error, "could not listen for commits; retrying");
                            tokio::time::sleep(Duration::from_secs(1)).await;
                        }
                    },
                }
            };
            loop {
                tokio::select! {
                    () = shutdown.cancelled() => return,
                    received = listener.recv() => {
                        if let Err(error) = received {
                            // The listener reconnects on the next call; what was sent
                            // meanwhile is found by reading the log now.
                            tracing::warn!(%error, "lost the commit notifications; listening again");
                            tokio::time::sleep(Duration::from_millis(200)).await;
                        }
                        commits.notify_one();
                    }
                }
            }
        });
    }

    /// One page as a single statement: its rows, its existence check and the log position
    /// come from one snapshot.
    pub(super) async fn page(
        &self,
        search: &Search<'_>,
        side: Side,
        bound: i64,
        check_beyond: bool,
        limit: i64,
    ) -> Result<PageRows, StoreError> {
        let sql = page_sql(search, side, check_beyond);
        let mut statement = sqlx::query_as::<_, PageRow>(&sql).bind(bound).bind(limit);
        let pattern;
        match search {
            Search::All => {}
            Search::Long(term) => {
                // LIKE with the term's own wildcards and escapes made literal.
                pattern = format!(
                    "%{}%",
                    term.replace('\\', "\\\\")
                        .replace('%', "\\%")
                        .replace('_', "\\_")
                );
                statement = statement.bind(pattern.as_str());
            }
            Search::Short(term) => statement = statement.bind(*term),
        }
        let rows = statement.fetch_all(&self.pool).await?;
        Ok(PageRows {
            cursor: rows.first().and_then(|row| row.0).unwrap_or(0),
            beyond: rows.first().is_some_and(|row| row.1.unwrap_or(false)),
            rows: rows
                .into_iter()
                .filter_map(|(_, _, id, name)| Some((id?, name?)))
                .collect(),
        })
    }

    pub(super) async fn create(
        &self,
        name: &ListName,
        key: Option<&str>,
    ) -> Result<Created, StoreError> {
        let mut tx = self.begin_write().await?;
        if let Some(key) = key {
            let known: Option<(i64, i64, String)> =
                sqlx::query_as("SELECT list_id, seq, name FROM create_keys WHERE key = $1")
                    .bind(key)
                    .fetch_optional(&mut *tx)
                    .await?;
            if let Some((id, seq, name)) = known {
                tx.rollback().await?;
                return Ok(Created::Before { id, seq, name });
            }
        }
        let id: i64 =
            sqlx::query_scalar("INSERT INTO lists (name, search_key) VALUES ($1, $2) RETURNING id")
                .bind(name.as_str())
                .bind(fold(name.as_str()))
                .fetch_one(&mut *tx)
                .await?;
        let seq = append_event(&mut tx, ChangeKind::Created, id, name.as_str()).await?;
        if let Some(key) = key {
            sqlx::query(
                "INSERT INTO create_keys (key, list_id, seq, name) VALUES ($1, $2, $3, $4)",
            )
            .bind(key)
            .bind(id)
            .bind(seq)
            .bind(name.as_str())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(Created::Now { id, seq })
    }

    /// The log position and whether anything changed (a rename to the current name does
    /// not, and logs nothing), or `None` if no active list has that id.
    pub(super) async fn rename(
        &self,
        id: ListId,
        name: &ListName,
    ) -> Result<Option<(i64, bool)>, StoreError> {
        let mut tx = self.begin_write().await?;
        let renamed = sqlx::query(
            "UPDATE lists SET name = $1, search_key = $2, updated_at = now() \
             WHERE id = $3 AND NOT is_deleted AND name <> $1",
        )
        .bind(name.as_str())
        .bind(fold(name.as_str()))
        .bind(id.get())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if renamed == 0 {
            let unchanged: Option<i64> =
                sqlx::query_scalar("SELECT id FROM lists WHERE id = $1 AND NOT is_deleted")
                    .bind(id.get())
                    .fetch_optional(&mut *tx)
                    .await?;
            let (_, latest) = bounds(&mut tx).await?;
            tx.rollback().await?;
            return Ok(unchanged.map(|_| (latest, false)));
        }
        let seq = append_event(&mut tx, ChangeKind::Renamed, id.get(), name.as_str()).await?;
        tx.commit().await?;
        Ok(Some((seq, true)))
    }

    /// Deletes or restores: the row, the log position, and whether anything changed
    /// (deleting a deleted list does not). `None` if there is no such list.
    pub(super) async fn set_deleted(
        &self,
        id: ListId,
        kind: ChangeKind,
        readable: impl Fn(&Row) -> bool,
    ) -> Result<Option<(Row, i64, bool)>, StoreError> {
        let deleted = kind.leaves_deleted();
        let mut tx = self.begin_write().await?;
        let changed: Option<Row> = sqlx::query_as(
            "UPDATE lists SET is_deleted = $1, updated_at = now() \
             WHERE id = $2 AND is_deleted = $3 RETURNING id, name",
        )
        .bind(deleted)
        .bind(id.get())
        .bind(!deleted)
        .fetch_optional(&mut *tx)
        .await?;
        let outcome = match changed {
            Some(row) if readable(&row) => {
                let seq = append_event(&mut tx, kind, row.0, &row.1).await?;
                Some((row, seq, true))
            }
            Some(_) => None,
            None => {
                let row: Option<Row> = sqlx::query_as("SELECT id, name FROM lists WHERE id = $1")
                    .bind(id.get())
                    .fetch_optional(&mut *tx)
                    .await?;
                let (_, latest) = bounds(&mut tx).await?;
                row.map(|row| (row, latest, false))
            }
        };
        if outcome.as_ref().is_some_and(|(_, _, wrote)| *wrote) {
            tx.commit().await?;
        } else {
            tx.rollback().await?;
        }
        Ok(outcome)
    }

    pub(super) async fn events_after(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<LogRow>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT seq, kind, list_id, name FROM list_events \
             WHERE seq > $1 ORDER BY seq LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// `(pruned_through, latest)`.
    pub(super) async fn log_bounds(&self) -> Result<(i64, i64), StoreError> {
        let mut conn = self.pool.acquire().await?;
        bounds(&mut conn).await
    }

    pub(super) async fn prune(&self, retention_secs: u64) -> Result<u64, StoreError> {
        // Seconds as a float for make_interval; a retention of centuries still fits.
        let retention = retention_secs as f64;
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE change_log_horizon SET pruned_through = GREATEST(pruned_through, COALESCE(( \
               SELECT MAX(seq) FROM list_events \
               WHERE recorded_at < now() - make_interval(secs => $1)), 0)) \
             WHERE id = 1",
        )
        .bind(retention)
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
        sqlx::query("DELETE FROM create_keys WHERE created_at < now() - make_interval(secs => $1)")
            .bind(retention)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(pruned)
    }

    /// Inserts many lists in one transaction with their change-log entries, each as one
    /// statement over arrays; returns the log position after them.
    pub(super) async fn insert_many(&self, names: &[ListName]) -> Result<i64, StoreError> {
        let mut tx = self.begin_write().await?;
        let texts: Vec<&str> = names.iter().map(ListName::as_str).collect();
        let keys: Vec<String> = texts.iter().map(|name| fold(name)).collect();
        let mut rows: Vec<Row> = sqlx::query_as(
            "INSERT INTO lists (name, search_key) \
             SELECT * FROM UNNEST($1::text[], $2::text[]) RETURNING id, name",
        )
        .bind(&texts)
        .bind(&keys)
        .fetch_all(&mut *tx)
        .await?;
        rows.sort_unstable_by_key(|row| row.0);
        let count = i64::try_from(rows.len()).unwrap_or(i64::MAX);
        let latest: i64 = sqlx::query_scalar(
            "UPDATE change_log_horizon SET latest = latest + $1 WHERE id = 1 RETURNING latest",
        )
        .bind(count)
        .fetch_one(&mut *tx)
        .await?;
        let (ids, names): (Vec<i64>, Vec<String>) = rows.into_iter().unzip();
        sqlx::query(
            "INSERT INTO list_events (seq, list_id, kind, name, is_deleted) \
             SELECT $1 + ordinality, id, $2, name, FALSE \
             FROM UNNEST($3::bigint[], $4::text[]) WITH ORDINALITY AS new (id, name, ordinality)",
        )
        .bind(latest - count)
        .bind(ChangeKind::Created.log_name())
        .bind(&ids)
        .bind(&names)
        .execute(&mut *tx)
        .await?;
        notify(&mut tx, latest).await?;
        tx.commit().await?;
        Ok(latest)
    }

    /// Every list, for the `check` command.
    pub(super) fn all_rows(&self) -> BoxStream<'_, Result<Row, sqlx::Error>> {
        sqlx::query_as::<_, Row>("SELECT id, name FROM lists").fetch(&self.pool)
    }
}

/// PostgreSQL's `lock_not_available`: the horizon row stayed locked past `lock_timeout`.
fn is_lock_timeout(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(error) if error.code().as_deref() == Some("55P03"))
}

/// Appends to the log at the next position, taken from the horizon row this transaction
/// holds, and announces it (the notification is delivered when the transaction commits).
async fn append_event(
    conn: &mut PgConnection,
    kind: ChangeKind,
    id: i64,
    name: &str,
) -> Result<i64, StoreError> {
    let seq: i64 = sqlx::query_scalar(
        "WITH next AS ( \
           UPDATE change_log_horizon SET latest = latest + 1 WHERE id = 1 RETURNING latest) \
         INSERT INTO list_events (seq, list_id, kind, name, is_deleted) \
         SELECT latest, $1, $2, $3, $4 FROM next RETURNING seq",
    )
    .bind(id)
    .bind(kind.log_name())
    .bind(name)
    .bind(kind.leaves_deleted())
    .fetch_one(&mut *conn)
    .await?;
    notify(conn, seq).await?;
    Ok(seq)
}

async fn notify(conn: &mut PgConnection, seq: i64) -> Result<(), StoreError> {
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(CHANNEL)
        .bind(seq.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// `(pruned_through, latest)`: where the log starts, and the newest position handed out.
async fn bounds(conn: &mut PgConnection) -> Result<(i64, i64), StoreError> {
    Ok(
        sqlx::query_as("SELECT pruned_through, latest FROM change_log_horizon WHERE id = 1")
            .fetch_one(conn)
            .await?,
    )
}

/// One row of a page query: the log position and whether lists lie beyond the page (the
/// same on every row), then a list (absent when the page is empty).
type PageRow = (Option<i64>, Option<bool>, Option<i64>, Option<String>);

/// Ids of matching lists on one side of `bound`, `$2` at most, in `order`. Terms of three
/// characters or more can use the trigram index; PostgreSQL's planner chooses between it
/// and the walk down the active ids by how many lists it expects to match.
fn ids(search: &Search<'_>, comparison: &str, bound: &str, order: &str, limit: &str) -> String {
    let matching = match search {
        Search::All => "",
        Search::Long(_) => " AND search_key LIKE $3",
        Search::Short(_) => " AND strpos(search_key, $3) > 0",
    };
    format!(
        "SELECT id, name FROM lists WHERE NOT is_deleted AND id {comparison} {bound}{matching} \
         ORDER BY id {order}{limit}"
    )
}

/// The page statement: `$1` is the cursor id, `$2` the row limit, `$3` the term.
fn page_sql(search: &Search<'_>, side: Side, check_beyond: bool) -> String {
    let (comparison, order) = match side {
        Side::Older => ("<", "DESC"),
        Side::Newer => (">", "ASC"),
    };
    let page = ids(search, comparison, "$1", order, " LIMIT $2");
    let beyond = match (check_beyond, side) {
        (false, _) => "FALSE".to_owned(),
        (true, Side::Older) => format!(
            "EXISTS ({})",
            ids(
                search,
                ">",
                "COALESCE((SELECT MAX(id) FROM page), $1 - 1)",
                "",
                " LIMIT 1"
            )
        ),
        (true, Side::Newer) => format!(
            "EXISTS ({})",
            ids(
                search,
                "<",
                "COALESCE((SELECT MIN(id) FROM page), $1 + 1)",
                "",
                " LIMIT 1"
            )
        ),
    };
    format!(
        "WITH page AS ({page}) \
         SELECT (SELECT latest FROM change_log_horizon WHERE id = 1), {beyond}, \
                page.id, page.name \
         FROM (SELECT 1) AS one LEFT JOIN page ON TRUE ORDER BY page.id {order}"
    )
}
