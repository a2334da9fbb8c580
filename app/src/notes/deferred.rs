//! The views whose code comes later, as the rest of the screen sees them: a trait, so
//! that the views that show them never import the code that builds them (`later`
//! implements it; the screen's root hands that implementation down).

use super::front::Notes;
use crate::language::I18n;
use crate::lists::{ListError, ListId, ListName};
use leptos::{html, prelude::*};

/// What the screen asks of the code fetched later to show a view that appears only
/// after a person acts. Each builder gives `None` while that code is not here yet (and
/// has it fetched: the view shows when it comes).
pub trait Deferred: Copy + Send + Sync + 'static {
    /// Runs `open`, which shows one of these views, once their code is here; else
    /// `unreachable`.
    fn when_ready(self, open: impl FnOnce() + 'static, unreachable: impl FnOnce() + 'static);
    fn rename_editor(self, editor: RenameEditor) -> Option<impl IntoView>;
    fn undo_notice(self, offer: UndoOffer) -> Option<impl IntoView>;
    fn choice_notice(self, choice: RenameChoice) -> Option<impl IntoView>;
    fn waiting_status(self, words: WaitingWords) -> Option<impl IntoView>;
}

/// The rename editor: the row's name in a text box, in a form that posts the rename.
pub struct RenameEditor {
    pub id: ListId,
    pub i18n: I18n,
    /// The text in the box.
    pub text: String,
    /// Why the last attempt was refused.
    pub error: Option<ListError>,
    /// Where Cancel leads without JavaScript: the same window, at the row.
    pub cancel_href: String,
    pub on_save: Callback<ListName>,
    pub on_cancel: Callback<()>,
}

/// "List deleted", and Undo (which calls `Notes::undo_delete`).
pub struct UndoOffer {
    pub notes: Notes,
    pub id: ListId,
    /// Where the keyboard lands after a delete.
    pub undo_button: NodeRef<html::Button>,
}

/// A rename waited while the list was deleted elsewhere: bring it back with the new
/// name (`Notes::restore_and_rename`), or let the rename go.
pub struct RenameChoice {
    pub notes: Notes,
    pub id: ListId,
    pub name: ListName,
}

/// "Offline · 3 changes waiting", or "3 changes waiting", from `Notes`.
pub struct WaitingWords {
    pub notes: Notes,
}
