//! The database, read directly.

use super::*;

pub(crate) async fn open_database(path: &Path) -> Result<SqlitePool> {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(false)
        .busy_timeout(Duration::from_secs(10));
    SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .map_err(|error| format!("open {}: {error}", path.display()))
}

/// Every list: id to name.
pub(crate) async fn database_lists(pool: &SqlitePool) -> Result<HashMap<i64, String>> {
    let rows: Vec<(i64, String)> = sqlx::query_as("SELECT id, name FROM lists")
        .fetch_all(pool)
        .await
        .map_err(|error| error.to_string())?;
    Ok(rows.into_iter().collect())
}

/// (entries, newest position) of the change log.
pub(crate) async fn database_log(pool: &SqlitePool) -> Result<(i64, i64)> {
    sqlx::query_as("SELECT COUNT(*), COALESCE(MAX(seq), 0) FROM list_events")
        .fetch_one(pool)
        .await
        .map_err(|error| error.to_string())
}

/// When (Unix seconds) each list's `created` entry was recorded.
pub(crate) async fn created_at(pool: &SqlitePool) -> Result<HashMap<i64, f64>> {
    let rows: Vec<(i64, f64)> = sqlx::query_as(
        "SELECT list_id, (julianday(recorded_at) - 2440587.5) * 86400.0 \
         FROM list_events WHERE kind = 'created'",
    )
    .fetch_all(pool)
    .await
    .map_err(|error| error.to_string())?;
    Ok(rows.into_iter().collect())
}

pub(crate) fn unix_now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |since| since.as_secs_f64())
}

/// What acknowledged writes became in the database.
pub(crate) struct Audit {
    pub(crate) rows: usize,
    pub(crate) lost: usize,
    pub(crate) duplicate_names: usize,
    pub(crate) unacknowledged_rows: usize,
    pub(crate) log_entries: i64,
    pub(crate) newest_seq: i64,
}

pub(crate) async fn audit(path: &Path, acked: &[Ack], prefix: &str) -> Result<Audit> {
    let pool = open_database(path).await?;
    let lists = database_lists(&pool).await?;
    let (log_entries, newest_seq) = database_log(&pool).await?;
    pool.close().await;
    let lost = acked
        .iter()
        .filter(|ack| lists.get(&ack.id) != Some(&ack.name))
        .count();
    let ours: Vec<&String> = lists
        .values()
        .filter(|name| name.starts_with(prefix))
        .collect();
    let distinct: HashSet<&String> = ours.iter().copied().collect();
    let acked_ids: HashSet<i64> = acked.iter().map(|ack| ack.id).collect();
    let unacknowledged_rows = lists
        .iter()
        .filter(|(id, name)| name.starts_with(prefix) && !acked_ids.contains(id))
        .count();
    Ok(Audit {
        rows: ours.len(),
        lost,
        duplicate_names: ours.len() - distinct.len(),
        unacknowledged_rows,
        log_entries,
        newest_seq,
    })
}
