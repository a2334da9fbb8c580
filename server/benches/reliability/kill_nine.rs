//! Scenario 2: kill -9 under write load.

use super::*;

pub(crate) const S2_WRITERS: usize = 50;
pub(crate) const S2_KILLS: usize = 3;
pub(crate) const S2_BETWEEN_KILLS: Duration = Duration::from_secs(3);

pub(crate) async fn crash_writer(
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

/// An event stream that reconnects whenever it drops, resuming with `Last-Event-ID`.
pub(crate) async fn resuming_stream(port: u16, record: Arc<Mutex<SeqRecord>>) {
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

pub(crate) async fn kill_nine(findings: &Findings) -> Result<()> {
    let dir = tempfile::tempdir().map_err(|error| error.to_string())?;
    let database = dir.path().join("lists.db");
    let mut server = start_on(&database, Launch::default()).await?;
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
        server = start_on(
            &database,
            Launch {
                port: Some(port),
                ..Launch::default()
            },
        )
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
