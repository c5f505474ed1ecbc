//! Extractors: authentication and input parsing are parameters of a
//! handler, never lines inside it, and their failures use the API's
//! error envelope rather than axum's plain-text rejections.

use app::{
    api::ctx,
    backend::{Actor, web},
    model::{AppError, ErrorCode, Msg},
};
use axum::{
    extract::{
        FromRequest, FromRequestParts, Request,
        rejection::{BytesRejection, JsonRejection},
    },
    http::request::Parts,
};
use serde::de::DeserializeOwned;

use crate::{error::ApiError, state::AppState};

/// The signed-in caller (`app::api::ctx::caller`, the rule of every
/// surface); 401 otherwise, 403 for a help device's credential
/// (`app::api::ctx::api_caller`).
pub struct AuthUser(pub Actor);

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Self(ctx::api_caller(&state.backend, &parts.headers).await?))
    }
}

/// The caller of a help press, a check-in or a help call's action (the
/// elder's "pressed by mistake"): a session, or else a help device
/// credential of an elder's screen (`app::api::ctx::help_caller`). Only
/// those endpoints take it.
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

/// `axum::extract::Query`, answering a query string of the wrong shape
/// (a value of the wrong type, a parameter twice) with 422 in the API's
/// envelope, `detail` naming the parameter as every other 422 does.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(v)| Self(v))
            .map_err(|e| ApiError::from(invalid_field(&e.body_text(), "query")))
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

/// A body that could not be read: 413 when it passed its size limit, 408
/// when it stopped arriving or arrived too slowly (`request_body`), otherwise
/// 400 (a malformed chunked encoding and the like).
pub(crate) fn body_failure(rejection: &BytesRejection) -> AppError {
    if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        AppError::new(ErrorCode::PayloadTooLarge, Msg::ErrTooLarge)
    } else if crate::request_body::timed_out(rejection) {
        AppError::new(ErrorCode::RequestTimeout, Msg::ErrBodyTimeout)
    } else {
        AppError::new(ErrorCode::BadRequest, Msg::ErrBadRequest)
    }
}

fn json_rejection(rejection: &JsonRejection) -> ApiError {
    let err = match rejection {
        JsonRejection::JsonDataError(e) => invalid_field(&e.body_text(), "body"),
        JsonRejection::MissingJsonContentType(_) => AppError::new(ErrorCode::UnsupportedMedia, Msg::ErrBadRequest),
        JsonRejection::BytesRejection(e) => body_failure(e),
        _ => AppError::new(ErrorCode::BadRequest, Msg::ErrBadRequest),
    };
    ApiError::from(err)
}

/// 422 naming the field a deserialisation error is about (`fallback` when
/// it names none), never serde's English text: axum reports the path
/// (`serde_path_to_error`) after its own prefix, as in `Failed to
/// deserialize query string: all: provided string was not ...`; an error
/// of the whole object names the field in backquotes (`duplicate field
/// `limit``, `missing field `category``).
fn invalid_field(text: &str, fallback: &str) -> AppError {
    AppError::new(ErrorCode::Invalid, Msg::ErrBadRequest).with_detail(field_of(text).unwrap_or(fallback))
}

fn field_of(text: &str) -> Option<&str> {
    let rest = text.split_once(": ").map_or(text, |(_, rest)| rest);
    let is_path =
        |p: &str| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '[' | ']'));
    if let Some((path, _)) = rest.split_once(": ")
        && is_path(path)
        && path != "."
    {
        return Some(path);
    }
    let (_, after) = rest.split_once("field `")?;
    after.split_once('`').map(|(name, _)| name).filter(|n| is_path(n))
}

#[cfg(test)]
mod tests {
    use super::field_of;

    #[test]
    fn the_field_of_a_deserialisation_error_as_axum_reports_it() {
        let cases = [
            ("Failed to deserialize query string: all: provided string was not `true` or `false`", Some("all")),
            ("Failed to deserialize query string: duplicate field `limit`", Some("limit")),
            (
                "Failed to deserialize the JSON body into the target type: category: unknown variant `x`, expected `leak` at line 1 column 16",
                Some("category"),
            ),
            (
                "Failed to deserialize the JSON body into the target type: missing field `title` at line 1 column 2",
                Some("title"),
            ),
            (
                "Failed to deserialize the JSON body into the target type: contacts[0].phone: invalid type: integer `1`",
                Some("contacts[0].phone"),
            ),
            ("Failed to deserialize the JSON body into the target type: invalid type: map, expected a string", None),
        ];
        for (text, field) in cases {
            assert_eq!(field_of(text), field, "{text}");
        }
    }
}
