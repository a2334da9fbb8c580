//! `KeyedStream`: an ordered, keyed collection whose rows are individually reactive.

use leptos::prelude::*;
use std::{cmp::Ordering, hash::Hash};

/// A row that knows its own key. The key is what `<For>` uses to keep DOM nodes.
pub trait Keyed {
    type Key: Clone + Eq + Hash + Send + Sync + 'static;
    fn key(&self) -> Self::Key;
}

/// Where [`KeyedStream::insert`] puts a new row.
#[derive(Clone, Copy)]
pub enum At<T> {
    /// Before every other row (LiveView's `at: 0`).
    Start,
    /// After every other row (LiveView's `at: -1`).
    End,
    /// At this index, or at the end if the index is past it.
    Index(usize),
    /// Before the first row that `order` puts after the new one, which keeps a
    /// sorted stream sorted.
    Sorted(fn(&T, &T) -> Ordering),
}

/// One row: its node, its key and its value, a signal of its own. A view that reads only
/// `value` re-renders only when this row changes.
///
/// The node is the key the row had when it was inserted, and never changes: it is what
/// `<For>` keys the row's DOM node by. The key is what the row is found by, and changes
/// only when a row is [settled](KeyedStream::settle) (a draft that the server made: the
/// same node, now found by the key the server gave it).
pub struct StreamRow<T: Keyed> {
    node: T::Key,
    key: T::Key,
    value: ArcRwSignal<T>,
}

impl<T: Keyed> Clone for StreamRow<T> {
    fn clone(&self) -> Self {
        Self {
            node: self.node.clone(),
            key: self.key.clone(),
            value: self.value.clone(),
        }
    }
}

impl<T: Keyed> StreamRow<T> {
    pub fn key(&self) -> &T::Key {
        &self.key
    }

    /// What `<For>` keys this row's DOM node by: fixed for the row's life.
    pub fn node(&self) -> &T::Key {
        &self.node
    }

    /// The row's own signal, to read in the row's view (never the whole stream). Read
    /// only: rows change through the stream's operations.
    pub fn value(&self) -> ArcReadSignal<T> {
        self.value.read_only()
    }
}

/// How many rows a stream keeps, like LiveView's `limit:` option. A positive limit
/// (`KeepFirst`) drops rows from the end once there are too many; a negative one
/// (`KeepLast`) drops them from the start.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Limit {
    #[default]
    None,
    /// Keep the first N rows (LiveView's `limit: N`).
    KeepFirst(usize),
    /// Keep the last N rows (LiveView's `limit: -N`).
    KeepLast(usize),
}

/// An end of the stream, where a page of rows is loaded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edge {
    Start,
    End,
}

/// How many rows a change dropped from each end to stay within the limit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Trimmed {
    pub from_start: usize,
    pub from_end: usize,
}

/// An ordered collection of keyed rows, each individually reactive.
///
/// Structural changes (insert, delete, reset, loading a page) notify only readers of the
/// row order, i.e. the `<For>`; `update` notifies only that row's readers. Keys are
/// unique: inserting a key that is already present updates that row in place instead.
/// The stream's [`Limit`] applies to every insert and reset.
pub struct KeyedStream<T: Keyed + Send + Sync + 'static> {
    rows: RwSignal<Vec<StreamRow<T>>>,
    limit: Limit,
}

impl<T: Keyed + Send + Sync + 'static> Clone for KeyedStream<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Keyed + Send + Sync + 'static> Copy for KeyedStream<T> {}

impl<T: Keyed + Clone + PartialEq + Send + Sync + 'static> Default for KeyedStream<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> KeyedStream<T>
where
    T: Keyed + Clone + PartialEq + Send + Sync + 'static,
{
    /// An empty stream without a limit.
    pub fn new() -> Self {
        Self::with_limit(Limit::None)
    }

    /// An empty stream that keeps at most as many rows as `limit` says.
    pub fn with_limit(limit: Limit) -> Self {
        Self {
            rows: RwSignal::new(Vec::new()),
            limit,
        }
    }

    /// A stream holding `values` (cut to the limit), for a freshly loaded collection.
    pub fn from_rows(values: impl IntoIterator<Item = T>, limit: Limit) -> Self {
        let mut rows: Vec<_> = values.into_iter().map(StreamRow::new).collect();
        apply_limit(&mut rows, limit);
        Self {
            rows: RwSignal::new(rows),
            limit,
        }
    }

    pub fn limit(&self) -> Limit {
        self.limit
    }

    /// The rows in order, for `<For each=...>`. Tracks the order, not the values.
    /// Cloning a row clones two handles, not the row's data.
    pub fn rows(&self) -> Vec<StreamRow<T>> {
        self.rows.get()
    }

    pub fn len(&self) -> usize {
        self.rows.with(Vec::len)
    }

    pub fn is_empty(&self) -> bool {
        self.rows.with(Vec::is_empty)
    }

    /// The current value of the row with this key, without tracking.
    pub fn get(&self, key: &T::Key) -> Option<T> {
        self.rows.with_untracked(|rows| {
            rows.iter()
                .find(|row| &row.key == key)
                .map(|row| row.value.get_untracked())
        })
    }

    /// Whether a row has this key, without tracking.
    pub fn contains(&self, key: &T::Key) -> bool {
        self.rows
            .with_untracked(|rows| rows.iter().any(|row| &row.key == key))
    }

    /// The keys in order, without tracking.
    pub fn keys(&self) -> Vec<T::Key> {
        self.rows
            .with_untracked(|rows| rows.iter().map(|row| row.key.clone()).collect())
    }

    /// The first and the last row's values, without tracking.
    pub fn ends(&self) -> Option<(T, T)> {
        self.rows.with_untracked(|rows| {
            Some((
                rows.first()?.value.get_untracked(),
                rows.last()?.value.get_untracked(),
            ))
        })
    }

    /// The first value, from `edge` inward, for which `pick` says something; without
    /// tracking.
    pub fn find_from<R>(&self, edge: Edge, pick: impl Fn(&T) -> Option<R>) -> Option<R> {
        self.rows.with_untracked(|rows| {
            let look = |row: &StreamRow<T>| row.value.with_untracked(&pick);
            match edge {
                Edge::Start => rows.iter().find_map(look),
                Edge::End => rows.iter().rev().find_map(look),
            }
        })
    }

    /// The values for which `pick` holds, in order; without tracking.
    pub fn find_all(&self, pick: impl Fn(&T) -> bool) -> Vec<T> {
        self.rows.with_untracked(|rows| {
            rows.iter()
                .filter_map(|row| {
                    row.value
                        .with_untracked(|value| pick(value).then(|| value.clone()))
                })
                .collect()
        })
    }

    /// Inserts a row, or updates it in place if its key is already present; then drops
    /// rows past the limit (which may be the new row itself).
    pub fn insert(&self, value: T, at: At<T>) -> Trimmed {
        if self.update(value.clone()) {
            return Trimmed::default();
        }
        let row = StreamRow::new(value);
        let limit = self.limit;
        let mut trimmed = Trimmed::default();
        self.rows.update(|rows| {
            let index = match at {
                At::Start => 0,
                At::End => rows.len(),
                At::Index(index) => index.min(rows.len()),
                At::Sorted(order) => row.value.with_untracked(|new| {
                    rows.iter()
                        .position(|existing| {
                            existing
                                .value
                                .with_untracked(|existing| order(new, existing).is_lt())
                        })
                        .unwrap_or(rows.len())
                }),
            };
            rows.insert(index, row);
            trimmed = apply_limit(rows, limit);
        });
        trimmed
    }

    /// Loads a page of rows at one end, in the order given, skipping keys already present;
    /// then keeps at most `max` rows by dropping from the *other* end. This is LiveView's
    /// `stream(socket, name, page, at: -1, limit: -max)` (and `at: 0, limit: max`), the
    /// building block of infinite scrolling in both directions.
    pub fn load_page(
        &self,
        values: impl IntoIterator<Item = T>,
        edge: Edge,
        max: usize,
    ) -> Trimmed {
        let fresh: Vec<_> = values
            .into_iter()
            .filter(|value| !self.update(value.clone()))
            .map(StreamRow::new)
            .collect();
        let mut trimmed = Trimmed::default();
        self.rows.update(|rows| match edge {
            Edge::End => {
                rows.extend(fresh);
                trimmed = apply_limit(rows, Limit::KeepLast(max));
            }
            Edge::Start => {
                rows.splice(0..0, fresh);
                trimmed = apply_limit(rows, Limit::KeepFirst(max));
            }
        });
        trimmed
    }

    /// Replaces the value of the row with the same key, notifying only that row, and only
    /// if the value differs. Returns `false` when no row has that key.
    pub fn update(&self, value: T) -> bool {
        let key = value.key();
        let Some(row) = self.row(&key) else {
            return false;
        };
        if row.with_untracked(|current| current != &value) {
            row.set(value);
        }
        true
    }

    /// Gives the row found by `from` a new value, found from now on by the value's own
    /// key, keeping its node and signal: a row drawn before the server made it (a draft)
    /// becomes the row the server made, without a new DOM node. Returns `false` when no
    /// row has that key. The caller keeps keys unique (see [`reposition`](Self::reposition)
    /// for its place).
    pub fn settle(&self, from: &T::Key, value: T) -> bool {
        let key = value.key();
        let mut found = false;
        self.rows.update_untracked(|rows| {
            if let Some(row) = rows.iter_mut().find(|row| &row.key == from) {
                row.key = key;
                if row.value.with_untracked(|current| current != &value) {
                    row.value.set(value);
                }
                found = true;
            }
        });
        found
    }

    /// Moves the row with this key to where `at` puts it, keeping its node and signal:
    /// `<For>` moves its DOM node rather than making a new one. Returns whether it moved
    /// (`false` too when no row has that key).
    pub fn reposition(&self, key: &T::Key, at: At<T>) -> bool {
        let Some(index) = self
            .rows
            .with_untracked(|rows| rows.iter().position(|row| &row.key == key))
        else {
            return false;
        };
        let target = self.rows.with_untracked(|rows| {
            let mut others = rows.iter().enumerate().filter(|(other, _)| *other != index);
            let value = &rows[index].value;
            match at {
                At::Start => 0,
                At::End => rows.len() - 1,
                At::Index(wanted) => wanted.min(rows.len() - 1),
                At::Sorted(order) => value.with_untracked(|moved| {
                    others
                        .position(|(_, existing)| {
                            existing
                                .value
                                .with_untracked(|existing| order(moved, existing).is_lt())
                        })
                        .unwrap_or(rows.len() - 1)
                }),
            }
        });
        if target == index {
            return false;
        }
        self.rows.update(|rows| {
            let row = rows.remove(index);
            rows.insert(target, row);
        });
        true
    }

    /// Changes the row with this key in place through `change`. Returns the value it had.
    pub fn modify(&self, key: &T::Key, change: impl FnOnce(&mut T)) -> Option<T> {
        let row = self.row(key)?;
        let before = row.get_untracked();
        let mut after = before.clone();
        change(&mut after);
        if after != before {
            row.set(after);
        }
        Some(before)
    }

    /// Removes the row with this key; returns where it was and what it held.
    pub fn delete(&self, key: &T::Key) -> Option<(usize, T)> {
        let index = self
            .rows
            .with_untracked(|rows| rows.iter().position(|row| &row.key == key))?;
        let mut removed = None;
        self.rows.update(|rows| removed = Some(rows.remove(index)));
        removed.map(|row| (index, row.value.get_untracked()))
    }

    /// Replaces all rows (LiveView's `reset: true`), cut to the limit. Rows whose key
    /// survives keep their signal (so `<For>` keeps their DOM node) and are updated in
    /// place; the others are dropped or created.
    pub fn reset(&self, values: impl IntoIterator<Item = T>) -> Trimmed {
        let mut previous = self.rows.with_untracked(|rows| {
            rows.iter()
                .map(|row| (row.key.clone(), row.clone()))
                .collect::<std::collections::HashMap<_, _>>()
        });
        let mut rows: Vec<_> = values
            .into_iter()
            .map(|value| match previous.remove(&value.key()) {
                Some(row) => {
                    if row.value.with_untracked(|current| current != &value) {
                        row.value.set(value);
                    }
                    row
                }
                None => StreamRow::new(value),
            })
            .collect();
        let trimmed = apply_limit(&mut rows, self.limit);
        self.rows.set(rows);
        trimmed
    }

    fn row(&self, key: &T::Key) -> Option<ArcRwSignal<T>> {
        self.rows.with_untracked(|rows| {
            rows.iter()
                .find(|row| &row.key == key)
                .map(|row| row.value.clone())
        })
    }
}

impl<T: Keyed> StreamRow<T> {
    fn new(value: T) -> Self {
        let key = value.key();
        Self {
            node: key.clone(),
            key,
            value: ArcRwSignal::new(value),
        }
    }
}

fn apply_limit<R>(rows: &mut Vec<R>, limit: Limit) -> Trimmed {
    match limit {
        Limit::None => Trimmed::default(),
        Limit::KeepFirst(max) => {
            let from_end = rows.len().saturating_sub(max);
            rows.truncate(max);
            Trimmed {
                from_start: 0,
                from_end,
            }
        }
        Limit::KeepLast(max) => {
            let from_start = rows.len().saturating_sub(max);
            rows.drain(..from_start);
            Trimmed {
                from_start,
                from_end: 0,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use leptos::reactive::owner::Owner;

    #[derive(Debug, Clone, PartialEq)]
    struct Item {
        id: u32,
        label: &'static str,
    }

    impl Keyed for Item {
        type Key = u32;
        fn key(&self) -> u32 {
            self.id
        }
    }

    fn item(id: u32, label: &'static str) -> Item {
        Item { id, label }
    }

    fn newest_first(a: &Item, b: &Item) -> Ordering {
        b.id.cmp(&a.id)
    }

    fn with_stream(test: impl FnOnce(KeyedStream<Item>)) {
        Owner::new().with(|| test(KeyedStream::new()));
    }

    #[test]
    fn inserts_at_the_start_the_end_and_an_index() {
        with_stream(|stream| {
            stream.insert(item(1, "a"), At::End);
            stream.insert(item(2, "b"), At::Start);
            stream.insert(item(3, "c"), At::End);
            stream.insert(item(4, "d"), At::Index(1));
            stream.insert(item(5, "e"), At::Index(99));
            assert_eq!(stream.keys(), vec![2, 4, 1, 3, 5]);
        });
    }

    #[test]
    fn sorted_inserts_keep_the_order() {
        with_stream(|stream| {
            stream.reset([item(9, "i"), item(5, "e"), item(2, "b")]);
            stream.insert(item(7, "g"), At::Sorted(newest_first));
            stream.insert(item(10, "j"), At::Sorted(newest_first));
            stream.insert(item(1, "a"), At::Sorted(newest_first));
            assert_eq!(stream.keys(), vec![10, 9, 7, 5, 2, 1]);
        });
    }

    #[test]
    fn inserting_a_present_key_updates_in_place() {
        with_stream(|stream| {
            stream.reset([item(1, "a"), item(2, "b")]);
            stream.insert(item(1, "renamed"), At::Start);
            assert_eq!(stream.keys(), vec![1, 2]);
            assert_eq!(stream.get(&1).unwrap().label, "renamed");
        });
    }

    #[test]
    fn update_changes_the_row_and_keeps_its_signal() {
        with_stream(|stream| {
            stream.reset([item(1, "a"), item(2, "b")]);
            let before = stream.rows();
            assert!(stream.update(item(2, "B")));
            let after = stream.rows();
            assert_eq!(after[1].value().get_untracked().label, "B");
            assert!(before[1].value() == after[1].value(), "same signal");
            assert!(!stream.update(item(3, "c")), "unknown key");
        });
    }

    #[test]
    fn modify_returns_the_previous_value() {
        with_stream(|stream| {
            stream.reset([item(1, "a")]);
            let before = stream.modify(&1, |row| row.label = "z");
            assert_eq!(before, Some(item(1, "a")));
            assert_eq!(stream.get(&1), Some(item(1, "z")));
            assert_eq!(stream.modify(&2, |_| {}), None);
        });
    }

    #[test]
    fn delete_returns_position_and_value() {
        with_stream(|stream| {
            stream.reset([item(3, "c"), item(2, "b"), item(1, "a")]);
            assert_eq!(stream.delete(&2), Some((1, item(2, "b"))));
            assert_eq!(stream.keys(), vec![3, 1]);
            assert_eq!(stream.delete(&2), None);
            assert_eq!(stream.len(), 2);
        });
    }

    #[test]
    fn reset_keeps_the_signals_of_surviving_keys() {
        with_stream(|stream| {
            stream.reset([item(1, "a"), item(2, "b")]);
            let kept = stream.rows()[1].value();
            stream.reset([item(3, "c"), item(2, "B")]);
            assert_eq!(stream.keys(), vec![3, 2]);
            assert!(stream.rows()[1].value() == kept);
            assert_eq!(kept.get_untracked().label, "B");
        });
    }

    #[test]
    fn other_rows_keep_their_signals_across_inserts_and_deletes() {
        with_stream(|stream| {
            stream.reset([item(3, "c"), item(2, "b"), item(1, "a")]);
            let signals = stream.rows();
            stream.insert(item(4, "d"), At::Start);
            stream.delete(&2);
            let now = stream.rows();
            assert!(now[1].value() == signals[0].value());
            assert!(now[2].value() == signals[2].value());
        });
    }

    fn limited(limit: Limit, test: impl FnOnce(KeyedStream<Item>)) {
        Owner::new().with(|| test(KeyedStream::with_limit(limit)));
    }

    #[test]
    fn a_positive_limit_keeps_the_first_rows_on_insert() {
        limited(Limit::KeepFirst(3), |stream| {
            stream.reset([item(3, "c"), item(2, "b"), item(1, "a")]);
            let trimmed = stream.insert(item(4, "d"), At::Start);
            assert_eq!(stream.keys(), vec![4, 3, 2]);
            assert_eq!(
                trimmed,
                Trimmed {
                    from_start: 0,
                    from_end: 1
                }
            );
            // Inserted past the limit: the new row itself is what goes.
            stream.insert(item(0, "z"), At::End);
            assert_eq!(stream.keys(), vec![4, 3, 2]);
        });
    }

    #[test]
    fn a_negative_limit_keeps_the_last_rows_on_insert() {
        limited(Limit::KeepLast(3), |stream| {
            stream.reset([item(3, "c"), item(2, "b"), item(1, "a")]);
            let trimmed = stream.insert(item(0, "z"), At::End);
            assert_eq!(stream.keys(), vec![2, 1, 0]);
            assert_eq!(
                trimmed,
                Trimmed {
                    from_start: 1,
                    from_end: 0
                }
            );
        });
    }

    #[test]
    fn reset_applies_the_limit() {
        limited(Limit::KeepFirst(2), |stream| {
            let trimmed = stream.reset([item(3, "c"), item(2, "b"), item(1, "a")]);
            assert_eq!(stream.keys(), vec![3, 2]);
            assert_eq!(trimmed.from_end, 1);
        });
        limited(Limit::KeepLast(2), |stream| {
            stream.reset([item(3, "c"), item(2, "b"), item(1, "a")]);
            assert_eq!(stream.keys(), vec![2, 1]);
        });
    }

    #[test]
    fn from_rows_applies_the_limit() {
        Owner::new().with(|| {
            let stream =
                KeyedStream::from_rows((1..=5).map(|id| item(id, "x")), Limit::KeepFirst(2));
            assert_eq!(stream.keys(), vec![1, 2]);
            assert_eq!(stream.limit(), Limit::KeepFirst(2));
        });
    }

    #[test]
    fn loading_a_page_at_the_end_drops_rows_from_the_start() {
        with_stream(|stream| {
            stream.reset([item(6, "f"), item(5, "e"), item(4, "d")]);
            let kept = stream.rows()[2].value();
            let trimmed = stream.load_page([item(3, "c"), item(2, "b")], Edge::End, 4);
            assert_eq!(stream.keys(), vec![5, 4, 3, 2]);
            assert_eq!(
                trimmed,
                Trimmed {
                    from_start: 1,
                    from_end: 0
                }
            );
            assert!(
                stream.rows()[1].value() == kept,
                "surviving rows keep their signal"
            );
        });
    }

    #[test]
    fn loading_a_page_at_the_start_drops_rows_from_the_end() {
        with_stream(|stream| {
            stream.reset([item(4, "d"), item(3, "c"), item(2, "b")]);
            let trimmed = stream.load_page([item(6, "f"), item(5, "e")], Edge::Start, 4);
            assert_eq!(stream.keys(), vec![6, 5, 4, 3]);
            assert_eq!(
                trimmed,
                Trimmed {
                    from_start: 0,
                    from_end: 1
                }
            );
        });
    }

    #[test]
    fn a_page_never_duplicates_a_key_it_shares_with_the_stream() {
        with_stream(|stream| {
            stream.reset([item(3, "c"), item(2, "b")]);
            stream.load_page([item(2, "B"), item(1, "a")], Edge::End, 10);
            assert_eq!(stream.keys(), vec![3, 2, 1]);
            assert_eq!(stream.get(&2).unwrap().label, "B");
        });
    }

    #[test]
    fn contains_and_ends_look_without_tracking() {
        with_stream(|stream| {
            assert_eq!(stream.ends(), None);
            stream.reset([item(3, "c"), item(2, "b"), item(1, "a")]);
            assert!(stream.contains(&2));
            assert!(!stream.contains(&9));
            assert_eq!(stream.ends(), Some((item(3, "c"), item(1, "a"))));
        });
    }

    #[test]
    fn an_empty_stream_says_so() {
        with_stream(|stream| {
            assert!(stream.is_empty());
            stream.insert(item(1, "a"), At::End);
            assert!(!stream.is_empty());
        });
    }
}
