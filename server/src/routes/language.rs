//! `GET /language?to=de&back=/notes%3Fq%3Dtea`: the language switch without JavaScript.
//! Remembers the choice in the `lang` cookie and goes back to the URL it came from.

use super::refusal::refuse;
use app::language::{language_cookie, Locale, Refusal, SwitchParams};
use app::lists::NOTES_PATH;
use axum::{
    extract::{rejection::QueryRejection, Query},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use std::str::FromStr;

pub async fn switch(
    headers: HeaderMap,
    query: Result<Query<SwitchParams>, QueryRejection>,
) -> Response {
    let picked = query
        .ok()
        .and_then(|Query(switch)| Some((Locale::from_str(&switch.to).ok()?, switch.back)));
    let Some((locale, back)) = picked else {
        return refuse(&headers, StatusCode::BAD_REQUEST, Refusal::NotUnderstood);
    };
    let back = back
        .filter(|path| is_local(path))
        .unwrap_or_else(|| NOTES_PATH.to_owned());
    let (Ok(location), Ok(cookie)) = (
        HeaderValue::from_str(&back),
        HeaderValue::from_str(&language_cookie(locale)),
    ) else {
        return refuse(&headers, StatusCode::BAD_REQUEST, Refusal::NotUnderstood);
    };
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, location), (header::SET_COOKIE, cookie)],
    )
        .into_response()
}

/// Only a path on this site: `//other.example` and `/\other.example` are other sites to
/// a browser.
fn is_local(path: &str) -> bool {
    path.starts_with('/') && !path[1..].starts_with(['/', '\\'])
}

#[cfg(test)]
mod tests {
    use super::is_local;

    #[test]
    fn only_paths_on_this_site_are_followed_back() {
        assert!(is_local("/notes?q=tea"));
        assert!(is_local("/"));
        assert!(!is_local("//evil.example/notes"));
        assert!(!is_local("/\\evil.example"));
        assert!(!is_local("https://evil.example/"));
        assert!(!is_local("notes"));
    }
}
