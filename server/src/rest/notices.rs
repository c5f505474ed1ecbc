//! Announcements and events: `/announcements`, `/events`.

use app::{
    backend::{Backend, web},
    model::{
        Page,
        notice::{
            Activity, Announcement, Attendee, NewActivity, NewAnnouncement, RsvpBody, RsvpStatus, UnreadHousehold,
        },
    },
};
use axum::{
    Router,
    extract::{Path, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
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
        .route("/announcements", get(list).post(publish))
        .route("/announcements/{id}", get(detail))
        .route("/announcements/{id}/read", post(read))
        .route("/announcements/{id}/unread", get(unread))
        .route("/events", get(events).post(create_event))
        .route("/events/{id}", get(event))
        .route("/events/{id}/rsvp", post(rsvp).delete(cancel_rsvp))
        .route("/events/{id}/attendees", get(attendees))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct PageQuery {
    /// Rows per page, 1–200 (default 50); 422 `limit` otherwise.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    limit: Option<String>,
    /// The previous page's `next_cursor` (opaque); 422 `cursor` if it is not one of this list.
    cursor: Option<String>,
}

/// Notices for the caller: pinned first, then urgent, then newest; paged
/// by an opaque keyset cursor (a page may hold fewer than `limit` rows when
/// some were for other buildings or expired; follow `next_cursor`).
#[utoipa::path(get, path = "/api/v1/announcements", tag = "notices", params(PageQuery), responses((status = 200, body = Page<Announcement>), crate::openapi::Errors))]
pub(crate) async fn list(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Query(q): Query<PageQuery>,
) -> ApiResult<axum::Json<Page<Announcement>>> {
    let page = super::page(q.limit.as_ref(), q.cursor.as_ref(), "notices")?;
    Ok(axum::Json(state.backend.notices_page(&actor, &page).await?))
}

#[utoipa::path(post, path = "/api/v1/announcements", tag = "notices", request_body = NewAnnouncement, responses((status = 201, body = Announcement), crate::openapi::Errors))]
pub(crate) async fn publish(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Json(body): Json<NewAnnouncement>,
) -> ApiResult<(StatusCode, axum::Json<Announcement>)> {
    Ok((StatusCode::CREATED, axum::Json(state.backend.publish_notice(&actor, body).await?)))
}

/// One notice; reading it over the API does not mark it read (that is
/// `POST .../read`, so a list preview never counts as reading).
#[utoipa::path(get, path = "/api/v1/announcements/{id}", tag = "notices", params(("id" = String, Path, description = "The opaque id")), responses((status = 200, body = Announcement), crate::openapi::Errors))]
pub(crate) async fn detail(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Announcement>> {
    Ok(axum::Json(state.backend.notice(&actor, &id, false).await?))
}

#[utoipa::path(post, path = "/api/v1/announcements/{id}/read", tag = "notices", params(("id" = String, Path, description = "The opaque id")), responses((status = 204, description = "Marked read"), crate::openapi::Errors))]
pub(crate) async fn read(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state.backend.mark_read(&actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Households that have not read a notice, elders first, then by building
/// and unit; paged by an opaque keyset cursor, with `total` (unread
/// households in all).
#[utoipa::path(get, path = "/api/v1/announcements/{id}/unread", tag = "notices", params(("id" = String, Path, description = "The opaque id"), PageQuery), responses((status = 200, body = Page<UnreadHousehold>), crate::openapi::Errors))]
pub(crate) async fn unread(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> ApiResult<axum::Json<Page<UnreadHousehold>>> {
    let page = super::page(q.limit.as_ref(), q.cursor.as_ref(), "unread")?;
    Ok(axum::Json(state.backend.unread_households_page(&actor, &id, &page).await?))
}

/// Upcoming events and those of the last week, soonest first; paged by an
/// opaque keyset cursor.
#[utoipa::path(get, path = "/api/v1/events", tag = "notices", params(PageQuery), responses((status = 200, body = Page<Activity>), crate::openapi::Errors))]
pub(crate) async fn events(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Query(q): Query<PageQuery>,
) -> ApiResult<axum::Json<Page<Activity>>> {
    let page = super::page(q.limit.as_ref(), q.cursor.as_ref(), "events")?;
    Ok(axum::Json(state.backend.activities_page(&actor, &page).await?))
}

#[utoipa::path(post, path = "/api/v1/events", tag = "notices", request_body = NewActivity, responses((status = 201, body = Activity), crate::openapi::Errors))]
pub(crate) async fn create_event(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Json(body): Json<NewActivity>,
) -> ApiResult<(StatusCode, axum::Json<Activity>)> {
    Ok((StatusCode::CREATED, axum::Json(state.backend.create_activity(&actor, body).await?)))
}

#[utoipa::path(get, path = "/api/v1/events/{id}", tag = "notices", params(("id" = String, Path, description = "The opaque id")), responses((status = 200, body = Activity), crate::openapi::Errors))]
pub(crate) async fn event(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Activity>> {
    Ok(axum::Json(state.backend.activity(&actor, &id).await?))
}

#[utoipa::path(post, path = "/api/v1/events/{id}/rsvp", tag = "notices", request_body = RsvpBody, params(("id" = String, Path, description = "The opaque id")), responses((status = 200, body = RsvpStatus), crate::openapi::Errors))]
pub(crate) async fn rsvp(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
    Json(body): Json<RsvpBody>,
) -> ApiResult<axum::Json<RsvpStatus>> {
    Ok(axum::Json(state.backend.rsvp(&actor, &id, body.headcount.unwrap_or(1)).await?))
}

#[utoipa::path(delete, path = "/api/v1/events/{id}/rsvp", tag = "notices", params(("id" = String, Path, description = "The opaque id")), responses((status = 204, description = "Cancelled"), crate::openapi::Errors))]
pub(crate) async fn cancel_rsvp(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state.backend.cancel_rsvp(&actor, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct Format {
    format: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/events/{id}/attendees", tag = "notices", params(("id" = String, Path, description = "The opaque id"), Format), responses((status = 200, description = "JSON, or CSV (UTF-8 with BOM) with format=csv", content((Page<Attendee> = "application/json"), (String = "text/csv"))), crate::openapi::Errors))]
pub(crate) async fn attendees(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(f): Query<Format>,
) -> ApiResult<Response> {
    let list: Vec<Attendee> = state.backend.attendees(&actor, &id).await?;
    if f.format.as_deref() == Some("csv") {
        let mut res = Backend::attendees_csv(&list, web::lang(&headers)).into_response();
        res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
        res.headers_mut()
            .insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"attendees.csv\""));
        return Ok(res);
    }
    Ok(axum::Json(Page::all(list)).into_response())
}
