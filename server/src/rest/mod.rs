//! The JSON API under `/api/v1`, one module per resource. Handlers are
//! thin: extract, call one service, answer.

mod admin;
mod auth;
mod community;
mod elders;
mod help;
mod notices;
mod passes;
mod repairs;
mod uploads;
mod wechat;

use app::model::{AppError, ErrorCode, Msg};
use axum::Router;

pub use passes::base_url;
pub use uploads::multipart_error;

use crate::{error::ApiError, state::AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(admin::router())
        .merge(auth::router())
        .merge(community::router())
        .merge(elders::router())
        .merge(help::router())
        .merge(notices::router())
        .merge(passes::router())
        .merge(repairs::router())
        .merge(uploads::router())
        .merge(wechat::router())
        .route("/stream", axum::routing::get(crate::stream::stream))
        .fallback(|| async { ApiError(AppError::new(ErrorCode::NotFound, Msg::ErrNotFound)) })
}
