//! `GET /api/v1/backup`: a consistent copy of the whole database for the
//! operator, streamed as SurrealQL. It is not a community feature (the
//! copy holds every community), so it is guarded by the operator's secret
//! (`LINLI_BACKUP_TOKEN`) rather than by a user's role, and it is off
//! unless that secret is set.

use axum::{
    Router,
    body::Body,
    extract::State,
    http::{HeaderMap, header},
    response::{IntoResponse, Response},
    routing::get,
};
use futures::StreamExt;
use linli_model::{AppError, ErrorCode, Msg};

use crate::{error::ApiResult, extract::ClientAddr, state::AppState};

/// The shortest backup token accepted: 32 characters (e.g. `openssl rand
/// -hex 16`). A shorter one leaves backups off, with a warning at start.
pub const MIN_TOKEN_LEN: usize = 32;

pub fn router() -> Router<AppState> {
    Router::new().route("/backup", get(backup))
}

async fn backup(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let Some(expected) = state.config.backup_token.as_deref().filter(|t| t.len() >= MIN_TOKEN_LEN) else {
        return Err(AppError::new(ErrorCode::NotFound, Msg::ErrNotFound).into());
    };
    if !state.backend.backup_attempt_allowed(&client) {
        tracing::warn!(client = %client, "backup refused: too many failed attempts");
        return Err(AppError::new(ErrorCode::RateLimited, Msg::ErrRateLimited).into());
    }
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    if !same_secret(presented.as_bytes(), expected.as_bytes()) {
        state.backend.backup_attempt_failed(&client);
        tracing::warn!(client = %client, "backup refused: wrong token");
        return Err(AppError::new(ErrorCode::Unauthenticated, Msg::ErrUnauthenticated).into());
    }
    // Recorded first, so the backup itself holds the record of its taking.
    state.backend.audit_operator("backup", &client).await?;
    let stream = state.backend.backup().await?;
    tracing::info!(client = %client, "backup started");
    let name = format!("attachment; filename=\"linli-{}.surql\"", chrono::Utc::now().format("%Y%m%d-%H%M%S"));
    let body = Body::from_stream(stream.map(|chunk| chunk.map_err(std::io::Error::other)));
    Ok((
        [
            (header::CONTENT_TYPE, "application/sql; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, name),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response())
}

/// Compares two secrets in time that does not depend on where they differ.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::same_secret;

    #[test]
    fn secrets_compare_exactly() {
        assert!(same_secret(b"abc", b"abc"));
        assert!(!same_secret(b"abc", b"abd"));
        assert!(!same_secret(b"abc", b"abcd"));
        assert!(!same_secret(b"", b"a"));
    }
}
