//! The open event streams, watched for clients that stopped reading.
//!
//! An event stream is pulled (asked for its next frame) whenever its connection can
//! take more. A client that stops reading fills its socket buffers, and then nothing
//! pulls its event stream again: it would keep its slot, and megabytes of the kernel's
//! memory, for as long as the connection lives. So each event stream notes how many
//! broadcast items had been sent when it was last pulled; once a second one task
//! compares that with how many had been sent `stall` ago, and closes the connection of
//! every event stream that has left an item unsent for that long. Its browser
//! reconnects and resumes from its last event.
//!
//! One task and one counter per event stream, instead of a timer per event stream.

use crate::serve::ConnectionCloser;
use std::{
    collections::VecDeque,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex, PoisonError, Weak,
    },
    time::Duration,
};
use tokio_util::sync::CancellationToken;

/// Every open event stream, registered when it opens. Cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct OpenStreams(Arc<Mutex<Vec<Weak<Watched>>>>);

#[derive(Debug)]
pub struct Watched {
    /// The broadcast count when the event stream was last pulled.
    pulled_at: AtomicU64,
    closer: Option<ConnectionCloser>,
}

/// An event stream's entry in the watch, for as long as it lives.
#[derive(Debug)]
pub struct StreamGuard(Arc<Watched>);

impl StreamGuard {
    /// The event stream was asked for its next frame when `ticks` items had been
    /// broadcast.
    pub fn pulled(&self, ticks: u64) {
        self.0.pulled_at.store(ticks, Ordering::Release);
    }
}

impl OpenStreams {
    pub fn register(&self, closer: Option<ConnectionCloser>, ticks: u64) -> StreamGuard {
        let watched = Arc::new(Watched {
            pulled_at: AtomicU64::new(ticks),
            closer,
        });
        self.lock().push(Arc::downgrade(&watched));
        StreamGuard(watched)
    }

    /// Once a second, closes the event streams that have not been pulled since an item
    /// broadcast at least `stall` ago; `ticks` says how many have been broadcast.
    /// Forgets closed event streams as it goes. Stops when `shutdown` is cancelled.
    pub async fn close_stalled(
        self,
        ticks: impl Fn() -> u64,
        stall: Duration,
        shutdown: CancellationToken,
    ) {
        let seconds = usize::try_from(stall.as_secs().max(1)).unwrap_or(usize::MAX);
        // The broadcast count at each of the last `seconds` sweeps, oldest first.
        let mut counts = VecDeque::with_capacity(seconds + 1);
        let mut every = tokio::time::interval(Duration::from_secs(1));
        // A late sweep must not make up for lost time with a burst of sweeps: the counts
        // would then be less than `stall` apart, and a busy reader taken for a dead one.
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = shutdown.cancelled() => return,
                _ = every.tick() => {}
            }
            counts.push_back(ticks());
            let sent_by_then = match counts.len() > seconds {
                true => counts.pop_front(),
                false => None,
            };
            let closed = self.sweep(sent_by_then);
            if closed > 0 {
                tracing::info!(
                    closed,
                    "closed event streams whose clients stopped reading for {} s",
                    stall.as_secs()
                );
            }
        }
    }

    /// Forgets ended event streams and, given the count of items sent by the stall
    /// deadline, closes each event stream last pulled before that count was reached.
    /// Returns how many.
    fn sweep(&self, sent_by_then: Option<u64>) -> usize {
        let mut closed = 0;
        self.lock().retain(|entry| {
            let Some(watched) = entry.upgrade() else {
                return false;
            };
            let stalled =
                sent_by_then.is_some_and(|sent| watched.pulled_at.load(Ordering::Acquire) < sent);
            match (&watched.closer, stalled) {
                (Some(closer), true) => {
                    closer.close();
                    closed += 1;
                    // Its connection is going; nothing more to watch.
                    false
                }
                _ => true,
            }
        });
        closed
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Weak<Watched>>> {
        // The list holds no invariant a panic elsewhere could break.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_stream_that_left_an_old_item_unsent_is_closed() {
        let streams = OpenStreams::default();
        let (reading_token, stopped_token) = (CancellationToken::new(), CancellationToken::new());
        let reading = streams.register(Some(ConnectionCloser::new(reading_token.clone())), 0);
        let stopped = streams.register(Some(ConnectionCloser::new(stopped_token.clone())), 0);
        let ended = streams.register(None, 0);
        drop(ended);
        assert_eq!(streams.sweep(None), 0, "no deadline has passed yet");
        assert_eq!(streams.lock().len(), 2, "the ended stream is forgotten");
        // Three items were broadcast by the deadline; one event stream was pulled since.
        reading.pulled(5);
        stopped.pulled(2);
        assert_eq!(streams.sweep(Some(3)), 1);
        assert!(stopped_token.is_cancelled());
        assert!(!reading_token.is_cancelled());
        assert_eq!(
            streams.lock().len(),
            1,
            "a closed stream is no longer watched"
        );
    }
}
