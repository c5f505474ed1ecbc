//! Sign-in, sign-out and the language switch.

use app::{
    backend::{auth::SessionKind, web},
    model::Lang,
};
use axum::{
    Form, Router,
    extract::State,
    http::HeaderMap,
    response::{IntoResponse, Redirect, Response},
    routing::post,
};
use serde::Deserialize;

use super::{back_with_error, safe_back, with_cookie};
use crate::{extract::ClientAddr, state::AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/forms/login", post(login))
        .route("/forms/logout", post(logout))
        .route("/forms/lang", post(lang))
}

#[derive(Deserialize)]
struct LoginForm {
    phone: String,
    password: String,
    next: Option<String>,
}

#[derive(Deserialize)]
struct LangForm {
    lang: String,
    back: Option<String>,
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
        Err(e) => back_with_error(
            "/login",
            &e.into(),
            &[("phone", form.phone.as_str()), ("next", &safe_back(form.next.as_deref()))],
        ),
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

async fn lang(headers: HeaderMap, Form(form): Form<LangForm>) -> Response {
    let lang = Lang::from_code(&form.lang).unwrap_or_default();
    let res = Redirect::to(&safe_back(form.back.as_deref())).into_response();
    with_cookie(res, &web::lang_cookie(lang, web::is_https(&headers)))
}
