//! `spawn_app()`: the real application on a random port with a fresh SQLite file.
#![allow(dead_code)] // each test binary uses a different part of this module

use app::lists::ssr::{ListStore, Simulation};
use server::{config::Settings, database, startup::Application};
use std::{net::SocketAddr, path::PathBuf, time::Duration};
use tempfile::TempDir;
use tokio_util::sync::CancellationToken;

pub struct TestApp {
    pub address: SocketAddr,
    pub client: reqwest::Client,
    pub store: ListStore,
    pub shutdown: CancellationToken,
    pub server: tokio::task::JoinHandle<()>,
    pub dir: TempDir,
}

#[derive(Default)]
pub struct Options {
    pub latency: Duration,
    pub failure_rate: f64,
    pub retention: Option<Duration>,
    /// Any other change to the settings (limits, allowed hosts, ...).
    pub configure: Option<fn(&mut Settings)>,
}

pub fn database_url(dir: &TempDir) -> String {
    format!("sqlite://{}", dir.path().join("lists.db").display())
}

pub fn settings(dir: &TempDir, options: &Options) -> Settings {
    let mut leptos = Settings::from_env().expect("default settings").leptos;
    leptos.site_addr = "127.0.0.1:0".parse().expect("loopback address");
    leptos.site_root = site_root(dir).display().to_string().into();
    let mut settings = Settings {
        database_url: database_url(dir),
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

pub async fn spawn_app_with(options: Options) -> TestApp {
    server::telemetry::init();
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(site_root(&dir).join("pkg")).expect("site dir");
    let application = Application::build(settings(&dir, &options))
        .await
        .expect("application builds");
    let address = application.local_addr().expect("bound");
    let shutdown = application.shutdown_token();
    let server = tokio::spawn(async move {
        application.run_until_stopped().await.expect("server runs");
    });
    // Pools of its own on the same file, for arranging and checking state directly.
    let pools = open_pools(&dir).await;
    TestApp {
        address,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client"),
        store: ListStore::new(pools),
        shutdown,
        server,
        dir,
    }
}

/// The test's own pools on the app's database file, as a second process would have.
pub async fn open_pools(dir: &TempDir) -> app::lists::ssr::Pools {
    database::open(&database_url(dir), Duration::from_secs(5))
        .await
        .expect("test pools")
}

impl TestApp {
    /// A connection pool that can write, for arranging state behind the app's back.
    pub fn db(&self) -> &sqlx::SqlitePool {
        &self.store.pools().writer
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

    /// The body of a GET, as text.
    pub async fn page(&self, path: &str) -> String {
        let response = self
            .client
            .get(self.url(path))
            .send()
            .await
            .expect("request sent");
        response.text().await.expect("text body")
    }

    /// Posts to a list server function the way a browser without JavaScript submits a
    /// `<form>` from /notes.
    pub async fn post_like_a_form(
        &self,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        self.client
            .post(self.url(&format!("/api/lists/{endpoint}")))
            .header("accept", "text/html")
            .header("referer", self.url("/notes"))
            .form(form)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn create(&self, name: &str) -> serde_json::Value {
        let response = self.call("create", &[("name", name)]).await;
        assert_eq!(response.status(), 200, "creating {name:?}");
        response.json().await.expect("json")
    }

    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql)
            .fetch_one(self.db())
            .await
            .expect("count query")
    }
}
