//! The three writes (create, rename, delete or restore), written once for both
//! databases. Each runs in one transaction: if its key was used before, nothing is
//! written and the first answer stands; otherwise the change, its log entry and its key's
//! record commit together. The backends supply the steps, each in its own SQL
//! ([`WriteSteps`]); what a step means, and the order of the steps, live here.

use super::error::StoreError;
use super::rows::{Applied, KeyRecord, StoredList};
use crate::lists::{ChangeKind, ListId, ListName};

/// What a write logged: an event (its position on SQLite; on PostgreSQL its id, which the
/// sequencer numbers once it has committed), or nothing (then the log's end as it was).
pub(super) enum Written {
    Event(i64),
    Nothing(i64),
}

/// The steps of a write, in one database's SQL.
pub(super) trait WriteSteps {
    /// A write transaction.
    type Tx: Send;
    /// A key's record as the write found it (on PostgreSQL its position may still have
    /// to be read, once the write has let go of its connection).
    type FoundKey: Send;

    /// Starts a write, waiting a bounded time for its turn ([`StoreError::Busy`]).
    async fn begin_write(&self) -> Result<Self::Tx, StoreError>;
    async fn rollback(tx: Self::Tx) -> Result<(), StoreError>;
    /// What the change with `key` did, if the key has been used.
    async fn find_key(tx: &mut Self::Tx, key: &str) -> Result<Option<Self::FoundKey>, StoreError>;
    async fn key_record(&self, found: Self::FoundKey) -> Result<KeyRecord, StoreError>;
    /// Inserts an active list; its id.
    async fn insert_list(tx: &mut Self::Tx, name: &ListName) -> Result<i64, StoreError>;
    /// Renames an active list whose name is another; whether it did.
    async fn rename_list(
        tx: &mut Self::Tx,
        id: ListId,
        name: &ListName,
    ) -> Result<bool, StoreError>;
    async fn is_active(tx: &mut Self::Tx, id: ListId) -> Result<bool, StoreError>;
    /// Deletes (or restores) a list that is not so already; the list if it did.
    async fn set_deleted(
        tx: &mut Self::Tx,
        id: ListId,
        deleted: bool,
    ) -> Result<Option<StoredList>, StoreError>;
    async fn find_list(tx: &mut Self::Tx, id: ListId) -> Result<Option<StoredList>, StoreError>;
    /// Appends a change to the log.
    async fn append_event(
        tx: &mut Self::Tx,
        kind: ChangeKind,
        id: i64,
        name: &str,
    ) -> Result<Written, StoreError>;
    /// The newest position ever handed out.
    async fn log_end(tx: &mut Self::Tx) -> Result<i64, StoreError>;
    /// Records `key` (if any) with what the write did, commits, and says where in the log
    /// the write is.
    async fn finish(
        &self,
        tx: Self::Tx,
        key: Option<&str>,
        kind: ChangeKind,
        row: StoredList,
        written: Written,
    ) -> Result<Applied, StoreError>;
}

pub(super) async fn create<D: WriteSteps>(
    db: &D,
    name: &ListName,
    key: Option<&str>,
) -> Result<Applied, StoreError> {
    let kind = ChangeKind::Created;
    write(db, kind, key, async |tx| {
        let id = D::insert_list(tx, name).await?;
        let written = D::append_event(tx, kind, id, name.as_str()).await?;
        let row = StoredList {
            id,
            name: name.as_str().to_owned(),
        };
        Ok(Some((row, written)))
    })
    .await
}

/// Renames an active list. A rename to the name it has writes no log entry (its key is
/// still recorded).
pub(super) async fn rename<D: WriteSteps>(
    db: &D,
    id: ListId,
    name: &ListName,
    key: Option<&str>,
) -> Result<Applied, StoreError> {
    let kind = ChangeKind::Renamed;
    write(db, kind, key, async |tx| {
        let written = if D::rename_list(tx, id, name).await? {
            D::append_event(tx, kind, id.get(), name.as_str()).await?
        } else if D::is_active(tx, id).await? {
            Written::Nothing(D::log_end(tx).await?)
        } else {
            return Ok(None);
        };
        let row = StoredList {
            id: id.get(),
            name: name.as_str().to_owned(),
        };
        Ok(Some((row, written)))
    })
    .await
}

/// Deletes or restores. Deleting a deleted list (or restoring an active one) writes no
/// log entry (its key is still recorded). A list whose stored name cannot be `readable`
/// is not changed: to the caller it is gone.
pub(super) async fn set_deleted<D: WriteSteps>(
    db: &D,
    id: ListId,
    kind: ChangeKind,
    key: Option<&str>,
    readable: impl Fn(&StoredList) -> bool,
) -> Result<Applied, StoreError> {
    write(db, kind, key, async |tx| {
        Ok(match D::set_deleted(tx, id, kind.leaves_deleted()).await? {
            Some(row) if readable(&row) => {
                let written = D::append_event(tx, kind, row.id, &row.name).await?;
                Some((row, written))
            }
            Some(_) => None,
            None => match D::find_list(tx, id).await? {
                Some(row) => Some((row, Written::Nothing(D::log_end(tx).await?))),
                None => None,
            },
        })
    })
    .await
}

/// One write: the key's earlier answer if it has one, else `change` (`None`: no such
/// list, nothing written) and its key's record, committed together.
async fn write<D: WriteSteps>(
    db: &D,
    kind: ChangeKind,
    key: Option<&str>,
    change: impl AsyncFnOnce(&mut D::Tx) -> Result<Option<(StoredList, Written)>, StoreError>,
) -> Result<Applied, StoreError> {
    let mut tx = db.begin_write().await?;
    if let Some(key) = key {
        if let Some(found) = D::find_key(&mut tx, key).await? {
            D::rollback(tx).await?;
            return Ok(Applied::Before(db.key_record(found).await?));
        }
    }
    match change(&mut tx).await? {
        Some((row, written)) => db.finish(tx, key, kind, row, written).await,
        None => {
            D::rollback(tx).await?;
            Ok(Applied::Missing)
        }
    }
}
