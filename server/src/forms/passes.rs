//! Inviting visitors, and the gate.

use axum::{
    Router,
    extract::{Path, State},
    http::HeaderMap,
    response::{IntoResponse, Redirect, Response},
    routing::post,
};

use super::{WebUser, back_with_error, field, form_fields, urlencode};
use crate::{extract::ClientAddr, state::AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/forms/passes", post(create_pass))
        .route("/forms/passes/{id}/revoke", post(revoke_pass))
        .route("/forms/gate/admit", post(admit))
        .route("/forms/gate/walk-ins", post(walk_in))
        .route("/forms/walk-ins/{id}/decision", post(decide_walk_in))
}

/// Invites a visitor; the answer is the visitor's page itself, whose
/// address is the link to share.
async fn create_pass(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let fields = form_fields(&body);
    let now = chrono::Utc::now();
    let days: i64 = field(&fields, "days").and_then(|d| d.parse().ok()).unwrap_or(0).clamp(0, 7);
    let until = linli_model::time::end_of_local_day(now + chrono::Duration::days(days)) + chrono::Duration::seconds(1);
    let input = linli_model::pass::NewPass {
        visitor_name: field(&fields, "visitor_name").unwrap_or_default().to_string(),
        visitor_phone: field(&fields, "visitor_phone").map(str::to_string),
        purpose: field(&fields, "purpose").map(str::to_string),
        valid_from: Some(now),
        valid_until: Some(until),
        max_entries: field(&fields, "max_entries").and_then(|m| m.parse().ok()),
        plate: field(&fields, "plate").map(str::to_string),
    };
    let base = crate::rest::base_url(&state, &headers);
    match state.backend.create_pass(&actor, input, &base).await {
        Ok(created) => {
            let path = created.url.strip_prefix(&base).unwrap_or(&created.url).to_string();
            Redirect::to(&format!("{path}?new=1")).into_response()
        }
        Err(e) => back_with_error("/passes/new", &e.into(), &[]),
    }
}

async fn revoke_pass(State(state): State<AppState>, WebUser(actor): WebUser, Path(id): Path<String>) -> Response {
    match state.backend.revoke_pass(&actor, &id).await {
        Ok(_) => Redirect::to("/passes").into_response(),
        Err(e) => back_with_error("/passes", &e.into(), &[]),
    }
}

/// "Admit" on the guard's screen.
async fn admit(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    ClientAddr(client): ClientAddr,
    body: axum::body::Bytes,
) -> Response {
    let fields = form_fields(&body);
    let q = field(&fields, "q").unwrap_or_default();
    match state.backend.admit(&actor, q, None, &client).await {
        Ok(entry) => {
            let name = entry.visitor_name.unwrap_or_default();
            Redirect::to(&format!("/gate?admitted={}", urlencode(&name))).into_response()
        }
        Err(e) => back_with_error("/gate", &e.into(), &[]),
    }
}

async fn walk_in(State(state): State<AppState>, WebUser(actor): WebUser, body: axum::body::Bytes) -> Response {
    let fields = form_fields(&body);
    let outcome = state
        .backend
        .register_walk_in(
            &actor,
            field(&fields, "visitor_name").unwrap_or_default(),
            field(&fields, "visitor_phone"),
            field(&fields, "unit").unwrap_or_default(),
            field(&fields, "purpose"),
        )
        .await;
    match outcome {
        Ok(_) => Redirect::to("/gate/walk-in").into_response(),
        Err(e) => back_with_error("/gate/walk-in", &e.into(), &[]),
    }
}

async fn decide_walk_in(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let fields = form_fields(&body);
    match state.backend.decide_walk_in(&actor, &id, field(&fields, "approve") == Some("true")).await {
        Ok(_) => Redirect::to("/").into_response(),
        Err(e) => back_with_error("/", &e.into(), &[]),
    }
}
