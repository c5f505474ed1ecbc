//! Sign-in, sign-out and the language switch.

use app::{
    api::ctx,
    backend::{auth::SessionKind, devices, web},
    model::{Lang, session::LoginBody},
};
use axum::{
    Router,
    extract::State,
    http::HeaderMap,
    response::{IntoResponse, Redirect, Response},
    routing::post,
};
use serde::Deserialize;

use super::{And, Form, back_with_error, safe_back, with_cookie};
use crate::{extract::ClientAddr, state::AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/forms/login", post(login))
        .route("/forms/logout", post(logout))
        .route("/forms/lang", post(lang))
}

/// Where to go after signing in (a local path; see [`safe_back`]).
#[derive(Deserialize)]
struct Next {
    next: Option<String>,
}

#[derive(Default, Deserialize)]
struct LangForm {
    lang: String,
    back: Option<String>,
}

/// Signing in on the web: the API's [`LoginBody`], and where to go after.
async fn login(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
    Form(form): Form<And<LoginBody, Next>>,
) -> Response {
    let (form, next) = match form {
        Ok(And(body, next)) => (body, next.next),
        Err(e) => return back_with_error("/login", &e, &[]),
    };
    match state.backend.login(&form.phone, &form.password, SessionKind::Web, &client).await {
        Ok(login) => {
            let secure = web::is_https(&headers);
            let max_age = (login.expires_at - chrono::Utc::now()).num_seconds().max(0);
            let cookie = web::session_cookie(&login.token, max_age, secure);
            let res = with_cookie(Redirect::to(&safe_back(next.as_deref())).into_response(), &cookie);
            // An elder's screen becomes a help device that outlives the session.
            match pair_help_device(&state, &login.token, &headers).await {
                Some(device) => with_cookie(res, &device),
                None => res,
            }
        }
        // The phone number stays out of the URL (history, logs, referrers).
        Err(e) => back_with_error("/login", &e.answer(), &[("next", &safe_back(next.as_deref()))]),
    }
}

/// The `Set-Cookie` of a new help device when the person who just signed
/// in is an elder; `None` for everyone else, and for a screen that already
/// holds a live help device of the same elder: signing in again on it
/// keeps that device. (Each sign-in used to pair another, and past the
/// elder's ten the oldest was revoked, a paired bedside tablet among
/// them: found by a hostile probe.)
async fn pair_help_device(state: &AppState, token: &str, headers: &HeaderMap) -> Option<String> {
    let actor = state.backend.authenticate(token).await.inspect_err(linli_backend::Error::log).ok()?;
    if let Some(held) = web::device_token(headers)
        && let Ok((elder, _)) = state.backend.help_device_elder(&held).await
        && elder.user_id == actor.user_id
    {
        return None;
    }
    let agent = headers.get(axum::http::header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or_default();
    match state.backend.issue_help_device(&actor, &devices::device_label(agent)).await {
        Ok(Some(device)) => {
            let max_age = (device.expires_at - chrono::Utc::now()).num_seconds().max(0);
            Some(web::device_cookie(&device.token, max_age, web::is_https(headers)))
        }
        Ok(None) => None,
        Err(e) => {
            tracing::error!(error = %e, "help device not paired");
            None
        }
    }
}

async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    // Signing out of an already expired session is not an error.
    if let Ok(actor) = ctx::caller(&state.backend, &headers).await
        && let Err(e) = state.backend.logout(&actor).await
    {
        tracing::warn!(error = %e, "logout failed");
    }
    let secure = web::is_https(&headers);
    let res = with_cookie(Redirect::to("/login").into_response(), &web::clear_session_cookie(secure));
    // Signing out on an elder's tablet also unpairs it as a help device.
    let Some(device) = web::device_token(&headers) else { return res };
    if let Err(e) = state.backend.unpair_help_device(&device).await {
        tracing::warn!(error = %e, "help device not unpaired");
    }
    with_cookie(res, &web::device_cookie("", 0, secure))
}

/// The language switch; a code it does not know (or a form that does not
/// read) chooses the default language, as a link would.
async fn lang(headers: HeaderMap, Form(form): Form<LangForm>) -> Response {
    let form = form.unwrap_or_default();
    let lang = Lang::from_code(&form.lang).unwrap_or_default();
    let res = Redirect::to(&safe_back(form.back.as_deref())).into_response();
    with_cookie(res, &web::lang_cookie(lang, web::is_https(&headers)))
}
