//! How a server function finds the services and the caller.

use http::request::Parts;
use leptos::prelude::use_context;

use crate::{
    backend::{Actor, Backend, web},
    model::{AppError, Lang},
};

pub fn backend() -> Result<Backend, AppError> {
    use_context::<Backend>().ok_or_else(AppError::internal)
}

pub fn parts() -> Result<Parts, AppError> {
    use_context::<Parts>().ok_or_else(AppError::internal)
}

/// The signed-in caller, or 401. Pages were already checked by the
/// server's session guard, which left the caller in the request.
pub async fn actor() -> Result<Actor, AppError> {
    let parts = parts()?;
    if let Some(actor) = parts.extensions.get::<Actor>() {
        return Ok(actor.clone());
    }
    let token = web::session_token(&parts.headers).ok_or_else(AppError::unauthenticated)?;
    backend()?.authenticate(&token).await.map_err(AppError::from)
}

/// The caller of the elder's help screen: a session, or else the help
/// device credential of an elder's tablet (`backend/devices.rs`). Only the
/// help press, the check-in and the elder's home may use it.
pub async fn help_actor() -> Result<Actor, AppError> {
    let parts = parts()?;
    if let Some(actor) = parts.extensions.get::<Actor>() {
        return Ok(actor.clone());
    }
    let session = web::session_token(&parts.headers);
    let device = web::device_token(&parts.headers);
    if session.is_none() && device.is_none() {
        return Err(AppError::unauthenticated());
    }
    let (actor, _) = backend()?.help_caller(session.as_deref(), device.as_deref()).await.map_err(AppError::from)?;
    Ok(actor)
}

/// The language of the current request.
pub fn lang() -> Lang {
    use_context::<Parts>().map(|p| web::lang(&p.headers)).unwrap_or_default()
}

/// The client's address, for rate limiting (as the REST handlers see it:
/// the edge middleware's [`web::ClientIp`]).
pub fn client_addr() -> String {
    use_context::<Parts>()
        .and_then(|p| p.extensions.get::<web::ClientIp>().map(|c| c.0.clone()))
        .unwrap_or_else(|| "unknown".into())
}
