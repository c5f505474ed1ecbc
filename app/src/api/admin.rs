//! The butler's workspace, the manager's console and scorecards, for the web UI.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::model::{
    AppError, BuildingInfo,
    admin::{AuditEntry, Settings, StaffMember},
    scorecard::{ButlerCard, DayPoint, Scorecard},
};

#[cfg(feature = "ssr")]
use crate::model::{job::FollowUp, keys::FollowUpStatus};

/// A low rating to follow up, as the workspace lists it.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FollowUpItem {
    pub repair_id: Option<String>,
    pub unit: Option<String>,
    pub stars: Option<u8>,
    pub comment: Option<String>,
    pub created_at: DateTime<Utc>,
    /// The job's page: `/repairs/{id}` for a repair, `/complaints/{id}`
    /// for a complaint or suggestion (whose `unit` is the building only).
    pub href: String,
}

#[cfg(feature = "ssr")]
impl From<FollowUp> for FollowUpItem {
    fn from(f: FollowUp) -> Self {
        let base = if f.kind == crate::model::complaint::JobKind::Repair { "/repairs" } else { "/complaints" };
        let href = format!("{base}/{}", f.repair_id.as_deref().unwrap_or_default());
        Self {
            repair_id: f.repair_id,
            unit: f.unit,
            stars: f.stars,
            comment: f.comment,
            created_at: f.created_at,
            href,
        }
    }
}

#[server]
pub async fn list_follow_ups() -> Result<Vec<FollowUpItem>, AppError> {
    let actor = super::ctx::actor().await?;
    let list = super::ctx::backend()?
        .follow_ups(&actor, Some("open"), crate::model::Lang::Zh)
        .await
        .map_err(crate::backend::Error::answer)?;
    Ok(list.into_iter().filter(|f| f.status == FollowUpStatus::Open).map(Into::into).collect())
}

#[server]
pub async fn list_buildings() -> Result<Vec<BuildingInfo>, AppError> {
    let actor = super::ctx::actor().await?;
    super::ctx::backend()?.buildings(&actor).await.map_err(crate::backend::Error::answer)
}

#[server]
pub async fn list_staff() -> Result<Vec<StaffMember>, AppError> {
    let actor = super::ctx::actor().await?;
    super::ctx::backend()?.staff(&actor).await.map_err(crate::backend::Error::answer)
}

#[server]
pub async fn get_settings() -> Result<Settings, AppError> {
    let actor = super::ctx::actor().await?;
    super::ctx::backend()?.settings(&actor).await.map_err(crate::backend::Error::answer)
}

/// A page of the audit log (`MAX_LIMIT` rows after `cursor`), filtered by
/// `action`.
#[server]
pub async fn list_audit(
    action: Option<String>,
    cursor: Option<String>,
) -> Result<crate::model::Page<AuditEntry>, AppError> {
    let actor = super::ctx::actor().await?;
    let page = crate::model::PageRequest::of(Some(crate::model::page::MAX_LIMIT), cursor.as_deref(), "audit", 50)?;
    super::ctx::backend()?
        .audit_log(&actor, action.as_deref(), None, None, &page)
        .await
        .map_err(crate::backend::Error::answer)
}

/// Scorecards of the last `days` days.
#[server]
pub async fn list_scorecards(days: i64) -> Result<Vec<(Scorecard, Vec<DayPoint>)>, AppError> {
    let actor = super::ctx::actor().await?;
    let backend = super::ctx::backend()?;
    let to = Utc::now();
    let from = to - chrono::Duration::days(days.clamp(1, 366));
    let mut out = Vec::new();
    for card in backend.scorecards(&actor, from, to).await.map_err(crate::backend::Error::answer)? {
        let (card, series) =
            backend.butler_scorecard(&actor, &card.butler_id, from, to).await.map_err(crate::backend::Error::answer)?;
        out.push((card, series));
    }
    Ok(out)
}

#[server]
pub async fn get_my_butler() -> Result<Option<ButlerCard>, AppError> {
    let actor = super::ctx::actor().await?;
    super::ctx::backend()?.my_butler(&actor).await.map_err(crate::backend::Error::answer)
}
