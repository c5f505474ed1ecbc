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
    Ok(super::ctx::backend()?.elder_home(&actor).await?)
}

/// Presses help. The same `client_key` always gives the same call.
#[server]
pub async fn press_help(client_key: String) -> Result<HelpCall, AppError> {
    let actor = super::ctx::help_actor().await?;
    Ok(super::ctx::backend()?.press_help(&actor, &client_key).await?.0)
}

/// Calls the caller may see; `open_only` for live lists and the alarm.
#[server]
pub async fn help_calls(open_only: bool) -> Result<Vec<HelpCall>, AppError> {
    let actor = super::ctx::actor().await?;
    Ok(super::ctx::backend()?.help_calls(&actor, open_only).await?)
}

#[server]
pub async fn get_help_call(id: String) -> Result<HelpCall, AppError> {
    let actor = super::ctx::actor().await?;
    Ok(super::ctx::backend()?.help_call(&actor, &id).await?)
}

/// Elders in the caller's care (`all`: every resident, to switch elder mode on).
#[server]
pub async fn elder_list(all: bool) -> Result<Vec<ElderInfo>, AppError> {
    let actor = super::ctx::actor().await?;
    Ok(super::ctx::backend()?.elders(&actor, all).await?)
}
