//! Staff entry (代客报修) and follow-up outcomes (回访) without scripts.

use axum::{
    Router,
    extract::{Multipart, Path, State, multipart::MultipartRejection},
    response::Response,
    routing::post,
};
use linli_model::{
    AppError, ErrorCode, Msg,
    complaint::NewComplaint,
    follow_up::FollowUpOutcomeInput,
    job::NewRepair,
    staff_entry::{OnBehalf, StaffHelpCall},
};
use serde::Deserialize;

use super::{Form, WebUser, read_fields, repairs::report_fields, respond};
use crate::{request_body::PHOTO_FORM_LIMIT, state::AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/forms/entry", crate::request_body::limited(post(enter), PHOTO_FORM_LIMIT))
        .route("/forms/follow-ups/{id}/outcome", post(follow_up_outcome))
}

const ENTRY_FORM: &str = "/entry";
const FOLLOW_UPS: &str = "/follow-ups";

/// The staff entry page's fields: `target` is `unit_id:resident_id` as the
/// picker lists them; `kind` is `repair` (the default) or `help`.
#[derive(Deserialize)]
struct EntryForm {
    target: String,
    channel: String,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    category: Option<String>,
    /// The category when `kind` is `complaint`.
    #[serde(default)]
    complaint_category: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    urgency: Option<String>,
    #[serde(default)]
    photo_ids: Vec<String>,
    /// A checkbox: `on` when ticked.
    #[serde(default)]
    notify_family: Option<String>,
    /// The page's hidden key, made once per page view: a double submit
    /// or a resent post is one request.
    #[serde(default)]
    client_key: Option<String>,
}

/// A repair or help call for a resident, as one multipart post (photos
/// uploaded as the staff member): the same services as the API's
/// `POST /repairs` with `on_behalf` and `POST /entry/help-calls`.
async fn enter(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let outcome = async {
        let mut multipart = multipart.map_err(|_| AppError::new(ErrorCode::UnsupportedMedia, Msg::ErrBadRequest))?;
        let form: EntryForm = read_fields(report_fields(&state, &actor, &mut multipart).await?)?;
        let (unit_id, resident_id) = form.target.split_once(':').unwrap_or((form.target.as_str(), ""));
        let on_behalf = OnBehalf {
            unit_id: unit_id.to_string(),
            resident_id: (!resident_id.is_empty()).then(|| resident_id.to_string()),
            channel: form.channel.clone(),
        };
        // One key per showing of the page, whichever kind is sent: a key of
        // its own per kind, so that a form sent as a repair and then,
        // changed, as a complaint files both (one key is one request).
        let key_for = |kind: &str| form.client_key.as_deref().map(|k| entry_key(k, kind));
        let (repair_key, complaint_key) = (key_for("repair"), key_for("complaint"));
        if form.kind.as_deref() == Some("complaint") {
            let input = NewComplaint {
                category: form.complaint_category.unwrap_or_default(),
                text: form.description.unwrap_or_default(),
                photo_ids: form.photo_ids,
                on_behalf: Some(on_behalf),
                client_key: complaint_key,
                ..NewComplaint::default()
            };
            let c = state.backend.create_complaint(&actor, input).await.map_err(linli_backend::Error::answer)?;
            return Ok(format!("/complaints/{}", c.id));
        }
        if form.kind.as_deref() == Some("help") {
            let input = StaffHelpCall {
                on_behalf,
                notify_family: form.notify_family.is_some(),
                note: form.description,
                client_key: form.client_key,
            };
            let (call, _) = state.backend.enter_help_call(&actor, input).await.map_err(linli_backend::Error::answer)?;
            return Ok(format!("/help/{}", call.id));
        }
        let input = NewRepair {
            category: form.category.unwrap_or_default(),
            description: form.description,
            urgency: form.urgency,
            photo_ids: form.photo_ids,
            on_behalf: Some(on_behalf),
            client_key: repair_key,
        };
        let job = state.backend.create_repair(&actor, input).await.map_err(linli_backend::Error::answer)?;
        Ok(format!("/repairs/{}", job.id))
    };
    respond(ENTRY_FORM, outcome.await)
}

/// The request key of the page's `key` for one kind of request (`repair`,
/// `complaint`): a blank key stays blank (none), a key of a bad shape is
/// passed on as it is (422 `client_key` from the service).
fn entry_key(key: &str, kind: &str) -> String {
    let key = key.trim();
    if key.is_empty() || !linli_model::client_key::is_valid(key) {
        return key.to_string();
    }
    let derived = format!("{kind}-{key}");
    if linli_model::client_key::is_valid(&derived) { derived } else { key.to_string() }
}

/// A follow-up's outcome: the API's [`FollowUpOutcomeInput`]; back to the
/// follow-up list either way.
async fn follow_up_outcome(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path(id): Path<String>,
    Form(input): Form<FollowUpOutcomeInput>,
) -> Response {
    let outcome = async {
        state
            .backend
            .record_follow_up(&actor, &id, input?, linli_model::Lang::Zh)
            .await
            .map_err(linli_backend::Error::answer)?;
        Ok(FOLLOW_UPS.to_string())
    };
    respond(FOLLOW_UPS, outcome.await)
}
