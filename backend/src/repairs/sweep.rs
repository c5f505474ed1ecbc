//! The repairs duty: confirmation by silence after
//! [`AUTO_CONFIRM_HOURS`](linli_model::repair::AUTO_CONFIRM_HOURS) and the
//! SLA alerts to the butler when a target is near or missed.

use crate::record::JobId;
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use super::super::{
    Backend,
    db::{rows, run, thrown},
    error::Result,
    events::Audience,
};
use linli_model::{
    job::ActionInput,
    keys::ActorRole,
    live::EventKind,
    repair::{self, AUTO_CONFIRM_HOURS, JobAction, JobStatus, Party},
    sla::ClockState,
};

use super::store::*;
use super::transition::*;

impl Backend {
    /// Background duties, run every few seconds: SLA warnings (80 %) to the
    /// butler, escalation to the manager at breach, and confirmation of
    /// jobs resolved more than 72 hours ago without an answer.
    pub async fn sweep_repairs(&self, now: DateTime<Utc>) -> Result<()> {
        self.resume_due_holds(now).await?;
        let mut res = run(self.db.query(super::store::SWEEP_REPAIRS)).await?;
        let jobs: Vec<JobRow> = rows(&mut res, 0)?;
        for job in jobs {
            if job.status() == JobStatus::Resolved
                && job.resolved_at.is_some_and(|at| now - at >= Duration::hours(AUTO_CONFIRM_HOURS))
            {
                self.auto_confirm(&job, now).await?;
                continue;
            }
            self.raise_sla_alerts(&job, now).await?;
        }
        Ok(())
    }

    /// Resumes the holds whose planned `resume_at` has come, as the
    /// system (the same transition as a `resume`). Due holds are found
    /// through the stored `resume_at` and its index, so a restart loses
    /// none; each is claimed by the job's version, so two processes
    /// sweeping at once resume it once.
    async fn resume_due_holds(&self, now: DateTime<Utc>) -> Result<()> {
        let mut res =
            run(self.db.query(super::store::DUE_HOLDS).bind(("since", DateTime::<Utc>::UNIX_EPOCH)).bind(("now", now)))
                .await?;
        let due: Vec<JobId> = rows(&mut res, 0)?;
        let system = Party { system: true, ..Party::default() };
        for id in due {
            let Some(job) = self.load_any_job(id.key()).await? else { continue };
            if job.status() != JobStatus::OnHold || job.resume_at.is_none_or(|at| at > now) {
                continue;
            }
            let Ok(next) = repair::transition(job.state(), system, JobAction::Resume) else { continue };
            let p = patch(&job, JobAction::Resume, next, &ActionInput::default(), now);
            let who = (String::new(), "系统".to_string(), ActorRole::System);
            match self.store_transition(&job, JobAction::Resume, &p, who, "", &[], None, now).await {
                Ok(()) => {
                    if let Some(updated) = self.load_any_job(job.id.key()).await? {
                        self.announce_job(&updated, "resume");
                    }
                    tracing::info!(job = %job.id, "hold resumed at its planned time");
                }
                // Someone resumed or changed it at the same moment: theirs wins.
                Err(e) if thrown(&e, "stale") => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    async fn auto_confirm(&self, job: &JobRow, now: DateTime<Utc>) -> Result<()> {
        let system = Party { system: true, ..Party::default() };
        let Ok(next) = repair::transition(job.state(), system, JobAction::Confirm) else { return Ok(()) };
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
        let sla = job.clock().facts().compute(now);
        let mut due = Vec::new();
        for (clock, state) in [("respond", sla.respond), ("resolve", sla.resolve)] {
            let alert = match state {
                ClockState::Warning => format!("{clock}_warn"),
                ClockState::Breached => format!("{clock}_breach"),
                _ => continue,
            };
            if !job.alerts.contains(&alert) {
                due.push(alert);
            }
        }
        if due.is_empty() {
            return Ok(());
        }
        run(self
            .db
            .query(super::store::RAISE_SLA_ALERTS)
            .bind(("job", JobId::record_of(&job.id)))
            .bind(("due", due.clone())))
        .await?;
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
