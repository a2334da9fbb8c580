//! Live feed benchmark, against the real release binary on loopback:
//! - server memory with 1,000 open event streams;
//! - events per second fanned out to 100 event streams (a seed of 20,000 lists);
//! - p50 / p99 from a create's HTTP response to its event reaching another event stream
//!   (on PostgreSQL also an event stream of a second instance).
//!
//! Run `scripts/build.sh` first, then `cargo bench -p server --bench live_feed`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A bench stops at the first failure: that is its report.

mod support;

use std::{
    process::Command,
    time::{Duration, Instant},
};
use support::{binary, percentile, rss_kib, Launch, Server};
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::TcpStream,
};

const STREAMS_FOR_MEMORY: usize = 1_000;
const STREAMS_FOR_FAN_OUT: usize = 100;
const FAN_OUT_EVENTS: usize = 20_000;
const LATENCY_SAMPLES: usize = 300;

/// An open `text/event-stream`, read line by line.
struct EventStream(BufReader<TcpStream>);

impl EventStream {
    async fn open(addr: &str, after: i64) -> Self {
        let mut tcp = TcpStream::connect(addr).await.expect("connect");
        tcp.set_nodelay(true).expect("nodelay");
        let request = format!(
            "GET /api/lists/events?after={after} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
        );
        tcp.write_all(request.as_bytes()).await.expect("request");
        let mut stream = Self(BufReader::new(tcp));
        // Headers, then the `retry:` hint that opens every event stream.
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

async fn memory(server: &Server) -> Vec<EventStream> {
    let pid = server.pid();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = rss_kib(pid);
    let mut streams = Vec::with_capacity(STREAMS_FOR_MEMORY);
    for _ in 0..STREAMS_FOR_MEMORY {
        streams.push(EventStream::open(&server.addr(), 0).await);
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

async fn fan_out(server: &Server, streams: Vec<EventStream>) {
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
    let seeded = Command::new(binary())
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

/// From a create's response on `writer` to its event on an event stream of `reader`
/// (the same server, or another instance on the same database).
async fn latency(writer: &Server, reader: &Server, label: &str) {
    let client = reqwest::Client::new();
    // The log position to listen from: that of a first create (a document carries it in
    // the browser's binary encoding, a create's answer in JSON).
    let first: serde_json::Value = client
        .post(format!("{}/api/lists/create", writer.base()))
        .form(&[("name", "latency start")])
        .send()
        .await
        .expect("create")
        .json()
        .await
        .expect("json");
    let mut listener = EventStream::open(&reader.addr(), first["seq"].as_i64().expect("seq")).await;
    let mut samples = Vec::with_capacity(LATENCY_SAMPLES);
    for n in 0..LATENCY_SAMPLES {
        let response = client
            .post(format!("{}/api/lists/create", writer.base()))
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
        "| commit (create response) to event on another stream, {label}, {LATENCY_SAMPLES} samples | p50 {:?}, p99 {:?} |",
        percentile(&samples, 0.50),
        percentile(&samples, 0.99)
    );
}

#[tokio::main]
async fn main() {
    let server = Server::start(Launch {
        log_filter: Some("warn,server::startup=info"),
        ..Launch::default()
    })
    .await
    .expect("server starts");
    println!("| measure | result |\n|---|---|");
    let mut streams = memory(&server).await;
    streams.truncate(STREAMS_FOR_FAN_OUT);
    fan_out(&server, streams).await;
    latency(&server, &server, "same instance").await;
    // On PostgreSQL, through a second instance on the same database: the event crosses
    // over by NOTIFY and the reader's own read of the log.
    if std::env::var_os("BENCH_POSTGRES_URL").is_some() {
        let beside = Server::start(Launch {
            log_filter: Some("warn,server::startup=info"),
            database_url: Some(&server.database_url),
            ..Launch::default()
        })
        .await
        .expect("a second instance starts");
        latency(&server, &beside, "written on one instance, read on another").await;
    }
}
