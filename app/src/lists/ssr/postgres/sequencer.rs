//! How a committed write learns its position on PostgreSQL: from the sequencer, the
//! database function `run_sequencer` (stated whole in the latest migration that replaces
//! it, `migrations/postgres/`), one round trip a run.
//!
//! A write commits its entry without a position, then asks for it. On a following
//! instance whose leader is busy, it hears it from the leader's next run
//! ([`leadership`](super::leadership)). Otherwise it joins this instance's next batch
//! ([`Numbering`]), whose run numbers every entry committed so far; a batch that finds
//! another instance's run under way waits for that run (it numbers what was committed
//! before it began) rather than queue a run, and a durable commit, of its own behind it.
//! Should the batch fail, the write runs the sequencer itself.
//!
//! An entry whose writer died between its commit and its numbering (or that another
//! program wrote) is numbered by the next run of any instance, and by
//! [`PostgresDb::sequence_orphans`], which every instance's tailer calls when woken (at
//! most once a second), so that none waits for a run that will not come.

use super::leadership::{Learn, FOLLOW_WAIT};
use super::{bounds, lock_wait, PostgresDb};
use crate::lists::ssr::error::StoreError;
use std::time::Instant;
use tokio::sync::{mpsc, oneshot};

/// An event and its position in the log, if it has one yet.
type Position = (i64, Option<i64>);

/// Numbers this process's committed events in batches, as a database's group commit
/// does: one task takes every write waiting at that moment, runs the sequencer once for
/// all of them and gets all their positions from that one call. So an instance holds the
/// sequencer's lock once per batch, not once per write, and a write waits for one batch.
#[derive(Debug)]
pub(super) struct Numbering {
    requests: mpsc::UnboundedSender<(i64, oneshot::Sender<Option<i64>>)>,
}

impl Numbering {
    /// Starts the task that numbers this process's writes, batch after batch.
    fn start(db: PostgresDb) -> Self {
        let (requests, mut waiting) =
            mpsc::unbounded_channel::<(i64, oneshot::Sender<Option<i64>>)>();
        tokio::spawn(async move {
            while let Some(first) = waiting.recv().await {
                let mut batch = vec![first];
                while let Ok(more) = waiting.try_recv() {
                    batch.push(more);
                }
                // Every event in the batch committed before it was sent, so one run
                // numbers them all. Another instance's sequencer may have numbered them
                // already, or be numbering them now: then the first call waits for that
                // run rather than queue a run (and a durable commit) of its own behind
                // it; the second runs the sequencer only if that run began before these
                // events were committed.
                let events: Vec<i64> = batch.iter().map(|(event, _)| *event).collect();
                let mut positions = Vec::new();
                for queue in [false, true] {
                    match db.run_sequencer(&events, queue).await {
                        Ok(read) => positions = read,
                        Err(error) => tracing::warn!(%error, "numbering a batch of events failed"),
                    }
                    if numbers_all(&positions, &events) {
                        break;
                    }
                }
                for (event, reply) in batch {
                    let seq = positions
                        .iter()
                        .find(|(id, _)| *id == event)
                        .and_then(|(_, seq)| *seq);
                    // The writer may have stopped waiting; nothing to tell it then.
                    let _ = reply.send(seq);
                }
            }
        });
        Self { requests }
    }
}

impl PostgresDb {
    /// Runs the sequencer (`run_sequencer`, `migrations/postgres/`): one call, in a
    /// transaction of its own, whose statements each see every transaction committed
    /// before they began. With `queue`, it waits its turn and numbers every event
    /// committed without a position: the next positions after the horizon, in the order
    /// the events were written, announced by `NOTIFY list_events`. Without, it numbers
    /// only if some of `events` have no position and no run is under way, and otherwise
    /// waits for that run to commit. Returns the positions of `events` after it (none
    /// for an event pruned already); a lock waited for past `write_wait` is
    /// [`StoreError::Busy`].
    pub(super) async fn run_sequencer(
        &self,
        events: &[i64],
        queue: bool,
    ) -> Result<Vec<Position>, StoreError> {
        let started = Instant::now();
        let ran = sqlx::query_as("SELECT event_id, event_seq FROM run_sequencer($1, $2, $3)")
            .bind(events)
            .bind(format!("{}ms", self.write_wait.as_millis()))
            .bind(queue)
            .fetch_all(&self.pool)
            .await
            .map_err(lock_wait);
        if ran.is_ok() {
            self.observer.sequencer_run(started.elapsed());
        }
        ran
    }

    /// Numbers events that were committed without a position more than a second ago:
    /// those of a writer that died between its commit and its numbering, or of another
    /// program's transaction. Every instance's tailer calls this when woken (at most once
    /// a second), so that no event waits for a sequencer that will not come. Cheap when
    /// there are none.
    pub(in crate::lists::ssr) async fn sequence_orphans(&self) -> Result<(), StoreError> {
        let orphaned: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM list_events \
             WHERE seq IS NULL AND recorded_at < now() - interval '1 second')",
        )
        .fetch_one(&self.pool)
        .await?;
        if orphaned {
            self.run_sequencer(&[], true).await?;
        }
        Ok(())
    }

    /// The position of an event this process wrote and committed: heard from the
    /// leader's run when this instance follows (see [`leadership`](super::leadership)), or
    /// else numbered in this instance's next batch (see [`Numbering`]), or, should that
    /// fail, by running the sequencer here.
    pub(super) async fn position_of(&self, event: i64) -> Result<i64, StoreError> {
        self.learn_position(event, Instant::now()).await
    }

    /// [`position_of`](Self::position_of) an event this process committed a moment ago:
    /// the wait is the numbering lag the observer hears (once per write, never for a
    /// replay that reads an older event's position).
    pub(super) async fn position_of_committed(&self, event: i64) -> Result<i64, StoreError> {
        let committed = Instant::now();
        let position = self.learn_position(event, committed).await;
        if position.is_ok() {
            self.observer.numbered(committed.elapsed());
        }
        position
    }

    async fn learn_position(&self, event: i64, committed: Instant) -> Result<i64, StoreError> {
        match self.leadership.learn(event, committed) {
            Learn::Heard(seq) => return Ok(seq),
            Learn::Wait(told) => match tokio::time::timeout(FOLLOW_WAIT, told).await {
                Ok(Ok(seq)) => return Ok(seq),
                // This instance stopped following: it asks.
                Ok(Err(_)) => {}
                Err(_) => self.leadership.not_heard(event),
            },
            Learn::Ask => {}
        }
        let numbering = self
            .numbering
            .get_or_init(|| Numbering::start(self.clone()));
        let (reply, position) = oneshot::channel();
        if numbering.requests.send((event, reply)).is_ok() {
            if let Ok(Some(seq)) = position.await {
                return Ok(seq);
            }
        }
        match self.run_sequencer(&[event], true).await?.first() {
            Some((_, Some(seq))) => Ok(*seq),
            // Not expected: the event committed before that run began, so the run
            // numbered it. Should it happen, "busy" lets a caller that sent a change key
            // ask again and be answered from the key's record.
            Some((_, None)) => Err(StoreError::Busy),
            // Pruned already (a change key older than the log's retention): the change
            // is older than anything still in the log.
            None => {
                let mut conn = self.pool.acquire().await?;
                Ok(bounds(&mut conn).await?.1)
            }
        }
    }
}

/// Whether `positions` gives every one of `events` its position.
fn numbers_all(positions: &[Position], events: &[i64]) -> bool {
    events.iter().all(|event| {
        positions
            .iter()
            .any(|(id, seq)| id == event && seq.is_some())
    })
}
