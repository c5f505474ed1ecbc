//! The HTTP status of a web page, decided before it renders.
//!
//! Pages stream in order (`SsrMode::InOrder`), so the status line leaves
//! with the first bytes: a status set while a `Suspense` resolves races
//! the response head (seen as 404 or 200 at random for one request). The
//! status is therefore decided here, from the caller and the path, and
//! the rendered page is sent with it: 403 for a page of another role's
//! work (`model::permission::may_open`, the table the browser uses to
//! show its links), 404 for a detail page whose item does not exist or
//! is not the caller's to see (the same services the page's own calls
//! use). The page itself still renders what the caller may see (its
//! notice "找不到该内容" or an empty screen), so nothing is shown that the
//! status would hide.

use app::{backend::Actor, model::permission::may_open};
use axum::http::StatusCode;
use linli_backend::Backend;

/// The status `path` answers `actor` with, when it is not 200.
pub async fn decide(backend: &Backend, actor: &Actor, path: &str) -> Option<StatusCode> {
    if !may_open(actor.role, path) {
        return Some(StatusCode::FORBIDDEN);
    }
    let mut parts = path.trim_matches('/').split('/');
    let (Some(kind), Some(id), None) = (parts.next(), parts.next(), parts.next()) else { return None };
    if id == "new" {
        return None;
    }
    let seen = match kind {
        "repairs" => backend.job(actor, id).await.map(drop),
        "complaints" => backend.complaint(actor, id).await.map(drop),
        "help" => backend.help_call_visible(actor, id).await,
        "notices" => backend.notice(actor, id, false).await.map(drop),
        "events" => backend.activity(actor, id).await.map(drop),
        _ => return None,
    };
    match seen.map_err(|e| e.to_app().code.status()) {
        Err(404) => Some(StatusCode::NOT_FOUND),
        Err(403) => Some(StatusCode::FORBIDDEN),
        // Anything else (a fault) is the page's to show: it asks again.
        _ => None,
    }
}
