//! Elderly help: `/help-calls`, `/check-ins`.

use axum::{
    Router,
    extract::{Path, State},
    http::StatusCode,
    routing::{delete, get, post},
};
use linli_model::{
    Page,
    help::{CheckIn, HelpActionInput, HelpCall, HelpDevice, PairBody, PairedDevice, PressBody},
};
use serde::Deserialize;

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
    Ok((StatusCode::CREATED, axum::Json(device)))
}

/// An elder's help devices (butler of the building, duty room, manager),
/// in one page: at most 10 are kept paired per elder.
#[utoipa::path(get, path = "/api/v1/elders/{id}/devices", tag = "help", params(("id" = String, Path, description = "The elder's opaque id")), responses((status = 200, body = Page<HelpDevice>), crate::openapi::Errors))]
pub(crate) async fn devices(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Page<HelpDevice>>> {
    Ok(axum::Json(Page::all(state.backend.help_devices(&actor, &id).await?)))
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
#[into_params(parameter_in = Query)]
pub(crate) struct ListQuery {
    /// Only open calls (oldest first); otherwise all, newest first.
    open: Option<bool>,
    /// Rows per page, 1–200 (default 50); 422 `limit` otherwise.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    limit: Option<String>,
    /// The previous page's `next_cursor` (opaque); 422 `cursor` if it is not one of this list.
    cursor: Option<String>,
}

/// Help calls the caller may see, paged by an opaque keyset cursor.

#[utoipa::path(get, path = "/api/v1/help-calls", tag = "help", params(ListQuery), responses((status = 200, body = Page<HelpCall>), crate::openapi::Errors))]
pub(crate) async fn list(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Query(q): Query<ListQuery>,
) -> ApiResult<axum::Json<Page<HelpCall>>> {
    let open = q.open.unwrap_or(false);
    let page = super::page(q.limit.as_ref(), q.cursor.as_ref(), linli_backend::help::help_calls_list(open))?;
    Ok(axum::Json(state.backend.help_calls_page(&actor, open, &page).await?))
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
    HelpCaller(actor): HelpCaller,
    Path(id): Path<String>,
    Json(body): Json<HelpActionInput>,
) -> ApiResult<axum::Json<HelpCall>> {
    Ok(axum::Json(state.backend.help_action(&actor, &id, body).await?))
}

#[utoipa::path(post, path = "/api/v1/check-ins", tag = "help", responses((status = 200, body = CheckIn), crate::openapi::Errors))]
pub(crate) async fn check_in(
    State(state): State<AppState>,
    HelpCaller(actor): HelpCaller,
) -> ApiResult<axum::Json<CheckIn>> {
    Ok(axum::Json(state.backend.check_in(&actor).await?))
}
