//! What a change looks like on the page before the server has answered for it, and how
//! it is taken back if the server refuses it. Every step goes through [`ListWindow`], so
//! the window's rules (the row limit, freshness, held events) hold for these too.

use super::{Outbox, Waiting};
use crate::lists::{ChangeKind, List, ListChange, ListId, ListName};
use crate::notes::{ListWindow, Notes, Notice};
use leptos::prelude::*;

/// Shows a new change on its row ahead of the server: the new name, the row gone
/// (with Undo), the deleted row back. Returns what to put back should the server
/// refuse it, and whether it is shown (begun on the window). A change to a row
/// the page does not hold (a rename after "Restore and rename") shows when
/// answered.
pub fn show(outbox: Outbox, notes: Notes, change: &ListChange) -> (Option<String>, bool) {
    let Some(window) = notes.window.get_untracked() else {
        return (None, false);
    };
    match change {
        ListChange::Create(_) => (None, false),
        ListChange::Rename(id, name) => {
            let shown = name.clone();
            match window.rows.modify(id, |list| list.name = shown) {
                Some(before) => {
                    window.begin(*id);
                    (Some(before.name.as_str().to_owned()), true)
                }
                None => (None, false),
            }
        }
        ListChange::Delete(id) => match window.rows.delete(id) {
            Some((_, list)) => {
                notes.notice.set(Some(Notice::Deleted(*id)));
                window.begin(*id);
                (Some(list.name.as_str().to_owned()), true)
            }
            None => (None, false),
        },
        ListChange::Restore(id) => {
            // The name is known while this page's delete of it still waits.
            let name = outbox.waiting.with_untracked(|waiting| {
                waiting
                    .iter()
                    .rev()
                    .find(|change| {
                        change.sent.kind == ChangeKind::Deleted && change.list() == Some(*id)
                    })
                    .and_then(|change| change.before.clone())
            });
            match name.as_deref().map(ListName::parse) {
                Some(Ok(shown)) => {
                    window.put_back(List {
                        id: *id,
                        name: shown,
                    });
                    window.begin(*id);
                    (name, true)
                }
                _ => (name, false),
            }
        }
    }
}

/// Shows a change kept from before a reload on its row: a rename's name, a delete's
/// missing row. Returns the list if the change is now shown ahead of the server.
pub fn show_kept(window: ListWindow, waiting: &Waiting) -> Option<ListId> {
    let id = waiting.list()?;
    match waiting.sent.kind {
        ChangeKind::Renamed => {
            let name = ListName::parse(waiting.sent.name.as_deref()?).ok()?;
            window.rows.modify(&id, |list| list.name = name)?;
        }
        ChangeKind::Deleted => {
            window.rows.delete(&id)?;
        }
        ChangeKind::Created | ChangeKind::Restored => return None,
    }
    window.begin(id);
    Some(id)
}

/// Undoes on the page a change shown ahead of the server that will not land: the old name
/// back, the deleted row back, the restored row gone again.
pub fn undo(window: ListWindow, change: &ListChange, before: Option<&str>) {
    let before = before.and_then(|name| ListName::parse(name).ok());
    match (change, before) {
        (ListChange::Rename(id, shown), Some(before)) => {
            window.rows.modify(id, |list| {
                if list.name == *shown {
                    list.name = before;
                }
            });
        }
        (ListChange::Delete(id), Some(name)) => window.put_back(List { id: *id, name }),
        (ListChange::Restore(id), _) => {
            window.rows.delete(id);
        }
        _ => {}
    }
}
