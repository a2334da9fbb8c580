//! What PostgreSQL's sequencer announces, and what the log's tailer has heard of new
//! entries without reading the log.
//!
//! Each sequencer run that numbered something sends `NOTIFY list_events` at its commit,
//! with the entries it numbered and their events' ids (`run_sequencer`,
//! `migrations/postgres/`), and every instance listens ([`listening`](super::listening)).
//! The entries go to the tailer, which sends them on without reading the log; the
//! events' positions go to this instance's writes waiting to hear them
//! ([`leadership`](super::leadership)).
//!
//! Notifications arrive in the order their transactions committed and one run commits
//! at a time, so the entries heard come in position order; the tailer takes those that
//! follow what it has sent, and reads the log only when it cannot be sure it heard
//! everything: before it listens, after a lost connection, an announcement that did not
//! say what it numbered, or a gap. SQLite announces nothing, and its store stays
//! [`Hearing::NotListening`].

use crate::lists::ssr::rows::{StoredEvent, StoredKind};
use std::collections::VecDeque;

/// What the listening connection reports.
#[derive(Debug)]
pub(in crate::lists::ssr) enum Announcement {
    /// Listening, for the first time or again after a lost connection: what was
    /// announced before is not known.
    Listening,
    /// A sequencer run numbered these entries, oldest first.
    Numbered(Vec<StoredEvent>),
    /// A run numbered something without saying what (more than one notification holds,
    /// or an instance of an older build).
    Unsaid,
    /// Not listening: the connection is lost and could not be made again yet.
    Lost,
}

/// One entry of a sequencer run's notification, `[seq, kind, list_id, name, event id]`:
/// the entry as the log holds it, and its event's id.
#[derive(serde::Deserialize)]
struct AnnouncedEntry {
    seq: i64,
    kind: StoredKind,
    list_id: i64,
    name: String,
    event: i64,
}

/// What a sequencer run's notification says it numbered (`run_sequencer` writes it): a
/// JSON array of `[seq, kind, list_id, name, event id]`, or nothing when that would not
/// fit. Returns the entries, and each event's id with its position.
pub(super) fn announced(payload: &str) -> (Announcement, Vec<(i64, i64)>) {
    if payload.is_empty() {
        return (Announcement::Unsaid, Vec::new());
    }
    match serde_json::from_str::<Vec<AnnouncedEntry>>(payload) {
        Ok(numbered) => {
            let (entries, positions) = numbered
                .into_iter()
                .map(|entry| {
                    let position = (entry.event, entry.seq);
                    let entry = StoredEvent {
                        seq: entry.seq,
                        kind: entry.kind,
                        list_id: entry.list_id,
                        name: entry.name,
                    };
                    (entry, position)
                })
                .unzip();
            (Announcement::Numbered(entries), positions)
        }
        Err(error) => {
            tracing::warn!(%error, "could not read what the sequencer numbered; reading the log");
            (Announcement::Unsaid, Vec::new())
        }
    }
}

/// Heard entries kept for the tailer at most; past this it reads the log instead.
const KEPT: usize = 4096;

/// The entries heard and not yet taken, and whether they can be trusted to be all.
#[derive(Debug, Default)]
pub(in crate::lists::ssr) enum Hearing {
    /// Not listening (SQLite, or PostgreSQL between connections): every wake reads the
    /// log.
    #[default]
    NotListening,
    Listening {
        entries: VecDeque<StoredEvent>,
        /// Something may have been announced without being heard here.
        missed: bool,
    },
}

impl Hearing {
    pub(in crate::lists::ssr) fn hear(&mut self, announcement: Announcement) {
        match (announcement, &mut *self) {
            (Announcement::Lost, _) => *self = Self::NotListening,
            (Announcement::Listening, _) => *self = Self::missed(VecDeque::new()),
            // Heard again after a loss with no word of reconnecting: the entries are
            // true, but what came between is not known.
            (Announcement::Numbered(heard), Self::NotListening) => {
                *self = Self::missed(heard.into())
            }
            (Announcement::Numbered(heard), Self::Listening { entries, missed }) => {
                entries.extend(heard);
                if entries.len() > KEPT {
                    entries.clear();
                    *missed = true;
                }
            }
            (Announcement::Unsaid, Self::Listening { missed, .. }) => *missed = true,
            (Announcement::Unsaid, Self::NotListening) => {}
        }
    }

    /// The entries heard that follow position `after` with no gap, oldest first (none if
    /// nothing new was heard), or `None` when the log must be read instead. Entries at or
    /// before `after` are dropped: the tailer has sent them.
    pub(in crate::lists::ssr) fn take_after(&mut self, after: i64) -> Option<Vec<StoredEvent>> {
        let Self::Listening { entries, missed } = self else {
            return None;
        };
        if std::mem::take(missed) {
            // The read that follows finds everything heard so far: it was committed
            // before it was announced.
            entries.clear();
            return None;
        }
        let taken: Vec<StoredEvent> = entries
            .drain(..)
            .filter(|entry| entry.seq > after)
            .collect();
        let follows = taken
            .iter()
            .zip(after + 1..)
            .all(|(entry, expected)| entry.seq == expected);
        follows.then_some(taken)
    }

    fn missed(entries: VecDeque<StoredEvent>) -> Self {
        Self::Listening {
            entries,
            missed: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lists::change::ChangeKind;

    fn entries(seqs: std::ops::RangeInclusive<i64>) -> Vec<StoredEvent> {
        seqs.map(|seq| StoredEvent {
            seq,
            kind: StoredKind::Known(ChangeKind::Created),
            list_id: seq,
            name: format!("list {seq}"),
        })
        .collect()
    }

    fn seqs(taken: Option<Vec<StoredEvent>>) -> Option<Vec<i64>> {
        taken.map(|entries| entries.iter().map(|entry| entry.seq).collect())
    }

    fn listening() -> Hearing {
        let mut hearing = Hearing::default();
        hearing.hear(Announcement::Listening);
        assert_eq!(
            seqs(hearing.take_after(0)),
            None,
            "what came before is not known"
        );
        hearing
    }

    #[test]
    fn not_listening_always_reads_the_log() {
        let mut hearing = Hearing::default();
        assert_eq!(seqs(hearing.take_after(0)), None);
        hearing.hear(Announcement::Unsaid);
        assert_eq!(seqs(hearing.take_after(0)), None);
    }

    #[test]
    fn entries_that_follow_are_taken_in_order_and_once() {
        let mut hearing = listening();
        assert_eq!(seqs(hearing.take_after(0)), Some(vec![]));
        hearing.hear(Announcement::Numbered(entries(1..=3)));
        hearing.hear(Announcement::Numbered(entries(4..=4)));
        assert_eq!(seqs(hearing.take_after(0)), Some(vec![1, 2, 3, 4]));
        assert_eq!(seqs(hearing.take_after(4)), Some(vec![]));
    }

    #[test]
    fn entries_already_sent_are_dropped() {
        let mut hearing = listening();
        hearing.hear(Announcement::Numbered(entries(3..=6)));
        assert_eq!(seqs(hearing.take_after(4)), Some(vec![5, 6]));
        hearing.hear(Announcement::Numbered(entries(7..=8)));
        assert_eq!(seqs(hearing.take_after(9)), Some(vec![]));
    }

    #[test]
    fn a_gap_means_reading_the_log() {
        let mut hearing = listening();
        hearing.hear(Announcement::Numbered(entries(3..=4)));
        assert_eq!(seqs(hearing.take_after(1)), None, "2 was not heard");
        hearing.hear(Announcement::Numbered(entries(5..=5)));
        hearing.hear(Announcement::Numbered(entries(7..=7)));
        assert_eq!(seqs(hearing.take_after(4)), None, "6 was not heard");
        hearing.hear(Announcement::Numbered(entries(8..=8)));
        assert_eq!(seqs(hearing.take_after(7)), Some(vec![8]));
    }

    #[test]
    fn an_unsaid_run_or_a_lost_connection_means_reading_the_log_once() {
        let mut hearing = listening();
        hearing.hear(Announcement::Numbered(entries(1..=2)));
        hearing.hear(Announcement::Unsaid);
        hearing.hear(Announcement::Numbered(entries(9..=9)));
        assert_eq!(seqs(hearing.take_after(0)), None);
        hearing.hear(Announcement::Numbered(entries(10..=10)));
        assert_eq!(seqs(hearing.take_after(9)), Some(vec![10]));

        hearing.hear(Announcement::Lost);
        hearing.hear(Announcement::Unsaid);
        assert_eq!(seqs(hearing.take_after(10)), None);
        assert_eq!(seqs(hearing.take_after(10)), None, "still not listening");
        hearing.hear(Announcement::Numbered(entries(12..=12)));
        assert_eq!(
            seqs(hearing.take_after(10)),
            None,
            "heard again, 11 unknown"
        );
        hearing.hear(Announcement::Numbered(entries(13..=13)));
        assert_eq!(seqs(hearing.take_after(12)), Some(vec![13]));
    }

    #[test]
    fn too_much_unread_means_reading_the_log() {
        let mut hearing = listening();
        let mut seq = 0;
        while seq <= KEPT as i64 {
            hearing.hear(Announcement::Numbered(entries(seq + 1..=seq + 100)));
            seq += 100;
        }
        assert_eq!(seqs(hearing.take_after(0)), None);
        assert_eq!(seqs(hearing.take_after(seq)), Some(vec![]));
    }

    #[test]
    fn an_announcement_gives_its_entries_and_their_events_positions() {
        let (announcement, positions) =
            announced(r#"[[41,"created",7,"a \"quoted\" «ä»",90],[42,"renamed",3,"b",91]]"#);
        let Announcement::Numbered(entries) = announcement else {
            panic!("entries: {announcement:?}");
        };
        let read: Vec<(i64, i64, &str)> = entries
            .iter()
            .map(|entry| (entry.seq, entry.list_id, entry.name.as_str()))
            .collect();
        assert_eq!(read, [(41, 7, "a \"quoted\" «ä»"), (42, 3, "b")]);
        assert_eq!(entries[1].kind, StoredKind::Known(ChangeKind::Renamed));
        assert_eq!(positions, [(90, 41), (91, 42)]);
    }

    #[test]
    fn an_announcement_that_cannot_be_read_means_reading_the_log() {
        for payload in ["", r#"[[41,"created",7,"a"]]"#, "not json"] {
            let (announcement, positions) = announced(payload);
            assert!(
                matches!(announcement, Announcement::Unsaid),
                "{payload}: {announcement:?}"
            );
            assert!(positions.is_empty());
        }
    }
}
