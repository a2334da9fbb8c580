//! `ListName`: the only way a name gets into the database.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A list's name: trimmed, 1 to [`ListName::MAX_CHARS`] characters, at least one of them
/// visible, and no control characters, line or paragraph separators, or bidirectional
/// overrides and isolates (which can make a name display as something else).
///
/// It can only be built by [`ListName::parse`], so holding one proves the name is valid.
/// The browser parses before sending (instant message) and the server parses again
/// (raw requests), with the same rules and the same messages.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ListName(String);

/// Why a piece of text is not a valid list name. The screen says it in its language
/// (`language::name_sentence`); `Display` is the English sentence, for logs and tools.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum ListNameError {
    #[error("Give the list a name.")]
    Empty,
    #[error("A list name can be at most {max} characters; this one has {actual}.")]
    TooLong { max: usize, actual: usize },
    #[error("A list name cannot contain control characters such as tabs or line breaks.")]
    ControlCharacter,
    #[error("A list name cannot contain characters that change the direction of text.")]
    DirectionControl,
    #[error("A list name needs at least one visible character.")]
    NothingVisible,
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
        if trimmed.chars().any(is_line_breaking) {
            return Err(ListNameError::ControlCharacter);
        }
        if trimmed.chars().any(is_direction_control) {
            return Err(ListNameError::DirectionControl);
        }
        if !trimmed.chars().any(is_visible) {
            return Err(ListNameError::NothingVisible);
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Control characters, and the line and paragraph separators that break a line like one.
fn is_line_breaking(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

/// Bidirectional embeddings, overrides (U+202A to U+202E) and isolates (U+2066 to
/// U+2069): they reorder the text around them, so `abc\u{202E}gnp.exe` shows as
/// `abcexe.png`.
fn is_direction_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Whether a character leaves a visible mark. White space, format characters
/// (zero-width spaces and joiners, the byte-order mark, direction marks), combining marks
/// on their own, variation selectors and the characters fonts draw as blanks (Hangul
/// fillers, the blank Braille pattern) do not; a name made only of them looks empty.
///
/// The server, which decides, knows every format character and combining mark in
/// Unicode (their general categories). The browser, which only answers at once while
/// someone types, knows the common ones, without carrying Unicode's tables in the wasm;
/// anything rarer is refused by the server with the same message.
fn is_visible(c: char) -> bool {
    !(c.is_whitespace() || is_blank_glyph(c) || is_mark_or_format(c))
}

#[cfg(not(feature = "hydrate"))]
fn is_mark_or_format(c: char) -> bool {
    use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
    matches!(
        c.general_category(),
        GeneralCategory::NonspacingMark | GeneralCategory::EnclosingMark | GeneralCategory::Format
    )
}

#[cfg(feature = "hydrate")]
fn is_mark_or_format(c: char) -> bool {
    is_combining_mark(c)
        || matches!(
            c,
            '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{206F}'
                | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}' | '\u{E0000}'..='\u{E007F}'
        )
}

/// Characters fonts draw as blanks, though Unicode counts them as letters or symbols,
/// and variation selectors (which only change the character before them).
fn is_blank_glyph(c: char) -> bool {
    matches!(
        c,
        '\u{034F}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{2800}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FFA0}'
            | '\u{E0100}'..='\u{E01EF}'
    )
}

/// The blocks of combining marks that attach to whatever precedes them.
#[cfg(feature = "hydrate")]
fn is_combining_mark(c: char) -> bool {
    matches!(
        c,
        '\u{0300}'..='\u{036F}'
            | '\u{0483}'..='\u{0489}'
            | '\u{1AB0}'..='\u{1AFF}'
            | '\u{1DC0}'..='\u{1DFF}'
            | '\u{20D0}'..='\u{20FF}'
            | '\u{FE20}'..='\u{FE2F}'
    )
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
    fn line_and_paragraph_separators_are_refused() {
        for name in ["a\u{2028}b", "a\u{2029}b"] {
            assert_eq!(
                ListName::parse(name),
                Err(ListNameError::ControlCharacter),
                "{name:?}"
            );
        }
    }

    #[test]
    fn direction_overrides_and_isolates_are_refused() {
        for name in [
            "abc\u{202E}gnp.exe",
            "a\u{202A}b",
            "x\u{2066}y\u{2069}",
            "\u{2068}z",
        ] {
            assert_eq!(
                ListName::parse(name),
                Err(ListNameError::DirectionControl),
                "{name:?}"
            );
        }
    }

    #[test]
    fn names_with_nothing_visible_are_refused() {
        for name in [
            "\u{200B}",
            "\u{FEFF}",
            "\u{3164}",
            "\u{2800}",
            "\u{0301}",
            "\u{200B}\u{200C}\u{200D}",
            "\u{FE0F}\u{0301}",
        ] {
            assert_eq!(
                ListName::parse(name),
                Err(ListNameError::NothingVisible),
                "{name:?}"
            );
        }
    }

    #[test]
    fn visible_text_may_carry_invisible_helpers() {
        for name in [
            "e\u{0301}te\u{0301}",
            "👍\u{FE0F}",
            "שלום\u{200F} list",
            "👩\u{200D}💻",
            "日本語",
            "Straße",
        ] {
            assert!(ListName::parse(name).is_ok(), "{name:?}");
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
