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
    help::{
        ElderHome, ElderInfo, ElderSettings, ElderVisit, FollowUpBody, PhoneToCall, VisitBody, VisitScheduleBody,
        VisitStatus,
    },
};
use serde::Deserialize;

use crate::{
    error::ApiResult,
    extract::{AuthUser, HelpCaller, Json, Query},
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/elders", get(list))
        .route("/elders/{id}/check-in-follow-up", post(follow_up))
        .route("/elders/{id}/visits", get(visits).post(record_visit))
        .route("/elders/{id}/visit-schedule", put(set_visit_schedule))
        .route("/elder-home", get(elder_home))
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
#[into_params(parameter_in = Query)]
pub(crate) struct ListQuery {
    /// `true`: every resident in reach, not only those in elder mode.
    all: Option<bool>,
    /// Rows per page, 1–200 (default 50); 422 `limit` otherwise.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    limit: Option<String>,
    /// The previous page's `next_cursor` (opaque); 422 `cursor` if it is not one of this list.
    cursor: Option<String>,
}

/// The elders the caller looks after (those to call first first), with
/// today's check-in; paged in the order as it stood at the first page (an
/// elder reached between pages keeps their place; 422 `cursor` once the
/// cursor's row has left the list), with `total`.

#[utoipa::path(get, path = "/api/v1/elders", tag = "help", params(ListQuery), responses((status = 200, body = Page<ElderInfo>), crate::openapi::Errors))]
pub(crate) async fn list(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Query(q): Query<ListQuery>,
) -> ApiResult<axum::Json<Page<ElderInfo>>> {
    let page = super::page(q.limit.as_ref(), q.cursor.as_ref(), "elders")?;
    Ok(axum::Json(state.backend.elders_page(&actor, q.all.unwrap_or(false), &page).await?))
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

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct VisitsQuery {
    /// Rows per page, 1–200 (default 50); 422 `limit` otherwise.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    limit: Option<String>,
    /// The previous page's `next_cursor` (opaque); 422 `cursor` if it is not one of this list.
    cursor: Option<String>,
}

/// An elder's visit log (定期探访), newest first, paged by `limit` and
/// `cursor`. Staff who see the elder: a butler their own buildings' only.
#[utoipa::path(get, path = "/api/v1/elders/{id}/visits", tag = "help", params(("id" = String, Path, description = "The elder's opaque id"), VisitsQuery), responses((status = 200, body = Page<ElderVisit>), crate::openapi::Errors))]
pub(crate) async fn visits(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
    Query(q): Query<VisitsQuery>,
) -> ApiResult<axum::Json<Page<ElderVisit>>> {
    let page = super::page(q.limit.as_ref(), q.cursor.as_ref(), "elder_visits")?;
    Ok(axum::Json(state.backend.elder_visits(&actor, &id, &page).await?))
}

/// Records a regular visit or phone call to an elder. `visited_at` may lie
/// up to 14 days back, never ahead (422). The elder leaves the board's
/// "visits overdue" list.
#[utoipa::path(post, path = "/api/v1/elders/{id}/visits", tag = "help", request_body = VisitBody, params(("id" = String, Path, description = "The elder's opaque id")), responses((status = 201, body = ElderVisit), crate::openapi::Errors))]
pub(crate) async fn record_visit(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
    Json(body): Json<VisitBody>,
) -> ApiResult<(StatusCode, axum::Json<ElderVisit>)> {
    Ok((StatusCode::CREATED, axum::Json(state.backend.record_visit(&actor, &id, &body).await?)))
}

/// Sets how often an elder is visited: every 1–90 days (422 otherwise).
/// The butler of the elder's building or the manager.
#[utoipa::path(put, path = "/api/v1/elders/{id}/visit-schedule", tag = "help", request_body = VisitScheduleBody, params(("id" = String, Path, description = "The elder's opaque id")), responses((status = 200, body = VisitStatus), crate::openapi::Errors))]
pub(crate) async fn set_visit_schedule(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
    Json(body): Json<VisitScheduleBody>,
) -> ApiResult<axum::Json<VisitStatus>> {
    Ok(axum::Json(state.backend.set_visit_schedule(&actor, &id, body.every_days).await?))
}

/// The elder's own screen: their butler, today's check-in, the call to
/// follow, and the day of the next regular visit (`next_visit`). The
/// signed-in elder, or their paired help device.
#[utoipa::path(get, path = "/api/v1/elder-home", tag = "help", responses((status = 200, body = ElderHome), crate::openapi::Errors))]
pub(crate) async fn elder_home(
    State(state): State<AppState>,
    HelpCaller(actor): HelpCaller,
) -> ApiResult<axum::Json<ElderHome>> {
    Ok(axum::Json(state.backend.elder_home(&actor).await?))
}
