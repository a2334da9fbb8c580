//! A second collection, written here, that the server's shared parts serve as they serve
//! the lists: tasks, in a table of their own with a change log of their own, in a real
//! SQLite file. The same feed tails its log, the same event stream handler serves it, the
//! same batch applies its changes; nothing of them is copied.

use app::collection::log::{ChangeLog, LogBounds, LogRead};
use app::collection::{
    apply_batch, Ahead, BatchSent, ChangeKey, Collection, Effect, LogEvent, PageFrom, PageInfo,
    Position, TakeBack,
};
use app::stream::Edge;
use axum::{routing::get, Router};
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use server::live::{events, ChangeFeed, FeedLimits};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};
use std::{cmp::Ordering, future::Future, sync::Arc, time::Duration};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Tasks;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Task {
    id: i64,
    title: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum TaskKind {
    Added,
    Retitled,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct TaskEvent {
    position: Position,
    kind: TaskKind,
    task: Task,
}

impl LogEvent for TaskEvent {
    fn position(&self) -> Position {
        self.position
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
enum TaskChange {
    Add(String),
    Retitle(i64, String),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct SentTask {
    key: String,
    change: TaskChange,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum TaskError {
    Busy,
    Unreachable,
    Refused(String),
}

/// Oldest first; a title is its own draft.
impl Collection for Tasks {
    const OUTBOX: &'static str = "tasks.outbox";
    const DRAFTS_AT: Edge = Edge::End;

    type Row = Task;
    type Key = i64;
    type Filter = String;
    type Query = PageFrom<i64>;
    type Page = (Vec<Task>, PageInfo);
    type Kind = TaskKind;
    type Change = TaskChange;
    type Sent = SentTask;
    type Before = String;
    type Draft = String;
    type Answer = (Position, Task);
    type Event = TaskEvent;
    type Error = TaskError;

    fn key(row: &Task) -> i64 {
        row.id
    }

    fn order(a: &Task, b: &Task) -> Ordering {
        a.id.cmp(&b.id)
    }

    fn matches(filter: &String, row: &Task) -> bool {
        row.title.contains(filter.as_str())
    }

    fn query(_: Option<&String>, from: PageFrom<&Task>) -> PageFrom<i64> {
        match from {
            PageFrom::First => PageFrom::First,
            PageFrom::Following(row) => PageFrom::Following(row.id),
            PageFrom::Preceding(row) => PageFrom::Preceding(row.id),
        }
    }

    fn page_parts(page: Self::Page) -> (Vec<Task>, PageInfo) {
        page
    }

    fn effect(_: TaskKind) -> Effect {
        Effect::Put
    }

    fn kind(change: &TaskChange) -> TaskKind {
        match change {
            TaskChange::Add(_) => TaskKind::Added,
            TaskChange::Retitle(..) => TaskKind::Retitled,
        }
    }

    fn target(change: &TaskChange) -> Option<i64> {
        match change {
            TaskChange::Add(_) => None,
            TaskChange::Retitle(id, _) => Some(*id),
        }
    }

    fn before(_: &TaskChange, shown: Option<&Task>) -> Option<String> {
        shown.map(|task| task.title.clone())
    }

    fn ahead(
        change: &TaskChange,
        _: Option<&Task>,
        _: &dyn Fn(i64) -> Option<String>,
    ) -> Ahead<Self> {
        match change {
            TaskChange::Add(title) => Ahead::Draft(title.clone()),
            TaskChange::Retitle(id, title) => Ahead::Put(Task {
                id: *id,
                title: title.clone(),
            }),
        }
    }

    fn take_back(_: &TaskChange, _: Option<&String>) -> TakeBack<Self> {
        TakeBack::Nothing
    }

    fn sent(key: &ChangeKey, change: &TaskChange) -> SentTask {
        SentTask {
            key: key.to_string(),
            change: change.clone(),
        }
    }

    fn sent_key(sent: &SentTask) -> &str {
        &sent.key
    }

    fn sent_kind(sent: &SentTask) -> TaskKind {
        Self::kind(&sent.change)
    }

    fn sent_target(sent: &SentTask) -> Option<i64> {
        Self::target(&sent.change)
    }

    fn sent_draft(sent: &SentTask) -> Option<String> {
        match &sent.change {
            TaskChange::Add(title) => Some(title.clone()),
            TaskChange::Retitle(..) => None,
        }
    }

    fn parse_sent(sent: &SentTask) -> Result<(ChangeKey, TaskChange), TaskError> {
        let key =
            ChangeKey::parse(&sent.key).map_err(|error| TaskError::Refused(error.to_string()))?;
        match &sent.change {
            TaskChange::Add(title) | TaskChange::Retitle(_, title) if title.trim().is_empty() => {
                Err(TaskError::Refused("a task needs a title".into()))
            }
            change => Ok((key, change.clone())),
        }
    }

    fn answered(answer: &(Position, Task)) -> (Position, Task) {
        answer.clone()
    }

    fn event_kind(event: &TaskEvent) -> TaskKind {
        event.kind
    }

    fn event_row(event: &TaskEvent) -> &Task {
        &event.task
    }

    fn lands(event: &TaskEvent, draft: &String) -> bool {
        event.kind == TaskKind::Added && event.task.title == *draft
    }

    fn may_pass(error: &TaskError) -> bool {
        matches!(error, TaskError::Busy | TaskError::Unreachable)
    }

    fn unreachable() -> TaskError {
        TaskError::Unreachable
    }

    /// The browser's way to the server; these tests are the server's.
    fn send_batch(_: Vec<SentTask>) -> impl Future<Output = BatchSent<Self>> + 'static {
        std::future::ready(Err(TaskError::Unreachable))
    }
}

/// The tasks and their change log, in one SQLite file.
#[derive(Clone)]
struct TaskStore {
    pool: SqlitePool,
    committed: Arc<Notify>,
}

impl TaskStore {
    async fn open(dir: &std::path::Path) -> Self {
        let options = SqliteConnectOptions::new()
            .filename(dir.join("tasks.db"))
            .create_if_missing(true)
            .busy_timeout(Duration::from_millis(100));
        let pool = SqlitePool::connect_with(options).await.unwrap();
        for statement in [
            "CREATE TABLE tasks (id INTEGER PRIMARY KEY, title TEXT NOT NULL)",
            "CREATE TABLE task_events (seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, \
             task_id INTEGER NOT NULL, title TEXT NOT NULL)",
        ] {
            sqlx::query(statement).execute(&pool).await.unwrap();
        }
        Self {
            pool,
            committed: Arc::new(Notify::new()),
        }
    }

    /// A change, its row and its log entry in one transaction.
    async fn apply(&self, change: TaskChange) -> Result<(Position, Task), TaskError> {
        let mut tx = self.pool.begin().await.map_err(|_| TaskError::Busy)?;
        let (kind, id, title) = match change {
            TaskChange::Add(title) => {
                let id: i64 =
                    sqlx::query_scalar("INSERT INTO tasks (title) VALUES (?) RETURNING id")
                        .bind(&title)
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(|_| TaskError::Busy)?;
                ("added", id, title)
            }
            TaskChange::Retitle(id, title) => {
                let changed = sqlx::query("UPDATE tasks SET title = ? WHERE id = ?")
                    .bind(&title)
                    .bind(id)
                    .execute(&mut *tx)
                    .await
                    .map_err(|_| TaskError::Busy)?;
                if changed.rows_affected() == 0 {
                    return Err(TaskError::Refused(format!("no task {id}")));
                }
                ("retitled", id, title)
            }
        };
        let seq: i64 = sqlx::query_scalar(
            "INSERT INTO task_events (kind, task_id, title) VALUES (?, ?, ?) RETURNING seq",
        )
        .bind(kind)
        .bind(id)
        .bind(&title)
        .fetch_one(&mut *tx)
        .await
        .map_err(|_| TaskError::Busy)?;
        tx.commit().await.map_err(|_| TaskError::Busy)?;
        self.committed.notify_one();
        Ok((Position::new(seq), Task { id, title }))
    }
}

impl ChangeLog for TaskStore {
    type Event = TaskEvent;
    type Error = sqlx::Error;

    async fn bounds(&self) -> Result<LogBounds, sqlx::Error> {
        let latest: i64 = sqlx::query_scalar("SELECT coalesce(max(seq), 0) FROM task_events")
            .fetch_one(&self.pool)
            .await?;
        Ok(LogBounds {
            pruned_through: Position::new(0),
            latest: Position::new(latest),
        })
    }

    async fn read_after(
        &self,
        after: Position,
        limit: u32,
    ) -> Result<LogRead<TaskEvent>, sqlx::Error> {
        let rows: Vec<(i64, String, i64, String)> = sqlx::query_as(
            "SELECT seq, kind, task_id, title FROM task_events WHERE seq > ? ORDER BY seq LIMIT ?",
        )
        .bind(after.get())
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        let full = rows.len() == limit as usize;
        let through = rows.last().map_or(after, |row| Position::new(row.0));
        let events = rows
            .into_iter()
            .map(|(seq, kind, id, title)| TaskEvent {
                position: Position::new(seq),
                kind: match kind.as_str() {
                    "added" => TaskKind::Added,
                    _ => TaskKind::Retitled,
                },
                task: Task { id, title },
            })
            .collect();
        Ok(LogRead {
            events,
            through,
            full,
        })
    }

    fn heard_after(&self, _: Position) -> Option<LogRead<TaskEvent>> {
        None
    }

    async fn number_orphans(&self) -> Result<(), sqlx::Error> {
        Ok(())
    }

    fn advanced(&self, _: Position) {}

    fn commits(&self) -> Arc<Notify> {
        Arc::clone(&self.committed)
    }

    fn poll_interval(&self) -> Duration {
        Duration::from_millis(500)
    }

    fn hear_other_instances(&self, _: CancellationToken) {}

    async fn prune(&self, _: Duration) -> Result<u64, sqlx::Error> {
        Ok(0)
    }
}

fn key(n: u32) -> ChangeKey {
    ChangeKey::parse(&format!("task-change-{n:08}")).unwrap()
}

fn sent(n: u32, change: TaskChange) -> SentTask {
    Tasks::sent(&key(n), &change)
}

/// The tasks' event stream, served by the shared handler on a port of its own.
async fn serve_tasks(store: TaskStore, shutdown: CancellationToken) -> String {
    let limits = FeedLimits {
        retention: Duration::from_secs(3600),
        max_streams: 8,
        stall: Duration::from_secs(20),
    };
    let feed = ChangeFeed::start(store, limits, shutdown.clone())
        .await
        .unwrap();
    let router = Router::new()
        .route("/tasks/events", get(events::<TaskStore>))
        .with_state(feed);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, router)
            .with_graceful_shutdown(shutdown.cancelled_owned())
            .await
            .unwrap();
    });
    format!("http://{address}/tasks/events")
}

/// The `change` frames of an event stream, as `(id, data)`, until `count` came.
async fn changes(url: &str, count: usize) -> Vec<(i64, serde_json::Value)> {
    let response = reqwest::get(url).await.unwrap();
    assert_eq!(response.status(), 200);
    let mut body = response.bytes_stream();
    let mut text = String::new();
    let mut found = Vec::new();
    while found.len() < count {
        let chunk = tokio::time::timeout(Duration::from_secs(5), body.next())
            .await
            .expect("an event within five seconds")
            .expect("the stream goes on")
            .unwrap();
        text.push_str(std::str::from_utf8(&chunk).unwrap());
        while let Some(end) = text.find("\n\n") {
            let frame: String = text.drain(..end + 2).collect();
            let field = |name: &str| {
                frame
                    .lines()
                    .find_map(|line| line.strip_prefix(name))
                    .map(str::trim)
            };
            if field("event:") == Some("change") {
                let id = field("id:").unwrap().parse().unwrap();
                let data = serde_json::from_str(field("data:").unwrap()).unwrap();
                found.push((id, data));
            }
        }
    }
    found
}

#[tokio::test]
async fn a_second_collection_is_batched_logged_and_fed_by_the_shared_parts() {
    let dir = tempfile::tempdir().unwrap();
    let store = TaskStore::open(dir.path()).await;
    let shutdown = CancellationToken::new();
    let url = serve_tasks(store.clone(), shutdown.clone()).await;

    // One batch: each change answered in order, a bad one alone.
    let batch = [
        sent(1, TaskChange::Add("Milk".into())),
        sent(2, TaskChange::Add(" ".into())),
        sent(3, TaskChange::Retitle(1, "Oat milk".into())),
        sent(4, TaskChange::Retitle(9, "Nothing".into())),
    ];
    let answers = apply_batch::<Tasks, _, _>(&batch, |_, change| store.apply(change)).await;
    let milk = Task {
        id: 1,
        title: "Milk".into(),
    };
    let oat_milk = Task {
        id: 1,
        title: "Oat milk".into(),
    };
    assert_eq!(
        answers,
        vec![
            Ok((Position::new(1), milk.clone())),
            Err(TaskError::Refused("a task needs a title".into())),
            Ok((Position::new(2), oat_milk.clone())),
            Err(TaskError::Refused("no task 9".into())),
        ]
    );

    // The log from the start, then a change made while the event stream is open.
    let reader = tokio::spawn({
        let url = format!("{url}?after=0");
        async move { changes(&url, 3).await }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let later = [sent(5, TaskChange::Add("Eggs".into()))];
    apply_batch::<Tasks, _, _>(&later, |_, change| store.apply(change)).await;
    let frames = reader.await.unwrap();
    let event = |position, kind, task: &Task| {
        serde_json::to_value(TaskEvent {
            position: Position::new(position),
            kind,
            task: task.clone(),
        })
        .unwrap()
    };
    let eggs = Task {
        id: 2,
        title: "Eggs".into(),
    };
    assert_eq!(
        frames,
        vec![
            (1, event(1, TaskKind::Added, &milk)),
            (2, event(2, TaskKind::Retitled, &oat_milk)),
            (3, event(3, TaskKind::Added, &eggs)),
        ]
    );

    // Resuming after the second entry gets only the third.
    assert_eq!(
        changes(&format!("{url}?after=2"), 1).await,
        frames[2..].to_vec()
    );
    shutdown.cancel();
}

#[tokio::test]
async fn a_batch_of_the_second_collection_stops_at_a_change_that_may_pass() {
    let dir = tempfile::tempdir().unwrap();
    let store = TaskStore::open(dir.path()).await;
    let batch = [
        sent(1, TaskChange::Add("Milk".into())),
        sent(2, TaskChange::Add("Eggs".into())),
    ];
    // Another connection holds the write lock: the first change cannot pass yet, and
    // nothing after it overtakes it.
    let mut holder = store.pool.acquire().await.unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut *holder)
        .await
        .unwrap();
    let answers = apply_batch::<Tasks, _, _>(&batch, |_, change| store.apply(change)).await;
    assert_eq!(answers, vec![Err(TaskError::Busy)]);
    sqlx::query("ROLLBACK").execute(&mut *holder).await.unwrap();
    drop(holder);

    let answers = apply_batch::<Tasks, _, _>(&batch, |_, change| store.apply(change)).await;
    assert!(answers.iter().all(Result::is_ok), "{answers:?}");
    let written: i64 = sqlx::query_scalar("SELECT count(*) FROM tasks")
        .fetch_one(&store.pool)
        .await
        .unwrap();
    assert_eq!(written, 2);
}
