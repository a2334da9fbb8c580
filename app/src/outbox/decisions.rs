//! The outbox's decisions, as plain functions of plain data: what to send next, what an
//! answer does, how storage and this tab's memory merge, which changes another tab has
//! sent, and how long to wait after a failure.
//! The browser code (`sending`) only carries them out.

use super::Waiting;
use crate::collection::{ChangeKey, Collection, Position, BATCH_LIMIT};
use std::time::Duration;

/// The oldest waiting changes, as many as one batch holds.
pub fn next_batch<C: Collection>(waiting: &[Waiting<C>]) -> Vec<Waiting<C>> {
    waiting.iter().take(BATCH_LIMIT).cloned().collect()
}

/// What an answer does to its waiting change.
#[derive(Debug, PartialEq)]
pub enum Outcome<C: Collection> {
    /// Refused for a reason that may pass (busy, unreachable): the change keeps waiting,
    /// and so does every change after it, so that none overtakes it.
    KeepWaiting,
    /// Applied: the change is done with, and the screen shows the server's row.
    Applied { position: Position, row: C::Row },
    /// Refused for good: the change is done with, taken back, and the screen says why.
    Refused(C::Error),
}

pub fn outcome<C: Collection>(answer: Result<C::Answer, C::Error>) -> Outcome<C> {
    match answer {
        Ok(answer) => {
            let (position, row) = C::answered(&answer);
            Outcome::Applied { position, row }
        }
        Err(error) if C::may_pass(&error) => Outcome::KeepWaiting,
        Err(error) => Outcome::Refused(error),
    }
}

/// Whether sending goes on after a batch: every change got its answer and none keeps
/// waiting. A batch the server cut short (it stops at the first change that may pass)
/// or one with a change kept waiting is tried again later.
pub fn batch_settled<C: Collection>(sent: usize, outcomes: &[Outcome<C>]) -> bool {
    outcomes.len() == sent
        && !outcomes
            .iter()
            .any(|outcome| matches!(outcome, Outcome::KeepWaiting))
}

/// How long to wait after the `failures`-th failure in a row: one second doubling up to
/// thirty, times `jitter` (between half and one and a half), so that screens cut off
/// together do not all come back in the same instant.
pub fn backoff(failures: u32, jitter: f64) -> Duration {
    let base = 1000.0 * f64::from(1u32 << failures.min(5)).min(30.0);
    Duration::from_millis((base * jitter.clamp(0.5, 1.5)) as u64)
}

/// What the outbox holds after reading storage: what storage holds, and this tab's
/// changes that storage refused (`unkept`: full, or switched off), which no other tab
/// knows of and no other tab's write may drop. Oldest first, each key once.
pub fn merged<C: Collection>(
    mut stored: Vec<Waiting<C>>,
    mine: &[Waiting<C>],
    unkept: &[String],
) -> Vec<Waiting<C>> {
    stored.extend(
        mine.iter()
            .filter(|waiting| unkept.iter().any(|key| key == waiting.key()))
            .cloned(),
    );
    stored.sort_by(|a, b| a.key().cmp(b.key()));
    stored.dedup_by(|a, b| a.key() == b.key());
    stored
}

/// Of the changes this tab shows ahead of the server (`begun`, by key), those that no
/// longer wait anywhere: another tab sent them, and the feed brings their outcome. The
/// rest stay begun.
pub fn sent_elsewhere<B: AsRef<str>>(
    begun: Vec<B>,
    stored: &[impl AsRef<str>],
    unkept: &[String],
) -> (Vec<B>, Vec<B>) {
    begun.into_iter().partition(|key| {
        let key = key.as_ref();
        stored.iter().all(|waiting| waiting.as_ref() != key) && !unkept.iter().any(|k| k == key)
    })
}

/// A fresh key for a change: the time in milliseconds and this tab's counter, in fixed
/// width so that keys sort in the order the changes were made, then this tab's id.
pub fn next_key(client: &str, counter: u32, now_ms: f64) -> Option<ChangeKey> {
    let millis = now_ms.max(0.0) as u64;
    ChangeKey::parse(&format!("{millis:012x}{counter:06x}-{client}")).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collection::letters::{letter, LetterChange, LetterError, Letters};

    fn key(n: u32) -> ChangeKey {
        next_key("0123456789abcdef", n, 1_700_000_000_000.0).unwrap()
    }

    fn waiting(n: u32, change: LetterChange) -> Waiting<Letters> {
        Waiting {
            sent: Letters::sent(&key(n), &change),
            before: None,
        }
    }

    fn keys(waiting: &[Waiting<Letters>]) -> Vec<String> {
        waiting.iter().map(|w| w.key().to_owned()).collect()
    }

    #[test]
    fn keys_sort_in_the_order_changes_were_made() {
        let a = next_key("0123456789abcdef", 9, 1_700_000_000_000.0).unwrap();
        let b = next_key("0123456789abcdef", 10, 1_700_000_000_000.0).unwrap();
        let c = next_key("fedcba9876543210", 1, 1_700_000_000_001.0).unwrap();
        assert!(a.as_str() < b.as_str() && b.as_str() < c.as_str());
    }

    #[test]
    fn a_batch_is_the_oldest_fifty() {
        let all: Vec<_> = (1..=120)
            .map(|n| waiting(n, LetterChange::Tear(n)))
            .collect();
        let batch = next_batch(&all);
        assert_eq!(batch.len(), BATCH_LIMIT);
        assert_eq!(keys(&batch), keys(&all[..BATCH_LIMIT]));
        assert!(next_batch::<Letters>(&[]).is_empty());
    }

    #[test]
    fn an_answer_applies_refuses_or_keeps_the_change_waiting() {
        assert_eq!(
            outcome::<Letters>(Ok((Position::new(4), letter(1, "a")))),
            Outcome::Applied {
                position: Position::new(4),
                row: letter(1, "a")
            }
        );
        assert_eq!(
            outcome::<Letters>(Err(LetterError::Busy)),
            Outcome::KeepWaiting
        );
        assert_eq!(
            outcome::<Letters>(Err(LetterError::Unreachable)),
            Outcome::KeepWaiting
        );
        assert_eq!(
            outcome::<Letters>(Err(LetterError::Missing)),
            Outcome::Refused(LetterError::Missing)
        );
    }

    #[test]
    fn sending_goes_on_only_after_a_whole_batch_was_answered_for_good() {
        let applied = || Outcome::<Letters>::Applied {
            position: Position::new(1),
            row: letter(1, "a"),
        };
        assert!(batch_settled(
            2,
            &[applied(), Outcome::Refused(LetterError::Missing)]
        ));
        assert!(!batch_settled(3, &[applied(), applied()]), "cut short");
        assert!(!batch_settled(2, &[applied(), Outcome::KeepWaiting]));
    }

    #[test]
    fn the_wait_doubles_up_to_thirty_seconds_with_jitter() {
        assert_eq!(backoff(0, 1.0), Duration::from_secs(1));
        assert_eq!(backoff(1, 1.0), Duration::from_secs(2));
        assert_eq!(backoff(4, 1.0), Duration::from_secs(16));
        assert_eq!(backoff(5, 1.0), Duration::from_secs(30));
        assert_eq!(backoff(40, 1.0), Duration::from_secs(30));
        assert_eq!(backoff(0, 0.5), Duration::from_millis(500));
        assert_eq!(backoff(0, 1.5), Duration::from_millis(1500));
        assert_eq!(
            backoff(0, 9.0),
            Duration::from_millis(1500),
            "jitter is bounded"
        );
    }

    #[test]
    fn storage_and_this_tabs_unkept_changes_merge_oldest_first() {
        let stored = vec![
            waiting(1, LetterChange::Tear(1)),
            waiting(4, LetterChange::Tear(4)),
        ];
        let mine = vec![
            waiting(2, LetterChange::Tear(2)),
            waiting(3, LetterChange::Tear(3)),
            waiting(4, LetterChange::Tear(4)),
        ];
        let unkept = vec![key(3).to_string(), key(4).to_string()];
        let merged = merged(stored, &mine, &unkept);
        // 2 was kept in storage and another tab took it out: gone. 3 only lives here.
        // 4 is in both: once.
        assert_eq!(
            keys(&merged),
            [key(1), key(3), key(4)].map(|k| k.to_string())
        );
    }

    #[test]
    fn changes_no_longer_waiting_anywhere_were_sent_by_another_tab() {
        let begun = vec!["a".to_owned(), "b".to_owned(), "c".to_owned()];
        let stored = ["a"];
        let unkept = vec!["c".to_owned()];
        let (gone, stay) = sent_elsewhere(begun, &stored, &unkept);
        assert_eq!(gone, vec!["b".to_owned()]);
        assert_eq!(stay, vec!["a".to_owned(), "c".to_owned()]);
    }
}
