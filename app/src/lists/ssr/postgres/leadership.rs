//! Which instance runs PostgreSQL's sequencer, and how the others learn their writes'
//! positions without running it.
//!
//! Any run of the sequencer numbers every entry committed so far, whoever wrote it, so
//! one instance's run can serve every instance's writes. Were each instance to run it
//! for its own writes, every instance added would add its runs, each numbering fewer
//! entries, and each run costs PostgreSQL a lock, a commit and an announcement. So one
//! instance **leads**: it holds a session lock on its listening connection (see
//! [`listening`](super::listening)) and runs the sequencer for its writes. The others
//! **follow**: a follower's committed write waits for the leader's next run to announce
//! the entry's position, which every instance hears anyway. It waits only while the
//! leader is busy, that is, has numbered something in the last [`LEADER_IDLE`]: a run
//! counts as the leader's when it numbered an event this instance did not ask for (a
//! leader runs for its own writes). Otherwise (the leader is idle, or this instance is
//! not listening) a follower's write runs the sequencer itself, as a leader's does, so
//! an idle leader costs nothing. A busy leader whose run missed a write (committed just
//! after the run began) or was slow to flush costs only that write a wait of
//! [`FOLLOW_WAIT`]: then it asks.
//!
//! Correctness does not depend on who runs the sequencer: a position heard is the one
//! the run committed, and a write that asks gets the same. This module is the decision
//! and its bookkeeping, without IO: [`sequencer`](super::sequencer) asks it how a write
//! learns its position, and [`listening`](super::listening) tells it this instance's
//! role and what each run numbered.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

/// How long a follower's write waits for the leader's run to announce its position.
pub(super) const FOLLOW_WAIT: Duration = Duration::from_millis(5);
/// How long without a run of the leader's before it counts as idle.
const LEADER_IDLE: Duration = Duration::from_millis(50);
/// Announced positions remembered for writes that ask after their run was heard, and
/// events this instance asked to have numbered.
const RECENT: usize = 1024;

/// What this instance is, as far as numbering goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Alone: not listening, it hears no announcement, so it numbers its own writes.
    Alone,
    /// It holds the leader's lock: it numbers its writes, and the followers' with them.
    Leads,
    /// Another instance leads: its runs announce this instance's positions.
    Follows,
}

/// How a committed write learns its position.
#[derive(Debug)]
pub(super) enum Learn {
    /// Heard already.
    Heard(i64),
    /// Told when the leader's run is heard (the sender is dropped if it is not in time).
    Wait(oneshot::Receiver<i64>),
    /// By running the sequencer (or waiting for a run under way), as a leader does.
    Ask,
}

/// This instance's role, its writes waiting to hear their positions, and the positions
/// heard lately.
#[derive(Debug)]
pub(super) struct Leadership {
    state: Mutex<State>,
    /// How many writes learned their position from a run they did not ask for.
    learned: AtomicU64,
}

impl Default for Leadership {
    fn default() -> Self {
        Self {
            state: Mutex::new(State {
                role: Role::Alone,
                leader_ran: None,
                waiting: HashMap::new(),
                recent: Remembered::default(),
                asked: Remembered::default(),
            }),
            learned: AtomicU64::new(0),
        }
    }
}

impl Leadership {
    pub(super) fn role(&self) -> Role {
        self.lock().role
    }

    pub(super) fn set_role(&self, role: Role) {
        let mut state = self.lock();
        if state.role != role {
            tracing::info!(?role, "numbering role");
        }
        state.role = role;
        if role != Role::Follows {
            // Whoever waits asks instead (its sender is dropped).
            state.waiting.clear();
        }
    }

    /// How the write that committed `event` learns its position, at `now`.
    pub(super) fn learn(&self, event: i64, now: Instant) -> Learn {
        let mut state = self.lock();
        if let Some(seq) = state.recent.get(event) {
            self.learned.fetch_add(1, Ordering::Relaxed);
            return Learn::Heard(*seq);
        }
        let leader_busy = state
            .leader_ran
            .is_some_and(|ran| now.saturating_duration_since(ran) < LEADER_IDLE);
        if state.role != Role::Follows || !leader_busy {
            state.asked.insert(event, ());
            return Learn::Ask;
        }
        let (tell, told) = oneshot::channel();
        state.waiting.insert(event, tell);
        Learn::Wait(told)
    }

    /// The write waiting for `event` did not hear it in time: it asks on its own.
    pub(super) fn not_heard(&self, event: i64) {
        let mut state = self.lock();
        state.waiting.remove(&event);
        state.asked.insert(event, ());
    }

    /// A run numbered these `(event id, position)`s (none: it did not say), heard at
    /// `now`.
    pub(super) fn heard(&self, numbered: &[(i64, i64)], now: Instant) {
        let mut state = self.lock();
        let others = numbered.is_empty()
            || numbered
                .iter()
                .any(|(event, _)| state.asked.get(*event).is_none());
        if others {
            state.leader_ran = Some(now);
        }
        for &(event, seq) in numbered {
            if let Some(tell) = state.waiting.remove(&event) {
                // The write may have stopped waiting; nothing to tell it then.
                if tell.send(seq).is_ok() {
                    self.learned.fetch_add(1, Ordering::Relaxed);
                }
            }
            state.recent.insert(event, seq);
        }
    }

    /// How many of this instance's writes learned their position from another's run.
    pub(super) fn learned(&self) -> u64 {
        self.learned.load(Ordering::Relaxed)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A holder that panicked leaves at worst a position not remembered or a waiting
        // write not told (it asks): nothing worth refusing the lock for.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// What [`Leadership`]'s mutex guards.
#[derive(Debug)]
struct State {
    role: Role,
    /// When the last run of the leader's was heard.
    leader_ran: Option<Instant>,
    waiting: HashMap<i64, oneshot::Sender<i64>>,
    /// Event id to position, as announced lately.
    recent: Remembered<i64>,
    /// Events this instance asked to have numbered lately.
    asked: Remembered<()>,
}

/// The latest [`RECENT`] events' values: the oldest are forgotten first.
#[derive(Debug, Default)]
struct Remembered<V> {
    values: HashMap<i64, V>,
    order: VecDeque<i64>,
}

impl<V> Remembered<V> {
    fn get(&self, event: i64) -> Option<&V> {
        self.values.get(&event)
    }

    fn insert(&mut self, event: i64, value: V) {
        if self.values.insert(event, value).is_none() {
            self.order.push_back(event);
        }
        if self.order.len() > RECENT {
            if let Some(oldest) = self.order.pop_front() {
                self.values.remove(&oldest);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A follower whose leader numbered event 1000 at `now`.
    fn following(now: Instant) -> Leadership {
        let following = Leadership::default();
        following.set_role(Role::Follows);
        following.heard(&[(1000, 500)], now);
        following
    }

    #[test]
    fn a_follower_hears_its_position() {
        let now = Instant::now();
        let following = following(now);
        let Learn::Wait(mut told) = following.learn(7, now) else {
            panic!("a follower waits");
        };
        following.heard(&[(6, 40), (7, 41)], now);
        assert_eq!(told.try_recv(), Ok(41));
    }

    #[test]
    fn a_position_heard_before_the_write_asks_is_remembered() {
        let now = Instant::now();
        let following = following(now);
        following.heard(&[(7, 41)], now);
        assert!(matches!(following.learn(7, now), Learn::Heard(41)));
    }

    #[test]
    fn leaders_and_instances_alone_ask() {
        let following = Leadership::default();
        let now = Instant::now();
        following.heard(&[(1000, 500)], now);
        assert!(matches!(following.learn(1, now), Learn::Ask));
        following.set_role(Role::Leads);
        assert!(matches!(following.learn(1, now), Learn::Ask));
    }

    #[test]
    fn a_follower_whose_leader_is_idle_asks() {
        let now = Instant::now();
        let following = Leadership::default();
        following.set_role(Role::Follows);
        assert!(matches!(following.learn(1, now), Learn::Ask), "never ran");
        following.heard(&[(1000, 500)], now);
        assert!(matches!(
            following.learn(2, now + LEADER_IDLE / 2),
            Learn::Wait(_)
        ));
        following.not_heard(2);
        assert!(matches!(following.learn(3, now + LEADER_IDLE), Learn::Ask));
        // Its own runs, announced meanwhile, are not the leader's.
        following.heard(&[(1, 501), (2, 502), (3, 503)], now + LEADER_IDLE);
        assert!(matches!(following.learn(4, now + LEADER_IDLE), Learn::Ask));
        // A run that numbered something else is.
        following.heard(&[(4, 504), (1001, 505)], now + LEADER_IDLE);
        assert!(matches!(
            following.learn(5, now + LEADER_IDLE),
            Learn::Wait(_)
        ));
    }

    #[test]
    fn a_run_that_does_not_say_what_it_numbered_counts_as_the_leaders() {
        let now = Instant::now();
        let following = Leadership::default();
        following.set_role(Role::Follows);
        following.heard(&[], now);
        assert!(matches!(following.learn(1, now), Learn::Wait(_)));
    }

    #[test]
    fn waiting_writes_ask_when_the_instance_stops_following() {
        let now = Instant::now();
        let following = following(now);
        let Learn::Wait(mut told) = following.learn(1, now) else {
            panic!("a follower waits");
        };
        following.set_role(Role::Leads);
        assert!(told.try_recv().is_err(), "the sender is gone");
        following.heard(&[(1, 5)], now);
        assert!(told.try_recv().is_err());
    }

    #[test]
    fn only_the_latest_positions_are_remembered() {
        let now = Instant::now();
        let following = following(now);
        let heard: Vec<(i64, i64)> = (0..RECENT as i64 + 10)
            .map(|event| (event, event + 100))
            .collect();
        following.heard(&heard, now);
        assert!(matches!(following.learn(0, now), Learn::Wait(_)));
        assert!(matches!(
            following.learn(RECENT as i64 + 9, now),
            Learn::Heard(seq) if seq == RECENT as i64 + 109
        ));
    }
}
