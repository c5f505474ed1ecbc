//! The help button, handling calls, check-ins, and elders' settings.

use axum::{
    Router,
    extract::{Path, Query, State},
    response::Response,
    routing::{get, post},
};
use linli_model::help::{ElderSettings, EmergencyContact, FollowUpBody, HelpActionInput, PressBody, VisitBody};
use serde::Deserialize;

use super::{And, Back, Form, HelpUser, WebUser, back_with_error, local_datetime, page_of, respond, safe_back};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/forms/help", post(press_help))
        .route("/forms/help/{id}/action", post(help_action))
        .route("/forms/check-in", post(check_in))
        .route("/forms/residents/{id}/elder", post(set_elder))
        .route("/forms/elders/{id}/follow-up", post(elder_follow_up))
        .route("/forms/elders/{id}/devices/{device}/revoke", post(revoke_device))
        .route("/forms/elders/{id}/visits", post(record_visit))
        .route("/forms/elders/{id}/visit-schedule", post(set_visit_schedule))
        .route("/call/{id}", get(call_resident))
}

/// "Call" on the web's lists and the complaint's page: the whole number
/// (audited) as a `tel:` link the phone dials; lists themselves show
/// numbers masked. A refusal goes to `?back=` (the page the link is on),
/// else the elders list.
async fn call_resident(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path(id): Path<String>,
    Query(back): Query<Back>,
) -> Response {
    let outcome = async {
        Ok(format!("tel:{}", state.backend.phone_to_call(&actor, &id).await.map_err(linli_backend::Error::answer)?))
    };
    respond(&back.path_or("/elders".to_string()), outcome.await)
}

/// The butler revokes one of an elder's help devices.
async fn revoke_device(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path((id, device)): Path<(String, String)>,
) -> Response {
    let outcome = async {
        state.backend.revoke_help_device(&actor, &id, &device).await.map_err(linli_backend::Error::answer)?;
        Ok("/elders".to_string())
    };
    respond("/elders", outcome.await)
}

/// The help button without scripts: the API's [`PressBody`]. The page
/// embeds a fresh `client_key` in the form, so pressing twice (or the
/// browser re-posting) is one call. The call is stored before the
/// redirect answers. An elder's paired tablet may press it after its
/// session has expired.
async fn press_help(State(state): State<AppState>, HelpUser(actor): HelpUser, Form(form): Form<PressBody>) -> Response {
    let outcome = async {
        let (call, _) =
            state.backend.press_help(&actor, &form?.client_key).await.map_err(linli_backend::Error::answer)?;
        Ok(format!("/?call={}", call.id))
    };
    respond("/", outcome.await)
}

/// Handling a call without scripts (staff; or the elder's "pressed by
/// mistake", also from a paired tablet whose session has expired): the
/// API's [`HelpActionInput`], and the page to go back to.
async fn help_action(
    State(state): State<AppState>,
    HelpUser(actor): HelpUser,
    Path(id): Path<String>,
    Form(form): Form<And<HelpActionInput, Back>>,
) -> Response {
    let page = page_of("/help", &id);
    let (input, back) = match form {
        Ok(And(input, back)) => (input, back.path_or(page)),
        Err(e) => return back_with_error(&page, &e, &[]),
    };
    let outcome = async {
        state.backend.help_action(&actor, &id, input).await.map_err(linli_backend::Error::answer)?;
        Ok(back.clone())
    };
    respond(&back, outcome.await)
}

async fn check_in(State(state): State<AppState>, HelpUser(actor): HelpUser) -> Response {
    let outcome = async {
        state.backend.check_in(&actor).await.map_err(linli_backend::Error::answer)?;
        Ok("/?checked_in=1".to_string())
    };
    respond("/", outcome.await)
}

/// The butler's elder form: elder mode and one emergency contact.
#[derive(Deserialize)]
struct ElderForm {
    #[serde(default)]
    elder_mode: bool,
    #[serde(default, deserialize_with = "serde_html_form::de::empty_as_none")]
    contact_name: Option<String>,
    #[serde(default, deserialize_with = "serde_html_form::de::empty_as_none")]
    contact_phone: Option<String>,
    #[serde(default)]
    contact_relation: String,
}

impl From<ElderForm> for ElderSettings {
    /// The contact only when both its name and number were given.
    fn from(form: ElderForm) -> Self {
        let contact = match (form.contact_name, form.contact_phone) {
            (Some(name), Some(phone)) => Some(EmergencyContact { name, phone, relation: form.contact_relation }),
            _ => None,
        };
        Self { elder_mode: form.elder_mode, emergency_contacts: contact.into_iter().collect() }
    }
}

/// Elder mode and one emergency contact, from the butler's elders page.
async fn set_elder(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path(id): Path<String>,
    Form(form): Form<ElderForm>,
) -> Response {
    let outcome = async {
        state.backend.set_elder(&actor, &id, form?.into()).await.map_err(linli_backend::Error::answer)?;
        Ok("/elders".to_string())
    };
    respond("/elders", outcome.await)
}

/// What the butler recorded after a missed check-in: the API's
/// [`FollowUpBody`].
async fn elder_follow_up(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path(id): Path<String>,
    Form(form): Form<FollowUpBody>,
) -> Response {
    let outcome = async {
        let form = form?;
        state
            .backend
            .record_check_in_follow_up(&actor, &id, &form.result, form.note.as_deref().unwrap_or(""))
            .await
            .map_err(linli_backend::Error::answer)?;
        Ok("/elders".to_string())
    };
    respond("/elders", outcome.await)
}

/// A regular visit recorded from the butler's board or the elder's page:
/// the API's [`VisitBody`], with the time as a local `datetime-local`
/// (empty: now), and the page to go back to.
#[derive(Deserialize)]
struct VisitForm {
    #[serde(default)]
    mode: String,
    #[serde(default)]
    condition: String,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    follow_up: Option<String>,
    #[serde(default, deserialize_with = "local_datetime")]
    visited_at: Option<chrono::DateTime<chrono::Utc>>,
    #[serde(default)]
    back: Option<String>,
}

impl From<VisitForm> for VisitBody {
    fn from(f: VisitForm) -> Self {
        Self { mode: f.mode, condition: f.condition, note: f.note, follow_up: f.follow_up, visited_at: f.visited_at }
    }
}

/// The page a visit form goes back to: its `back` (the board `/` or the
/// elder's page), else the elder's staff page `/elders/{id}`, which shows
/// a refusal.
fn visit_page(id: &str, back: Option<&str>) -> String {
    back.map_or_else(|| page_of("/elders", id), |b| safe_back(Some(b)))
}

/// Records a regular visit (定期探访) without scripts; back to the page
/// it came from (the board or the elder's page).
async fn record_visit(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path(id): Path<String>,
    Form(form): Form<VisitForm>,
) -> Response {
    let form = match form {
        Ok(f) => f,
        Err(e) => return back_with_error(&visit_page(&id, None), &e, &[]),
    };
    let back = visit_page(&id, form.back.as_deref());
    let outcome = async {
        state.backend.record_visit(&actor, &id, &form.into()).await.map_err(linli_backend::Error::answer)?;
        Ok(back.clone())
    };
    respond(&back, outcome.await)
}

/// The elder's visit schedule (every N days) without scripts.
#[derive(Deserialize)]
struct ScheduleForm {
    #[serde(default, deserialize_with = "serde_html_form::de::empty_as_none")]
    every_days: Option<i64>,
    #[serde(default)]
    back: Option<String>,
}

async fn set_visit_schedule(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path(id): Path<String>,
    Form(form): Form<ScheduleForm>,
) -> Response {
    let form = match form {
        Ok(f) => f,
        Err(e) => return back_with_error(&visit_page(&id, None), &e, &[]),
    };
    let back = visit_page(&id, form.back.as_deref());
    let outcome = async {
        // Left empty, it is refused like 0.
        let every = form.every_days.unwrap_or(0);
        state.backend.set_visit_schedule(&actor, &id, every).await.map_err(linli_backend::Error::answer)?;
        Ok(back.clone())
    };
    respond(&back, outcome.await)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn elder(body: &str) -> ElderSettings {
        super::super::read_fields::<ElderForm, _, _>(form_urlencoded::parse(body.as_bytes())).unwrap().into()
    }

    #[test]
    fn the_elder_form_gives_a_contact_only_with_its_name_and_number() {
        let s = elder("elder_mode=true&contact_name=%E6%9D%8E&contact_phone=13800000001&contact_relation=");
        assert!(s.elder_mode);
        assert_eq!(s.emergency_contacts.len(), 1);
        let s = elder("contact_name=%E6%9D%8E&contact_phone=&contact_relation=son");
        assert!(!s.elder_mode, "an unchecked box is not sent");
        assert!(s.emergency_contacts.is_empty());
    }
}
