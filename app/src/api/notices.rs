//! Announcements and events, for the web UI.

use leptos::prelude::*;

use crate::model::{
    AppError,
    notice::{Activity, Announcement, Attendee, UnreadHousehold},
};

/// The first notices (pinned and urgent first; 200 read), for the home
/// screens' banners.
#[server]
pub async fn list_notices() -> Result<Vec<Announcement>, AppError> {
    let actor = super::ctx::actor().await?;
    super::ctx::backend()?.notices(&actor).await.map_err(crate::backend::Error::answer)
}

/// A page of the notices (50 read a page), after `cursor`.
#[server]
pub async fn list_notices_page(cursor: Option<String>) -> Result<crate::model::Page<Announcement>, AppError> {
    let actor = super::ctx::actor().await?;
    let page = crate::model::PageRequest::of(None, cursor.as_deref(), "notices", 50)?;
    super::ctx::backend()?.notices_page(&actor, &page).await.map_err(crate::backend::Error::answer)
}

/// One notice. Reading it changes nothing: a link opened by a crawler or
/// a preview must not take a household off the door-knock list; the
/// reader says "read" with the page's button (`/forms/notices/{id}/read`).
#[server]
pub async fn open_notice(id: String) -> Result<Announcement, AppError> {
    let actor = super::ctx::actor().await?;
    super::ctx::backend()?.notice(&actor, &id, false).await.map_err(crate::backend::Error::answer)
}

#[server]
pub async fn list_unread_households(id: String) -> Result<Vec<UnreadHousehold>, AppError> {
    let actor = super::ctx::actor().await?;
    super::ctx::backend()?.unread_households(&actor, &id).await.map_err(crate::backend::Error::answer)
}

#[server]
pub async fn list_activities() -> Result<Vec<Activity>, AppError> {
    let actor = super::ctx::actor().await?;
    super::ctx::backend()?.activities(&actor).await.map_err(crate::backend::Error::answer)
}

#[server]
pub async fn get_activity(id: String) -> Result<Activity, AppError> {
    let actor = super::ctx::actor().await?;
    super::ctx::backend()?.activity(&actor, &id).await.map_err(crate::backend::Error::answer)
}

#[server]
pub async fn list_attendees(id: String) -> Result<Vec<Attendee>, AppError> {
    let actor = super::ctx::actor().await?;
    super::ctx::backend()?.attendees(&actor, &id).await.map_err(crate::backend::Error::answer)
}
