//! Opening the database `DATABASE_URL` names, creating and migrating it as needed:
//! SQLite (`sqlite://PATH`, the embedded default) or PostgreSQL (`postgres://...`).

use app::lists::ssr::{Database, PostgresDb, SqliteDb};
use sqlx::{
    migrate::{MigrateDatabase, MigrateError, Migrator},
    postgres::{PgConnectOptions, PgPoolOptions},
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
    Postgres,
};
use std::{path::Path, str::FromStr, time::Duration};

/// The SQLite schema, `migrations/sqlite/`, compiled into the binary.
pub static MIGRATOR: Migrator = sqlx::migrate!("../migrations/sqlite");
/// The PostgreSQL schema, `migrations/postgres/`, compiled into the binary.
pub static POSTGRES_MIGRATOR: Migrator = sqlx::migrate!("../migrations/postgres");

/// SQLite connections that read at once; in WAL mode they all read while one writes.
const SQLITE_READERS: u32 = 8;
/// Each reader's own page cache, in KiB (SQLite's default is 2,000 KiB per connection).
/// A page reads a few dozen pages of the file, which the operating system's cache holds
/// anyway: at a million lists a mixed load of pages and searches was served as fast
/// with 100 KiB per reader as with 2,000, and the server's memory after it fell from 88
/// to 46 MiB (each connection fills its cache in the C heap of its own thread, and
/// keeps it). The writer keeps the default: a write's pages stay in its cache until it
/// commits.
const SQLITE_READER_CACHE_KIB: u32 = 128;
/// PostgreSQL connections per instance when the settings do not say (reads and writes).
const POSTGRES_CONNECTIONS: u32 = 16;

#[derive(Debug, thiserror::Error)]
pub enum DatabaseError {
    #[error("DATABASE_URL {url:?} is not a database URL this server knows: use sqlite://PATH or postgres://USER@HOST:PORT/NAME")]
    UnknownScheme { url: String },
    #[error("DATABASE_URL {url:?} is not valid: {source}")]
    BadUrl { url: String, source: sqlx::Error },
    #[error("could not create the database folder {path}: {source}")]
    Folder {
        path: String,
        source: std::io::Error,
    },
    #[error("could not create the database: {0}")]
    Create(#[source] sqlx::Error),
    #[error("could not open the database: {0}")]
    Open(#[source] sqlx::Error),
    #[error("could not migrate the database: {0}")]
    Migrate(#[from] MigrateError),
}

/// Why an instance cannot serve yet.
#[derive(Debug, thiserror::Error)]
pub enum NotReady {
    #[error("the database does not answer: {0}")]
    Unreachable(#[from] sqlx::Error),
    #[error("the database has {applied} of this build's {expected} migrations")]
    Unmigrated { applied: i64, expected: usize },
}

/// Whether the database answers and has every migration this build knows (another
/// instance of an older build may share it, or it may have been replaced).
pub async fn check_ready(db: &Database) -> Result<(), NotReady> {
    const APPLIED: &str = "SELECT COUNT(*) FROM _sqlx_migrations WHERE success";
    let (applied, expected): (i64, usize) = match db {
        Database::Sqlite(db) => (
            sqlx::query_scalar(APPLIED).fetch_one(&db.reader).await?,
            MIGRATOR.iter().count(),
        ),
        Database::Postgres(db) => (
            sqlx::query_scalar(APPLIED).fetch_one(db.pool()).await?,
            POSTGRES_MIGRATOR.iter().count(),
        ),
    };
    match usize::try_from(applied).is_ok_and(|applied| applied >= expected) {
        true => Ok(()),
        false => Err(NotReady::Unmigrated { applied, expected }),
    }
}

/// Opens (creating if missing) the database at `url`, applies pending migrations, and
/// returns it. A write waits at most `write_wait` for its turn.
pub async fn open(url: &str, write_wait: Duration) -> Result<Database, DatabaseError> {
    open_with(url, write_wait, POSTGRES_CONNECTIONS).await
}

/// [`open`], with `postgres_connections` connections on PostgreSQL.
pub async fn open_with(
    url: &str,
    write_wait: Duration,
    postgres_connections: u32,
) -> Result<Database, DatabaseError> {
    let bad_url = |source| DatabaseError::BadUrl {
        url: url.to_owned(),
        source,
    };
    if url.starts_with("sqlite:") {
        open_sqlite(
            SqliteConnectOptions::from_str(url).map_err(bad_url)?,
            write_wait,
        )
        .await
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        let options = PgConnectOptions::from_str(url).map_err(bad_url)?;
        if !Postgres::database_exists(url)
            .await
            .map_err(DatabaseError::Create)?
        {
            Postgres::create_database(url)
                .await
                .map_err(DatabaseError::Create)?;
        }
        open_postgres(options, write_wait, postgres_connections).await
    } else {
        Err(DatabaseError::UnknownScheme {
            url: url.to_owned(),
        })
    }
}

/// WAL lets readers and the one writer work at once; `synchronous = FULL` makes every
/// acknowledged commit survive a power cut; the busy timeout bounds how long the writer
/// waits for another process's write lock.
async fn open_sqlite(
    options: SqliteConnectOptions,
    write_wait: Duration,
) -> Result<Database, DatabaseError> {
    let options = options
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
        .max_connections(SQLITE_READERS)
        .min_connections(1)
        .connect_with(
            options
                .read_only(true)
                .pragma("cache_size", format!("-{SQLITE_READER_CACHE_KIB}")),
        )
        .await
        .map_err(DatabaseError::Open)?;
    Ok(Database::Sqlite(SqliteDb {
        reader,
        writer,
        write_wait,
    }))
}

/// One pool: PostgreSQL readers never wait for writers (MVCC), and writers wait for
/// nothing shared (see the store's `postgres` module), a row lock at most `write_wait`.
async fn open_postgres(
    options: PgConnectOptions,
    write_wait: Duration,
    connections: u32,
) -> Result<Database, DatabaseError> {
    let pool = PgPoolOptions::new()
        .max_connections(connections)
        .min_connections(1)
        .connect_with(options)
        .await
        .map_err(DatabaseError::Open)?;
    POSTGRES_MIGRATOR.run(&pool).await?;
    Ok(Database::Postgres(PostgresDb::new(pool, write_wait)))
}
