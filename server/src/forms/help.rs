//! The help button, handling calls, check-ins, and elders' settings.

use axum::{
    Router,
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};

use super::{HelpUser, WebUser, back_with_error, field, form_fields, safe_back};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/forms/help", post(press_help))
        .route("/forms/help/{id}/action", post(help_action))
        .route("/forms/check-in", post(check_in))
        .route("/forms/residents/{id}/elder", post(set_elder))
        .route("/forms/elders/{id}/follow-up", post(elder_follow_up))
        .route("/forms/elders/{id}/devices/{device}/revoke", post(revoke_device))
        .route("/call/{id}", get(call_resident))
}

/// "Call" on the web's lists: the whole number (audited) as a `tel:` link
/// the phone dials; lists themselves show numbers masked.
async fn call_resident(State(state): State<AppState>, WebUser(actor): WebUser, Path(id): Path<String>) -> Response {
    match state.backend.phone_to_call(&actor, &id).await {
        Ok(phone) => Redirect::to(&format!("tel:{phone}")).into_response(),
        Err(e) => back_with_error("/elders", &e.into(), &[]),
    }
}

/// The butler revokes one of an elder's help devices.
async fn revoke_device(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path((id, device)): Path<(String, String)>,
) -> Response {
    match state.backend.revoke_help_device(&actor, &id, &device).await {
        Ok(()) => Redirect::to("/elders").into_response(),
        Err(e) => back_with_error("/elders", &e.into(), &[]),
    }
}

/// The help button without scripts. The page embeds a fresh `client_key`
/// in the form, so pressing twice (or the browser re-posting) is one call.
/// The call is stored before the redirect answers. An elder's paired
/// tablet may press it after its session has expired.
async fn press_help(State(state): State<AppState>, HelpUser(actor): HelpUser, body: axum::body::Bytes) -> Response {
    let fields = form_fields(&body);
    match state.backend.press_help(&actor, field(&fields, "client_key").unwrap_or_default()).await {
        Ok((call, _)) => Redirect::to(&format!("/?call={}", call.id)).into_response(),
        Err(e) => back_with_error("/", &e.into(), &[]),
    }
}

/// Handling a call without scripts (staff; or the elder's "pressed by mistake").
async fn help_action(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let fields = form_fields(&body);
    let back = safe_back(field(&fields, "back"));
    let input = linli_model::help::HelpActionInput {
        action: field(&fields, "action").unwrap_or_default().to_string(),
        outcome: field(&fields, "outcome").map(str::to_string),
        note: field(&fields, "note").map(str::to_string),
    };
    match state.backend.help_action(&actor, &id, input).await {
        Ok(_) => Redirect::to(&back).into_response(),
        Err(e) => back_with_error(&back, &e.into(), &[]),
    }
}

async fn check_in(State(state): State<AppState>, HelpUser(actor): HelpUser) -> Response {
    match state.backend.check_in(&actor).await {
        Ok(_) => Redirect::to("/?checked_in=1").into_response(),
        Err(e) => back_with_error("/", &e.into(), &[]),
    }
}

/// Elder mode and one emergency contact, from the butler's elders page.
async fn set_elder(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let fields = form_fields(&body);
    let contacts = match (field(&fields, "contact_name"), field(&fields, "contact_phone")) {
        (Some(name), Some(phone)) => vec![linli_model::help::EmergencyContact {
            name: name.to_string(),
            phone: phone.to_string(),
            relation: field(&fields, "contact_relation").unwrap_or_default().to_string(),
        }],
        _ => Vec::new(),
    };
    let settings = linli_model::help::ElderSettings {
        elder_mode: field(&fields, "elder_mode") == Some("true"),
        emergency_contacts: contacts,
    };
    match state.backend.set_elder(&actor, &id, settings).await {
        Ok(_) => Redirect::to("/elders").into_response(),
        Err(e) => back_with_error("/elders", &e.into(), &[]),
    }
}

async fn elder_follow_up(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let fields = form_fields(&body);
    let result = field(&fields, "result").unwrap_or_default();
    match state.backend.record_check_in_follow_up(&actor, &id, result, field(&fields, "note").unwrap_or_default()).await
    {
        Ok(()) => Redirect::to("/elders").into_response(),
        Err(e) => back_with_error("/elders", &e.into(), &[]),
    }
}
