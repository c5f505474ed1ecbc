//! Reporting, moving and rating repairs.

use axum::{
    Router,
    extract::{Multipart, Path, State, multipart::MultipartRejection},
    response::Response,
    routing::post,
};
use linli_model::{
    AppError, ErrorCode, Msg,
    job::{ActionInput, NewRepair, RatingInput},
    repair::MAX_PHOTOS,
};

use super::{Form, MAX_PARTS, WebUser, file_part, page_of, read_fields, respond, text_part};
use crate::{request_body::PHOTO_FORM_LIMIT, state::AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/forms/repairs", crate::request_body::limited(post(report_repair), PHOTO_FORM_LIMIT))
        .route("/forms/repairs/{id}/action", post(repair_action))
        .route("/forms/repairs/{id}/rating", post(rate_repair))
        .route("/forms/repairs/{id}/urge", post(urge_repair))
}

const REPORT_FORM: &str = "/repairs/new";

/// The repair report without scripts: category, text, urgency and up to six
/// photos in one multipart post, read as it streams. Photos are processed
/// one by one with the same checks as the API; the first refusal sends the
/// form back with its message and nothing is reported. The text parts are
/// then read with serde into the API's [`NewRepair`], the stored photos'
/// ids among its `photo_ids`.
async fn report_repair(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let outcome = async {
        let mut multipart = multipart.map_err(|_| AppError::new(ErrorCode::UnsupportedMedia, Msg::ErrBadRequest))?;
        let input: NewRepair = read_fields(report_fields(&state, &actor, &mut multipart).await?)?;
        let job = state.backend.create_repair(&actor, input).await.map_err(linli_backend::Error::answer)?;
        Ok(format!("/repairs/{}", job.id))
    };
    respond(REPORT_FORM, outcome.await)
}

/// The report's text parts as (name, value), each stored photo as a
/// `photo_ids` field in its place.
pub(super) async fn report_fields(
    state: &AppState,
    actor: &linli_backend::Actor,
    multipart: &mut Multipart,
) -> Result<Vec<(String, String)>, AppError> {
    let mut fields = Vec::new();
    let mut photo_ids = 0;
    for part in 0.. {
        let Some(mut field) = multipart.next_field().await.map_err(|e| crate::rest::multipart_error(&e))? else {
            break;
        };
        if part >= MAX_PARTS || photo_ids > linli_model::bounded::MAX_PHOTO_IDS {
            return Err(AppError::new(ErrorCode::PayloadTooLarge, Msg::ErrTooLarge));
        }
        let name = field.name().unwrap_or_default().to_string();
        if field.file_name().is_none_or(str::is_empty) {
            photo_ids += usize::from(name == "photo_ids");
            fields.push((name, text_part(&mut field).await?));
            continue;
        }
        let data = file_part(&mut field, linli_backend::media::MAX_BYTES).await?;
        if name != "photos" || data.is_empty() {
            continue;
        }
        if photo_ids >= MAX_PHOTOS {
            return Err(AppError::invalid("photos", Msg::ErrTooManyPhotos));
        }
        let photo = state.backend.upload_photo(actor, data).await.map_err(linli_backend::Error::answer)?;
        photo_ids += 1;
        fields.push(("photo_ids".to_string(), photo.id));
    }
    Ok(fields)
}

/// A job action without scripts (the buttons on the job page): the API's
/// [`ActionInput`].
async fn repair_action(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path(id): Path<String>,
    Form(input): Form<ActionInput>,
) -> Response {
    let page = page_of("/repairs", &id);
    let outcome = async {
        state.backend.act(&actor, &id, input?).await.map_err(linli_backend::Error::answer)?;
        Ok(page.clone())
    };
    respond(&page, outcome.await)
}

/// Urging without scripts (the 催一下 button on the job page): no fields;
/// back to the page of the job's kind (`/complaints/{id}` for a complaint
/// or suggestion urged here), a refusal (too soon) with its message.
async fn urge_repair(State(state): State<AppState>, WebUser(actor): WebUser, Path(id): Path<String>) -> Response {
    let base = match state.backend.urged_job_kind(&actor, &id).await {
        linli_model::complaint::JobKind::Repair => "/repairs",
        linli_model::complaint::JobKind::Complaint | linli_model::complaint::JobKind::Suggestion => "/complaints",
    };
    let page = page_of(base, &id);
    let outcome = async {
        state.backend.urge_job(&actor, &id).await.map_err(linli_backend::Error::answer)?;
        Ok(page.clone())
    };
    respond(&page, outcome.await)
}

/// The rating without scripts: the API's [`RatingInput`].
async fn rate_repair(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path(id): Path<String>,
    Form(input): Form<RatingInput>,
) -> Response {
    let page = page_of("/repairs", &id);
    let outcome = async {
        state.backend.rate_job(&actor, &id, input?).await.map_err(linli_backend::Error::answer)?;
        Ok(page.clone())
    };
    respond(&page, outcome.await)
}
