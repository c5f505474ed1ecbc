//! The manager's console: buildings, butlers, units, staff, settings.

use axum::{
    Router,
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
    routing::post,
};
use linli_model::{
    AppError, Msg,
    admin::{ButlerBody, CsvBody, NewBuilding, NewPerson, Settings, StaffChange},
    follow_up::FollowUpSettings,
    sla::{SlaSettings, SlaTarget},
};
use serde::Deserialize;

use super::{Form, WebUser, back_with_error, respond};
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

const BUILDINGS: &str = "/admin/buildings";
const STAFF: &str = "/admin/staff";
const SETTINGS: &str = "/admin/settings";

/// A new building: the API's [`NewBuilding`].
async fn create_building(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Form(form): Form<NewBuilding>,
) -> Response {
    let outcome = async {
        let b = form?;
        state
            .backend
            .create_building(&actor, &b.number, b.name.as_deref())
            .await
            .map_err(linli_backend::Error::answer)?;
        Ok(BUILDINGS.to_string())
    };
    respond(BUILDINGS, outcome.await)
}

/// The butler of a building: the API's [`ButlerBody`].
async fn assign_butler(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path(id): Path<String>,
    Form(form): Form<ButlerBody>,
) -> Response {
    let outcome = async {
        state.backend.assign_butler(&actor, &id, &form?.butler_id).await.map_err(linli_backend::Error::answer)?;
        Ok(BUILDINGS.to_string())
    };
    respond(BUILDINGS, outcome.await)
}

/// Units to import, as pasted CSV: the API's [`CsvBody`]. The answer
/// names the first hundred skipped lines with their reasons;
/// a refusal keeps its detail (the line at fault).
async fn import_units(State(state): State<AppState>, WebUser(actor): WebUser, Form(form): Form<CsvBody>) -> Response {
    let outcome = match form {
        Ok(form) => state.backend.import_units(&actor, &form.csv).await.map_err(linli_backend::Error::answer),
        Err(e) => Err(e),
    };
    match outcome {
        Ok(report) => {
            let skip: Vec<String> =
                report.skipped_lines.iter().take(100).map(|l| format!("{}:{}", l.line, l.reason.as_str())).collect();
            let to = format!(
                "{BUILDINGS}?imported={}&skipped={}&skip={}",
                report.created,
                report.skipped,
                super::urlencode(&skip.join(","))
            );
            Redirect::to(&to).into_response()
        }
        Err(err) => {
            let detail = err.detail.clone().unwrap_or_default();
            back_with_error(BUILDINGS, &err, &[("detail", &detail)])
        }
    }
}

/// A staff member (or resident) added by the manager: the API's [`NewPerson`].
async fn create_staff(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Form(person): Form<NewPerson>,
) -> Response {
    let outcome = async {
        state.backend.create_person(&actor, person?).await.map_err(linli_backend::Error::answer)?;
        Ok(STAFF.to_string())
    };
    respond(STAFF, outcome.await)
}

/// Deactivating or reactivating someone: the API's [`StaffChange`].
async fn change_staff(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path(id): Path<String>,
    Form(change): Form<StaffChange>,
) -> Response {
    let outcome = async {
        state.backend.change_staff(&actor, &id, change?).await.map_err(linli_backend::Error::answer)?;
        Ok(STAFF.to_string())
    };
    respond(STAFF, outcome.await)
}

/// The settings page: SLA targets in minutes, help escalation in seconds,
/// the check-in time as `HH:MM`. Every field is needed.
#[derive(Deserialize)]
struct SettingsForm {
    critical_respond: Option<i64>,
    critical_resolve: Option<i64>,
    urgent_respond: Option<i64>,
    urgent_resolve: Option<i64>,
    normal_respond: Option<i64>,
    normal_resolve: Option<i64>,
    help_staff_secs: Option<i64>,
    help_contacts_secs: Option<i64>,
    #[serde(default, deserialize_with = "serde_html_form::de::empty_as_none")]
    check_in_by: Option<String>,
    /// Complaint targets in minutes; both or neither (left as stored).
    #[serde(default)]
    complaint_respond: Option<i64>,
    #[serde(default)]
    complaint_resolve: Option<i64>,
    /// Follow-up rules (回访): the three numbers all or none (left as
    /// stored); a checkbox sends `on` when ticked, nothing otherwise.
    #[serde(default)]
    fu_sample_every: Option<u32>,
    #[serde(default)]
    fu_low_stars: Option<u8>,
    #[serde(default)]
    fu_due_hours: Option<u32>,
    #[serde(default)]
    fu_critical: Option<String>,
    #[serde(default)]
    fu_reopened: Option<String>,
    #[serde(default)]
    fu_complaints: Option<String>,
    /// Business hours for normal jobs' clocks (`HH:MM`): both, or both
    /// empty for around the clock.
    #[serde(default, deserialize_with = "serde_html_form::de::empty_as_none")]
    bh_start: Option<String>,
    #[serde(default, deserialize_with = "serde_html_form::de::empty_as_none")]
    bh_end: Option<String>,
    /// Minutes between urges; left out: the default.
    #[serde(default)]
    urge_interval_mins: Option<u32>,
}

impl SettingsForm {
    /// The API's [`Settings`], or `None` when a field is missing or a
    /// number of minutes is beyond counting in seconds.
    fn settings(self) -> Option<Settings> {
        let target = |respond: Option<i64>, resolve: Option<i64>| {
            Some(SlaTarget { respond_secs: respond?.checked_mul(60)?, resolve_secs: resolve?.checked_mul(60)? })
        };
        Some(Settings {
            sla: SlaSettings {
                critical: target(self.critical_respond, self.critical_resolve)?,
                urgent: target(self.urgent_respond, self.urgent_resolve)?,
                normal: target(self.normal_respond, self.normal_resolve)?,
            },
            help_staff_secs: self.help_staff_secs?,
            help_contacts_secs: self.help_contacts_secs?,
            check_in_by: self.check_in_by?.chars().take(5).collect(),
            complaint: target(self.complaint_respond, self.complaint_resolve),
            business_hours: match (self.bh_start.as_deref(), self.bh_end.as_deref()) {
                (None, None) => None,
                (Some(start), Some(end)) => Some(linli_model::sla::BusinessHours {
                    start: linli_model::sla::parse_hhmm(start)?,
                    end: linli_model::sla::parse_hhmm(end)?,
                }),
                _ => return None,
            },
            urge_interval_mins: self.urge_interval_mins.unwrap_or(linli_model::repair::URGE_INTERVAL_MINS_DEFAULT),
            follow_up: match (self.fu_sample_every, self.fu_low_stars, self.fu_due_hours) {
                (Some(sample_every), Some(low_rating_stars), Some(due_hours)) => Some(FollowUpSettings {
                    critical: self.fu_critical.is_some(),
                    reopened: self.fu_reopened.is_some(),
                    complaints: self.fu_complaints.is_some(),
                    sample_every,
                    low_rating_stars,
                    due_hours,
                }),
                _ => None,
            },
        })
    }
}

/// Any field missing or not a number is one refusal, "those settings are
/// not valid"; the service checks the values.
async fn settings(State(state): State<AppState>, WebUser(actor): WebUser, Form(form): Form<SettingsForm>) -> Response {
    let outcome = async {
        let settings = form
            .ok()
            .and_then(SettingsForm::settings)
            .ok_or_else(|| AppError::invalid("settings", Msg::ErrSettings))?;
        state.backend.update_settings(&actor, settings).await.map_err(linli_backend::Error::answer)?;
        Ok(SETTINGS.to_string())
    };
    respond(SETTINGS, outcome.await)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(body: &str) -> Option<Settings> {
        super::super::read_fields::<SettingsForm, _, _>(form_urlencoded::parse(body.as_bytes())).ok()?.settings()
    }

    #[test]
    fn settings_come_in_minutes_and_all_of_them() {
        let all = "critical_respond=5&critical_resolve=60&urgent_respond=30&urgent_resolve=240&normal_respond=120\
                   &normal_resolve=2880&help_staff_secs=60&help_contacts_secs=180&check_in_by=10%3A00";
        let s = settings(all).unwrap();
        assert_eq!((s.sla.critical.respond_secs, s.sla.normal.resolve_secs), (300, 172_800));
        assert_eq!(s.check_in_by, "10:00");
        assert!(settings(&all.replace("help_staff_secs=60", "help_staff_secs=")).is_none(), "a field left empty");
        assert!(settings(&all.replace("critical_respond=5", "critical_respond=five")).is_none());
        let huge = all.replace("critical_respond=5", &format!("critical_respond={}", i64::MAX));
        assert!(settings(&huge).is_none(), "minutes beyond counting in seconds are refused, not wrapped");
    }
}
