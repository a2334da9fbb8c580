//! The browser's half of the list shapes' wire format: reading the JSON the server writes
//! with serde, and writing server-function arguments as forms.
//!
//! The tests below write every shape with serde and read it back through these impls,
//! so the two halves cannot drift apart unnoticed.

use super::{
    ChangeKind, ChangedList, CreateList, DeleteList, EventSeq, List, ListError, ListEvent, ListId,
    ListName, ListNameError, ListsSnapshot, LoadLists, RenameList, RestoreList,
};
use crate::wire::{FormWriter, FromJson, Json, ToForm};

impl FromJson for ListId {
    fn from_json(value: &Json) -> Option<Self> {
        value.as_i64().map(Self::new)
    }
}

impl FromJson for EventSeq {
    fn from_json(value: &Json) -> Option<Self> {
        value.as_i64().map(Self::new)
    }
}

/// Names go through [`ListName::parse`] here too: holding a `ListName` always means valid.
impl FromJson for ListName {
    fn from_json(value: &Json) -> Option<Self> {
        ListName::parse(value.as_str()?).ok()
    }
}

impl FromJson for List {
    fn from_json(value: &Json) -> Option<Self> {
        Some(Self {
            id: ListId::from_json(value.get("id")?)?,
            name: ListName::from_json(value.get("name")?)?,
        })
    }
}

impl FromJson for ListsSnapshot {
    fn from_json(value: &Json) -> Option<Self> {
        Some(Self {
            lists: FromJson::from_json(value.get("lists")?)?,
            cursor: EventSeq::from_json(value.get("cursor")?)?,
        })
    }
}

impl FromJson for ChangeKind {
    fn from_json(value: &Json) -> Option<Self> {
        [Self::Created, Self::Renamed, Self::Deleted, Self::Restored]
            .into_iter()
            .find(|kind| Some(kind.as_str()) == value.as_str())
    }
}

impl FromJson for ListEvent {
    fn from_json(value: &Json) -> Option<Self> {
        Some(Self {
            seq: EventSeq::from_json(value.get("seq")?)?,
            kind: ChangeKind::from_json(value.get("kind")?)?,
            list: List::from_json(value.get("list")?)?,
        })
    }
}

impl FromJson for ChangedList {
    fn from_json(value: &Json) -> Option<Self> {
        Some(Self {
            list: List::from_json(value.get("list")?)?,
            seq: EventSeq::from_json(value.get("seq")?)?,
        })
    }
}

impl FromJson for ListNameError {
    fn from_json(value: &Json) -> Option<Self> {
        match value.variant()? {
            ("Empty", None) => Some(Self::Empty),
            ("ControlCharacter", None) => Some(Self::ControlCharacter),
            ("TooLong", Some(fields)) => Some(Self::TooLong {
                max: usize::from_json(fields.get("max")?)?,
                actual: usize::from_json(fields.get("actual")?)?,
            }),
            _ => None,
        }
    }
}

impl FromJson for ListError {
    fn from_json(value: &Json) -> Option<Self> {
        match value.variant()? {
            ("InvalidName", Some(reason)) => {
                ListNameError::from_json(reason).map(Self::InvalidName)
            }
            ("NotFound", Some(id)) => ListId::from_json(id).map(Self::NotFound),
            ("BadRequest", Some(reason)) => String::from_json(reason).map(Self::BadRequest),
            ("LoadFailed", None) => Some(Self::LoadFailed),
            ("Storage", None) => Some(Self::Storage),
            ("Unreachable", None) => Some(Self::Unreachable),
            ("Internal", None) => Some(Self::Internal),
            _ => None,
        }
    }
}

impl ToForm for LoadLists {
    fn to_form(&self, _: &mut FormWriter) {}
}

impl ToForm for CreateList {
    fn to_form(&self, form: &mut FormWriter) {
        form.field("name", &self.name);
    }
}

impl ToForm for RenameList {
    fn to_form(&self, form: &mut FormWriter) {
        form.field("id", &self.id.to_string())
            .field("name", &self.name);
    }
}

impl ToForm for DeleteList {
    fn to_form(&self, form: &mut FormWriter) {
        form.field("id", &self.id.to_string());
    }
}

impl ToForm for RestoreList {
    fn to_form(&self, form: &mut FormWriter) {
        form.field("id", &self.id.to_string());
    }
}

#[cfg(all(test, not(feature = "hydrate")))]
mod tests {
    use super::*;
    use crate::wire::{FormArgs, JsonData};
    use leptos::server_fn::{Decodes, Encodes};
    use serde::Serialize;
    use std::fmt::Debug;

    fn name(text: &str) -> ListName {
        ListName::parse(text).unwrap()
    }

    fn list(id: i64, text: &str) -> List {
        List {
            id: ListId::new(id),
            name: name(text),
        }
    }

    /// Written by the server's serde, read by the browser's reader.
    fn crosses<T: Serialize + FromJson + PartialEq + Debug>(value: T) {
        let json = serde_json::to_string(&value).unwrap();
        assert_eq!(T::from_json_str(&json), Some(value), "{json}");
    }

    #[test]
    fn snapshots_cross_with_awkward_names() {
        crosses(ListsSnapshot {
            lists: vec![
                list(3, "<b>bold</b> & \"quoted\" \\ é 🙂"),
                list(i64::MAX, "Groceries"),
            ],
            cursor: EventSeq::new(42),
        });
        crosses(ListsSnapshot {
            lists: vec![],
            cursor: EventSeq::default(),
        });
    }

    #[test]
    fn events_of_every_kind_cross() {
        for kind in [
            ChangeKind::Created,
            ChangeKind::Renamed,
            ChangeKind::Deleted,
            ChangeKind::Restored,
        ] {
            crosses(ListEvent {
                seq: EventSeq::new(7),
                kind,
                list: list(1, "One"),
            });
        }
        crosses(ChangedList {
            list: list(9, "Nine"),
            seq: EventSeq::new(10),
        });
    }

    #[test]
    fn every_error_crosses() {
        for error in [
            ListError::InvalidName(ListNameError::Empty),
            ListError::InvalidName(ListNameError::ControlCharacter),
            ListError::InvalidName(ListNameError::TooLong {
                max: 80,
                actual: 81,
            }),
            ListError::NotFound(ListId::new(5)),
            ListError::LoadFailed,
            ListError::Storage,
            ListError::BadRequest("missing field `name`".into()),
            ListError::Unreachable,
            ListError::Internal,
        ] {
            crosses(error);
        }
    }

    #[test]
    fn the_page_resource_crosses_as_a_result() {
        crosses::<Result<ListsSnapshot, ListError>>(Ok(ListsSnapshot {
            lists: vec![list(1, "One")],
            cursor: EventSeq::new(1),
        }));
        crosses::<Result<ListsSnapshot, ListError>>(Err(ListError::LoadFailed));
    }

    #[test]
    fn an_invalid_name_from_the_wire_is_refused() {
        assert_eq!(List::from_json_str(r#"{"id": 1, "name": "  "}"#), None);
        assert_eq!(ChangeKind::from_json_str(r#""exploded""#), None);
    }

    #[test]
    fn arguments_written_by_the_browser_are_read_by_the_server() {
        let create = CreateList {
            name: "Tea & biscuits = 100% <ok>".into(),
        };
        let bytes = <FormArgs as Encodes<CreateList>>::encode(&create).unwrap();
        let read: CreateList = <FormArgs as Decodes<CreateList>>::decode(bytes).unwrap();
        assert_eq!(read.name, create.name);

        let rename = RenameList {
            id: ListId::new(12),
            name: "café".into(),
        };
        let bytes = <FormArgs as Encodes<RenameList>>::encode(&rename).unwrap();
        let read: RenameList = <FormArgs as Decodes<RenameList>>::decode(bytes).unwrap();
        assert_eq!((read.id, read.name), (rename.id, rename.name));

        for id in [
            DeleteList { id: ListId::new(3) }.to_form_string(),
            RestoreList { id: ListId::new(3) }.to_form_string(),
        ] {
            let read: DeleteList = <FormArgs as Decodes<DeleteList>>::decode(id.into()).unwrap();
            assert_eq!(read.id, ListId::new(3));
        }
        let _: LoadLists = <FormArgs as Decodes<LoadLists>>::decode(Default::default()).unwrap();
    }

    #[test]
    fn answers_are_json_for_raw_clients() {
        let bytes =
            <JsonData as Encodes<ListError>>::encode(&ListError::NotFound(ListId::new(4))).unwrap();
        assert_eq!(&bytes[..], br#"{"NotFound":4}"#);
    }
}
