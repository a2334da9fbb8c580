//! Where an event stream starts: the one parser for `?after=` and `Last-Event-ID`.

use app::collection::Position;

/// Where an event stream starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resume {
    /// No position given: only events committed from now on. Replaying the whole kept
    /// log is something a client must ask for (`after=0`), never a default a 60-byte
    /// request gets by accident.
    FromNow,
    /// After this log position: every later event, then live ones.
    After(Position),
}

/// A position that is not a log position: not a whole number from 0 up that fits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a log position is a whole number from 0 up")]
pub struct BadPosition;

impl Resume {
    /// From the query's `after` and the `Last-Event-ID` header a browser sends when it
    /// reconnects: the newer of the two, since an `EventSource` reconnecting keeps the
    /// `after` of its first request. Either one malformed is refused.
    pub fn parse(after: Option<&str>, last_event_id: Option<&[u8]>) -> Result<Self, BadPosition> {
        let after = after.map(position).transpose()?;
        let last_event_id = match last_event_id {
            // A browser sends the header only with an id, but an empty one names nothing.
            Some(bytes) if !bytes.trim_ascii().is_empty() => Some(
                std::str::from_utf8(bytes)
                    .map_err(|_| BadPosition)
                    .and_then(position)?,
            ),
            _ => None,
        };
        Ok(match after.max(last_event_id) {
            Some(position) => Self::After(position),
            None => Self::FromNow,
        })
    }
}

fn position(text: &str) -> Result<Position, BadPosition> {
    let text = text.trim();
    if text.is_empty() || !text.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(BadPosition);
    }
    text.parse::<i64>()
        .map(Position::new)
        .map_err(|_| BadPosition)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn after(position: i64) -> Result<Resume, BadPosition> {
        Ok(Resume::After(Position::new(position)))
    }

    #[test]
    fn no_position_means_from_now() {
        assert_eq!(Resume::parse(None, None), Ok(Resume::FromNow));
        assert_eq!(Resume::parse(None, Some(b"")), Ok(Resume::FromNow));
    }

    #[test]
    fn the_newer_of_the_query_and_the_header_wins() {
        assert_eq!(Resume::parse(Some("3"), None), after(3));
        assert_eq!(Resume::parse(None, Some(b"7")), after(7));
        assert_eq!(Resume::parse(Some("3"), Some(b"7")), after(7));
        assert_eq!(Resume::parse(Some("9"), Some(b" 7 ")), after(9));
        assert_eq!(Resume::parse(Some("0"), None), after(0));
    }

    #[test]
    fn both_places_refuse_the_same_garbage() {
        for garbage in [
            "abc",
            "-5",
            "+5",
            "99999999999999999999999",
            "1.5",
            "",
            " ",
            "0x10",
        ] {
            assert_eq!(
                Resume::parse(Some(garbage), None),
                Err(BadPosition),
                "{garbage:?}"
            );
            if !garbage.trim().is_empty() {
                let header = Some(garbage.as_bytes());
                assert_eq!(Resume::parse(None, header), Err(BadPosition), "{garbage:?}");
            }
        }
        assert_eq!(Resume::parse(None, Some(b"\xff")), Err(BadPosition));
    }
}
