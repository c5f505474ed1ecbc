//! Filing, handling and rating complaints and suggestions without scripts.

use axum::{
    Router,
    extract::{Multipart, Path, State, multipart::MultipartRejection},
    response::Response,
    routing::post,
};
use linli_model::{
    AppError, ErrorCode, Msg,
    complaint::{ComplaintActionInput, NewComplaint},
    job::RatingInput,
};

use super::{Form, WebUser, page_of, read_fields, repairs::report_fields, respond};
use crate::{request_body::PHOTO_FORM_LIMIT, state::AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/forms/complaints", crate::request_body::limited(post(file_complaint), PHOTO_FORM_LIMIT))
        .route("/forms/complaints/{id}/action", post(complaint_action))
        .route("/forms/complaints/{id}/rating", post(rate_complaint))
        .route("/forms/complaints/{id}/urge", post(urge_complaint))
}

const COMPLAINT_FORM: &str = "/complaints/new";

/// The complaint or suggestion form without scripts: kind, category, text,
/// the place concerned and up to six photos in one multipart post, read as
/// it streams (photos stored one by one, as for a repair report), then the
/// text parts read with serde into the API's [`NewComplaint`]. Success goes
/// to the new complaint's page; a refusal back to the form with its message.
async fn file_complaint(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let outcome = async {
        let mut multipart = multipart.map_err(|_| AppError::new(ErrorCode::UnsupportedMedia, Msg::ErrBadRequest))?;
        let input: NewComplaint = read_fields(report_fields(&state, &actor, &mut multipart).await?)?;
        let c = state.backend.create_complaint(&actor, input).await.map_err(linli_backend::Error::answer)?;
        Ok(format!("/complaints/{}", c.id))
    };
    respond(COMPLAINT_FORM, outcome.await)
}

/// A step without scripts (the buttons on the complaint's page): the API's
/// [`ComplaintActionInput`].
async fn complaint_action(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path(id): Path<String>,
    Form(input): Form<ComplaintActionInput>,
) -> Response {
    let page = page_of("/complaints", &id);
    let outcome = async {
        state.backend.act_on_complaint(&actor, &id, input?).await.map_err(linli_backend::Error::answer)?;
        Ok(page.clone())
    };
    respond(&page, outcome.await)
}

/// The rating without scripts: the API's [`RatingInput`].
async fn rate_complaint(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path(id): Path<String>,
    Form(input): Form<RatingInput>,
) -> Response {
    let page = page_of("/complaints", &id);
    let outcome = async {
        state.backend.rate_complaint(&actor, &id, input?).await.map_err(linli_backend::Error::answer)?;
        Ok(page.clone())
    };
    respond(&page, outcome.await)
}

/// Urging without scripts (the 催一下 button on the complaint page): no
/// fields; back to the complaint's page, a refusal (too soon) with its
/// message.
async fn urge_complaint(State(state): State<AppState>, WebUser(actor): WebUser, Path(id): Path<String>) -> Response {
    let page = page_of("/complaints", &id);
    let outcome = async {
        state.backend.urge_complaint(&actor, &id).await.map_err(linli_backend::Error::answer)?;
        Ok(page.clone())
    };
    respond(&page, outcome.await)
}
