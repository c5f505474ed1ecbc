//! Extractors: authentication and input parsing are parameters of a
//! handler, never lines inside it, and their failures use the API's
//! error envelope rather than axum's plain-text rejections.

use app::{
    api::ctx,
    backend::{Actor, web},
    model::{AppError, ErrorCode, Msg},
};
use axum::{
    extract::{FromRequest, FromRequestParts, Request, rejection::JsonRejection},
    http::request::Parts,
};
use serde::de::DeserializeOwned;

use crate::{error::ApiError, state::AppState};

/// The signed-in caller (`app::api::ctx::caller`, the rule of every
/// surface); 401 otherwise.
pub struct AuthUser(pub Actor);

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Self(ctx::caller(&state.backend, &parts.headers).await?))
    }
}

/// The caller of a help press or check-in: a session, or else a help
/// device credential of an elder's screen (`app::api::ctx::help_caller`).
/// Only those two endpoints take it.
pub struct HelpCaller(pub Actor);

impl FromRequestParts<AppState> for HelpCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Self(ctx::help_caller(&state.backend, &parts.headers).await?))
    }
}

/// The caller's address, for rate limiting.
pub struct ClientAddr(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let addr = parts.extensions.get::<web::ClientIp>().map(|c| c.0.clone()).unwrap_or_else(|| "unknown".into());
        Ok(Self(addr))
    }
}

/// `axum::Json`, with malformed bodies answered in the API's envelope:
/// 400 for broken JSON, 415 without a JSON content type, 422 for JSON of
/// the wrong shape, 413 when too large.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Self(v)),
            Err(rejection) => Err(json_rejection(&rejection)),
        }
    }
}

/// `axum::extract::Query`, answering a malformed query string with 400 in
/// the API's envelope.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(v)| Self(v))
            .map_err(|e| {
                ApiError::from(AppError::new(ErrorCode::BadRequest, Msg::ErrBadRequest).with_detail(e.body_text()))
            })
    }
}

/// `axum::extract::Multipart`; a request that is not multipart gets 415 in
/// the API's envelope.
pub struct Multipart(pub axum::extract::Multipart);

impl<S: Send + Sync> FromRequest<S> for Multipart {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Multipart::from_request(req, state)
            .await
            .map(Self)
            .map_err(|_| ApiError::new(ErrorCode::UnsupportedMedia, Msg::ErrMultipart))
    }
}

/// A body that could not be read: 413 when it passed its size limit,
/// otherwise 408 (it stopped arriving, or the connection broke).
pub(crate) fn body_failure(status: axum::http::StatusCode) -> AppError {
    if status == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        AppError::new(ErrorCode::PayloadTooLarge, Msg::ErrTooLarge)
    } else {
        AppError::new(ErrorCode::RequestTimeout, Msg::ErrBodyTimeout)
    }
}

fn json_rejection(rejection: &JsonRejection) -> ApiError {
    let err = match rejection {
        JsonRejection::JsonDataError(e) => {
            AppError::new(ErrorCode::Invalid, Msg::ErrBadRequest).with_detail(e.body_text())
        }
        JsonRejection::MissingJsonContentType(_) => AppError::new(ErrorCode::UnsupportedMedia, Msg::ErrBadRequest),
        JsonRejection::BytesRejection(e) => body_failure(e.status()),
        _ => AppError::new(ErrorCode::BadRequest, Msg::ErrBadRequest),
    };
    ApiError::from(err)
}
