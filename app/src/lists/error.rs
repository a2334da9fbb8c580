//! `ListError`: everything that can go wrong with lists, as one serializable enum.

use super::list::ListId;
use super::name::ListNameError;
use super::search::SearchTermError;
use crate::collection::ChangeKeyError;
use crate::wire::JsonData;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// The error of every list server function. The screen shows it as a sentence in its
/// language (`language::error_sentence`); `Display` is the English one, for logs, the
/// `check` command and raw HTTP clients. Causes are logged on the server and never sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum ListError {
    #[error(transparent)]
    InvalidName(#[from] ListNameError),
    #[error(transparent)]
    InvalidSearch(#[from] SearchTermError),
    #[error("List {0} was not found; it may have been removed.")]
    NotFound(ListId),
    /// The initial load failed; the screen offers Retry.
    #[error("Error fetching data")]
    LoadFailed,
    #[error("The server could not save the change, so nothing was changed. Please try again.")]
    Storage,
    /// Other writes held the database for longer than a write may wait; nothing changed.
    #[error("The server is busy with other changes, so nothing was changed. Please try again in a moment.")]
    Busy,
    /// The reason is for raw HTTP clients and the log; people see a fixed sentence, so a
    /// crafted request can never put its own words on the screen.
    #[error("The request was not understood.")]
    BadRequest(String),
    /// A change key sent again with a different change (another name, another list):
    /// keys name one change each, so nothing was changed.
    #[error("This change's key was already used for a different change, so nothing was changed.")]
    KeyReused,
    #[error("Could not reach the server. Check your connection and try again.")]
    Unreachable,
    #[error("Something went wrong on the server. Please try again.")]
    Internal,
}

impl ListError {
    /// Whether sending the same change again later may succeed: the server was busy or
    /// could not be reached. The screen's outbox keeps such a change and tries again,
    /// and a batch ends at it, so that no later change overtakes it. Any other error is
    /// the change's answer (a storage failure too: nobody knows when a broken disk
    /// returns).
    pub fn may_pass(&self) -> bool {
        matches!(self, Self::Busy | Self::Unreachable)
    }
}

/// A key that is not a change key is the caller's mistake, like any malformed argument.
impl From<ChangeKeyError> for ListError {
    fn from(error: ChangeKeyError) -> Self {
        Self::BadRequest(error.to_string())
    }
}

impl FromServerFnError for ListError {
    type Encoder = JsonData;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => Self::Unreachable,
            ServerFnErrorErr::Args(reason)
            | ServerFnErrorErr::MissingArg(reason)
            | ServerFnErrorErr::Deserialization(reason) => Self::BadRequest(reason),
            _ => Self::Internal,
        }
    }
}

/// The browser could not fetch the lazily loaded code for a request (see
/// `notes::transport`): to the user that is the same as not reaching the server.
#[cfg(all(feature = "hydrate", feature = "lazy-requests"))]
impl From<leptos::wasm_split::SplitLoaderError> for ListError {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        Self::Unreachable
    }
}

#[cfg(feature = "ssr")]
impl ListError {
    /// The HTTP status a raw client sees for this error: 4xx for the caller's mistakes.
    /// How long a raw client should wait before trying again, if waiting helps.
    pub fn retry_after_secs(&self) -> Option<u32> {
        matches!(self, Self::Busy).then_some(1)
    }

    pub fn status(&self) -> http::StatusCode {
        use http::StatusCode;
        match self {
            Self::InvalidName(_) | Self::InvalidSearch(_) | Self::KeyReused => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::LoadFailed | Self::Storage | Self::Busy => StatusCode::SERVICE_UNAVAILABLE,
            Self::Unreachable => StatusCode::BAD_GATEWAY,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_errors_keep_their_message() {
        let error = ListError::from(ListNameError::Empty);
        assert_eq!(error.to_string(), "Give the list a name.");
    }

    #[test]
    fn missing_arguments_are_the_callers_fault() {
        let error = ListError::from_server_fn_error(ServerFnErrorErr::MissingArg("name".into()));
        assert_eq!(error, ListError::BadRequest("name".into()));
    }

    #[test]
    fn only_a_busy_server_or_no_connection_may_pass() {
        assert!(ListError::Busy.may_pass());
        assert!(ListError::Unreachable.may_pass());
        for answer in [
            ListError::Storage,
            ListError::NotFound(ListId::new(1)),
            ListError::KeyReused,
            ListError::BadRequest("x".into()),
            ListError::Internal,
        ] {
            assert!(!answer.may_pass(), "{answer:?}");
        }
    }

    #[test]
    fn transport_failures_read_as_unreachable() {
        let error = ListError::from_server_fn_error(ServerFnErrorErr::Request("refused".into()));
        assert_eq!(error, ListError::Unreachable);
    }

    #[test]
    fn errors_survive_the_wire() {
        let error = ListError::NotFound(ListId::new(7));
        let bytes = error.ser();
        assert_eq!(ListError::de(bytes), error);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn callers_mistakes_are_4xx() {
        assert_eq!(ListError::from(ListNameError::Empty).status().as_u16(), 422);
        assert_eq!(ListError::BadRequest(String::new()).status().as_u16(), 400);
        assert_eq!(ListError::KeyReused.status().as_u16(), 422);
        assert_eq!(ListError::NotFound(ListId::new(1)).status().as_u16(), 404);
        assert_eq!(ListError::Storage.status().as_u16(), 503);
    }
}
