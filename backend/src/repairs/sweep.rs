//! The repairs duty: confirmation by silence after
//! [`AUTO_CONFIRM_HOURS`](linli_model::repair::AUTO_CONFIRM_HOURS), holds
//! resumed at their planned time, and the SLA alerts to the butler when a
//! target is near or missed; for every kind of job (one table). Driven by
//! each job's indexed `next_due` (`linli_model::due`, migration 0015).

use crate::record::JobId;
use chrono::{DateTime, Utc};
use serde_json::json;

use super::super::{
    Backend,
    db::{rows, run, thrown},
    error::Result,
    events::Audience,
};
use linli_model::{
    due::DueFacts,
    job::ActionInput,
    keys::ActorRole,
    live::EventKind,
    repair::{self, JobAction, Party},
};

use super::store::*;
use super::transition::*;

/// Jobs read per query of the sweep.
const BATCH: i64 = 200;
/// Queries per round at most: a backlog (after downtime, or the first
/// rounds after migration 0015) is worked through a few thousand jobs a
/// round; the rest waits for the next round.
const MAX_BATCHES: usize = 20;

impl Backend {
    /// Background duty, run every few seconds: SLA warnings (80 %) to the
    /// butler, escalation to the manager at breach, holds resumed at their
    /// planned time, and confirmation of jobs resolved more than 72 hours
    /// ago without an answer. Reads only the jobs whose `next_due` has come
    /// (indexed), so its cost follows the work due, not the jobs stored;
    /// after acting on a job it writes the job's next `next_due`.
    pub async fn sweep_repairs(&self, now: DateTime<Utc>) -> Result<()> {
        self.sweep_due_jobs(now).await.map(|_| ())
    }

    /// [`Backend::sweep_repairs`], answering how many due jobs it read.
    pub async fn sweep_due_jobs(&self, now: DateTime<Utc>) -> Result<usize> {
        let mut read = 0;
        for _ in 0..MAX_BATCHES {
            let mut res = run(self
                .db
                .query(super::store::DUE_JOBS)
                .bind(("since", DateTime::<Utc>::UNIX_EPOCH))
                .bind(("now", now))
                .bind(("batch", BATCH)))
            .await?;
            let jobs: Vec<JobRow> = rows(&mut res, 0)?;
            let n = jobs.len();
            read += n;
            for job in jobs {
                self.sweep_job(job, now).await?;
            }
            if i64::try_from(n).unwrap_or(0) < BATCH {
                break;
            }
        }
        Ok(read)
    }

    /// A job's stored `next_due` and the model's recomputation from its
    /// stored state (`None` for an unknown job): equal unless a write
    /// missed it. For the tests and for operators' checks.
    pub async fn next_due_check(&self, id: &str) -> Result<Option<(Option<DateTime<Utc>>, Option<DateTime<Utc>>)>> {
        Ok(self.load_any_job(id).await?.map(|job| (job.next_due, linli_model::due::next_due(&job.due_facts()))))
    }

    /// Does what is due for one job, in the order the rules give: a hold
    /// that ends, a confirmation by silence, else the SLA alerts.
    async fn sweep_job(&self, job: JobRow, now: DateTime<Utc>) -> Result<()> {
        let facts = job.due_facts();
        if facts.resume_due().is_some_and(|at| at <= now) {
            return self.resume_hold(&job, now).await;
        }
        if facts.auto_confirm_at().is_some_and(|at| at <= now) {
            return self.auto_confirm(&job, now).await;
        }
        self.raise_sla_alerts(&job, now).await
    }

    /// Resumes a hold whose planned `resume_at` has come, as the system
    /// (the same transition as a `resume`, which writes the next
    /// `next_due`). Claimed by the job's version, so two processes
    /// sweeping at once resume it once.
    async fn resume_hold(&self, job: &JobRow, now: DateTime<Utc>) -> Result<()> {
        let system = Party { system: true, ..Party::default() };
        let Ok(next) = repair::transition(job.state(), system, JobAction::Resume) else {
            return self.set_next_due(job).await;
        };
        let p = patch(job, JobAction::Resume, next, &ActionInput::default(), now);
        let who = (String::new(), "系统".to_string(), ActorRole::System);
        match self.store_transition(job, JobAction::Resume, &p, who, "", &[], None, now).await {
            Ok(()) => {
                if let Some(updated) = self.load_any_job(job.id.key()).await? {
                    self.announce_job(&updated, "resume");
                }
                tracing::info!(job = %job.id, "hold resumed at its planned time");
                Ok(())
            }
            // Someone resumed or changed it at the same moment: theirs wins.
            Err(e) if thrown(&e, "stale") || e.is_retryable() => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Writes the job's `next_due` by the model's rule, when it was picked
    /// with nothing to do (unless it changed meanwhile).
    async fn set_next_due(&self, job: &JobRow) -> Result<()> {
        let next = linli_model::due::next_due(&job.due_facts());
        if next == job.next_due {
            return Ok(());
        }
        run(self
            .db
            .query(super::store::SET_NEXT_DUE)
            .bind(("job", JobId::record_of(&job.id)))
            .bind(("version", job.version))
            .bind(("next_due", next)))
        .await
        .map(|_| ())
    }

    async fn auto_confirm(&self, job: &JobRow, now: DateTime<Utc>) -> Result<()> {
        let system = Party { system: true, ..Party::default() };
        let Ok(next) = repair::transition(job.state(), system, JobAction::Confirm) else {
            return self.set_next_due(job).await;
        };
        let p = patch(job, JobAction::Confirm, next, &ActionInput::default(), now);
        let who = (String::new(), "系统".to_string(), ActorRole::System);
        match self.store_transition(job, JobAction::Confirm, &p, who, "auto_confirm", &[], None, now).await {
            Ok(()) => {
                if let Some(updated) = self.load_job(job.id.key()).await? {
                    self.announce_job(&updated, "auto_confirm");
                    self.follow_ups_after(&updated, None).await;
                } else {
                    // A complaint or suggestion (same table, same clock);
                    // its follow-up by its own rule (`follow_ups_after`
                    // reads the kind).
                    self.announce_complaint_change(job.id.key(), "auto_confirm").await?;
                    if let Some(updated) = self.load_any_job(job.id.key()).await? {
                        self.follow_ups_after(&updated, None).await;
                    }
                }
                tracing::info!(job = %job.id, "auto-confirmed after 72 h");
                Ok(())
            }
            // Someone answered at the same moment: theirs wins (a write
            // conflict too; the next sweep looks again), and the sweep
            // goes on with the other jobs.
            Err(e) if thrown(&e, "stale") || e.is_retryable() => Ok(()),
            Err(e) => Err(e),
        }
    }

    async fn raise_sla_alerts(&self, job: &JobRow, now: DateTime<Utc>) -> Result<()> {
        let due: Vec<String> = job.due_facts().alerts_due(now).into_iter().map(String::from).collect();
        if due.is_empty() {
            return self.set_next_due(job).await;
        }
        let mut alerts = job.alerts.clone();
        alerts.extend(due.iter().cloned());
        let next = linli_model::due::next_due(&DueFacts { alerts: &alerts, ..job.due_facts() });
        let mut res = run(self
            .db
            .query(super::store::RAISE_SLA_ALERTS)
            .bind(("job", JobId::record_of(&job.id)))
            .bind(("version", job.version))
            .bind(("due", due.clone()))
            .bind(("next_due", next)))
        .await?;
        let written: Vec<JobId> = rows(&mut res, 0)?;
        if written.is_empty() {
            // Changed since read: its transition wrote its own next_due;
            // the next round looks again.
            return Ok(());
        }
        for alert in due {
            let breach = alert.ends_with("_breach");
            let audience = Audience::of_sla_alert(job.building.as_str(), breach);
            self.events.publish(
                EventKind::of_job(job.kind.unwrap_or(linli_model::complaint::JobKind::Repair)),
                job.community.key(),
                audience,
                json!({ "id": job.id, "job_kind": job.kind.unwrap_or(linli_model::complaint::JobKind::Repair),
                        "status": job.status, "action": "sla_alert", "alert": alert }),
            );
            tracing::warn!(job = %job.id, alert = %alert, "SLA alert");
        }
        Ok(())
    }
}
