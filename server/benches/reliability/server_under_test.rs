//! The server under test: its database and what /proc says about it.

use super::*;

pub(crate) fn database_url(path: &Path) -> String {
    format!("sqlite://{}", path.display())
}

/// Starts the release binary on the SQLite file `database` (which the scenarios also read
/// directly), with the scenarios' log filter; `launch` says the rest.
pub(crate) async fn start_on(database: &Path, launch: Launch<'_>) -> Result<Server> {
    let url = database_url(database);
    Server::start(Launch {
        database_url: Some(&url),
        log_filter: Some(LOG_FILTER),
        ..launch
    })
    .await
}

pub(crate) async fn seed(database: &Path, count: usize) -> Result<()> {
    support::seed(database_url(database), count).await
}

pub(crate) fn open_fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|entries| entries.count())
        .unwrap_or(0)
}

pub(crate) fn max_open_files(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/limits"))
        .ok()
        .and_then(|limits| {
            limits
                .lines()
                .find(|line| line.starts_with("Max open files"))
                .map(|line| {
                    line.trim_start_matches("Max open files")
                        .split_whitespace()
                        .take(2)
                        .collect::<Vec<_>>()
                        .join(" / ")
                })
        })
        .unwrap_or_else(|| "?".into())
}

/// `ss -ltn` for the listener: (Recv-Q, Send-Q), i.e. the accept queue's length and the
/// listen backlog.
pub(crate) fn listener_queue(port: u16) -> Option<(String, String)> {
    let output = Command::new("ss")
        .args(["-ltnH", &format!("sport = :{port}")])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    let fields: Vec<&str> = text.split_whitespace().collect();
    Some((fields.get(1)?.to_string(), fields.get(2)?.to_string()))
}

pub(crate) fn listen_backlog(port: u16) -> String {
    listener_queue(port).map_or("?".into(), |(_, backlog)| backlog)
}

pub(crate) fn accept_queue(port: u16) -> String {
    listener_queue(port).map_or("?".into(), |(queued, _)| queued)
}

/// The kernel's TcpExt ListenOverflows and ListenDrops (all sockets of this network
/// namespace).
pub(crate) fn listen_counters() -> (u64, u64) {
    let netstat = std::fs::read_to_string("/proc/net/netstat").unwrap_or_default();
    let lines: Vec<&str> = netstat
        .lines()
        .filter(|line| line.starts_with("TcpExt:"))
        .collect();
    let (Some(names), Some(values)) = (lines.first(), lines.get(1)) else {
        return (0, 0);
    };
    let counters: HashMap<&str, u64> = names
        .split_whitespace()
        .zip(values.split_whitespace())
        .filter_map(|(name, value)| Some((name, value.parse().ok()?)))
        .collect();
    (
        counters.get("ListenOverflows").copied().unwrap_or(0),
        counters.get("ListenDrops").copied().unwrap_or(0),
    )
}

/// How much the kernel's `ListenOverflows` and `ListenDrops` grew between two readings of
/// [`listen_counters`], as "overflows / drops".
pub(crate) fn listen_counters_between(before: (u64, u64), after: (u64, u64)) -> String {
    format!(
        "{} / {}",
        after.0.saturating_sub(before.0),
        after.1.saturating_sub(before.1)
    )
}

/// "none", or the count and the distinct messages (without time stamps or spans).
pub(crate) fn warning_summary(lines: &[String]) -> String {
    if lines.is_empty() {
        return "none".into();
    }
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for line in lines {
        let message = line.split_once("}: ").map_or_else(
            || {
                line.split_whitespace()
                    .skip(2)
                    .collect::<Vec<_>>()
                    .join(" ")
            },
            |(_, message)| message.to_owned(),
        );
        // Numbers (latencies, ids) vary from line to line: one kind of message is one line.
        let mut folded = String::with_capacity(message.len());
        for c in message.replace('|', "/").chars() {
            if !(c.is_ascii_digit() && folded.ends_with('N')) {
                folded.push(if c.is_ascii_digit() { 'N' } else { c });
            }
        }
        let message: String = folded.chars().take(100).collect();
        *kinds.entry(message).or_default() += 1;
    }
    let mut kinds: Vec<(String, usize)> = kinds.into_iter().collect();
    kinds.sort_by_key(|kind| std::cmp::Reverse(kind.1));
    format!(
        "{}: {}",
        lines.len(),
        kinds
            .iter()
            .take(3)
            .map(|(message, n)| format!("{n} x `{message}`"))
            .collect::<Vec<_>>()
            .join("; ")
    )
}
