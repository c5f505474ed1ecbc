//! The community's places: `/buildings`, `/units/{id}`.

use app::model::{BuildingInfo, Page, UnitInfo, admin::ButlerBody, job::FollowUp};
use axum::{
    Json, Router,
    extract::{Path, State},
    routing::{get, put},
};

use crate::{error::ApiResult, extract::AuthUser, state::AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/buildings", get(buildings))
        .route("/buildings/{id}/butler", put(assign_butler))
        .route("/units/{id}", get(unit))
        .route("/follow-ups", get(follow_ups))
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

#[utoipa::path(get, path = "/api/v1/follow-ups", tag = "community", responses((status = 200, body = Page<FollowUp>), crate::openapi::Errors))]
pub(crate) async fn follow_ups(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
) -> ApiResult<Json<Page<FollowUp>>> {
    Ok(Json(Page::all(state.backend.follow_ups(&actor).await?)))
}

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
