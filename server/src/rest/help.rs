//! Elderly help: `/help-calls`, `/check-ins`.

use app::model::help::{HelpActionInput, HelpCall};
use axum::{
    Router,
    extract::{Path, State},
    http::StatusCode,
    routing::{get, post},
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::repairs::Page;
use crate::{
    error::ApiResult,
    extract::{AuthUser, Json, Query},
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/help-calls", post(press).get(list))
        .route("/help-calls/{id}", get(detail))
        .route("/help-calls/{id}/actions", post(act))
        .route("/check-ins", post(check_in))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct PressBody {
    client_key: String,
}

/// 201 with a new call; 200 with the same call when `client_key` repeats.
#[utoipa::path(post, path = "/api/v1/help-calls", tag = "help", request_body = PressBody, responses((status = 201, body = HelpCall, description = "A new call"), (status = 200, body = HelpCall, description = "This client_key was pressed before: the same call"), crate::openapi::Errors))]
pub(crate) async fn press(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Json(body): Json<PressBody>,
) -> ApiResult<(StatusCode, axum::Json<HelpCall>)> {
    let (call, created) = state.backend.press_help(&actor, &body.client_key).await?;
    Ok((if created { StatusCode::CREATED } else { StatusCode::OK }, axum::Json(call)))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct ListQuery {
    open: Option<bool>,
}

#[utoipa::path(get, path = "/api/v1/help-calls", tag = "help", params(ListQuery), responses((status = 200, body = Page<HelpCall>), crate::openapi::Errors))]
pub(crate) async fn list(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Query(q): Query<ListQuery>,
) -> ApiResult<axum::Json<super::repairs::Page<HelpCall>>> {
    let items = state.backend.help_calls(&actor, q.open.unwrap_or(false)).await?;
    Ok(axum::Json(super::repairs::Page { items, next_cursor: None }))
}

#[utoipa::path(get, path = "/api/v1/help-calls/{id}", tag = "help", params(("id" = String, Path, description = "The opaque id")), responses((status = 200, body = HelpCall), crate::openapi::Errors))]
pub(crate) async fn detail(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<HelpCall>> {
    Ok(axum::Json(state.backend.help_call(&actor, &id).await?))
}

#[utoipa::path(post, path = "/api/v1/help-calls/{id}/actions", tag = "help", request_body = HelpActionInput, params(("id" = String, Path, description = "The opaque id")), responses((status = 200, body = HelpCall), crate::openapi::Errors))]
pub(crate) async fn act(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
    Json(body): Json<HelpActionInput>,
) -> ApiResult<axum::Json<HelpCall>> {
    Ok(axum::Json(state.backend.help_action(&actor, &id, body).await?))
}

#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct CheckIn {
    day: String,
    at: DateTime<Utc>,
}

#[utoipa::path(post, path = "/api/v1/check-ins", tag = "help", responses((status = 200, body = CheckIn), crate::openapi::Errors))]
pub(crate) async fn check_in(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
) -> ApiResult<axum::Json<CheckIn>> {
    let at = state.backend.check_in(&actor).await?;
    Ok(axum::Json(CheckIn { day: app::model::time::local_date(at).to_string(), at }))
}
