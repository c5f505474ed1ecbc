//! Plain HTML form posts, for the core forms to work before the WASM has
//! loaded or with JavaScript off. Each answers with a 303 redirect (the
//! post/redirect/get pattern): to the result on success, back to the form
//! with `?error=<message key>` otherwise. They call the same services as
//! the JSON API.

mod admin;
mod auth;
mod help;
mod notices;
mod passes;
mod repairs;

use app::{
    backend::{Actor, ids, web},
    model::AppError,
};
use axum::{
    Router,
    extract::FromRequestParts,
    http::{HeaderValue, header, request::Parts},
    response::{IntoResponse, Redirect, Response},
};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(admin::router())
        .merge(auth::router())
        .merge(repairs::router())
        .merge(help::router())
        .merge(passes::router())
        .merge(notices::router())
}

/// The signed-in web user; anyone else is sent to the sign-in page.
pub struct WebUser(pub Actor);

impl FromRequestParts<AppState> for WebUser {
    type Rejection = Redirect;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Redirect> {
        let token = web::session_token(&parts.headers).ok_or_else(|| Redirect::to("/login"))?;
        state.backend.authenticate(&token).await.map(Self).map_err(|_| Redirect::to("/login"))
    }
}

/// The caller of the help button and the check-in: the web session, or
/// else the help device cookie of an elder's tablet; anyone else is sent
/// to the sign-in page.
pub struct HelpUser(pub Actor);

impl FromRequestParts<AppState> for HelpUser {
    type Rejection = Redirect;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Redirect> {
        let session = web::session_token(&parts.headers);
        let device = web::device_token(&parts.headers);
        if session.is_none() && device.is_none() {
            return Err(Redirect::to("/login"));
        }
        match state.backend.help_caller(session.as_deref(), device.as_deref()).await {
            Ok((actor, _)) => Ok(Self(actor)),
            Err(_) => Err(Redirect::to("/login")),
        }
    }
}

/// The page of an object (`/repairs/<id>`), with the id only if it is one of ours.
pub(super) fn page_of(base: &str, id: &str) -> String {
    format!("{base}/{}", if ids::is_plausible_key(id) { id } else { "" })
}

/// The fields of a `application/x-www-form-urlencoded` body, repeated
/// keys included (checkbox groups).
pub(super) fn form_fields(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body).take(MAX_FORM_FIELDS).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

/// The most fields a plain form post may carry (the largest form has a
/// dozen); the rest are not read.
const MAX_FORM_FIELDS: usize = 64;
/// The most bytes one text field of a multipart form may hold.
pub(super) const MAX_TEXT_PART: usize = 16 * 1024;
/// The most parts a multipart form may have (six photos and the fields).
pub(super) const MAX_PARTS: usize = 32;

/// Reads a text part of a multipart form chunk by chunk, refusing it
/// (413) as soon as it passes [`MAX_TEXT_PART`]: a "description" of 90 MB
/// is never held in memory.
pub(super) async fn text_part(field: &mut axum::extract::multipart::Field<'_>) -> Result<String, AppError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|e| crate::rest::multipart_error(&e))? {
        if bytes.len() + chunk.len() > MAX_TEXT_PART {
            return Err(AppError::new(linli_model::ErrorCode::PayloadTooLarge, linli_model::Msg::ErrTooLong)
                .with_detail(field.name().unwrap_or_default().to_string()));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// A file part read whole, refused with 413 as soon as it passes `max`
/// bytes (so one part can never take the whole form's allowance).
pub(super) async fn file_part(
    field: &mut axum::extract::multipart::Field<'_>,
    max: usize,
) -> Result<Vec<u8>, AppError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|e| crate::rest::multipart_error(&e))? {
        if bytes.len() + chunk.len() > max {
            return Err(AppError::new(linli_model::ErrorCode::PayloadTooLarge, linli_model::Msg::ErrPhotoTooBig)
                .with_detail(field.name().unwrap_or_default().to_string()));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

pub(super) fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).filter(|v| !v.is_empty())
}

/// A local path to go back to; anything else becomes `/`, so a form
/// cannot be abused as an open redirect. Strict: one `/` then a path of
/// visible ASCII without `\` or a second leading `/`. Browsers drop tabs
/// and newlines from URLs and read `\` as `/`, so `/\t/evil.example` or
/// `/\evil` would lead to another host; control characters, spaces and
/// non-ASCII (which a browser may normalise in ways of its own) are refused
/// outright rather than cleaned.
pub fn safe_back(back: Option<&str>) -> String {
    match back {
        Some(p) if is_local_path(p) => p.to_string(),
        _ => "/".to_string(),
    }
}

fn is_local_path(p: &str) -> bool {
    let mut bytes = p.bytes();
    bytes.next() == Some(b'/')
        && !matches!(p.as_bytes().get(1), Some(b'/' | b'\\'))
        && p.len() <= 512
        && p.bytes().all(|b| b.is_ascii_graphic() && b != b'\\')
}

/// `path?error=<key>`: the page shows the message in the reader's language.
pub fn back_with_error(path: &str, err: &AppError, extra: &[(&str, &str)]) -> Response {
    let key = serde_json::to_value(err.msg).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    let mut url = format!("{path}?error={key}");
    for (k, v) in extra {
        url.push('&');
        url.push_str(k);
        url.push('=');
        url.push_str(&urlencode(v));
    }
    Redirect::to(&url).into_response()
}

pub(super) fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub(super) fn with_cookie(mut res: Response, cookie: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

/// `2026-11-27T14:30` from an `<input type="datetime-local">`, read as
/// Shanghai time.
pub fn parse_local_datetime(s: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    let naive = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").ok()?;
    Some(linli_model::time::local_instant(naive.date(), naive.time()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_paths_stay_on_this_site() {
        assert_eq!(safe_back(Some("/repairs/1")), "/repairs/1");
        assert_eq!(safe_back(Some("//evil.example")), "/");
        assert_eq!(safe_back(Some("https://evil.example")), "/");
        assert_eq!(safe_back(Some("/\\evil")), "/");
        assert_eq!(safe_back(None), "/");
        assert_eq!(safe_back(Some("/\t/evil.example/")), "/", "browsers drop the tab: //evil.example/");
        assert_eq!(safe_back(Some("/\n/evil.example")), "/");
        assert_eq!(safe_back(Some("/ /evil.example")), "/");
        assert_eq!(safe_back(Some("/%09/evil.example")), "/%09/evil.example", "encoded stays a local path");
        assert_eq!(safe_back(Some("/repairs?status=open&x=1")), "/repairs?status=open&x=1");
    }

    #[test]
    fn urlencodes_non_ascii() {
        assert_eq!(urlencode("a b&张"), "a%20b%26%E5%BC%A0");
    }
}
