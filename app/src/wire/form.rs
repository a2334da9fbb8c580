//! Writing server-function arguments as `application/x-www-form-urlencoded`, the encoding
//! a plain HTML `<form>` uses, so the page's requests and the no-JavaScript form reach the
//! same endpoint in the same shape.

/// Arguments the browser sends as a form body.
pub trait ToForm {
    fn to_form(&self, form: &mut FormWriter);

    fn to_form_string(&self) -> String {
        let mut form = FormWriter::default();
        self.to_form(&mut form);
        form.finish()
    }
}

/// Builds `key=value&key=value`, percent-encoding as browsers do for forms.
#[derive(Debug, Default)]
pub struct FormWriter {
    body: String,
}

impl FormWriter {
    pub fn field(&mut self, key: &str, value: &str) -> &mut Self {
        if !self.body.is_empty() {
            self.body.push('&');
        }
        encode_into(&mut self.body, key);
        self.body.push('=');
        encode_into(&mut self.body, value);
        self
    }

    pub fn finish(self) -> String {
        self.body
    }
}

/// Decodes one key or value of a form body or query string (`+` is a space, `%XX` a
/// byte). `None` if an escape is broken or the bytes are not UTF-8.
pub fn decode_form_component(text: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(text.len());
    let mut rest = text.as_bytes();
    while let Some((&byte, tail)) = rest.split_first() {
        rest = tail;
        bytes.push(match byte {
            b'+' => b' ',
            b'%' => {
                let (hex, tail) = rest.split_first_chunk::<2>()?;
                rest = tail;
                let digit = |d: u8| char::from(d).to_digit(16);
                u8::try_from(digit(hex[0])? * 16 + digit(hex[1])?).ok()?
            }
            other => other,
        });
    }
    String::from_utf8(bytes).ok()
}

fn encode_into(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &byte in text.as_bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => {
                out.push(char::from(byte));
            }
            b' ' => out.push('+'),
            _ => {
                out.push('%');
                out.push(char::from(HEX[usize::from(byte >> 4)]));
                out.push(char::from(HEX[usize::from(byte & 0xf)]));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_a_browser_form() {
        let mut form = FormWriter::default();
        form.field("name", "Groceries & more = 100%")
            .field("id", "7");
        assert_eq!(form.finish(), "name=Groceries+%26+more+%3D+100%25&id=7");
    }

    #[test]
    fn encodes_non_ascii_as_utf8_bytes() {
        let mut form = FormWriter::default();
        form.field("name", "café 🙂+");
        assert_eq!(form.finish(), "name=caf%C3%A9+%F0%9F%99%82%2B");
    }

    #[test]
    fn decodes_what_it_encodes() {
        let text = "a+b %20 & = é 🙂 <x>";
        let mut form = FormWriter::default();
        form.field("k", text);
        let body = form.finish();
        let value = body.strip_prefix("k=").unwrap();
        assert_eq!(decode_form_component(value).as_deref(), Some(text));
    }

    #[test]
    fn decoding_refuses_broken_escapes() {
        for broken in ["%", "%2", "%zz", "%C3"] {
            assert_eq!(decode_form_component(broken), None, "{broken}");
        }
        assert_eq!(
            decode_form_component("%2Fapi%2fx").as_deref(),
            Some("/api/x")
        );
    }

    #[test]
    fn round_trips_through_the_servers_decoder() {
        let text = "<b>\"Tom's\" list</b> ~ #1 / 2? ; é\u{7f}";
        let mut form = FormWriter::default();
        form.field("name", text).field("id", "3");
        let decoded: std::collections::BTreeMap<String, String> =
            serde_qs::from_str(&form.finish()).expect("valid form body");
        assert_eq!(decoded["name"], text);
        assert_eq!(decoded["id"], "3");
    }
}
