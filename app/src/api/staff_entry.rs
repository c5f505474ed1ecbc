//! Staff entry (代客报修) and follow-up visits (回访), for the web UI.

use leptos::prelude::*;

use crate::model::{AppError, BuildingInfo, UnitInfo, job::FollowUp};

/// The buildings the caller may enter requests for: a butler's own, the
/// whole community for the duty room and the manager.
#[server]
pub async fn entry_buildings() -> Result<Vec<BuildingInfo>, AppError> {
    let actor = super::ctx::actor().await?;
    actor.require(crate::model::Permission::EnterForResident)?;
    let list = super::ctx::backend()?.buildings(&actor).await.map_err(crate::backend::Error::answer)?;
    Ok(list.into_iter().filter(|b| actor.covers_building(&b.id)).collect())
}

/// The units of a building with their residents, for the picker.
#[server]
pub async fn entry_units(building_id: String) -> Result<Vec<UnitInfo>, AppError> {
    let actor = super::ctx::actor().await?;
    super::ctx::backend()?.entry_units(&actor, &building_id).await.map_err(crate::backend::Error::answer)
}

/// A page of the follow-up visits the caller may see (`status`: `open`,
/// `done` or all; 50 a page after `cursor`), with `total`.
#[server]
pub async fn follow_up_list(
    status: Option<String>,
    cursor: Option<String>,
) -> Result<crate::model::Page<FollowUp>, AppError> {
    let actor = super::ctx::actor().await?;
    let list = crate::backend::follow_ups::follow_ups_list(status.as_deref());
    let page = crate::model::PageRequest::of(None, cursor.as_deref(), list, 50)?;
    super::ctx::backend()?
        .follow_ups_page(&actor, status.as_deref(), crate::model::Lang::Zh, &page)
        .await
        .map_err(crate::backend::Error::answer)
}
