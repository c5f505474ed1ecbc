//! Elders as the butler sees them: `/elders`, elder mode and contacts,
//! check-in follow-ups.

use axum::{
    Router,
    extract::{Path, State},
    http::StatusCode,
    routing::{get, post, put},
};
use linli_model::{
    Page,
    help::{ElderInfo, ElderSettings, FollowUpBody, PhoneToCall},
};
use serde::Deserialize;

use crate::{
    error::ApiResult,
    extract::{AuthUser, Json, Query},
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/elders", get(list))
        .route("/elders/{id}/check-in-follow-up", post(follow_up))
        .route("/residents/{id}/elder", put(set_elder))
        .route("/residents/{id}/phone", get(phone))
}

/// A resident's whole phone number, for the staff who look after them to
/// call (lists show numbers masked). Every answer is an audit entry.
#[utoipa::path(get, path = "/api/v1/residents/{id}/phone", tag = "help", params(("id" = String, Path, description = "The resident's opaque id")), responses((status = 200, body = PhoneToCall), crate::openapi::Errors))]
pub(crate) async fn phone(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<PhoneToCall>> {
    Ok(axum::Json(PhoneToCall { phone: state.backend.phone_to_call(&actor, &id).await? }))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub(crate) struct ListQuery {
    /// `true`: every resident in reach, not only those in elder mode.
    all: Option<bool>,
}

#[utoipa::path(get, path = "/api/v1/elders", tag = "help", params(ListQuery), responses((status = 200, body = Page<ElderInfo>), crate::openapi::Errors))]
pub(crate) async fn list(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Query(q): Query<ListQuery>,
) -> ApiResult<axum::Json<Page<ElderInfo>>> {
    Ok(axum::Json(Page::all(state.backend.elders(&actor, q.all.unwrap_or(false)).await?)))
}

#[utoipa::path(put, path = "/api/v1/residents/{id}/elder", tag = "help", request_body = ElderSettings, params(("id" = String, Path, description = "The opaque id")), responses((status = 200, body = ElderInfo), crate::openapi::Errors))]
pub(crate) async fn set_elder(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
    Json(body): Json<ElderSettings>,
) -> ApiResult<axum::Json<ElderInfo>> {
    Ok(axum::Json(state.backend.set_elder(&actor, &id, body).await?))
}

#[utoipa::path(post, path = "/api/v1/elders/{id}/check-in-follow-up", tag = "help", request_body = FollowUpBody, params(("id" = String, Path, description = "The opaque id")), responses((status = 204, description = "Recorded"), crate::openapi::Errors))]
pub(crate) async fn follow_up(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
    Json(body): Json<FollowUpBody>,
) -> ApiResult<StatusCode> {
    state.backend.record_check_in_follow_up(&actor, &id, &body.result, body.note.as_deref().unwrap_or("")).await?;
    Ok(StatusCode::NO_CONTENT)
}
