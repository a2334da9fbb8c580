//! How many connections and live screens one instance takes: from the machine it runs on
//! (its open-file limit and its memory) unless the settings name a number.
//!
//! Every connection holds a file descriptor, so the open-file limit (raised to its hard
//! limit at start) bounds them; a few descriptors stay free for the database, the log
//! and the listener. Memory bounds them too: each connection is given
//! [`MEMORY_PER_CONNECTION`] of a quarter of the machine's (or the cgroup's) memory,
//! which covers the server's own share (an idle event stream's is in BENCHMARKS.md) and
//! the kernel's socket buffers. Of the connections, all but an eighth (and at least
//! [`REQUEST_ROOM`]) may be event streams, so that documents and pages still load when
//! every live screen is open.

/// Descriptors kept free of connections: the database files, the log, the listener.
pub const RESERVED_FILES: u64 = 64;
/// What one connection is allowed of the machine's memory, server and kernel together.
pub const MEMORY_PER_CONNECTION: u64 = 64 * 1024;
/// Connections always left for documents, pages and writes, whatever the event streams
/// take.
pub const REQUEST_ROOM: usize = 16;

/// What the machine allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Machine {
    /// The soft open-file limit in effect.
    pub open_files: u64,
    /// The memory this process may use: the cgroup's limit, or the machine's.
    pub memory_bytes: u64,
}

/// The caps one instance runs with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Capacity {
    pub max_connections: usize,
    pub max_event_streams: usize,
}

impl Capacity {
    /// The caps for `machine`, with the numbers the settings ask for where they ask.
    /// Connections never exceed what the descriptors allow, even when asked for.
    pub fn derive(
        machine: Machine,
        asked_connections: Option<usize>,
        asked_streams: Option<usize>,
    ) -> Self {
        let by_files = machine.open_files.saturating_sub(RESERVED_FILES);
        let by_memory = machine.memory_bytes / 4 / MEMORY_PER_CONNECTION;
        let room = usize::try_from(by_files.min(by_memory))
            .unwrap_or(usize::MAX)
            .max(1);
        let max_connections = asked_connections.unwrap_or(room).clamp(1, room);
        let max_event_streams = asked_streams.unwrap_or_else(|| {
            let requests = (max_connections / 8).max(REQUEST_ROOM);
            max_connections.saturating_sub(requests).max(1)
        });
        Self {
            max_connections,
            max_event_streams,
        }
    }
}

impl Machine {
    /// Raises the open-file limit to its hard limit and reads what this machine allows.
    pub fn read() -> Self {
        Self {
            open_files: raise_open_file_limit().unwrap_or(1024),
            memory_bytes: memory_bytes().unwrap_or(1 << 30),
        }
    }
}

/// Raises the soft limit on open files to the hard one, and says what they are. Returns
/// the soft limit in effect.
fn raise_open_file_limit() -> Option<u64> {
    let (soft, hard) = rlimit::getrlimit(rlimit::Resource::NOFILE).ok()?;
    let raised = rlimit::increase_nofile_limit(hard).unwrap_or(soft);
    tracing::info!(soft_before = soft, soft = raised, hard, "open file limit");
    Some(raised)
}

/// The cgroup's memory limit (v2) if it has one, else the machine's memory.
fn memory_bytes() -> Option<u64> {
    let cgroup = std::fs::read_to_string("/sys/fs/cgroup/memory.max")
        .ok()
        .and_then(|limit| limit.trim().parse::<u64>().ok());
    let total = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find_map(|line| line.strip_prefix("MemTotal:"))
                .and_then(|value| {
                    value
                        .trim()
                        .trim_end_matches("kB")
                        .trim()
                        .parse::<u64>()
                        .ok()
                })
                .map(|kib| kib * 1024)
        });
    match (cgroup, total) {
        (Some(cgroup), Some(total)) => Some(cgroup.min(total)),
        (limit, total) => limit.or(total),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GIB: u64 = 1 << 30;

    #[test]
    fn a_machine_like_this_one_serves_ten_thousand_live_screens_by_default() {
        let machine = Machine {
            open_files: 20_000,
            memory_bytes: 24 * GIB,
        };
        let capacity = Capacity::derive(machine, None, None);
        assert_eq!(capacity.max_connections, 19_936);
        assert_eq!(capacity.max_event_streams, 17_444);
    }

    #[test]
    fn a_small_machine_is_bounded_by_its_memory() {
        let machine = Machine {
            open_files: 1_048_576,
            memory_bytes: GIB,
        };
        let capacity = Capacity::derive(machine, None, None);
        assert_eq!(capacity.max_connections, 4_096);
        assert_eq!(capacity.max_event_streams, 3_584);
    }

    #[test]
    fn a_low_file_limit_still_leaves_room_for_requests() {
        let machine = Machine {
            open_files: 100,
            memory_bytes: GIB,
        };
        let capacity = Capacity::derive(machine, None, None);
        assert_eq!(capacity.max_connections, 36);
        assert_eq!(capacity.max_event_streams, 20);
    }

    #[test]
    fn asked_numbers_win_but_never_past_the_descriptors() {
        let machine = Machine {
            open_files: 1_024,
            memory_bytes: 24 * GIB,
        };
        let asked = Capacity::derive(machine, Some(100), Some(7));
        assert_eq!((asked.max_connections, asked.max_event_streams), (100, 7));
        let too_many = Capacity::derive(machine, Some(50_000), None);
        assert_eq!(too_many.max_connections, 960);
    }
}
