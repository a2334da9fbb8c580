//! Pages of lists: which lists a page asks for, and what it gets back.
//!
//! Pages are keyset pages over list ids, newest first, like LiveView's stream examples
//! with `limit`: "the 50 newest", "the 50 just older than list 812", "the 50 just newer
//! than list 90". A search narrows every one of them to names containing the term.

use super::{List, ListError, ListId};
use crate::collection::Position;
use serde::{Deserialize, Serialize};

/// Lists per page, on the server and in the browser.
pub const PAGE_SIZE: usize = 50;

/// Text to look for in list names: trimmed, 1 to [`SearchTerm::MAX_CHARS`] characters,
/// no control characters, and folded to lower case so that matching ignores case.
///
/// Holding one proves the term is a usable search; [`SearchTerm::matches`] is the one
/// definition of "this list matches" that the browser uses for live events, and the
/// store's queries compare the same folded text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SearchTerm {
    /// What the person typed, trimmed: shown back in the search box and the URL.
    text: String,
    folded: String,
}

/// Why some text cannot be searched for. The page says it in its language
/// (`language::search_sentence`); `Display` is the English sentence, for logs and tools.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum SearchTermError {
    #[error("Type something to search for.")]
    Blank,
    #[error("A search can be at most {max} characters.")]
    TooLong { max: usize },
    #[error("A search cannot contain control characters such as tabs or line breaks.")]
    ControlCharacter,
}

impl SearchTerm {
    /// No list name is longer, so no longer term can match.
    pub const MAX_CHARS: usize = super::ListName::MAX_CHARS;

    /// Parses a search box's text. Blank text is no search at all (`Ok(None)`).
    pub fn parse(input: &str) -> Result<Option<Self>, SearchTermError> {
        let text = input.trim();
        if text.is_empty() {
            return Ok(None);
        }
        if text.chars().count() > Self::MAX_CHARS {
            return Err(SearchTermError::TooLong {
                max: Self::MAX_CHARS,
            });
        }
        if text.chars().any(char::is_control) {
            return Err(SearchTermError::ControlCharacter);
        }
        Ok(Some(Self {
            text: text.to_owned(),
            folded: fold(text),
        }))
    }

    /// The term as typed (trimmed).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The term folded to lower case: what the store compares with each name's
    /// folded copy.
    pub fn folded(&self) -> &str {
        &self.folded
    }

    /// Whether a list's name contains the term, ignoring case.
    pub fn matches(&self, list: &List) -> bool {
        fold(list.name.as_str()).contains(&self.folded)
    }
}

/// The one case folding for search, applied to names when they are stored and to terms
/// when they are parsed, so that both sides of every comparison agree: Unicode's default
/// lower-casing, with the word-final sigma (ς, which lower-casing picks by context) made
/// σ, so that "ΑΣ" is found in "ΑΣΑ" and "Σ" in "ΟΔΟΣ".
///
/// The browser uses its own `toLowerCase`, the same mapping, instead of carrying Rust's
/// case tables in the wasm (about 11 KB). The two can only differ on characters newer
/// than one side's Unicode tables, and then only in whether a live event enters a
/// search's window: what a search shows on load is always the server's answer.
pub fn fold(text: &str) -> String {
    #[cfg(feature = "hydrate")]
    let lower: String = js_sys::JsString::from(text).to_lower_case().into();
    #[cfg(not(feature = "hydrate"))]
    let lower = text.to_lowercase();
    lower.replace('ς', "σ")
}

impl TryFrom<String> for SearchTerm {
    type Error = SearchTermError;

    /// Blank text is refused here: a `SearchTerm` on the wire is always a real search.
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)?.ok_or(SearchTermError::Blank)
    }
}

impl From<SearchTerm> for String {
    fn from(term: SearchTerm) -> Self {
        term.text
    }
}

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

    /// The `/notes` URL that shows this page without JavaScript.
    pub fn href(&self) -> String {
        Self::href_of(&crate::wire::form_encode(&self.params().pairs()))
    }

    /// The `/notes` URL with this query string (a page's [`ListsQueryParams`], or those
    /// with more beside them, see `notes::NotesRequest`).
    pub fn href_of(query: &str) -> String {
        match query.is_empty() {
            true => crate::lists::NOTES_PATH.to_owned(),
            false => format!("{}?{query}", crate::lists::NOTES_PATH),
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
/// reads it inside the page's URL, links are written from it, and it is the load server
/// function's argument. What it holds is not checked yet; [`ListsQuery::try_from`] does
/// that, for all of them.
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
    use crate::lists::ListName;

    fn list(id: i64, name: &str) -> List {
        List {
            id: ListId::new(id),
            name: ListName::parse(name).unwrap(),
        }
    }

    #[test]
    fn blank_text_is_no_search() {
        assert_eq!(SearchTerm::parse("   "), Ok(None));
        assert_eq!(SearchTerm::parse(""), Ok(None));
    }

    #[test]
    fn a_term_is_trimmed_and_matches_ignoring_case() {
        let term = SearchTerm::parse("  GROC ").unwrap().unwrap();
        assert_eq!(term.as_str(), "GROC");
        assert!(term.matches(&list(1, "Weekly groceries")));
        assert!(!term.matches(&list(2, "Trip")));
    }

    #[test]
    fn matching_folds_beyond_ascii() {
        let term = SearchTerm::parse("ÉTÉ").unwrap().unwrap();
        assert!(term.matches(&list(1, "Vacances d'été")));
    }

    #[test]
    fn a_final_sigma_matches_any_sigma() {
        for (name, term) in [("ΑΣΑ", "ΑΣ"), ("ΟΔΟΣ", "Σ"), ("οδος", "ΟΔΟΣ")] {
            let term = SearchTerm::parse(term).unwrap().unwrap();
            assert!(term.matches(&list(1, name)), "{term:?} in {name}");
        }
    }

    #[test]
    fn a_term_longer_than_any_name_is_refused() {
        let long = "a".repeat(SearchTerm::MAX_CHARS + 1);
        assert_eq!(
            SearchTerm::parse(&long),
            Err(SearchTermError::TooLong { max: 80 })
        );
    }

    #[test]
    fn control_characters_are_refused() {
        assert_eq!(
            SearchTerm::parse("a\tb"),
            Err(SearchTermError::ControlCharacter)
        );
    }

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
