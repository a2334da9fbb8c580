//! Lists as a [`Collection`]: what the window, the outbox, the feed and the batch need to
//! know about them, and the batch's server function, through which the outbox sends.

use super::api::{FormPost, JsonPost};
use super::change::{BatchAnswers, ChangeKind, ChangedList, ListChange, ListEvent, SentChange};
use super::error::ListError;
use super::list::{List, ListId};
use super::name::ListName;
use super::page::{ListsPage, ListsQuery, PageStart};
use super::search::SearchTerm;
#[cfg(feature = "ssr")]
use super::ssr::ListsContext;
#[cfg(feature = "ssr")]
use crate::collection::{apply_batch, BATCH_LIMIT};
use crate::collection::{
    Ahead, BatchSent, ChangeKey, Collection, Effect, PageFrom, PageInfo, Position, TakeBack,
};
use crate::stream::Edge;
use leptos::prelude::*;
use std::cmp::Ordering;

/// The lists, newest first. Their drafts (lists asked for and not made yet) show at the
/// top, where the made list goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lists;

impl Collection for Lists {
    const OUTBOX: &'static str = "async-streamer.outbox";
    const DRAFTS_AT: Edge = Edge::Start;

    type Row = List;
    type Key = ListId;
    type Filter = SearchTerm;
    type Query = ListsQuery;
    type Page = ListsPage;
    type Kind = ChangeKind;
    type Change = ListChange;
    type Sent = SentChange;
    /// The list's name before the change, as it was shown.
    type Before = String;
    type Draft = ListName;
    type Answer = ChangedList;
    type Event = ListEvent;
    type Error = ListError;

    fn key(row: &List) -> ListId {
        row.id
    }

    /// Newest first: larger ids first.
    fn order(a: &List, b: &List) -> Ordering {
        b.id.cmp(&a.id)
    }

    fn matches(filter: &SearchTerm, row: &List) -> bool {
        filter.matches(row)
    }

    /// Following the last row is older lists (`before` its id); preceding the first is
    /// newer ones (`after` it).
    fn query(filter: Option<&SearchTerm>, from: PageFrom<&List>) -> ListsQuery {
        let start = match from {
            PageFrom::First => PageStart::Newest,
            PageFrom::Following(last) => PageStart::Before(last.id),
            PageFrom::Preceding(first) => PageStart::After(first.id),
        };
        ListsQuery {
            search: filter.cloned(),
            start,
        }
    }

    fn page_parts(page: ListsPage) -> (Vec<List>, PageInfo) {
        let info = PageInfo {
            more_at_start: page.has_newer,
            more_at_end: page.has_older,
            position: page.position,
        };
        (page.lists, info)
    }

    fn effect(kind: ChangeKind) -> Effect {
        match kind.leaves_deleted() {
            true => Effect::Remove,
            false => Effect::Put,
        }
    }

    fn kind(change: &ListChange) -> ChangeKind {
        change.kind()
    }

    fn target(change: &ListChange) -> Option<ListId> {
        change.list()
    }

    fn before(change: &ListChange, shown: Option<&List>) -> Option<String> {
        match change {
            ListChange::Rename(..) | ListChange::Delete(_) => {
                shown.map(|list| list.name.as_str().to_owned())
            }
            ListChange::Create(_) | ListChange::Restore(_) => None,
        }
    }

    /// A restore shows at once if this screen still knows the list's name (its delete is
    /// waiting); else when the server answers.
    fn ahead(
        change: &ListChange,
        shown: Option<&List>,
        kept: &dyn Fn(ListId) -> Option<String>,
    ) -> Ahead<Self> {
        match (change, shown) {
            (ListChange::Create(name), _) => Ahead::Draft(name.clone()),
            (ListChange::Rename(id, name), Some(_)) => Ahead::Put(List {
                id: *id,
                name: name.clone(),
            }),
            (ListChange::Delete(id), Some(_)) => Ahead::Remove(*id),
            (ListChange::Restore(id), None) => kept(*id)
                .and_then(|name| ListName::parse(&name).ok())
                .map_or(Ahead::Nothing, |name| Ahead::Put(List { id: *id, name })),
            _ => Ahead::Nothing,
        }
    }

    fn take_back(change: &ListChange, before: Option<&String>) -> TakeBack<Self> {
        let before = before.and_then(|name| ListName::parse(name).ok());
        match (change, before) {
            (ListChange::Rename(id, shown), Some(back)) => TakeBack::Revert {
                shown: List {
                    id: *id,
                    name: shown.clone(),
                },
                back: List {
                    id: *id,
                    name: back,
                },
            },
            (ListChange::Delete(id), Some(name)) => TakeBack::PutBack(List { id: *id, name }),
            (ListChange::Restore(id), _) => TakeBack::Remove(*id),
            _ => TakeBack::Nothing,
        }
    }

    fn sent(key: &ChangeKey, change: &ListChange) -> SentChange {
        SentChange::new(key, change)
    }

    fn sent_key(sent: &SentChange) -> &str {
        &sent.key
    }

    fn sent_kind(sent: &SentChange) -> ChangeKind {
        sent.kind
    }

    fn sent_target(sent: &SentChange) -> Option<ListId> {
        sent.id
    }

    fn sent_draft(sent: &SentChange) -> Option<ListName> {
        match sent.kind {
            ChangeKind::Created => ListName::parse(sent.name.as_deref()?).ok(),
            _ => None,
        }
    }

    fn parse_sent(sent: &SentChange) -> Result<(ChangeKey, ListChange), ListError> {
        sent.parse()
    }

    fn answered(answer: &ChangedList) -> (Position, List) {
        (answer.position, answer.list.clone())
    }

    fn event_kind(event: &ListEvent) -> ChangeKind {
        event.kind
    }

    fn event_row(event: &ListEvent) -> &List {
        &event.list
    }

    fn lands(event: &ListEvent, draft: &ListName) -> bool {
        event.kind == ChangeKind::Created && event.list.name == *draft
    }

    fn may_pass(error: &ListError) -> bool {
        error.may_pass()
    }

    fn unreachable() -> ListError {
        ListError::Unreachable
    }

    async fn send_batch(batch: Vec<SentChange>) -> BatchSent<Self> {
        let changes = crate::wire::to_json(&batch)
            .map_err(|error| ListError::BadRequest(error.to_string()))?;
        apply_changes(changes).await
    }
}

/// Applies many changes in their order, each with its own key and its own transaction,
/// and answers for each (see [`BatchAnswers`]): what the screen's outbox sends when it
/// has more than one change waiting. `changes` is a JSON array of [`SentChange`]s, at
/// most [`BATCH_LIMIT`].
#[server(prefix = "/api", input = FormPost, output = JsonPost, endpoint = "lists/changes")]
pub async fn apply_changes(changes: String) -> Result<BatchAnswers, ListError> {
    let changes: Vec<SentChange> = serde_json::from_str(&changes)
        .map_err(|error| ListError::BadRequest(format!("`changes`: {error}")))?;
    if changes.len() > BATCH_LIMIT {
        return Err(ListError::BadRequest(format!(
            "at most {BATCH_LIMIT} changes at once"
        )));
    }
    let store = &ListsContext::current()?.store;
    store.observer().batch(changes.len());
    let apply = |key: ChangeKey, change: ListChange| async move {
        store
            .apply(&change, Some(&key))
            .await
            .map_err(ListError::from)
    };
    Ok(apply_batch::<Lists, _, _>(&changes, apply).await)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lists::list::list;

    #[test]
    fn pages_that_follow_the_window_are_older_and_those_that_precede_it_newer() {
        let row = list(40, "Tea");
        assert_eq!(
            Lists::query(None, PageFrom::Following(&row)).start,
            PageStart::Before(ListId::new(40))
        );
        assert_eq!(
            Lists::query(None, PageFrom::Preceding(&row)).start,
            PageStart::After(ListId::new(40))
        );
        assert_eq!(Lists::query(None, PageFrom::First), ListsQuery::default());
    }

    #[test]
    fn a_restore_shows_at_once_only_with_the_name_its_delete_kept() {
        let restore = ListChange::Restore(ListId::new(3));
        let known = |_| Some("Milk".to_owned());
        assert_eq!(
            Lists::ahead(&restore, None, &known),
            Ahead::Put(list(3, "Milk"))
        );
        assert_eq!(Lists::ahead(&restore, None, &|_| None), Ahead::Nothing);
    }

    #[test]
    fn a_refused_rename_goes_back_to_the_name_it_replaced() {
        let rename = ListChange::Rename(ListId::new(3), ListName::parse("Eggs").unwrap());
        let shown = list(3, "Milk");
        let before = Lists::before(&rename, Some(&shown));
        assert_eq!(before.as_deref(), Some("Milk"));
        assert_eq!(
            Lists::take_back(&rename, before.as_ref()),
            TakeBack::Revert {
                shown: list(3, "Eggs"),
                back: list(3, "Milk")
            }
        );
    }

    #[test]
    fn only_a_create_of_the_same_name_lands_a_draft() {
        let draft = ListName::parse("Milk").unwrap();
        let event = |kind, name| ListEvent {
            position: Position::new(1),
            kind,
            list: list(9, name),
        };
        assert!(Lists::lands(&event(ChangeKind::Created, "Milk"), &draft));
        assert!(!Lists::lands(&event(ChangeKind::Renamed, "Milk"), &draft));
        assert!(!Lists::lands(&event(ChangeKind::Created, "Eggs"), &draft));
    }
}
