//! `StatusLog`: the last fifteen minutes of samples, in memory, as a change log the feed
//! tails like the lists' own: each sample is an entry, at the second it ends.
//!
//! Nothing in it needs to last: a sample older than the charts show is dropped, and a
//! screen that was away longer than that, or across a restart, finds the seconds it
//! missed as gaps. So a screen is told to start again only when it is ahead of the log
//! (the server's clock went back).

use app::collection::log::{ChangeLog, LogBounds, LogRead};
use app::collection::{LogEvent, Position};
use app::status::{StatusSample, SECONDS_SHOWN};
use std::{
    collections::VecDeque,
    convert::Infallible,
    sync::{Arc, Mutex, PoisonError},
    time::Duration,
};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// The samples the charts show. Cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct StatusLog {
    samples: Arc<Mutex<VecDeque<StatusSample>>>,
    added: Arc<Notify>,
}

impl StatusLog {
    /// Adds the newest sample (its second after every other's), dropping the oldest
    /// past what the charts show, and wakes the feed.
    pub fn add(&self, sample: StatusSample) {
        {
            let mut samples = self.lock();
            if samples
                .back()
                .is_some_and(|last| last.second >= sample.second)
            {
                return;
            }
            if samples.len() == SECONDS_SHOWN {
                samples.pop_front();
            }
            samples.push_back(sample);
        }
        self.added.notify_one();
    }

    /// Every sample held, oldest first: what the status document draws.
    pub fn samples(&self) -> Vec<StatusSample> {
        self.lock().iter().cloned().collect()
    }

    /// The newest second held (0 for none).
    pub fn latest(&self) -> Position {
        self.lock()
            .back()
            .map(LogEvent::position)
            .unwrap_or_default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<StatusSample>> {
        // Adding and reading leave the ring whole even if they panic.
        self.samples.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl ChangeLog for StatusLog {
    type Event = StatusSample;
    type Error = Infallible;

    /// Nothing counts as pruned: a screen resuming from before the oldest sample gets
    /// what is left, and draws the rest as a gap.
    async fn bounds(&self) -> Result<LogBounds, Infallible> {
        Ok(LogBounds {
            pruned_through: Position::default(),
            latest: self.latest(),
        })
    }

    async fn read_after(
        &self,
        after: Position,
        limit: u32,
    ) -> Result<LogRead<StatusSample>, Infallible> {
        let samples = self.lock();
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        let mut newer = samples.iter().filter(|sample| sample.second > after);
        let events: Vec<StatusSample> = newer.by_ref().take(limit).cloned().collect();
        let full = newer.next().is_some();
        let through = events.last().map_or(after, |last| last.second);
        Ok(LogRead {
            events,
            through,
            full,
        })
    }

    fn heard_after(&self, _after: Position) -> Option<LogRead<StatusSample>> {
        None
    }

    async fn number_orphans(&self) -> Result<(), Infallible> {
        Ok(())
    }

    fn advanced(&self, _through: Position) {}

    fn commits(&self) -> Arc<Notify> {
        Arc::clone(&self.added)
    }

    fn poll_interval(&self) -> Duration {
        Duration::from_secs(5)
    }

    fn hear_other_instances(&self, _shutdown: CancellationToken) {}

    async fn prune(&self, _retention: Duration) -> Result<u64, Infallible> {
        Ok(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::status::FigureValues;

    fn sample(second: i64) -> StatusSample {
        StatusSample {
            second: Position::new(second),
            values: FigureValues::from_fn(|_| Some(second as f32)),
        }
    }

    #[tokio::test]
    async fn the_log_keeps_the_seconds_the_charts_show_in_order() {
        let log = StatusLog::default();
        for second in 1..=(SECONDS_SHOWN as i64 + 10) {
            log.add(sample(second));
        }
        log.add(sample(5));
        let held = log.samples();
        assert_eq!(held.len(), SECONDS_SHOWN);
        assert_eq!(held[0].second, Position::new(11));
        assert_eq!(log.latest(), Position::new(SECONDS_SHOWN as i64 + 10));
        let Ok(read) = log.read_after(Position::new(900), 5).await;
        assert_eq!(read.events.len(), 5);
        assert_eq!(read.through, Position::new(905));
        assert!(read.full);
        let Ok(read) = log.read_after(Position::new(905), 500).await;
        assert_eq!(read.events.len(), 5);
        assert!(!read.full);
        let Ok(bounds) = log.bounds().await;
        assert_eq!(bounds.pruned_through, Position::default());
    }
}
