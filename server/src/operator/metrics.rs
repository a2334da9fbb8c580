//! The server's Prometheus metrics: one registry per application (tests run many in one
//! process, each counting only its own), written by the parts that do the work and read
//! at each scrape.
//!
//! `prometheus-client` rather than `metrics` + `metrics-exporter-prometheus`: the latter
//! records through one global recorder per process, so two applications in one test
//! binary would count into each other; here each `Application` owns its registry, and a
//! test can check exact counts.
//!
//! Written on the hot path: a counter or gauge is one atomic add, a histogram a short
//! lock; a figure with labels a client's request picks (route, status, a change's kind)
//! first finds its series under a shared lock, the rest were looked up once. Read at a scrape: the pools, the process and PostgreSQL's role are looked
//! up then (`collectors`), costing nothing between scrapes.

use super::collectors::{FeedCollector, PoolCollector, ProcessCollector, RoleCollector};
use crate::live::FeedStats;
use app::lists::ssr::{ChangeOutcome, Database, Observer, PoolRole, StoreObserver};
use app::lists::ChangeKind;
use prometheus_client::{
    encoding::{prometheus_text, EncodeLabelSet},
    metrics::{
        counter::Counter,
        family::{Family, MetricConstructor},
        histogram::{exponential_buckets, Histogram},
    },
    registry::{Registry, Unit},
};
use std::{
    sync::{Arc, Mutex, PoisonError},
    time::Duration,
};

/// Prometheus' text format (0.0.4), which every scraper reads and `promtool check
/// metrics` checks.
pub use prometheus_client::encoding::prometheus_text::CONTENT_TYPE;

/// A request as counted: its route (the pattern it matched, not its path, so that the
/// labels stay few), its method and its status.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub route: &'static str,
    pub method: &'static str,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabel {
    route: &'static str,
}

/// A request's method as counted: the ones the app answers, and `OTHER` for the rest,
/// so that a client cannot make up labels.
pub fn method_label(method: &http::Method) -> &'static str {
    match *method {
        http::Method::GET => "GET",
        http::Method::HEAD => "HEAD",
        http::Method::POST => "POST",
        _ => "OTHER",
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ChangeLabels {
    kind: &'static str,
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolRoleLabels {
    role: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CacheLabels {
    result: &'static str,
}

/// What the kept `/notes` document did for one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CacheResult {
    /// Served from the kept document.
    Hit,
    /// Rendered: nothing was kept for this generation and language (and kept if it
    /// could be, and was sent whole).
    Miss,
    /// Rendered, never kept: a document with a query (search, bounds, a form's error) or
    /// one drawn while failures or delays are simulated.
    Bypass,
}

impl CacheResult {
    /// In the order of their discriminants.
    const ALL: [Self; 3] = [Self::Hit, Self::Miss, Self::Bypass];

    fn label(self) -> &'static str {
        match self {
            Self::Hit => "hit",
            Self::Miss => "miss",
            Self::Bypass => "bypass",
        }
    }
}

/// Histograms of one bucket layout, for a [`Family`].
#[derive(Clone, Copy)]
struct Buckets {
    start: f64,
    factor: f64,
    count: u16,
}

impl MetricConstructor<Histogram> for Buckets {
    fn new_metric(&self) -> Histogram {
        Histogram::new(exponential_buckets(self.start, self.factor, self.count))
    }
}

/// Seconds from 100 µs to about 26 s: a cached page, a render, a write's wait.
const REQUEST_SECONDS: Buckets = Buckets {
    start: 1e-4,
    factor: 2.0,
    count: 19,
};
/// Seconds from 10 µs to about 10 s: a wait for a connection, a write, a sequencer run.
const STORE_SECONDS: Buckets = Buckets {
    start: 1e-5,
    factor: 2.5,
    count: 16,
};

/// The HTTP figures, written by `requests` for every response.
#[derive(Clone)]
pub struct HttpMetrics {
    requests: Family<RequestLabels, Counter>,
    duration: Family<RouteLabel, Histogram, Buckets>,
}

impl Default for HttpMetrics {
    fn default() -> Self {
        Self {
            requests: Family::default(),
            duration: Family::new_with_constructor(REQUEST_SECONDS),
        }
    }
}

impl HttpMetrics {
    /// One response.
    pub fn count(&self, labels: &RequestLabels) {
        self.requests.get_or_create(labels).inc();
    }

    /// The latencies of `route`'s responses, to be looked up once.
    pub fn duration_of(&self, route: &'static str) -> Histogram {
        self.duration.get_or_create(&RouteLabel { route }).clone()
    }
}

/// The store's figures: what it tells its [`Observer`].
struct StoreMetrics {
    changes: Family<ChangeLabels, Counter>,
    change_seconds: Histogram,
    batch_size: Histogram,
    connection_wait: Family<PoolRoleLabels, Histogram, Buckets>,
    sequencer_run_seconds: Histogram,
    numbering_lag_seconds: Histogram,
}

impl StoreObserver for StoreMetrics {
    fn change(&self, kind: ChangeKind, outcome: ChangeOutcome, took: Duration) {
        let outcome = match outcome {
            ChangeOutcome::Applied => "applied",
            ChangeOutcome::Unchanged => "unchanged",
            ChangeOutcome::Replayed => "replayed",
            ChangeOutcome::Refused => "refused",
            ChangeOutcome::Busy => "busy",
            ChangeOutcome::Failed => "failed",
        };
        let labels = ChangeLabels {
            kind: kind.log_name(),
            outcome,
        };
        self.changes.get_or_create(&labels).inc();
        self.change_seconds.observe(took.as_secs_f64());
    }

    fn batch(&self, size: usize) {
        self.batch_size.observe(size as f64);
    }

    fn connection(&self, role: PoolRole, waited: Duration) {
        let role = match role {
            PoolRole::Read => "read",
            PoolRole::Write => "write",
        };
        self.connection_wait
            .get_or_create(&PoolRoleLabels { role })
            .observe(waited.as_secs_f64());
    }

    fn sequencer_run(&self, took: Duration) {
        self.sequencer_run_seconds.observe(took.as_secs_f64());
    }

    fn numbered(&self, lag: Duration) {
        self.numbering_lag_seconds.observe(lag.as_secs_f64());
    }
}

/// Every figure of one application. Cheap to clone.
#[derive(Clone)]
pub struct Metrics {
    registry: Arc<Mutex<Registry>>,
    http: HttpMetrics,
    store: Observer,
    /// The kept document's counters by result, looked up once: a cached `/notes` is the
    /// server's fastest answer, and one add is all it pays.
    document_cache: [Counter; 3],
    feeds: FeedCollector,
}

impl Metrics {
    /// The registry with the figures that do not depend on anything opened yet: HTTP,
    /// the store's, the kept document's and the process's.
    pub fn new() -> Self {
        let mut registry = Registry::default();
        let http = HttpMetrics::default();
        registry.register(
            "http_requests",
            "HTTP responses by route (the pattern matched), method and status",
            http.requests.clone(),
        );
        registry.register_with_unit(
            "http_request_duration",
            "Time from a request's arrival to the end of its response's body, by route (event streams excluded)",
            Unit::Seconds,
            http.duration.clone(),
        );
        let store = StoreMetrics {
            changes: Family::default(),
            change_seconds: STORE_SECONDS.new_metric(),
            // 1 to 64 changes.
            batch_size: Histogram::new(exponential_buckets(1.0, 2.0, 7)),
            connection_wait: Family::new_with_constructor(STORE_SECONDS),
            sequencer_run_seconds: STORE_SECONDS.new_metric(),
            numbering_lag_seconds: STORE_SECONDS.new_metric(),
        };
        registry.register(
            "store_changes",
            "Changes the store was asked for, by kind and outcome: applied, unchanged (nothing to do), replayed (a key seen before, answered again), refused (no such list, or a key used for another change), busy (the writer stayed busy past the write wait), failed",
            store.changes.clone(),
        );
        registry.register_with_unit(
            "store_change_duration",
            "Time the store took for one change, waits included",
            Unit::Seconds,
            store.change_seconds.clone(),
        );
        registry.register(
            "store_change_batch_size",
            "Changes per batch a screen's outbox sent",
            store.batch_size.clone(),
        );
        registry.register_with_unit(
            "db_pool_acquire_duration",
            "Time to get a database connection, by what for (read or write)",
            Unit::Seconds,
            store.connection_wait.clone(),
        );
        registry.register_with_unit(
            "sequencer_run_duration",
            "Runs of PostgreSQL's sequencer from this instance, and their time",
            Unit::Seconds,
            store.sequencer_run_seconds.clone(),
        );
        registry.register_with_unit(
            "sequencer_numbering_lag",
            "Time from a write's commit to its log position, on PostgreSQL",
            Unit::Seconds,
            store.numbering_lag_seconds.clone(),
        );
        let document_cache_family = Family::<CacheLabels, Counter>::default();
        registry.register(
            "document_cache_requests",
            "Requests for /notes by what the kept document did: hit (served from it), miss (rendered, to be kept if it can be), bypass (rendered, never kept: a query, or a simulation)",
            document_cache_family.clone(),
        );
        let document_cache = CacheResult::ALL.map(|result| {
            document_cache_family
                .get_or_create(&CacheLabels {
                    result: result.label(),
                })
                .clone()
        });
        registry.register_collector(Box::new(ProcessCollector));
        let feeds = FeedCollector::default();
        registry.register_collector(Box::new(feeds.clone()));
        Self {
            registry: Arc::new(Mutex::new(registry)),
            http,
            store: Observer::new(store),
            document_cache,
            feeds,
        }
    }

    /// What the store reports to.
    pub fn store_observer(&self) -> Observer {
        self.store.clone()
    }

    pub fn http(&self) -> &HttpMetrics {
        &self.http
    }

    /// One request for `/notes`, by what the kept document did.
    pub fn document_cache(&self, result: CacheResult) {
        self.document_cache[result as usize].inc();
    }

    /// Adds the database's figures, read at each scrape: its pools and, on PostgreSQL,
    /// this instance's part in numbering the log.
    pub fn watch_database(&self, database: &Database) {
        let mut registry = self.lock();
        registry.register_collector(Box::new(PoolCollector(database.clone())));
        if let Database::Postgres(postgres) = database {
            registry.register_collector(Box::new(RoleCollector(postgres.clone())));
        }
    }

    /// Adds one feed's figures, labelled `feed="name"`.
    pub fn watch_feed(&self, name: &'static str, stats: &FeedStats) {
        self.feeds.add(name, stats.clone());
    }

    /// Every figure, in Prometheus' text format.
    pub fn encode(&self) -> String {
        let mut text = String::with_capacity(16 * 1024);
        // Writing to a String cannot fail, nor can encoding the metrics this registry
        // holds; should it ever, the scrape is cut short rather than the server.
        if let Err(error) = prometheus_text::encode(&mut text, &self.lock()) {
            tracing::error!(%error, "encoding the metrics failed");
        }
        text
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Registry> {
        // Registering and encoding leave the registry whole even if they panic.
        self.registry.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}
