//! Plain HTML form posts, for the core forms to work before the WASM has
//! loaded or with JavaScript off. Each answers with a 303 redirect (the
//! post/redirect/get pattern): to the result on success, back to the form
//! with `?error=<message key>` otherwise. They call the same services as
//! the JSON API.
//!
//! A handler has three parts, each done one way for every form:
//! - the caller: [`WebUser`] or [`HelpUser`], found by the same rule as the
//!   JSON API's and the server functions' (`app::api::ctx`);
//! - the input: [`Form`], the fields read with serde into a typed struct:
//!   the model's input type where the form has the JSON body's fields (so
//!   both surfaces hand the service the same value), a small struct of the
//!   form's own otherwise. A box left empty arrives as `""`, as a JSON
//!   client's empty string would, and the services read blank text as not
//!   given; an empty number or date is `None`;
//! - the answer: [`respond`], the result's page or the form with its error.
//!   Input that does not read is refused like any other, never a 500.

mod admin;
mod auth;
mod complaints;
mod help;
mod notices;
mod outages;
mod passes;
mod repairs;
mod staff_entry;

use std::convert::Infallible;

use app::{
    api::ctx,
    backend::{Actor, ids},
    model::{AppError, ErrorCode, Msg},
};
use axum::{
    Router,
    body::Bytes,
    extract::{FromRequest, FromRequestParts, Request},
    http::{HeaderValue, header, request::Parts},
    response::{IntoResponse, Redirect, Response},
};
use serde::{Deserialize, Deserializer, de::DeserializeOwned};

use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(admin::router())
        .merge(auth::router())
        .merge(repairs::router())
        .merge(staff_entry::router())
        .merge(complaints::router())
        .merge(help::router())
        .merge(passes::router())
        .merge(notices::router())
        .merge(outages::router())
}

/// The signed-in web user; anyone without a session is sent to the
/// sign-in page (see [`caller_refused`] for the other refusals).
pub struct WebUser(pub Actor);

impl FromRequestParts<AppState> for WebUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        ctx::caller(&state.backend, &parts.headers).await.map(Self).map_err(|e| caller_refused(parts, &e))
    }
}

/// The caller of the help button and the check-in: the web session, or
/// else the help device of an elder's tablet; anyone else is sent to the
/// sign-in page.
pub struct HelpUser(pub Actor);

impl FromRequestParts<AppState> for HelpUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        ctx::help_caller(&state.backend, &parts.headers).await.map(Self).map_err(|e| caller_refused(parts, &e))
    }
}

/// The answer when the caller could not be found: the sign-in page only
/// when there is no valid session (401); any other failure (a write
/// conflict while the session was read: 409) goes back to the page the
/// form was posted from (`Referer`, a path on this site) with its error,
/// as a refusal of the form itself would.
fn caller_refused(parts: &Parts, e: &AppError) -> Response {
    if e.code.status() == 401 {
        return Redirect::to("/login").into_response();
    }
    let page = parts
        .headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.parse::<axum::http::Uri>().ok())
        .map(|u| u.path().to_string());
    back_with_error(&safe_back(page.as_deref()), e, &[])
}

/// The fields of an `application/x-www-form-urlencoded` post read into `T`
/// with serde (`serde_html_form`: a repeated key, such as a checkbox
/// group, fills a `Vec`; an empty number is `None`). Only the first
/// [`MAX_FORM_FIELDS`] fields are read. `Err` is the refusal to show on
/// the form: the handler knows which page that is, so the extractor itself
/// never rejects.
pub(super) struct Form<T>(pub Result<T, AppError>);

impl<T: Fields, S: Send + Sync> FromRequest<S> for Form<T> {
    type Rejection = Infallible;

    async fn from_request(req: Request, state: &S) -> Result<Self, Infallible> {
        // Only a form's own encoding is read: a JSON or text body would
        // otherwise parse as "no fields" and reach the service as defaults
        // (an elder's settings posted as JSON switched elder mode off).
        let is_form = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/x-www-form-urlencoded"));
        if !is_form {
            return Ok(Self(Err(AppError::new(ErrorCode::UnsupportedMedia, Msg::ErrBadRequest))));
        }
        let read = match Bytes::from_request(req, state).await {
            Ok(body) if !is_utf8_form(&body) => {
                Err(AppError::new(ErrorCode::Invalid, Msg::ErrBadRequest).with_detail("not UTF-8"))
            }
            Ok(body) => read_fields(form_urlencoded::parse(&body)),
            Err(e) => Err(crate::extract::body_failure(&e)),
        };
        Ok(Self(read))
    }
}

/// What a form is read into: one type, or [`And`] two.
pub(super) trait Fields: Sized {
    fn read(fields: &str) -> Result<Self, serde_html_form::de::Error>;
}

impl<T: DeserializeOwned> Fields for T {
    fn read(fields: &str) -> Result<Self, serde_html_form::de::Error> {
        serde_html_form::from_str(fields)
    }
}

/// The same fields read as two types: the model's input type and what the
/// page adds to it (where to go back to, a validity in days). Both see
/// every field and ignore those they do not name.
pub(super) struct And<A, B>(pub A, pub B);

impl<A: DeserializeOwned, B: DeserializeOwned> Fields for And<A, B> {
    fn read(fields: &str) -> Result<Self, serde_html_form::de::Error> {
        Ok(Self(serde_html_form::from_str(fields)?, serde_html_form::from_str(fields)?))
    }
}

/// Reads (name, value) pairs into `T`, as [`Form`] does; the multipart
/// repair report decodes its text parts with it.
/// Whether every name and value of an urlencoded body decodes to UTF-8
/// (`form_urlencoded` would replace bad bytes with U+FFFD and store them).
fn is_utf8_form(body: &[u8]) -> bool {
    body.split(|b| *b == b'&').flat_map(|pair| pair.split(|b| *b == b'=')).all(|part| {
        let spaced: Vec<u8> = part.iter().map(|b| if *b == b'+' { b' ' } else { *b }).collect();
        percent_encoding::percent_decode(&spaced).decode_utf8().is_ok()
    })
}

pub(super) fn read_fields<T: Fields, K: AsRef<str>, V: AsRef<str>>(
    fields: impl IntoIterator<Item = (K, V)>,
) -> Result<T, AppError> {
    let mut kept = form_urlencoded::Serializer::new(String::new());
    for (name, value) in fields.into_iter().take(MAX_FORM_FIELDS) {
        kept.append_pair(name.as_ref(), value.as_ref());
    }
    T::read(&kept.finish())
        .map_err(|e| AppError::new(ErrorCode::Invalid, Msg::ErrBadRequest).with_detail(e.to_string()))
}

/// Where a form goes back to (`back`, a local path; see [`safe_back`]).
#[derive(Deserialize)]
pub(super) struct Back {
    back: Option<String>,
}

impl Back {
    pub fn path(&self) -> String {
        safe_back(self.back.as_deref())
    }

    /// The `back` given, or else `page` (the page the form is on), so a
    /// refusal is shown where it can be read rather than on `/`.
    pub fn path_or(&self, page: String) -> String {
        if self.back.is_some() { self.path() } else { page }
    }
}

/// The answer to a form post: 303 to the path the handler arrived at, or
/// back to `form` with the refusal's message key.
pub(super) fn respond(form: &str, outcome: Result<String, AppError>) -> Response {
    match outcome {
        Ok(to) => Redirect::to(&to).into_response(),
        Err(e) => back_with_error(form, &e, &[]),
    }
}

/// An `<input type="datetime-local">` (`2026-11-27T14:30`), read as
/// Shanghai time. Empty, or a value that is not one (an old browser's text
/// box), reads as not given: the handler says what is missing.
pub(super) fn local_datetime<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, D::Error> {
    Ok(Option::<String>::deserialize(d)?.as_deref().and_then(parse_local_datetime))
}

/// The page of an object (`/repairs/<id>`), with the id only if it is one of ours.
pub(super) fn page_of(base: &str, id: &str) -> String {
    format!("{base}/{}", if ids::is_plausible_key(id) { id } else { "" })
}

/// The most fields a plain form post may carry (the largest form has a
/// dozen); the rest are not read.
const MAX_FORM_FIELDS: usize = 64;
/// The most bytes one text field of a multipart form may hold.
const MAX_TEXT_PART: usize = 16 * 1024;
/// The most parts a multipart form may have (six photos and the fields).
pub(super) const MAX_PARTS: usize = 32;

/// Reads a text part of a multipart form chunk by chunk, refusing it
/// (413) as soon as it passes [`MAX_TEXT_PART`]: a "description" of 90 MB
/// is never held in memory.
pub(super) async fn text_part(field: &mut axum::extract::multipart::Field<'_>) -> Result<String, AppError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|e| crate::rest::multipart_error(&e))? {
        if bytes.len() + chunk.len() > MAX_TEXT_PART {
            return Err(AppError::new(ErrorCode::PayloadTooLarge, Msg::ErrTooLong)
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
            return Err(AppError::new(ErrorCode::PayloadTooLarge, Msg::ErrPhotoTooBig)
                .with_detail(field.name().unwrap_or_default().to_string()));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// A local path to go back to; anything else becomes `/`, so a form
/// cannot be abused as an open redirect. Strict: one `/` then a path of
/// visible ASCII without `\` or a second leading `/`. Browsers drop tabs
/// and newlines from URLs and read `\` as `/`, so `/\t/evil.example` or
/// `/\evil` would lead to another host; control characters, spaces and
/// non-ASCII (which a browser may normalise in ways of its own) are refused
/// outright rather than cleaned.
pub(super) fn safe_back(back: Option<&str>) -> String {
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

/// `path?error=<key>` (`&error=` when `path` has a query already, as a
/// `back` of `/admin/passes?status=paused` may): the page shows the
/// message in the reader's language. Every page a form comes back to
/// shows it (`FormError` in app/src/ui/components.rs).
pub(super) fn back_with_error(path: &str, err: &AppError, extra: &[(&str, &str)]) -> Response {
    let key = serde_json::to_value(err.msg).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    let sep = if path.contains('?') { '&' } else { '?' };
    let mut url = format!("{path}{sep}error={key}");
    // The message's placeholders (`{when}`), for the page to fill in.
    let args = err.args.iter().map(|(k, v)| (k.as_str(), v.as_str()));
    for (k, v) in extra.iter().copied().chain(args) {
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
fn parse_local_datetime(s: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    let naive = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").ok()?;
    Some(linli_model::time::local_instant(naive.date(), naive.time()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_bytes_that_are_not_utf8_are_refused_not_replaced() {
        assert!(is_utf8_form(b"visitor_name=%E5%BC%A0%E4%BC%9F&n=1+2"));
        assert!(is_utf8_form(b"a=&b"));
        assert!(!is_utf8_form(b"visitor_name=%FF%FE%C0"));
        assert!(!is_utf8_form(b"ok=1&%C0=x"));
        assert!(!is_utf8_form(&[b'r', b'a', b'w', b'=', 0xff]));
    }

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

    fn read<T: Fields>(body: &str) -> Result<T, AppError> {
        read_fields(form_urlencoded::parse(body.as_bytes()))
    }

    #[test]
    fn forms_read_into_the_models_input_types() {
        use linli_model::admin::NewPerson;
        let one: NewPerson = read("name=A&phone=138&role=worker&password=p&trades=plumbing&gate=").unwrap();
        assert_eq!(one.trades, ["plumbing"], "one checked box is a list of one");
        assert_eq!(
            one.gate.as_deref(),
            Some(""),
            "an empty box is given empty, as JSON would; the service reads blank as none"
        );
        let two: NewPerson = read("name=A&phone=138&role=worker&password=p&trades=plumbing&trades=electric").unwrap();
        assert_eq!(two.trades, ["plumbing", "electric"]);
        let none: NewPerson = read("name=A&phone=138&role=worker&password=p").unwrap();
        assert!(none.trades.is_empty() && none.gate.is_none());

        let And(action, back): And<linli_model::help::HelpActionInput, Back> =
            read("action=resolve&outcome=resolved&back=%2Fduty").unwrap();
        assert_eq!((action.action.as_str(), action.outcome.as_deref()), ("resolve", Some("resolved")));
        assert_eq!(back.path(), "/duty");
        let And(_, back): And<linli_model::help::HelpActionInput, Back> = read("action=ack&back=//evil").unwrap();
        assert_eq!(back.path(), "/");
    }

    #[test]
    fn input_that_does_not_read_is_a_refusal_with_a_message() {
        let rating: linli_model::job::RatingInput = read("stars=4&tags=on_time&comment=").unwrap();
        assert_eq!(rating.stars, 4);
        for bad in [
            "stars=four",
            "stars=4&stars=5",
            "comment=no+stars",
            "stars=4&tags=a&tags=b&tags=c&tags=d&tags=e&tags=f&tags=g&tags=h&tags=i&tags=j&tags=k",
        ] {
            let err = read::<linli_model::job::RatingInput>(bad).err().unwrap_or_else(|| panic!("{bad} read"));
            assert_eq!((err.code, err.msg), (ErrorCode::Invalid, Msg::ErrBadRequest), "{bad}");
        }
    }

    #[test]
    fn only_the_first_fields_are_read() {
        #[derive(Deserialize)]
        struct Tags {
            #[serde(default)]
            tag: Vec<String>,
        }
        let body = vec!["tag=x"; 100].join("&");
        assert_eq!(read::<Tags>(&body).unwrap().tag.len(), MAX_FORM_FIELDS);
    }

    #[test]
    fn local_times_read_as_shanghai_and_anything_else_as_not_given() {
        #[derive(Deserialize)]
        struct When {
            #[serde(default, deserialize_with = "local_datetime")]
            at: Option<chrono::DateTime<chrono::Utc>>,
        }
        let at = read::<When>("at=2026-11-27T14%3A30").unwrap().at.unwrap();
        assert_eq!(at.to_rfc3339(), "2026-11-27T06:30:00+00:00");
        for none in ["at=", "at=tomorrow", ""] {
            assert!(read::<When>(none).unwrap().at.is_none(), "{none}");
        }
    }

    #[test]
    fn urlencodes_non_ascii() {
        assert_eq!(urlencode("a b&张"), "a%20b%26%E5%BC%A0");
    }
}
