//! Repairs, for the web UI.

use leptos::prelude::*;

use crate::model::{
    AppError,
    job::{Assignable, Job, JobSummary, NewRepair},
};

/// A page of the jobs the caller may see: `scope`, `status`, the board's
/// `building` and `urgency` filters and `cursor` as in the JSON API (50 a
/// page; the board, `status=open`, with `total` and `breached` counts).
/// The filters are plain arguments, not a struct: an empty struct is sent
/// as no field at all, which the server then misses.
#[server]
pub async fn list_jobs(
    scope: Option<String>,
    status: Option<String>,
    building: Option<String>,
    urgency: Option<String>,
    cursor: Option<String>,
) -> Result<crate::model::Page<JobSummary>, AppError> {
    let actor = super::ctx::actor().await?;
    let page = crate::model::PageRequest::of(None, cursor.as_deref(), "repairs", 50)?;
    let filter = crate::model::job_list::JobFilter::parse(building.as_deref(), urgency.as_deref())?;
    super::ctx::backend()?
        .list_jobs(&actor, scope.as_deref(), status.as_deref(), &filter, &page)
        .await
        .map_err(crate::backend::Error::answer)
}

#[server]
pub async fn get_job(id: String) -> Result<Job, AppError> {
    let actor = super::ctx::actor().await?;
    super::ctx::backend()?.job(&actor, &id).await.map_err(crate::backend::Error::answer)
}

/// Reports a repair whose photos were already uploaded (with progress) to
/// `/api/v1/uploads`.
#[server]
pub async fn report_repair(input: NewRepair) -> Result<Job, AppError> {
    let actor = super::ctx::actor().await?;
    super::ctx::backend()?.create_repair(&actor, input).await.map_err(crate::backend::Error::answer)
}

#[server]
pub async fn list_assignable(id: String) -> Result<Vec<Assignable>, AppError> {
    let actor = super::ctx::actor().await?;
    super::ctx::backend()?.assignable(&actor, &id).await.map_err(crate::backend::Error::answer)
}
