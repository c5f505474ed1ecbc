//! Requests taken for a resident (代客报修/代录): the picker's lookup and
//! the staff help-call entry. A repair taken for a resident is
//! `POST /api/v1/repairs` with `on_behalf` (rest/repairs.rs).

use axum::{
    Router,
    extract::State,
    http::StatusCode,
    routing::{get, post},
};
use linli_model::{UnitInfo, help::HelpCall, staff_entry::StaffHelpCall};
use serde::Deserialize;

use crate::{
    error::ApiResult,
    extract::{AuthUser, Json, Query},
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new().route("/entry/units", get(units)).route("/entry/help-calls", post(help_call))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct UnitsQuery {
    /// The building whose units to list (opaque id from `GET /api/v1/buildings`).
    building_id: String,
}

/// The units of a building with the people living there (phones masked),
/// for the staff entry picker: butler (own buildings), duty room, manager.
/// 404 for a building out of the caller's scope.
#[utoipa::path(get, path = "/api/v1/entry/units", tag = "repairs", params(UnitsQuery), responses((status = 200, body = Vec<UnitInfo>), crate::openapi::Errors))]
pub(crate) async fn units(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Query(q): Query<UnitsQuery>,
) -> ApiResult<axum::Json<Vec<UnitInfo>>> {
    Ok(axum::Json(state.backend.entry_units(&actor, &q.building_id).await?))
}

/// A help call entered by staff for an elder who phoned or walked in: 201
/// with the call; the help chain runs as for a pressed button. 200 with
/// the call already there when the same `client_key` was entered before
/// or the unit has an open call (nothing new stored, nobody texted again).
#[utoipa::path(post, path = "/api/v1/entry/help-calls", tag = "help", request_body = StaffHelpCall, responses((status = 201, body = HelpCall), (status = 200, description = "the same entry, or the unit's open call", body = HelpCall), crate::openapi::Errors))]
pub(crate) async fn help_call(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Json(body): Json<StaffHelpCall>,
) -> ApiResult<(StatusCode, axum::Json<HelpCall>)> {
    let (call, new) = state.backend.enter_help_call(&actor, body).await?;
    Ok((if new { StatusCode::CREATED } else { StatusCode::OK }, axum::Json(call)))
}
