//! Plain HTML form posts, for the core forms to work before the WASM has
//! loaded or with JavaScript off. Each answers with a 303 redirect (the
//! post/redirect/get pattern): to the result on success, back to the form
//! with `?error=<message key>` otherwise. They call the same services as
//! the JSON API.

use app::{
    backend::{auth::SessionKind, web},
    model::{AppError, Lang},
};
use axum::{
    Form, Router,
    extract::State,
    http::{HeaderMap, HeaderValue, header},
    response::{IntoResponse, Redirect, Response},
    routing::post,
};
use serde::Deserialize;

use crate::{extract::ClientAddr, state::AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/forms/login", post(login))
        .route("/forms/logout", post(logout))
        .route("/forms/lang", post(lang))
}

/// A local path to go back to; anything else (another site, `//evil`)
/// becomes `/`, so a form cannot be abused as an open redirect.
pub fn safe_back(back: Option<&str>) -> String {
    match back {
        Some(p) if p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') => p.to_string(),
        _ => "/".to_string(),
    }
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

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn with_cookie(mut res: Response, cookie: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

#[derive(Deserialize)]
struct LoginForm {
    phone: String,
    password: String,
    next: Option<String>,
}

async fn login(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    match state.backend.login(&form.phone, &form.password, SessionKind::Web, &client).await {
        Ok(login) => {
            let max_age = (login.expires_at - chrono::Utc::now()).num_seconds().max(0);
            let cookie = web::session_cookie(&login.token, max_age, web::is_https(&headers));
            with_cookie(Redirect::to(&safe_back(form.next.as_deref())).into_response(), &cookie)
        }
        Err(e) => back_with_error("/login", &e.into(), &[("phone", form.phone.as_str())]),
    }
}

async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    // Signing out of an already expired session is not an error.
    if let Some(token) = web::session_token(&headers)
        && let Ok(actor) = state.backend.authenticate(&token).await
        && let Err(e) = state.backend.logout(&actor).await
    {
        tracing::warn!(error = %e, "logout failed");
    }
    with_cookie(Redirect::to("/login").into_response(), &web::clear_session_cookie(web::is_https(&headers)))
}

#[derive(Deserialize)]
struct LangForm {
    lang: String,
    back: Option<String>,
}

async fn lang(headers: HeaderMap, Form(form): Form<LangForm>) -> Response {
    let lang = Lang::from_code(&form.lang).unwrap_or_default();
    let res = Redirect::to(&safe_back(form.back.as_deref())).into_response();
    with_cookie(res, &web::lang_cookie(lang, web::is_https(&headers)))
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
    }

    #[test]
    fn urlencodes_non_ascii() {
        assert_eq!(urlencode("a b&张"), "a%20b%26%E5%BC%A0");
    }
}
