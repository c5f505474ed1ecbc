//! The JSON error envelope of the API.
//!
//! Handlers return [`ApiError`]; it carries the status and the
//! [`AppError`], and the [`localize`] middleware writes the body in the
//! caller's language (`Accept-Language`, or the web's language cookie):
//! `{"error": {"code": "...", "message": "...", "detail": "..."}}`.

use app::{
    backend::{self, web},
    model::{AppError, ErrorCode, Lang, Msg},
};
use axum::{
    Json,
    extract::Request,
    http::StatusCode,
    middleware::Next,
    response::{IntoResponse, Response},
};

use crate::openapi::ErrorBody;

/// A refusal or a fault, as a handler returns it. A fault keeps its
/// cause until the response is made, and is logged there, once.
#[derive(Debug)]
pub struct ApiError {
    error: AppError,
    cause: Option<backend::Error>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        Self { error, cause: None }
    }
}

impl From<backend::Error> for ApiError {
    fn from(e: backend::Error) -> Self {
        Self { error: e.to_app(), cause: Some(e) }
    }
}

impl ApiError {
    pub fn new(code: ErrorCode, msg: Msg) -> Self {
        AppError::new(code, msg).into()
    }
}

/// The envelope in `lang`.
pub fn envelope(err: &AppError, lang: Lang) -> Response {
    let status = StatusCode::from_u16(err.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = ErrorBody::new(err, lang);
    let mut res = (status, Json(body)).into_response();
    if let Some(secs) = err.retry_after {
        res.headers_mut().insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from(secs));
    }
    if err.code == ErrorCode::Unauthenticated || err.code == ErrorCode::SessionExpired {
        res.headers_mut().insert(axum::http::header::WWW_AUTHENTICATE, axum::http::HeaderValue::from_static("Bearer"));
    }
    res
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Some(cause) = &self.cause {
            cause.log();
        }
        // Chinese by default; `localize` re-renders it in the caller's language.
        let mut res = envelope(&self.error, Lang::Zh);
        res.extensions_mut().insert(self.error);
        res
    }
}

/// What a request that panicked answers: 500 in the envelope. The panic
/// is logged here, inside the request's span (so with its request id);
/// its message is not shown to the client.
pub fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let what = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(panic = %what, "request handler panicked");
    ApiError::from(AppError::internal()).into_response()
}

/// Re-renders error envelopes in the language the request asked for, and
/// puts into the envelope the plain-text refusals made before a handler
/// runs (axum's extractors: a path segment that is not UTF-8, a query it
/// cannot read), so that every refusal a client meets has one shape.
pub async fn localize(req: Request, next: Next) -> Response {
    let lang = web::lang(req.headers());
    let mut res = next.run(req).await;
    match res.extensions_mut().remove::<AppError>() {
        Some(err) if lang != Lang::Zh => envelope(&err, lang),
        Some(_) => res,
        None if is_bare_refusal(&res) => envelope(&of_status(res.status()), lang),
        None => res,
    }
}

/// An error status with a plain-text body: not one of ours.
fn is_bare_refusal(res: &Response) -> bool {
    (res.status().is_client_error() || res.status().is_server_error())
        && res
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("text/plain"))
}

/// The envelope's error for a bare status.
fn of_status(status: StatusCode) -> AppError {
    let (code, msg) = match status.as_u16() {
        404 => (ErrorCode::NotFound, Msg::ErrNotFound),
        405 => (ErrorCode::MethodNotAllowed, Msg::ErrMethodNotAllowed),
        408 => (ErrorCode::RequestTimeout, Msg::ErrBodyTimeout),
        413 => (ErrorCode::PayloadTooLarge, Msg::ErrTooLarge),
        415 => (ErrorCode::UnsupportedMedia, Msg::ErrBadRequest),
        422 => (ErrorCode::Invalid, Msg::ErrBadRequest),
        429 => (ErrorCode::RateLimited, Msg::ErrRateLimited),
        503 => (ErrorCode::Unavailable, Msg::ErrUnavailable),
        500..=599 => return AppError::internal(),
        _ => (ErrorCode::BadRequest, Msg::ErrBadRequest),
    };
    AppError::new(code, msg)
}
