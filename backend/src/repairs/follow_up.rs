//! A job's side of follow-up visits (回访, `crate::follow_ups`): the facts
//! of a closing or a rating for the opening rules, and what a dissatisfied
//! outcome does to the job (reopen it, or open a new linked request).

use chrono::Utc;

use super::super::{
    Backend,
    error::{Error, Result},
    follow_ups::{Closing, Remedy},
    policy::Actor,
    staff_entry::Filer,
};
use linli_model::{
    complaint::JobKind,
    follow_up::{ClosedJob, reopen_by_follow_up},
    job::{ActionInput, NewRepair},
    repair::{JobAction, JobStatus, Urgency},
    staff_entry::Channel,
};

use super::{actor_stamp, store::*, transition::*};

impl Backend {
    /// Opens the follow-ups a job's closing (confirmed or rated) or a new
    /// rating calls for. Runs after the change is committed; a fault here
    /// is logged and does not undo or refuse the change.
    pub(super) async fn follow_ups_after(&self, job: &JobRow, rating: Option<(u8, &str)>) {
        let closed = matches!(job.status(), JobStatus::Confirmed | JobStatus::Rated);
        // The sweep confirms complaints and suggestions too: complaints
        // follow their own rule; suggestions get no routine follow-up (as
        // if never closed), only the low-rating one that any kind gets.
        let kind = job.kind.unwrap_or(JobKind::Repair);
        let closed = closed && kind != JobKind::Suggestion;
        if !closed && rating.is_none() {
            return;
        }
        let closing = Closing {
            job: job.id.key(),
            community: job.community.key(),
            building: job.building.key(),
            closed,
            round: job.reopen_count,
            facts: ClosedJob {
                critical: job.urgency == Urgency::Critical,
                reopened: job.reopen_count > 0,
                complaint: kind == JobKind::Complaint,
            },
            rating,
        };
        if let Err(e) = self.open_follow_ups(closing).await {
            tracing::error!(job = %job.id, error = %e, "follow-ups not opened");
        }
    }

    /// A dissatisfied follow-up on job `job_id`: reopens it if it may still
    /// be reopened (the note on its timeline, by the caller), else opens a
    /// new request for the same home and resident, entered by the caller
    /// by phone and linked to it.
    pub(crate) async fn remedy_for_follow_up(&self, actor: &Actor, job_id: &str, note: &str) -> Result<Remedy> {
        let Some(job) = self.load_job(job_id).await? else { return Ok(Remedy::None) };
        let now = self.now();
        if let Some(next) = reopen_by_follow_up(job.status(), job.closed_at, now) {
            let mut p = patch(&job, JobAction::Reopen, next, &ActionInput::default(), now);
            p.closed_at = None;
            match self.store_transition(&job, JobAction::Reopen, &p, actor_stamp(actor), note, &[], None, now).await {
                Ok(()) => {
                    let updated = self.load_job(job_id).await?.ok_or_else(|| Error::internal("job vanished"))?;
                    self.announce_job(&updated, JobAction::Reopen.as_str());
                    tracing::info!(job = %job_id, "reopened by a follow-up");
                    return Ok(Remedy::Reopened);
                }
                Err(e) if super::super::db::thrown(&e, "stale") => {}
                Err(e) => return Err(e),
            }
        }
        let filer = Filer {
            unit: job.unit_ref(),
            resident_id: String::from(job.reporter.clone()),
            resident_name: job.reporter_name.clone().unwrap_or_default(),
            channel: Channel::Phone,
            entered_by: Some((actor.user_id.clone(), actor.name.clone(), actor.role.into())),
        };
        let input = NewRepair {
            category: job.category.as_str().to_string(),
            description: Some(note.to_string()),
            urgency: Some(job.urgency.as_str().to_string()),
            ..NewRepair::default()
        };
        let (id, _) = self.file_repair(job.community.key(), &filer, &input, Some(job_id)).await?;
        tracing::info!(job = %job_id, new = %id, at = %Utc::now(), "new request opened by a follow-up");
        Ok(Remedy::NewRequest(id))
    }
}
