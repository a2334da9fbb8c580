//! Scenario 6: memory per open event stream.

use super::*;

pub(crate) const S6_STREAMS: usize = 1_000;

pub(crate) async fn event_stream_memory(findings: &Findings) -> Result<()> {
    let dir = tempfile::tempdir().map_err(|error| error.to_string())?;
    let database = dir.path().join("lists.db");
    let mut server = start_on(
        &database,
        Launch {
            // 1,000 event streams are 1,000 connections: above the default cap of 768.
            env: &[("MAX_EVENT_STREAMS", "2000"), ("MAX_CONNECTIONS", "2000")],
            ..Launch::default()
        },
    )
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

    // Every event stream is live: one create reaches them all.
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
