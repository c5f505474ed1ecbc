//! Help calls and elders, for the web UI.

use leptos::prelude::*;

use crate::model::{
    AppError,
    help::{ElderHome, ElderInfo, HelpCall},
};

/// The elder's screen: butler, today's check-in, the call to follow.
#[server]
pub async fn get_elder_home() -> Result<ElderHome, AppError> {
    let actor = super::ctx::help_actor().await?;
    super::ctx::backend()?.elder_home(&actor).await.map_err(crate::backend::Error::answer)
}

/// Presses help. The same `client_key` always gives the same call.
#[server]
pub async fn press_help(client_key: String) -> Result<HelpCall, AppError> {
    let actor = super::ctx::help_actor().await?;
    Ok(super::ctx::backend()?.press_help(&actor, &client_key).await.map_err(crate::backend::Error::answer)?.0)
}

/// Calls the caller may see; `open_only` for live lists and the alarm.
#[server]
pub async fn help_calls(open_only: bool) -> Result<Vec<HelpCall>, AppError> {
    let actor = super::ctx::actor().await?;
    super::ctx::backend()?.help_calls(&actor, open_only).await.map_err(crate::backend::Error::answer)
}

#[server]
pub async fn get_help_call(id: String) -> Result<HelpCall, AppError> {
    let actor = super::ctx::actor().await?;
    super::ctx::backend()?.help_call(&actor, &id).await.map_err(crate::backend::Error::answer)
}

/// Elders in the caller's care (`all`: every resident, to switch elder mode on).
#[server]
pub async fn elder_list(all: bool) -> Result<Vec<ElderInfo>, AppError> {
    let actor = super::ctx::actor().await?;
    super::ctx::backend()?.elders(&actor, all).await.map_err(crate::backend::Error::answer)
}

/// One page of an elder's visit log (定期探访), newest first: 20 visits
/// after `cursor` (the previous page's `next_cursor`).
#[server]
pub async fn elder_visit_log(
    id: String,
    cursor: Option<String>,
) -> Result<crate::model::Page<crate::model::help::ElderVisit>, AppError> {
    let actor = super::ctx::actor().await?;
    let page = crate::model::PageRequest::of(Some(20), cursor.as_deref(), "elder_visits", 20)?;
    super::ctx::backend()?.elder_visits(&actor, &id, &page).await.map_err(crate::backend::Error::answer)
}
