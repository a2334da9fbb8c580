//! Figures read only when scraped: the process (from `/proc/self`), the database's pools,
//! and on PostgreSQL this instance's part in numbering the log.

use crate::live::FeedStats;
use app::lists::ssr::{Database, NumberingRole, PostgresDb};
use prometheus_client::{
    collector::Collector,
    encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric},
    metrics::{counter::ConstCounter, gauge::ConstGauge, MetricType, TypedMetric},
    registry::Unit,
};
use std::{
    fmt,
    sync::{Arc, Mutex, PoisonError},
};

/// Writes one gauge.
fn gauge(
    encoder: &mut DescriptorEncoder,
    name: &str,
    help: &str,
    unit: Option<&Unit>,
    value: f64,
) -> fmt::Result {
    let gauge = ConstGauge::new(value);
    gauge.encode(encoder.encode_descriptor(name, help, unit, gauge.metric_type())?)
}

/// Writes a family of gauges, one per label set.
fn gauges<S: EncodeLabelSet>(
    encoder: &mut DescriptorEncoder,
    name: &str,
    help: &str,
    series: &[(S, f64)],
) -> fmt::Result {
    let mut metric = encoder.encode_descriptor(name, help, None, MetricType::Gauge)?;
    for (labels, value) in series {
        ConstGauge::new(*value).encode(metric.encode_family(labels)?)?;
    }
    Ok(())
}

/// The process as the kernel sees it: resident memory, open and allowed descriptors,
/// CPU time, start time. The names are the ones every Prometheus client library uses.
#[derive(Debug)]
pub struct ProcessCollector;

impl Collector for ProcessCollector {
    fn encode(&self, mut encoder: DescriptorEncoder) -> fmt::Result {
        let Some(process) = Process::read() else {
            // Not Linux, or /proc is not mounted: nothing to say.
            return Ok(());
        };
        gauge(
            &mut encoder,
            "process_resident_memory",
            "Resident memory size.",
            Some(&Unit::Bytes),
            process.resident_bytes,
        )?;
        gauge(
            &mut encoder,
            "process_open_fds",
            "Open file descriptors.",
            None,
            process.open_fds,
        )?;
        if let Some(max) = process.max_fds {
            gauge(
                &mut encoder,
                "process_max_fds",
                "The most file descriptors the process may open.",
                None,
                max,
            )?;
        }
        gauge(
            &mut encoder,
            "process_start_time",
            "Start time of the process since the Unix epoch.",
            Some(&Unit::Seconds),
            process.start_time_seconds,
        )?;
        let cpu = ConstCounter::new(process.cpu_seconds);
        let metric = encoder.encode_descriptor(
            "process_cpu",
            "User and system CPU time spent.",
            Some(&Unit::Seconds),
            cpu.metric_type(),
        )?;
        cpu.encode(metric)
    }
}

/// What `/proc/self` says.
struct Process {
    resident_bytes: f64,
    open_fds: f64,
    max_fds: Option<f64>,
    cpu_seconds: f64,
    start_time_seconds: f64,
}

impl Process {
    fn read() -> Option<Self> {
        let process = procfs::process::Process::myself().ok()?;
        let stat = process.stat().ok()?;
        let ticks = procfs::ticks_per_second() as f64;
        let boot = procfs::boot_time_secs().ok()? as f64;
        let max_fds = rlimit::getrlimit(rlimit::Resource::NOFILE)
            .ok()
            .map(|(soft, _)| soft as f64);
        Some(Self {
            resident_bytes: (stat.rss * procfs::page_size()) as f64,
            open_fds: process.fd_count().ok()? as f64,
            max_fds,
            cpu_seconds: (stat.utime + stat.stime) as f64 / ticks,
            start_time_seconds: boot + stat.starttime as f64 / ticks,
        })
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    pool: &'static str,
    state: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolName {
    pool: &'static str,
}

/// The database's connections: in use and idle, and the most each pool may open.
#[derive(Debug)]
pub struct PoolCollector(pub Database);

impl Collector for PoolCollector {
    fn encode(&self, mut encoder: DescriptorEncoder) -> fmt::Result {
        let pools = self.0.pools();
        let mut states = Vec::new();
        let mut max = Vec::new();
        for pool in &pools {
            let in_use = pool.open.saturating_sub(pool.idle);
            states.push((
                PoolLabels {
                    pool: pool.name,
                    state: "in_use",
                },
                f64::from(in_use),
            ));
            states.push((
                PoolLabels {
                    pool: pool.name,
                    state: "idle",
                },
                f64::from(pool.idle),
            ));
            max.push((PoolName { pool: pool.name }, f64::from(pool.max)));
        }
        gauges(
            &mut encoder,
            "db_pool_connections",
            "Database connections open, by pool and state (in_use, idle).",
            &states,
        )?;
        gauges(
            &mut encoder,
            "db_pool_max_connections",
            "The most connections each pool may open.",
            &max,
        )
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RoleLabels {
    role: &'static str,
}

/// This instance's part in numbering PostgreSQL's log, as a state set: 1 for the role
/// it has, 0 for the others. `leads` is the instance whose sequencer numbers everyone's
/// writes; `alone` numbers its own (it hears no other instance).
#[derive(Debug)]
pub struct RoleCollector(pub PostgresDb);

impl Collector for RoleCollector {
    fn encode(&self, mut encoder: DescriptorEncoder) -> fmt::Result {
        let now = self.0.numbering_role();
        let roles = [
            (NumberingRole::Alone, "alone"),
            (NumberingRole::Leads, "leads"),
            (NumberingRole::Follows, "follows"),
        ]
        .map(|(role, name)| (RoleLabels { role: name }, f64::from(u8::from(role == now))));
        gauges(
            &mut encoder,
            "sequencer_role",
            "This instance's part in numbering the change log: 1 for its role (alone, leads, follows).",
            &roles,
        )
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct FeedLabels {
    feed: &'static str,
}

/// Every feed's figures, one series per feed of each (`feed="lists"`, `feed="status"`):
/// one collector, so that each figure is described once however many feeds there are.
#[derive(Clone, Debug, Default)]
pub struct FeedCollector(Arc<Mutex<Vec<(&'static str, FeedStats)>>>);

impl FeedCollector {
    pub fn add(&self, name: &'static str, stats: FeedStats) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((name, stats));
    }
}

impl Collector for FeedCollector {
    fn encode(&self, mut encoder: DescriptorEncoder) -> fmt::Result {
        let feeds = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        // The name, help, unit and type of each figure, and how to find it in a feed.
        type Pick = for<'a> fn(&'a FeedStats) -> &'a dyn EncodeMetric;
        let figures: [(&str, &str, Option<Unit>, MetricType, Pick); 4] = [
            (
                "event_streams_open",
                "Event streams open now (one per live screen).",
                None,
                MetricType::Gauge,
                |stats| &stats.open,
            ),
            (
                "event_streams_refused",
                "Event streams refused because every place was taken (503).",
                None,
                MetricType::Counter,
                |stats| &stats.refused,
            ),
            (
                "feed_events",
                "Change-log events broadcast to the open event streams.",
                None,
                MetricType::Counter,
                |stats| &stats.events,
            ),
            (
                "feed_fan_out",
                "Time to publish one event to every open event stream: one shared ring, from which each stream writes it to its socket.",
                Some(Unit::Seconds),
                prometheus_client::metrics::histogram::Histogram::TYPE,
                |stats| &stats.fan_out,
            ),
        ];
        for (name, help, unit, kind, pick) in figures {
            let mut metric = encoder.encode_descriptor(name, help, unit.as_ref(), kind)?;
            for (feed, stats) in feeds.iter() {
                pick(stats).encode(metric.encode_family(&FeedLabels { feed })?)?;
            }
        }
        Ok(())
    }
}
