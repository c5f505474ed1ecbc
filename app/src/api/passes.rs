//! Visitor passes and the gate, for the web UI.

use leptos::prelude::*;

use crate::model::{
    AppError, UnitRef,
    pass::{Entry, Pass, Verdict, VisitorView, WalkIn},
};

/// A page of the passes of the caller's home, newest first (50 a page).
#[server]
pub async fn list_my_passes(cursor: Option<String>) -> Result<crate::model::Page<Pass>, AppError> {
    let actor = super::ctx::actor().await?;
    let page = crate::model::PageRequest::of(None, cursor.as_deref(), "passes", 50)?;
    super::ctx::backend()?.my_passes(&actor, &page).await.map_err(crate::backend::Error::answer)
}

/// The visitor's page (no login: the token is the credential).
#[server]
pub async fn get_visitor_pass(token: String) -> Result<Option<VisitorView>, AppError> {
    super::ctx::backend()?.visitor_view(&token).await.map_err(crate::backend::Error::answer)
}

/// The guard checks what was scanned or typed; changes nothing.
#[server]
pub async fn check_pass(input: String) -> Result<Verdict, AppError> {
    let actor = super::ctx::actor().await?;
    let client = super::ctx::client_addr();
    super::ctx::backend()?.verify_pass(&actor, &input, &client).await.map_err(crate::backend::Error::answer)
}

#[server]
pub async fn list_expected() -> Result<Vec<Pass>, AppError> {
    let actor = super::ctx::actor().await?;
    super::ctx::backend()?.expected_today(&actor).await.map_err(crate::backend::Error::answer)
}

#[server]
pub async fn list_walk_ins() -> Result<Vec<WalkIn>, AppError> {
    let actor = super::ctx::actor().await?;
    super::ctx::backend()?.walk_ins(&actor).await.map_err(crate::backend::Error::answer)
}

#[server]
pub async fn list_gate_units() -> Result<Vec<UnitRef>, AppError> {
    let actor = super::ctx::actor().await?;
    super::ctx::backend()?.gate_units(&actor).await.map_err(crate::backend::Error::answer)
}

/// A page of the gate entries (`MAX_LIMIT` rows after `cursor`), of one
/// gate or all.
#[server]
pub async fn list_entries(gate: Option<String>, cursor: Option<String>) -> Result<crate::model::Page<Entry>, AppError> {
    let actor = super::ctx::actor().await?;
    let page = crate::model::PageRequest::of(Some(crate::model::page::MAX_LIMIT), cursor.as_deref(), "entries", 50)?;
    super::ctx::backend()?
        .entry_log(&actor, gate.as_deref(), None, None, &page)
        .await
        .map_err(crate::backend::Error::answer)
}

/// The community's active recurring passes (长期访客), newest first, a page
/// at a time: the page and where the next one starts (`cursor`).
#[server]
pub async fn list_long_term_passes(cursor: Option<String>) -> Result<crate::model::Page<Pass>, AppError> {
    let actor = super::ctx::actor().await?;
    let page = crate::model::PageRequest::of(None, cursor.as_deref(), "recurring_passes", 50)?;
    super::ctx::backend()?.long_term_passes(&actor, &page).await.map_err(crate::backend::Error::answer)
}
