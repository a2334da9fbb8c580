//! What the status screen shows: the figures, one sample of all of them per second, and
//! each figure's chart of the last samples as the screen keeps it.

use crate::collection::{LogEvent, Position};
use crate::stream::Keyed;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// How many seconds a chart shows: the last fifteen minutes.
pub const SECONDS_SHOWN: usize = 900;

/// One figure the server measures, each a chart of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Figure {
    Requests,
    RequestTime,
    LivePages,
    StreamsRefused,
    Events,
    FanOut,
    Changes,
    ChangeTime,
    Busy,
    PoolInUse,
    PoolWait,
    CacheHits,
    NumberingLag,
    Memory,
    Cpu,
    OpenFiles,
}

/// What a figure counts in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    PerSecond,
    Milliseconds,
    Microseconds,
    Count,
    Percent,
    Mebibytes,
}

impl Figure {
    /// How many figures there are.
    pub const COUNT: usize = 16;

    /// Every figure, in the order the screen shows them and a sample holds them: the
    /// order they are declared in (a test holds them to it).
    pub const ALL: [Self; Self::COUNT] = [
        Self::Requests,
        Self::RequestTime,
        Self::LivePages,
        Self::StreamsRefused,
        Self::Events,
        Self::FanOut,
        Self::Changes,
        Self::ChangeTime,
        Self::Busy,
        Self::PoolInUse,
        Self::PoolWait,
        Self::CacheHits,
        Self::NumberingLag,
        Self::Memory,
        Self::Cpu,
        Self::OpenFiles,
    ];

    pub fn unit(self) -> Unit {
        match self {
            Self::Requests | Self::StreamsRefused | Self::Events | Self::Changes | Self::Busy => {
                Unit::PerSecond
            }
            Self::RequestTime | Self::ChangeTime | Self::PoolWait | Self::NumberingLag => {
                Unit::Milliseconds
            }
            Self::FanOut => Unit::Microseconds,
            Self::LivePages | Self::PoolInUse | Self::OpenFiles => Unit::Count,
            Self::CacheHits | Self::Cpu => Unit::Percent,
            Self::Memory => Unit::Mebibytes,
        }
    }

    /// A name for ids and tests: `live-pages`.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Requests => "requests",
            Self::RequestTime => "request-time",
            Self::LivePages => "live-pages",
            Self::StreamsRefused => "streams-refused",
            Self::Events => "events",
            Self::FanOut => "fan-out",
            Self::Changes => "changes",
            Self::ChangeTime => "change-time",
            Self::Busy => "busy",
            Self::PoolInUse => "pool-in-use",
            Self::PoolWait => "pool-wait",
            Self::CacheHits => "cache-hits",
            Self::NumberingLag => "numbering-lag",
            Self::Memory => "memory",
            Self::Cpu => "cpu",
            Self::OpenFiles => "open-files",
        }
    }
}

/// One value per figure, in the order of [`Figure::ALL`]: as many as there are figures,
/// by its type, so that no value can go missing or stand for another figure.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FigureValues([Option<f32>; Figure::COUNT]);

impl FigureValues {
    /// Each figure's value, as `value` says.
    pub fn from_fn(mut value: impl FnMut(Figure) -> Option<f32>) -> Self {
        Self(Figure::ALL.map(&mut value))
    }

    pub fn get(&self, figure: Figure) -> Option<f32> {
        self.0[figure as usize]
    }
}

/// Every figure over one second. Its position in the status log is the second it ends
/// (seconds since the Unix epoch), so a screen that missed some knows how many; a value
/// is `None` when there was nothing to measure (a mean of no writes, the numbering lag
/// on SQLite).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StatusSample {
    pub second: Position,
    pub values: FigureValues,
}

impl LogEvent for StatusSample {
    fn position(&self) -> Position {
        self.second
    }
}

impl StatusSample {
    pub fn value(&self, figure: Figure) -> Option<f32> {
        self.values.get(figure)
    }
}

/// One figure's chart: the last [`SECONDS_SHOWN`] seconds of it, oldest first, up to
/// the last second heard.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    pub figure: Figure,
    pub values: VecDeque<Option<f32>>,
    pub last: Position,
}

impl Keyed for Chart {
    type Key = Figure;

    fn key(&self) -> Figure {
        self.figure
    }
}

/// What a chart says in words: its last value, and the highest and lowest it shows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    pub now: Option<f32>,
    pub highest: Option<f32>,
    pub lowest: Option<f32>,
}

impl Chart {
    pub fn new(figure: Figure) -> Self {
        Self {
            figure,
            values: VecDeque::with_capacity(SECONDS_SHOWN),
            last: Position::default(),
        }
    }

    /// The chart of `figure` over `samples`, oldest first.
    pub fn of(figure: Figure, samples: &[StatusSample]) -> Self {
        let mut chart = Self::new(figure);
        for sample in samples {
            chart.add(sample);
        }
        chart
    }

    /// Adds a second. Seconds missed in between (the screen was away, the server
    /// restarted) are gaps; a second not after the last is ignored.
    pub fn add(&mut self, sample: &StatusSample) {
        let second = sample.second.get();
        let last = self.last.get();
        if self.last != Position::default() && second <= last {
            return;
        }
        if self.last != Position::default() {
            let missed = usize::try_from(second - last - 1).unwrap_or(usize::MAX);
            for _ in 0..missed.min(SECONDS_SHOWN) {
                self.push(None);
            }
        }
        self.push(sample.value(self.figure));
        self.last = sample.second;
    }

    fn push(&mut self, value: Option<f32>) {
        if self.values.len() == SECONDS_SHOWN {
            self.values.pop_front();
        }
        self.values.push_back(value);
    }

    pub fn summary(&self) -> Summary {
        let measured = || self.values.iter().flatten().copied();
        Summary {
            now: self.values.back().copied().flatten(),
            highest: measured().reduce(f32::max),
            lowest: measured().reduce(f32::min),
        }
    }

    /// The top of the chart's scale: the highest value shown, rounded up to 1, 2 or 5
    /// times a power of ten, so that the line is as tall as the chart allows and the
    /// scale reads plainly.
    pub fn scale(&self) -> f32 {
        let highest = self.summary().highest.unwrap_or(0.0);
        if highest <= 0.0 || !highest.is_finite() {
            return 1.0;
        }
        // Whole powers of ten are exact in f32, so each candidate is one correctly
        // rounded product or quotient: 0.05 comes out as 0.05 on every platform, which
        // `powf` (rounded differently by each libm) does not promise.
        let exponent = highest.log10().floor() as i32;
        let power = 10f32.powi(exponent.abs());
        let at = |step: f32| {
            if exponent < 0 {
                step / power
            } else {
                step * power
            }
        };
        [1.0, 2.0, 5.0, 10.0]
            .into_iter()
            .map(at)
            .find(|top| *top >= highest)
            .unwrap_or_else(|| at(10.0))
    }

    /// The line as an SVG path in a box [`SECONDS_SHOWN`] wide and `height` tall: each
    /// second a unit wide, ending where it ends, so the newest ends at the right edge. A
    /// gap lifts the pen; each stretch starts one second back, so that a second alone
    /// between gaps (the first after a start) is a short level stroke, not an invisible
    /// point.
    pub fn path(&self, height: f32) -> String {
        let top = self.scale();
        let start = SECONDS_SHOWN - self.values.len();
        let mut path = String::with_capacity(self.values.len() * 10);
        let mut pen_down = false;
        for (offset, value) in self.values.iter().enumerate() {
            let Some(value) = value else {
                pen_down = false;
                continue;
            };
            let x = start + offset + 1;
            let y = height - (value.max(0.0) / top).min(1.0) * height;
            if !pen_down {
                path.push_str(&format!("M{} {y:.1}", x - 1));
            }
            path.push_str(&format!("L{x} {y:.1}"));
            pen_down = true;
        }
        path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(second: i64, requests: Option<f32>) -> StatusSample {
        StatusSample {
            second: Position::new(second),
            values: FigureValues::from_fn(|figure| match figure {
                Figure::Requests => requests,
                _ => None,
            }),
        }
    }

    #[test]
    fn missed_seconds_are_gaps_and_old_ones_are_ignored() {
        let mut chart = Chart::new(Figure::Requests);
        chart.add(&sample(100, Some(1.0)));
        chart.add(&sample(103, Some(4.0)));
        chart.add(&sample(102, Some(9.0)));
        assert_eq!(
            chart.values,
            VecDeque::from([Some(1.0), None, None, Some(4.0)])
        );
        assert_eq!(chart.last, Position::new(103));
    }

    #[test]
    fn a_chart_keeps_only_the_seconds_it_shows() {
        let samples: Vec<_> = (1..=1000).map(|s| sample(s, Some(s as f32))).collect();
        let chart = Chart::of(Figure::Requests, &samples);
        assert_eq!(chart.values.len(), SECONDS_SHOWN);
        assert_eq!(chart.values.front(), Some(&Some(101.0)));
        let summary = chart.summary();
        assert_eq!(summary.now, Some(1000.0));
        assert_eq!(summary.highest, Some(1000.0));
        assert_eq!(summary.lowest, Some(101.0));
    }

    #[test]
    fn the_scale_is_a_round_number_above_the_highest_value() {
        let chart = |value| Chart::of(Figure::Requests, &[sample(1, Some(value))]);
        assert_eq!(chart(0.0).scale(), 1.0);
        assert_eq!(chart(3.0).scale(), 5.0);
        assert_eq!(chart(12.0).scale(), 20.0);
        assert_eq!(chart(50.0).scale(), 50.0);
        assert_eq!(chart(0.03).scale(), 0.05);
    }

    #[test]
    fn the_line_lifts_over_gaps_and_ends_at_the_right_edge() {
        let chart = Chart::of(
            Figure::Requests,
            &[
                sample(1, Some(10.0)),
                sample(2, Some(5.0)),
                sample(3, None),
                sample(4, Some(0.0)),
            ],
        );
        let end = SECONDS_SHOWN;
        assert_eq!(
            chart.path(100.0),
            format!(
                "M{} 0.0L{} 0.0L{} 50.0M{} 100.0L{end} 100.0",
                end - 4,
                end - 3,
                end - 2,
                end - 1,
            )
        );
    }

    #[test]
    fn a_sample_names_its_values_by_figure() {
        let sample = StatusSample {
            second: Position::new(1),
            values: FigureValues::from_fn(|figure| (figure == Figure::LivePages).then_some(7.0)),
        };
        assert_eq!(sample.value(Figure::LivePages), Some(7.0));
        assert_eq!(sample.value(Figure::Requests), None);
    }

    #[test]
    fn every_figure_is_in_its_declared_place() {
        for (place, figure) in Figure::ALL.into_iter().enumerate() {
            assert_eq!(figure as usize, place, "{figure:?}");
        }
    }
}
