//! The community's places: `/buildings`, `/units/{id}`.

use app::model::{BuildingInfo, UnitInfo};
use axum::{
    Json, Router,
    extract::{Path, State},
    routing::get,
};

use crate::{error::ApiResult, extract::AuthUser, state::AppState};

pub fn router() -> Router<AppState> {
    Router::new().route("/buildings", get(buildings)).route("/units/{id}", get(unit))
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
