//! The manager's console: buildings, butlers, units, staff, settings.

use axum::{
    Router,
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
    routing::post,
};
use linli_model::{
    AppError, Msg,
    admin::{NewPerson, Settings, StaffChange},
    sla::{SlaSettings, SlaTarget},
};

use super::{WebUser, back_with_error, field, form_fields};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/forms/buildings", post(create_building))
        .route("/forms/buildings/{id}/butler", post(assign_butler))
        .route("/forms/units/import", post(import_units))
        .route("/forms/staff", post(create_staff))
        .route("/forms/staff/{id}", post(change_staff))
        .route("/forms/settings", post(settings))
}

async fn create_building(State(state): State<AppState>, WebUser(actor): WebUser, body: axum::body::Bytes) -> Response {
    let fields = form_fields(&body);
    match state
        .backend
        .create_building(&actor, field(&fields, "number").unwrap_or_default(), field(&fields, "name"))
        .await
    {
        Ok(_) => Redirect::to("/admin/buildings").into_response(),
        Err(e) => back_with_error("/admin/buildings", &e.into(), &[]),
    }
}

async fn assign_butler(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let fields = form_fields(&body);
    match state.backend.assign_butler(&actor, &id, field(&fields, "butler_id").unwrap_or_default()).await {
        Ok(_) => Redirect::to("/admin/buildings").into_response(),
        Err(e) => back_with_error("/admin/buildings", &e.into(), &[]),
    }
}

async fn import_units(State(state): State<AppState>, WebUser(actor): WebUser, body: axum::body::Bytes) -> Response {
    let fields = form_fields(&body);
    match state.backend.import_units(&actor, field(&fields, "csv").unwrap_or_default()).await {
        Ok(report) => {
            let skip: Vec<String> =
                report.skipped_lines.iter().take(100).map(|l| format!("{}:{}", l.line, l.reason.as_str())).collect();
            let to = format!(
                "/admin/buildings?imported={}&skipped={}&skip={}",
                report.created,
                report.skipped,
                super::urlencode(&skip.join(","))
            );
            Redirect::to(&to).into_response()
        }
        Err(e) => {
            let err: AppError = e.into();
            let detail = err.detail.clone().unwrap_or_default();
            back_with_error("/admin/buildings", &err, &[("detail", &detail)])
        }
    }
}

async fn create_staff(State(state): State<AppState>, WebUser(actor): WebUser, body: axum::body::Bytes) -> Response {
    let fields = form_fields(&body);
    let person = NewPerson {
        name: field(&fields, "name").unwrap_or_default().to_string(),
        phone: field(&fields, "phone").unwrap_or_default().to_string(),
        role: field(&fields, "role").unwrap_or_default().to_string(),
        password: field(&fields, "password").unwrap_or_default().to_string(),
        trades: fields.iter().filter(|(k, _)| k == "trades").map(|(_, v)| v.clone()).collect(),
        gate: field(&fields, "gate").map(str::to_string),
        unit_id: field(&fields, "unit_id").map(str::to_string),
    };
    match state.backend.create_person(&actor, person).await {
        Ok(_) => Redirect::to("/admin/staff").into_response(),
        Err(e) => back_with_error("/admin/staff", &e.into(), &[]),
    }
}

async fn change_staff(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let fields = form_fields(&body);
    let change = StaffChange {
        active: field(&fields, "active").map(|v| v == "true"),
        on_duty: field(&fields, "on_duty").map(|v| v == "true"),
        ..StaffChange::default()
    };
    match state.backend.change_staff(&actor, &id, change).await {
        Ok(_) => Redirect::to("/admin/staff").into_response(),
        Err(e) => back_with_error("/admin/staff", &e.into(), &[]),
    }
}

/// The settings form gives SLA targets in minutes.
async fn settings(State(state): State<AppState>, WebUser(actor): WebUser, body: axum::body::Bytes) -> Response {
    let fields = form_fields(&body);
    let minutes = |name: &str| field(&fields, name).and_then(|v| v.parse::<i64>().ok()).map(|m| m * 60);
    let target = |key: &str| -> Option<SlaTarget> {
        Some(SlaTarget {
            respond_secs: minutes(&format!("{key}_respond"))?,
            resolve_secs: minutes(&format!("{key}_resolve"))?,
        })
    };
    let parsed = (|| {
        Some(Settings {
            sla: SlaSettings { critical: target("critical")?, urgent: target("urgent")?, normal: target("normal")? },
            help_staff_secs: field(&fields, "help_staff_secs")?.parse().ok()?,
            help_contacts_secs: field(&fields, "help_contacts_secs")?.parse().ok()?,
            check_in_by: field(&fields, "check_in_by")?.chars().take(5).collect(),
        })
    })();
    let Some(settings) = parsed else {
        return back_with_error("/admin/settings", &AppError::invalid("settings", Msg::ErrSettings), &[]);
    };
    match state.backend.update_settings(&actor, settings).await {
        Ok(_) => Redirect::to("/admin/settings").into_response(),
        Err(e) => back_with_error("/admin/settings", &e.into(), &[]),
    }
}
