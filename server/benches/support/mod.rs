//! What the benches share: the release server started on loopback and killed when
//! dropped, its log, /proc readings, an SSE reader and percentiles.

#![allow(dead_code)] // each bench uses a part

pub mod floor;

use std::{
    io::{BufRead, BufReader as StdBufReader},
    path::PathBuf,
    process::{Child, Command, Stdio},
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex,
    },
    time::Duration,
};

pub type Result<T> = std::result::Result<T, String>;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The release binary, or the one `ASYNC_STREAMER_BIN` names.
pub fn binary() -> PathBuf {
    std::env::var_os("ASYNC_STREAMER_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/release/async-streamer"))
}

/// A running server, killed (SIGKILL) when dropped, whatever happened.
pub struct Server {
    child: Child,
    pub port: u16,
    pub database_url: String,
    /// The `max_connections` the server says it allows.
    pub max_connections: Option<usize>,
    /// The last log lines (at most 20,000) and every byte it wrote to its log.
    log: Arc<Mutex<Vec<String>>>,
    log_bytes: Arc<AtomicU64>,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// How to start a server: its environment, its log filter, and whether it is a floor.
#[derive(Default)]
pub struct Launch<'a> {
    pub env: &'a [(&'a str, &'a str)],
    /// `RUST_LOG`; the server's default when `None`.
    pub log_filter: Option<&'a str>,
    /// Share this database with another server (`Server::database_url`) instead of a
    /// fresh one: a second instance.
    pub database_url: Option<&'a str>,
    /// Run one of the floor servers of [`floor`] (this program, again: `hyper` or
    /// `socket`) instead of the app.
    pub floor: Option<&'a str>,
    /// Listen on this port (a restart on the port a killed server had) instead of a
    /// free one.
    pub port: Option<u16>,
    /// Run under `prlimit --nofile=N:N`.
    pub open_files: Option<u64>,
}

impl Server {
    /// Starts the release binary on a free port with a fresh SQLite database (or, with
    /// `BENCH_POSTGRES_URL` set to a cluster's `postgres` database, a fresh PostgreSQL
    /// database there), and waits until it listens.
    pub async fn start(launch: Launch<'_>) -> Result<Self> {
        let dir = tempfile::tempdir().map_err(|error| error.to_string())?;
        let binary = binary();
        if !binary.exists() {
            return Err(format!(
                "{} is missing: run scripts/build.sh",
                binary.display()
            ));
        }
        let database_url = match (launch.database_url, std::env::var("BENCH_POSTGRES_URL")) {
            (Some(shared), _) => shared.to_owned(),
            (None, Ok(admin)) => {
                let base = admin
                    .rsplit_once('/')
                    .map_or(admin.as_str(), |(base, _)| base);
                let unique = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |since| since.as_nanos());
                format!("{base}/bench_{unique}")
            }
            (None, Err(_)) => format!("sqlite://{}", dir.path().join("lists.db").display()),
        };
        let program = match launch.floor {
            Some(_) => std::env::current_exe().map_err(|error| error.to_string())?,
            None => binary.clone(),
        };
        let mut command = match launch.open_files {
            Some(limit) => {
                let mut command = Command::new("prlimit");
                command
                    .arg(format!("--nofile={limit}:{limit}"))
                    .arg("--")
                    .arg(&program);
                command
            }
            None => Command::new(&program),
        };
        match launch.floor {
            Some(kind) => command.env(floor::FLOOR, kind),
            None => command.arg("serve"),
        };
        command
            .env("DATABASE_URL", &database_url)
            .env(
                "LEPTOS_SITE_ADDR",
                format!("127.0.0.1:{}", launch.port.unwrap_or(0)),
            )
            .env("LEPTOS_SITE_ROOT", root().join("target/site"))
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        if let Some(filter) = launch.log_filter {
            command.env("RUST_LOG", filter);
        }
        for (name, value) in launch.env {
            command.env(name, value);
        }
        let mut child = command
            .spawn()
            .map_err(|error| format!("could not start {}: {error}", binary.display()))?;
        let stderr = child.stderr.take().ok_or("no stderr")?;
        let log = Arc::new(Mutex::new(Vec::new()));
        let log_bytes = Arc::new(AtomicU64::new(0));
        let (ready, listening) = std::sync::mpsc::channel::<(u16, Option<usize>)>();
        // Drains stderr for the server's whole life (a full pipe would block its logging).
        let (lines, bytes) = (Arc::clone(&log), Arc::clone(&log_bytes));
        std::thread::spawn(move || {
            for line in StdBufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                bytes.fetch_add(line.len() as u64 + 1, Ordering::Relaxed);
                if let Some(listening) = parse_listening(&line) {
                    let _ = ready.send(listening);
                }
                let mut lines = lines.lock().unwrap_or_else(|p| p.into_inner());
                if lines.len() < 20_000 {
                    lines.push(line);
                }
            }
        });
        let mut server = Self {
            child,
            port: 0,
            database_url,
            max_connections: None,
            log,
            log_bytes,
            _dir: dir,
        };
        let port =
            tokio::task::spawn_blocking(move || listening.recv_timeout(Duration::from_secs(60)))
                .await
                .map_err(|error| error.to_string())?;
        match port {
            Ok((port, max_connections)) => {
                server.port = port;
                server.max_connections = max_connections;
                Ok(server)
            }
            Err(_) => Err(format!(
                "the server did not start listening:\n{}",
                server.log_lines().join("\n")
            )),
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn alive(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Log lines at WARN or ERROR so far.
    pub fn warnings(&self) -> Vec<String> {
        self.log_lines()
            .into_iter()
            .filter(|line| line.contains("WARN") || line.contains("ERROR"))
            .collect()
    }

    /// SIGKILL, and wait for the process to be gone.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn log_lines(&self) -> Vec<String> {
        self.log.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Bytes the server has written to its log so far.
    pub fn log_bytes(&self) -> u64 {
        self.log_bytes.load(Ordering::Relaxed)
    }

    /// Seeds `count` lists with the binary's own `seed` command, as another process.
    pub async fn seed(&self, count: usize) -> Result<()> {
        seed(self.database_url.clone(), count).await
    }
}

/// `listening on http://127.0.0.1:PORT/notes max_connections=N`: the port, and the cap
/// the server says it keeps (the floors say none).
fn parse_listening(line: &str) -> Option<(u16, Option<usize>)> {
    let number = |text: &str| {
        text.chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .ok()
    };
    let port = number(line.split("listening on http://127.0.0.1:").nth(1)?)?;
    let max_connections = line.split("max_connections=").nth(1).and_then(number);
    Some((u16::try_from(port).ok()?, max_connections))
}

/// Seeds `count` lists into the database at `url` with the binary's own `seed` command.
pub async fn seed(url: String, count: usize) -> Result<()> {
    let status = tokio::task::spawn_blocking(move || {
        Command::new(binary())
            .args(["seed", "--count", &count.to_string()])
            .env("DATABASE_URL", url)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .status()
    })
    .await
    .map_err(|error| error.to_string())?
    .map_err(|error| error.to_string())?;
    status
        .success()
        .then_some(())
        .ok_or_else(|| format!("seed failed: {status}"))
}

/// Resident memory of a process, in KiB.
pub fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmRSS:"))
                .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// CPU time a process has used so far (user and system).
pub fn cpu_time(pid: u32) -> Duration {
    let (user, system) = cpu_times(pid);
    user + system
}

/// CPU time a process has used so far: (user, system).
pub fn cpu_times(pid: u32) -> (Duration, Duration) {
    // Fields 14 and 15 of /proc/PID/stat, in clock ticks (100 a second on Linux), after
    // the command name in parentheses (which may hold spaces).
    let ticks = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| {
            let fields: Vec<u64> = stat
                .rsplit_once(')')?
                .1
                .split_whitespace()
                .skip(11)
                .take(2)
                .filter_map(|field| field.parse().ok())
                .collect();
            Some((*fields.first()?, *fields.get(1)?))
        })
        .unwrap_or((0, 0));
    (
        Duration::from_millis(ticks.0 * 10),
        Duration::from_millis(ticks.1 * 10),
    )
}

/// The `p`-th percentile (0.0 to 1.0) of sorted samples.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Raises this process's open-file limit (soft and hard) to `wanted` where it may (as
/// root), else its soft limit to its hard one. Returns the soft limit in effect.
pub fn raise_open_files(wanted: u64) -> u64 {
    let (_, hard) = rlimit::getrlimit(rlimit::Resource::NOFILE).unwrap_or((1024, 1024));
    if rlimit::setrlimit(rlimit::Resource::NOFILE, wanted, wanted.max(hard)).is_ok() {
        return wanted;
    }
    rlimit::increase_nofile_limit(hard).unwrap_or(1024)
}
