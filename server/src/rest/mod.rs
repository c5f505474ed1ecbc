//! The JSON API under `/api/v1`, one module per resource. Handlers are
//! thin: extract, call one service, answer.

pub(crate) mod admin;
pub(crate) mod auth;
pub(crate) mod backup;
pub(crate) mod community;
pub(crate) mod complaints;
pub(crate) mod elders;
pub(crate) mod help;
pub(crate) mod notices;
pub(crate) mod outages;
pub(crate) mod passes;
pub(crate) mod repairs;
pub(crate) mod staff_entry;
pub(crate) mod uploads;
pub(crate) mod wechat;

use axum::Router;
use linli_model::{ErrorCode, Msg};

pub use passes::base_url;
pub use uploads::multipart_error;

use crate::{error::ApiError, state::AppState};

/// Checks a list's `?limit=&cursor=` (`linli_model::PageRequest`): 422
/// naming `limit` or `cursor` when bad.
pub(crate) fn page(
    limit: Option<&String>,
    cursor: Option<&String>,
    list: &str,
) -> Result<linli_model::PageRequest, linli_model::AppError> {
    linli_model::PageRequest::parse(
        limit.map(String::as_str),
        cursor.map(String::as_str),
        list,
        linli_model::page::DEFAULT_LIMIT,
    )
}

/// The key of a filing request (`linli_model::client_key`): the body's
/// `client_key` and the standard `Idempotency-Key` header name one key
/// (either may be absent). 422 `client_key` when it has the wrong shape
/// (a header that is not ASCII included) or when the two differ.
pub(crate) fn request_key(
    body: Option<&str>,
    headers: &axum::http::HeaderMap,
) -> Result<Option<String>, linli_model::AppError> {
    let header =
        headers.get(linli_model::client_key::HEADER).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    linli_model::client_key::of_request(body, header.as_deref())
}

/// 201 for what a request created, 200 for what a repeat of it (the same
/// request key) found already stored.
pub(crate) const fn created_or_found(created: bool) -> axum::http::StatusCode {
    if created { axum::http::StatusCode::CREATED } else { axum::http::StatusCode::OK }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(admin::router())
        .merge(auth::router())
        .merge(backup::router())
        .merge(community::router())
        .merge(complaints::router())
        .merge(elders::router())
        .merge(help::router())
        .merge(notices::router())
        .merge(outages::router())
        .merge(passes::router())
        .merge(repairs::router())
        .merge(staff_entry::router())
        .merge(uploads::router())
        .merge(wechat::router())
        .route("/stream", axum::routing::get(crate::stream::stream))
        .fallback(|| async { ApiError::new(ErrorCode::NotFound, Msg::ErrNotFound) })
        .method_not_allowed_fallback(|| async { ApiError::new(ErrorCode::MethodNotAllowed, Msg::ErrMethodNotAllowed) })
}
