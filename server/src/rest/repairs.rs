//! Repairs: categories, report, list, detail, actions, rating.

use app::{
    backend::web,
    model::{
        Page,
        job::{ActionInput, Assignable, CategoryInfo, Job, JobSummary, NewRepair, Rating, RatingInput, RatingTagInfo},
    },
};
use axum::{
    Router,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
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
        .route("/repair-categories", get(categories))
        .route("/rating-tags", get(rating_tags))
        .route("/repairs", post(create).get(list))
        .route("/repairs/{id}", get(detail))
        .route("/repairs/{id}/actions", post(act))
        .route("/repairs/{id}/rating", post(rate))
        .route("/repairs/{id}/urge", post(urge))
        .route("/repairs/{id}/assignable", get(assignable))
}

#[utoipa::path(get, path = "/api/v1/repair-categories", tag = "repairs", responses((status = 200, body = Vec<CategoryInfo>), crate::openapi::Errors), security(()))]
pub(crate) async fn categories(State(state): State<AppState>, headers: HeaderMap) -> axum::Json<Vec<CategoryInfo>> {
    axum::Json(state.backend.repair_categories(web::lang(&headers)))
}

/// The tags `POST /repairs/{id}/rating` accepts (`key`), labelled in the
/// caller's language (`Accept-Language`).
#[utoipa::path(get, path = "/api/v1/rating-tags", tag = "repairs", responses((status = 200, body = Vec<RatingTagInfo>), crate::openapi::Errors), security(()))]
pub(crate) async fn rating_tags(State(state): State<AppState>, headers: HeaderMap) -> axum::Json<Vec<RatingTagInfo>> {
    axum::Json(state.backend.rating_tags(web::lang(&headers)))
}

/// Reports a repair (or, with `on_behalf`, enters one for a resident).
/// With a request key (`client_key`, or the `Idempotency-Key` header) a
/// repeat by the same person answers the job the first stored, with 200.
/// Past the hour's allowance (`LINLI_FILINGS_PER_HOUR`, 20 reports a
/// resident, 200 entries a staff member) 429 with `retry_after`.
#[utoipa::path(post, path = "/api/v1/repairs", tag = "repairs", request_body = NewRepair,
    params(("Idempotency-Key" = Option<String>, Header, description = "The request's key, as `client_key` (8–64 printable ASCII); both may be sent if equal")),
    responses((status = 201, body = Job, description = "A new job"), (status = 200, body = Job, description = "This key was filed before by the caller: the same job, nothing done"), crate::openapi::Errors))]
pub(crate) async fn create(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    headers: HeaderMap,
    Json(mut body): Json<NewRepair>,
) -> ApiResult<(StatusCode, axum::Json<Job>)> {
    body.client_key = super::request_key(body.client_key.as_deref(), &headers)?;
    let (job, created) = state.backend.create_repair_or_find(&actor, body).await?;
    Ok((super::created_or_found(created), axum::Json(job)))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListQuery {
    #[param(value_type = Option<linli_model::keys::JobListScope>)]
    scope: Option<String>,
    #[param(value_type = Option<linli_model::keys::JobListStatus>)]
    status: Option<String>,
    /// Only this building's jobs (its id); one outside the caller's scope gives an empty list.
    building: Option<String>,
    /// Only jobs of this urgency; 422 `urgency` otherwise.
    #[param(value_type = Option<linli_model::repair::Urgency>)]
    urgency: Option<String>,
    /// Rows per page, 1–200 (default 50); 422 `limit` otherwise.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    limit: Option<String>,
    /// The previous page's `next_cursor` (opaque); 422 `cursor` if it is not one of this list.
    cursor: Option<String>,
}

/// Jobs the caller may see, paged by an opaque keyset cursor: history
/// (`status=closed|all`) newest first; the board (`status=open`) most
/// urgent first, with `total` (open jobs in scope, all pages) and
/// `breached` (of those, how many missed a deadline). `building` and
/// `urgency` narrow the list before it is counted and paged.
#[utoipa::path(get, path = "/api/v1/repairs", tag = "repairs", params(ListQuery), responses((status = 200, body = Page<JobSummary>), crate::openapi::Errors))]
pub(crate) async fn list(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Query(q): Query<ListQuery>,
) -> ApiResult<axum::Json<Page<JobSummary>>> {
    let page = super::page(q.limit.as_ref(), q.cursor.as_ref(), "repairs")?;
    let filter = linli_model::job_list::JobFilter::parse(q.building.as_deref(), q.urgency.as_deref())?;
    Ok(axum::Json(state.backend.list_jobs(&actor, q.scope.as_deref(), q.status.as_deref(), &filter, &page).await?))
}

#[utoipa::path(get, path = "/api/v1/repairs/{id}", tag = "repairs", params(("id" = String, Path, description = "The opaque id")), responses((status = 200, body = Job), crate::openapi::Errors))]
pub(crate) async fn detail(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Job>> {
    Ok(axum::Json(state.backend.job(&actor, &id).await?))
}

#[utoipa::path(post, path = "/api/v1/repairs/{id}/actions", tag = "repairs", request_body = ActionInput, params(("id" = String, Path, description = "The opaque id")), responses((status = 200, body = Job), crate::openapi::Errors))]
pub(crate) async fn act(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
    Json(body): Json<ActionInput>,
) -> ApiResult<axum::Json<Job>> {
    Ok(axum::Json(state.backend.act(&actor, &id, body).await?))
}

/// The reporter urges open work (催一下; any kind of job): on the
/// timeline as `urged`, to the butler and assignee live and to the butler
/// through the notification outbox. At most once per the community's
/// `urge_interval_mins` (default 30): sooner is 429 with `retry_after`
/// (seconds) in the envelope and a `Retry-After` header. 403 for anyone but
/// the reporter, 409 once the job is no longer open.
#[utoipa::path(post, path = "/api/v1/repairs/{id}/urge", tag = "repairs", params(("id" = String, Path, description = "The opaque id")), responses((status = 200, body = Job), crate::openapi::Errors))]
pub(crate) async fn urge(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Job>> {
    Ok(axum::Json(state.backend.urge_job(&actor, &id).await?))
}

#[utoipa::path(post, path = "/api/v1/repairs/{id}/rating", tag = "repairs", request_body = RatingInput, params(("id" = String, Path, description = "The opaque id")), responses((status = 201, body = Rating), crate::openapi::Errors))]
pub(crate) async fn rate(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
    Json(body): Json<RatingInput>,
) -> ApiResult<(StatusCode, axum::Json<Rating>)> {
    Ok((StatusCode::CREATED, axum::Json(state.backend.rate_job(&actor, &id, body).await?)))
}

/// Who may be assigned the job (the community's active workers and its
/// owner), whole: small by construction (a community's workers).
#[utoipa::path(get, path = "/api/v1/repairs/{id}/assignable", tag = "repairs", params(("id" = String, Path, description = "The opaque id")), responses((status = 200, body = Vec<Assignable>), crate::openapi::Errors))]
pub(crate) async fn assignable(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Vec<Assignable>>> {
    Ok(axum::Json(state.backend.assignable(&actor, &id).await?))
}
