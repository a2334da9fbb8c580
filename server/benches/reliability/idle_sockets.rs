//! Scenario 4: idle sockets against a 1,024 open-file limit.

use super::*;

pub(crate) const S4_SOCKETS: usize = 1_100;
pub(crate) const S4_OPEN_FILES: u64 = 1_024;

pub(crate) async fn idle_sockets(findings: &Findings) -> Result<()> {
    let dir = tempfile::tempdir().map_err(|error| error.to_string())?;
    let database = dir.path().join("lists.db");
    seed(&database, 50).await?;
    let mut server = start_on(
        &database,
        Launch {
            open_files: Some(S4_OPEN_FILES),
            ..Launch::default()
        },
    )
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
    let newcomer = Newcomer::arrive(
        &base,
        "s4 create during idle flood",
        "reliability-s4-create-0001",
        Duration::from_secs(30),
    )
    .await;
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
    newcomer.report("then");
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
        listen_counters_between(kernel_before, kernel_after),
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

    newcomer.check(
        findings,
        "4: while idle sockets held every connection slot",
        Duration::from_secs(5),
    );
    findings.check(alive && page_after == "200", || {
        format!("4: after the flood: alive {alive}, GET /notes {page_after}")
    });
    Ok(())
}
