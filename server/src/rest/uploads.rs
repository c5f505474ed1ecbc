//! `POST /uploads`: one photo per request, multipart field `file`, as
//! `wx.uploadFile` sends it (other form fields are allowed and ignored).

use axum::{
    Router,
    extract::{State, multipart::MultipartError},
    http::StatusCode,
    routing::post,
};
use linli_model::{AppError, ErrorCode, Msg, job::Photo};

use crate::{
    error::ApiResult,
    extract::{AuthUser, Multipart},
    state::AppState,
};

/// The body may be a little larger than the photo itself (multipart framing).
pub const BODY_LIMIT: usize = linli_backend::media::MAX_BYTES + 64 * 1024;

/// The multipart form `wx.uploadFile` sends: the photo in `file`; other
/// fields are allowed and ignored.
#[derive(utoipa::ToSchema)]
#[allow(dead_code, reason = "only read by the OpenAPI derive, to describe the form")]
pub(crate) struct UploadForm {
    /// JPEG, PNG or WebP, at most 25 MB and 64 megapixels.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

pub fn router() -> Router<AppState> {
    Router::new().route("/uploads", crate::request_body::limited(post(upload), BODY_LIMIT))
}

/// A multipart failure: too large is 413, a body that stopped arriving or
/// arrived too slowly 408, anything else malformed 400.
pub fn multipart_error(e: &MultipartError) -> AppError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::new(ErrorCode::PayloadTooLarge, Msg::ErrPhotoTooBig).with_detail("file")
    } else if crate::request_body::timed_out(e) {
        AppError::new(ErrorCode::RequestTimeout, Msg::ErrBodyTimeout)
    } else {
        AppError::new(ErrorCode::BadRequest, Msg::ErrBadRequest)
    }
}

#[utoipa::path(post, path = "/api/v1/uploads", tag = "repairs", request_body(content = UploadForm, content_type = "multipart/form-data"), responses((status = 201, body = Photo), crate::openapi::Errors))]
pub(crate) async fn upload(
    State(state): State<AppState>,
    AuthUser(actor): AuthUser,
    Multipart(mut multipart): Multipart,
) -> ApiResult<(StatusCode, axum::Json<Photo>)> {
    while let Some(field) = multipart.next_field().await.map_err(|e| multipart_error(&e))? {
        if field.name() == Some("file") {
            let bytes = field.bytes().await.map_err(|e| multipart_error(&e))?;
            let photo = state.backend.upload_photo(&actor, bytes.to_vec()).await?;
            return Ok((StatusCode::CREATED, axum::Json(photo)));
        }
    }
    Err(AppError::invalid("file", Msg::ErrPhotoEmpty).into())
}
