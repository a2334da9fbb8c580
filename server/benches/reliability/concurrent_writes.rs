//! Scenario 1: 200 writers, 20 event streams.

use super::*;

pub(crate) const S1_WRITERS: usize = 200;
pub(crate) const S1_STREAMS: usize = 20;
pub(crate) const S1_DURATION: Duration = Duration::from_secs(20);

#[derive(Default)]
pub(crate) struct WriterLog {
    pub(crate) acked: Vec<Ack>,
    /// Acks that took more than one attempt: the list, and when (Unix seconds) the
    /// attempt that was answered was sent.
    pub(crate) retried: Vec<(i64, f64)>,
    pub(crate) latencies: Vec<Duration>,
    pub(crate) errors: BTreeMap<String, usize>,
    pub(crate) error_latencies: Vec<Duration>,
    pub(crate) abandoned: usize,
}

pub(crate) async fn concurrent_writes(findings: &Findings) -> Result<()> {
    let dir = tempfile::tempdir().map_err(|error| error.to_string())?;
    let database = dir.path().join("lists.db");
    let server = start_on(&database, Launch::default()).await?;
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
