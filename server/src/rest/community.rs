//! The community's places: `/buildings`, `/units/{id}`.

use app::model::{BuildingInfo, Page, UnitInfo, admin::ButlerBody, follow_up::FollowUpOutcomeInput, job::FollowUp};
use axum::{
    Json, Router,
    extract::{Path, State},
    http::HeaderMap,
    routing::{get, post, put},
};
use serde::Deserialize;

use crate::{
    error::ApiResult,
    extract::{AuthUser, Query},
    state::AppState,
};
use app::backend::web;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/buildings", get(buildings))
        .route("/buildings/{id}/butler", put(assign_butler))
        .route("/units/{id}", get(unit))
        .route("/follow-ups", get(follow_ups))
        .route("/follow-ups/{id}/outcome", post(follow_up_outcome))
}

#[utoipa::path(put, path = "/api/v1/buildings/{id}/butler", tag = "community", request_body = ButlerBody, params(("id" = String, Path, description = "The opaque id")), responses((status = 200, body = BuildingInfo), crate::openapi::Errors))]
pub(crate) async fn assign_butler(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
    crate::extract::Json(body): crate::extract::Json<ButlerBody>,
) -> ApiResult<Json<BuildingInfo>> {
    Ok(Json(state.backend.assign_butler(&actor, &id, &body.butler_id).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct FollowUpsQuery {
    /// `open` or `done`; every follow-up when left out (or `all`).
    #[param(value_type = Option<app::model::keys::FollowUpStatus>)]
    status: Option<String>,
    /// Rows per page, 1–200 (default 50); 422 `limit` otherwise.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    limit: Option<String>,
    /// The previous page's `next_cursor` (opaque); 422 `cursor` if it is not one of this list.
    cursor: Option<String>,
}

/// Follow-up visits (回访): the manager's all, a butler's those of their
/// buildings; open ones first (oldest, so first due, first), then done ones
/// newest first, with the script in the caller's language
/// (`Accept-Language`). Paged by an opaque keyset cursor; `total` counts
/// the list's rows over all pages.
#[utoipa::path(get, path = "/api/v1/follow-ups", tag = "community", params(FollowUpsQuery), responses((status = 200, body = Page<FollowUp>), crate::openapi::Errors))]
pub(crate) async fn follow_ups(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    headers: HeaderMap,
    Query(q): Query<FollowUpsQuery>,
) -> ApiResult<Json<Page<FollowUp>>> {
    let list = linli_backend::follow_ups::follow_ups_list(q.status.as_deref());
    let page = super::page(q.limit.as_ref(), q.cursor.as_ref(), list)?;
    Ok(Json(state.backend.follow_ups_page(&actor, q.status.as_deref(), web::lang(&headers), &page).await?))
}

/// Records a follow-up's outcome: satisfied, or not satisfied (a note
/// required), which reopens the job or opens a new linked request. 409
/// when already done.
#[utoipa::path(post, path = "/api/v1/follow-ups/{id}/outcome", tag = "community", request_body = FollowUpOutcomeInput, params(("id" = String, Path, description = "The opaque id")), responses((status = 200, body = FollowUp), crate::openapi::Errors))]
pub(crate) async fn follow_up_outcome(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    headers: HeaderMap,
    Path(id): Path<String>,
    crate::extract::Json(body): crate::extract::Json<FollowUpOutcomeInput>,
) -> ApiResult<Json<FollowUp>> {
    Ok(Json(state.backend.record_follow_up(&actor, &id, body, web::lang(&headers)).await?))
}

/// The caller's community's buildings with their butlers, whole: small by
/// construction (a community's buildings, tens).
#[utoipa::path(get, path = "/api/v1/buildings", tag = "community", responses((status = 200, body = Vec<BuildingInfo>), crate::openapi::Errors))]
pub(crate) async fn buildings(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
) -> ApiResult<Json<Vec<BuildingInfo>>> {
    Ok(Json(state.backend.buildings(&actor).await?))
}

#[utoipa::path(get, path = "/api/v1/units/{id}", tag = "community", params(("id" = String, Path, description = "The opaque id")), responses((status = 200, body = UnitInfo), crate::openapi::Errors))]
pub(crate) async fn unit(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
) -> ApiResult<Json<UnitInfo>> {
    Ok(Json(state.backend.unit(&actor, &id).await?))
}
