//! Changes to the rows: the screen's own, shown ahead of the server and settled by its
//! answers, and other people's, from the feed. One rule decides for both whether a
//! change is applied: it must be newer than what the window holds for that row.

use super::{Shown, ShownKey, Window};
use crate::collection::{ChangeKey, Collection, Effect, LogEvent, Position, TakeBack};
use crate::stream::{At, Edge};
use leptos::prelude::*;

impl<C: Collection> Window<C> {
    /// Shows a row as a change of this screen leaves it, ahead of the server: changed in
    /// place, or put where it belongs. The change is in flight until
    /// [`finish_change`](Self::finish_change).
    pub fn put_ahead(&self, row: C::Row) {
        let key = C::key(&row);
        self.put(row);
        self.begin(key);
    }

    /// Takes a row out ahead of the server; returns it, or `None` if the window does not
    /// hold it (then nothing is in flight).
    pub fn remove_ahead(&self, key: C::Key) -> Option<C::Row> {
        let (_, shown) = self.rows.delete(&ShownKey::Saved(key))?;
        self.begin(key);
        shown.saved().cloned()
    }

    /// Draws a row this screen asked for and the server has not made yet, where the
    /// collection draws drafts, if the window holds that edge. Returns whether it is
    /// drawn.
    pub fn draft(&self, key: ChangeKey, draft: C::Draft) -> bool {
        if self.more_at(C::DRAFTS_AT) {
            return false;
        }
        let at = match C::DRAFTS_AT {
            Edge::Start => At::Start,
            Edge::End => At::End,
        };
        let shown = Shown::Draft { key, draft };
        // Drafts are few and newest nearest their edge, so the edge itself is their place.
        self.note_trim(self.rows.insert(shown, at));
        self.lands.set_value(Some(Self::land));
        true
    }

    /// Takes away a draft that will not be made (refused), or that this screen no longer
    /// waits for.
    pub fn undraft(&self, key: &ChangeKey) {
        self.rows.delete(&ShownKey::Draft(key.clone()));
    }

    /// Takes back a change shown ahead of the server that will not land.
    pub fn take_back(&self, take_back: TakeBack<C>) {
        match take_back {
            TakeBack::Nothing => {}
            TakeBack::Revert { shown, back } => {
                if self.get(C::key(&shown)).as_ref() == Some(&shown) {
                    self.put(back);
                }
            }
            TakeBack::PutBack(row) => self.insert_sorted(row),
            TakeBack::Remove(key) => {
                self.rows.delete(&ShownKey::Saved(key));
            }
        }
    }

    /// Applies one change at `position`, unless the window already holds that change or
    /// a newer one for the same row. The screen's own changes and the feed's events both
    /// come through here, so applying one twice changes nothing. `own` changes were
    /// made on this screen: a row the person just made shows at the start if the window
    /// holds it, whether or not they have scrolled.
    pub fn apply(&self, position: Position, effect: Effect, row: C::Row, own: bool) -> bool {
        let key = C::key(&row);
        if !self.fresh(|fresh| fresh.advance(key, position)) {
            return false;
        }
        let matches = self.filter.with_untracked(|filter| {
            filter
                .as_ref()
                .is_none_or(|filter| C::matches(filter, &row))
        });
        match effect {
            Effect::Put if matches => {
                if self.rows.contains(&ShownKey::Saved(key)) {
                    self.put(row);
                } else if !self.update_arrived(&row) {
                    self.place(row, own);
                }
            }
            _ => {
                // Removed, or no longer passing the filter: out of the window.
                self.rows.delete(&ShownKey::Saved(key));
                self.arrived
                    .update(|arrived| arrived.retain(|known| C::key(known) != key));
            }
        }
        true
    }

    /// Changes a row the window holds in place, or puts one it does not hold where it
    /// belongs. A change never moves a row in the order: the lists' order is their id.
    /// (A collection whose rows move, such as items in the order a person chooses, would
    /// reposition the row here, keeping its node: `KeyedStream::reposition`.)
    fn put(&self, row: C::Row) {
        if !self.rows.update(Shown::Saved(row.clone())) {
            self.insert_sorted(row);
        }
    }

    /// Puts a row that belongs in the window into it: in place if it falls within the
    /// loaded rows, at the start if it belongs before them and the start is in view,
    /// else (before the window) among the arrived rows. Rows past the window's end wait
    /// until the person scrolls to them.
    fn place(&self, row: C::Row, own: bool) {
        let Some((first, last)) = self.saved_ends() else {
            if !self.more_at(Edge::Start) && !self.more_at(Edge::End) {
                self.insert_sorted(row);
            }
            return;
        };
        if C::order(&row, &first).is_lt() {
            let start_in_view = !self.more_at(Edge::Start)
                && (own || self.start_in_view.get_untracked())
                && self.arrived.with_untracked(Vec::is_empty);
            if start_in_view {
                self.insert_sorted(row);
            } else {
                self.arrived.update(|arrived| {
                    let key = C::key(&row);
                    arrived.retain(|known| C::key(known) != key);
                    let at = arrived.partition_point(|known| C::order(known, &row).is_lt());
                    arrived.insert(at, row);
                });
            }
        } else if C::order(&row, &last).is_lt() || !self.more_at(Edge::End) {
            self.insert_sorted(row);
        }
    }

    pub(super) fn more_at(&self, edge: Edge) -> bool {
        match edge {
            Edge::Start => self.more_at_start.get_untracked(),
            Edge::End => self.more_at_end.get_untracked(),
        }
    }

    fn update_arrived(&self, row: &C::Row) -> bool {
        let key = C::key(row);
        self.arrived
            .try_update(
                |arrived| match arrived.iter_mut().find(|known| C::key(known) == key) {
                    Some(known) => {
                        *known = row.clone();
                        true
                    }
                    None => false,
                },
            )
            .unwrap_or(false)
    }

    /// Applies an event from the feed, or holds it while this screen has a change to the
    /// same row in flight or a page on its way.
    pub fn receive(&self, event: C::Event) {
        let event = self.fresh(|fresh| {
            fresh.fed(event.position());
            fresh.hold(event)
        });
        if let Some(event) = event {
            self.apply_event(event);
        }
    }

    /// Applies an event: first as the row a draft stands for, if drafts were drawn.
    fn apply_event(&self, event: C::Event) {
        let lands = self.lands.try_get_value().flatten();
        if lands.is_some_and(|land| land(self, &event)) {
            return;
        }
        let effect = C::effect(C::event_kind(&event));
        let row = C::event_row(&event).clone();
        self.apply(event.position(), effect, row, false);
    }

    /// A new row that a draft of this screen stands for (its answer has not come yet, or
    /// was lost; the feed does not say which key made a row) settles the oldest such
    /// draft, so the row keeps the draft's node: events come in log order and drafts in
    /// the order they were made, so it is already in its place. Should it be someone
    /// else's row of the same name, this screen's own shows when its answer comes.
    /// Whether the event settled a draft.
    fn land(&self, event: &C::Event) -> bool {
        let row = C::event_row(event);
        let key = C::key(row);
        let made = C::effect(C::event_kind(event)) == Effect::Put;
        if !made || self.rows.contains(&ShownKey::Saved(key)) {
            return false;
        }
        let oldest_first = match C::DRAFTS_AT {
            Edge::Start => Edge::End,
            Edge::End => Edge::Start,
        };
        let landed = self.rows.find_from(oldest_first, |shown| match shown {
            Shown::Draft { key, draft } if C::lands(event, draft) => Some(key.clone()),
            _ => None,
        });
        let Some(draft) = landed else {
            return false;
        };
        if self.fresh(|fresh| fresh.advance(key, event.position())) {
            self.rows
                .settle(&ShownKey::Draft(draft), Shown::Saved(row.clone()));
        }
        true
    }

    /// Settles the draft `draft` into the row the server made, the answer to its create:
    /// the same node, now the saved row, at `position`, moved to its place should rows
    /// made since have come before it. Without that draft (the feed settled it already,
    /// or it was never drawn) or if the row is already shown on its own, the row is
    /// applied like any own change.
    pub fn settle(&self, draft: &ChangeKey, position: Position, row: C::Row) {
        let key = C::key(&row);
        let draft_key = ShownKey::Draft(draft.clone());
        let drawn = self.rows.contains(&draft_key);
        if drawn && !self.rows.contains(&ShownKey::Saved(key)) {
            if self.fresh(|fresh| fresh.advance(key, position)) {
                self.rows.settle(&draft_key, Shown::Saved(row));
                self.rows
                    .reposition(&ShownKey::Saved(key), At::Sorted(Shown::order));
            } else {
                self.rows.delete(&draft_key);
            }
            return;
        }
        if drawn {
            self.rows.delete(&draft_key);
        }
        self.apply(position, Effect::Put, row, true);
    }

    /// Marks a change of this screen to `key` as in flight.
    pub fn begin(&self, key: C::Key) {
        self.fresh(|fresh| fresh.begin(key));
    }

    /// Takes the server's answer to one change begun with [`begin`](Self::begin) (`None`
    /// if it failed and was already taken back). While later changes to the same row are
    /// still in flight, the answer only moves the row's version, so the newer value shown
    /// stays; the last answer applies, then the held events follow.
    pub fn finish_change(&self, key: C::Key, effect: Effect, answer: Option<(Position, C::Row)>) {
        let still_busy = self.fresh(|fresh| fresh.end(key));
        match answer {
            Some((position, _)) if still_busy => {
                self.fresh(|fresh| fresh.advance(key, position));
            }
            Some((position, row)) => {
                self.apply(position, effect, row, true);
            }
            None => {}
        }
        if !still_busy {
            for event in self.fresh(|fresh| fresh.release(key)) {
                self.apply_event(event);
            }
        }
    }
}
