//! Reliability benchmark, against the real release binary on loopback (SQLite), bounded
//! in time (about a minute and a half; each scenario has a hard limit, 5.5 minutes in all):
//! 1. 200 concurrent writers for 20 s with 20 event streams open: acknowledged writes,
//!    errors, lost writes, write latency, and gaps or duplicates in every stream;
//! 2. `kill -9` three times under write load, restarting on the same port and database:
//!    every acknowledged write must be in the database, and a stream that resumes with
//!    `Last-Event-ID` must see every change exactly once;
//! 3. another process holding SQLite's write lock for 12 s: page latency, and writes
//!    answered 503 after `WRITE_WAIT_MS`;
//! 4. 1,100 idle sockets against a server limited to 1,024 open files;
//! 5. 2,000 clients sending their headers one byte a second;
//! 6. server memory with 1,000 open event streams.
//!
//! Run `scripts/build.sh` first (or `cargo build --release -p server --bin
//! async-streamer`), then `cargo bench -p server --bench reliability`, or
//! `scripts/reliability.sh` for both. `ASYNC_STREAMER_BIN` drives another binary;
//! `RELIABILITY_SCENARIOS=1,3` runs only those scenarios.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A bench stops at the first failure: that is its report.

mod support;

use support::{binary, percentile, rss_kib, Launch, Server};

use sqlx::{
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions},
    Connection, Executor, SqlitePool,
};
use std::{
    collections::{BTreeMap, HashMap, HashSet},
    future::Future,
    path::Path,
    process::Command,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};
use tokio::{
    io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader},
    net::TcpStream,
    task::JoinHandle,
};

type Result<T> = std::result::Result<T, String>;

const LOG_FILTER: &str = "info,sqlx=warn,tower_http=warn";

// ---------------------------------------------------------------------------------------
// The server under test
// ---------------------------------------------------------------------------------------

fn database_url(path: &Path) -> String {
    format!("sqlite://{}", path.display())
}

async fn seed(database: &Path, count: usize) -> Result<()> {
    support::seed(database_url(database), count).await
}

fn open_fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|entries| entries.count())
        .unwrap_or(0)
}

fn max_open_files(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/limits"))
        .ok()
        .and_then(|limits| {
            limits
                .lines()
                .find(|line| line.starts_with("Max open files"))
                .map(|line| {
                    line.trim_start_matches("Max open files")
                        .split_whitespace()
                        .take(2)
                        .collect::<Vec<_>>()
                        .join(" / ")
                })
        })
        .unwrap_or_else(|| "?".into())
}

/// `ss -ltn` for the listener: (Recv-Q, Send-Q), i.e. the accept queue's length and the
/// listen backlog.
fn listener_queue(port: u16) -> Option<(String, String)> {
    let output = Command::new("ss")
        .args(["-ltnH", &format!("sport = :{port}")])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    let fields: Vec<&str> = text.split_whitespace().collect();
    Some((fields.get(1)?.to_string(), fields.get(2)?.to_string()))
}

fn listen_backlog(port: u16) -> String {
    listener_queue(port).map_or("?".into(), |(_, backlog)| backlog)
}

fn accept_queue(port: u16) -> String {
    listener_queue(port).map_or("?".into(), |(queued, _)| queued)
}

/// The kernel's TcpExt ListenOverflows and ListenDrops (all sockets of this network
/// namespace).
fn listen_counters() -> (u64, u64) {
    let netstat = std::fs::read_to_string("/proc/net/netstat").unwrap_or_default();
    let lines: Vec<&str> = netstat
        .lines()
        .filter(|line| line.starts_with("TcpExt:"))
        .collect();
    let (Some(names), Some(values)) = (lines.first(), lines.get(1)) else {
        return (0, 0);
    };
    let counters: HashMap<&str, u64> = names
        .split_whitespace()
        .zip(values.split_whitespace())
        .filter_map(|(name, value)| Some((name, value.parse().ok()?)))
        .collect();
    (
        counters.get("ListenOverflows").copied().unwrap_or(0),
        counters.get("ListenDrops").copied().unwrap_or(0),
    )
}

/// "none", or the count and the distinct messages (without time stamps or spans).
fn warning_summary(lines: &[String]) -> String {
    if lines.is_empty() {
        return "none".into();
    }
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for line in lines {
        let message = line.split_once("}: ").map_or_else(
            || {
                line.split_whitespace()
                    .skip(2)
                    .collect::<Vec<_>>()
                    .join(" ")
            },
            |(_, message)| message.to_owned(),
        );
        // Numbers (latencies, ids) vary from line to line: one kind of message is one line.
        let mut folded = String::with_capacity(message.len());
        for c in message.replace('|', "/").chars() {
            if !(c.is_ascii_digit() && folded.ends_with('N')) {
                folded.push(if c.is_ascii_digit() { 'N' } else { c });
            }
        }
        let message: String = folded.chars().take(100).collect();
        *kinds.entry(message).or_default() += 1;
    }
    let mut kinds: Vec<(String, usize)> = kinds.into_iter().collect();
    kinds.sort_by_key(|kind| std::cmp::Reverse(kind.1));
    format!(
        "{}: {}",
        lines.len(),
        kinds
            .iter()
            .take(3)
            .map(|(message, n)| format!("{n} x `{message}`"))
            .collect::<Vec<_>>()
            .join("; ")
    )
}

// ---------------------------------------------------------------------------------------
// The database, read directly
// ---------------------------------------------------------------------------------------

async fn open_database(path: &Path) -> Result<SqlitePool> {
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
async fn database_lists(pool: &SqlitePool) -> Result<HashMap<i64, String>> {
    let rows: Vec<(i64, String)> = sqlx::query_as("SELECT id, name FROM lists")
        .fetch_all(pool)
        .await
        .map_err(|error| error.to_string())?;
    Ok(rows.into_iter().collect())
}

/// (entries, newest seq) of the change log.
async fn database_log(pool: &SqlitePool) -> Result<(i64, i64)> {
    sqlx::query_as("SELECT COUNT(*), COALESCE(MAX(seq), 0) FROM list_events")
        .fetch_one(pool)
        .await
        .map_err(|error| error.to_string())
}

/// When (Unix seconds) each list's `created` entry was recorded.
async fn created_at(pool: &SqlitePool) -> Result<HashMap<i64, f64>> {
    let rows: Vec<(i64, f64)> = sqlx::query_as(
        "SELECT list_id, (julianday(recorded_at) - 2440587.5) * 86400.0 \
         FROM list_events WHERE kind = 'created'",
    )
    .fetch_all(pool)
    .await
    .map_err(|error| error.to_string())?;
    Ok(rows.into_iter().collect())
}

fn unix_now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |since| since.as_secs_f64())
}

/// What acknowledged writes became in the database.
struct Audit {
    rows: usize,
    lost: usize,
    duplicate_names: usize,
    unacknowledged_rows: usize,
    log_entries: i64,
    newest_seq: i64,
}

async fn audit(path: &Path, acked: &[Ack], prefix: &str) -> Result<Audit> {
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

// ---------------------------------------------------------------------------------------
// Clients
// ---------------------------------------------------------------------------------------

/// A create the server acknowledged: 200 with the list's id.
#[derive(Clone, Debug)]
struct Ack {
    id: i64,
    name: String,
}

enum Created {
    Ack(Ack),
    Status(u16, Option<String>),
    Failed(String),
}

async fn create(client: &reqwest::Client, base: &str, name: &str, key: &str) -> Created {
    let response = client
        .post(format!("{base}/api/lists/create"))
        .form(&[("name", name), ("key", key)])
        .send()
        .await;
    let response = match response {
        Ok(response) => response,
        Err(error) => return Created::Failed(error_kind(&error)),
    };
    let status = response.status().as_u16();
    if status != 200 {
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        return Created::Status(status, retry_after);
    }
    match response.json::<serde_json::Value>().await {
        Ok(body) => match body["list"]["id"].as_i64() {
            Some(id) => Created::Ack(Ack {
                id,
                name: name.to_owned(),
            }),
            None => Created::Failed("200 without an id".into()),
        },
        Err(error) => Created::Failed(error_kind(&error)),
    }
}

fn error_kind(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        "timed out".into()
    } else if error.is_connect() {
        "connection refused".into()
    } else if error.is_body() || error.is_decode() {
        "body cut off".into()
    } else if error.is_request() {
        "connection closed".into()
    } else {
        "other error".into()
    }
}

fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("HTTP client")
}

/// A timed `GET /notes` on a fresh connection.
async fn timed_get(base: &str, limit: Duration) -> (String, Duration) {
    let client = reqwest::Client::builder()
        .timeout(limit)
        .build()
        .expect("HTTP client");
    let started = Instant::now();
    let outcome = match client.get(format!("{base}/notes")).send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            match response.bytes().await {
                Ok(_) => status.to_string(),
                Err(error) => error_kind(&error),
            }
        }
        Err(error) => error_kind(&error),
    };
    (outcome, started.elapsed())
}

/// A timed create on a fresh connection.
async fn timed_create(base: &str, name: &str, key: &str, limit: Duration) -> (String, Duration) {
    let client = reqwest::Client::builder()
        .timeout(limit)
        .build()
        .expect("HTTP client");
    let started = Instant::now();
    let outcome = match create(&client, base, name, key).await {
        Created::Ack(_) => "200".into(),
        Created::Status(status, _) => status.to_string(),
        Created::Failed(error) => error,
    };
    (outcome, started.elapsed())
}

enum SseEvent {
    Change(i64),
    Reset,
    Other,
}

/// An open `text/event-stream`, over a raw connection (chunked encoding decoded here).
struct EventStream {
    reader: BufReader<TcpStream>,
    chunked: bool,
    body: Vec<u8>,
    event: Option<String>,
    id: Option<i64>,
}

impl EventStream {
    /// Opens a stream from `?after=` and/or `Last-Event-ID`, and reads its opening
    /// `retry:` hint.
    async fn open(port: u16, after: Option<i64>, last_event_id: Option<i64>) -> Result<Self> {
        let tcp = TcpStream::connect(("127.0.0.1", port))
            .await
            .map_err(|error| format!("connect: {error}"))?;
        tcp.set_nodelay(true).map_err(|error| error.to_string())?;
        let query = after
            .map(|after| format!("?after={after}"))
            .unwrap_or_default();
        let resume = last_event_id
            .map(|id| format!("Last-Event-ID: {id}\r\n"))
            .unwrap_or_default();
        let request = format!(
            "GET /api/lists/events{query} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\
             Accept: text/event-stream\r\n{resume}\r\n"
        );
        let mut reader = BufReader::new(tcp);
        reader
            .get_mut()
            .write_all(request.as_bytes())
            .await
            .map_err(|error| format!("send: {error}"))?;
        let mut line = String::new();
        reader
            .read_line(&mut line)
            .await
            .map_err(|error| format!("status line: {error}"))?;
        let status = line.split_whitespace().nth(1).unwrap_or("none").to_owned();
        if status != "200" {
            return Err(format!("status {status}"));
        }
        let mut chunked = false;
        loop {
            line.clear();
            let read = reader
                .read_line(&mut line)
                .await
                .map_err(|error| format!("headers: {error}"))?;
            if read == 0 {
                return Err("closed in the headers".into());
            }
            let header = line.trim().to_ascii_lowercase();
            if header.is_empty() {
                break;
            }
            if header.starts_with("transfer-encoding:") && header.contains("chunked") {
                chunked = true;
            }
        }
        let mut stream = Self {
            reader,
            chunked,
            body: Vec::new(),
            event: None,
            id: None,
        };
        match stream.next_any().await {
            Ok(Some(SseEvent::Other)) => Ok(stream),
            Ok(Some(_)) => Err("a change before the retry hint".into()),
            Ok(None) => Err("ended before the retry hint".into()),
            Err(error) => Err(format!("read: {error}")),
        }
    }

    /// The next `change` or `reset` event; `None` when the stream ends.
    async fn next(&mut self) -> std::io::Result<Option<SseEvent>> {
        loop {
            match self.next_any().await? {
                Some(SseEvent::Other) => continue,
                other => return Ok(other),
            }
        }
    }

    async fn next_any(&mut self) -> std::io::Result<Option<SseEvent>> {
        loop {
            while let Some(end) = self.body.iter().position(|byte| *byte == b'\n') {
                let raw: Vec<u8> = self.body.drain(..=end).collect();
                let line = String::from_utf8_lossy(&raw);
                let line = line.trim_end_matches(['\n', '\r']);
                if line.is_empty() {
                    let event = self.event.take();
                    let id = self.id.take();
                    return Ok(Some(match (event.as_deref(), id) {
                        (Some("change"), Some(id)) => SseEvent::Change(id),
                        (Some("reset"), _) => SseEvent::Reset,
                        _ => SseEvent::Other,
                    }));
                } else if let Some(value) = line.strip_prefix("event:") {
                    self.event = Some(value.trim().to_owned());
                } else if let Some(value) = line.strip_prefix("id:") {
                    self.id = value.trim().parse().ok();
                }
            }
            if !self.fill().await? {
                return Ok(None);
            }
        }
    }

    async fn fill(&mut self) -> std::io::Result<bool> {
        if self.chunked {
            let mut size = String::new();
            if self.reader.read_line(&mut size).await? == 0 {
                return Ok(false);
            }
            let size = usize::from_str_radix(size.trim().split(';').next().unwrap_or(""), 16)
                .map_err(|error| std::io::Error::new(std::io::ErrorKind::InvalidData, error))?;
            if size == 0 {
                return Ok(false);
            }
            let start = self.body.len();
            self.body.resize(start + size, 0);
            self.reader.read_exact(&mut self.body[start..]).await?;
            let mut crlf = [0; 2];
            self.reader.read_exact(&mut crlf).await?;
            Ok(true)
        } else {
            let mut buffer = [0; 4096];
            let read = self.reader.read(&mut buffer).await?;
            self.body.extend_from_slice(&buffer[..read]);
            Ok(read > 0)
        }
    }
}

/// What a stream saw of the change log's positions.
#[derive(Default, Debug, Clone)]
struct SeqRecord {
    last: i64,
    received: u64,
    gaps: u64,
    missing: u64,
    duplicates: u64,
    resets: u64,
    reconnects: u64,
    ended: bool,
}

impl SeqRecord {
    fn observe(&mut self, seq: i64) {
        if seq <= self.last {
            self.duplicates += 1;
            return;
        }
        if seq > self.last + 1 {
            self.gaps += 1;
            self.missing += (seq - self.last - 1) as u64;
        }
        self.received += 1;
        self.last = seq;
    }
}

/// Reads a stream into its record until it ends.
async fn follow(mut stream: EventStream, record: &Mutex<SeqRecord>) {
    loop {
        match stream.next().await {
            Ok(Some(SseEvent::Change(seq))) => record.lock().unwrap().observe(seq),
            Ok(Some(SseEvent::Reset)) => {
                record.lock().unwrap().resets += 1;
                break;
            }
            Ok(Some(SseEvent::Other)) => {}
            Ok(None) | Err(_) => break,
        }
    }
}

/// Waits until every record has reached `target`, for at most `limit`.
async fn catch_up(records: &[Arc<Mutex<SeqRecord>>], target: i64, limit: Duration) -> Duration {
    let started = Instant::now();
    while started.elapsed() < limit
        && records
            .iter()
            .any(|record| record.lock().unwrap().last < target)
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    started.elapsed()
}

/// Spawned tasks, aborted when dropped (a scenario that fails or times out leaves
/// nothing running).
#[derive(Default)]
struct Tasks<T>(Vec<JoinHandle<T>>);

impl<T: Send + 'static> Tasks<T> {
    fn spawn(&mut self, task: impl Future<Output = T> + Send + 'static) {
        self.0.push(tokio::spawn(task));
    }

    async fn join(mut self) -> Vec<T> {
        let mut results = Vec::with_capacity(self.0.len());
        for handle in std::mem::take(&mut self.0) {
            if let Ok(result) = handle.await {
                results.push(result);
            }
        }
        results
    }
}

impl<T> Drop for Tasks<T> {
    fn drop(&mut self) {
        for handle in &self.0 {
            handle.abort();
        }
    }
}

// ---------------------------------------------------------------------------------------
// Reporting
// ---------------------------------------------------------------------------------------

fn ms(duration: Duration) -> String {
    let ms = duration.as_secs_f64() * 1000.0;
    if ms >= 1000.0 {
        format!("{:.2} s", ms / 1000.0)
    } else {
        format!("{ms:.1} ms")
    }
}

/// "p50 …, p99 …, max …" of unsorted samples.
fn spread(samples: &mut [Duration]) -> String {
    if samples.is_empty() {
        return "no samples".into();
    }
    samples.sort();
    format!(
        "p50 {}, p99 {}, max {} ({} samples)",
        ms(percentile(samples, 0.50)),
        ms(percentile(samples, 0.99)),
        ms(*samples.last().unwrap()),
        samples.len()
    )
}

fn counts(map: &BTreeMap<String, usize>) -> String {
    if map.is_empty() {
        return "none".into();
    }
    map.iter()
        .map(|(what, n)| format!("{what}: {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn table(title: &str) {
    println!("\n### {title}\n\n| measure | result |\n|---|---|");
}

fn row(label: &str, value: impl std::fmt::Display) {
    println!("| {label} | {value} |");
}

/// Problems found, for the closing summary.
#[derive(Default)]
struct Findings(Mutex<Vec<String>>);

impl Findings {
    fn check(&self, ok: bool, problem: impl FnOnce() -> String) {
        if !ok {
            let problem = problem();
            println!("\n> **problem:** {problem}");
            self.0.lock().unwrap().push(problem);
        }
    }
}

// ---------------------------------------------------------------------------------------
// 1. 200 writers, 20 streams
// ---------------------------------------------------------------------------------------

const S1_WRITERS: usize = 200;
const S1_STREAMS: usize = 20;
const S1_DURATION: Duration = Duration::from_secs(20);

#[derive(Default)]
struct WriterLog {
    acked: Vec<Ack>,
    /// Acks that took more than one attempt: the list, and when (Unix seconds) the
    /// attempt that was answered was sent.
    retried: Vec<(i64, f64)>,
    latencies: Vec<Duration>,
    errors: BTreeMap<String, usize>,
    error_latencies: Vec<Duration>,
    abandoned: usize,
}

async fn concurrent_writes(findings: &Findings) -> Result<()> {
    let dir = tempfile::tempdir().map_err(|error| error.to_string())?;
    let database = dir.path().join("lists.db");
    let server = Server::start(Launch {
        database_url: Some(&database_url(&database)),
        port: None,
        env: &[],
        open_files: None,
        log_filter: Some(LOG_FILTER),
        ..Launch::default()
    })
    .await?;
    let base = server.base();

    let records: Vec<Arc<Mutex<SeqRecord>>> = (0..S1_STREAMS).map(|_| Arc::default()).collect();
    let mut readers = Tasks::default();
    for record in &records {
        let stream = EventStream::open(server.port, Some(0), None).await?;
        let record = Arc::clone(record);
        readers.spawn(async move { follow(stream, &record).await });
    }

    let client = http_client();
    let started = Instant::now();
    let deadline = started + S1_DURATION;
    let mut writers = Tasks::default();
    for writer in 0..S1_WRITERS {
        let (client, base) = (client.clone(), base.clone());
        writers.spawn(async move {
            let mut log = WriterLog::default();
            let mut n = 0;
            while Instant::now() < deadline {
                let name = format!("s1 writer {writer} write {n}");
                let key = format!("reliability-s1-{writer:03}-{n:07}");
                let sent = Instant::now();
                match create(&client, &base, &name, &key).await {
                    Created::Ack(ack) => {
                        log.latencies.push(sent.elapsed());
                        log.acked.push(ack);
                    }
                    Created::Status(status, _) => {
                        log.error_latencies.push(sent.elapsed());
                        *log.errors.entry(status.to_string()).or_default() += 1;
                    }
                    Created::Failed(error) => {
                        log.error_latencies.push(sent.elapsed());
                        *log.errors.entry(error).or_default() += 1;
                    }
                }
                n += 1;
            }
            log
        });
    }
    let logs = writers.join().await;
    let elapsed = started.elapsed();
    let mut all = WriterLog::default();
    for log in logs {
        all.acked.extend(log.acked);
        all.latencies.extend(log.latencies);
        all.error_latencies.extend(log.error_latencies);
        for (error, n) in log.errors {
            *all.errors.entry(error).or_default() += n;
        }
    }

    let pool = open_database(&database).await?;
    let (_, target) = database_log(&pool).await?;
    pool.close().await;
    let caught_up = catch_up(&records, target, Duration::from_secs(15)).await;
    drop(readers);
    let alive = {
        let mut server = server;
        let alive = server.alive();
        let warnings = server.warnings();
        server.kill();
        (alive, warnings)
    };
    let audit = audit(&database, &all.acked, "s1 ").await?;

    let records: Vec<SeqRecord> = records.iter().map(|r| r.lock().unwrap().clone()).collect();
    let received: Vec<u64> = records.iter().map(|r| r.received).collect();
    let gaps: u64 = records.iter().map(|r| r.gaps).sum();
    let duplicates: u64 = records.iter().map(|r| r.duplicates).sum();
    let resets: u64 = records.iter().map(|r| r.resets).sum();
    let behind = records.iter().filter(|r| r.last < target).count();
    let attempts = all.acked.len() + all.errors.values().sum::<usize>();

    table(&format!(
        "1. {S1_WRITERS} concurrent writers for {} s, {S1_STREAMS} event streams from after=0",
        S1_DURATION.as_secs()
    ));
    row("create requests sent", attempts);
    row(
        "acknowledged writes (200 with an id)",
        format!(
            "{} ({:.0}/s)",
            all.acked.len(),
            all.acked.len() as f64 / elapsed.as_secs_f64()
        ),
    );
    row("errors, by status", counts(&all.errors));
    row("lost (acknowledged, missing from the database)", audit.lost);
    row(
        "rows in the database / change-log entries",
        format!("{} / {}", audit.rows, audit.log_entries),
    );
    row("write latency, acknowledged", spread(&mut all.latencies));
    if !all.error_latencies.is_empty() {
        row("write latency, errors", spread(&mut all.error_latencies));
    }
    row(
        "events received per stream (expected)",
        format!(
            "min {}, max {} ({})",
            received.iter().min().unwrap_or(&0),
            received.iter().max().unwrap_or(&0),
            target
        ),
    );
    row(
        "seq gaps / duplicates, all streams",
        format!("{gaps} / {duplicates}"),
    );
    row(
        "streams reset / behind the log at the end",
        format!("{resets} / {behind}"),
    );
    row("streams caught up after the writers stopped", ms(caught_up));
    row("server alive at the end", alive.0);
    row("server WARN/ERROR log lines", warning_summary(&alive.1));

    findings.check(audit.lost == 0, || {
        format!("1: {} acknowledged writes lost", audit.lost)
    });
    findings.check(gaps == 0 && duplicates == 0 && resets == 0, || {
        format!("1: streams saw {gaps} gaps, {duplicates} duplicates, {resets} resets")
    });
    findings.check(behind == 0, || {
        format!("1: {behind} streams did not reach seq {target}")
    });
    findings.check(
        received.iter().all(|&n| n as i64 == audit.log_entries),
        || {
            format!(
                "1: events per stream {received:?} differ from the {} log entries",
                audit.log_entries
            )
        },
    );
    findings.check(audit.newest_seq == target, || {
        "1: log moved after the writers stopped".into()
    });
    findings.check(alive.0, || "1: the server died".into());
    Ok(())
}

// ---------------------------------------------------------------------------------------
// 2. kill -9 under write load
// ---------------------------------------------------------------------------------------

const S2_WRITERS: usize = 50;
const S2_KILLS: usize = 3;
const S2_BETWEEN_KILLS: Duration = Duration::from_secs(3);

async fn crash_writer(
    client: reqwest::Client,
    base: String,
    writer: usize,
    stop: Arc<AtomicBool>,
) -> WriterLog {
    let mut log = WriterLog::default();
    let mut n = 0;
    while !stop.load(Ordering::Relaxed) {
        // The same key on every retry: a create whose answer was lost to a kill is
        // answered with the list it made, not made twice.
        let name = format!("s2 writer {writer} write {n}");
        let key = format!("reliability-s2-{writer:03}-{n:07}");
        let first = Instant::now();
        let mut attempts = 0;
        loop {
            attempts += 1;
            let sent = unix_now();
            match create(&client, &base, &name, &key).await {
                Created::Ack(ack) => {
                    log.latencies.push(first.elapsed());
                    if attempts > 1 {
                        log.retried.push((ack.id, sent));
                    }
                    log.acked.push(ack);
                    break;
                }
                Created::Status(503, _) => {
                    *log.errors.entry("503 (retried)".into()).or_default() += 1;
                }
                Created::Status(status, _) => {
                    *log.errors.entry(status.to_string()).or_default() += 1;
                    break;
                }
                Created::Failed(error) => {
                    *log.errors.entry(format!("{error} (retried)")).or_default() += 1;
                }
            }
            if first.elapsed() > Duration::from_secs(20) {
                log.abandoned += 1;
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        n += 1;
    }
    log
}

/// A stream that reconnects whenever it drops, resuming with `Last-Event-ID`.
async fn resuming_stream(port: u16, record: Arc<Mutex<SeqRecord>>) {
    let mut first = true;
    loop {
        let last = record.lock().unwrap().last;
        let opened = if first {
            EventStream::open(port, Some(0), None).await
        } else {
            EventStream::open(port, None, Some(last)).await
        };
        if let Ok(stream) = opened {
            if !first {
                record.lock().unwrap().reconnects += 1;
            }
            first = false;
            follow(stream, &record).await;
            if record.lock().unwrap().resets > 0 {
                record.lock().unwrap().ended = true;
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn kill_nine(findings: &Findings) -> Result<()> {
    let dir = tempfile::tempdir().map_err(|error| error.to_string())?;
    let database = dir.path().join("lists.db");
    let mut server = Server::start(Launch {
        database_url: Some(&database_url(&database)),
        port: None,
        env: &[],
        open_files: None,
        log_filter: Some(LOG_FILTER),
        ..Launch::default()
    })
    .await?;
    let port = server.port;
    let base = server.base();

    let record = Arc::new(Mutex::new(SeqRecord::default()));
    let mut reader = Tasks::default();
    reader.spawn(resuming_stream(port, Arc::clone(&record)));

    let client = http_client();
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Tasks::default();
    for writer in 0..S2_WRITERS {
        writers.spawn(crash_writer(
            client.clone(),
            base.clone(),
            writer,
            Arc::clone(&stop),
        ));
    }
    let mut restarts = Vec::new();
    let mut warnings = Vec::new();
    for _ in 0..S2_KILLS {
        tokio::time::sleep(S2_BETWEEN_KILLS).await;
        warnings.extend(server.warnings());
        server.kill();
        let killed = Instant::now();
        server = Server::start(Launch {
            database_url: Some(&database_url(&database)),
            port: Some(port),
            log_filter: Some(LOG_FILTER),
            ..Launch::default()
        })
        .await?;
        restarts.push(killed.elapsed());
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    stop.store(true, Ordering::Relaxed);
    let logs = writers.join().await;
    let mut all = WriterLog::default();
    for log in logs {
        all.acked.extend(log.acked);
        all.latencies.extend(log.latencies);
        all.retried.extend(log.retried);
        all.abandoned += log.abandoned;
        for (error, n) in log.errors {
            *all.errors.entry(error).or_default() += n;
        }
    }

    let pool = open_database(&database).await?;
    let (_, target) = database_log(&pool).await?;
    pool.close().await;
    let caught_up = catch_up(&[Arc::clone(&record)], target, Duration::from_secs(15)).await;
    drop(reader);
    let alive = server.alive();
    warnings.extend(server.warnings());
    server.kill();
    let audit = audit(&database, &all.acked, "s2 ").await?;
    let stream = record.lock().unwrap().clone();
    // A retried create either had committed before the kill (its answer was lost, and
    // the retry was answered from its key) or had not (the retry made it).
    let pool = open_database(&database).await?;
    let created = created_at(&pool).await?;
    pool.close().await;
    let replayed = all
        .retried
        .iter()
        .filter(|(id, sent)| created.get(id).is_some_and(|at| *at < sent - 0.005))
        .count();

    table(&format!(
        "2. kill -9 x{S2_KILLS} under {S2_WRITERS} writers (every {} s), restarts on the same port and database",
        S2_BETWEEN_KILLS.as_secs()
    ));
    row(
        "restart time, kill to listening",
        restarts
            .iter()
            .map(|d| ms(*d))
            .collect::<Vec<_>>()
            .join(", "),
    );
    row("acknowledged writes (200 with an id)", all.acked.len());
    row(
        "acknowledged only after retrying the same key: committed before the kill (answered from the key) / by the retry",
        format!(
            "{}: {replayed} / {}",
            all.retried.len(),
            all.retried.len() - replayed
        ),
    );
    row("failed attempts, by kind", counts(&all.errors));
    row("writes abandoned unacknowledged", all.abandoned);
    row("rows in the database", audit.rows);
    row("lost (acknowledged, missing from the database)", audit.lost);
    row(
        "rows never acknowledged / duplicate names",
        format!("{} / {}", audit.unacknowledged_rows, audit.duplicate_names),
    );
    row("write latency incl. retries", spread(&mut all.latencies));
    row(
        "resuming stream: events received / log entries / newest seq",
        format!(
            "{} / {} / {}",
            stream.received, audit.log_entries, audit.newest_seq
        ),
    );
    row(
        "resuming stream: reconnects with Last-Event-ID",
        stream.reconnects,
    );
    row(
        "resuming stream: gaps / duplicates / resets",
        format!(
            "{} / {} / {}",
            stream.gaps, stream.duplicates, stream.resets
        ),
    );
    row(
        "resuming stream caught up after the writers stopped",
        ms(caught_up),
    );
    row("server alive at the end", alive);
    row("server WARN/ERROR log lines", warning_summary(&warnings));

    findings.check(audit.lost == 0, || {
        format!("2: {} acknowledged writes lost after kill -9", audit.lost)
    });
    findings.check(audit.duplicate_names == 0, || {
        format!("2: {} duplicate rows after retries", audit.duplicate_names)
    });
    findings.check(
        stream.gaps == 0 && stream.duplicates == 0 && stream.resets == 0,
        || {
            format!(
                "2: the resuming stream saw {} gaps, {} duplicates, {} resets",
                stream.gaps, stream.duplicates, stream.resets
            )
        },
    );
    findings.check(
        stream.last == audit.newest_seq && stream.received as i64 == audit.log_entries,
        || {
            format!(
                "2: the resuming stream reached seq {} with {} events; the log has {} entries up to {}",
                stream.last, stream.received, audit.log_entries, audit.newest_seq
            )
        },
    );
    findings.check(stream.reconnects >= S2_KILLS as u64, || {
        format!("2: the stream reconnected {} times", stream.reconnects)
    });
    Ok(())
}

// ---------------------------------------------------------------------------------------
// 3. Another process holds the write lock
// ---------------------------------------------------------------------------------------

const S3_LOCK: Duration = Duration::from_secs(12);
const S3_READERS: usize = 4;
const S3_WRITERS: usize = 10;

struct Timed {
    outcome: String,
    sent: Instant,
    latency: Duration,
    retry_after: Option<String>,
}

async fn write_lock(findings: &Findings) -> Result<()> {
    let dir = tempfile::tempdir().map_err(|error| error.to_string())?;
    let database = dir.path().join("lists.db");
    seed(&database, 50).await?;
    let mut server = Server::start(Launch {
        database_url: Some(&database_url(&database)),
        port: None,
        env: &[],
        open_files: None,
        log_filter: Some(LOG_FILTER),
        ..Launch::default()
    })
    .await?;
    let base = server.base();
    let client = http_client();

    // Pages before the lock, for comparison.
    let mut baseline = Vec::new();
    let warm_until = Instant::now() + Duration::from_secs(1);
    while Instant::now() < warm_until {
        let sent = Instant::now();
        if let Ok(response) = client.get(format!("{base}/notes")).send().await {
            let _ = response.bytes().await;
            baseline.push(sent.elapsed());
        }
    }

    let options = SqliteConnectOptions::new()
        .filename(&database)
        .journal_mode(SqliteJournalMode::Wal)
        .busy_timeout(Duration::from_secs(10));
    let mut holder = sqlx::SqliteConnection::connect_with(&options)
        .await
        .map_err(|error| error.to_string())?;
    holder
        .execute("BEGIN IMMEDIATE")
        .await
        .map_err(|error| format!("BEGIN IMMEDIATE: {error}"))?;
    let locked = Instant::now();
    let release = locked + S3_LOCK;

    let mut readers = Tasks::default();
    for _ in 0..S3_READERS {
        let (client, base) = (client.clone(), base.clone());
        readers.spawn(async move {
            let mut samples = Vec::new();
            while Instant::now() < release {
                let sent = Instant::now();
                let outcome = match client.get(format!("{base}/notes")).send().await {
                    Ok(response) => {
                        let status = response.status().as_u16().to_string();
                        match response.bytes().await {
                            Ok(_) => status,
                            Err(error) => error_kind(&error),
                        }
                    }
                    Err(error) => error_kind(&error),
                };
                samples.push(Timed {
                    outcome,
                    sent,
                    latency: sent.elapsed(),
                    retry_after: None,
                });
            }
            samples
        });
    }
    let mut writers = Tasks::default();
    for writer in 0..S3_WRITERS {
        let (client, base) = (client.clone(), base.clone());
        writers.spawn(async move {
            let mut samples = Vec::new();
            let mut n = 0;
            while Instant::now() < release {
                let sent = Instant::now();
                let name = format!("s3 writer {writer} write {n}");
                let key = format!("reliability-s3-{writer:03}-{n:07}");
                let (outcome, retry_after) = match create(&client, &base, &name, &key).await {
                    Created::Ack(_) => ("200".to_owned(), None),
                    Created::Status(status, retry_after) => (status.to_string(), retry_after),
                    Created::Failed(error) => (error, None),
                };
                samples.push(Timed {
                    outcome,
                    sent,
                    latency: sent.elapsed(),
                    retry_after,
                });
                n += 1;
            }
            samples
        });
    }
    tokio::time::sleep_until(release.into()).await;
    holder
        .execute("ROLLBACK")
        .await
        .map_err(|error| format!("ROLLBACK: {error}"))?;
    let released = Instant::now();
    drop(holder);
    let pages: Vec<Timed> = readers.join().await.into_iter().flatten().collect();
    let writes: Vec<Timed> = writers.join().await.into_iter().flatten().collect();

    // How soon writes succeed again.
    let mut recovery = None;
    let mut probe = 0;
    while released.elapsed() < Duration::from_secs(15) {
        let sent = Instant::now();
        let key = format!("reliability-s3-probe-{probe:07}");
        probe += 1;
        if let Created::Ack(_) = create(&client, &base, &format!("s3 probe {probe}"), &key).await {
            recovery = Some((released.elapsed(), sent.elapsed()));
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let alive = server.alive();
    let warnings = server.warnings();
    server.kill();

    let mut page_outcomes = BTreeMap::new();
    let mut page_latencies = Vec::new();
    for page in &pages {
        *page_outcomes.entry(page.outcome.clone()).or_insert(0) += 1;
        page_latencies.push(page.latency);
    }
    let answered_locked = |t: &Timed| t.sent + t.latency <= released;
    let mut during = BTreeMap::new();
    let mut after = BTreeMap::new();
    let mut busy_latencies = Vec::new();
    let mut retry_afters = BTreeMap::new();
    for write in &writes {
        let map = if answered_locked(write) {
            &mut during
        } else {
            &mut after
        };
        *map.entry(write.outcome.clone()).or_insert(0) += 1;
        if write.outcome == "503" {
            busy_latencies.push(write.latency);
            *retry_afters
                .entry(write.retry_after.clone().unwrap_or_else(|| "none".into()))
                .or_insert(0) += 1;
        }
    }
    let not_503_during: usize = during
        .iter()
        .filter(|(outcome, _)| *outcome != "503")
        .map(|(_, n)| n)
        .sum();
    let min_busy = busy_latencies.iter().min().copied();

    table(&format!(
        "3. another process holds the write lock for {} s (WRITE_WAIT_MS default 5000)",
        S3_LOCK.as_secs()
    ));
    row("GET /notes before the lock", spread(&mut baseline));
    row(
        &format!("GET /notes during the lock, {S3_READERS} clients"),
        spread(&mut page_latencies),
    );
    row(
        "GET /notes outcomes during the lock",
        counts(&page_outcomes),
    );
    row(
        &format!("creates answered while the lock was held ({S3_WRITERS} writers)"),
        counts(&during),
    );
    row(
        "creates answered after the lock was released",
        counts(&after),
    );
    row("503 latency", spread(&mut busy_latencies));
    row("503 Retry-After values", counts(&retry_afters));
    row(
        "first create acknowledged after the release",
        match recovery {
            Some((since, latency)) => format!(
                "{} after the release (request took {})",
                ms(since),
                ms(latency)
            ),
            None => "none within 15 s".into(),
        },
    );
    row("server alive at the end", alive);
    row("server WARN/ERROR log lines", warning_summary(&warnings));

    let page_p99 = percentile(&page_latencies, 0.99);
    findings.check(
        page_outcomes.keys().all(|outcome| outcome == "200") && page_p99 < Duration::from_secs(1),
        || {
            format!(
                "3: pages during the lock: {page_outcomes:?}, p99 {}",
                ms(page_p99)
            )
        },
    );
    findings.check(not_503_during == 0 && !busy_latencies.is_empty(), || {
        format!("3: writes during the lock were answered {during:?}")
    });
    findings.check(
        min_busy.is_none_or(|min| min >= Duration::from_millis(4900)),
        || {
            format!(
                "3: a 503 came before WRITE_WAIT_MS: {}",
                ms(min_busy.unwrap_or_default())
            )
        },
    );
    findings.check(
        recovery.is_some_and(|(since, _)| since < Duration::from_secs(2)),
        || "3: writes did not recover within 2 s of the lock's release".into(),
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------
// 4. Idle sockets against a 1,024 open-file limit
// ---------------------------------------------------------------------------------------

const S4_SOCKETS: usize = 1_100;
const S4_OPEN_FILES: u64 = 1_024;

async fn idle_sockets(findings: &Findings) -> Result<()> {
    let dir = tempfile::tempdir().map_err(|error| error.to_string())?;
    let database = dir.path().join("lists.db");
    seed(&database, 50).await?;
    let mut server = Server::start(Launch {
        database_url: Some(&database_url(&database)),
        port: None,
        env: &[],
        open_files: Some(S4_OPEN_FILES),
        log_filter: Some(LOG_FILTER),
        ..Launch::default()
    })
    .await?;
    let base = server.base();
    let port = server.port;
    let pid = server.pid();
    let cap = server.max_connections;
    let limit = max_open_files(pid);
    let backlog = listen_backlog(port);
    let fds_idle = open_fds(pid);
    let kernel_before = listen_counters();

    // All at once, as a flood would: each socket connects (the kernel may make it retry
    // its SYN while the accept queue is full) and then sends nothing.
    let started = Instant::now();
    let sockets = Arc::new(Mutex::new(Vec::with_capacity(S4_SOCKETS)));
    let connect_times = Arc::new(Mutex::new(Vec::with_capacity(S4_SOCKETS)));
    let mut connects = Tasks::default();
    for _ in 0..S4_SOCKETS {
        let (sockets, connect_times) = (Arc::clone(&sockets), Arc::clone(&connect_times));
        connects.spawn(async move {
            let sent = Instant::now();
            if let Ok(socket) = TcpStream::connect(("127.0.0.1", port)).await {
                connect_times.lock().unwrap().push(sent.elapsed());
                sockets.lock().unwrap().push(socket);
            }
        });
    }
    // The worst case: wait until idle sockets hold every connection slot (or 8 s, less
    // than the header time-out that frees them), then send a real request.
    let full = fds_idle + cap.unwrap_or(768);
    while open_fds(pid) < full && started.elapsed() < Duration::from_secs(8) {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let slots_full_after = started.elapsed();
    let connected_early = sockets.lock().unwrap().len();
    let fds_flooded = open_fds(pid);
    let queued = accept_queue(port);
    let ((page, page_time), (write, write_time)) = tokio::join!(
        timed_get(&base, Duration::from_secs(30)),
        timed_create(
            &base,
            "s4 create during idle flood",
            "reliability-s4-create-0001",
            Duration::from_secs(30),
        )
    );
    let since_flood = started.elapsed();
    // Which idle sockets has the server closed by now?
    let (connected, closed) = {
        let sockets = sockets.lock().unwrap();
        let closed = sockets
            .iter()
            .filter(|socket| {
                let mut byte = [0; 1];
                match socket.try_read(&mut byte) {
                    Ok(_) => true,
                    Err(error) => error.kind() != std::io::ErrorKind::WouldBlock,
                }
            })
            .count();
        (sockets.len(), closed)
    };
    drop(connects);
    sockets.lock().unwrap().clear();
    let kernel_after = listen_counters();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (page_after, page_after_time) = timed_get(&base, Duration::from_secs(10)).await;
    let alive = server.alive();
    let warnings = server.warnings();
    let accept_warnings = warnings
        .iter()
        .filter(|line| line.contains("could not accept"))
        .count();
    server.kill();
    let mut connect_times = connect_times.lock().unwrap().clone();

    table(&format!(
        "4. {S4_SOCKETS} idle sockets (send nothing), server under `prlimit --nofile={S4_OPEN_FILES}:{S4_OPEN_FILES}`, HEADER_READ_TIMEOUT_SECS default 10"
    ));
    row("server open-file limit (soft / hard)", &limit);
    row(
        "server connection cap (max_connections in its log) / listen backlog (ss)",
        format!(
            "{} / {backlog}",
            cap.map_or("?".into(), |cap| cap.to_string())
        ),
    );
    row(
        "every connection slot held by idle sockets after",
        ms(slots_full_after),
    );
    row(
        "then: idle sockets connected (client side) / server descriptors (idle) / accept queue",
        format!("{connected_early} of {S4_SOCKETS} / {fds_flooded} ({fds_idle}) / {queued}"),
    );
    row(
        "GET /notes sent then (fresh connection)",
        format!("{page} in {}", ms(page_time)),
    );
    row(
        "POST create sent then (fresh connection)",
        format!("{write} in {}", ms(write_time)),
    );
    row(
        "idle sockets connected / closed by the server, when both were answered",
        format!(
            "{connected} / {closed}, {} after the flood started",
            ms(since_flood)
        ),
    );
    row("idle socket connect time", spread(&mut connect_times));
    row(
        "kernel ListenOverflows / ListenDrops during the flood",
        format!(
            "{} / {}",
            kernel_after.0.saturating_sub(kernel_before.0),
            kernel_after.1.saturating_sub(kernel_before.1)
        ),
    );
    row(
        "GET /notes once the idle sockets are gone",
        format!("{page_after} in {}", ms(page_after_time)),
    );
    row(
        "server alive at the end / \"could not accept\" warnings",
        format!("{alive} / {accept_warnings}"),
    );
    row("server WARN/ERROR log lines", warning_summary(&warnings));

    findings.check(page == "200" && page_time < Duration::from_secs(5), || {
        format!(
            "4: GET /notes during the idle flood: {page} in {} (idle sockets held every \
             connection slot)",
            ms(page_time)
        )
    });
    findings.check(
        write == "200" && write_time < Duration::from_secs(5),
        || {
            format!(
                "4: create during the idle flood: {write} in {}",
                ms(write_time)
            )
        },
    );
    findings.check(alive && page_after == "200", || {
        format!("4: after the flood: alive {alive}, GET /notes {page_after}")
    });
    Ok(())
}

// ---------------------------------------------------------------------------------------
// 5. Slow-header clients
// ---------------------------------------------------------------------------------------

const S5_CLIENTS: usize = 2_000;
const S5_HEADER_TIMEOUT_SECS: u64 = 5;
const S5_WATCH: Duration = Duration::from_secs(40);

#[derive(Default)]
struct Slow {
    connected: bool,
    /// From connecting to the server closing the connection.
    closed_after: Option<Duration>,
    /// The server wrote something back (a 408, say) before closing.
    answered: bool,
    bytes_sent: usize,
}

/// Connects, then sends a request head one byte a second, never finishing it.
async fn slow_client(port: u16, until: Instant) -> Slow {
    let mut slow = Slow::default();
    let Ok(Ok(tcp)) =
        tokio::time::timeout_at(until.into(), TcpStream::connect(("127.0.0.1", port))).await
    else {
        return slow;
    };
    slow.connected = true;
    let connected = Instant::now();
    let head = format!(
        "GET /notes HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Slow: {}",
        "a".repeat(200)
    );
    let (mut read, mut write) = tcp.into_split();
    let mut ticker = tokio::time::interval(Duration::from_secs(1));
    let mut buffer = [0; 1024];
    loop {
        tokio::select! {
            () = tokio::time::sleep_until(until.into()) => return slow,
            received = read.read(&mut buffer) => match received {
                Ok(0) | Err(_) => break,
                Ok(_) => slow.answered = true,
            },
            _ = ticker.tick() => {
                let byte = head.as_bytes()[slow.bytes_sent % head.len()];
                if write.write_all(&[byte]).await.is_err() {
                    break;
                }
                slow.bytes_sent += 1;
            }
        }
    }
    slow.closed_after = Some(connected.elapsed());
    slow
}

async fn slow_headers(findings: &Findings) -> Result<()> {
    let dir = tempfile::tempdir().map_err(|error| error.to_string())?;
    let database = dir.path().join("lists.db");
    seed(&database, 50).await?;
    let timeout = S5_HEADER_TIMEOUT_SECS.to_string();
    let mut server = Server::start(Launch {
        database_url: Some(&database_url(&database)),
        port: None,
        env: &[("HEADER_READ_TIMEOUT_SECS", &timeout)],
        open_files: None,
        log_filter: Some(LOG_FILTER),
        ..Launch::default()
    })
    .await?;
    let base = server.base();
    let pid = server.pid();
    let cap = server.max_connections;
    let rss_before = rss_kib(pid);
    let fds_before = open_fds(pid);
    let backlog = listen_backlog(server.port);
    let kernel_before = listen_counters();

    let started = Instant::now();
    let until = started + S5_WATCH;
    let mut clients = Tasks::default();
    for _ in 0..S5_CLIENTS {
        clients.spawn(slow_client(server.port, until));
    }
    // The server's descriptors and memory at their highest during the flood.
    let peak = Arc::new(Mutex::new((0usize, 0u64)));
    let mut sampler: Tasks<()> = Tasks::default();
    {
        let peak = Arc::clone(&peak);
        sampler.spawn(async move {
            loop {
                let (fds, rss) = (open_fds(pid), rss_kib(pid));
                {
                    let mut peak = peak.lock().unwrap();
                    peak.0 = peak.0.max(fds);
                    peak.1 = peak.1.max(rss);
                }
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        });
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let ((page, page_time), (write, write_time)) = tokio::join!(
        timed_get(&base, Duration::from_secs(20)),
        timed_create(
            &base,
            "s5 create during slow flood",
            "reliability-s5-create-0001",
            Duration::from_secs(20)
        )
    );
    // Each client ends when the server closes it, or when the watch ends.
    let slows = clients.join().await;
    let watched = started.elapsed();
    let fds_end = open_fds(pid);
    let kernel_after = listen_counters();
    drop(sampler);
    let (peak_fds, peak_rss) = *peak.lock().unwrap();
    let (page_after, page_after_time) = timed_get(&base, Duration::from_secs(10)).await;
    let alive = server.alive();
    let warnings = server.warnings();
    server.kill();

    let connected = slows.iter().filter(|slow| slow.connected).count();
    let mut closes: Vec<Duration> = slows.iter().filter_map(|slow| slow.closed_after).collect();
    let deadline = Duration::from_secs(S5_HEADER_TIMEOUT_SECS + 1);
    let in_time = closes.iter().filter(|after| **after <= deadline).count();
    let later = closes.len() - in_time;
    let still_open = connected - closes.len();
    let answered = slows.iter().filter(|slow| slow.answered).count();
    let most_sent = slows.iter().map(|slow| slow.bytes_sent).max().unwrap_or(0);

    table(&format!(
        "5. {S5_CLIENTS} slow-header clients (1 byte/s, never finishing), HEADER_READ_TIMEOUT_SECS={S5_HEADER_TIMEOUT_SECS}, watched up to {} s",
        S5_WATCH.as_secs()
    ));
    row(
        "server connection cap (max_connections in its log) / listen backlog (ss)",
        format!(
            "{} / {backlog}",
            cap.map_or("?".into(), |cap| cap.to_string())
        ),
    );
    row(
        "slow clients connected",
        format!("{connected} of {S5_CLIENTS}"),
    );
    row(
        &format!(
            "closed by the server within {} s of connecting",
            deadline.as_secs()
        ),
        in_time,
    );
    row(
        "closed by the server later (waited in the accept queue for a slot first)",
        later,
    );
    row(
        "client sockets still open when the watch ended / server descriptors then (idle)",
        format!(
            "{still_open} after {} / {fds_end} (idle: {fds_before})",
            ms(watched)
        ),
    );
    row("time from connecting to being closed", spread(&mut closes));
    row(
        "closed with a response (e.g. 408) / most header bytes one client sent",
        format!("{answered} / {most_sent}"),
    );
    row(
        "GET /notes 2 s into the flood (fresh connection)",
        format!("{page} in {}", ms(page_time)),
    );
    row(
        "POST create 2 s into the flood (fresh connection)",
        format!("{write} in {}", ms(write_time)),
    );
    row(
        "kernel ListenOverflows / ListenDrops during the flood",
        format!(
            "{} / {}",
            kernel_after.0.saturating_sub(kernel_before.0),
            kernel_after.1.saturating_sub(kernel_before.1)
        ),
    );
    row(
        "GET /notes after the flood",
        format!("{page_after} in {}", ms(page_after_time)),
    );
    row(
        "server descriptors / RSS at their peak",
        format!("{peak_fds} / {peak_rss} KiB (RSS before: {rss_before} KiB)"),
    );
    row("server alive at the end", alive);
    row("server WARN/ERROR log lines", warning_summary(&warnings));

    findings.check(page == "200" && page_time < Duration::from_secs(10), || {
        format!(
            "5: GET /notes during the slow flood: {page} in {}",
            ms(page_time)
        )
    });
    findings.check(
        write == "200" && write_time < Duration::from_secs(10),
        || {
            format!(
                "5: create during the slow flood: {write} in {}",
                ms(write_time)
            )
        },
    );
    // Client sockets the server never accepted can look open on the client side for
    // a long time (the kernel dropped their handshake's last ACK): what matters is that
    // the server holds no slow connection past its deadline.
    findings.check(fds_end <= fds_before + 5, || {
        format!(
            "5: the server still held {} connections after {} s",
            fds_end.saturating_sub(fds_before),
            ms(watched)
        )
    });
    findings.check(alive && page_after == "200", || {
        format!("5: after the flood: alive {alive}, GET /notes {page_after}")
    });
    Ok(())
}

// ---------------------------------------------------------------------------------------
// 6. Memory per open event stream
// ---------------------------------------------------------------------------------------

const S6_STREAMS: usize = 1_000;

async fn event_stream_memory(findings: &Findings) -> Result<()> {
    let dir = tempfile::tempdir().map_err(|error| error.to_string())?;
    let database = dir.path().join("lists.db");
    let mut server = Server::start(Launch {
        database_url: Some(&database_url(&database)),
        port: None,
        // 1,000 streams are 1,000 connections: above the default cap of 768.
        env: &[("MAX_EVENT_STREAMS", "2000"), ("MAX_CONNECTIONS", "2000")],
        open_files: None,
        log_filter: Some(LOG_FILTER),
        ..Launch::default()
    })
    .await?;
    let pid = server.pid();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = rss_kib(pid);
    let fds_before = open_fds(pid);
    let started = Instant::now();
    let mut streams = Vec::with_capacity(S6_STREAMS);
    let mut refused = BTreeMap::new();
    for _ in 0..S6_STREAMS {
        let open = EventStream::open(server.port, Some(0), None);
        match tokio::time::timeout(Duration::from_secs(5), open).await {
            Ok(Ok(stream)) => streams.push(stream),
            Ok(Err(error)) => *refused.entry(error).or_insert(0) += 1,
            Err(_) => {
                // Waiting for a connection slot: the rest would wait too.
                *refused.entry("no answer within 5 s".into()).or_insert(0) += 1;
                break;
            }
        }
    }
    let opened_in = started.elapsed();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after = rss_kib(pid);
    let fds_after = open_fds(pid);
    let per_stream = after.saturating_sub(before) as f64 / streams.len().max(1) as f64;

    // Every stream is live: one create reaches them all.
    let created = Instant::now();
    let client = http_client();
    let acked = matches!(
        create(
            &client,
            &server.base(),
            "s6 one event",
            "reliability-s6-event-0001"
        )
        .await,
        Created::Ack(_)
    );
    let mut delivered = 0;
    for stream in &mut streams {
        if let Ok(Ok(Some(SseEvent::Change(_)))) =
            tokio::time::timeout(Duration::from_secs(5), stream.next()).await
        {
            delivered += 1;
        }
    }
    let delivered_in = created.elapsed();
    let opened = streams.len();
    drop(streams);
    tokio::time::sleep(Duration::from_secs(1)).await;
    let closed = rss_kib(pid);
    let fds_closed = open_fds(pid);
    let alive = server.alive();
    let warnings = server.warnings();
    server.kill();

    table(&format!(
        "6. {S6_STREAMS} open event streams (MAX_EVENT_STREAMS=2000, MAX_CONNECTIONS=2000)"
    ));
    row(
        "streams opened / refused",
        format!("{opened} in {} / {}", ms(opened_in), counts(&refused)),
    );
    row("server RSS (VmRSS), idle", format!("{before} KiB"));
    row(
        &format!("server RSS, {opened} open streams"),
        format!("{after} KiB"),
    );
    row("memory per open stream", format!("{per_stream:.1} KiB"));
    row(
        "server RSS 1 s after the streams closed",
        format!("{closed} KiB"),
    );
    row(
        "server descriptors: idle / streams open / streams closed",
        format!("{fds_before} / {fds_after} / {fds_closed}"),
    );
    row(
        "streams that got one create's event",
        format!("{delivered} of {opened}, all within {}", ms(delivered_in)),
    );
    row("server alive at the end", alive);
    row("server WARN/ERROR log lines", warning_summary(&warnings));

    findings.check(opened == S6_STREAMS, || {
        format!("6: only {opened} of {S6_STREAMS} streams opened: {refused:?}")
    });
    findings.check(acked && delivered == opened, || {
        format!("6: the create's event reached {delivered} of {opened} streams")
    });
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------

#[tokio::main]
async fn main() {
    let binary = binary();
    assert!(
        binary.exists(),
        "{} is missing: run scripts/build.sh first",
        binary.display()
    );
    // Thousands of sockets at once: raise this process's own open-file limit.
    if let Ok((_, hard)) = rlimit::getrlimit(rlimit::Resource::NOFILE) {
        let _ = rlimit::increase_nofile_limit(hard);
    }
    let findings = Findings::default();
    let started = Instant::now();
    println!(
        "## Reliability: {} on loopback, {} CPUs",
        binary.display(),
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let scenarios: Vec<(&str, u64)> = vec![
        ("1", 60),
        ("2", 60),
        ("3", 45),
        ("4", 60),
        ("5", 60),
        ("6", 45),
    ];
    // `RELIABILITY_SCENARIOS=1,3` runs only those.
    let only: Option<Vec<String>> = std::env::var("RELIABILITY_SCENARIOS")
        .ok()
        .map(|list| list.split(',').map(|s| s.trim().to_owned()).collect());
    let scenarios: Vec<(&str, u64)> = scenarios
        .into_iter()
        .filter(|(scenario, _)| {
            only.as_ref()
                .is_none_or(|only| only.iter().any(|s| s == scenario))
        })
        .collect();
    let total = scenarios.len();
    let mut completed = 0;
    for (scenario, limit) in scenarios {
        let run = async {
            match scenario {
                "1" => concurrent_writes(&findings).await,
                "2" => kill_nine(&findings).await,
                "3" => write_lock(&findings).await,
                "4" => idle_sockets(&findings).await,
                "5" => slow_headers(&findings).await,
                _ => event_stream_memory(&findings).await,
            }
        };
        match tokio::time::timeout(Duration::from_secs(limit), run).await {
            Ok(Ok(())) => completed += 1,
            Ok(Err(error)) => findings.check(false, || format!("{scenario}: failed: {error}")),
            Err(_) => findings.check(false, || {
                format!("{scenario}: did not finish within {limit} s")
            }),
        }
    }
    let problems = findings.0.lock().unwrap().clone();
    println!(
        "\n**Summary:** {completed} of {total} scenarios completed in {:.0} s; {}",
        started.elapsed().as_secs_f64(),
        if problems.is_empty() {
            "no lost writes, no seq gaps or duplicates, every request answered.".to_owned()
        } else {
            format!("{} problem(s): {}", problems.len(), problems.join("; "))
        }
    );
}
