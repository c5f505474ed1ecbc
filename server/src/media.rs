//! Serving stored photos, only to people allowed to see them.

use axum::{
    Router,
    body::Body,
    extract::{Path, State},
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
    routing::get,
};

use crate::{error::ApiResult, extract::AuthUser, state::AppState};

pub fn router() -> Router<AppState> {
    Router::new().route("/media/{id}", get(display)).route("/media/{id}/thumb", get(thumb))
}

async fn display(state: State<AppState>, user: AuthUser, Path(id): Path<String>) -> ApiResult<Response> {
    serve(state, user, &id, false).await
}

async fn thumb(state: State<AppState>, user: AuthUser, Path(id): Path<String>) -> ApiResult<Response> {
    serve(state, user, &id, true).await
}

async fn serve(State(state): State<AppState>, AuthUser(actor): AuthUser, id: &str, thumb: bool) -> ApiResult<Response> {
    let path = state.backend.photo_file(&actor, id, thumb).await?;
    let bytes = tokio::fs::read(&path).await.map_err(|e| {
        tracing::error!(error = %e, "stored photo file missing");
        linli_model::AppError::not_found()
    })?;
    let mut res = Body::from(bytes).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg"));
    // Private: only this user may see it; photos never change once stored.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=604800, immutable"));
    Ok(res)
}
