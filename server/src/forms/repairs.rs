//! Reporting, moving and rating repairs.

use axum::{
    Router,
    extract::{DefaultBodyLimit, Multipart, Path, State},
    response::{IntoResponse, Redirect, Response},
    routing::post,
};
use linli_model::{
    AppError, ErrorCode, Msg,
    job::{ActionInput, NewRepair, RatingInput},
    repair::MAX_PHOTOS,
};

use super::{MAX_PARTS, WebUser, back_with_error, field, form_fields, page_of, safe_back, text_part};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/forms/repairs", post(report_repair).layer(DefaultBodyLimit::max(MAX_REPORT_BYTES)))
        .route("/forms/repairs/{id}/action", post(repair_action))
        .route("/forms/repairs/{id}/rating", post(rate_repair))
}

/// A report with six full-size photos, plus the form's own fields.
const MAX_REPORT_BYTES: usize = MAX_PHOTOS * linli_backend::media::MAX_BYTES + 64 * 1024;

/// The repair report without scripts: category, text, urgency and up to six
/// photos in one multipart post. Photos are processed one by one with the
/// same checks as the API; the first refusal sends the form back with its
/// message and nothing is reported.
async fn report_repair(State(state): State<AppState>, WebUser(actor): WebUser, mut multipart: Multipart) -> Response {
    let mut input = NewRepair::default();
    for part in 0.. {
        let mut field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return back_with_error("/repairs/new", &crate::rest::multipart_error(&e), &[]),
        };
        if part >= MAX_PARTS || input.photo_ids.len() > linli_model::bounded::MAX_PHOTO_IDS {
            return back_with_error("/repairs/new", &AppError::new(ErrorCode::PayloadTooLarge, Msg::ErrTooLarge), &[]);
        }
        let name = field.name().unwrap_or_default().to_string();
        let has_file = field.file_name().is_some_and(|f| !f.is_empty());
        if !has_file {
            let text = match text_part(&mut field).await {
                Ok(t) => t,
                Err(e) => return back_with_error("/repairs/new", &e, &[]),
            };
            match name.as_str() {
                "category" => input.category = text,
                "description" => input.description = Some(text),
                "urgency" => input.urgency = Some(text),
                "photo_ids" => input.photo_ids.push(text),
                _ => {}
            }
            continue;
        }
        let data = match super::file_part(&mut field, linli_backend::media::MAX_BYTES).await {
            Ok(d) => d,
            Err(e) => return back_with_error("/repairs/new", &e, &[]),
        };
        match name.as_str() {
            "photos" if !data.is_empty() => {
                if input.photo_ids.len() >= MAX_PHOTOS {
                    return back_with_error("/repairs/new", &AppError::invalid("photos", Msg::ErrTooManyPhotos), &[]);
                }
                match state.backend.upload_photo(&actor, data).await {
                    Ok(photo) => input.photo_ids.push(photo.id),
                    Err(e) => return back_with_error("/repairs/new", &e.into(), &[]),
                }
            }
            _ => {}
        }
    }
    match state.backend.create_repair(&actor, input).await {
        Ok(job) => Redirect::to(&format!("/repairs/{}", job.id)).into_response(),
        Err(e) => back_with_error("/repairs/new", &e.into(), &[]),
    }
}

/// A job action without scripts (the buttons on the job page).
async fn repair_action(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let fields = form_fields(&body);
    let page = page_of("/repairs", &id);
    let input = ActionInput {
        action: field(&fields, "action").unwrap_or_default().to_string(),
        note: field(&fields, "note").map(str::to_string),
        assignee_id: field(&fields, "assignee_id").map(str::to_string),
        eta: field(&fields, "eta").and_then(super::parse_local_datetime),
        photo_ids: fields.iter().filter(|(k, _)| k == "photo_ids").map(|(_, v)| v.clone()).collect(),
    };
    match state.backend.act(&actor, &id, input).await {
        Ok(_) => Redirect::to(&safe_back(field(&fields, "back").or(Some(page.as_str())))).into_response(),
        Err(e) => back_with_error(&page, &e.into(), &[]),
    }
}

/// The rating without scripts.
async fn rate_repair(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let fields = form_fields(&body);
    let page = page_of("/repairs", &id);
    let input = RatingInput {
        stars: field(&fields, "stars").and_then(|s| s.parse().ok()).unwrap_or(0),
        tags: fields.iter().filter(|(k, _)| k == "tags").map(|(_, v)| v.clone()).collect(),
        comment: field(&fields, "comment").map(str::to_string),
    };
    match state.backend.rate_job(&actor, &id, input).await {
        Ok(_) => Redirect::to(&page).into_response(),
        Err(e) => back_with_error(&page, &e.into(), &[]),
    }
}
