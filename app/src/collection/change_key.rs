//! `ChangeKey`: what makes a change safe to send twice.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A key the client makes up for one change (a create, rename, delete or restore) and
/// sends with it, however often: if the same key comes again (the connection dropped
/// after the server committed, the screen replayed its outbox, the form was posted
/// twice), the server answers with what the change did the first time instead of doing
/// it again. The same key with a different change is refused. 16 to 64 characters from
/// `A-Z a-z 0-9 - _`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ChangeKey(String);

/// Why some text is not a change key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a change key has 16 to 64 characters from A-Z, a-z, 0-9, '-' and '_'")]
pub struct ChangeKeyError;

impl ChangeKey {
    pub fn parse(text: &str) -> Result<Self, ChangeKeyError> {
        let valid = (16..=64).contains(&text.len())
            && text
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_');
        valid.then(|| Self(text.to_owned())).ok_or(ChangeKeyError)
    }

    /// A fresh key: 128 random bits as 32 hex digits (the server's, for the form each
    /// document carries; the browser's outbox makes its own, see `notes/outbox`).
    #[cfg(feature = "ssr")]
    pub fn random() -> Self {
        Self(format!("{:032x}", fastrand::u128(..)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ChangeKey {
    type Error = ChangeKeyError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<ChangeKey> for String {
    fn from(key: ChangeKey) -> Self {
        key.0
    }
}

impl fmt::Display for ChangeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_short_safe_tokens() {
        assert!(ChangeKey::parse("0123456789abcdef").is_ok());
        assert!(ChangeKey::parse("A-b_c-0123456789-ZZ").is_ok());
        for refused in [
            "short",
            "has space in it here",
            "ünïcode-ünïcode-x",
            &"x".repeat(65),
        ] {
            assert!(ChangeKey::parse(refused).is_err(), "{refused}");
        }
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn random_keys_parse_and_differ() {
        let (a, b) = (ChangeKey::random(), ChangeKey::random());
        assert!(ChangeKey::parse(a.as_str()).is_ok());
        assert_ne!(a, b);
    }
}
