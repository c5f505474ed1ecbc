//! Complaints and suggestions (投诉建议): file, list, detail, the LEARN
//! steps, rating, and the counts by category and building.

use app::{
    backend::{complaints::ComplaintFilter, scorecards::period},
    model::{
        Page,
        complaint::{
            Complaint, ComplaintActionInput, ComplaintCategory, ComplaintStats, ComplaintSummary, JobKind, NewComplaint,
        },
        job::{Rating, RatingInput},
    },
};
use axum::{
    Router,
    extract::{Path, State},
    http::StatusCode,
    routing::{get, post},
};
use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::{
    error::ApiResult,
    extract::{AuthUser, Json, Query},
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/complaints", post(create).get(list))
        .route("/complaints/stats", get(stats))
        .route("/complaints/{id}", get(detail))
        .route("/complaints/{id}/actions", post(act))
        .route("/complaints/{id}/rating", post(rate))
        .route("/complaints/{id}/urge", post(urge))
}

/// A resident files a complaint or suggestion; it lands with their
/// building's butler. The household it concerns (`concerns_unit_id`) is
/// never told. With a request key (`client_key`, or the `Idempotency-Key`
/// header) a repeat by the same person answers the stored one, with 200.
/// Past the hour's allowance of reports (shared with repairs) 429 with
/// `retry_after`.
#[utoipa::path(post, path = "/api/v1/complaints", tag = "complaints", request_body = NewComplaint,
    params(("Idempotency-Key" = Option<String>, Header, description = "The request's key, as `client_key` (8–64 printable ASCII); both may be sent if equal")),
    responses((status = 201, body = Complaint, description = "A new complaint or suggestion"), (status = 200, body = Complaint, description = "This key was filed before by the caller: the same one, nothing done"), crate::openapi::Errors))]
pub(crate) async fn create(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    headers: axum::http::HeaderMap,
    Json(mut body): Json<NewComplaint>,
) -> ApiResult<(StatusCode, axum::Json<Complaint>)> {
    body.client_key = super::request_key(body.client_key.as_deref(), &headers)?;
    let (complaint, created) = state.backend.create_complaint_or_find(&actor, body).await?;
    Ok((super::created_or_found(created), axum::Json(complaint)))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListQuery {
    /// `complaint` or `suggestion` (both when absent).
    #[param(value_type = Option<JobKind>)]
    kind: Option<String>,
    #[param(value_type = Option<ComplaintCategory>)]
    category: Option<String>,
    /// A building id (staff).
    building: Option<String>,
    /// `open`, `closed` or `all` (the default).
    #[param(value_type = Option<linli_model::keys::JobListStatus>)]
    status: Option<String>,
    /// Rows per page, 1–200 (default 50); 422 `limit` otherwise.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    limit: Option<String>,
    /// The previous page's `next_cursor` (opaque); 422 `cursor` if it is not one of this list.
    cursor: Option<String>,
}

/// Newest first: a household its own; a butler those of their buildings;
/// the manager the community's. Rows show the building, never who filed.
#[utoipa::path(get, path = "/api/v1/complaints", tag = "complaints", params(ListQuery), responses((status = 200, body = Page<ComplaintSummary>), crate::openapi::Errors))]
pub(crate) async fn list(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Query(q): Query<ListQuery>,
) -> ApiResult<axum::Json<Page<ComplaintSummary>>> {
    let page = super::page(q.limit.as_ref(), q.cursor.as_ref(), "complaints")?;
    let filter = ComplaintFilter {
        kind: q.kind.as_deref(),
        category: q.category.as_deref(),
        building: q.building.as_deref(),
        status: q.status.as_deref(),
        limit: Some(page.limit),
        cursor: q.cursor.as_deref(),
    };
    Ok(axum::Json(state.backend.list_complaints(&actor, &filter).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct Period {
    /// Start (inclusive, RFC 3339); default 30 days before `to`.
    from: Option<DateTime<Utc>>,
    /// End (exclusive, RFC 3339); default now.
    to: Option<DateTime<Utc>>,
}

/// Counts by category and by building (butler and manager).
#[utoipa::path(get, path = "/api/v1/complaints/stats", tag = "complaints", params(Period), responses((status = 200, body = ComplaintStats), crate::openapi::Errors))]
pub(crate) async fn stats(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Query(q): Query<Period>,
) -> ApiResult<axum::Json<ComplaintStats>> {
    let (from, to) = period(q.from, q.to)?;
    Ok(axum::Json(state.backend.complaint_stats(&actor, from, to).await?))
}

/// One complaint in full, with the complainant's name, unit and phone
/// (its household, the butler of its building, the manager).
#[utoipa::path(get, path = "/api/v1/complaints/{id}", tag = "complaints", params(("id" = String, Path, description = "The opaque id")), responses((status = 200, body = Complaint), crate::openapi::Errors))]
pub(crate) async fn detail(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Complaint>> {
    Ok(axum::Json(state.backend.complaint(&actor, &id).await?))
}

/// One step: `listen`, `act`, `respond`, `notify` (complaints), `answer`,
/// `adopt` (suggestions), `confirm`, `reopen`, `cancel`.
#[utoipa::path(post, path = "/api/v1/complaints/{id}/actions", tag = "complaints", request_body = ComplaintActionInput, params(("id" = String, Path, description = "The opaque id")), responses((status = 200, body = Complaint), crate::openapi::Errors))]
pub(crate) async fn act(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
    Json(body): Json<ComplaintActionInput>,
) -> ApiResult<axum::Json<Complaint>> {
    Ok(axum::Json(state.backend.act_on_complaint(&actor, &id, body).await?))
}

/// The person who filed it rates the handling once it is resolved.
#[utoipa::path(post, path = "/api/v1/complaints/{id}/rating", tag = "complaints", request_body = RatingInput, params(("id" = String, Path, description = "The opaque id")), responses((status = 201, body = Rating), crate::openapi::Errors))]
pub(crate) async fn rate(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
    Json(body): Json<RatingInput>,
) -> ApiResult<(StatusCode, axum::Json<Rating>)> {
    Ok((StatusCode::CREATED, axum::Json(state.backend.rate_complaint(&actor, &id, body).await?)))
}

/// Its filer urges open work (催一下): the same service, rule and limits as
/// `POST /repairs/{id}/urge` (on the timeline as `urged`, to the butler
/// live as `complaint.updated` with `action: "urged"` and through the
/// outbox); sooner than the community's `urge_interval_mins` is 429 with
/// `retry_after` seconds and a `Retry-After` header; 409 once closed; 404
/// to anyone else and for a repair's id.
#[utoipa::path(post, path = "/api/v1/complaints/{id}/urge", tag = "complaints", params(("id" = String, Path, description = "The opaque id")), responses((status = 200, body = Complaint), crate::openapi::Errors))]
pub(crate) async fn urge(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Complaint>> {
    Ok(axum::Json(state.backend.urge_complaint(&actor, &id).await?))
}
