//! Which language a request gets: the one the person picked with the switch (the `lang`
//! cookie), else the first of the browser's languages (`Accept-Language`, by weight)
//! that the catalogue has, else English.

use super::LANGUAGE_COOKIE;
use crate::i18n::Locale;
use http::{header, HeaderMap};
use leptos_i18n::Locale as _;
use std::str::FromStr;

pub fn choose(headers: &HeaderMap) -> Locale {
    if let Some(picked) =
        crate::cookie::read(headers, LANGUAGE_COOKIE).and_then(|value| Locale::from_str(value).ok())
    {
        return picked;
    }
    let asked = headers
        .get_all(header::ACCEPT_LANGUAGE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(accept_language::parse)
        .collect::<Vec<_>>();
    Locale::find_locale(&asked)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(name, value.parse().unwrap());
        }
        headers
    }

    #[test]
    fn the_picked_language_wins_over_the_browser() {
        let request = headers(&[
            (header::COOKIE, "theme=dark; lang=ar"),
            (header::ACCEPT_LANGUAGE, "de-DE,de;q=0.9"),
        ]);
        assert_eq!(choose(&request), Locale::ar);
    }

    #[test]
    fn the_browser_languages_are_taken_by_weight() {
        let request = headers(&[(
            header::ACCEPT_LANGUAGE,
            "fr;q=0.9, ar-EG;q=0.5, de-AT;q=0.8",
        )]);
        assert_eq!(choose(&request), Locale::de);
        let request = headers(&[(header::ACCEPT_LANGUAGE, "de-DE")]);
        assert_eq!(choose(&request), Locale::de);
    }

    #[test]
    fn english_when_nothing_matches_or_the_cookie_is_unknown() {
        assert_eq!(choose(&HeaderMap::new()), Locale::en);
        let request = headers(&[
            (header::COOKIE, "lang=xx"),
            (header::ACCEPT_LANGUAGE, "ja, fr;q=0.5"),
        ]);
        assert_eq!(choose(&request), Locale::en);
    }
}
