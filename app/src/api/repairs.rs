//! Repairs, for the web UI.

use leptos::prelude::*;

use crate::model::{
    AppError,
    job::{Assignable, Job, JobSummary, NewRepair},
};

/// Jobs the caller may see: `scope` and `status` as in the JSON API.
#[server]
pub async fn list_jobs(scope: Option<String>, status: Option<String>) -> Result<Vec<JobSummary>, AppError> {
    let actor = super::ctx::actor().await?;
    let (items, _) = super::ctx::backend()?
        .list_jobs(&actor, scope.as_deref(), status.as_deref(), 100, None)
        .await
        .map_err(crate::backend::Error::answer)?;
    Ok(items)
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
