//! Closing a report with its outage (issue 18): when staff end an outage,
//! each open report linked to it is resolved by the system, with a
//! timeline entry saying why. Its household is told as for any
//! resolution (live event, WeChat message) and may still reopen it.

use chrono::{DateTime, Utc};

use super::super::{Backend, db::thrown, error::Result};
use linli_model::{
    job::ActionInput,
    keys::ActorRole,
    repair::{JobAction, JobStatus},
};

use super::reporter_message;
use super::transition::*;

impl Backend {
    /// Resolves open job `id` because its outage ended; `note` says so on
    /// the timeline. `false` when the job is no longer open (nothing done).
    pub(crate) async fn resolve_with_outage(&self, id: &str, note: &str, now: DateTime<Utc>) -> Result<bool> {
        for _ in 0..RETRIES {
            let Some(job) = self.load_job(id).await? else { return Ok(false) };
            if !job.status().is_open() {
                return Ok(false);
            }
            let mut p = patch(&job, JobAction::Resolve, JobStatus::Resolved, &ActionInput::default(), now);
            // Resolving answers the report too: the respond clock stops.
            p.responded_at = p.responded_at.or(Some(now));
            let who = (String::new(), "系统".to_string(), ActorRole::System);
            let message = reporter_message(&job, JobAction::Resolve, None, now);
            match self.store_transition(&job, JobAction::Resolve, &p, who, note, &[], message, now).await {
                Ok(()) => {
                    if let Some(updated) = self.load_job(id).await? {
                        self.announce_job(&updated, "outage_ended");
                    }
                    tracing::info!(job = %id, "resolved with its outage");
                    return Ok(true);
                }
                Err(e) if thrown(&e, "stale") => continue,
                Err(e) => return Err(e),
            }
        }
        Ok(false)
    }
}
