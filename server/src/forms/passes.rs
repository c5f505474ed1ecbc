//! Inviting visitors, and the gate.

use axum::{
    Router,
    extract::{Path, State},
    http::HeaderMap,
    response::Response,
    routing::post,
};
use linli_model::pass::{Decision, NewPass, WalkInBody};
use serde::Deserialize;

use super::{And, Form, WebUser, respond, urlencode};
use crate::{extract::ClientAddr, state::AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/forms/passes", post(create_pass))
        .route("/forms/passes/{id}/revoke", post(revoke_pass))
        .route("/forms/gate/admit", post(admit))
        .route("/forms/gate/walk-ins", post(walk_in))
        .route("/forms/walk-ins/{id}/decision", post(decide_walk_in))
}

/// How long a pass holds: until the end of today and this many more days
/// (at most a week).
#[derive(Deserialize)]
struct Validity {
    days: Option<i64>,
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
        let now = chrono::Utc::now();
        let days = validity.days.unwrap_or(0).clamp(0, 7);
        input.valid_from = Some(now);
        input.valid_until = Some(
            linli_model::time::end_of_local_day(now + chrono::Duration::days(days)) + chrono::Duration::seconds(1),
        );
        let created = state.backend.create_pass(&actor, input, &base).await.map_err(linli_backend::Error::answer)?;
        let path = created.url.strip_prefix(&base).unwrap_or(&created.url);
        Ok(format!("{path}?new=1"))
    };
    respond("/passes/new", outcome.await)
}

async fn revoke_pass(State(state): State<AppState>, WebUser(actor): WebUser, Path(id): Path<String>) -> Response {
    let outcome = async {
        state.backend.revoke_pass(&actor, &id).await.map_err(linli_backend::Error::answer)?;
        Ok("/passes".to_string())
    };
    respond("/passes", outcome.await)
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
