//! A batch of changes, applied on the server: what a screen's outbox sends when more
//! than one change waits.

use super::change_key::ChangeKey;
use super::Collection;
use std::future::Future;

/// Applies `batch` in its order, each change with its own key through `apply`, and
/// answers for each. It stops at the first change refused for a reason that may pass
/// (busy): the answers end there, and the changes after it wait to be sent again, so
/// that none overtakes it. A change that cannot be read is answered on its own.
pub async fn apply_batch<C, F, Fut>(batch: &[C::Sent], apply: F) -> Vec<Result<C::Answer, C::Error>>
where
    C: Collection,
    F: Fn(ChangeKey, C::Change) -> Fut,
    Fut: Future<Output = Result<C::Answer, C::Error>>,
{
    let mut answers = Vec::with_capacity(batch.len());
    for sent in batch {
        let answer = match C::parse_sent(sent) {
            Ok((key, change)) => apply(key, change).await,
            Err(refused) => Err(refused),
        };
        let stop = answer.as_ref().is_err_and(C::may_pass);
        answers.push(answer);
        if stop {
            break;
        }
    }
    answers
}
