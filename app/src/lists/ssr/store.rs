//! `ListStore`: the lists and their change log, whatever the database underneath.
//!
//! Each write and its change-log entry commit in one transaction, so the log never
//! misses or invents a change. After a commit the store wakes whoever tails the log.
//! The queries themselves live in the backend modules (`sqlite`, `postgres`); this one
//! turns their rows into the domain's types, keeps the newest page, and reports rows it
//! cannot read.

use super::database::Database;
use super::error::StoreError;
use super::observer::{ChangeOutcome, Observer};
use super::postgres::Hearing;
use super::rows::{Applied, KeyRecord, PageAsk, Search, Side, StoredEvent, StoredKind, StoredList};
use crate::collection::log::{LogBounds, LogRead};
use crate::collection::{ChangeKey, Position};
use crate::lists::change::{ChangeKind, ChangedList, ListChange, ListEvent};
use crate::lists::list::{List, ListId};
use crate::lists::name::ListName;
use crate::lists::page::{ListsPage, ListsQuery, PageStart, PAGE_SIZE};
use std::{
    collections::HashSet,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};
use tokio::sync::Notify;

/// The newest page as of one generation of the store: the only page kept in memory.
#[derive(Debug, Clone)]
pub struct FirstPage {
    pub page: Arc<ListsPage>,
    pub generation: u64,
}

/// Handle to the lists and their change log. Cheap to clone; all clones share the
/// database, the first-page cache and the commit signal.
#[derive(Clone, Debug)]
pub struct ListStore {
    db: Database,
    committed: Arc<Notify>,
    state: Arc<Mutex<SharedState>>,
}

/// What every clone of the store shares. `generation` moves whenever the log grows past
/// `known` (the newest position this store has heard of, from its own commits or from
/// whoever tails the log), so a read that raced a commit is never cached, and each
/// commit invalidates once.
#[derive(Debug, Default)]
struct SharedState {
    generation: u64,
    known: Position,
    first_page: Option<Arc<ListsPage>>,
    /// Rows already reported as unreadable, so each is logged once, not on every read.
    reported: HashSet<Unreadable>,
    /// Log entries heard of and not yet taken by whoever tails the log.
    hearing: Hearing,
}

/// A stored row the store could not read, reported once: a list, or a log entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Unreadable {
    List(i64),
    Event(i64),
}

/// How many unreadable rows are remembered as reported; past that they are logged again.
const REPORTED_LIMIT: usize = 1024;

impl ListStore {
    pub fn new(db: Database) -> Self {
        Self {
            db,
            committed: Arc::new(Notify::new()),
            state: Arc::default(),
        }
    }

    pub fn database(&self) -> &Database {
        &self.db
    }

    /// Notified after every commit that appended to the change log (this process's, and
    /// on PostgreSQL every instance's).
    pub fn commits(&self) -> Arc<Notify> {
        Arc::clone(&self.committed)
    }

    /// How often whoever tails the log should look without being told of a commit.
    pub fn poll_interval(&self) -> Duration {
        self.db.poll_interval()
    }

    /// Makes [`commits`](Self::commits) hear of other instances' commits too, where the
    /// database can tell (PostgreSQL's NOTIFY), until `shutdown`; what they numbered is
    /// then told by [`heard_after`](Self::heard_after).
    pub fn hear_other_instances(&self, shutdown: tokio_util::sync::CancellationToken) {
        if let Database::Postgres(db) = &self.db {
            let store = self.clone();
            let hear = move |announcement| {
                store.lock().hearing.hear(announcement);
                store.committed.notify_one();
            };
            db.forward_commits(hear, shutdown);
        }
    }

    /// The newest page without a search, shared by every request until the log advances.
    pub async fn first_page(&self) -> Result<FirstPage, StoreError> {
        let generation = {
            let state = self.lock();
            if let Some(page) = &state.first_page {
                return Ok(FirstPage {
                    page: Arc::clone(page),
                    generation: state.generation,
                });
            }
            state.generation
        };
        let page = Arc::new(self.page(&ListsQuery::default()).await?);
        let mut state = self.lock();
        if state.generation == generation {
            state.first_page = Some(Arc::clone(&page));
        }
        Ok(FirstPage { page, generation })
    }

    /// One page of active lists, newest first. The query walks an index from its start
    /// and reads at most one row more than a page, plus one existence check, so the cost
    /// is the same with a thousand lists or a million; its rows, the check and the log
    /// position come from one snapshot.
    pub async fn page(&self, query: &ListsQuery) -> Result<ListsPage, StoreError> {
        let search = match &query.search {
            None => Search::All,
            Some(term) if term.folded().chars().count() >= 3 => Search::Long(term.folded()),
            Some(term) => Search::Short(term.folded()),
        };
        let (side, bound) = match query.start {
            PageStart::Newest => (Side::Older, i64::MAX),
            PageStart::Before(id) => (Side::Older, id.get()),
            PageStart::After(id) => (Side::Newer, id.get()),
        };
        let limit = i64::try_from(PAGE_SIZE + 1).unwrap_or(i64::MAX);
        let check_beyond = query.start != PageStart::Newest;
        let ask = PageAsk {
            search,
            side,
            bound,
            check_beyond,
            limit,
        };
        let found = self.db.page(&ask).await?;
        let mut lists = found.rows;
        let more = lists.len() > PAGE_SIZE;
        lists.truncate(PAGE_SIZE);
        let (has_older, has_newer) = match side {
            Side::Older => (more, found.beyond),
            Side::Newer => {
                lists.reverse();
                (found.beyond, more)
            }
        };
        Ok(ListsPage {
            lists: lists
                .into_iter()
                .filter_map(|row| self.readable(row))
                .collect(),
            has_older,
            has_newer,
            position: Position::new(found.position),
        })
    }

    /// Applies a change: its row as it now is and the log position that includes it.
    ///
    /// A create makes a list; a rename needs an active list; deleting a deleted list or
    /// restoring an active one (or renaming a list to its name) changes nothing and
    /// succeeds, with no event for the live screens. With a `key` the store has seen, it
    /// changes nothing and answers as it did the first time (the list as it was then);
    /// the same key with another change is [`StoreError::KeyReused`]. A change that
    /// fails records nothing, so its key may be sent again.
    pub async fn apply(
        &self,
        change: &ListChange,
        key: Option<&ChangeKey>,
    ) -> Result<ChangedList, StoreError> {
        let started = Instant::now();
        let (outcome, answer) = match self.write(change, key).await {
            Ok((outcome, changed)) => (outcome, Ok(changed)),
            Err(error) => {
                let outcome = match &error {
                    StoreError::NotFound(_) | StoreError::KeyReused => ChangeOutcome::Refused,
                    StoreError::Busy => ChangeOutcome::Busy,
                    StoreError::Database(_) => ChangeOutcome::Failed,
                };
                (outcome, Err(error))
            }
        };
        self.db
            .observer()
            .change(change.kind(), outcome, started.elapsed());
        answer
    }

    /// Who hears what the store does.
    pub fn observer(&self) -> &Observer {
        self.db.observer()
    }

    /// [`apply`](Self::apply), saying how it went.
    async fn write(
        &self,
        change: &ListChange,
        key: Option<&ChangeKey>,
    ) -> Result<(ChangeOutcome, ChangedList), StoreError> {
        let key_text = key.map(ChangeKey::as_str);
        // A row another tool left unreadable cannot be shown, so to the caller it is gone.
        let readable = |row: &StoredList| ListName::parse(&row.name).is_ok();
        let applied = match change {
            ListChange::Create(name) => self.db.create(name, key_text).await?,
            ListChange::Rename(id, name) => self.db.rename(*id, name, key_text).await?,
            ListChange::Delete(id) | ListChange::Restore(id) => {
                self.db
                    .set_deleted(*id, change.kind(), key_text, readable)
                    .await?
            }
        };
        let missing = || StoreError::NotFound(change.list().unwrap_or(ListId::new(0)));
        match applied {
            Applied::Now { row, seq, wrote } => {
                let seq = Position::new(seq);
                if wrote {
                    self.after_commit(seq);
                }
                let list = self.readable(row).ok_or_else(missing)?;
                let outcome = match wrote {
                    true => ChangeOutcome::Applied,
                    false => ChangeOutcome::Unchanged,
                };
                let changed = ChangedList {
                    list,
                    position: seq,
                };
                Ok((outcome, changed))
            }
            Applied::Before(record) if record.made(change) => {
                let id = record.list_id;
                let list = self
                    .readable(StoredList {
                        id,
                        name: record.name,
                    })
                    .ok_or(StoreError::NotFound(ListId::new(id)))?;
                let changed = ChangedList {
                    list,
                    position: Position::new(record.seq),
                };
                Ok((ChangeOutcome::Replayed, changed))
            }
            Applied::Before(_) => Err(StoreError::KeyReused),
            Applied::Missing => Err(missing()),
        }
    }

    /// Gives positions to log entries whose writer committed them but never numbered
    /// them (it died in between); whoever tails the log calls this when woken.
    pub async fn sequence_orphans(&self) -> Result<(), StoreError> {
        self.db.sequence_orphans().await
    }

    /// Up to `limit` change-log entries after `after`, oldest first.
    pub async fn events_after(
        &self,
        after: Position,
        limit: u32,
    ) -> Result<LogRead<ListEvent>, StoreError> {
        let rows = self.db.events_after(after.get(), i64::from(limit)).await?;
        let full = rows.len() == limit as usize;
        Ok(self.log_read(after, rows, full))
    }

    /// The change-log entries after `after` that the store heard of without reading the
    /// log (PostgreSQL's sequencer announces what it numbered), oldest first; `None` when
    /// only reading the log can tell: nothing is listening (SQLite), or something may
    /// have been announced unheard.
    pub fn heard_after(&self, after: Position) -> Option<LogRead<ListEvent>> {
        let heard = self.lock().hearing.take_after(after.get())?;
        Some(self.log_read(after, heard, false))
    }

    /// Entries as the store hands them out: those that cannot be read are skipped (and
    /// reported once), and `through` moves past them all the same.
    fn log_read(&self, after: Position, rows: Vec<StoredEvent>, full: bool) -> LogRead<ListEvent> {
        let through = rows.last().map_or(after, |row| Position::new(row.seq));
        let events = rows
            .into_iter()
            .filter_map(|event| {
                let kind = self.readable_kind(event.seq, event.kind)?;
                Some(ListEvent {
                    position: Position::new(event.seq),
                    kind,
                    list: self.readable(StoredList {
                        id: event.list_id,
                        name: event.name,
                    })?,
                })
            })
            .collect();
        LogRead {
            events,
            through,
            full,
        }
    }

    pub async fn log_bounds(&self) -> Result<LogBounds, StoreError> {
        let (pruned_through, latest) = self.db.log_bounds().await?;
        Ok(LogBounds {
            pruned_through: Position::new(pruned_through),
            latest: Position::new(latest),
        })
    }

    /// Deletes change-log entries (and change keys) recorded more than `retention_secs`
    /// ago and moves the horizon, so clients resuming from before it are told to reset.
    /// Returns how many log entries went.
    pub async fn prune_events(&self, retention_secs: u64) -> Result<u64, StoreError> {
        self.db.prune(retention_secs).await
    }

    /// Inserts many lists in one transaction, with their change-log entries.
    /// Used by the `seed` command; callers batch so a transaction stays small.
    pub async fn insert_many(&self, names: &[ListName]) -> Result<(), StoreError> {
        let seq = self.db.insert_many(names).await?;
        self.after_commit(Position::new(seq));
        Ok(())
    }

    /// Lists whose stored name is not a valid [`ListName`], for the `check` command:
    /// `(id, reason)`.
    pub async fn unreadable_rows(&self) -> Result<Vec<(i64, String)>, StoreError> {
        use futures::TryStreamExt;
        let mut rows = self.db.all_rows();
        let mut bad = Vec::new();
        while let Some(row) = rows.try_next().await? {
            if let Err(error) = ListName::parse(&row.name) {
                bad.push((row.id, error.to_string()));
            }
        }
        Ok(bad)
    }

    /// Changes whenever the lists may have changed. Anything derived from the first
    /// page (the rendered `/notes` document, say) is valid for as long as this stays the
    /// same.
    pub fn generation(&self) -> u64 {
        self.lock().generation
    }

    /// Tells the store that the change log reaches `through`. Called by whoever tails the
    /// log, so that another process's writes are seen; positions the store already knows
    /// (its own commits) change nothing.
    pub fn log_advanced(&self, through: Position) {
        let mut state = self.lock();
        if through > state.known {
            state.known = through;
            state.generation += 1;
            state.first_page = None;
        }
    }

    fn after_commit(&self, seq: Position) {
        self.log_advanced(seq);
        self.committed.notify_one();
    }

    /// The row as a [`List`], or `None` (logged once) if its name is not a valid name.
    fn readable(&self, StoredList { id, name }: StoredList) -> Option<List> {
        match ListName::parse(&name) {
            Ok(name) => Some(List {
                id: ListId::new(id),
                name,
            }),
            Err(error) => {
                self.report(Unreadable::List(id), || {
                    tracing::warn!(list = id, %error, "skipping a list whose stored name is not valid");
                });
                None
            }
        }
    }

    fn readable_kind(&self, seq: i64, kind: StoredKind) -> Option<ChangeKind> {
        match kind {
            StoredKind::Known(kind) => Some(kind),
            StoredKind::Unknown(kind) => {
                self.report(Unreadable::Event(seq), || {
                    tracing::warn!(seq, kind, "skipping a change-log entry of an unknown kind");
                });
                None
            }
        }
    }

    fn report(&self, row: Unreadable, log: impl FnOnce()) {
        let mut state = self.lock();
        if state.reported.len() >= REPORTED_LIMIT {
            state.reported.clear();
        }
        if state.reported.insert(row) {
            log();
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, SharedState> {
        // The state holds no invariant a panic could break, so a poisoned lock is usable.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl KeyRecord {
    /// Whether this is the record of `change`: the same kind, for the same list (a
    /// create's list is the one it made), with the same name (a create's or a rename's).
    fn made(&self, change: &ListChange) -> bool {
        self.kind == StoredKind::Known(change.kind())
            && change.list().is_none_or(|id| id.get() == self.list_id)
            && change.name().is_none_or(|name| name.as_str() == self.name)
    }
}
