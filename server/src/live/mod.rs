//! Live sync: the change log, tailed once per process and fanned out over SSE.
//!
//! The log in SQLite is the source of truth. One task per process reads new entries in
//! order (woken by each local commit, and polling so that another server instance's
//! writes show up too) and broadcasts them. Each SSE stream holds only its position and
//! a broadcast receiver; a stream that falls behind, or resumes after a reconnect, reads
//! what it missed from the log itself. Nothing is buffered per client beyond the
//! broadcast ring, and nothing is lost.

mod feed;
mod sse;

pub use feed::{ChangeFeed, FeedEvent};
pub use sse::list_events;
