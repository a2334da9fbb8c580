//! The lists' change log, as the server's feed tails it.

use super::error::StoreError;
use super::store::ListStore;
use crate::collection::log::{ChangeLog, LogBounds, LogRead};
use crate::collection::Position;
use crate::lists::change::ListEvent;
use std::{sync::Arc, time::Duration};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

impl ChangeLog for ListStore {
    type Event = ListEvent;
    type Error = StoreError;

    async fn bounds(&self) -> Result<LogBounds, StoreError> {
        self.log_bounds().await
    }

    async fn read_after(
        &self,
        after: Position,
        limit: u32,
    ) -> Result<LogRead<ListEvent>, StoreError> {
        self.events_after(after, limit).await
    }

    fn heard_after(&self, after: Position) -> Option<LogRead<ListEvent>> {
        ListStore::heard_after(self, after)
    }

    async fn number_orphans(&self) -> Result<(), StoreError> {
        self.sequence_orphans().await
    }

    fn advanced(&self, through: Position) {
        self.log_advanced(through);
    }

    fn commits(&self) -> Arc<Notify> {
        ListStore::commits(self)
    }

    fn poll_interval(&self) -> Duration {
        ListStore::poll_interval(self)
    }

    fn hear_other_instances(&self, shutdown: CancellationToken) {
        ListStore::hear_other_instances(self, shutdown);
    }

    async fn prune(&self, retention: Duration) -> Result<u64, StoreError> {
        self.prune_events(retention.as_secs()).await
    }
}
