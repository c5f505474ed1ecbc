//! Who is signed in.

use leptos::prelude::*;

use crate::model::{AppError, Me};

/// The signed-in person, or `None` for a visitor without a session. An
/// elder's paired tablet counts as signed in for the elder's help screen
/// (see `backend/src/devices/`), whatever its session did.
#[server]
pub async fn get_me() -> Result<Option<Me>, AppError> {
    use crate::model::ErrorCode;
    match super::ctx::help_actor().await {
        Ok(actor) => Ok(Some(actor.me())),
        Err(e) if matches!(e.code, ErrorCode::Unauthenticated | ErrorCode::SessionExpired) => Ok(None),
        Err(e) => Err(e),
    }
}
