//! The community's places: `/buildings`, `/units/{id}`.

use app::{
    backend::follow_ups::FollowUp,
    model::{BuildingInfo, UnitInfo},
};
use axum::{
    Json, Router,
    extract::{Path, State},
    routing::{get, put},
};
use serde::Deserialize;

use crate::{error::ApiResult, extract::AuthUser, state::AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/buildings", get(buildings))
        .route("/buildings/{id}/butler", put(assign_butler))
        .route("/units/{id}", get(unit))
        .route("/follow-ups", get(follow_ups))
}

#[derive(Deserialize)]
struct ButlerBody {
    butler_id: String,
}

async fn assign_butler(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
    crate::extract::Json(body): crate::extract::Json<ButlerBody>,
) -> ApiResult<Json<BuildingInfo>> {
    Ok(Json(state.backend.assign_butler(&actor, &id, &body.butler_id).await?))
}

async fn follow_ups(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
) -> ApiResult<Json<super::repairs::Page<FollowUp>>> {
    let items = state.backend.follow_ups(&actor).await?;
    Ok(Json(super::repairs::Page { items, next_cursor: None }))
}

async fn buildings(State(state): State<AppState>, AuthUser(actor): AuthUser) -> ApiResult<Json<Vec<BuildingInfo>>> {
    Ok(Json(state.backend.buildings(&actor).await?))
}

async fn unit(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
) -> ApiResult<Json<UnitInfo>> {
    Ok(Json(state.backend.unit(&actor, &id).await?))
}
