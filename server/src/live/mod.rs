//! Live sync: the change log, tailed once per process and fanned out over SSE.
//!
//! The log in the database is the source of truth. One task per process takes new
//! entries in order (woken by each local commit; on PostgreSQL also by every instance's
//! announcements, which carry the entries, so it reads the log only when one may have
//! been missed; and polling, so that nothing is missed for long), encodes each once and
//! broadcasts it. Each event stream holds only its position and a broadcast receiver;
//! an event stream that falls behind, or resumes after a reconnect, reads what it
//! missed from the log itself. Nothing is buffered per client beyond the broadcast
//! ring, nothing is lost, and a client that stops reading is let go (`streams`).

mod feed;
mod resume;
mod sse;
mod streams;

pub use feed::{ChangeFeed, EventEncoding, FeedEvent, FeedLimits, FeedStats};
pub use sse::events;
