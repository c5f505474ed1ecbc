//! Complaints and suggestions, for the web UI (filing goes through the
//! no-script form `/forms/complaints`, with or without scripts).

use leptos::prelude::*;

use crate::model::{
    AppError,
    complaint::{Complaint, ComplaintStats, ComplaintSummary},
};

/// Complaints the caller may see (a household its own; staff their
/// buildings' or the community's), filtered as in the JSON API; the newest 100.
#[server]
pub async fn list_complaints(
    kind: Option<String>,
    category: Option<String>,
    building: Option<String>,
    status: Option<String>,
) -> Result<Vec<ComplaintSummary>, AppError> {
    let actor = super::ctx::actor().await?;
    let filter = crate::backend::complaints::ComplaintFilter {
        kind: kind.as_deref(),
        category: category.as_deref(),
        building: building.as_deref(),
        status: status.as_deref(),
        limit: Some(100),
        cursor: None,
    };
    let page = super::ctx::backend()?.list_complaints(&actor, &filter).await.map_err(crate::backend::Error::answer)?;
    Ok(page.items)
}

#[server]
pub async fn get_complaint(id: String) -> Result<Complaint, AppError> {
    let actor = super::ctx::actor().await?;
    super::ctx::backend()?.complaint(&actor, &id).await.map_err(crate::backend::Error::answer)
}

/// The last 30 days' counts by category and building.
#[server]
pub async fn complaint_counts() -> Result<ComplaintStats, AppError> {
    let actor = super::ctx::actor().await?;
    let (from, to) = crate::backend::scorecards::period(None, None)?;
    super::ctx::backend()?.complaint_stats(&actor, from, to).await.map_err(crate::backend::Error::answer)
}
