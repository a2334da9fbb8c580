//! What the `/notes` URL asked for, shared by the server's render and the browser's.

use crate::lists::{ListError, ListId, ListsPage, ListsQuery};
use crate::wire::DocumentData;
use leptos::prelude::*;
use leptos::server::SharedValue;
use serde::{Deserialize, Serialize};

/// The page a URL asks for (`?q=`, `?before=`, `?after=`) and what a form posted without
/// JavaScript came back to show.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotesRequest {
    pub query: ListsQuery,
    pub after_form: AfterForm,
}

/// What a form posted without JavaScript left for the document it leads back to. The URL
/// carries it: `rename=ID` (with `name=` and the error when a name was refused),
/// `deleted=ID`, and server_fn's `__path` and `__err` for the error.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AfterForm {
    /// Why the create form's name was refused.
    pub create_error: Option<ListError>,
    /// The row whose name is being edited.
    pub rename: Option<Renaming>,
    /// The list a delete just removed: the screen offers Undo.
    pub deleted: Option<ListId>,
    /// Why a delete or an Undo failed.
    pub change_error: Option<ListError>,
}

/// A row shown with its name in a text box (Rename without JavaScript).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Renaming {
    pub id: ListId,
    /// The text the person sent, when it was refused: shown again, not lost.
    pub typed: Option<String>,
    pub error: Option<ListError>,
}

impl NotesRequest {
    /// On the server, what the document's handler read from the URL; in the browser,
    /// the same value, read back from the document's hydration data instead of parsing
    /// the URL again.
    pub fn shared() -> Self {
        SharedValue::<Self, DocumentData>::new_with_encoding(|| {
            use_context::<Self>().unwrap_or_default()
        })
        .into_inner()
    }
}

/// The rows of the requested page, when the server had them before it started sending
/// (it waits a moment for them): then they are rendered in place in the first bytes, with
/// no skeleton to swap out, so they show without JavaScript too. When the load takes
/// longer, there is none, and the document sends the skeleton first, with the rows late.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreloadedPage(pub ListsPage);

impl PreloadedPage {
    /// The server's preloaded page, and in the browser the same one, read from the
    /// document's hydration data.
    pub fn shared() -> Option<ListsPage> {
        SharedValue::<Option<Self>, DocumentData>::new_with_encoding(use_context::<Self>)
            .into_inner()
            .map(|Self(page)| page)
    }
}

#[cfg(feature = "ssr")]
pub use from_url::PostedForm;

#[cfg(feature = "ssr")]
mod from_url {
    use super::{AfterForm, NotesRequest, Renaming};
    use crate::lists::{
        ChangedList, CreateList, DeleteList, ListError, ListId, ListsQuery, ListsQueryParams,
        RenameList, RestoreList,
    };
    use leptos::server_fn::{error::ServerFnUrlError, ServerFn};
    use serde::{Deserialize, Serialize};

    /// A `/notes` query string: the page's own, and what a form left for it.
    #[derive(Default, Serialize, Deserialize)]
    struct UrlQuery {
        #[serde(flatten)]
        page: ListsQueryParams,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rename: Option<ListId>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        deleted: Option<ListId>,
        #[serde(default, rename = "__path", skip_serializing_if = "Option::is_none")]
        form_path: Option<String>,
        #[serde(default, rename = "__err", skip_serializing_if = "Option::is_none")]
        form_error: Option<String>,
    }

    /// A form posted without JavaScript: which one, and what it named.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub enum PostedForm {
        Create,
        Rename { id: ListId, name: String },
        Delete(ListId),
        Restore(ListId),
    }

    impl PostedForm {
        /// Reads a posted form body for the server function at `path`; `None` when it
        /// is not one of ours or lacks the list's id (the server function refuses it).
        pub fn read(path: &str, body: &[u8]) -> Option<Self> {
            #[derive(Deserialize)]
            struct Fields {
                id: Option<ListId>,
                name: Option<String>,
            }
            let fields: Fields = serde_urlencoded::from_bytes(body).ok()?;
            match path {
                CreateList::PATH => Some(Self::Create),
                RenameList::PATH => Some(Self::Rename {
                    id: fields.id?,
                    name: fields.name.unwrap_or_default(),
                }),
                DeleteList::PATH => Some(Self::Delete(fields.id?)),
                RestoreList::PATH => Some(Self::Restore(fields.id?)),
                _ => None,
            }
        }

        fn path(&self) -> &'static str {
            match self {
                Self::Create => CreateList::PATH,
                Self::Rename { .. } => RenameList::PATH,
                Self::Delete(_) => DeleteList::PATH,
                Self::Restore(_) => RestoreList::PATH,
            }
        }
    }

    impl NotesRequest {
        /// Reads a `/notes` query string. A malformed one is the caller's mistake.
        ///
        /// The form's error travels in the URL (server_fn's `__err`), where anyone can
        /// write it: it is decoded here into a [`ListError`], and the screen only ever
        /// shows that error's own sentence, never text from the URL. The typed name is
        /// shown only as the value of a text box.
        pub fn from_query(query: Option<&str>) -> Result<Self, ListError> {
            let query = query.unwrap_or_default();
            crate::wire::check_form_encoding(query.as_bytes())
                .map_err(|error| ListError::BadRequest(error.to_string()))?;
            let url: UrlQuery = serde_urlencoded::from_str(query)
                .map_err(|error| ListError::BadRequest(error.to_string()))?;
            let query = ListsQuery::try_from(url.page)?;
            let error = url
                .form_error
                .map(|encoded| ServerFnUrlError::<ListError>::decode_err(&encoded));
            let mut after_form = AfterForm {
                rename: url.rename.map(|id| Renaming {
                    id,
                    typed: url.name,
                    error: None,
                }),
                deleted: url.deleted,
                ..AfterForm::default()
            };
            match (url.form_path.as_deref(), error) {
                (Some(CreateList::PATH), error) => after_form.create_error = error,
                // The row is gone, so there is no form to show it next to.
                (Some(RenameList::PATH), Some(error @ ListError::NotFound(_))) => {
                    after_form.change_error = Some(error);
                }
                (Some(RenameList::PATH), error) => {
                    if let Some(renaming) = &mut after_form.rename {
                        renaming.error = error;
                    }
                }
                (Some(DeleteList::PATH | RestoreList::PATH), error) => {
                    after_form.change_error = error;
                }
                _ => {}
            }
            Ok(Self { query, after_form })
        }

        /// Where the browser goes after posting `form` without JavaScript from the
        /// document whose query is `from` (read from its `Referer`): back to the same
        /// window, with the row in view and what the answer left to show (the Undo
        /// after a delete, the refused name and why). Always a `/notes` URL, whatever
        /// `from` says.
        pub fn after_post(
            from: Option<&str>,
            form: &PostedForm,
            answer: &Result<ChangedList, ListError>,
        ) -> String {
            let window = Self::from_query(from)
                .map(|page| page.query)
                .unwrap_or_default();
            let mut url = UrlQuery {
                page: window.params(),
                ..UrlQuery::default()
            };
            let row = match (form, answer) {
                (PostedForm::Create, Ok(created)) => Some(created.list.id),
                (PostedForm::Create, Err(_)) => None,
                (PostedForm::Rename { id, .. } | PostedForm::Restore(id), Ok(_)) => Some(*id),
                // No `#lists-ID`: a URL with a fragment keeps the browser from focusing
                // the text box (`autofocus`), and the focus brings the row into view.
                (PostedForm::Rename { id, name }, Err(_)) => {
                    url.rename = Some(*id);
                    url.name = Some(name.clone());
                    None
                }
                (PostedForm::Delete(id), Ok(_)) => {
                    url.deleted = Some(*id);
                    None
                }
                (PostedForm::Delete(id), Err(_)) => Some(*id),
                // As with JavaScript: the notice says why, and the list stays deleted.
                (PostedForm::Restore(_), Err(_)) => None,
            };
            if let Err(error) = answer {
                url.form_path = Some(form.path().to_owned());
                url.form_error = Some(encode_error(form.path(), error));
            }
            let mut href =
                ListsQuery::href_of(&serde_urlencoded::to_string(&url).unwrap_or_default());
            if let Some(row) = row {
                href.push('#');
                href.push_str(&row.dom_id());
            }
            href
        }
    }

    /// An error as server_fn writes it into a URL, so that one reader reads both.
    fn encode_error(path: &str, error: &ListError) -> String {
        ServerFnUrlError::new(path, error.clone())
            .to_url("http://localhost/")
            .ok()
            .and_then(|url| {
                url.query_pairs()
                    .find(|(key, _)| key == "__err")
                    .map(|(_, value)| value.into_owned())
            })
            .unwrap_or_default()
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use crate::lists::{ListNameError, PageStart};

        #[test]
        fn reads_the_search_and_the_start() {
            let page = NotesRequest::from_query(Some("q=tea&before=40")).unwrap();
            assert_eq!(page.query.search.unwrap().as_str(), "tea");
            assert_eq!(page.query.start, PageStart::Before(ListId::new(40)));
            assert_eq!(
                NotesRequest::from_query(None).unwrap(),
                NotesRequest::default()
            );
        }

        #[test]
        fn malformed_queries_are_refused() {
            for query in [
                "before=abc",
                "before=1&after=2",
                "q=a%09b",
                "q=%FF",
                "q=%ZZ",
            ] {
                assert!(NotesRequest::from_query(Some(query)).is_err(), "{query}");
            }
        }

        #[test]
        fn the_forms_error_is_decoded_on_the_server() {
            let error = ListError::InvalidName(ListNameError::Empty);
            let url = ServerFnUrlError::new(CreateList::PATH, error.clone())
                .to_url("http://localhost/notes")
                .unwrap();
            let page = NotesRequest::from_query(url.query()).unwrap();
            assert_eq!(page.after_form.create_error, Some(error));
        }

        #[test]
        fn text_in_the_url_never_becomes_the_forms_message() {
            let crafted = ListError::BadRequest("Your account is locked; call 555".into());
            let url = ServerFnUrlError::new(CreateList::PATH, crafted)
                .to_url("http://localhost/notes")
                .unwrap();
            let shown = NotesRequest::from_query(url.query())
                .unwrap()
                .after_form
                .create_error
                .unwrap();
            assert_eq!(shown.to_string(), "The request was not understood.");
            let garbage = NotesRequest::from_query(Some("__path=/api/lists/create&__err=%21%21"))
                .unwrap()
                .after_form
                .create_error
                .unwrap();
            assert_eq!(garbage.to_string(), "The request was not understood.");
        }

        fn changed(id: i64) -> ChangedList {
            ChangedList {
                list: crate::lists::List {
                    id: ListId::new(id),
                    name: crate::lists::ListName::parse("Tea").unwrap(),
                },
                position: crate::collection::Position::new(1),
            }
        }

        #[test]
        fn a_form_leads_back_to_its_window_with_the_row_in_view() {
            let rename = PostedForm::Rename {
                id: ListId::new(7),
                name: "Tea".into(),
            };
            assert_eq!(
                NotesRequest::after_post(Some("before=40&rename=7"), &rename, &Ok(changed(7))),
                "/notes?before=40#lists-7"
            );
            let delete = PostedForm::Delete(ListId::new(7));
            let back = NotesRequest::after_post(Some("q=tea&after=3"), &delete, &Ok(changed(7)));
            assert_eq!(back, "/notes?q=tea&after=3&deleted=7");
            let page = NotesRequest::from_query(back.split_once('?').map(|(_, q)| q)).unwrap();
            assert_eq!(page.after_form.deleted, Some(ListId::new(7)));
            let undo = PostedForm::Restore(ListId::new(7));
            assert_eq!(
                NotesRequest::after_post(Some("q=tea&after=3&deleted=7"), &undo, &Ok(changed(7))),
                "/notes?q=tea&after=3#lists-7"
            );
            // A Referer that is not a /notes query leads to the newest lists.
            assert_eq!(
                NotesRequest::after_post(Some("before=x"), &undo, &Ok(changed(7))),
                "/notes#lists-7"
            );
        }

        #[test]
        fn a_refused_rename_comes_back_with_its_text_and_its_reason() {
            let typed = "x".repeat(81);
            let rename = PostedForm::Rename {
                id: ListId::new(7),
                name: typed.clone(),
            };
            let refused = ListError::InvalidName(ListNameError::TooLong {
                max: 80,
                actual: 81,
            });
            let back = NotesRequest::after_post(Some("before=40"), &rename, &Err(refused.clone()));
            assert!(!back.contains('#'), "{back}");
            let page = NotesRequest::from_query(back.split_once('?').map(|(_, q)| q)).unwrap();
            assert_eq!(page.query.start, PageStart::Before(ListId::new(40)));
            assert_eq!(
                page.after_form.rename,
                Some(Renaming {
                    id: ListId::new(7),
                    typed: Some(typed),
                    error: Some(refused),
                })
            );
            assert_eq!(page.after_form.create_error, None);
        }

        #[test]
        fn a_failed_undo_says_why() {
            let undo = PostedForm::Restore(ListId::new(7));
            let back = NotesRequest::after_post(None, &undo, &Err(ListError::Busy));
            let page = NotesRequest::from_query(back.split_once('?').map(|(_, q)| q)).unwrap();
            assert_eq!(page.after_form.deleted, None);
            assert_eq!(page.after_form.change_error, Some(ListError::Busy));
        }

        #[test]
        fn posted_forms_are_read_from_their_bodies() {
            assert_eq!(
                PostedForm::read(RenameList::PATH, b"id=3&name=Tea+time"),
                Some(PostedForm::Rename {
                    id: ListId::new(3),
                    name: "Tea time".into()
                })
            );
            assert_eq!(
                PostedForm::read(DeleteList::PATH, b"id=3"),
                Some(PostedForm::Delete(ListId::new(3)))
            );
            assert_eq!(PostedForm::read(DeleteList::PATH, b"name=3"), None);
            assert_eq!(
                PostedForm::read(CreateList::PATH, b"name=Tea"),
                Some(PostedForm::Create)
            );
            assert_eq!(PostedForm::read("/api/other", b"id=3"), None);
        }
    }
}
