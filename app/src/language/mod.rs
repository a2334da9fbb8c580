//! The screen's language: English, German or Arabic, chosen per request by the server
//! and used for every word the screen shows, from the document's first bytes.
//!
//! The words live in `app/locales/*.json` (one file per language, English the fallback
//! for any missing key), compiled into the [`crate::i18n`] module by `leptos_i18n`. The
//! server picks the language ([`choice`]); the screen is drawn in it ([`context`]); the
//! switch changes it ([`switch`]); [`messages`] turns errors into sentences.

#[cfg(feature = "ssr")]
pub mod choice;
mod context;
mod messages;
pub mod numbers;
mod plural;
mod switch;

pub use crate::i18n::Locale;
pub use context::{provide_i18n, I18n};
pub use messages::{error_sentence, name_sentence, search_sentence, Refusal};
pub use plural::{counted, plural, Plural};
pub use switch::LanguageSwitch;

use leptos::prelude::Signal;
use leptos_i18n::Locale as _;

/// The cookie that remembers the language a person picked.
pub const LANGUAGE_COOKIE: &str = "lang";
/// `GET /language?to=de&back=/notes`: sets the cookie and goes back (no JavaScript
/// needed).
pub const LANGUAGE_PATH: &str = "/language";

/// The query of a [`LANGUAGE_PATH`] link: the switch writes it, the server's route reads
/// it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SwitchParams {
    /// The language's tag, `de`.
    pub to: String,
    /// Where to go back to: a path on this site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub back: Option<String>,
}

impl SwitchParams {
    /// The query string, in serde's names (see `ListsQueryParams::pairs`).
    pub fn query(&self) -> String {
        let mut pairs = vec![("to", self.to.clone())];
        pairs.extend(self.back.clone().map(|back| ("back", back)));
        crate::wire::form_encode(&pairs)
    }
}

/// The language the server chose for the document being rendered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DocumentLanguage(pub Locale);

/// The `Set-Cookie` (or `document.cookie`) value that remembers `locale` for a year.
pub fn language_cookie(locale: Locale) -> String {
    format!(
        "{LANGUAGE_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        locale.as_str()
    )
}

/// A fixed sentence of the catalogue, in the screen's language and following it when it
/// changes: `word!(i18n, retry)`. Use it for every text without placeholders.
///
/// Every such text is then one `Signal<&'static str>`, so the browser build holds one
/// copy of the code that keeps a text up to date, where the crate's `t!` makes a new
/// reactive type per call site.
#[macro_export]
macro_rules! word {
    ($i18n:expr, $key:ident) => {
        $crate::language::sentence($i18n, |locale| $crate::i18n::td_string!(locale, $key))
    };
}

/// See [`word!`]: `pick` is the sentence in one language.
pub fn sentence(i18n: I18n, pick: fn(Locale) -> &'static str) -> Signal<&'static str> {
    Signal::derive(move || pick(i18n.get_locale()))
}

/// `ltr` or `rtl`, for `<html dir>`.
pub fn direction(locale: Locale) -> &'static str {
    locale.direction().as_str()
}

#[cfg(test)]
mod tests {
    use super::Locale;

    #[cfg(feature = "ssr")]
    fn new_lists(locale: Locale, count: usize) -> String {
        super::counted(locale, count, |locale, form| {
            use super::Plural;
            use crate::i18n::td_string;
            match form {
                Plural::Zero => td_string!(locale, new_lists.zero),
                Plural::One => td_string!(locale, new_lists.one),
                Plural::Two => td_string!(locale, new_lists.two),
                Plural::Few => td_string!(locale, new_lists.few),
                Plural::Many => td_string!(locale, new_lists.many),
                Plural::Other => td_string!(locale, new_lists.other),
            }
        })
    }

    // A build for neither side has English's two forms only (see `plural`).
    #[cfg(feature = "ssr")]
    #[test]
    fn the_new_lists_button_follows_each_language_s_plural_rules() {
        assert_eq!(new_lists(Locale::en, 1), "1 new list");
        assert_eq!(new_lists(Locale::en, 2), "2 new lists");
        assert_eq!(new_lists(Locale::de, 1), "1 neue Liste");
        assert_eq!(new_lists(Locale::de, 11), "11 neue Listen");
        // Arabic: one, two, few (3 to 10), many (11 to 99), other (100).
        assert_eq!(new_lists(Locale::ar, 1), "قائمة جديدة واحدة");
        assert_eq!(new_lists(Locale::ar, 2), "قائمتان جديدتان");
        assert_eq!(new_lists(Locale::ar, 3), "3 قوائم جديدة");
        assert_eq!(new_lists(Locale::ar, 11), "11 قائمة جديدة");
        assert_eq!(new_lists(Locale::ar, 100), "100 قائمة جديدة");
        // Numbers in the language's own writing.
        assert_eq!(new_lists(Locale::de, 1000), "1.000 neue Listen");
    }

    #[test]
    fn the_switch_writes_its_query_in_serde_s_names() {
        for back in [None, Some("/notes?q=tea+%26&before=3".to_owned())] {
            let params = super::SwitchParams {
                to: "de".to_owned(),
                back,
            };
            assert_eq!(
                params.query(),
                serde_urlencoded::to_string(&params).unwrap()
            );
        }
    }

    #[test]
    fn arabic_is_written_right_to_left() {
        assert_eq!(super::direction(Locale::ar), "rtl");
        assert_eq!(super::direction(Locale::de), "ltr");
        assert_eq!(super::direction(Locale::en), "ltr");
    }
}
