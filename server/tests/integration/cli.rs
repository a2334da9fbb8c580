//! The `async-streamer` binary's commands, run as a user would.

use std::process::Command;

fn binary(dir: &tempfile::TempDir) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_async-streamer"));
    command
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/nested/lists.db", dir.path().display()),
        )
        .env("NO_COLOR", "1");
    command
}

/// Runs SQL on the database with the sqlite3 command-line tool, as another program would.
fn sql(dir: &tempfile::TempDir, sql: &str) -> String {
    let output = Command::new("sqlite3")
        .arg(dir.path().join("nested/lists.db"))
        .arg(sql)
        .output()
        .expect("sqlite3 is installed");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

fn count(dir: &tempfile::TempDir, query: &str) -> i64 {
    sql(dir, query).parse().unwrap()
}

#[test]
fn seed_creates_and_migrates_the_database_then_inserts() {
    let dir = tempfile::tempdir().unwrap();
    let status = binary(&dir)
        .args(["seed", "--count", "250"])
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(
        count(&dir, "SELECT COUNT(*) FROM lists WHERE is_deleted = 0"),
        250
    );
    assert_eq!(count(&dir, "SELECT COUNT(*) FROM list_events"), 250);
}

#[test]
fn migrate_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    for _ in 0..2 {
        assert!(binary(&dir).arg("migrate").status().unwrap().success());
    }
    let migrations = app::lists::ssr::SQLITE_MIGRATIONS.iter().count() as i64;
    assert_eq!(
        count(&dir, "SELECT COUNT(*) FROM _sqlx_migrations"),
        migrations
    );
}

#[test]
fn check_reports_rows_the_app_cannot_show() {
    let dir = tempfile::tempdir().unwrap();
    assert!(binary(&dir)
        .args(["seed", "--count", "3"])
        .status()
        .unwrap()
        .success());
    let clean = binary(&dir).arg("check").output().unwrap();
    assert!(clean.status.success());
    assert!(String::from_utf8_lossy(&clean.stdout).contains("every list can be shown"));

    sql(
        &dir,
        "UPDATE lists SET name = char(8238) || 'gnp.exe' WHERE id = 2",
    );
    let report = binary(&dir).arg("check").output().unwrap();
    assert!(!report.status.success());
    let said = String::from_utf8_lossy(&report.stdout);
    assert!(
        said.contains(
            "list 2: A list name cannot contain characters that change the direction of text."
        ),
        "{said}"
    );
}

#[test]
fn a_database_url_of_another_kind_is_refused_not_turned_into_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let output = binary(&dir)
        .current_dir(dir.path())
        .env("DATABASE_URL", "mysql://app@127.0.0.1:3306/x")
        .arg("migrate")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains("is not a database URL this server knows"),
        "{said}"
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no file was created"
    );
}

#[test]
fn a_bad_count_is_refused_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let output = binary(&dir)
        .args(["seed", "--count", "many"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("invalid value 'many'"));
}

#[test]
fn a_bad_setting_stops_start_up_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let output = binary(&dir)
        .env("SIMULATED_FAILURE_RATE", "2")
        .arg("migrate")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let said = String::from_utf8_lossy(&output.stdout) + String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains("SIMULATED_FAILURE_RATE must be a number from 0.0 to 1.0"),
        "{said}"
    );
}

/// A flood of refused event streams is one warning line a interval, never a line a
/// request: one client cannot fill the disk or bury real errors.
#[test]
fn refused_event_streams_are_counted_in_the_log_not_logged_one_by_one() {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpStream;
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().unwrap();
    let mut server = binary(&dir)
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .env("LEPTOS_SITE_ROOT", dir.path())
        .env("MAX_EVENT_STREAMS", "1")
        .env("RUST_LOG", "warn,server::startup=info")
        .arg("serve")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let (lines, log) = std::sync::mpsc::channel();
    let stderr = server.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = lines.send(line);
        }
    });
    let next_line = || {
        log.recv_timeout(Duration::from_secs(30))
            .expect("a log line")
    };
    let address = loop {
        if let Some(rest) = next_line().split("listening on http://").nth(1) {
            break rest.split('/').next().unwrap().to_owned();
        }
    };
    let request = format!("GET /api/lists/events HTTP/1.1\r\nHost: {address}\r\n\r\n");
    let status = |stream: &mut TcpStream| {
        stream.write_all(request.as_bytes()).unwrap();
        let mut head = [0u8; 12];
        stream.read_exact(&mut head).unwrap();
        String::from_utf8_lossy(&head[9..12]).into_owned()
    };
    let mut kept = TcpStream::connect(&address).unwrap();
    assert_eq!(status(&mut kept), "200");
    for _ in 0..300 {
        let mut refused = TcpStream::connect(&address).unwrap();
        assert_eq!(status(&mut refused), "503");
    }
    // The count is reported every 10 s: one line (two if the flood straddled a report).
    let (mut said, mut counted) = (Vec::new(), 0);
    let deadline = Instant::now() + Duration::from_secs(25);
    while counted < 300 && Instant::now() < deadline {
        let Ok(line) = log.recv_timeout(Duration::from_secs(1)) else {
            continue;
        };
        if let Some(count) = line.split("refused ").nth(1) {
            counted += count.split(' ').next().unwrap().parse::<usize>().unwrap();
            assert!(
                line.contains("event streams in the last 10 s: cap 1"),
                "{line}"
            );
        }
        said.push(line);
    }
    server.kill().unwrap();
    server.wait().unwrap();
    assert_eq!(counted, 300, "{said:?}");
    assert!(said.len() <= 2, "{said:?}");
    assert!(!said.iter().any(|line| line.contains("ERROR")), "{said:?}");
}
