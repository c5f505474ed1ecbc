//! Inviting visitors, and the gate.

use axum::{
    Router,
    extract::{Path, Query, State},
    http::HeaderMap,
    response::Response,
    routing::post,
};
use linli_model::{
    AppError, Msg,
    pass::{Decision, NewPass, Schedule, WalkInBody, Weekday, schedule::parse_hm},
};
use serde::Deserialize;

use super::{And, Back, Form, WebUser, respond, urlencode};
use crate::{extract::ClientAddr, state::AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/forms/passes", post(create_pass))
        .route("/forms/passes/{id}/revoke", post(revoke_pass))
        .route("/forms/passes/{id}/pause", post(pause_pass))
        .route("/forms/passes/{id}/resume", post(resume_pass))
        .route("/forms/gate/admit", post(admit))
        .route("/forms/gate/walk-ins", post(walk_in))
        .route("/forms/walk-ins/{id}/decision", post(decide_walk_in))
}

/// How long a pass holds: until the end of the `days`-th day counting
/// today (1 today, 2 today and tomorrow; at most a week,
/// `pass::window_for_days`); or, with `kind=recurring`, a recurring pass (长期访客)
/// on the checked `weekdays` from `time_from` to `time_until` (`HH:MM`),
/// `start_date` to `end_date` (`YYYY-MM-DD`), Asia/Shanghai.
#[derive(Deserialize)]
struct Validity {
    days: Option<i64>,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    weekdays: Vec<String>,
    #[serde(default)]
    time_from: String,
    #[serde(default)]
    time_until: String,
    #[serde(default)]
    start_date: String,
    #[serde(default)]
    end_date: String,
}

impl Validity {
    /// The schedule of a recurring pass; `None` for a single one. A box
    /// left empty or unreadable is 422 on its field.
    fn schedule(&self) -> Result<Option<Schedule>, AppError> {
        if self.kind != "recurring" {
            return Ok(None);
        }
        let time = |field: &str, v: &str| parse_hm(v).ok_or_else(|| AppError::invalid(field, Msg::ErrScheduleFields));
        let date = |field: &str, v: &str| {
            chrono::NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d")
                .map_err(|_| AppError::invalid(field, Msg::ErrScheduleFields))
        };
        Ok(Some(Schedule {
            weekdays: self.weekdays.iter().filter_map(|d| Weekday::parse(d.trim())).collect(),
            time_from: time("time_from", &self.time_from)?,
            time_until: time("time_until", &self.time_until)?,
            start_date: date("start_date", &self.start_date)?,
            end_date: date("end_date", &self.end_date)?,
        }))
    }
}

/// Invites a visitor: the API's [`NewPass`], valid from now for the days
/// chosen. The answer is the visitor's page itself, whose address is the
/// link to share.
async fn create_pass(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    headers: HeaderMap,
    Form(form): Form<And<NewPass, Validity>>,
) -> Response {
    let base = crate::rest::base_url(&state, &headers);
    let outcome = async {
        let And(mut input, validity) = form?;
        input.schedule = validity.schedule()?;
        if input.schedule.is_some() {
            input.max_entries = None;
        } else {
            let (from, until) = linli_model::pass::window_for_days(chrono::Utc::now(), validity.days.unwrap_or(1));
            input.valid_from = Some(from);
            input.valid_until = Some(until);
        }
        let created = state.backend.create_pass(&actor, input, &base).await.map_err(linli_backend::Error::answer)?;
        let path = created.url.strip_prefix(&base).unwrap_or(&created.url);
        Ok(format!("{path}?new=1"))
    };
    respond("/passes/new", outcome.await)
}

/// Revokes a pass; back to `?back=` (the manager's list of recurring
/// passes), else the household's passes.
async fn revoke_pass(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path(id): Path<String>,
    Query(back): Query<Back>,
) -> Response {
    let back = if back.back.is_some() { back.path() } else { "/passes".to_string() };
    let outcome = async {
        state.backend.revoke_pass(&actor, &id).await.map_err(linli_backend::Error::answer)?;
        Ok(back.clone())
    };
    respond(&back, outcome.await)
}

/// Pauses a recurring pass; back to `?back=`, else the household's passes.
async fn pause_pass(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path(id): Path<String>,
    Query(back): Query<Back>,
) -> Response {
    set_paused(state, actor, id, &back, true).await
}

/// Resumes a paused recurring pass.
async fn resume_pass(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path(id): Path<String>,
    Query(back): Query<Back>,
) -> Response {
    set_paused(state, actor, id, &back, false).await
}

async fn set_paused(state: AppState, actor: app::backend::Actor, id: String, back: &Back, paused: bool) -> Response {
    let back = if back.back.is_some() { back.path() } else { "/passes".to_string() };
    let outcome = async {
        state.backend.set_pass_paused(&actor, &id, paused).await.map_err(linli_backend::Error::answer)?;
        Ok(back.clone())
    };
    respond(&back, outcome.await)
}

/// What the guard typed or scanned: a pass link, token or code.
#[derive(Deserialize)]
struct Admit {
    #[serde(default)]
    q: String,
}

/// "Admit" on the guard's screen.
async fn admit(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    ClientAddr(client): ClientAddr,
    Form(form): Form<Admit>,
) -> Response {
    let outcome = async {
        let entry = state.backend.admit(&actor, &form?.q, None, &client).await.map_err(linli_backend::Error::answer)?;
        Ok(format!("/gate?admitted={}", urlencode(&entry.visitor_name.unwrap_or_default())))
    };
    respond("/gate", outcome.await)
}

/// A visitor without a pass, registered at the gate: the API's [`WalkInBody`].
async fn walk_in(State(state): State<AppState>, WebUser(actor): WebUser, Form(form): Form<WalkInBody>) -> Response {
    let outcome = async {
        let w = form?;
        state
            .backend
            .register_walk_in(&actor, &w.visitor_name, w.visitor_phone.as_deref(), &w.unit, w.purpose.as_deref())
            .await
            .map_err(linli_backend::Error::answer)?;
        Ok("/gate/walk-in".to_string())
    };
    respond("/gate/walk-in", outcome.await)
}

/// The resident's answer to a walk-in: the API's [`Decision`].
async fn decide_walk_in(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path(id): Path<String>,
    Form(form): Form<Decision>,
) -> Response {
    let outcome = async {
        state.backend.decide_walk_in(&actor, &id, form?.approve).await.map_err(linli_backend::Error::answer)?;
        Ok("/".to_string())
    };
    respond("/", outcome.await)
}
