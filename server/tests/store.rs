//! `ListStore` directly: the snapshot cache, the change log, pruning and seeding.

mod support;

use app::lists::{server::ListStore, EventSeq, ListId, ListName};
use server::{database, seed};

async fn store() -> (ListStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let pool = database::open(&support::database_url(&dir)).await.unwrap();
    (ListStore::new(pool), dir)
}

fn name(text: &str) -> ListName {
    ListName::parse(text).unwrap()
}

#[tokio::test]
async fn a_snapshot_reflects_every_commit_before_it() {
    let (store, _dir) = store().await;
    assert!(store.snapshot().await.unwrap().lists.is_empty());
    store.create(&name("a")).await.unwrap();
    let snapshot = store.snapshot().await.unwrap();
    assert_eq!(snapshot.lists.len(), 1);
    assert_eq!(snapshot.cursor, EventSeq::new(1));
    store.rename(ListId::new(1), &name("b")).await.unwrap();
    let snapshot = store.snapshot().await.unwrap();
    assert_eq!(snapshot.lists[0].name.as_str(), "b");
    assert_eq!(snapshot.cursor, EventSeq::new(2));
}

#[tokio::test]
async fn writes_from_another_handle_are_seen_too() {
    let (store, dir) = store().await;
    let other = ListStore::new(database::open(&support::database_url(&dir)).await.unwrap());
    assert!(store.snapshot().await.unwrap().lists.is_empty());
    other.create(&name("elsewhere")).await.unwrap();
    // `store` cached an empty snapshot; another process's write must not hide behind it
    // forever: the cache belongs to one handle, and this one never saw a commit.
    let events = store.events_after(EventSeq::new(0), 10).await.unwrap();
    assert_eq!(events.len(), 1);
}

#[tokio::test]
async fn a_failed_write_leaves_no_event() {
    let (store, _dir) = store().await;
    let missing = store.rename(ListId::new(7), &name("x")).await;
    assert!(missing.is_err());
    assert!(store
        .events_after(EventSeq::new(0), 10)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(store.log_bounds().await.unwrap().latest, EventSeq::new(0));
}

#[tokio::test]
async fn pruning_moves_the_horizon_and_keeps_the_latest_position() {
    let (store, _dir) = store().await;
    for text in ["a", "b"] {
        store.create(&name(text)).await.unwrap();
    }
    assert_eq!(
        store.prune_events(3600).await.unwrap(),
        0,
        "nothing is old yet"
    );
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_eq!(store.prune_events(0).await.unwrap(), 2);
    let bounds = store.log_bounds().await.unwrap();
    assert_eq!(bounds.pruned_through, EventSeq::new(2));
    assert_eq!(bounds.latest, EventSeq::new(2));
    let next = store.create(&name("c")).await.unwrap();
    assert_eq!(next.seq, EventSeq::new(3), "positions are never reused");
}

#[tokio::test]
async fn seeding_inserts_lists_and_their_events_in_batches() {
    let (store, _dir) = store().await;
    seed::insert_fake_lists(&store, 12_345).await.unwrap();
    let snapshot = store.snapshot().await.unwrap();
    assert_eq!(snapshot.lists.len(), 12_345);
    assert_eq!(snapshot.cursor, EventSeq::new(12_345));
    let first = store.events_after(EventSeq::new(0), 1).await.unwrap();
    assert_eq!(first[0].list.id, ListId::new(1));
}

#[tokio::test]
async fn reading_back_its_own_commit_does_not_invalidate_again() {
    let (store, _dir) = store().await;
    let created = store.create(&name("a")).await.unwrap();
    let generation = store.generation();
    store.log_advanced(created.seq);
    assert_eq!(store.generation(), generation, "already known");
    store.log_advanced(EventSeq::new(created.seq.get() + 1));
    assert_ne!(store.generation(), generation, "news from another process");
}
