use super::deferred_views::{self, RenameEditor};
use super::Notes;
use crate::i18n::td_string;
use crate::language::error_sentence;
use crate::language::{I18n, Locale};
use crate::lists::{
    DeleteList, List, ListError, ListId, ListName, ListsQuery, RenameList, RestoreList, NOTES_PATH,
};
use crate::word;
use leptos::{
    attr::AttributeValue,
    either::Either,
    ev::{MouseEvent, SubmitEvent},
    html,
    prelude::*,
    server_fn::ServerFn,
};

/// One list. Reads only its own signal, so a change to another row never touches it.
///
/// Rendering a row is on the hot path of every page view, so it allocates little: its
/// DOM id, its name, and the two buttons' accessible names ("Rename Groceries"), which
/// are whole sentences from the catalogue rather than ids stitched together, so that each
/// language puts the name where its grammar wants it ("Groceries umbenennen").
///
/// Both buttons submit one of the page's [`RowForms`], so they work without JavaScript;
/// with it, they act in place instead.
#[component]
pub fn ListRow(list: ArcRwSignal<List>, notes: Notes) -> impl IntoView {
    let id = list.with_untracked(|list| list.id);
    // A Rename without JavaScript opens this row's editor when the page renders.
    let opened = notes
        .renaming
        .try_update_value(|renaming| renaming.take_if(|renaming| renaming.id == id))
        .flatten();
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
    let i18n = notes.i18n;
    let rename_label = label(list.clone(), i18n, rename_sentence);
    let delete_label = label(list.clone(), i18n, delete_sentence);
    let name = move || list.with(|list| list.name.to_string());
    let id_text = id.to_string();
    let open_editor = move |event: MouseEvent| {
        event.prevent_default();
        deferred_views::when_ready(notes, move || editing.set(true));
    };
    let delete = move |event: MouseEvent| {
        event.prevent_default();
        notes.delete(id);
    };

    view! {
        <li id=id.dom_id() class="list-row">
            {move || {
                if editing.get() {
                    let current = name();
                    let (typed, error) = opened
                        .try_update_value(Option::take)
                        .flatten()
                        .map(|renaming| (renaming.typed, renaming.error))
                        .unwrap_or_default();
                    let editor = RenameEditor {
                        id,
                        text: typed.unwrap_or_else(|| current.clone()),
                        error,
                        on_save: Callback::new(move |new_name: ListName| {
                            if new_name.as_str() != current {
                                notes.rename(id, new_name);
                            }
                            close_editor();
                        }),
                        on_cancel: Callback::new(move |()| close_editor()),
                    };
                    // Only while its code is not here is there no editor (see
                    // `deferred_views`): the row shows as it was.
                    if let Some(editor) = deferred_views::rename_editor(notes, editor) {
                        return Either::Left(editor);
                    }
                }
                Either::Right(
                    RowContents {
                        id_text: id_text.clone(),
                        name: name.clone(),
                        waiting_hidden: move || !notes.outbox.waits_for(id),
                        labels: [rename_label.clone(), delete_label.clone()],
                        words: [
                            notes.row_words.rename,
                            notes.row_words.delete,
                            notes.row_words.waiting,
                        ],
                        rename_button,
                        on_rename: open_editor,
                        on_delete: delete,
                    }
                    .view(),
                )
            }}
        </li>
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
    list: ArcRwSignal<List>,
    i18n: I18n,
    sentence: fn(Locale, &str) -> String,
) -> impl Fn() -> String + Clone + Send + Sync + 'static {
    move || list.with(|list| sentence(i18n.get_locale(), list.name.as_str()))
}

/// What a row shows while its editor is closed: its name, its "Waiting to save" mark and
/// its Rename and Delete buttons. [`ListRow`] fills it with its signals and handlers,
/// [`server_rows`] with plain values: one markup for both, which is what lets the browser
/// hydrate the server's rows as its own.
struct RowContents<Name, Hidden, Label, Word, OnRename, OnDelete> {
    id_text: String,
    name: Name,
    waiting_hidden: Hidden,
    /// Rename's and Delete's accessible names.
    labels: [Label; 2],
    /// "Rename", "Delete", "Waiting to save".
    words: [Word; 3],
    /// Where keyboard focus goes back when the editor closes.
    rename_button: NodeRef<html::Button>,
    on_rename: OnRename,
    on_delete: OnDelete,
}

impl<Name, Hidden, Label, Word, OnRename, OnDelete>
    RowContents<Name, Hidden, Label, Word, OnRename, OnDelete>
where
    Name: IntoView + 'static,
    Hidden: AttributeValue,
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
            labels: [rename_label, delete_label],
            words: [rename, delete, waiting],
            rename_button,
            on_rename,
            on_delete,
        } = self;
        view! {
            <span class="list-name" dir="auto">{name}</span>
            <span class="waiting-mark" hidden=waiting_hidden>{waiting}</span>
            <span class="row-actions">
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

/// The rows as the server sends them: the markup `<For>` renders from [`ListRow`]s, made
/// from each row's plain data, with no signal, owner, effect or component per row, and
/// written into one buffer. A page with a query renders fifty rows per request; this is
/// most of what it costs (BENCHMARKS.md, issue 20). The browser hydrates these nodes as
/// the rows of its `<For>`; `server_rows_are_what_the_keyed_rows_render` holds the two
/// to the same bytes. `None` while a row's editor is open (a Rename without JavaScript):
/// that page renders through `<For>`.
#[cfg(feature = "ssr")]
pub fn server_rows(rows: &[crate::stream::StreamRow<List>], notes: Notes) -> Option<String> {
    use leptos::tachys::view::{Position, RenderHtml};
    if notes.renaming.with_value(Option::is_some) {
        return None;
    }
    let locale = notes.i18n.get_locale_untracked();
    let words = notes.row_words;
    let (rename, delete, waiting) = (
        words.rename.get_untracked(),
        words.delete.get_untracked(),
        words.waiting.get_untracked(),
    );
    // Never mounted on the server; one for the page, not one per row.
    let rename_button = NodeRef::new();
    let mut html = String::with_capacity(rows.len() * 512 + 3);
    for row in rows {
        row.value().with_untracked(|list| {
            let id_text = list.id.to_string();
            let name = list.name.as_str();
            let rename_label = rename_sentence(locale, name);
            let delete_label = delete_sentence(locale, name);
            let contents = RowContents {
                id_text,
                name: name.to_owned(),
                waiting_hidden: !notes.outbox.waits_for(list.id),
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

/// The row's name as a text box, in a form that posts the rename: Enter (or Save) saves,
/// Escape (or Cancel) cancels. With JavaScript the name is checked here first and saved
/// in place; without it the server checks it and, if it refuses, comes back to this form
/// with the text kept (`text`) and the reason (`error`).
#[component]
pub fn RenameForm(
    id: ListId,
    notes: Notes,
    text: String,
    error: Option<ListError>,
    on_save: Callback<ListName>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n: I18n = notes.i18n;
    let input = NodeRef::<html::Input>::new();
    let error = RwSignal::new(error);
    let error_id = format!("rename-error-{id}");
    let cancel_href = format!(
        "{}#{}",
        notes.query.with_untracked(ListsQuery::href),
        id.dom_id()
    );
    Effect::new(move |_| {
        if let Some(field) = input.get() {
            let _ = field.focus();
            field.select();
        }
    });
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        let Some(field) = input.get() else {
            return;
        };
        match ListName::parse(&field.value()) {
            Ok(name) => on_save.run(name),
            Err(refused) => {
                error.set(Some(refused.into()));
                let _ = field.focus();
            }
        }
    };
    let cancel_on_escape = move |event: leptos::ev::KeyboardEvent| {
        if event.key() == "Escape" {
            event.prevent_default();
            on_cancel.run(());
        }
    };
    view! {
        <form class="rename-form" method="post" action=RenameList::url() novalidate on:submit=on_submit>
            <input type="hidden" name="id" value=id.to_string() />
            <input
                type="text"
                name="name"
                class="text-input"
                aria-label=word!(i18n, new_name)
                value=text
                node_ref=input
                autocomplete="off"
                autofocus=true
                aria-invalid=move || error.with(|e| e.is_some().then_some("true"))
                aria-describedby=error_id.clone()
                on:keydown=cancel_on_escape
                on:input=move |_| error.set(None)
            />
            <button type="submit" class="button button-small button-primary">{word!(i18n, save)}</button>
            <a
                class="button button-small"
                href=cancel_href
                on:click=move |event: leptos::ev::MouseEvent| {
                    event.prevent_default();
                    on_cancel.run(());
                }
            >
                {word!(i18n, cancel)}
            </a>
            <p id=error_id class="field-error">
                {move || error.with(|error| error.as_ref().map(|error| error_sentence(i18n, error)))}
            </p>
        </form>
    }
}

/// The forms behind every row's buttons (and Undo), once per page: a button names its
/// form (`form="…"`) and carries the row's id as its own `name=value`, so a row holds
/// two buttons and no form of its own.
///
/// - Rename asks the server for this window with the row's name in a focused text box
///   (`GET /notes?…&rename=ID`; no `#lists-ID`, which would keep the browser from
///   focusing it).
/// - Delete and Undo post to their server functions, which lead back to the same window
///   (see `NotesRequest::after_post`).
#[component]
pub fn RowForms(notes: Notes) -> impl IntoView {
    let window = notes.query.with_untracked(ListsQuery::params).pairs();
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

pub const RENAME_FORM: &str = "rename-list";
pub const DELETE_FORM: &str = "delete-list";
pub const RESTORE_FORM: &str = "restore-list";

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::{server_rows, ListRow};
    use crate::language::{provide_i18n, DocumentLanguage, Locale};
    use crate::lists::{List, ListId, ListName, ListsQuery};
    use crate::notes::{ListWindow, Notes};
    use crate::stream::KeyedStream;
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
            let notes = Notes::new(ListsQuery::default(), None, provide_i18n(), None);
            let lists = names.iter().enumerate().map(|(index, name)| List {
                id: ListId::new(100 - index as i64),
                name: ListName::parse(name).unwrap(),
            });
            let rows = KeyedStream::from_rows(lists, ListWindow::LIMIT);
            let keyed = view! {
                <For each=move || rows.rows() key=|row| *row.key() let:row>
                    <ListRow list=row.value() notes />
                </For>
            }
            .to_html();
            let plain = server_rows(&rows.rows(), notes).unwrap();
            assert_eq!(plain, keyed, "{locale:?}");
            assert!(plain.contains("Tom &amp; \"Jerry\" &lt;b&gt;"), "{plain}");
        }
    }
}
