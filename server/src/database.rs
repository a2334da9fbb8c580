//! The process's SQLite pools (see `app::lists::ssr::Pools`), and the embedded migrations.

use app::lists::ssr::Pools;
use sqlx::{
    migrate::{MigrateError, Migrator},
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};
use std::{path::Path, str::FromStr, time::Duration};

/// The SQL files in `migrations/sqlite/`, compiled into the binary.
pub static MIGRATOR: Migrator = sqlx::migrate!("../migrations/sqlite");

/// Connections that read at once; SQLite in WAL mode serves them all while one writes.
const READERS: u32 = 8;

#[derive(Debug, thiserror::Error)]
pub enum DatabaseError {
    #[error("DATABASE_URL {url:?} is not a database URL this server knows: use sqlite://PATH")]
    UnknownScheme { url: String },
    #[error("DATABASE_URL {url:?} is not a valid SQLite URL: {source}")]
    BadUrl { url: String, source: sqlx::Error },
    #[error("could not create the database folder {path}: {source}")]
    Folder {
        path: String,
        source: std::io::Error,
    },
    #[error("could not open the database: {0}")]
    Open(#[source] sqlx::Error),
    #[error("could not migrate the database: {0}")]
    Migrate(#[from] MigrateError),
}

/// Opens (creating if missing) the database at `url`, applies pending migrations, and
/// returns its pools. A write waits at most `write_wait` for its turn.
///
/// WAL lets readers and the one writer work at once; `synchronous = FULL` makes every
/// acknowledged commit survive a power cut; the busy timeout bounds how long the writer
/// waits for another process's write lock.
pub async fn open(url: &str, write_wait: Duration) -> Result<Pools, DatabaseError> {
    if !url.starts_with("sqlite:") {
        return Err(DatabaseError::UnknownScheme {
            url: url.to_owned(),
        });
    }
    let options = SqliteConnectOptions::from_str(url)
        .map_err(|source| DatabaseError::BadUrl {
            url: url.to_owned(),
            source,
        })?
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(write_wait)
        .foreign_keys(true);
    if let Some(folder) = Path::new(options.get_filename()).parent() {
        if !folder.as_os_str().is_empty() {
            std::fs::create_dir_all(folder).map_err(|source| DatabaseError::Folder {
                path: folder.display().to_string(),
                source,
            })?;
        }
    }
    let writer = SqlitePoolOptions::new()
        .max_connections(1)
        .acquire_timeout(write_wait)
        .connect_with(options.clone().create_if_missing(true))
        .await
        .map_err(DatabaseError::Open)?;
    MIGRATOR.run(&writer).await?;
    let reader = SqlitePoolOptions::new()
        .max_connections(READERS)
        .min_connections(1)
        .connect_with(options.read_only(true))
        .await
        .map_err(DatabaseError::Open)?;
    Ok(Pools {
        reader,
        writer,
        write_wait,
    })
}
