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

fn count(dir: &tempfile::TempDir, sql: &str) -> i64 {
    let output = Command::new("sqlite3")
        .arg(dir.path().join("nested/lists.db"))
        .arg(sql)
        .output()
        .expect("sqlite3 is installed");
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .unwrap()
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
    assert_eq!(count(&dir, "SELECT COUNT(*) FROM _sqlx_migrations"), 2);
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
