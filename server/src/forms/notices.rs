//! Publishing notices, creating events, RSVPs.

use axum::{
    Router,
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
    routing::post,
};
use linli_model::{AppError, Msg};

use super::{WebUser, back_with_error, field, form_fields, page_of, parse_local_datetime};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/forms/notices", post(publish_notice))
        .route("/forms/events", post(create_event))
        .route("/forms/events/{id}/rsvp", post(rsvp))
        .route("/forms/notices/{id}/read", post(mark_read))
}

/// Publishing a notice from the compose page.
async fn publish_notice(State(state): State<AppState>, WebUser(actor): WebUser, body: axum::body::Bytes) -> Response {
    let fields = form_fields(&body);
    let expires_at = field(&fields, "days")
        .and_then(|d| d.parse::<i64>().ok())
        .map(|d| linli_model::time::end_of_local_day(chrono::Utc::now() + chrono::Duration::days(d)));
    let input = linli_model::notice::NewAnnouncement {
        title: field(&fields, "title").unwrap_or_default().to_string(),
        body: field(&fields, "body").unwrap_or_default().to_string(),
        category: field(&fields, "category").unwrap_or_default().to_string(),
        building_ids: fields.iter().filter(|(k, _)| k == "building_ids").map(|(_, v)| v.clone()).collect(),
        pinned: field(&fields, "pinned") == Some("true"),
        urgent: field(&fields, "urgent") == Some("true"),
        expires_at,
    };
    match state.backend.publish_notice(&actor, input).await {
        Ok(n) => Redirect::to(&format!("/notices/{}", n.id)).into_response(),
        Err(e) => back_with_error("/notices/new", &e.into(), &[]),
    }
}

async fn create_event(State(state): State<AppState>, WebUser(actor): WebUser, body: axum::body::Bytes) -> Response {
    let fields = form_fields(&body);
    let (Some(starts_at), Some(ends_at)) = (
        field(&fields, "starts_at").and_then(parse_local_datetime),
        field(&fields, "ends_at").and_then(parse_local_datetime),
    ) else {
        return back_with_error("/events/new", &AppError::invalid("starts_at", Msg::ErrEventTimes), &[]);
    };
    let input = linli_model::notice::NewActivity {
        title: field(&fields, "title").unwrap_or_default().to_string(),
        description: field(&fields, "description").unwrap_or_default().to_string(),
        place: field(&fields, "place").unwrap_or_default().to_string(),
        starts_at,
        ends_at,
        capacity: field(&fields, "capacity").and_then(|c| c.parse().ok()).unwrap_or(0),
        rsvp_deadline: field(&fields, "rsvp_deadline").and_then(parse_local_datetime),
    };
    match state.backend.create_activity(&actor, input).await {
        Ok(a) => Redirect::to(&format!("/events/{}", a.id)).into_response(),
        Err(e) => back_with_error("/events/new", &e.into(), &[]),
    }
}

/// "I have read it", from the notice's own page (a POST: opening the page
/// changes nothing).
async fn mark_read(State(state): State<AppState>, WebUser(actor): WebUser, Path(id): Path<String>) -> Response {
    let page = page_of("/notices", &id);
    match state.backend.mark_read(&actor, &id).await {
        Ok(()) => Redirect::to(&page).into_response(),
        Err(e) => back_with_error(&page, &e.into(), &[]),
    }
}

/// RSVP (or cancel, with `cancel=true`) without scripts.
async fn rsvp(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let fields = form_fields(&body);
    let page = page_of("/events", &id);
    let outcome = if field(&fields, "cancel") == Some("true") {
        state.backend.cancel_rsvp(&actor, &id).await
    } else {
        let n = field(&fields, "headcount").and_then(|n| n.parse().ok()).unwrap_or(1);
        state.backend.rsvp(&actor, &id, n).await.map(|_| ())
    };
    match outcome {
        Ok(()) => Redirect::to(&page).into_response(),
        Err(e) => back_with_error(&page, &e.into(), &[]),
    }
}
