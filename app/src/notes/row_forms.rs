//! The forms behind every row's buttons (and Undo), once per screen.

use crate::lists::{DeleteList, ListsQuery, RestoreList, NOTES_PATH};
use leptos::{prelude::*, server_fn::ServerFn};

pub const RENAME_FORM: &str = "rename-list";
pub const DELETE_FORM: &str = "delete-list";
pub const RESTORE_FORM: &str = "restore-list";

/// A button names its form (`form="…"`) and carries the row's id as its own
/// `name=value`, so a row holds two buttons and no form of its own.
///
/// - Rename asks the server for this window with the row's name in a focused text box
///   (`GET /notes?…&rename=ID`; no `#lists-ID`, which would keep the browser from
///   focusing it).
/// - Delete and Undo post to their server functions, which lead back to the same window
///   (see `NotesRequest::after_post`).
#[component]
pub fn RowForms(query: ListsQuery) -> impl IntoView {
    let window = query.params().pairs();
    view! {
        <form id=RENAME_FORM method="get" action=NOTES_PATH hidden>
            {window
                .into_iter()
                .map(|(key, value)| view! { <input type="hidden" name=key value=value /> })
                .collect_view()}
        </form>
        <form id=DELETE_FORM method="post" action=DeleteList::url() hidden></form>
        <form id=RESTORE_FORM method="post" action=RestoreList::url() hidden></form>
    }
}
