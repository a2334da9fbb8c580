//! A small JSON reader for the browser side: just what the list shapes use.
//!
//! The server writes JSON with serde; the wasm reads it with this instead of serde_json,
//! whose generic deserializers (and the float formatting its error messages pull in) cost
//! more than the rest of the page's data handling together. Numbers are integers only:
//! nothing the app sends has a fraction, so a fraction or an exponent is refused.

use std::fmt;

/// A parsed JSON value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Json {
    Null,
    Bool(bool),
    Integer(i64),
    String(String),
    Array(Vec<Json>),
    /// Members in document order; the shapes read here have a handful of keys.
    Object(Vec<(String, Json)>),
}

/// Why a text is not JSON this reader accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonError {
    /// Byte offset where reading stopped.
    pub at: usize,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unreadable JSON at byte {}", self.at)
    }
}

impl std::error::Error for JsonError {}

/// Nesting deeper than this is refused rather than risking the stack.
const MAX_DEPTH: usize = 32;

impl Json {
    /// Parses a whole document; trailing text other than white space is an error.
    pub fn parse(text: &str) -> Result<Self, JsonError> {
        let mut reader = Reader {
            bytes: text.as_bytes(),
            at: 0,
        };
        let value = reader.value(0)?;
        reader.skip_space();
        if reader.at == reader.bytes.len() {
            Ok(value)
        } else {
            Err(reader.error())
        }
    }

    /// The member `key` of an object, if this is one and has it.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Self::Object(members) => members
                .iter()
                .find_map(|(name, value)| (name == key).then_some(value)),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Self::Integer(n) => Some(*n),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(s) => Some(s),
            _ => None,
        }
    }

    /// For serde's externally tagged enums: `"Unit"` is `("Unit", None)`, and
    /// `{"Variant": value}` is `("Variant", Some(value))`.
    pub fn variant(&self) -> Option<(&str, Option<&Json>)> {
        match self {
            Self::String(name) => Some((name, None)),
            Self::Object(members) => match members.as_slice() {
                [(name, value)] => Some((name, Some(value))),
                _ => None,
            },
            _ => None,
        }
    }
}

/// Types the browser reads from the server's JSON.
pub trait FromJson: Sized {
    /// `None` when the value does not have this type's shape.
    fn from_json(value: &Json) -> Option<Self>;

    /// Parses `text` and reads it as this type.
    fn from_json_str(text: &str) -> Option<Self> {
        Self::from_json(&Json::parse(text).ok()?)
    }
}

impl FromJson for i64 {
    fn from_json(value: &Json) -> Option<Self> {
        value.as_i64()
    }
}

impl FromJson for usize {
    fn from_json(value: &Json) -> Option<Self> {
        usize::try_from(value.as_i64()?).ok()
    }
}

impl FromJson for String {
    fn from_json(value: &Json) -> Option<Self> {
        value.as_str().map(str::to_owned)
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(value: &Json) -> Option<Self> {
        match value {
            Json::Array(items) => items.iter().map(T::from_json).collect(),
            _ => None,
        }
    }
}

/// serde writes `Result` as `{"Ok": value}` or `{"Err": error}`.
impl<T: FromJson, E: FromJson> FromJson for Result<T, E> {
    fn from_json(value: &Json) -> Option<Self> {
        match value.variant()? {
            ("Ok", Some(ok)) => T::from_json(ok).map(Ok),
            ("Err", Some(err)) => E::from_json(err).map(Err),
            _ => None,
        }
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn error(&self) -> JsonError {
        JsonError { at: self.at }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn expect(&mut self, byte: u8) -> Result<(), JsonError> {
        self.skip_space();
        if self.peek() == Some(byte) {
            self.at += 1;
            Ok(())
        } else {
            Err(self.error())
        }
    }

    fn literal(&mut self, word: &str, value: Json) -> Result<Json, JsonError> {
        if self.bytes[self.at..].starts_with(word.as_bytes()) {
            self.at += word.len();
            Ok(value)
        } else {
            Err(self.error())
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, JsonError> {
        if depth > MAX_DEPTH {
            return Err(self.error());
        }
        self.skip_space();
        match self.peek() {
            Some(b'n') => self.literal("null", Json::Null),
            Some(b't') => self.literal("true", Json::Bool(true)),
            Some(b'f') => self.literal("false", Json::Bool(false)),
            Some(b'"') => self.string().map(Json::String),
            Some(b'[') => self.array(depth),
            Some(b'{') => self.object(depth),
            Some(b'-' | b'0'..=b'9') => self.integer(),
            _ => Err(self.error()),
        }
    }

    /// Runs `item` for each element of a `[...]` or `{...}` whose opening byte is next.
    fn sequence(
        &mut self,
        close: u8,
        mut item: impl FnMut(&mut Self) -> Result<(), JsonError>,
    ) -> Result<(), JsonError> {
        self.at += 1;
        self.skip_space();
        if self.peek() == Some(close) {
            self.at += 1;
            return Ok(());
        }
        loop {
            item(self)?;
            self.skip_space();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(byte) if byte == close => {
                    self.at += 1;
                    return Ok(());
                }
                _ => return Err(self.error()),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Json, JsonError> {
        let mut items = Vec::new();
        self.sequence(b']', |reader| {
            items.push(reader.value(depth + 1)?);
            Ok(())
        })?;
        Ok(Json::Array(items))
    }

    fn object(&mut self, depth: usize) -> Result<Json, JsonError> {
        let mut members = Vec::new();
        self.sequence(b'}', |reader| {
            reader.skip_space();
            if reader.peek() != Some(b'"') {
                return Err(reader.error());
            }
            let key = reader.string()?;
            reader.expect(b':')?;
            members.push((key, reader.value(depth + 1)?));
            Ok(())
        })?;
        Ok(Json::Object(members))
    }

    fn integer(&mut self) -> Result<Json, JsonError> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        let digits = self.at;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.at += 1;
        }
        let leading_zero = self.bytes.get(digits) == Some(&b'0') && self.at - digits > 1;
        if self.at == digits || leading_zero || matches!(self.peek(), Some(b'.' | b'e' | b'E')) {
            return Err(self.error());
        }
        // The slice holds only ASCII sign and digits, so it is valid UTF-8.
        std::str::from_utf8(&self.bytes[start..self.at])
            .ok()
            .and_then(|text| text.parse().ok())
            .map(Json::Integer)
            .ok_or(JsonError { at: start })
    }

    fn string(&mut self) -> Result<String, JsonError> {
        self.at += 1;
        let mut out = String::new();
        loop {
            let run = self.at;
            while !matches!(self.peek(), None | Some(b'"' | b'\\' | 0..=0x1f)) {
                self.at += 1;
            }
            // The input is a &str and runs stop only at ASCII bytes, so each run is UTF-8.
            out.push_str(std::str::from_utf8(&self.bytes[run..self.at]).map_err(|_| self.error())?);
            match self.peek() {
                Some(b'"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.at += 1;
                    out.push(self.escape()?);
                }
                _ => return Err(self.error()),
            }
        }
    }

    fn escape(&mut self) -> Result<char, JsonError> {
        let byte = self.peek().ok_or_else(|| self.error())?;
        self.at += 1;
        Ok(match byte {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let first = self.hex4()?;
                if (0xD800..0xDC00).contains(&first) {
                    // A high surrogate must be followed by `\u` and its low half.
                    if !self.bytes[self.at..].starts_with(b"\\u") {
                        return Err(self.error());
                    }
                    self.at += 2;
                    let second = self.hex4()?;
                    if !(0xDC00..0xE000).contains(&second) {
                        return Err(self.error());
                    }
                    let code = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                    char::from_u32(code).ok_or_else(|| self.error())?
                } else {
                    char::from_u32(first).ok_or_else(|| self.error())?
                }
            }
            _ => return Err(self.error()),
        })
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let mut code = 0;
        for _ in 0..4 {
            let digit = self
                .peek()
                .and_then(|byte| char::from(byte).to_digit(16))
                .ok_or_else(|| self.error())?;
            code = code * 16 + digit;
            self.at += 1;
        }
        Ok(code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Json {
        Json::parse(text).unwrap()
    }

    #[test]
    fn reads_every_kind_of_value() {
        let value =
            parse(r#" {"a": [1, -2, 0], "b": {"c": null}, "d": true, "e": false, "f": "x"} "#);
        assert_eq!(
            value,
            Json::Object(vec![
                (
                    "a".into(),
                    Json::Array(vec![Json::Integer(1), Json::Integer(-2), Json::Integer(0)])
                ),
                ("b".into(), Json::Object(vec![("c".into(), Json::Null)])),
                ("d".into(), Json::Bool(true)),
                ("e".into(), Json::Bool(false)),
                ("f".into(), Json::String("x".into())),
            ])
        );
    }

    #[test]
    fn reads_empty_containers() {
        assert_eq!(parse("[]"), Json::Array(vec![]));
        assert_eq!(parse("{ }"), Json::Object(vec![]));
    }

    #[test]
    fn unescapes_strings_as_serde_json_writes_them() {
        let original = "quote \" backslash \\ tab \t newline \n nul \u{0} é 漢 🙂 <b>&amp;</b>";
        let written = serde_json::to_string(original).unwrap();
        assert_eq!(parse(&written), Json::String(original.into()));
    }

    #[test]
    fn joins_surrogate_pairs() {
        assert_eq!(parse(r#""\ud83d\ude42""#), Json::String("🙂".into()));
        assert!(Json::parse(r#""\ud83d""#).is_err());
        assert!(Json::parse(r#""\ud83d\u0041""#).is_err());
    }

    #[test]
    fn reads_the_full_i64_range() {
        assert_eq!(parse(&i64::MAX.to_string()), Json::Integer(i64::MAX));
        assert_eq!(parse(&i64::MIN.to_string()), Json::Integer(i64::MIN));
        assert!(Json::parse("9223372036854775808").is_err());
    }

    #[test]
    fn refuses_what_the_server_never_sends() {
        for text in ["1.5", "1e3", "01", "-", "NaN", "'x'", "\"raw\ttab\""] {
            assert!(Json::parse(text).is_err(), "{text} should be refused");
        }
    }

    #[test]
    fn refuses_broken_documents() {
        for text in [
            "",
            "[1,]",
            "[1 2]",
            "{\"a\" 1}",
            "{1: 2}",
            "\"open",
            "[1] x",
            "tru",
            "{\"a\":1,}",
        ] {
            assert!(Json::parse(text).is_err(), "{text:?} should be refused");
        }
    }

    #[test]
    fn refuses_deep_nesting_without_overflowing() {
        let deep = "[".repeat(10_000);
        assert!(Json::parse(&deep).is_err());
    }

    #[test]
    fn reads_results_and_variants_the_serde_way() {
        let ok: Result<i64, String> = FromJson::from_json_str(r#"{"Ok": 5}"#).unwrap();
        assert_eq!(ok, Ok(5));
        let err: Result<i64, String> = FromJson::from_json_str(r#"{"Err": "no"}"#).unwrap();
        assert_eq!(err, Err("no".into()));
        assert_eq!(parse(r#""Unit""#).variant(), Some(("Unit", None)));
        assert!(<Result<i64, String>>::from_json_str(r#"{"Ok": "five"}"#).is_none());
    }
}
