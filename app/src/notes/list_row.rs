//! One row of the lists: a list the server has, with its name, its "Waiting to save"
//! mark and its Rename and Delete buttons (and the rename editor in its place while it
//! is open), or a list this screen asked for that the server has not made yet (a
//! draft), which becomes the saved row in the same `<li>`.

use super::deferred::{Deferred, RenameEditor};
use super::front::Notes;
use super::row_forms::{DELETE_FORM, RENAME_FORM};
use crate::i18n::td_string;
use crate::language::{I18n, Locale};
use crate::lists::{ListName, Lists};
use crate::window::Shown;
use leptos::{attr::AttributeValue, either::Either, ev::MouseEvent, html, prelude::*};

/// A row's DOM id: `lists-{id}` for a saved list (the scheme of LiveView's stream), and
/// `waiting-{key}` for a draft.
fn dom_id(shown: &Shown<Lists>) -> String {
    match shown {
        Shown::Saved(list) => list.id.dom_id(),
        Shown::Draft { key, .. } => format!("waiting-{key}"),
    }
}

/// One row. Reads only its own signal, so a change to another row never touches it. A
/// draft (a list asked for that the server has not made yet) shows its name, marked as
/// waiting, with no buttons; settled into the list the server made, it is that list's
/// row in the same `<li>`, which takes the list's id.
///
/// Rendering a row is on the hot path of every visit, so it allocates little: its
/// DOM id, its name, and the two buttons' accessible names ("Rename Groceries"), which
/// are whole sentences from the catalogue rather than ids stitched together, so that each
/// language puts the name where its grammar wants it ("Groceries umbenennen"). Both
/// buttons submit one of the screen's row forms, so they work without JavaScript; with
/// it, they act in place.
#[component]
pub fn ListRow<D: Deferred>(
    row: ArcReadSignal<Shown<Lists>>,
    notes: Notes,
    deferred: D,
) -> impl IntoView {
    let saved = {
        let row = row.clone();
        move || row.with_untracked(|shown| shown.saved().map(|list| list.id))
    };
    let drawn = saved();
    // A Rename without JavaScript opens this row's editor when the document is rendered.
    let opened = drawn.and_then(|id| notes.take_renaming(id));
    let editing = RwSignal::new(opened.is_some());
    let opened = StoredValue::new(opened);
    // Closing the editor re-creates the Rename button; keyboard focus goes back to it.
    let rename_button = NodeRef::<html::Button>::new();
    let refocus = StoredValue::new(false);
    Effect::new(move |_| {
        if let Some(button) = rename_button.get() {
            if refocus.get_value() {
                refocus.set_value(false);
                let _ = button.focus();
            }
        }
    });
    let close_editor = move || {
        refocus.set_value(true);
        editing.set(false);
    };
    let i18n = notes.i18n();
    let rename_label = label(row.clone(), i18n, rename_sentence);
    let delete_label = label(row.clone(), i18n, delete_sentence);
    let name = {
        let row = row.clone();
        move || row.with(|shown| name_of(shown).to_owned())
    };
    let dom_id = {
        let row = row.clone();
        move || row.with(dom_id)
    };
    let is_draft = {
        let row = row.clone();
        move || row.with(|shown| shown.saved().is_none())
    };
    let open_editor = move |event: MouseEvent| {
        event.prevent_default();
        deferred.when_ready(move || editing.set(true), move || notes.unreachable());
    };
    let delete = {
        let saved = saved.clone();
        move |event: MouseEvent| {
            event.prevent_default();
            if let Some(id) = saved() {
                notes.delete(id);
            }
        }
    };
    let words = notes.row_words();
    // The buttons' value: the list's id, for the forms they submit without JavaScript
    // (a draft exists only with it).
    let id_text = drawn.map(|id| id.to_string()).unwrap_or_default();
    view! {
        <li id=dom_id class="list-row">
            {move || {
                if let (true, Some(id)) = (editing.get(), saved()) {
                    let current = name();
                    let (typed, error) = opened
                        .try_update_value(Option::take)
                        .flatten()
                        .map(|renaming| (renaming.typed, renaming.error))
                        .unwrap_or_default();
                    let editor = RenameEditor {
                        id,
                        i18n,
                        text: typed.unwrap_or_else(|| current.clone()),
                        error,
                        cancel_href: format!("{}#{}", notes.query_untracked().href(), id.dom_id()),
                        on_save: Callback::new(move |new_name: ListName| {
                            if new_name.as_str() != current {
                                notes.rename(id, new_name);
                            }
                            close_editor();
                        }),
                        on_cancel: Callback::new(move |()| close_editor()),
                    };
                    // Only while its code is not here is there no editor (see
                    // `Deferred`): the row shows as it was.
                    if let Some(editor) = deferred.rename_editor(editor) {
                        return Either::Left(editor);
                    }
                }
                let waiting_hidden = {
                    let (saved, is_draft) = (saved.clone(), is_draft.clone());
                    move || !is_draft() && !saved().is_some_and(|id| notes.waits_for(id))
                };
                Either::Right(
                    RowContents {
                        id_text: id_text.clone(),
                        name: name.clone(),
                        waiting_hidden,
                        actions_hidden: is_draft.clone(),
                        labels: [rename_label.clone(), delete_label.clone()],
                        words: [words.rename, words.delete, words.waiting],
                        rename_button,
                        on_rename: open_editor,
                        on_delete: delete.clone(),
                    }
                    .view(),
                )
            }}
        </li>
    }
}

/// The name a row shows: the list's, or the draft's.
fn name_of(shown: &Shown<Lists>) -> &str {
    match shown {
        Shown::Saved(list) => list.name.as_str(),
        Shown::Draft { draft, .. } => draft.as_str(),
    }
}

/// Rename's accessible name: "Rename Groceries", with the name where the language puts it.
fn rename_sentence(locale: Locale, name: &str) -> String {
    td_string!(locale, rename_named, name = name).to_string()
}

/// Delete's accessible name: "Delete Groceries".
fn delete_sentence(locale: Locale, name: &str) -> String {
    td_string!(locale, delete_named, name = name).to_string()
}

/// A row's accessible name for one of its buttons, a sentence with the list's name in it,
/// followed as the name and the language change. One function, so that both labels are of
/// one type.
fn label(
    row: ArcReadSignal<Shown<Lists>>,
    i18n: I18n,
    sentence: fn(Locale, &str) -> String,
) -> impl Fn() -> String + Clone + Send + Sync + 'static {
    move || row.with(|shown| sentence(i18n.get_locale(), name_of(shown)))
}

/// What a row shows while its editor is closed: its name, its "Waiting to save" mark and
/// its Rename and Delete buttons. [`ListRow`] fills it with its signals and handlers,
/// [`server_rows`] with plain values: one markup for both, which is what lets the browser
/// hydrate the server's rows as its own.
struct RowContents<Name, Hidden, Actions, Label, Word, OnRename, OnDelete> {
    id_text: String,
    name: Name,
    waiting_hidden: Hidden,
    /// Whether the buttons are hidden: a draft has none yet.
    actions_hidden: Actions,
    /// Rename's and Delete's accessible names.
    labels: [Label; 2],
    /// "Rename", "Delete", "Waiting to save".
    words: [Word; 3],
    /// Where keyboard focus goes back when the editor closes.
    rename_button: NodeRef<html::Button>,
    on_rename: OnRename,
    on_delete: OnDelete,
}

impl<Name, Hidden, Actions, Label, Word, OnRename, OnDelete>
    RowContents<Name, Hidden, Actions, Label, Word, OnRename, OnDelete>
where
    Name: IntoView + 'static,
    Hidden: AttributeValue,
    Actions: AttributeValue,
    Label: AttributeValue,
    Word: IntoView + 'static,
    OnRename: FnMut(MouseEvent) + Send + 'static,
    OnDelete: FnMut(MouseEvent) + Send + 'static,
{
    fn view(self) -> impl IntoView {
        let Self {
            id_text,
            name,
            waiting_hidden,
            actions_hidden,
            labels: [rename_label, delete_label],
            words: [rename, delete, waiting],
            rename_button,
            on_rename,
            on_delete,
        } = self;
        view! {
            <span class="list-name" dir="auto">{name}</span>
            <span class="waiting-mark" hidden=waiting_hidden>{waiting}</span>
            <span class="row-actions" hidden=actions_hidden>
                <button
                    type="submit"
                    form=RENAME_FORM
                    name="rename"
                    value=id_text.clone()
                    class="button button-small"
                    aria-label=rename_label
                    node_ref=rename_button
                    on:click=on_rename
                >
                    {rename}
                </button>
                <button
                    type="submit"
                    form=DELETE_FORM
                    name="id"
                    value=id_text
                    class="button button-small button-danger"
                    aria-label=delete_label
                    on:click=on_delete
                >
                    {delete}
                </button>
            </span>
        }
    }
}

/// The rows as the server sends them: the markup `<For>` renders from [`ListRow`]s,
/// made from each row's plain data, with no signal, owner, effect or component per row,
/// and written into one buffer. A document with a query renders a page of rows per
/// request; this is most of what it costs. The browser hydrates these nodes as the rows
/// of its `<For>`; `server_rows_are_what_the_keyed_rows_render` holds the two to the
/// same bytes. `None` while a row's editor is open (a Rename without JavaScript): that
/// document renders through `<For>`.
#[cfg(feature = "ssr")]
pub fn server_rows(
    rows: &[crate::stream::StreamRow<Shown<Lists>>],
    notes: Notes,
) -> Option<String> {
    use leptos::tachys::view::{Position, RenderHtml};
    if notes.renaming_open() {
        return None;
    }
    let locale = notes.i18n().get_locale_untracked();
    let words = notes.row_words();
    let (rename, delete, waiting) = (
        words.rename.get_untracked(),
        words.delete.get_untracked(),
        words.waiting.get_untracked(),
    );
    // Never mounted on the server; one for all the rows, not one per row.
    let rename_button = NodeRef::new();
    let mut html = String::with_capacity(rows.len() * 512 + 3);
    for row in rows {
        row.value().with_untracked(|shown| {
            // The server has no drafts: they are a tab's own.
            let Some(list) = shown.saved() else {
                return;
            };
            let id_text = list.id.to_string();
            let name = list.name.as_str();
            let rename_label = rename_sentence(locale, name);
            let delete_label = delete_sentence(locale, name);
            let contents = RowContents {
                id_text,
                name: name.to_owned(),
                waiting_hidden: true,
                actions_hidden: false,
                labels: [rename_label, delete_label],
                words: [rename, delete, waiting],
                rename_button,
                on_rename: |_| {},
                on_delete: |_| {},
            };
            view! { <li id=list.id.dom_id() class="list-row">{contents.view()}</li> }
                .to_html_with_buf(&mut html, &mut Position::NextChild, true, false, Vec::new());
        });
    }
    // `<For>` closes its rows with this marker.
    html.push_str("<!>");
    Some(html)
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::{server_rows, ListRow};
    use crate::language::{provide_i18n, DocumentLanguage, Locale};
    use crate::lists::{List, ListId, ListName, Lists, ListsQuery};
    use crate::notes::front::Notes;
    use crate::notes::later::Later;
    use crate::stream::KeyedStream;
    use crate::window::{Shown, Window};
    use leptos::prelude::*;

    /// The browser hydrates the server's rows as its `<For>`'s: any byte that differs
    /// (an attribute's order, a marker, an escape) would break hydration.
    #[test]
    fn server_rows_are_what_the_keyed_rows_render() {
        let owner = Owner::new();
        owner.set();
        let names = [
            "Groceries",
            "Tom & \"Jerry\" <b>bold</b> 'quoted'",
            "قائمة التسوق",
            "Einkäufe für Übermorgen",
            "a  b\u{00a0}c",
        ];
        for locale in [Locale::en, Locale::de, Locale::ar] {
            provide_context(DocumentLanguage(locale));
            let notes = Notes::new(
                ListsQuery::default(),
                None,
                provide_i18n(),
                None,
                crate::notes::REQUESTS,
            );
            let lists = names.iter().enumerate().map(|(index, name)| {
                Shown::Saved(List {
                    id: ListId::new(100 - index as i64),
                    name: ListName::parse(name).unwrap(),
                })
            });
            let rows = KeyedStream::from_rows(lists, Window::<Lists>::LIMIT);
            let keyed = view! {
                <For each=move || rows.rows() key=|row| row.node().clone() let:row>
                    <ListRow row=row.value() notes deferred=Later />
                </For>
            }
            .to_html();
            let plain = server_rows(&rows.rows(), notes).unwrap();
            assert_eq!(plain, keyed, "{locale:?}");
            assert!(plain.contains("Tom &amp; \"Jerry\" &lt;b&gt;"), "{plain}");
        }
    }
}
