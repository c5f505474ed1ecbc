//! Outage notices (issue 18): `/outages/active` for the repair form,
//! marking a household affected, and ending or extending an outage. An
//! outage is published as an announcement of category `outage` with
//! `outage_kind` and `expected_end` (`POST /announcements`); its id is the
//! announcement's.

use app::{
    backend::web,
    model::{
        Page,
        outage::{ActiveOutage, AffectedMark, ExtendOutage, OutageEnded, OutageInfo},
    },
};
use axum::{
    Router,
    extract::{Path, State},
    http::HeaderMap,
    routing::{get, post},
};
use serde::Deserialize;

use crate::{
    error::ApiResult,
    extract::{AuthUser, Json, Query},
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/outages/active", get(active))
        .route("/outages/{id}/affected", post(affected))
        .route("/outages/{id}/end", post(end))
        .route("/outages/{id}/extend", post(extend))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ActiveQuery {
    /// A repair category key (`no_water`, ...): only outages related to it,
    /// each with its `relation`.
    #[serde(default)]
    #[param(value_type = Option<linli_model::repair::Category>)]
    category: Option<String>,
}

/// The outages on now in the caller's building (a resident; staff: the
/// buildings they look after), for the repair form to show before a
/// report. With `category`, only those related to it: `duplicate` ones
/// first (offer "affected" instead of reporting), `beside` for a critical
/// category (show next to the one-tap report, never in its way). In one
/// page: only the outages open now (a handful per community).
#[utoipa::path(get, path = "/api/v1/outages/active", tag = "notices", params(ActiveQuery), responses((status = 200, body = Page<ActiveOutage>), crate::openapi::Errors))]
pub(crate) async fn active(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    headers: HeaderMap,
    Query(q): Query<ActiveQuery>,
) -> ApiResult<axum::Json<Page<ActiveOutage>>> {
    let list = state.backend.active_outages(&actor, q.category.as_deref(), web::lang(&headers)).await?;
    Ok(axum::Json(Page::all(list)))
}

/// Marks the caller's household affected instead of reporting (residents
/// of its buildings; idempotent, counted once per household; 409 once it
/// has ended).
#[utoipa::path(post, path = "/api/v1/outages/{id}/affected", tag = "notices", params(("id" = String, Path, description = "The outage notice's id")), responses((status = 200, body = AffectedMark), crate::openapi::Errors))]
pub(crate) async fn affected(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<AffectedMark>> {
    Ok(axum::Json(state.backend.mark_outage_affected(&actor, &id).await?))
}

/// Ends an outage (the manager; a butler when every affected building is
/// theirs): open reports linked to it are resolved with a timeline entry
/// saying why; their households may reopen them. 409 if already ended.
#[utoipa::path(post, path = "/api/v1/outages/{id}/end", tag = "notices", params(("id" = String, Path, description = "The outage notice's id")), responses((status = 200, body = OutageEnded), crate::openapi::Errors))]
pub(crate) async fn end(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<OutageEnded>> {
    Ok(axum::Json(state.backend.end_outage(&actor, &id).await?))
}

/// Moves an open outage's expected end (who may end it); the butlers are
/// alerted again if it is still on then.
#[utoipa::path(post, path = "/api/v1/outages/{id}/extend", tag = "notices", params(("id" = String, Path, description = "The outage notice's id")), request_body = ExtendOutage, responses((status = 200, body = OutageInfo), crate::openapi::Errors))]
pub(crate) async fn extend(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
    Json(body): Json<ExtendOutage>,
) -> ApiResult<axum::Json<OutageInfo>> {
    Ok(axum::Json(state.backend.extend_outage(&actor, &id, body).await?))
}
