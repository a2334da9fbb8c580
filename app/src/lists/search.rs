//! What a search looks for in list names, and the one case folding both sides compare.

use super::list::List;
use super::name::ListName;
use serde::{Deserialize, Serialize};

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

/// Why some text cannot be searched for. The screen says it in its language
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
    pub const MAX_CHARS: usize = ListName::MAX_CHARS;

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
/// case tables in the wasm. The two can only differ on characters newer
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lists::list::list;

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
}
