//! Reliability benchmark, against the real release binary on loopback (SQLite), bounded
//! in time (about a minute and a half; each scenario has a hard limit, 5.5 minutes in all):
//! 1. 200 concurrent writers for 20 s with 20 event streams open: acknowledged writes,
//!    errors, lost writes, write latency, and gaps or duplicates in every event stream;
//! 2. `kill -9` three times under write load, restarting on the same port and database:
//!    every acknowledged write must be in the database, and an event stream that
//!    resumes with `Last-Event-ID` must see every change exactly once;
//! 3. another process holding SQLite's write lock for 12 s: document latency, and writes
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

mod clients;
mod concurrent_writes;
mod database;
mod idle_sockets;
mod kill_nine;
mod report;
mod server_under_test;
mod slow_headers;
mod stream_memory;
#[path = "../support/mod.rs"]
mod support;
mod write_lock;

use clients::*;
use concurrent_writes::*;
use database::*;
use idle_sockets::*;
use kill_nine::*;
use report::*;
use server_under_test::*;
use slow_headers::*;
use stream_memory::*;
use write_lock::*;

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

pub(crate) type Result<T> = std::result::Result<T, String>;

pub(crate) const LOG_FILTER: &str = "info,sqlx=warn,tower_http=warn";

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
