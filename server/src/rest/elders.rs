//! Elders as the butler sees them: `/elders`, elder mode and contacts,
//! check-in follow-ups.

use app::model::help::{ElderInfo, ElderSettings};
use axum::{
    Router,
    extract::{Path, Query, State},
    http::StatusCode,
    routing::{get, post, put},
};
use serde::Deserialize;

use crate::{
    error::ApiResult,
    extract::{AuthUser, Json},
    state::AppState,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/elders", get(list))
        .route("/elders/{id}/check-in-follow-up", post(follow_up))
        .route("/residents/{id}/elder", put(set_elder))
}

#[derive(Deserialize)]
struct ListQuery {
    /// `true`: every resident in reach, not only those in elder mode.
    all: Option<bool>,
}

async fn list(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Query(q): Query<ListQuery>,
) -> ApiResult<axum::Json<super::repairs::Page<ElderInfo>>> {
    let items = state.backend.elders(&actor, q.all.unwrap_or(false)).await?;
    Ok(axum::Json(super::repairs::Page { items, next_cursor: None }))
}

async fn set_elder(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
    Json(body): Json<ElderSettings>,
) -> ApiResult<axum::Json<ElderInfo>> {
    Ok(axum::Json(state.backend.set_elder(&actor, &id, body).await?))
}

#[derive(Deserialize)]
struct FollowUpBody {
    result: String,
    note: Option<String>,
}

async fn follow_up(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
    Json(body): Json<FollowUpBody>,
) -> ApiResult<StatusCode> {
    state.backend.record_check_in_follow_up(&actor, &id, &body.result, body.note.as_deref().unwrap_or("")).await?;
    Ok(StatusCode::NO_CONTENT)
}
