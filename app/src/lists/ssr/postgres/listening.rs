//! The connection every instance listens on, on PostgreSQL: it hears every sequencer
//! run's announcement, whoever ran it, and tells the store what was numbered
//! ([`announcements`](super::announcements)) and this instance's writes waiting to hear
//! their positions ([`leadership`](super::leadership)). It also holds the leader's lock
//! while this instance leads: a session lock, which PostgreSQL lets go when the
//! connection ends, so a leader that dies or loses its connection makes room for another.

use super::announcements::{announced, Announcement};
use super::leadership::Role;
use super::PostgresDb;
use sqlx::postgres::PgListener;
use std::{
    sync::Arc,
    time::{Duration, Instant},
};
use tokio_util::sync::CancellationToken;

/// The channel commits are announced on (`run_sequencer` names it too).
const CHANNEL: &str = "list_events";

/// The session lock the leading instance holds on its listening connection (any fixed
/// number other than the sequencer's: it names nothing else).
const LEADER_LOCK: i64 = 7_811_882_618_982_114_674;

/// How often an instance that does not lead tries to.
const LEAD_RETRY: Duration = Duration::from_secs(1);

impl PostgresDb {
    /// Tells `hear` of every sequencer run, made by any instance, until `shutdown`: what
    /// it numbered, and when something may have been missed (before listening, and when
    /// the listening connection drops, after which it listens again). The listening
    /// connection also decides whether this instance leads the numbering: it holds the
    /// leader's lock if it can, and tries again every [`LEAD_RETRY`] while it follows.
    pub(in crate::lists::ssr) fn forward_commits(
        &self,
        hear: impl Fn(Announcement) + Send + 'static,
        shutdown: CancellationToken,
    ) {
        let pool = self.pool.clone();
        let leadership = Arc::clone(&self.leadership);
        tokio::spawn(async move {
            let mut listener = loop {
                let connected = async {
                    let mut listener = PgListener::connect_with(&pool).await?;
                    listener.listen(CHANNEL).await?;
                    Ok::<_, sqlx::Error>(listener)
                };
                tokio::select! {
                    () = shutdown.cancelled() => return,
                    connected = connected => match connected {
                        Ok(listener) => break listener,
                        Err(error) => {
                            tracing::warn!(%error, "could not listen for commits; retrying");
                            tokio::time::sleep(Duration::from_secs(1)).await;
                        }
                    },
                }
            };
            hear(Announcement::Listening);
            leadership.set_role(lead(&mut listener).await);
            let mut retry = tokio::time::interval(LEAD_RETRY);
            retry.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    () = shutdown.cancelled() => {
                        leadership.set_role(Role::Alone);
                        return;
                    }
                    _ = retry.tick(), if leadership.role() != Role::Leads => {
                        leadership.set_role(lead(&mut listener).await);
                    }
                    received = listener.try_recv() => match received {
                        Ok(Some(notification)) => {
                            let (announcement, numbered) = announced(notification.payload());
                            leadership.heard(&numbered, Instant::now());
                            hear(announcement);
                        }
                        // Lost, and listening again already (sqlx connects at once); the
                        // leader's lock went with the connection.
                        Ok(None) => {
                            tracing::warn!("lost the commit notifications; listening again");
                            leadership.set_role(Role::Alone);
                            hear(Announcement::Listening);
                            leadership.set_role(lead(&mut listener).await);
                        }
                        // Lost, and not listening yet: the next call connects again.
                        Err(error) => {
                            tracing::warn!(%error, "lost the commit notifications; retrying");
                            leadership.set_role(Role::Alone);
                            hear(Announcement::Lost);
                            tokio::time::sleep(Duration::from_millis(200)).await;
                        }
                    },
                }
            }
        });
    }
}

/// Takes the leader's lock on the listening connection if no other instance holds it:
/// this instance leads then, and follows otherwise (or is alone, if the connection failed).
async fn lead(listener: &mut PgListener) -> Role {
    match sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
        .bind(LEADER_LOCK)
        .fetch_one(listener)
        .await
    {
        Ok(true) => Role::Leads,
        Ok(false) => Role::Follows,
        Err(error) => {
            tracing::warn!(%error, "could not ask who leads the numbering");
            Role::Alone
        }
    }
}
