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
