//! Once a second, the figures of the status screen: read from the same text a Prometheus
//! scrape gets (so the screen and `/metrics` can never disagree), compared with the
//! second before, and added to the [`StatusLog`].

use super::log::StatusLog;
use crate::operator::metrics::Metrics;
use app::collection::Position;
use app::status::{Figure, FigureValues, StatusSample};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio_util::sync::CancellationToken;

/// One series of a scrape: its name, labels and value.
#[derive(Clone, Debug, PartialEq)]
struct Series {
    name: String,
    labels: Vec<(String, String)>,
    value: f64,
}

/// A scrape, read back, and when it was taken.
#[derive(Clone, Debug)]
pub struct Reading {
    at: Instant,
    series: Vec<Series>,
}

impl Reading {
    pub fn take(metrics: &Metrics) -> Self {
        Self::parse(&metrics.encode(), Instant::now())
    }

    /// Prometheus' text format: `name{label="value",…} value` per line, comments
    /// skipped. A line it cannot read is skipped too (this server writes none).
    fn parse(text: &str, at: Instant) -> Self {
        let series = text
            .lines()
            .filter(|line| !line.starts_with('#') && !line.is_empty())
            .filter_map(parse_line)
            .collect();
        Self { at, series }
    }

    /// The sum of every series called `name` that has all the `with` labels.
    fn sum(&self, name: &str, with: &[(&str, &str)]) -> f64 {
        self.series
            .iter()
            .filter(|series| series.name == name)
            .filter(|series| {
                with.iter()
                    .all(|(key, value)| series.labels.iter().any(|(k, v)| k == key && v == value))
            })
            .map(|series| series.value)
            .sum()
    }
}

fn parse_line(line: &str) -> Option<Series> {
    let name_end = line.find(['{', ' '])?;
    let (name, rest) = line.split_at(name_end);
    let (labels, rest) = match rest.strip_prefix('{') {
        Some(inside) => parse_labels(inside)?,
        None => (Vec::new(), rest),
    };
    let value = rest.split_whitespace().next()?.parse().ok()?;
    Some(Series {
        name: name.to_owned(),
        labels,
        value,
    })
}

/// `key="value",…}` and what follows the `}`. Values are quoted, with `\"`, `\\` and
/// `\n` escaped.
fn parse_labels(mut rest: &str) -> Option<(Vec<(String, String)>, &str)> {
    let mut labels = Vec::new();
    loop {
        rest = rest.trim_start_matches(',');
        if let Some(after) = rest.strip_prefix('}') {
            return Some((labels, after));
        }
        let (key, quoted) = rest.split_once("=\"")?;
        let mut value = String::new();
        let mut chars = quoted.char_indices();
        let end = loop {
            match chars.next()? {
                (at, '"') => break at + 1,
                (_, '\\') => match chars.next()?.1 {
                    'n' => value.push('\n'),
                    other => value.push(other),
                },
                (_, other) => value.push(other),
            }
        };
        labels.push((key.to_owned(), value));
        rest = &quoted[end..];
    }
}

/// The lists' feed, not the status screen's own.
const LISTS: (&str, &str) = ("feed", "lists");

/// Every figure over the time between `before` and `now`, in the order of
/// [`Figure::ALL`]; a rate or a mean is `None` without a `before`, and a mean of nothing
/// (no writes in that second) is `None` too.
fn figures(before: Option<&Reading>, now: &Reading) -> FigureValues {
    let seconds = before.map(|before| now.at.duration_since(before.at).as_secs_f64());
    let delta = |name: &str, with: &[(&str, &str)]| {
        before.map(|before| now.sum(name, with) - before.sum(name, with))
    };
    let rate = |name: &str, with: &[(&str, &str)]| {
        let seconds = seconds.filter(|seconds| *seconds > 0.0)?;
        Some(delta(name, with)? / seconds)
    };
    // The mean of a histogram's observations in the second: its sum's growth over its
    // count's.
    let mean = |histogram: &str, with: &[(&str, &str)], scale: f64| {
        let count = delta(&format!("{histogram}_count"), with)?;
        let sum = delta(&format!("{histogram}_sum"), with)?;
        (count > 0.0).then(|| sum / count * scale)
    };
    let gauge = |name: &str, with: &[(&str, &str)]| Some(now.sum(name, with));
    let hit_ratio = || {
        let hits = delta("document_cache_requests_total", &[("result", "hit")])?;
        let misses = delta("document_cache_requests_total", &[("result", "miss")])?;
        (hits + misses > 0.0).then(|| hits / (hits + misses) * 100.0)
    };
    const MILLI: f64 = 1e3;
    FigureValues::from_fn(|figure| {
        let value = match figure {
            Figure::Requests => rate("http_requests_total", &[]),
            Figure::RequestTime => mean("http_request_duration_seconds", &[], MILLI),
            Figure::LivePages => gauge("event_streams_open", &[LISTS]),
            Figure::StreamsRefused => rate("event_streams_refused_total", &[LISTS]),
            Figure::Events => rate("feed_events_total", &[LISTS]),
            Figure::FanOut => mean("feed_fan_out_seconds", &[LISTS], 1e6),
            Figure::Changes => rate("store_changes_total", &[]),
            Figure::ChangeTime => mean("store_change_duration_seconds", &[], MILLI),
            Figure::Busy => rate("store_changes_total", &[("outcome", "busy")]),
            Figure::PoolInUse => gauge("db_pool_connections", &[("state", "in_use")]),
            Figure::PoolWait => mean("db_pool_acquire_duration_seconds", &[], MILLI),
            Figure::CacheHits => hit_ratio(),
            Figure::NumberingLag => mean("sequencer_numbering_lag_seconds", &[], MILLI),
            Figure::Memory => {
                gauge("process_resident_memory_bytes", &[]).map(|bytes| bytes / f64::from(1 << 20))
            }
            Figure::Cpu => rate("process_cpu_seconds_total", &[]).map(|share| share * 100.0),
            Figure::OpenFiles => gauge("process_open_fds", &[]),
        };
        value
            .filter(|value| value.is_finite())
            .map(|value| value as f32)
    })
}

/// The second now ends, since the Unix epoch; after `last` whatever the clock says, so
/// that the log's positions only grow.
fn second_after(last: Position) -> Position {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| {
            i64::try_from(since.as_secs()).unwrap_or(i64::MAX)
        });
    Position::new(now.max(last.get() + 1))
}

/// Samples every figure once a second into `log`, until `shutdown`.
pub fn start(metrics: Metrics, log: StatusLog, shutdown: CancellationToken) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(1));
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut before: Option<Reading> = None;
        loop {
            tokio::select! {
                () = shutdown.cancelled() => return,
                _ = every.tick() => {}
            }
            let now = Reading::take(&metrics);
            let sample = StatusSample {
                second: second_after(log.latest()),
                values: figures(before.as_ref(), &now),
            };
            log.add(sample);
            before = Some(now);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCRAPE: &str = r#"# HELP http_requests_total HTTP responses.
# TYPE http_requests_total counter
http_requests_total{route="/api/{*server_fn}",method="POST",status="200"} 4
http_requests_total{route="/notes",method="GET",status="200"} 6
http_request_duration_seconds_sum{route="/notes"} 0.5
http_request_duration_seconds_count{route="/notes"} 10
store_changes_total{kind="created",outcome="applied"} 3
store_changes_total{kind="created",outcome="busy"} 1
event_streams_open{feed="lists"} 7
event_streams_open{feed="status"} 1
document_cache_requests_total{result="hit"} 9
document_cache_requests_total{result="miss"} 1
process_resident_memory_bytes 2097152.0
weird{label="a \"quoted\" \\ value, with {braces}"} 1
"#;

    #[test]
    fn a_scrape_reads_back_with_its_labels() {
        let reading = Reading::parse(SCRAPE, Instant::now());
        assert_eq!(reading.sum("http_requests_total", &[]), 10.0);
        assert_eq!(
            reading.sum("http_requests_total", &[("route", "/api/{*server_fn}")]),
            4.0
        );
        assert_eq!(reading.sum("event_streams_open", &[LISTS]), 7.0);
        assert_eq!(
            reading.sum(
                "weird",
                &[("label", "a \"quoted\" \\ value, with {braces}")]
            ),
            1.0
        );
    }

    #[test]
    fn figures_are_rates_means_and_gauges_over_the_second() {
        let start = Instant::now();
        let before = Reading::parse(SCRAPE, start);
        let later = SCRAPE
            .replace("\"200\"} 6", "\"200\"} 16")
            .replace("_sum{route=\"/notes\"} 0.5", "_sum{route=\"/notes\"} 0.52")
            .replace("_count{route=\"/notes\"} 10", "_count{route=\"/notes\"} 20")
            .replace("\"hit\"} 9", "\"hit\"} 12")
            .replace("\"miss\"} 1", "\"miss\"} 2");
        let now = Reading::parse(&later, start + Duration::from_secs(2));
        let values = figures(Some(&before), &now);
        let value = |figure: Figure| values.get(figure);
        assert_eq!(value(Figure::Requests), Some(5.0));
        assert_eq!(value(Figure::RequestTime), Some(2.0));
        assert_eq!(value(Figure::LivePages), Some(7.0));
        assert_eq!(value(Figure::CacheHits), Some(75.0));
        assert_eq!(value(Figure::Memory), Some(2.0));
        assert_eq!(value(Figure::Changes), Some(0.0));
        assert_eq!(value(Figure::ChangeTime), None, "no writes: no mean");
        let first = figures(None, &now);
        assert_eq!(
            first.get(Figure::Requests),
            None,
            "no rate without a second before"
        );
    }

    #[test]
    fn seconds_only_grow() {
        let far_ahead = Position::new(i64::MAX / 2);
        assert_eq!(second_after(far_ahead), Position::new(i64::MAX / 2 + 1));
        assert!(second_after(Position::default()).get() > 1_700_000_000);
    }
}
