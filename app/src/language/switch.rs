use super::context::I18n;
use super::{SwitchParams, LANGUAGE_PATH};
use crate::i18n::{td_string, Locale};
use crate::word;
use leptos::{ev::MouseEvent, prelude::*};
use leptos_i18n::Locale as _;

/// The languages, each by its own name ("English", "Deutsch", "العربية"). Without
/// JavaScript each is a link that sets the cookie and comes back to the same URL; once
/// hydrated, a click switches the words in place, keeping the rows and the live feed.
/// `back` is the screen's URL as it is now (its path and query); `title` the document's
/// title in each language.
#[component]
pub fn LanguageSwitch(
    i18n: I18n,
    back: Signal<String>,
    title: fn(Locale) -> &'static str,
) -> impl IntoView {
    follow_the_language(i18n, title);
    let links = Locale::get_all()
        .iter()
        .map(|&locale| {
            let href = move || {
                let params = SwitchParams {
                    to: locale.as_str().to_owned(),
                    back: Some(back.get()),
                };
                format!("{LANGUAGE_PATH}?{}", params.query())
            };
            let switch = move |event: MouseEvent| {
                event.prevent_default();
                i18n.set_locale(locale);
                remember(locale);
            };
            view! {
                <li>
                    <a
                        href=href
                        lang=locale.as_str()
                        hreflang=locale.as_str()
                        aria-current=move || (i18n.get_locale() == locale).then_some("true")
                        on:click=switch
                    >
                        {td_string!(locale, language_name)}
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <nav class="language-switch" aria-label=word!(i18n, language_label)>
            <ul>{links}</ul>
        </nav>
    }
}

/// Keeps `<html lang dir>` and the title in step with the language once it changes on
/// the screen (the server wrote them in the document for the first one).
fn follow_the_language(i18n: I18n, title: fn(Locale) -> &'static str) {
    Effect::new(move |previous: Option<Locale>| {
        let locale = i18n.get_locale();
        if previous.is_some_and(|previous| previous != locale) {
            let document = document();
            if let Some(root) = document.document_element() {
                let _ = root.set_attribute("lang", locale.as_str());
                let _ = root.set_attribute("dir", super::direction(locale));
            }
            document.set_title(title(locale));
        }
        locale
    });
}

/// Stores the choice in the same cookie the server's switch sets, so that the next
/// document (after a reload, or opened in another tab) comes in this language from its
/// first byte.
fn remember(locale: Locale) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        if let Ok(document) = document().dyn_into::<web_sys::HtmlDocument>() {
            let _ = document.set_cookie(&super::language_cookie(locale));
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = locale;
}
