//! `Letters`: a small collection of the crate's own tests, so that the mechanisms
//! written once over `Collection` are tested without lists. Letters are numbered, newest
//! first, narrowed by a substring, and drafted at the start.

use super::change_key::ChangeKey;
use super::position::{LogEvent, Position};
use super::{Ahead, BatchSent, Collection, Effect, PageFrom, PageInfo, TakeBack};
use crate::stream::Edge;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Letters;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Letter {
    pub id: u32,
    pub text: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum LetterKind {
    Written,
    Edited,
    Torn,
    Mended,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct LetterEvent {
    pub position: Position,
    pub kind: LetterKind,
    pub letter: Letter,
}

impl LogEvent for LetterEvent {
    fn position(&self) -> Position {
        self.position
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum LetterChange {
    Write(String),
    Edit(u32, String),
    Tear(u32),
    Mend(u32),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct SentLetter {
    pub key: String,
    pub change: LetterChange,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum LetterError {
    Unreachable,
    Busy,
    Missing,
}

impl Collection for Letters {
    const OUTBOX: &'static str = "letters.outbox";
    const DRAFTS_AT: Edge = Edge::Start;

    type Row = Letter;
    type Key = u32;
    type Filter = String;
    type Query = (Option<String>, PageFrom<u32>);
    type Page = (Vec<Letter>, PageInfo);
    type Kind = LetterKind;
    type Change = LetterChange;
    type Sent = SentLetter;
    type Before = String;
    type Draft = String;
    type Answer = (Position, Letter);
    type Event = LetterEvent;
    type Error = LetterError;

    fn key(row: &Letter) -> u32 {
        row.id
    }

    fn order(a: &Letter, b: &Letter) -> Ordering {
        b.id.cmp(&a.id)
    }

    fn matches(filter: &String, row: &Letter) -> bool {
        row.text.contains(filter.as_str())
    }

    fn query(filter: Option<&String>, from: PageFrom<&Letter>) -> Self::Query {
        let from = match from {
            PageFrom::First => PageFrom::First,
            PageFrom::Following(row) => PageFrom::Following(row.id),
            PageFrom::Preceding(row) => PageFrom::Preceding(row.id),
        };
        (filter.cloned(), from)
    }

    fn page_parts(page: Self::Page) -> (Vec<Letter>, PageInfo) {
        page
    }

    fn effect(kind: LetterKind) -> Effect {
        match kind {
            LetterKind::Torn => Effect::Remove,
            _ => Effect::Put,
        }
    }

    fn kind(change: &LetterChange) -> LetterKind {
        match change {
            LetterChange::Write(_) => LetterKind::Written,
            LetterChange::Edit(..) => LetterKind::Edited,
            LetterChange::Tear(_) => LetterKind::Torn,
            LetterChange::Mend(_) => LetterKind::Mended,
        }
    }

    fn target(change: &LetterChange) -> Option<u32> {
        match change {
            LetterChange::Write(_) => None,
            LetterChange::Edit(id, _) | LetterChange::Tear(id) | LetterChange::Mend(id) => {
                Some(*id)
            }
        }
    }

    fn before(change: &LetterChange, shown: Option<&Letter>) -> Option<String> {
        match change {
            LetterChange::Edit(..) | LetterChange::Tear(_) => shown.map(|row| row.text.clone()),
            _ => None,
        }
    }

    fn ahead(
        change: &LetterChange,
        shown: Option<&Letter>,
        kept: &dyn Fn(u32) -> Option<String>,
    ) -> Ahead<Self> {
        match (change, shown) {
            (LetterChange::Write(text), _) => Ahead::Draft(text.clone()),
            (LetterChange::Edit(id, text), Some(_)) => Ahead::Put(letter(*id, text)),
            (LetterChange::Tear(id), Some(_)) => Ahead::Remove(*id),
            (LetterChange::Mend(id), None) => match kept(*id) {
                Some(text) => Ahead::Put(letter(*id, &text)),
                None => Ahead::Nothing,
            },
            _ => Ahead::Nothing,
        }
    }

    fn take_back(change: &LetterChange, before: Option<&String>) -> TakeBack<Self> {
        match (change, before) {
            (LetterChange::Edit(id, text), Some(before)) => TakeBack::Revert {
                shown: letter(*id, text),
                back: letter(*id, before),
            },
            (LetterChange::Tear(id), Some(before)) => TakeBack::PutBack(letter(*id, before)),
            (LetterChange::Mend(id), _) => TakeBack::Remove(*id),
            _ => TakeBack::Nothing,
        }
    }

    fn sent(key: &ChangeKey, change: &LetterChange) -> SentLetter {
        SentLetter {
            key: key.to_string(),
            change: change.clone(),
        }
    }

    fn sent_key(sent: &SentLetter) -> &str {
        &sent.key
    }

    fn sent_kind(sent: &SentLetter) -> LetterKind {
        Self::kind(&sent.change)
    }

    fn sent_target(sent: &SentLetter) -> Option<u32> {
        Self::target(&sent.change)
    }

    fn sent_draft(sent: &SentLetter) -> Option<String> {
        match &sent.change {
            LetterChange::Write(text) => Some(text.clone()),
            _ => None,
        }
    }

    fn parse_sent(sent: &SentLetter) -> Result<(ChangeKey, LetterChange), LetterError> {
        let key = ChangeKey::parse(&sent.key).map_err(|_| LetterError::Missing)?;
        Ok((key, sent.change.clone()))
    }

    fn answered(answer: &(Position, Letter)) -> (Position, Letter) {
        answer.clone()
    }

    fn event_kind(event: &LetterEvent) -> LetterKind {
        event.kind
    }

    fn event_row(event: &LetterEvent) -> &Letter {
        &event.letter
    }

    fn lands(event: &LetterEvent, draft: &String) -> bool {
        event.kind == LetterKind::Written && event.letter.text == *draft
    }

    fn may_pass(error: &LetterError) -> bool {
        matches!(error, LetterError::Unreachable | LetterError::Busy)
    }

    fn unreachable() -> LetterError {
        LetterError::Unreachable
    }

    /// Letters have no server: a batch cannot be sent.
    fn send_batch(_: Vec<SentLetter>) -> impl std::future::Future<Output = BatchSent<Self>> {
        std::future::ready(Err(LetterError::Unreachable))
    }
}

pub(crate) fn letter(id: u32, text: &str) -> Letter {
    Letter {
        id,
        text: text.to_owned(),
    }
}

pub(crate) fn rows(ids: impl IntoIterator<Item = u32>) -> Vec<Letter> {
    ids.into_iter()
        .map(|id| letter(id, &format!("letter {id}")))
        .collect()
}

pub(crate) fn event(position: i64, id: u32, text: &str) -> LetterEvent {
    event_of(position, LetterKind::Edited, id, text)
}

pub(crate) fn event_of(position: i64, kind: LetterKind, id: u32, text: &str) -> LetterEvent {
    LetterEvent {
        position: Position::new(position),
        kind,
        letter: letter(id, text),
    }
}

pub(crate) fn info(more_at_start: bool, more_at_end: bool, position: i64) -> PageInfo {
    PageInfo {
        more_at_start,
        more_at_end,
        position: Position::new(position),
    }
}

pub(crate) fn page(
    ids: impl IntoIterator<Item = u32>,
    more_at_start: bool,
    more_at_end: bool,
    position: i64,
) -> (Vec<Letter>, PageInfo) {
    (rows(ids), info(more_at_start, more_at_end, position))
}
