//! Pages of lists: which lists a page asks for, and what it gets back.
//!
//! Pages are keyset pages over list ids, newest first, like LiveView's stream examples
//! with `limit`: "the 50 newest", "the 50 just older than list 812", "the 50 just newer
//! than list 90". A search narrows every one of them to names containing the term.

use super::error::ListError;
use super::list::{List, ListId};
use super::paths::NOTES_PATH;
use super::search::SearchTerm;
use crate::collection::Position;
use serde::{Deserialize, Serialize};

/// Lists per page, on the server and in the browser.
pub const PAGE_SIZE: usize = 50;

/// Where a page starts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum PageStart {
    /// The newest lists.
    #[default]
    Newest,
    /// The lists just older (smaller ids) than this one, which need not exist any more.
    Before(ListId),
    /// The lists just newer (larger ids) than this one, which need not exist any more.
    After(ListId),
}

impl PageStart {
    /// From the two optional bounds of a URL or a request (`before`, `after`); both at
    /// once make no sense.
    pub fn from_bounds(before: Option<ListId>, after: Option<ListId>) -> Option<Self> {
        match (before, after) {
            (None, None) => Some(Self::Newest),
            (Some(id), None) => Some(Self::Before(id)),
            (None, Some(id)) => Some(Self::After(id)),
            (Some(_), Some(_)) => None,
        }
    }

    pub fn before(self) -> Option<ListId> {
        match self {
            Self::Before(id) => Some(id),
            _ => None,
        }
    }

    pub fn after(self) -> Option<ListId> {
        match self {
            Self::After(id) => Some(id),
            _ => None,
        }
    }
}

/// Which lists a page asks for: where it starts, and an optional search.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListsQuery {
    pub search: Option<SearchTerm>,
    pub start: PageStart,
}

impl ListsQuery {
    /// The newest lists, optionally searched.
    pub fn newest(search: Option<SearchTerm>) -> Self {
        Self {
            search,
            start: PageStart::Newest,
        }
    }

    /// The `/notes` URL whose document shows this page without JavaScript.
    pub fn href(&self) -> String {
        Self::href_of(&crate::wire::form_encode(&self.params().pairs()))
    }

    /// The `/notes` URL with this query string (a page's [`ListsQueryParams`], or those
    /// with more beside them, see `notes::NotesRequest`).
    pub fn href_of(query: &str) -> String {
        match query.is_empty() {
            true => NOTES_PATH.to_owned(),
            false => format!("{}?{query}", NOTES_PATH),
        }
    }

    /// This query as URLs and requests write it.
    pub fn params(&self) -> ListsQueryParams {
        ListsQueryParams {
            q: self
                .search
                .as_ref()
                .map(|search| search.as_str().to_owned()),
            before: self.start.before(),
            after: self.start.after(),
        }
    }
}

/// A [`ListsQuery`] as URLs, links and load requests write it: `q`, `before`, `after`
/// (`/notes?q=tea&before=812`). The one definition of that shape: the `/notes` handler
/// reads it inside the document's URL, links are written from it, and it is the load
/// server function's argument. What it holds is not checked yet;
/// [`ListsQuery::try_from`] does that, for all of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListsQueryParams {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<ListId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<ListId>,
}

impl ListsQueryParams {
    /// The fields that are present, as `(name, value)` in serde's names and order (a test
    /// holds the two together): what the browser writes links and hidden form fields
    /// from, with its own URL encoder, rather than carry a serializer for three fields.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if let Some(q) = &self.q {
            pairs.push(("q", q.clone()));
        }
        if let Some(before) = self.before {
            pairs.push(("before", before.to_string()));
        }
        if let Some(after) = self.after {
            pairs.push(("after", after.to_string()));
        }
        pairs
    }
}

impl TryFrom<ListsQueryParams> for ListsQuery {
    type Error = ListError;

    /// A blank `q` is no search; `before` and `after` at once are refused.
    fn try_from(params: ListsQueryParams) -> Result<Self, ListError> {
        let search = SearchTerm::parse(params.q.as_deref().unwrap_or_default())?;
        let start = PageStart::from_bounds(params.before, params.after)
            .ok_or_else(|| ListError::BadRequest("give `before` or `after`, not both".into()))?;
        Ok(Self { search, start })
    }
}

/// One page of active lists, newest first, with what lies beyond it on each side and the
/// change-log position it was read at (from which the feed carries on without a gap).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListsPage {
    /// At most [`PAGE_SIZE`] lists, newest first.
    pub lists: Vec<List>,
    /// Whether lists older than the last one exist (for this search).
    pub has_older: bool,
    /// Whether lists newer than the first one exist (for this search).
    pub has_newer: bool,
    pub position: Position,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_bounds_at_once_are_refused() {
        let id = Some(ListId::new(3));
        let params = |q: Option<&str>, before, after| ListsQueryParams {
            q: q.map(String::from),
            before,
            after,
        };
        assert!(matches!(
            ListsQuery::try_from(params(None, id, id)),
            Err(ListError::BadRequest(_))
        ));
        assert_eq!(
            ListsQuery::try_from(params(Some(" "), None, id)),
            Ok(ListsQuery {
                search: None,
                start: PageStart::After(ListId::new(3))
            })
        );
    }

    #[test]
    fn the_pairs_are_the_serde_form_of_every_shape() {
        let id = Some(ListId::new(12));
        for (q, before, after) in [
            (None, None, None),
            (Some("a b/ü?&="), None, None),
            (None, id, None),
            (Some("x"), None, id),
            (Some(""), id, id),
        ] {
            let params = ListsQueryParams {
                q: q.map(String::from),
                before,
                after,
            };
            assert_eq!(
                crate::wire::form_encode(&params.pairs()),
                serde_urlencoded::to_string(&params).unwrap()
            );
        }
    }

    #[test]
    fn a_query_reads_back_from_what_it_writes() {
        let query = ListsQuery {
            search: SearchTerm::parse("tea & cake").unwrap(),
            start: PageStart::After(ListId::new(7)),
        };
        let written = serde_urlencoded::to_string(query.params()).unwrap();
        assert_eq!(written, "q=tea+%26+cake&after=7");
        // What links are written from says the same.
        assert_eq!(crate::wire::form_encode(&query.params().pairs()), written);
        let read: ListsQueryParams = serde_urlencoded::from_str(&written).unwrap();
        assert_eq!(ListsQuery::try_from(read), Ok(query));
    }

    #[test]
    fn hrefs_carry_the_search_and_the_start() {
        let search = SearchTerm::parse("tea & cake").unwrap();
        let query = ListsQuery {
            search,
            start: PageStart::Before(ListId::new(40)),
        };
        assert_eq!(query.href(), "/notes?q=tea+%26+cake&before=40");
        assert_eq!(ListsQuery::default().href(), "/notes");
    }
}
