//! Sessions: `/auth/login`, `/auth/logout`, `/me`.

use app::{
    backend::auth::SessionKind,
    model::{
        Me,
        session::{LoginAnswer, LoginBody},
    },
};
use axum::{
    Router,
    extract::State,
    http::StatusCode,
    routing::{get, post},
};

use crate::{
    error::ApiResult,
    extract::{AuthUser, ClientAddr, Json},
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new().route("/auth/login", post(login)).route("/auth/logout", post(logout)).route("/me", get(me))
}

#[utoipa::path(post, path = "/api/v1/auth/login", tag = "sessions", request_body = LoginBody, responses((status = 200, body = LoginAnswer), crate::openapi::Errors), security(()))]
pub(crate) async fn login(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    Json(body): Json<LoginBody>,
) -> ApiResult<axum::Json<LoginAnswer>> {
    Ok(axum::Json(state.backend.login(&body.phone, &body.password, SessionKind::Api, &client).await?))
}

#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "sessions", responses((status = 204, description = "Signed out"), crate::openapi::Errors))]
pub(crate) async fn logout(State(state): State<AppState>, AuthUser(actor): AuthUser) -> ApiResult<StatusCode> {
    state.backend.logout(&actor).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/me", tag = "sessions", responses((status = 200, body = linli_model::Me), crate::openapi::Errors))]
pub(crate) async fn me(AuthUser(actor): AuthUser) -> axum::Json<Me> {
    axum::Json(actor.me())
}
