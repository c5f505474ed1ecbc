//! Who is signed in.

use leptos::prelude::*;

use crate::model::{AppError, Me};

/// The signed-in person, or `None` for a visitor without a session.
#[server]
pub async fn get_me() -> Result<Option<Me>, AppError> {
    use crate::model::ErrorCode;
    match super::ctx::actor().await {
        Ok(actor) => Ok(Some(actor.me())),
        Err(e) if matches!(e.code, ErrorCode::Unauthenticated | ErrorCode::SessionExpired) => Ok(None),
        Err(e) => Err(e),
    }
}
