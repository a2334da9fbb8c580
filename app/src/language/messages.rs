//! Errors as sentences in the screen's language. The error types stay typed all the way
//! to here, so a message is always one of the catalogue's, never text from a request.

use super::context::I18n;
use crate::i18n::{td_string, Locale};
use crate::lists::{ListError, ListNameError, SearchTermError};

/// Why a change or a load failed. Reads the locale, so call it inside a reactive closure.
pub fn error_sentence(i18n: I18n, error: &ListError) -> String {
    match error {
        ListError::InvalidName(refused) => name_sentence(i18n, refused),
        ListError::InvalidSearch(refused) => search_sentence(i18n, refused),
        ListError::NotFound(id) => {
            td_string!(i18n.get_locale(), error_not_found, id = id.get()).to_string()
        }
        ListError::LoadFailed => td_string!(i18n.get_locale(), load_error_title).to_owned(),
        ListError::Storage => td_string!(i18n.get_locale(), error_storage).to_owned(),
        ListError::Busy => td_string!(i18n.get_locale(), error_busy).to_owned(),
        ListError::BadRequest(_) => td_string!(i18n.get_locale(), error_bad_request).to_owned(),
        ListError::KeyReused => td_string!(i18n.get_locale(), error_key_reused).to_owned(),
        ListError::Unreachable => td_string!(i18n.get_locale(), error_unreachable).to_owned(),
        ListError::Internal => td_string!(i18n.get_locale(), error_internal).to_owned(),
    }
}

/// Why some text is not a list name.
pub fn name_sentence(i18n: I18n, refused: &ListNameError) -> String {
    match *refused {
        ListNameError::Empty => td_string!(i18n.get_locale(), name_empty).to_owned(),
        ListNameError::TooLong { max, actual } => {
            td_string!(i18n.get_locale(), name_too_long, max, actual).to_string()
        }
        ListNameError::ControlCharacter => td_string!(i18n.get_locale(), name_control).to_owned(),
        ListNameError::DirectionControl => td_string!(i18n.get_locale(), name_direction).to_owned(),
        ListNameError::NothingVisible => td_string!(i18n.get_locale(), name_invisible).to_owned(),
    }
}

/// Why some text cannot be searched for.
pub fn search_sentence(i18n: I18n, refused: &SearchTermError) -> String {
    match *refused {
        SearchTermError::Blank => td_string!(i18n.get_locale(), search_blank).to_owned(),
        SearchTermError::TooLong { max } => {
            td_string!(i18n.get_locale(), search_too_long, max).to_string()
        }
        SearchTermError::ControlCharacter => {
            td_string!(i18n.get_locale(), search_control).to_owned()
        }
    }
}

/// Why the server refused a request before any document was rendered or server function
/// ran.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// A query or form the server cannot read.
    NotUnderstood,
    /// The `Host` is not one this server answers to.
    WrongHost,
    /// A write that a browser made on behalf of another site.
    OtherSite,
    /// A write whose body is not a form.
    NotAForm,
    /// A path under `/api/` that is no server function.
    NoSuchEndpoint,
    /// Every slot for a live feed is taken.
    TooManyStreams,
    /// Nothing at this path.
    NotFound,
    /// The status page, asked for by someone other than an operator.
    OperatorsOnly,
}

impl Refusal {
    /// The sentence in `language`, for the plain-text body of the refusal.
    pub fn sentence(self, language: Locale) -> &'static str {
        match self {
            Refusal::NotUnderstood => td_string!(language, error_bad_request),
            Refusal::WrongHost => td_string!(language, refused_host),
            Refusal::OtherSite => td_string!(language, refused_other_site),
            Refusal::NotAForm => td_string!(language, refused_not_a_form),
            Refusal::NoSuchEndpoint => td_string!(language, refused_no_endpoint),
            Refusal::TooManyStreams => td_string!(language, refused_too_many_streams),
            Refusal::NotFound => td_string!(language, refused_not_found),
            Refusal::OperatorsOnly => td_string!(language, refused_operators_only),
        }
    }
}
