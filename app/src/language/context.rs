use super::Locale;
use leptos::prelude::*;
use leptos_i18n::{
    context::{I18nContextOptions, UseLocalesOptions},
    I18nContext, Locale as _,
};

/// Creates and provides the page's translation context, in the language the server
/// chose: on the server from [`super::PageLanguage`], in the browser from `<html lang>`,
/// which the server set to the same, so that hydration finds exactly the server's words.
///
/// The crate's own cookie is off: it would store the first language it saw as if the
/// person had picked it. The `lang` cookie is only ever set by the language switch.
pub fn provide_i18n() -> I18nContext<Locale> {
    #[cfg(feature = "ssr")]
    let chosen = use_context::<super::PageLanguage>().unwrap_or_default().0;
    #[cfg(not(feature = "ssr"))]
    let chosen = Locale::default();
    // On the server the crate asks for an `Accept-Language` header: it gets the choice.
    let asked = UseLocalesOptions::default()
        .ssr_lang_header_getter(move || Some(chosen.as_str().to_owned()));
    let options = I18nContextOptions::default()
        .enable_cookie(false)
        .ssr_lang_header_getter(asked);
    let i18n = leptos_i18n::context::init_i18n_context_with_options::<Locale>(options);
    provide_context(i18n);
    i18n
}
