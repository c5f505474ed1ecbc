//! The manager's console and scorecards: `/buildings` (create), units
//! import, `/staff`, `/settings`, `/audit`, `/scorecards`, `/my-butler`.

use app::{
    backend::scorecards::scorecard_period,
    model::{
        BuildingInfo, Page,
        admin::{AuditEntry, CsvBody, ImportResult, NewBuilding, NewPerson, Settings, StaffChange, StaffMember},
        scorecard::{ButlerCard, OneScorecard, PeriodPage, Scorecard},
    },
};
use axum::{
    Router,
    extract::{Path, State},
    http::StatusCode,
    routing::{get, patch, post},
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
        .route("/buildings", post(create_building))
        .route("/units/import", post(import_units))
        .route("/staff", get(staff).post(create_person))
        .route("/staff/{id}", patch(change_staff))
        .route("/settings", get(settings).put(update_settings))
        .route("/audit", get(audit))
        .route("/scorecards", get(scorecards))
        .route("/butlers/{id}/scorecard", get(butler_scorecard))
        .route("/my-butler", get(my_butler))
}

#[utoipa::path(post, path = "/api/v1/buildings", tag = "admin", request_body = NewBuilding, responses((status = 201, body = BuildingInfo), crate::openapi::Errors))]
pub(crate) async fn create_building(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Json(b): Json<NewBuilding>,
) -> ApiResult<(StatusCode, axum::Json<BuildingInfo>)> {
    Ok((StatusCode::CREATED, axum::Json(state.backend.create_building(&actor, &b.number, b.name.as_deref()).await?)))
}

#[utoipa::path(post, path = "/api/v1/units/import", tag = "admin", request_body = CsvBody, responses((status = 200, body = ImportResult), crate::openapi::Errors))]
pub(crate) async fn import_units(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Json(b): Json<CsvBody>,
) -> ApiResult<axum::Json<ImportResult>> {
    Ok(axum::Json(state.backend.import_units(&actor, &b.csv).await?))
}

/// The community's staff, in one page: small by construction (a property
/// office's people, tens), so it is not paged (`next_cursor` is always null).
#[utoipa::path(get, path = "/api/v1/staff", tag = "admin", responses((status = 200, body = Page<StaffMember>), crate::openapi::Errors))]
pub(crate) async fn staff(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
) -> ApiResult<axum::Json<Page<StaffMember>>> {
    Ok(axum::Json(Page::all(state.backend.staff(&actor).await?)))
}

#[utoipa::path(post, path = "/api/v1/staff", tag = "admin", request_body = NewPerson, responses((status = 201, body = StaffMember), crate::openapi::Errors))]
pub(crate) async fn create_person(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Json(p): Json<NewPerson>,
) -> ApiResult<(StatusCode, axum::Json<StaffMember>)> {
    Ok((StatusCode::CREATED, axum::Json(state.backend.create_person(&actor, p).await?)))
}

#[utoipa::path(patch, path = "/api/v1/staff/{id}", tag = "admin", request_body = StaffChange, params(("id" = String, Path, description = "The opaque id")), responses((status = 200, body = StaffMember), crate::openapi::Errors))]
pub(crate) async fn change_staff(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
    Json(c): Json<StaffChange>,
) -> ApiResult<axum::Json<StaffMember>> {
    Ok(axum::Json(state.backend.change_staff(&actor, &id, c).await?))
}

#[utoipa::path(get, path = "/api/v1/settings", tag = "admin", responses((status = 200, body = Settings), crate::openapi::Errors))]
pub(crate) async fn settings(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
) -> ApiResult<axum::Json<Settings>> {
    Ok(axum::Json(state.backend.settings(&actor).await?))
}

#[utoipa::path(put, path = "/api/v1/settings", tag = "admin", request_body = Settings, responses((status = 200, body = Settings), crate::openapi::Errors))]
pub(crate) async fn update_settings(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Json(s): Json<Settings>,
) -> ApiResult<axum::Json<Settings>> {
    Ok(axum::Json(state.backend.update_settings(&actor, s).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct AuditQuery {
    #[param(value_type = Option<linli_model::keys::AuditAction>)]
    action: Option<String>,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    /// Rows per page, 1–200 (default 50); 422 `limit` otherwise.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    limit: Option<String>,
    /// The previous page's `next_cursor` (opaque); 422 `cursor` if it is not one of this list.
    cursor: Option<String>,
}

/// The audit log, newest first, paged by an opaque keyset cursor.
#[utoipa::path(get, path = "/api/v1/audit", tag = "admin", params(AuditQuery), responses((status = 200, body = Page<AuditEntry>), crate::openapi::Errors))]
pub(crate) async fn audit(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Query(q): Query<AuditQuery>,
) -> ApiResult<axum::Json<Page<AuditEntry>>> {
    let page = super::page(q.limit.as_ref(), q.cursor.as_ref(), "audit")?;
    Ok(axum::Json(state.backend.audit_log(&actor, q.action.as_deref(), q.from, q.to, &page).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct Period {
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ScorecardFormat {
    /// `csv` for a spreadsheet (UTF-8 with BOM; follow-ups and jobs by
    /// channel included); JSON otherwise.
    format: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/scorecards", tag = "admin", params(Period, ScorecardFormat), responses((status = 200, description = "JSON, or CSV (UTF-8 with BOM) with format=csv", content((PeriodPage<Scorecard> = "application/json"), (String = "text/csv"))), crate::openapi::Errors))]
pub(crate) async fn scorecards(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    headers: axum::http::HeaderMap,
    Query(p): Query<Period>,
    Query(f): Query<ScorecardFormat>,
) -> ApiResult<axum::response::Response> {
    use axum::{
        http::{HeaderValue, header},
        response::IntoResponse,
    };
    let (from, to) = scorecard_period(p.from, p.to)?;
    let items = state.backend.scorecards(&actor, from, to).await?;
    if f.format.as_deref() == Some("csv") {
        let lang = app::backend::web::lang(&headers);
        let mut res = app::backend::Backend::scorecards_csv(&items, lang).into_response();
        res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
        res.headers_mut()
            .insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"scorecards.csv\""));
        return Ok(res);
    }
    Ok(axum::Json(PeriodPage { from, to, items }).into_response())
}

#[utoipa::path(get, path = "/api/v1/butlers/{id}/scorecard", tag = "admin", params(("id" = String, Path, description = "The opaque id"), Period), responses((status = 200, body = OneScorecard), crate::openapi::Errors))]
pub(crate) async fn butler_scorecard(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
    Query(p): Query<Period>,
) -> ApiResult<axum::Json<OneScorecard>> {
    let (from, to) = scorecard_period(p.from, p.to)?;
    let (scorecard, daily) = state.backend.butler_scorecard(&actor, &id, from, to).await?;
    Ok(axum::Json(OneScorecard { from, to, scorecard, daily }))
}

#[utoipa::path(get, path = "/api/v1/my-butler", tag = "community", responses((status = 200, body = Option<ButlerCard>), crate::openapi::Errors))]
pub(crate) async fn my_butler(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
) -> ApiResult<axum::Json<Option<ButlerCard>>> {
    Ok(axum::Json(state.backend.my_butler(&actor).await?))
}
