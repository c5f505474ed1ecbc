//! The QR images of the visitor's page (`/v/{token}/qr.svg|png`). The
//! token is the credential, so no login; an unknown token is a 404.

use axum::{
    Router,
    extract::{Path, State},
    http::{HeaderMap, HeaderValue, header},
    response::{IntoResponse, Response},
    routing::get,
};
use linli_model::AppError;

use crate::{error::ApiResult, rest::base_url, state::AppState};

pub fn router() -> Router<AppState> {
    Router::new().route("/v/{token}/qr.svg", get(svg)).route("/v/{token}/qr.png", get(png))
}

async fn link(state: &AppState, headers: &HeaderMap, token: &str) -> Result<String, AppError> {
    if !state.backend.pass_token_exists(token).await.map_err(linli_backend::Error::answer)? {
        return Err(AppError::not_found());
    }
    Ok(format!("{}/v/{token}", base_url(state, headers)))
}

fn image(body: impl IntoResponse, content_type: &'static str) -> Response {
    let mut res = body.into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=3600"));
    res
}

async fn svg(State(state): State<AppState>, headers: HeaderMap, Path(token): Path<String>) -> ApiResult<Response> {
    let url = link(&state, &headers, &token).await?;
    Ok(image(linli_backend::qr::svg(&url)?, "image/svg+xml; charset=utf-8"))
}

async fn png(State(state): State<AppState>, headers: HeaderMap, Path(token): Path<String>) -> ApiResult<Response> {
    let url = link(&state, &headers, &token).await?;
    Ok(image(linli_backend::qr::png(&url)?, "image/png"))
}
