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
    #[cfg(feature = "ssr")]
    let i18n = {
        // The crate keeps its language cookie in step with an isomorphic effect, which
        // on the server is a task spawned on tokio. Under load that task first ran after
        // the response had ended and the request's owner was cleaned up, and panicked
        // reading a disposed signal (BENCHMARKS.md, issue 20). The cookie is off and the
        // server has nothing for the effect to do, so its owner is paused: the effect
        // never runs here. The owner lives as long as the request's.
        let owner = Owner::new();
        let i18n =
            owner.with(|| leptos_i18n::context::init_i18n_context_with_options::<Locale>(options));
        owner.pause();
        on_cleanup(move || drop(owner));
        i18n
    };
    #[cfg(not(feature = "ssr"))]
    let i18n = leptos_i18n::context::init_i18n_context_with_options::<Locale>(options);
    provide_context(i18n);
    i18n
}
