//! What the `/notes` URL asked for, shared by the server's render and the browser's.

use crate::lists::{ListError, ListsPage, ListsQuery};
use crate::wire::PageData;
use leptos::prelude::*;
use leptos::server::SharedValue;
use serde::{Deserialize, Serialize};

/// The page a URL asks for (`?q=`, `?before=`, `?after=`) and, after the form without
/// JavaScript posted a refused name, why it was refused.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestedPage {
    pub query: ListsQuery,
    pub form_error: Option<ListError>,
}

impl RequestedPage {
    /// On the server, what the page handler read from the URL; in the browser, the same
    /// value, read back from the page instead of parsing the URL again.
    pub fn shared() -> Self {
        SharedValue::<Self, PageData>::new_with_encoding(|| {
            use_context::<Self>().unwrap_or_default()
        })
        .into_inner()
    }
}

/// The rows of the requested page, when the server had them before it started sending
/// (it waits a moment for them): then they are rendered in place in the first bytes, with
/// no skeleton to swap out, so they show without JavaScript too. When the load takes
/// longer, there is none, and the page streams the skeleton first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreloadedPage(pub ListsPage);

impl PreloadedPage {
    /// The server's preloaded page, and in the browser the same one, read from the page.
    pub fn shared() -> Option<ListsPage> {
        SharedValue::<Option<Self>, PageData>::new_with_encoding(use_context::<Self>)
            .into_inner()
            .map(|Self(page)| page)
    }
}

#[cfg(feature = "ssr")]
mod from_url {
    use super::RequestedPage;
    use crate::lists::{CreateList, ListError, ListId, ListsQuery, PageStart, SearchTerm};
    use leptos::server_fn::{error::ServerFnUrlError, ServerFn};
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct UrlQuery {
        q: Option<String>,
        before: Option<ListId>,
        after: Option<ListId>,
        #[serde(rename = "__path")]
        form_path: Option<String>,
        #[serde(rename = "__err")]
        form_error: Option<String>,
    }

    impl RequestedPage {
        /// Reads a `/notes` query string. A malformed one is the caller's mistake.
        ///
        /// The form's error travels in the URL (server_fn's `__err`), where anyone can
        /// write it: it is decoded here into a [`ListError`], and the page only ever shows
        /// that error's own sentence, never text from the URL.
        pub fn from_query(query: Option<&str>) -> Result<Self, ListError> {
            let query = query.unwrap_or_default();
            crate::wire::check_form_encoding(query.as_bytes())
                .map_err(|error| ListError::BadRequest(error.to_string()))?;
            let url: UrlQuery = serde_urlencoded::from_str(query)
                .map_err(|error| ListError::BadRequest(error.to_string()))?;
            let start = PageStart::from_cursors(url.before, url.after).ok_or_else(|| {
                ListError::BadRequest("give `before` or `after`, not both".into())
            })?;
            let search = SearchTerm::parse(url.q.as_deref().unwrap_or_default())?;
            let form_error = match (url.form_path.as_deref(), url.form_error) {
                (Some(CreateList::PATH), Some(encoded)) => {
                    Some(ServerFnUrlError::<ListError>::decode_err(&encoded))
                }
                _ => None,
            };
            Ok(Self {
                query: ListsQuery { search, start },
                form_error,
            })
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use crate::lists::ListNameError;

        #[test]
        fn reads_the_search_and_the_cursor() {
            let page = RequestedPage::from_query(Some("q=tea&before=40")).unwrap();
            assert_eq!(page.query.search.unwrap().as_str(), "tea");
            assert_eq!(page.query.start, PageStart::Before(ListId::new(40)));
            assert_eq!(
                RequestedPage::from_query(None).unwrap(),
                RequestedPage::default()
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
                assert!(RequestedPage::from_query(Some(query)).is_err(), "{query}");
            }
        }

        #[test]
        fn the_forms_error_is_decoded_on_the_server() {
            let error = ListError::InvalidName(ListNameError::Empty);
            let url = ServerFnUrlError::new(CreateList::PATH, error.clone())
                .to_url("http://localhost/notes")
                .unwrap();
            let page = RequestedPage::from_query(url.query()).unwrap();
            assert_eq!(page.form_error, Some(error));
        }

        #[test]
        fn text_in_the_url_never_becomes_the_forms_message() {
            let crafted = ListError::BadRequest("Your account is locked; call 555".into());
            let url = ServerFnUrlError::new(CreateList::PATH, crafted)
                .to_url("http://localhost/notes")
                .unwrap();
            let shown = RequestedPage::from_query(url.query())
                .unwrap()
                .form_error
                .unwrap();
            assert_eq!(shown.to_string(), "The request was not understood.");
            let garbage = RequestedPage::from_query(Some("__path=/api/lists/create&__err=%21%21"))
                .unwrap()
                .form_error
                .unwrap();
            assert_eq!(garbage.to_string(), "The request was not understood.");
        }
    }
}
