//! URL-safe base64, the encoding server_fn gives an error it sends back in a redirect.

/// Decodes URL-safe base64 (`-` and `_`), with or without `=` padding.
pub fn decode_url_safe_base64(text: &str) -> Option<Vec<u8>> {
    let text = text.trim_end_matches('=');
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut buffer = 0u32;
    let mut bits = 0;
    for byte in text.bytes() {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    // Leftover bits must be padding zeros, and one leftover character cannot be a byte.
    (bits < 6 && buffer == 0).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::{engine::general_purpose::URL_SAFE, Engine};

    #[test]
    fn decodes_what_the_standard_encoder_writes() {
        for length in 0..40 {
            let data: Vec<u8> = (0..length).map(|i| (i * 37 + 250) as u8).collect();
            let encoded = URL_SAFE.encode(&data);
            assert_eq!(
                decode_url_safe_base64(&encoded),
                Some(data.clone()),
                "{encoded}"
            );
            let unpadded = encoded.trim_end_matches('=');
            assert_eq!(decode_url_safe_base64(unpadded), Some(data));
        }
    }

    #[test]
    fn refuses_other_alphabets_and_truncation() {
        assert_eq!(decode_url_safe_base64("ab+/"), None);
        assert_eq!(decode_url_safe_base64("abcde"), None);
        assert_eq!(decode_url_safe_base64("a b"), None);
    }
}
