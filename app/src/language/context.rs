use crate::i18n::Locale;
use leptos::prelude::*;

/// The screen's language, as every text reads it: a signal the server sets to its choice
/// and the switch changes. Texts come from the catalogue through `td_string!(locale, …)`
/// (see [`crate::word!`] and [`crate::counted!`]).
///
/// `leptos_i18n`'s own context is not used: in the browser it negotiates the language
/// again from `navigator.languages` (through `leptos-use` and `icu_locale_core`) before
/// settling on `<html lang>`, and on the server it keeps a cookie in step with an
/// isomorphic effect. Here the server has already chosen ([`super::choice`]) and written
/// its choice in `<html lang>`, so the browser only reads it back.
#[derive(Clone, Copy, Debug)]
pub struct I18n {
    locale: RwSignal<Locale>,
}

impl I18n {
    fn new(locale: Locale) -> Self {
        Self {
            locale: RwSignal::new(locale),
        }
    }

    /// The language, followed: a reactive closure that reads it is run again when it
    /// changes.
    pub fn get_locale(self) -> Locale {
        self.locale.get()
    }

    pub fn get_locale_untracked(self) -> Locale {
        self.locale.get_untracked()
    }

    /// Switches the screen's words to `locale`, in place.
    pub fn set_locale(self, locale: Locale) {
        self.locale.set(locale);
    }
}

/// The screen's language: on the server the one it chose ([`super::DocumentLanguage`]),
/// in the browser the one the server wrote in `<html lang>`, so that hydration finds
/// exactly the server's words.
pub fn provide_i18n() -> I18n {
    #[cfg(feature = "ssr")]
    let chosen = use_context::<super::DocumentLanguage>()
        .unwrap_or_default()
        .0;
    #[cfg(not(feature = "ssr"))]
    let chosen = written_in_html().unwrap_or_default();
    let i18n = I18n::new(chosen);
    provide_context(i18n);
    i18n
}

/// The language the server wrote in `<html lang>`: one of the catalogue's, by name.
#[cfg(not(feature = "ssr"))]
fn written_in_html() -> Option<Locale> {
    use leptos_i18n::Locale as _;
    let lang = document().document_element()?.get_attribute("lang")?;
    Locale::get_all()
        .iter()
        .copied()
        .find(|locale| locale.as_str() == lang)
}
