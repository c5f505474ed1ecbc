//! The manager's console and scorecards: `/buildings` (create), units
//! import, `/staff`, `/settings`, `/audit`, `/scorecards`, `/my-butler`.

use app::{
    backend::scorecards::period,
    model::{
        BuildingInfo,
        admin::{AuditEntry, ImportResult, NewPerson, Settings, StaffChange, StaffMember},
        scorecard::{ButlerCard, DayPoint, Scorecard},
    },
};
use axum::{
    Router,
    extract::{Path, Query, State},
    http::StatusCode,
    routing::{get, patch, post},
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::repairs::Page;
use crate::{
    error::ApiResult,
    extract::{AuthUser, Json},
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

#[derive(Deserialize)]
struct NewBuilding {
    number: String,
    name: Option<String>,
}

async fn create_building(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Json(b): Json<NewBuilding>,
) -> ApiResult<(StatusCode, axum::Json<BuildingInfo>)> {
    Ok((StatusCode::CREATED, axum::Json(state.backend.create_building(&actor, &b.number, b.name.as_deref()).await?)))
}

#[derive(Deserialize)]
struct CsvBody {
    csv: String,
}

async fn import_units(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Json(b): Json<CsvBody>,
) -> ApiResult<axum::Json<ImportResult>> {
    Ok(axum::Json(state.backend.import_units(&actor, &b.csv).await?))
}

async fn staff(State(state): State<AppState>, AuthUser(actor): AuthUser) -> ApiResult<axum::Json<Page<StaffMember>>> {
    Ok(axum::Json(Page { items: state.backend.staff(&actor).await?, next_cursor: None }))
}

async fn create_person(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Json(p): Json<NewPerson>,
) -> ApiResult<(StatusCode, axum::Json<StaffMember>)> {
    Ok((StatusCode::CREATED, axum::Json(state.backend.create_person(&actor, p).await?)))
}

async fn change_staff(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
    Json(c): Json<StaffChange>,
) -> ApiResult<axum::Json<StaffMember>> {
    Ok(axum::Json(state.backend.change_staff(&actor, &id, c).await?))
}

async fn settings(State(state): State<AppState>, AuthUser(actor): AuthUser) -> ApiResult<axum::Json<Settings>> {
    Ok(axum::Json(state.backend.settings(&actor).await?))
}

async fn update_settings(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Json(s): Json<Settings>,
) -> ApiResult<axum::Json<Settings>> {
    Ok(axum::Json(state.backend.update_settings(&actor, s).await?))
}

#[derive(Deserialize)]
struct AuditQuery {
    action: Option<String>,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
}

async fn audit(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Query(q): Query<AuditQuery>,
) -> ApiResult<axum::Json<Page<AuditEntry>>> {
    let items = state.backend.audit_log(&actor, q.action.as_deref(), q.from, q.to).await?;
    Ok(axum::Json(Page { items, next_cursor: None }))
}

#[derive(Deserialize)]
struct Period {
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
}

#[derive(Serialize)]
struct PeriodPage<T> {
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    items: Vec<T>,
}

async fn scorecards(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Query(p): Query<Period>,
) -> ApiResult<axum::Json<PeriodPage<Scorecard>>> {
    let (from, to) = period(p.from, p.to)?;
    Ok(axum::Json(PeriodPage { from, to, items: state.backend.scorecards(&actor, from, to).await? }))
}

#[derive(Serialize)]
struct OneScorecard {
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    scorecard: Scorecard,
    daily: Vec<DayPoint>,
}

async fn butler_scorecard(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
    Query(p): Query<Period>,
) -> ApiResult<axum::Json<OneScorecard>> {
    let (from, to) = period(p.from, p.to)?;
    let (scorecard, daily) = state.backend.butler_scorecard(&actor, &id, from, to).await?;
    Ok(axum::Json(OneScorecard { from, to, scorecard, daily }))
}

async fn my_butler(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
) -> ApiResult<axum::Json<Option<ButlerCard>>> {
    Ok(axum::Json(state.backend.my_butler(&actor).await?))
}
