//! A refusal's answer: the status and one plain-text sentence in the visitor's language.

use app::language::{choice, Refusal};
use axum::{
    body::Body,
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};

pub fn refuse(headers: &HeaderMap, status: StatusCode, refusal: Refusal) -> Response {
    let sentence = refusal.sentence(choice::choose(headers));
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        Body::from(sentence),
    )
        .into_response()
}
