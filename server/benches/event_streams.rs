//! Ten thousand live screens: open event streams against the release binary with its
//! default settings, on loopback. For 1,000, 10,000 and 20,000 event streams: server
//! memory (and per event stream), server CPU per event per event stream, event → last
//! client p50/p99 (with the load generator's own CPU, which shares the two cores),
//! `/notes` p50 while they are open, and memory once they closed. Then two floods:
//! event streams opened with no position against a 100,000-event log, and event streams
//! refused at the cap (log bytes, `/notes`).
//!
//! Run `scripts/build.sh` first, then `cargo bench -p server --bench event_streams`
//! (`EVENT_STREAMS=1000,10000` picks the sizes). Bounded: about three minutes.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A bench stops at the first failure: that is its report.

mod support;

// The same allocator as the server's, for the floor server this program also runs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::{
    sync::{
        atomic::{AtomicU64, AtomicUsize, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};
use support::{cpu_time, cpu_times, percentile, raise_open_files, rss_kib, Launch, Server};
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::TcpStream,
    task::JoinSet,
};

/// Events sent, one at a time, to every open event stream.
const EVENTS: usize = 40;
/// Enough descriptors for 20,000 event streams on both ends, where the limit can be
/// raised (as root with CAP_SYS_RESOURCE); elsewhere both processes keep the hard
/// limit, and the server's default caps follow it.
const OPEN_FILES: u64 = 65_536;

/// When each event reached each event stream: how many have it, and the last arrival.
struct Arrivals {
    started: Instant,
    first_seq: AtomicU64,
    counts: Vec<AtomicUsize>,
    last_nanos: Vec<AtomicU64>,
}

impl Arrivals {
    fn new() -> Self {
        Self {
            started: Instant::now(),
            first_seq: AtomicU64::new(u64::MAX),
            counts: (0..EVENTS).map(|_| AtomicUsize::new(0)).collect(),
            last_nanos: (0..EVENTS).map(|_| AtomicU64::new(0)).collect(),
        }
    }

    fn arrived(&self, seq: u64) {
        let Some(index) = seq.checked_sub(self.first_seq.load(Ordering::Acquire)) else {
            return;
        };
        let Ok(index) = usize::try_from(index) else {
            return;
        };
        if index < EVENTS {
            let now = self.started.elapsed().as_nanos() as u64;
            self.last_nanos[index].fetch_max(now, Ordering::AcqRel);
            self.counts[index].fetch_add(1, Ordering::AcqRel);
        }
    }
}

/// Opens an event stream with no position (from now), as many screens at once would,
/// and reads it until the bench ends, noting each event's arrival.
async fn open_stream(addr: String, arrivals: Arc<Arrivals>, opened: Arc<AtomicUsize>) {
    let Ok(mut tcp) = TcpStream::connect(&addr).await else {
        return;
    };
    let request = format!(
        "GET /api/lists/events?encoding=postcard HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
    );
    if tcp.write_all(request.as_bytes()).await.is_err() {
        return;
    }
    let mut reader = BufReader::with_capacity(512, tcp);
    let mut line = String::new();
    let mut counted = false;
    loop {
        line.clear();
        match reader.read_line(&mut line).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        if !counted && line.starts_with("retry:") {
            counted = true;
            opened.fetch_add(1, Ordering::AcqRel);
        } else if let Some(id) = line.strip_prefix("id: ") {
            if let Ok(seq) = id.trim().parse() {
                arrivals.arrived(seq);
            }
        }
    }
}

async fn notes_p50(
    client: &reqwest::Client,
    server: &Server,
    path: &str,
    samples: usize,
) -> Duration {
    let mut times = Vec::with_capacity(samples);
    for _ in 0..samples {
        let started = Instant::now();
        if let Ok(response) = client.get(format!("{}{path}", server.base())).send().await {
            let _ = response.bytes().await;
        }
        times.push(started.elapsed());
    }
    times.sort();
    percentile(&times, 0.5)
}

async fn create(client: &reqwest::Client, server: &Server, name: &str) -> Option<u64> {
    let answer: serde_json::Value = client
        .post(format!("{}/api/lists/create", server.base()))
        .form(&[("name", name)])
        .send()
        .await
        .ok()?
        .json()
        .await
        .ok()?;
    answer["seq"].as_u64()
}

/// `size` event streams against the server, or against one of the floor servers.
async fn streams(size: usize, floor: Option<&str>) -> support::Result<()> {
    let server = Server::start(Launch {
        log_filter: Some("warn,server::startup=info"),
        floor,
        ..Launch::default()
    })
    .await?;
    if floor.is_none() {
        server.seed(1_000).await?;
    }
    let client = reqwest::Client::new();
    // One document first, so the idle figure includes the rendered document and its
    // cache.
    notes_p50(&client, &server, "/notes", 5).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle = rss_kib(server.pid());

    let arrivals = Arc::new(Arrivals::new());
    let opened = Arc::new(AtomicUsize::new(0));
    let mut readers = JoinSet::new();
    let started = Instant::now();
    for n in 0..size {
        readers.spawn(open_stream(
            server.addr(),
            Arc::clone(&arrivals),
            Arc::clone(&opened),
        ));
        // At most a few hundred handshakes in flight: the listen backlog is 1,024.
        while n + 1 - opened.load(Ordering::Acquire) > 500
            && started.elapsed() < Duration::from_secs(60)
        {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
    while opened.load(Ordering::Acquire) < size && started.elapsed() < Duration::from_secs(90) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let open = opened.load(Ordering::Acquire);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let with_streams = rss_kib(server.pid());
    let notes = notes_p50(&client, &server, "/notes", 30).await;
    let paged = notes_p50(&client, &server, "/notes?before=500", 30).await;

    // The events to come follow this one in the log.
    let Some(warm_up) = create(&client, &server, "warm-up").await else {
        return Err("a create failed".into());
    };
    arrivals.first_seq.store(warm_up + 1, Ordering::Release);
    let (server_cpu, own_cpu) = (cpu_times(server.pid()), cpu_time(std::process::id()));
    let mut latencies = Vec::with_capacity(EVENTS);
    for n in 0..EVENTS {
        let sent = Instant::now();
        let Some(seq) = create(&client, &server, &format!("event {n}")).await else {
            return Err("a create failed".into());
        };
        let acknowledged = arrivals.started.elapsed().as_nanos() as u64;
        let index = usize::try_from(seq - warm_up - 1).unwrap_or(EVENTS - 1);
        while arrivals.counts[index].load(Ordering::Acquire) < open
            && sent.elapsed() < Duration::from_secs(10)
        {
            tokio::time::sleep(Duration::from_micros(200)).await;
        }
        let last = arrivals.last_nanos[index].load(Ordering::Acquire);
        latencies.push(Duration::from_nanos(last.saturating_sub(acknowledged)));
    }
    let (user, system) = cpu_times(server.pid());
    let (user, system) = (user - server_cpu.0, system - server_cpu.1);
    let server_cpu = user + system;
    let own_cpu = cpu_time(std::process::id()) - own_cpu;
    latencies.sort();
    let deliveries = (EVENTS * open) as f64;

    readers.abort_all();
    while readers.join_next().await.is_some() {}
    tokio::time::sleep(Duration::from_secs(3)).await;
    let closed = rss_kib(server.pid());

    let label = match floor {
        Some("hyper") => "bare hyper, ",
        Some(_) => "bare socket, ",
        None => "",
    };
    println!(
        "| {label}{size} ({open} open) | {idle} → {with_streams} KiB | {:.1} KiB | {:.2} µs ({:.2} user, {:.2} system) | {:.1} / {:.1} ms | {:.2} µs | {:.2} / {:.2} ms | {closed} KiB |",
        with_streams.saturating_sub(idle) as f64 / open.max(1) as f64,
        server_cpu.as_secs_f64() * 1e6 / deliveries,
        user.as_secs_f64() * 1e6 / deliveries,
        system.as_secs_f64() * 1e6 / deliveries,
        percentile(&latencies, 0.5).as_secs_f64() * 1e3,
        percentile(&latencies, 0.99).as_secs_f64() * 1e3,
        own_cpu.as_secs_f64() * 1e6 / deliveries,
        notes.as_secs_f64() * 1e3,
        paged.as_secs_f64() * 1e3,
    );
    Ok(())
}

/// Fifty event streams at once with no position, against a log of 100,000 events: each
/// gets the reconnect hint and then only new events. Measures what they cost and
/// `/notes`.
async fn no_position_flood() -> support::Result<()> {
    let server = Server::start(Launch {
        log_filter: Some("warn,server::startup=info"),
        ..Launch::default()
    })
    .await?;
    server.seed(100_000).await?;
    let client = reqwest::Client::new();
    let before = notes_p50(&client, &server, "/notes?before=50000", 20).await;
    let cpu = cpu_time(server.pid());
    let started = Instant::now();
    let mut flood = JoinSet::new();
    for _ in 0..50 {
        let base = server.base();
        flood.spawn(async move {
            let client = reqwest::Client::new();
            let response = client
                .get(format!("{base}/api/lists/events"))
                .send()
                .await
                .ok()?;
            let mut body = response.bytes_stream();
            let mut bytes = 0;
            // Whatever arrives within a second.
            let until = tokio::time::sleep(Duration::from_secs(1));
            tokio::pin!(until);
            loop {
                tokio::select! {
                    () = &mut until => break,
                    chunk = futures::StreamExt::next(&mut body) => match chunk {
                        Some(Ok(chunk)) => bytes += chunk.len(),
                        _ => break,
                    },
                }
            }
            Some(bytes)
        });
    }
    let during = notes_p50(&client, &server, "/notes?before=50000", 20).await;
    let mut received = 0;
    while let Some(bytes) = flood.join_next().await {
        received += bytes.ok().flatten().unwrap_or(0);
    }
    let elapsed = started.elapsed();
    let cpu = cpu_time(server.pid()) - cpu;
    println!(
        "| 50 streams with no position, 100,000 events kept | {received} bytes in all, {:.2} s, server CPU {:.2} s | `/notes?before=50000` p50 {:.2} ms before, {:.2} ms during |",
        elapsed.as_secs_f64(),
        cpu.as_secs_f64(),
        before.as_secs_f64() * 1e3,
        during.as_secs_f64() * 1e3,
    );
    Ok(())
}

/// Sixteen clients asking for event streams as fast as they can for 5 s against a full
/// cap, with the server's default log filter.
async fn refusal_flood() -> support::Result<()> {
    let server = Server::start(Launch {
        env: &[("MAX_EVENT_STREAMS", "1")],
        ..Launch::default()
    })
    .await?;
    let client = reqwest::Client::new();
    let held = client
        .get(format!("{}/api/lists/events", server.base()))
        .send()
        .await
        .map_err(|error| error.to_string())?;
    let log_before = server.log_bytes();
    let refused = Arc::new(AtomicUsize::new(0));
    let until = Instant::now() + Duration::from_secs(5);
    let mut flood = JoinSet::new();
    for _ in 0..16 {
        let (base, refused) = (server.base(), Arc::clone(&refused));
        flood.spawn(async move {
            let client = reqwest::Client::new();
            while Instant::now() < until {
                if let Ok(response) = client.get(format!("{base}/api/lists/events")).send().await {
                    if response.status() == 503 {
                        refused.fetch_add(1, Ordering::Relaxed);
                    }
                    let _ = response.bytes().await;
                }
            }
        });
    }
    let during = notes_p50(&client, &server, "/notes", 50).await;
    while flood.join_next().await.is_some() {}
    // The count is reported every 10 s.
    tokio::time::sleep(Duration::from_secs(11)).await;
    drop(held);
    println!(
        "| {} streams refused in 5 s (16 clients) | {} bytes of log | `/notes` p50 {:.2} ms during |",
        refused.load(Ordering::Relaxed),
        server.log_bytes() - log_before,
        during.as_secs_f64() * 1e3,
    );
    for line in server
        .log_lines()
        .iter()
        .filter(|line| line.contains("refused"))
    {
        println!("  log: {line}");
    }
    Ok(())
}

#[tokio::main]
async fn main() {
    if let Ok(kind) = std::env::var(support::floor::FLOOR) {
        return support::floor::serve(&kind).await;
    }
    let limit = raise_open_files(OPEN_FILES);
    let sizes: Vec<usize> = std::env::var("EVENT_STREAMS")
        .ok()
        .map(|sizes| {
            sizes
                .split(',')
                .filter_map(|size| size.trim().parse().ok())
                .collect()
        })
        .unwrap_or_else(|| vec![1_000, 10_000, 20_000]);
    // More event streams than this process can open are not tried.
    let sizes: Vec<usize> = sizes
        .into_iter()
        .map(|size| {
            size.min(
                usize::try_from(limit)
                    .unwrap_or(usize::MAX)
                    .saturating_sub(2_600),
            )
        })
        .collect();
    println!("open-file limit: {limit} (server and this process)\n");
    println!("| streams | server RSS idle → open | per stream | server CPU per event per stream | event → last client p50 / p99 | load generator CPU per event per stream | `/notes` / `/notes?before=500` p50 while open | RSS after they closed |");
    println!("|---|---|---|---|---|---|---|---|");
    for &size in &sizes {
        if let Err(error) = streams(size, None).await {
            println!("| {size} | failed: {error} |");
        }
    }
    // The same against the floors: what any event stream costs over hyper before the app's
    // part, and over a socket with no HTTP library.
    if let Some(&size) = sizes.iter().find(|&&size| size == 10_000).or(sizes.last()) {
        for floor in ["hyper", "socket"] {
            if let Err(error) = streams(size, Some(floor)).await {
                println!("| bare {floor}, {size} | failed: {error} |");
            }
        }
    }
    println!("\n| flood | cost | pages meanwhile |\n|---|---|---|");
    if let Err(error) = no_position_flood().await {
        println!("| no position | failed: {error} |");
    }
    if let Err(error) = refusal_flood().await {
        println!("| refusals | failed: {error} |");
    }
}
