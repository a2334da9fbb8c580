//! `ListName`: the only way a name gets into the database.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A list's name: trimmed, 1 to [`ListName::MAX_CHARS`] characters, no control characters.
///
/// It can only be built by [`ListName::parse`], so holding one proves the name is valid.
/// The browser parses before sending (instant message) and the server parses again
/// (raw requests), with the same rules and the same messages.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ListName(String);

/// Why a piece of text is not a valid list name. `Display` is the sentence a user sees.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum ListNameError {
    #[error("Give the list a name.")]
    Empty,
    #[error("A list name can be at most {max} characters; this one has {actual}.")]
    TooLong { max: usize, actual: usize },
    #[error("A list name cannot contain control characters such as tabs or line breaks.")]
    ControlCharacter,
}

impl ListName {
    /// Longest accepted name, counted in Unicode scalar values after trimming.
    pub const MAX_CHARS: usize = 80;

    /// Parses user input into a name: trims surrounding white space, then checks the rules.
    pub fn parse(input: &str) -> Result<Self, ListNameError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(ListNameError::Empty);
        }
        let actual = trimmed.chars().count();
        if actual > Self::MAX_CHARS {
            return Err(ListNameError::TooLong {
                max: Self::MAX_CHARS,
                actual,
            });
        }
        if trimmed.chars().any(char::is_control) {
            return Err(ListNameError::ControlCharacter);
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ListName {
    type Error = ListNameError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<ListName> for String {
    fn from(name: ListName) -> Self {
        name.0
    }
}

impl AsRef<str> for ListName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ListName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_name_is_accepted() {
        assert_eq!(ListName::parse("Groceries").unwrap().as_str(), "Groceries");
    }

    #[test]
    fn surrounding_white_space_is_trimmed() {
        assert_eq!(ListName::parse("  Trip \u{a0}").unwrap().as_str(), "Trip");
    }

    #[test]
    fn an_empty_name_is_refused() {
        assert_eq!(ListName::parse(""), Err(ListNameError::Empty));
    }

    #[test]
    fn a_blank_name_is_refused() {
        assert_eq!(ListName::parse(" \t \n "), Err(ListNameError::Empty));
    }

    #[test]
    fn eighty_characters_are_accepted() {
        let name = "é".repeat(ListName::MAX_CHARS);
        assert_eq!(ListName::parse(&name).unwrap().as_str(), name);
    }

    #[test]
    fn eighty_one_characters_are_refused_with_the_count() {
        let name = "a".repeat(81);
        assert_eq!(
            ListName::parse(&name),
            Err(ListNameError::TooLong {
                max: 80,
                actual: 81
            })
        );
    }

    #[test]
    fn length_is_counted_after_trimming() {
        let name = format!("  {}  ", "a".repeat(80));
        assert!(ListName::parse(&name).is_ok());
    }

    #[test]
    fn inner_control_characters_are_refused() {
        for name in ["tab\there", "line\nbreak", "bell\u{7}", "del\u{7f}"] {
            assert_eq!(
                ListName::parse(name),
                Err(ListNameError::ControlCharacter),
                "{name:?}"
            );
        }
    }

    #[test]
    fn markup_is_just_text() {
        let name = "<b>bold</b> & <script>alert(1)</script>";
        assert_eq!(ListName::parse(name).unwrap().as_str(), name);
    }

    #[test]
    fn deserializing_goes_through_parse() {
        let ok: ListName = serde_json::from_str("\" Chores \"").unwrap();
        assert_eq!(ok.as_str(), "Chores");
        assert!(serde_json::from_str::<ListName>("\"\"").is_err());
    }

    #[test]
    fn messages_are_sentences_for_people() {
        assert_eq!(
            ListNameError::TooLong {
                max: 80,
                actual: 95
            }
            .to_string(),
            "A list name can be at most 80 characters; this one has 95."
        );
    }
}
