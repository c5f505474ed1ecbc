//! Elderly help: `/help-calls`, `/check-ins`.

use axum::{
    Router,
    extract::{Path, State},
    http::StatusCode,
    routing::{delete, get, post},
};
use chrono::{DateTime, Utc};
use linli_model::help::{HelpActionInput, HelpCall, HelpDevice};
use serde::{Deserialize, Serialize};

use super::repairs::Page;
use crate::{
    error::ApiResult,
    extract::{AuthUser, HelpCaller, Json, Query},
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/help-calls", post(press).get(list))
        .route("/help-calls/{id}", get(detail))
        .route("/help-calls/{id}/actions", post(act))
        .route("/check-ins", post(check_in))
        .route("/help-devices", post(pair_device))
        .route("/elders/{id}/devices", get(devices))
        .route("/elders/{id}/devices/{device}", delete(revoke_device))
}

/// A new help device credential, shown once.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct PairedDevice {
    id: String,
    /// Send as `Authorization: Bearer <token>` to `POST /help-calls` and
    /// `POST /check-ins` only; it works after the session has expired.
    token: String,
    /// Moves ahead with every use (180 days).
    expires_at: DateTime<Utc>,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct PairBody {
    /// What the device is, e.g. "卧室平板" (at most 40 characters).
    #[serde(default)]
    label: Option<String>,
}

/// The signed-in elder pairs this device as a help device (a tablet left
/// on the help screen): 201 with its credential; 403 for anyone but a
/// resident in elder mode.
#[utoipa::path(post, path = "/api/v1/help-devices", tag = "help", request_body = PairBody, responses((status = 201, body = PairedDevice), crate::openapi::Errors))]
pub(crate) async fn pair_device(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Json(body): Json<PairBody>,
) -> ApiResult<(StatusCode, axum::Json<PairedDevice>)> {
    let label = body.label.unwrap_or_else(|| "小程序 mini-program".into());
    let device = state.backend.issue_help_device(&actor, &label).await?.ok_or_else(linli_model::AppError::forbidden)?;
    Ok((
        StatusCode::CREATED,
        axum::Json(PairedDevice { id: device.id, token: device.token, expires_at: device.expires_at }),
    ))
}

/// An elder's help devices (butler of the building, duty room, manager).
#[utoipa::path(get, path = "/api/v1/elders/{id}/devices", tag = "help", params(("id" = String, Path, description = "The elder's opaque id")), responses((status = 200, body = Page<HelpDevice>), crate::openapi::Errors))]
pub(crate) async fn devices(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Page<HelpDevice>>> {
    Ok(axum::Json(Page { items: state.backend.help_devices(&actor, &id).await?, next_cursor: None }))
}

/// Revokes one of an elder's help devices at once (butler, manager): 204.
#[utoipa::path(delete, path = "/api/v1/elders/{id}/devices/{device}", tag = "help", params(("id" = String, Path, description = "The elder's opaque id"), ("device" = String, Path, description = "The device's id")), responses((status = 204, description = "Revoked"), crate::openapi::Errors))]
pub(crate) async fn revoke_device(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path((id, device)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    state.backend.revoke_help_device(&actor, &id, &device).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct PressBody {
    /// Made once per press by the client: 8–64 printable ASCII characters
    /// (a UUID, base64…); repeating it while the call is open returns
    /// that call.
    client_key: String,
}

/// 201 with a new call; 200 with the same call when `client_key` repeats.
#[utoipa::path(post, path = "/api/v1/help-calls", tag = "help", request_body = PressBody, responses((status = 201, body = HelpCall, description = "A new call"), (status = 200, body = HelpCall, description = "This client_key was pressed before: the same call"), crate::openapi::Errors))]
pub(crate) async fn press(
    State(state): State<AppState>,
    HelpCaller(actor): HelpCaller,
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
    HelpCaller(actor): HelpCaller,
) -> ApiResult<axum::Json<CheckIn>> {
    let at = state.backend.check_in(&actor).await?;
    Ok(axum::Json(CheckIn { day: linli_model::time::local_date(at).to_string(), at }))
}
