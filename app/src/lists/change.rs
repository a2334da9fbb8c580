//! Changes to lists, and their positions in the change log.

use super::error::ListError;
use super::list::{List, ListId};
use super::name::ListName;
use crate::collection::{ChangeKey, LogEvent, Position};
use serde::{Deserialize, Serialize};

/// The four things that can happen to a list.
///
/// Its names on the wire are serde's, from the variant names (snake case); the change
/// log's `kind` column stores the same names ([`ChangeKind::log_name`], a test keeps the
/// two the same).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Created,
    Renamed,
    Deleted,
    Restored,
}

impl ChangeKind {
    /// Whether a list is soft-deleted after a change of this kind.
    pub const fn leaves_deleted(self) -> bool {
        matches!(self, Self::Deleted)
    }

    /// The name the change log stores.
    pub const fn log_name(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Renamed => "renamed",
            Self::Deleted => "deleted",
            Self::Restored => "restored",
        }
    }

    /// The kind a name in the change log stands for, if any.
    pub fn from_log_name(name: &str) -> Option<Self> {
        [Self::Created, Self::Renamed, Self::Deleted, Self::Restored]
            .into_iter()
            .find(|kind| kind.log_name() == name)
    }
}

/// Bound into SQL as its log name, on either database.
#[cfg(feature = "ssr")]
impl<DB: sqlx::Database> sqlx::Type<DB> for ChangeKind
where
    str: sqlx::Type<DB>,
{
    fn type_info() -> DB::TypeInfo {
        <str as sqlx::Type<DB>>::type_info()
    }

    fn compatible(ty: &DB::TypeInfo) -> bool {
        <str as sqlx::Type<DB>>::compatible(ty)
    }
}

#[cfg(feature = "ssr")]
impl<'q, DB: sqlx::Database> sqlx::Encode<'q, DB> for ChangeKind
where
    &'q str: sqlx::Encode<'q, DB>,
{
    fn encode_by_ref(
        &self,
        buf: &mut DB::ArgumentBuffer<'q>,
    ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        <&'q str as sqlx::Encode<'q, DB>>::encode(self.log_name(), buf)
    }
}

/// One entry of the change log: what happened, and the list's state right after it.
/// Its position is `seq` on the wire (and the event's SSE `id`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListEvent {
    #[serde(rename = "seq")]
    pub position: Position,
    pub kind: ChangeKind,
    pub list: List,
}

impl LogEvent for ListEvent {
    fn position(&self) -> Position {
        self.position
    }
}

/// The answer to a create, rename, delete or restore: the row as it now is, and the
/// change-log position that includes this change (`seq` on the wire). A screen applies
/// it to one row and uses the position to ignore older events about the same list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangedList {
    pub list: List,
    #[serde(rename = "seq")]
    pub position: Position,
}

/// A change a person asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListChange {
    Create(ListName),
    Rename(ListId, ListName),
    Delete(ListId),
    Restore(ListId),
}

impl ListChange {
    /// The kind of log entry this change writes, when it writes one.
    pub const fn kind(&self) -> ChangeKind {
        match self {
            Self::Create(_) => ChangeKind::Created,
            Self::Rename(..) => ChangeKind::Renamed,
            Self::Delete(_) => ChangeKind::Deleted,
            Self::Restore(_) => ChangeKind::Restored,
        }
    }

    /// The list it changes; a create's list has no id until the server makes it.
    pub const fn list(&self) -> Option<ListId> {
        match self {
            Self::Create(_) => None,
            Self::Rename(id, _) | Self::Delete(id) | Self::Restore(id) => Some(*id),
        }
    }

    /// The name it asks for (a create's or a rename's).
    pub const fn name(&self) -> Option<&ListName> {
        match self {
            Self::Create(name) | Self::Rename(_, name) => Some(name),
            Self::Delete(_) | Self::Restore(_) => None,
        }
    }
}

/// A change with its key as it travels in a batch and waits in the screen's outbox: the
/// name as typed, parsed on arrival, so that one bad change in a batch is answered on
/// its own instead of refusing the batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentChange {
    pub key: String,
    pub kind: ChangeKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<ListId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl SentChange {
    pub fn new(key: &ChangeKey, change: &ListChange) -> Self {
        Self {
            key: key.to_string(),
            kind: change.kind(),
            id: change.list(),
            name: change.name().map(|name| name.as_str().to_owned()),
        }
    }

    /// The key and the change, or why they cannot be applied.
    pub fn parse(&self) -> Result<(ChangeKey, ListChange), ListError> {
        let key = ChangeKey::parse(&self.key)?;
        let name = || match &self.name {
            Some(name) => Ok(ListName::parse(name)?),
            None => Err(ListError::BadRequest("this change needs a `name`".into())),
        };
        let id = || {
            self.id
                .ok_or_else(|| ListError::BadRequest("this change needs an `id`".into()))
        };
        let change = match self.kind {
            ChangeKind::Created => ListChange::Create(name()?),
            ChangeKind::Renamed => ListChange::Rename(id()?, name()?),
            ChangeKind::Deleted => ListChange::Delete(id()?),
            ChangeKind::Restored => ListChange::Restore(id()?),
        };
        Ok((key, change))
    }
}

/// What the server answers for each change of a batch, in the batch's order. A batch
/// stops at the first change that failed for a reason that may pass (the database busy
/// or failing): the answers end there, and the changes after it wait to be sent again,
/// so that they never overtake it.
pub type BatchAnswers = Vec<Result<ChangedList, ListError>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sent_change_parses_back_to_what_was_sent() {
        let key = ChangeKey::parse("client-0123456789-1").unwrap();
        for change in [
            ListChange::Create(ListName::parse("Milk").unwrap()),
            ListChange::Rename(ListId::new(4), ListName::parse("Eggs").unwrap()),
            ListChange::Delete(ListId::new(5)),
            ListChange::Restore(ListId::new(6)),
        ] {
            let sent = SentChange::new(&key, &change);
            let json = serde_json::to_string(&sent).unwrap();
            let back: SentChange = serde_json::from_str(&json).unwrap();
            assert_eq!(back.parse().unwrap(), (key.clone(), change));
        }
    }

    #[test]
    fn the_log_names_each_kind_as_the_wire_does() {
        for kind in [
            ChangeKind::Created,
            ChangeKind::Renamed,
            ChangeKind::Deleted,
            ChangeKind::Restored,
        ] {
            let wire = serde_json::to_value(kind).unwrap();
            assert_eq!(wire.as_str(), Some(kind.log_name()));
            assert_eq!(ChangeKind::from_log_name(kind.log_name()), Some(kind));
        }
        assert_eq!(ChangeKind::from_log_name("exploded"), None);
    }

    #[test]
    fn a_sent_change_with_a_bad_name_or_without_its_list_is_refused_alone() {
        let mut sent = SentChange::new(
            &ChangeKey::parse("client-0123456789-2").unwrap(),
            &ListChange::Rename(ListId::new(4), ListName::parse("Eggs").unwrap()),
        );
        sent.name = Some(" ".into());
        assert!(matches!(sent.parse(), Err(ListError::InvalidName(_))));
        sent.name = Some("Eggs".into());
        sent.id = None;
        assert!(matches!(sent.parse(), Err(ListError::BadRequest(_))));
    }
}
