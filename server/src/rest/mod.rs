//! The JSON API under `/api/v1`, one module per resource. Handlers are
//! thin: extract, call one service, answer.

mod auth;
mod community;

use app::model::{AppError, ErrorCode, Msg};
use axum::Router;

use crate::{error::ApiError, state::AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(auth::router())
        .merge(community::router())
        .fallback(|| async { ApiError(AppError::new(ErrorCode::NotFound, Msg::ErrNotFound)) })
}
