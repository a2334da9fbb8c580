//! `spawn_app()`: the real application on a random port with a fresh database: a
//! temporary SQLite file, or a new database in the throwaway PostgreSQL cluster that
//! `scripts/test.sh` starts (`POSTGRES_URL`).
//!
//! Every test that needs PostgreSQL is marked `#[ignore = "needs PostgreSQL: …"]`, so a
//! plain `cargo test` reports it as ignored rather than passed. `--include-ignored` runs
//! it (as `scripts/test.sh` does), and then it fails without `POSTGRES_URL`.

use app::lists::ssr::{Database, DatabaseSettings, ListStore, Simulation};
use server::{config::Settings, startup::Application};
use std::{net::SocketAddr, path::PathBuf, time::Duration};
use tempfile::TempDir;
use tokio_util::sync::CancellationToken;

/// The databases the app runs on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Backend {
    #[default]
    Sqlite,
    Postgres,
}

/// The PostgreSQL cluster's `postgres` database, which tests create theirs beside. A test
/// that gets here without one fails: it was asked to run (`--include-ignored`) and cannot.
fn postgres_url() -> String {
    std::env::var("POSTGRES_URL").unwrap_or_else(|_| {
        panic!(
            "this test needs PostgreSQL, and POSTGRES_URL is not set: point it at a cluster's \
             `postgres` database (scripts/postgres.sh starts a throwaway one; scripts/test.sh \
             does it all)"
        )
    })
}

/// Runs an async test body once per backend, as `name::sqlite` and `name::postgres` (the
/// latter ignored unless asked for, see the module's comment).
macro_rules! on_both_backends {
    ($(async fn $name:ident($backend:ident) $body:block)*) => {$(
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn run($backend: crate::support::Backend) $body

            #[tokio::test]
            async fn sqlite() {
                run(crate::support::Backend::Sqlite).await
            }

            #[tokio::test]
            #[ignore = "needs PostgreSQL: set POSTGRES_URL and pass --include-ignored (scripts/test.sh does both)"]
            async fn postgres() {
                run(crate::support::Backend::Postgres).await
            }
        }
    )*};
}

/// A fresh, empty database for one test, and a folder for its other files.
pub struct TestDatabase {
    pub url: String,
    pub backend: Backend,
    pub dir: TempDir,
}

impl TestDatabase {
    pub async fn new(backend: Backend) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = match backend {
            Backend::Sqlite => format!("sqlite://{}", dir.path().join("lists.db").display()),
            Backend::Postgres => {
                let admin = postgres_url();
                let name = format!("test_{:016x}", fastrand_u64());
                let (base, _) = admin.rsplit_once('/').expect("a database in POSTGRES_URL");
                format!("{base}/{name}")
            }
        };
        Self { url, backend, dir }
    }

    /// Opens it (creating and migrating it), as another process would.
    pub async fn open(&self) -> Database {
        Database::open(&self.url, DatabaseSettings::default())
            .await
            .expect("test database opens")
    }
}

fn fastrand_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.as_nanos()),
    );
    hasher.finish()
}

pub struct TestApp {
    pub address: SocketAddr,
    /// Where `/metrics` is served, if the settings asked for it.
    pub metrics: Option<SocketAddr>,
    pub client: reqwest::Client,
    pub store: ListStore,
    /// The server's own connections (not the store above's).
    pub served: Database,
    pub shutdown: CancellationToken,
    pub server: tokio::task::JoinHandle<()>,
    pub database: TestDatabase,
}

#[derive(Default)]
pub struct Options {
    pub backend: Backend,
    pub latency: Duration,
    pub failure_rate: f64,
    pub retention: Option<Duration>,
    /// Any other change to the settings (limits, allowed hosts, ...).
    pub configure: Option<fn(&mut Settings)>,
}

pub fn settings(database: &TestDatabase, options: &Options) -> Settings {
    let mut leptos = Settings::from_env().expect("default settings").leptos;
    leptos.site_addr = "127.0.0.1:0".parse().expect("loopback address");
    leptos.site_root = site_root(&database.dir).display().to_string().into();
    let mut settings = Settings {
        database_url: database.url.clone(),
        leptos,
        simulation: Simulation::new(options.latency, options.failure_rate).expect("valid rate"),
        change_log_retention: options.retention.unwrap_or(Duration::from_secs(3600)),
        ..Settings::from_env().expect("default settings")
    };
    if let Some(configure) = options.configure {
        configure(&mut settings);
    }
    settings
}

pub fn site_root(dir: &TempDir) -> PathBuf {
    dir.path().join("site")
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(Options::default()).await
}

pub async fn spawn_app_on(backend: Backend) -> TestApp {
    spawn_app_with(Options {
        backend,
        ..Options::default()
    })
    .await
}

pub async fn spawn_app_with(options: Options) -> TestApp {
    let database = TestDatabase::new(options.backend).await;
    spawn_on(database, &options).await
}

/// A second server instance on the same database, as a deployment with two would have.
pub async fn spawn_instance_beside(first: &TestApp) -> TestApp {
    let database = TestDatabase {
        url: first.database.url.clone(),
        backend: first.database.backend,
        dir: tempfile::tempdir().expect("temp dir"),
    };
    spawn_on(database, &Options::default()).await
}

async fn spawn_on(database: TestDatabase, options: &Options) -> TestApp {
    server::telemetry::init_to(server::config::LogFormat::Text, std::io::stderr, false);
    std::fs::create_dir_all(site_root(&database.dir).join("pkg")).expect("site dir");
    let application = Application::build(settings(&database, options))
        .await
        .expect("application builds");
    let address = application.local_addr().expect("bound");
    let metrics = application.metrics_addr();
    let shutdown = application.shutdown_token();
    let served = application.database().clone();
    let server = tokio::spawn(async move {
        application.run_until_stopped().await.expect("server runs");
    });
    // A store of its own on the same database, as a second process would have, for
    // arranging and checking state directly.
    let store = ListStore::new(database.open().await);
    TestApp {
        address,
        metrics,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client"),
        store,
        served,
        shutdown,
        server,
        database,
    }
}

/// Runs one statement on the store's database: `sqlite` or `postgres`, whichever it is.
pub async fn execute(store: &ListStore, sqlite: &str, postgres: &str) {
    match store.database() {
        Database::Sqlite(db) => {
            sqlx::query(sqlite)
                .execute(db.writer())
                .await
                .expect(sqlite);
        }
        Database::Postgres(db) => {
            sqlx::query(postgres)
                .execute(db.pool())
                .await
                .expect(postgres);
        }
    }
}

/// A count (or any single integer) the same SQL gives on both databases.
pub async fn count(store: &ListStore, sql: &str) -> i64 {
    match store.database() {
        Database::Sqlite(db) => sqlx::query_scalar(sql).fetch_one(db.writer()).await,
        Database::Postgres(db) => sqlx::query_scalar(sql).fetch_one(db.pool()).await,
    }
    .expect(sql)
}

impl TestApp {
    /// The SQLite pool that can write, for arranging state behind the app's back.
    pub fn db(&self) -> &sqlx::SqlitePool {
        match self.store.database() {
            Database::Sqlite(db) => db.writer(),
            Database::Postgres(_) => panic!("a SQLite-only test ran on PostgreSQL"),
        }
    }

    pub fn dir(&self) -> &TempDir {
        &self.database.dir
    }

    /// SQLite's write lock, taken by a connection of its own (as another process would
    /// take it) and held until released.
    pub async fn hold_write_lock(&self) -> HeldWriteLock {
        use sqlx::Connection;
        let mut other = sqlx::SqliteConnection::connect_with(
            &sqlx::sqlite::SqliteConnectOptions::new().filename(self.dir().path().join("lists.db")),
        )
        .await
        .expect("a second connection");
        sqlx::query("BEGIN IMMEDIATE")
            .execute(&mut other)
            .await
            .expect("the write lock");
        HeldWriteLock(other)
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// Calls a list server function like a raw HTTP client (form-encoded).
    pub async fn call(&self, endpoint: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url(&format!("/api/lists/{endpoint}")))
            .form(form)
            .send()
            .await
            .expect("request sent")
    }

    /// A GET as it was answered (redirects are not followed).
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.get_with(path, &[]).await
    }

    /// A GET with extra request headers, as it was answered.
    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
        let mut request = self.client.get(self.url(path));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.expect("request sent")
    }

    /// The body of a GET, as text.
    pub async fn get_text(&self, path: &str) -> String {
        let response = self.get(path).await;
        response.text().await.expect("text body")
    }

    /// Posts to a list server function the way a browser without JavaScript submits a
    /// `<form>` from /notes.
    pub async fn post_like_a_form(
        &self,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        self.post_like_a_form_with(endpoint, form, &[]).await
    }

    /// The same, with extra request headers (a cookie, a language).
    pub async fn post_like_a_form_with(
        &self,
        endpoint: &str,
        form: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> reqwest::Response {
        self.post_like_a_form_from("/notes", endpoint, form, headers)
            .await
    }

    /// The same, from the document at `from` (a path with its query, the form's
    /// `Referer`).
    pub async fn post_like_a_form_from(
        &self,
        from: &str,
        endpoint: &str,
        form: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut request = self
            .client
            .post(self.url(&format!("/api/lists/{endpoint}")))
            .header("accept", "text/html")
            .header("referer", self.url(from));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.form(form).send().await.expect("request sent")
    }

    pub async fn create(&self, name: &str) -> serde_json::Value {
        let response = self.call("create", &[("name", name)]).await;
        assert_eq!(response.status(), 200, "creating {name:?}");
        response.json().await.expect("json")
    }

    pub async fn count(&self, sql: &str) -> i64 {
        count(&self.store, sql).await
    }
}

/// SQLite's write lock held by another connection ([`TestApp::hold_write_lock`]).
pub struct HeldWriteLock(sqlx::SqliteConnection);

impl HeldWriteLock {
    pub async fn release(mut self) {
        sqlx::query("ROLLBACK")
            .execute(&mut self.0)
            .await
            .expect("the lock released");
    }
}
