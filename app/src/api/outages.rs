//! Outage notices (issue 18), for the web UI: what the repair form shows
//! first, and "we are affected too".

use leptos::prelude::*;

use crate::model::{
    AppError, Lang,
    outage::{ActiveOutage, AffectedMark},
};

/// The outages on now in the caller's building; with `category` (a repair
/// category key) only those related to it, each with its relation. The
/// lines are in `lang`.
#[server]
pub async fn active_outages(category: Option<String>, lang: Lang) -> Result<Vec<ActiveOutage>, AppError> {
    let actor = super::ctx::actor().await?;
    super::ctx::backend()?
        .active_outages(&actor, category.as_deref(), lang)
        .await
        .map_err(crate::backend::Error::answer)
}

/// Marks the caller's household affected (idempotent).
#[server]
pub async fn mark_outage_affected(id: String) -> Result<AffectedMark, AppError> {
    let actor = super::ctx::actor().await?;
    super::ctx::backend()?.mark_outage_affected(&actor, &id).await.map_err(crate::backend::Error::answer)
}
