//! `ListWindow`: the slice of the lists the page holds, and the one rule for applying a
//! change to it.
//!
//! The page never holds every list: it holds a window of at most [`MAX_ROWS`] rows,
//! newest first, grown a page at a time at either edge while the person scrolls, with
//! rows far out of view dropped from the other edge (LiveView's stream `limit`). Live
//! events land only where they belong: inside the window, or (above it) as "N new lists".

use crate::lists::{
    ChangeKind, ChangedList, EventSeq, List, ListError, ListEvent, ListId, ListName, ListsPage,
    ListsQuery, PageStart, SearchTerm,
};
use crate::stream::{At, Edge, Keyed, KeyedStream, Limit, Snapshot, StreamRow, Trimmed};
use leptos::prelude::*;
use std::cmp::Ordering;

/// The most rows the page's `<ul>` ever holds: four pages.
pub const MAX_ROWS: usize = 200;

impl Keyed for List {
    type Key = ListId;
    fn key(&self) -> ListId {
        self.id
    }
}

/// What a loaded page says besides its rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageInfo {
    pub has_older: bool,
    pub has_newer: bool,
    pub cursor: EventSeq,
}

impl Snapshot for ListsPage {
    type Row = List;
    type Meta = PageInfo;
    fn into_parts(self) -> (Vec<List>, PageInfo) {
        (
            self.lists,
            PageInfo {
                has_older: self.has_older,
                has_newer: self.has_newer,
                cursor: self.cursor,
            },
        )
    }
}

/// Newest first: larger ids on top.
pub fn newest_first(a: &List, b: &List) -> Ordering {
    b.id.cmp(&a.id)
}

/// What is happening at one edge of the window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EdgeLoad {
    Idle,
    Loading,
    /// The page could not be loaded; the error says why, and Retry tries again.
    Failed(ListError),
}

/// A request for rows the window sends, to be merged when it answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fetch {
    Older,
    Newer,
    /// Replace every row: a new search, the newest rows again, or a reload after the
    /// live feed lost track.
    Reset,
}

/// The lists on the page and what the page knows about them. Cheap to copy.
#[derive(Clone, Copy)]
pub struct ListWindow {
    /// Private: every change to the rows goes through a method here, so that the row
    /// limit, the trim bookkeeping and the freshness rule always run.
    rows: KeyedStream<List>,
    pub search: RwSignal<Option<SearchTerm>>,
    pub has_older: RwSignal<bool>,
    pub has_newer: RwSignal<bool>,
    pub older: RwSignal<EdgeLoad>,
    pub newer: RwSignal<EdgeLoad>,
    /// A reset is on its way: the rows are about to be replaced.
    pub resetting: RwSignal<bool>,
    /// Lists that belong above the window's top but arrived while the newest rows were not
    /// in view, newest first: the "N new lists" button shows them.
    pub arrived: RwSignal<Vec<List>>,
    /// Whether the top of the list is in view (set by the page as the person scrolls).
    pub top_in_view: RwSignal<bool>,
    freshness: StoredValue<Freshness>,
}

impl ListWindow {
    /// A window holding a freshly loaded page.
    pub fn new(rows: KeyedStream<List>, info: PageInfo, search: Option<SearchTerm>) -> Self {
        Self {
            rows,
            search: RwSignal::new(search),
            has_older: RwSignal::new(info.has_older),
            has_newer: RwSignal::new(info.has_newer),
            older: RwSignal::new(EdgeLoad::Idle),
            newer: RwSignal::new(EdgeLoad::Idle),
            resetting: RwSignal::new(false),
            arrived: RwSignal::new(Vec::new()),
            top_in_view: RwSignal::new(true),
            freshness: StoredValue::new(Freshness::new(info.cursor)),
        }
    }

    /// The stream limit every window uses.
    pub const LIMIT: Limit = Limit::KeepFirst(MAX_ROWS);

    /// The query that fetches what `request` asks for, or `None` if there is nothing to
    /// fetch (no more rows that way, or a load already on its way). Marks the load as
    /// started and returns the generation its answer must belong to.
    pub fn start(&self, request: Fetch) -> Option<(ListsQuery, u64)> {
        let search = self.search.get_untracked();
        // A page asked for at an edge while the rows are being replaced would be merged
        // into the new rows at the old edge (a page of 451..500 above the newest 50):
        // the edges wait for the reset, then look again.
        if request != Fetch::Reset && self.resetting.get_untracked() {
            return None;
        }
        let start = match request {
            Fetch::Older => {
                if !self.has_older.get_untracked()
                    || self.older.get_untracked() == EdgeLoad::Loading
                {
                    return None;
                }
                let (_, last) = self.rows.ends()?;
                self.older.set(EdgeLoad::Loading);
                PageStart::Before(last.id)
            }
            Fetch::Newer => {
                if !self.has_newer.get_untracked()
                    || self.newer.get_untracked() == EdgeLoad::Loading
                {
                    return None;
                }
                let (first, _) = self.rows.ends()?;
                self.newer.set(EdgeLoad::Loading);
                PageStart::After(first.id)
            }
            Fetch::Reset => {
                self.fresh(|fresh| fresh.generation += 1);
                self.resetting.set(true);
                self.older.set(EdgeLoad::Idle);
                self.newer.set(EdgeLoad::Idle);
                PageStart::Newest
            }
        };
        let generation = self.fresh(|fresh| {
            fresh.loading += 1;
            fresh.generation
        });
        Some((ListsQuery { search, start }, generation))
    }

    /// Merges the answer to a request begun with [`start`](Self::start). Answers to
    /// requests overtaken by a reset are dropped. Live events that arrived meanwhile are
    /// applied after the merge, so none is lost and none is overwritten by an older page.
    pub fn finish(&self, request: Fetch, generation: u64, answer: Result<ListsPage, ListError>) {
        let current = generation == self.fresh(|fresh| fresh.generation);
        if current {
            match answer {
                Ok(page) => self.merge(request, page),
                Err(error) => match request {
                    Fetch::Older => self.older.set(EdgeLoad::Failed(error)),
                    Fetch::Newer => self.newer.set(EdgeLoad::Failed(error)),
                    Fetch::Reset => {
                        self.resetting.set(false);
                        self.older.set(EdgeLoad::Failed(error));
                    }
                },
            }
        }
        for event in self.fresh(Freshness::resume) {
            self.receive(event);
        }
    }

    fn merge(&self, request: Fetch, page: ListsPage) {
        let (lists, info) = page.into_parts();
        match request {
            Fetch::Older => {
                self.fresh(|fresh| fresh.loaded(&lists, info.cursor));
                let trimmed = self.rows.load_page(lists, Edge::End, MAX_ROWS);
                self.has_older.set(info.has_older);
                self.note_trim(trimmed);
                self.older.set(EdgeLoad::Idle);
            }
            Fetch::Newer => {
                self.fresh(|fresh| fresh.loaded(&lists, info.cursor));
                let trimmed = self.rows.load_page(lists, Edge::Start, MAX_ROWS);
                self.has_newer.set(info.has_newer);
                self.note_trim(trimmed);
                self.newer.set(EdgeLoad::Idle);
            }
            Fetch::Reset => {
                self.fresh(|fresh| fresh.reset(info.cursor));
                self.rows.reset(lists);
                self.has_older.set(info.has_older);
                self.has_newer.set(info.has_newer);
                self.arrived.set(Vec::new());
                self.resetting.set(false);
            }
        }
    }

    /// Rows dropped at an edge mean there is more beyond it again.
    fn note_trim(&self, trimmed: Trimmed) {
        if trimmed.from_start > 0 {
            self.has_newer.set(true);
        }
        if trimmed.from_end > 0 {
            self.has_older.set(true);
        }
    }

    /// Puts back a row the page removed at once (a delete the server refused), where it
    /// belongs; rows it pushes past the limit mean there is more beyond that edge again.
    pub fn put_back(&self, list: List) {
        self.note_trim(self.rows.insert(list, At::Sorted(newest_first)));
    }

    /// The rows, for the keyed `<For>` that draws them (tracked).
    pub fn shown(&self) -> Vec<StreamRow<List>> {
        self.rows.rows()
    }

    /// Whether the window holds no row (tracked).
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The first and the last row, read when the rows change (the rows' count is
    /// tracked, so a reactive closure that calls this follows the edges).
    pub fn ends(&self) -> Option<(List, List)> {
        let _ = self.rows.len();
        self.rows.ends()
    }

    /// Shows a new name on a row ahead of the server (see [`begin`](Self::begin));
    /// returns the name it had, or `None` if the window does not hold the row.
    pub fn rename_ahead(&self, id: ListId, name: ListName) -> Option<ListName> {
        let before = self.rows.modify(&id, |list| list.name = name)?;
        self.begin(id);
        Some(before.name)
    }

    /// Takes a row out ahead of the server; returns it, or `None` if the window does not
    /// hold it.
    pub fn remove_ahead(&self, id: ListId) -> Option<List> {
        let (_, list) = self.rows.delete(&id)?;
        self.begin(id);
        Some(list)
    }

    /// Brings a deleted row back ahead of the server, where it belongs.
    pub fn restore_ahead(&self, list: List) {
        let id = list.id;
        self.put_back(list);
        self.begin(id);
    }

    /// Takes back a rename shown ahead of the server that will not land: the old name
    /// returns, unless the row has changed since (a newer change is shown).
    pub fn undo_rename(&self, id: ListId, shown: &ListName, before: ListName) {
        self.rows.modify(&id, |list| {
            if list.name == *shown {
                list.name = before;
            }
        });
    }

    /// Takes back a restore shown ahead of the server that will not land.
    pub fn undo_restore(&self, id: ListId) {
        self.rows.delete(&id);
    }

    /// Shows the lists the "new lists" button counts. If the window holds the newest rows
    /// they are placed at the top without a request; otherwise the caller resets.
    /// Returns whether that was enough.
    pub fn show_arrived(&self) -> bool {
        if self.has_newer.get_untracked() {
            return false;
        }
        for list in self.arrived.try_update(std::mem::take).unwrap_or_default() {
            self.note_trim(self.rows.insert(list, At::Sorted(newest_first)));
        }
        true
    }

    /// Works on the freshness record. Only ever called from the page's own code, which
    /// owns the window, so the record is always there.
    fn fresh<R: Default>(&self, work: impl FnOnce(&mut Freshness) -> R) -> R {
        self.freshness.try_update_value(work).unwrap_or_default()
    }

    /// The change-log position the live feed should resume from.
    pub fn cursor(&self) -> EventSeq {
        self.fresh(|fresh| fresh.cursor)
    }

    /// Applies one change at log position `seq`, unless the page already holds that
    /// change or a newer one for the same list. Own changes and live events both come
    /// through here, so applying one twice changes nothing. `own` changes were made on
    /// this page: a list the person just created shows at the top if the newest rows are
    /// loaded, whether or not they have scrolled.
    pub fn apply(&self, seq: EventSeq, kind: ChangeKind, list: List, own: bool) -> bool {
        if !self.fresh(|fresh| fresh.advance(list.id, seq)) {
            return false;
        }
        let matches = self
            .search
            .with_untracked(|search| search.as_ref().is_none_or(|term| term.matches(&list)));
        let id = list.id;
        match kind {
            ChangeKind::Created | ChangeKind::Restored if matches => self.place(list, own),
            ChangeKind::Renamed if matches => {
                if !self.rows.update(list.clone()) && !self.update_arrived(&list) {
                    self.place(list, own);
                }
            }
            _ => {
                // Deleted, or no longer matching the search: out of the window.
                self.rows.delete(&id);
                self.arrived
                    .update(|arrived| arrived.retain(|list| list.id != id));
            }
        }
        true
    }

    /// Puts a list that belongs in the window into it: in place if its id falls within
    /// the loaded rows, on top if it is the newest and the top is in view, else (newer
    /// than the window) under the "new lists" button. Lists older than the loaded rows
    /// wait until the person scrolls to them.
    fn place(&self, list: List, own: bool) {
        let Some((first, last)) = self.rows.ends() else {
            if !self.has_older.get_untracked() && !self.has_newer.get_untracked() {
                self.rows.insert(list, At::Start);
            }
            return;
        };
        if list.id > first.id {
            let newest_in_view = !self.has_newer.get_untracked()
                && (own || self.top_in_view.get_untracked())
                && self.arrived.with_untracked(Vec::is_empty);
            if newest_in_view {
                self.note_trim(self.rows.insert(list, At::Start));
            } else {
                self.arrived.update(|arrived| {
                    arrived.retain(|known| known.id != list.id);
                    // Newest first: before the first one that is older.
                    let at = arrived.partition_point(|known| known.id > list.id);
                    arrived.insert(at, list);
                });
            }
        } else if list.id > last.id || !self.has_older.get_untracked() {
            self.note_trim(self.rows.insert(list, At::Sorted(newest_first)));
        }
    }

    fn update_arrived(&self, list: &List) -> bool {
        self.arrived
            .try_update(
                |arrived| match arrived.iter_mut().find(|known| known.id == list.id) {
                    Some(known) => {
                        *known = list.clone();
                        true
                    }
                    None => false,
                },
            )
            .unwrap_or(false)
    }

    /// Applies a live event, or holds it while this page has a change to the same list
    /// in flight or a page on its way.
    pub fn receive(&self, event: ListEvent) {
        let event = self.fresh(|fresh| {
            fresh.fed(event.seq);
            fresh.hold(event)
        });
        if let Some(event) = event {
            self.apply(event.seq, event.kind, event.list, false);
        }
    }

    /// Marks an optimistic change to `id` as sent.
    pub fn begin(&self, id: ListId) {
        self.fresh(|fresh| fresh.begin(id));
    }

    /// Takes the server's answer to one change begun with [`begin`](Self::begin)
    /// (`None` if it failed and was already undone). While later changes to the same
    /// list are still in flight, the answer only moves the list's version, so the newer
    /// optimistic value stays; the last answer applies, then the held events follow.
    pub fn finish_change(&self, id: ListId, kind: ChangeKind, answer: Option<ChangedList>) {
        let still_busy = self.fresh(|fresh| fresh.end(id));
        match answer {
            Some(changed) if still_busy => {
                self.fresh(|fresh| fresh.advance(id, changed.seq));
            }
            Some(changed) => {
                self.apply(changed.seq, kind, changed.list, true);
            }
            None => {}
        }
        if !still_busy {
            for event in self.fresh(|fresh| fresh.release(id)) {
                self.apply(event.seq, event.kind, event.list, false);
            }
        }
    }
}

/// Versions remembered before the ones the feed has passed are forgotten.
const VERSIONS_KEPT: usize = 4 * MAX_ROWS;

/// How fresh each row is, and the live events waiting to be applied: plain data behind
/// one stored value, so that the page's reactive code is instantiated once for it.
#[derive(Default)]
struct Freshness {
    /// The change-log position of the last reset: every row is at least this fresh.
    cursor: EventSeq,
    /// Lists known past `cursor`, with the position of the latest change applied or
    /// loaded. A few hundred entries at most, so a vector searched in order will do.
    versions: Vec<(ListId, EventSeq)>,
    /// Lists with optimistic changes of this page still on their way to the server, and
    /// how many.
    in_flight: Vec<(ListId, usize)>,
    /// Pages on their way: every live event waits for them.
    loading: usize,
    /// The newest position the live feed has delivered. The feed delivers in order, so
    /// versions at or below it can never again be undercut and need not be remembered.
    fed: EventSeq,
    /// Live events held back, so that an echo of an older change never shows over a newer
    /// optimistic one, and no page overwrites a newer event.
    held: Vec<ListEvent>,
    /// Bumped by every reset, so that answers to requests made before it are dropped.
    generation: u64,
}

impl Freshness {
    fn new(cursor: EventSeq) -> Self {
        Self {
            cursor,
            fed: cursor,
            ..Self::default()
        }
    }

    fn version(&self, id: ListId) -> EventSeq {
        self.versions
            .iter()
            .find(|(known, _)| *known == id)
            .map_or(self.cursor, |(_, seq)| *seq)
    }

    fn set_version(&mut self, id: ListId, seq: EventSeq) {
        match self.versions.iter_mut().find(|(known, _)| *known == id) {
            Some((_, known)) => *known = seq,
            None => self.versions.push((id, seq)),
        }
    }

    fn reset(&mut self, cursor: EventSeq) {
        self.cursor = cursor;
        self.versions.clear();
    }

    /// Rows from a page read at `cursor` are at least that fresh.
    fn loaded(&mut self, lists: &[List], cursor: EventSeq) {
        for list in lists {
            let known = self.version(list.id);
            self.set_version(list.id, known.max(cursor));
        }
    }

    /// Notes that `id` is known up to `seq`; false if something as new was already known.
    fn advance(&mut self, id: ListId, seq: EventSeq) -> bool {
        if seq <= self.version(id) {
            return false;
        }
        self.set_version(id, seq);
        true
    }

    fn fed(&mut self, seq: EventSeq) {
        self.fed = self.fed.max(seq);
        if self.versions.len() > VERSIONS_KEPT {
            let fed = self.fed;
            self.versions.retain(|(_, version)| *version > fed);
        }
    }

    fn is_busy(&self, id: ListId) -> bool {
        self.in_flight.iter().any(|(busy, _)| *busy == id)
    }

    /// A page has landed; once none is on its way, the held events not waiting for an
    /// own change are returned in order.
    fn resume(&mut self) -> Vec<ListEvent> {
        self.loading = self.loading.saturating_sub(1);
        if self.loading > 0 {
            return Vec::new();
        }
        let held = std::mem::take(&mut self.held);
        let (now, later) = held
            .into_iter()
            .partition(|event| !self.is_busy(event.list.id));
        self.held = later;
        now
    }

    /// `Some(event)` if it can be applied now; `None` if it was held.
    fn hold(&mut self, event: ListEvent) -> Option<ListEvent> {
        if self.loading > 0 || self.is_busy(event.list.id) {
            self.held.push(event);
            None
        } else {
            Some(event)
        }
    }

    fn begin(&mut self, id: ListId) {
        match self.in_flight.iter_mut().find(|(busy, _)| *busy == id) {
            Some((_, count)) => *count += 1,
            None => self.in_flight.push((id, 1)),
        }
    }

    /// One change to `id` has settled; true while others to it are still in flight.
    fn end(&mut self, id: ListId) -> bool {
        let Some(index) = self.in_flight.iter().position(|(busy, _)| *busy == id) else {
            return false;
        };
        self.in_flight[index].1 -= 1;
        if self.in_flight[index].1 > 0 {
            return true;
        }
        self.in_flight.swap_remove(index);
        false
    }

    /// The held events about `id`, unless a page is on its way (then they wait for it).
    fn release(&mut self, id: ListId) -> Vec<ListEvent> {
        if self.loading > 0 {
            return Vec::new();
        }
        let held = std::mem::take(&mut self.held);
        let (now, later) = held.into_iter().partition(|event| event.list.id == id);
        self.held = later;
        now
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lists::ListName;
    use leptos::reactive::owner::Owner;

    fn list(id: i64, name: &str) -> List {
        List {
            id: ListId::new(id),
            name: ListName::parse(name).unwrap(),
        }
    }

    fn lists(ids: impl IntoIterator<Item = i64>) -> Vec<List> {
        ids.into_iter()
            .map(|id| list(id, &format!("list {id}")))
            .collect()
    }

    fn info(has_older: bool, has_newer: bool, cursor: i64) -> PageInfo {
        PageInfo {
            has_older,
            has_newer,
            cursor: EventSeq::new(cursor),
        }
    }

    fn window_with(rows: Vec<List>, info: PageInfo) -> ListWindow {
        ListWindow::new(KeyedStream::from_rows(rows, ListWindow::LIMIT), info, None)
    }

    fn ids(window: &ListWindow) -> Vec<i64> {
        window.rows.keys().into_iter().map(ListId::get).collect()
    }

    fn event(seq: i64, kind: ChangeKind, id: i64, name: &str) -> ListEvent {
        ListEvent {
            seq: EventSeq::new(seq),
            kind,
            list: list(id, name),
        }
    }

    fn changed(seq: i64, id: i64, name: &str) -> ChangedList {
        ChangedList {
            list: list(id, name),
            seq: EventSeq::new(seq),
        }
    }

    fn name_of(window: &ListWindow, id: i64) -> String {
        window.rows.get(&ListId::new(id)).unwrap().name.to_string()
    }

    fn page(
        ids: impl IntoIterator<Item = i64>,
        has_older: bool,
        has_newer: bool,
        cursor: i64,
    ) -> ListsPage {
        ListsPage {
            lists: lists(ids),
            has_older,
            has_newer,
            cursor: EventSeq::new(cursor),
        }
    }

    #[test]
    fn a_created_list_goes_on_top_when_the_newest_rows_are_in_view() {
        Owner::new().with(|| {
            let window = window_with(lists([5, 2]), info(false, false, 10));
            assert!(window.apply(EventSeq::new(11), ChangeKind::Created, list(9, "i"), false));
            assert!(window.apply(EventSeq::new(12), ChangeKind::Restored, list(3, "c"), false));
            assert_eq!(ids(&window), vec![9, 5, 3, 2]);
        });
    }

    #[test]
    fn new_lists_wait_under_the_button_while_the_top_is_out_of_view() {
        Owner::new().with(|| {
            let window = window_with(lists([5, 2]), info(false, false, 10));
            window.top_in_view.set(false);
            window.apply(EventSeq::new(11), ChangeKind::Created, list(9, "i"), false);
            window.apply(EventSeq::new(12), ChangeKind::Created, list(10, "j"), false);
            assert_eq!(ids(&window), vec![5, 2], "the window does not move");
            let arrived: Vec<_> = window
                .arrived
                .get_untracked()
                .iter()
                .map(|l| l.id.get())
                .collect();
            assert_eq!(arrived, vec![10, 9]);
            // Renamed and deleted while waiting: the button follows.
            window.apply(
                EventSeq::new(13),
                ChangeKind::Renamed,
                list(9, "renamed"),
                false,
            );
            window.apply(EventSeq::new(14), ChangeKind::Deleted, list(10, "j"), false);
            assert_eq!(window.arrived.get_untracked(), vec![list(9, "renamed")]);
            assert!(window.show_arrived());
            assert_eq!(ids(&window), vec![9, 5, 2]);
            assert!(window.arrived.get_untracked().is_empty());
        });
    }

    #[test]
    fn an_own_create_shows_on_top_even_when_scrolled() {
        Owner::new().with(|| {
            let window = window_with(lists([5, 2]), info(false, false, 10));
            window.top_in_view.set(false);
            window.apply(
                EventSeq::new(11),
                ChangeKind::Created,
                list(9, "mine"),
                true,
            );
            assert_eq!(ids(&window), vec![9, 5, 2]);
        });
    }

    #[test]
    fn a_window_away_from_the_newest_rows_counts_new_lists_and_shows_them_by_reloading() {
        Owner::new().with(|| {
            let window = window_with(lists([50, 40]), info(true, true, 10));
            window.apply(
                EventSeq::new(11),
                ChangeKind::Created,
                list(99, "new"),
                true,
            );
            assert_eq!(ids(&window), vec![50, 40]);
            assert_eq!(window.arrived.get_untracked().len(), 1);
            assert!(
                !window.show_arrived(),
                "the rows between are not loaded: reset"
            );
        });
    }

    #[test]
    fn lists_older_than_the_window_wait_until_scrolled_to() {
        Owner::new().with(|| {
            let window = window_with(lists([50, 40]), info(true, false, 10));
            window.apply(
                EventSeq::new(11),
                ChangeKind::Restored,
                list(3, "old"),
                false,
            );
            assert_eq!(ids(&window), vec![50, 40]);
            window.apply(
                EventSeq::new(12),
                ChangeKind::Restored,
                list(45, "inside"),
                false,
            );
            assert_eq!(ids(&window), vec![50, 45, 40]);
        });
    }

    #[test]
    fn a_search_keeps_only_matching_lists_and_moves_renamed_ones_in_and_out() {
        Owner::new().with(|| {
            let window = ListWindow::new(
                KeyedStream::from_rows(
                    vec![list(5, "Tea time"), list(2, "Green tea")],
                    ListWindow::LIMIT,
                ),
                info(false, false, 10),
                SearchTerm::parse("tea").unwrap(),
            );
            window.apply(
                EventSeq::new(11),
                ChangeKind::Created,
                list(9, "Coffee"),
                false,
            );
            assert_eq!(ids(&window), vec![5, 2], "not a match");
            window.apply(
                EventSeq::new(12),
                ChangeKind::Renamed,
                list(5, "Lunch"),
                false,
            );
            assert_eq!(ids(&window), vec![2], "renamed out of the search");
            window.apply(
                EventSeq::new(13),
                ChangeKind::Renamed,
                list(9, "Iced TEA"),
                false,
            );
            assert_eq!(ids(&window), vec![9, 2], "renamed into it");
        });
    }

    #[test]
    fn the_same_change_twice_is_applied_once() {
        Owner::new().with(|| {
            let window = window_with(lists([2]), info(false, false, 10));
            assert!(window.apply(EventSeq::new(11), ChangeKind::Created, list(3, "c"), false));
            assert!(!window.apply(EventSeq::new(11), ChangeKind::Created, list(3, "c"), false));
            assert_eq!(ids(&window), vec![3, 2]);
        });
    }

    #[test]
    fn an_older_event_never_overwrites_a_newer_change() {
        Owner::new().with(|| {
            let window = window_with(lists([2]), info(false, false, 10));
            assert!(window.apply(
                EventSeq::new(14),
                ChangeKind::Renamed,
                list(2, "mine"),
                false
            ));
            assert!(!window.apply(
                EventSeq::new(12),
                ChangeKind::Renamed,
                list(2, "theirs"),
                false
            ));
            assert_eq!(name_of(&window, 2), "mine");
        });
    }

    #[test]
    fn events_the_page_already_holds_are_ignored() {
        Owner::new().with(|| {
            let window = window_with(lists([2]), info(false, false, 10));
            assert!(!window.apply(EventSeq::new(9), ChangeKind::Deleted, list(2, "b"), false));
            assert_eq!(ids(&window), vec![2]);
        });
    }

    #[test]
    fn a_delete_then_a_restore_put_the_row_back_in_place() {
        Owner::new().with(|| {
            let window = window_with(lists([3, 2, 1]), info(false, false, 0));
            window.apply(EventSeq::new(1), ChangeKind::Deleted, list(2, "b"), false);
            assert_eq!(ids(&window), vec![3, 1]);
            window.apply(EventSeq::new(2), ChangeKind::Restored, list(2, "b"), false);
            assert_eq!(ids(&window), vec![3, 2, 1]);
        });
    }

    #[test]
    fn two_quick_renames_never_show_the_first_again() {
        Owner::new().with(|| {
            let window = window_with(vec![list(1, "a")], info(false, false, 10));
            let id = ListId::new(1);
            for name in ["b", "c"] {
                window.begin(id);
                window
                    .rows
                    .modify(&id, |l| l.name = ListName::parse(name).unwrap());
            }
            window.receive(event(11, ChangeKind::Renamed, 1, "b"));
            assert_eq!(
                name_of(&window, 1),
                "c",
                "the echo of the first rename is held"
            );
            window.finish_change(id, ChangeKind::Renamed, Some(changed(11, 1, "b")));
            assert_eq!(
                name_of(&window, 1),
                "c",
                "the first answer does not undo the second"
            );
            window.finish_change(id, ChangeKind::Renamed, Some(changed(12, 1, "c")));
            window.receive(event(12, ChangeKind::Renamed, 1, "c"));
            assert_eq!(name_of(&window, 1), "c");
        });
    }

    #[test]
    fn events_held_during_a_failed_change_are_applied_after_it() {
        Owner::new().with(|| {
            let window = window_with(vec![list(1, "a")], info(false, false, 10));
            let id = ListId::new(1);
            window.begin(id);
            window
                .rows
                .modify(&id, |l| l.name = ListName::parse("mine").unwrap());
            window.receive(event(11, ChangeKind::Renamed, 1, "theirs"));
            // The request failed: the change puts the old name back, then finishes.
            window
                .rows
                .modify(&id, |l| l.name = ListName::parse("a").unwrap());
            window.finish_change(id, ChangeKind::Renamed, None);
            assert_eq!(name_of(&window, 1), "theirs");
        });
    }

    #[test]
    fn scrolling_down_loads_older_pages_and_drops_rows_from_the_top() {
        Owner::new().with(|| {
            let window = window_with(lists((251..=300).rev()), info(true, false, 10));
            for expected_top in [300, 300, 300, 250, 200] {
                let (query, generation) = window.start(Fetch::Older).expect("more to load");
                let PageStart::Before(last) = query.start else {
                    panic!("{query:?}")
                };
                let newest = last.get() - 1;
                let next = page((newest - 49..=newest).rev(), newest - 49 > 1, true, 10);
                window.finish(Fetch::Older, generation, Ok(next));
                assert!(window.rows.len() <= MAX_ROWS);
                assert_eq!(ids(&window)[0], expected_top);
            }
            assert!(window.has_newer.get_untracked(), "rows were dropped above");
            assert_eq!(*ids(&window).last().unwrap(), 1);
            assert!(!window.has_older.get_untracked());
            assert_eq!(window.start(Fetch::Older), None, "nothing older");
        });
    }

    #[test]
    fn scrolling_up_loads_newer_pages_and_drops_rows_from_the_bottom() {
        Owner::new().with(|| {
            let window = window_with(lists((1..=200).rev()), info(false, true, 10));
            let (query, generation) = window.start(Fetch::Newer).unwrap();
            assert_eq!(query.start, PageStart::After(ListId::new(200)));
            window.finish(
                Fetch::Newer,
                generation,
                Ok(page((201..=250).rev(), true, false, 10)),
            );
            assert_eq!(ids(&window)[0], 250);
            assert_eq!(window.rows.len(), MAX_ROWS);
            assert!(window.has_older.get_untracked());
            assert!(!window.has_newer.get_untracked());
        });
    }

    #[test]
    fn a_failed_page_says_why_and_can_be_tried_again() {
        Owner::new().with(|| {
            let window = window_with(lists([5, 4]), info(true, false, 10));
            let (_, generation) = window.start(Fetch::Older).unwrap();
            assert_eq!(window.start(Fetch::Older), None, "one request at a time");
            window.finish(Fetch::Older, generation, Err(ListError::Unreachable));
            assert_eq!(
                window.older.get_untracked(),
                EdgeLoad::Failed(ListError::Unreachable)
            );
            assert!(window.start(Fetch::Older).is_some(), "Retry");
        });
    }

    #[test]
    fn events_arriving_while_a_page_loads_are_applied_after_it() {
        Owner::new().with(|| {
            let window = window_with(lists([60, 59]), info(true, false, 10));
            let (_, generation) = window.start(Fetch::Older).unwrap();
            // The page was read before list 58 was renamed, but arrives after the event.
            window.receive(event(11, ChangeKind::Renamed, 58, "renamed"));
            window.finish(
                Fetch::Older,
                generation,
                Ok(page([58, 57], false, true, 10)),
            );
            assert_eq!(name_of(&window, 58), "renamed");
            // An event the page already reflects changes nothing.
            let (_, generation) = window.start(Fetch::Reset).unwrap();
            window.receive(event(12, ChangeKind::Renamed, 60, "stale"));
            window.finish(
                Fetch::Reset,
                generation,
                Ok(ListsPage {
                    lists: vec![list(60, "fresh")],
                    has_older: false,
                    has_newer: false,
                    cursor: EventSeq::new(12),
                }),
            );
            assert_eq!(name_of(&window, 60), "fresh");
        });
    }

    #[test]
    fn a_reset_keeps_surviving_rows_and_drops_answers_to_earlier_requests() {
        Owner::new().with(|| {
            let window = window_with(lists([5, 4, 3]), info(true, false, 10));
            let kept = window.rows.rows()[1].value();
            let (_, older) = window.start(Fetch::Older).unwrap();
            let (_, reset) = window.start(Fetch::Reset).unwrap();
            assert!(window.resetting.get_untracked());
            window.finish(Fetch::Reset, reset, Ok(page([9, 4], false, false, 20)));
            window.finish(Fetch::Older, older, Ok(page([2, 1], false, true, 20)));
            assert_eq!(ids(&window), vec![9, 4], "the older page was overtaken");
            assert!(
                window.rows.rows()[1].value() == kept,
                "row 4 keeps its node"
            );
            assert!(!window.resetting.get_untracked());
        });
    }

    #[test]
    fn no_edge_page_is_asked_for_while_the_rows_are_being_replaced() {
        Owner::new().with(|| {
            // Scrolled far down: the newest rows were dropped above.
            let window = window_with(lists((251..=450).rev()), info(true, true, 10));
            window.apply(
                EventSeq::new(11),
                ChangeKind::Created,
                list(601, "new"),
                false,
            );
            assert!(
                !window.show_arrived(),
                "the rows between are not loaded: reset"
            );
            let (_, reset) = window.start(Fetch::Reset).unwrap();
            // Scrolling to the top edge, as the button does, must not ask for 451..500.
            assert_eq!(window.start(Fetch::Newer), None);
            assert_eq!(window.start(Fetch::Older), None);
            window.finish(
                Fetch::Reset,
                reset,
                Ok(page((552..=601).rev(), true, false, 11)),
            );
            assert_eq!(ids(&window), (552..=601).rev().collect::<Vec<_>>());
            assert!(
                window.start(Fetch::Older).is_some(),
                "after the reset, the edges go on"
            );
        });
    }

    #[test]
    fn the_window_never_holds_more_than_the_limit_when_lists_arrive() {
        Owner::new().with(|| {
            let window = window_with(lists((1..=200).rev()), info(false, false, 10));
            window.apply(
                EventSeq::new(11),
                ChangeKind::Created,
                list(201, "new"),
                false,
            );
            assert_eq!(window.rows.len(), MAX_ROWS);
            assert_eq!(ids(&window)[0], 201);
            assert!(window.has_older.get_untracked(), "list 1 was dropped below");
        });
    }
}
