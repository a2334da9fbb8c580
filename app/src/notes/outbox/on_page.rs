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
        ListChange::Rename(id, name) => match window.rename_ahead(*id, name.clone()) {
            Some(before) => (Some(before.as_str().to_owned()), true),
            None => (None, false),
        },
        ListChange::Delete(id) => match window.remove_ahead(*id) {
            Some(list) => {
                notes.notice.set(Some(Notice::Deleted(*id)));
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
                    window.restore_ahead(List {
                        id: *id,
                        name: shown,
                    });
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
            window.rename_ahead(id, name)?;
        }
        ChangeKind::Deleted => {
            window.remove_ahead(id)?;
        }
        ChangeKind::Created | ChangeKind::Restored => return None,
    }
    Some(id)
}

/// Undoes on the page a change shown ahead of the server that will not land: the old name
/// back, the deleted row back, the restored row gone again.
pub fn undo(window: ListWindow, change: &ListChange, before: Option<&str>) {
    let before = before.and_then(|name| ListName::parse(name).ok());
    match (change, before) {
        (ListChange::Rename(id, shown), Some(before)) => window.undo_rename(*id, shown, before),
        (ListChange::Delete(id), Some(name)) => window.put_back(List { id: *id, name }),
        (ListChange::Restore(id), _) => window.undo_restore(*id),
        _ => {}
    }
}
