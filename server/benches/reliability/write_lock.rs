//! Scenario 3: another process holds the write lock.

use super::*;

pub(crate) const S3_LOCK: Duration = Duration::from_secs(12);
pub(crate) const S3_READERS: usize = 4;
pub(crate) const S3_WRITERS: usize = 10;

pub(crate) struct Timed {
    pub(crate) outcome: String,
    pub(crate) sent: Instant,
    pub(crate) latency: Duration,
    pub(crate) retry_after: Option<String>,
}

pub(crate) async fn write_lock(findings: &Findings) -> Result<()> {
    let dir = tempfile::tempdir().map_err(|error| error.to_string())?;
    let database = dir.path().join("lists.db");
    seed(&database, 50).await?;
    let mut server = start_on(&database, Launch::default()).await?;
    let base = server.base();
    let client = http_client();

    // Documents before the lock, for comparison.
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
    let documents: Vec<Timed> = readers.join().await.into_iter().flatten().collect();
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

    let mut document_outcomes = BTreeMap::new();
    let mut document_latencies = Vec::new();
    for document in &documents {
        *document_outcomes
            .entry(document.outcome.clone())
            .or_insert(0) += 1;
        document_latencies.push(document.latency);
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
        spread(&mut document_latencies),
    );
    row(
        "GET /notes outcomes during the lock",
        counts(&document_outcomes),
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

    let document_p99 = percentile(&document_latencies, 0.99);
    findings.check(
        document_outcomes.keys().all(|outcome| outcome == "200")
            && document_p99 < Duration::from_secs(1),
        || {
            format!(
                "3: pages during the lock: {document_outcomes:?}, p99 {}",
                ms(document_p99)
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
