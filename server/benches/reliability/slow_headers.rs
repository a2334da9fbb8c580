//! Scenario 5: slow-header clients.

use super::*;

pub(crate) const S5_CLIENTS: usize = 2_000;
pub(crate) const S5_HEADER_TIMEOUT_SECS: u64 = 5;
pub(crate) const S5_WATCH: Duration = Duration::from_secs(40);

#[derive(Default)]
pub(crate) struct Slow {
    pub(crate) connected: bool,
    /// From connecting to the server closing the connection.
    pub(crate) closed_after: Option<Duration>,
    /// The server wrote something back (a 408, say) before closing.
    pub(crate) answered: bool,
    pub(crate) bytes_sent: usize,
}

/// Connects, then sends a request head one byte a second, never finishing it.
pub(crate) async fn slow_client(port: u16, until: Instant) -> Slow {
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

pub(crate) async fn slow_headers(findings: &Findings) -> Result<()> {
    let dir = tempfile::tempdir().map_err(|error| error.to_string())?;
    let database = dir.path().join("lists.db");
    seed(&database, 50).await?;
    let timeout = S5_HEADER_TIMEOUT_SECS.to_string();
    let mut server = start_on(
        &database,
        Launch {
            env: &[("HEADER_READ_TIMEOUT_SECS", &timeout)],
            ..Launch::default()
        },
    )
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
    let newcomer = Newcomer::arrive(
        &base,
        "s5 create during slow flood",
        "reliability-s5-create-0001",
        Duration::from_secs(20),
    )
    .await;
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
    newcomer.report("2 s into the flood");
    row(
        "kernel ListenOverflows / ListenDrops during the flood",
        listen_counters_between(kernel_before, kernel_after),
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

    newcomer.check(
        findings,
        "5: during the slow flood",
        Duration::from_secs(10),
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
