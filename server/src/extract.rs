//! Extractors: authentication and input parsing are parameters of a
//! handler, never lines inside it, and their failures use the API's
//! error envelope rather than axum's plain-text rejections.

use app::{
    backend::{Actor, web},
    model::{AppError, ErrorCode, Msg},
};
use axum::{
    extract::{FromRequest, FromRequestParts, Request, rejection::JsonRejection},
    http::request::Parts,
};
use serde::de::DeserializeOwned;

use crate::{error::ApiError, state::AppState};

/// The signed-in caller; 401 otherwise.
pub struct AuthUser(pub Actor);

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = web::session_token(&parts.headers).ok_or_else(AppError::unauthenticated)?;
        Ok(Self(state.backend.authenticate(&token).await?))
    }
}

/// The caller of a help press or check-in: a session (bearer or cookie),
/// or else a help device credential (bearer `Authorization` or the device
/// cookie) of an elder's screen. Only those two endpoints take it.
pub struct HelpCaller(pub Actor);

impl FromRequestParts<AppState> for HelpCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let session = web::session_token(&parts.headers);
        let device = web::device_token(&parts.headers).or_else(|| web::bearer(&parts.headers));
        if session.is_none() && device.is_none() {
            return Err(AppError::unauthenticated().into());
        }
        let (actor, _) = state.backend.help_caller(session.as_deref(), device.as_deref()).await?;
        Ok(Self(actor))
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
            .map_err(|e| ApiError(AppError::new(ErrorCode::BadRequest, Msg::ErrBadRequest).with_detail(e.body_text())))
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
            .map_err(|_| ApiError(AppError::new(ErrorCode::UnsupportedMedia, Msg::ErrMultipart)))
    }
}

fn json_rejection(rejection: &JsonRejection) -> ApiError {
    let err = match rejection {
        JsonRejection::JsonDataError(e) => {
            AppError::new(ErrorCode::Invalid, Msg::ErrBadRequest).with_detail(e.body_text())
        }
        JsonRejection::MissingJsonContentType(_) => AppError::new(ErrorCode::UnsupportedMedia, Msg::ErrBadRequest),
        JsonRejection::BytesRejection(_) => AppError::new(ErrorCode::PayloadTooLarge, Msg::ErrTooLarge),
        _ => AppError::new(ErrorCode::BadRequest, Msg::ErrBadRequest),
    };
    ApiError(err)
}
