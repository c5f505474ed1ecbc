//! How a request finds its caller, and how a server function finds the
//! services.
//!
//! [`caller`] and [`help_caller`] are the one rule for the three ways in:
//! the REST extractors (`server/src/extract.rs`), the plain form posts
//! (`server/src/forms/`) and the server functions below all call them, so
//! a token that signs in on one surface signs in on every one.

use http::{HeaderMap, request::Parts};
use leptos::prelude::use_context;

use crate::{
    backend::{Actor, Backend, web},
    model::AppError,
};

/// The signed-in caller of a request: the session token (the bearer
/// `Authorization`, else the session cookie) checked by the backend;
/// 401 without one, the backend's refusal for a bad or expired one.
pub async fn caller(backend: &Backend, headers: &HeaderMap) -> Result<Actor, AppError> {
    let token = web::session_token(headers).ok_or_else(AppError::unauthenticated)?;
    backend.authenticate(&token).await.map_err(crate::backend::Error::answer)
}

/// [`caller`] for the JSON API: a request that carries no valid session
/// but a live help device credential (the device cookie, or the bearer a
/// mini-program sends) is refused with 403 `ErrHelpDeviceOnly`, not 401:
/// signing in again would not help, the device may only use the help
/// endpoints ([`help_caller`]).
pub async fn api_caller(backend: &Backend, headers: &HeaderMap) -> Result<Actor, AppError> {
    match caller(backend, headers).await {
        Err(e) if e.code.status() == 401 => {
            for token in [web::device_token(headers), web::bearer(headers)].into_iter().flatten() {
                if backend.help_device_is_live(&token).await.map_err(crate::backend::Error::answer)? {
                    return Err(AppError::new(
                        crate::model::ErrorCode::Forbidden,
                        crate::model::Msg::ErrHelpDeviceOnly,
                    ));
                }
            }
            Err(e)
        }
        other => other,
    }
}

/// The caller of a help press, a check-in or the elder's home: a session
/// as for [`caller`], or else a help device credential of an elder's
/// screen (`backend/src/devices/`): the device cookie, else the bearer
/// `Authorization` a mini-program sends. Only those may take it.
pub async fn help_caller(backend: &Backend, headers: &HeaderMap) -> Result<Actor, AppError> {
    let session = web::session_token(headers);
    let device = web::device_token(headers).or_else(|| web::bearer(headers));
    if session.is_none() && device.is_none() {
        return Err(AppError::unauthenticated());
    }
    let (actor, _) =
        backend.help_caller(session.as_deref(), device.as_deref()).await.map_err(crate::backend::Error::answer)?;
    Ok(actor)
}

pub fn backend() -> Result<Backend, AppError> {
    use_context::<Backend>().ok_or_else(AppError::internal)
}

fn parts() -> Result<Parts, AppError> {
    use_context::<Parts>().ok_or_else(AppError::internal)
}

/// The signed-in caller of a server function ([`caller`]), or 401. Pages
/// were already checked by the server's session guard, which left the
/// caller in the request.
pub async fn actor() -> Result<Actor, AppError> {
    let parts = parts()?;
    match parts.extensions.get::<Actor>() {
        Some(actor) => Ok(actor.clone()),
        None => caller(&backend()?, &parts.headers).await,
    }
}

/// The caller of the elder's help screen ([`help_caller`]). Only the help
/// press, the check-in and the elder's home may use it.
pub async fn help_actor() -> Result<Actor, AppError> {
    let parts = parts()?;
    match parts.extensions.get::<Actor>() {
        Some(actor) => Ok(actor.clone()),
        None => help_caller(&backend()?, &parts.headers).await,
    }
}

/// The client's address, for rate limiting (as the REST handlers see it:
/// the edge middleware's [`web::ClientIp`]).
pub fn client_addr() -> String {
    use_context::<Parts>()
        .and_then(|p| p.extensions.get::<web::ClientIp>().map(|c| c.0.clone()))
        .unwrap_or_else(|| "unknown".into())
}
