//! Live feed benchmark, against the real release binary on loopback:
//! - server memory with 1,000 open event streams;
//! - events per second fanned out to 100 streams (a seed of 20,000 lists);
//! - p50 / p99 from a create's HTTP response to its event reaching another stream.
//!
//! Run `scripts/build.sh` first, then `cargo bench -p server --bench live_feed`.

use std::{
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::TcpStream,
};

const ADDR: &str = "127.0.0.1:3195";
const STREAMS_FOR_MEMORY: usize = 1_000;
const STREAMS_FOR_FAN_OUT: usize = 100;
const FAN_OUT_EVENTS: usize = 20_000;
const LATENCY_SAMPLES: usize = 300;

struct Server {
    child: Child,
    _dir: tempfile::TempDir,
    binary: PathBuf,
    database_url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

async fn start_server() -> Server {
    let dir = tempfile::tempdir().expect("temp dir");
    let binary = root().join("target/release/async-streamer");
    assert!(binary.exists(), "run scripts/build.sh first");
    // BENCH_POSTGRES_URL (a cluster's `postgres` database): run on a new PostgreSQL
    // database there instead of a SQLite file (scripts/bench-postgres.sh).
    let database_url = match std::env::var("BENCH_POSTGRES_URL") {
        Ok(admin) => {
            let base = admin
                .rsplit_once('/')
                .map_or(admin.as_str(), |(base, _)| base);
            let unique = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |since| since.as_nanos());
            format!("{base}/bench_{unique}")
        }
        Err(_) => format!("sqlite://{}", dir.path().join("lists.db").display()),
    };
    let child = Command::new(&binary)
        .arg("serve")
        .env("DATABASE_URL", &database_url)
        .env("LEPTOS_SITE_ADDR", ADDR)
        .env("LEPTOS_SITE_ROOT", root().join("target/site"))
        // The defaults (512 streams, 768 connections) are below what this bench opens.
        .env("MAX_EVENT_STREAMS", "2000")
        .env("MAX_CONNECTIONS", "2000")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("server starts");
    for _ in 0..100 {
        if TcpStream::connect(ADDR).await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Server {
        child,
        _dir: dir,
        binary,
        database_url,
    }
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmRSS:"))
                .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// An open `text/event-stream`, read line by line.
struct Stream(BufReader<TcpStream>);

impl Stream {
    async fn open(after: i64) -> Self {
        let mut tcp = TcpStream::connect(ADDR).await.expect("connect");
        tcp.set_nodelay(true).expect("nodelay");
        let request = format!(
            "GET /api/lists/events?after={after} HTTP/1.1\r\nHost: {ADDR}\r\nAccept: text/event-stream\r\n\r\n"
        );
        tcp.write_all(request.as_bytes()).await.expect("request");
        let mut stream = Self(BufReader::new(tcp));
        // Headers, then the `retry:` hint that opens every stream.
        let mut line = String::new();
        loop {
            line.clear();
            stream.0.read_line(&mut line).await.expect("read");
            if line.starts_with("retry:") {
                return stream;
            }
        }
    }

    /// Reads until the next `change` event and returns its id.
    async fn next_change(&mut self) -> i64 {
        let mut line = String::new();
        let mut in_change = false;
        loop {
            line.clear();
            let read = self.0.read_line(&mut line).await.expect("read");
            assert!(read > 0, "stream ended");
            if line.starts_with("event: change") {
                in_change = true;
            } else if in_change {
                if let Some(id) = line.strip_prefix("id: ") {
                    return id.trim().parse().expect("numeric id");
                }
            }
        }
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

async fn memory(server: &Server) -> Vec<Stream> {
    let pid = server.child.id();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = rss_kib(pid);
    let mut streams = Vec::with_capacity(STREAMS_FOR_MEMORY);
    for _ in 0..STREAMS_FOR_MEMORY {
        streams.push(Stream::open(0).await);
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after = rss_kib(pid);
    println!("| server RSS, idle | {before} KiB |");
    println!("| server RSS, {STREAMS_FOR_MEMORY} open event streams | {after} KiB |");
    println!(
        "| memory per open stream | {:.1} KiB |",
        (after.saturating_sub(before)) as f64 / STREAMS_FOR_MEMORY as f64
    );
    streams
}

async fn fan_out(server: &Server, streams: Vec<Stream>) {
    let started = Instant::now();
    let readers: Vec<_> = streams
        .into_iter()
        .map(|mut stream| {
            tokio::spawn(async move {
                for _ in 0..FAN_OUT_EVENTS {
                    stream.next_change().await;
                }
            })
        })
        .collect();
    let seeded = Command::new(&server.binary)
        .args(["seed", "--count", &FAN_OUT_EVENTS.to_string()])
        .env("DATABASE_URL", &server.database_url)
        .env("RUST_LOG", "warn")
        .status()
        .expect("seed runs");
    assert!(seeded.success());
    for reader in readers {
        reader.await.expect("reader");
    }
    let elapsed = started.elapsed();
    let delivered = (STREAMS_FOR_FAN_OUT * FAN_OUT_EVENTS) as f64;
    println!(
        "| fan-out: {FAN_OUT_EVENTS} events to each of {STREAMS_FOR_FAN_OUT} streams | {:.2} s, {:.0} events/s delivered |",
        elapsed.as_secs_f64(),
        delivered / elapsed.as_secs_f64()
    );
}

async fn latency() {
    let client = reqwest::Client::new();
    // The log position to listen from: that of a first create (the page load answers in
    // the browser's binary encoding, a create in JSON).
    let first: serde_json::Value = client
        .post(format!("http://{ADDR}/api/lists/create"))
        .form(&[("name", "latency start")])
        .send()
        .await
        .expect("create")
        .json()
        .await
        .expect("json");
    let mut listener = Stream::open(first["seq"].as_i64().expect("seq")).await;
    let mut samples = Vec::with_capacity(LATENCY_SAMPLES);
    for n in 0..LATENCY_SAMPLES {
        let response = client
            .post(format!("http://{ADDR}/api/lists/create"))
            .form(&[("name", format!("latency {n}"))])
            .send()
            .await
            .expect("create");
        let committed = Instant::now();
        let seq = response.json::<serde_json::Value>().await.expect("json")["seq"]
            .as_i64()
            .expect("seq");
        while listener.next_change().await < seq {}
        samples.push(committed.elapsed());
    }
    samples.sort();
    println!(
        "| commit (create response) to event on another stream, {LATENCY_SAMPLES} samples | p50 {:?}, p99 {:?} |",
        percentile(&samples, 0.50),
        percentile(&samples, 0.99)
    );
}

#[tokio::main]
async fn main() {
    let server = start_server().await;
    println!("| measure | result |\n|---|---|");
    let mut streams = memory(&server).await;
    streams.truncate(STREAMS_FOR_FAN_OUT);
    fan_out(&server, streams).await;
    latency().await;
}
