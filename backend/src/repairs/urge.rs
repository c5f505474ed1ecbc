//! Urging (催一下): the reporter of open work (any kind of job) nudges its
//! butler and assignee, at most once per the community's interval. The
//! rule (who, when) is `linli_model::repair::{may_urge, urge_wait}`; the
//! urge goes on the timeline (`urged`, no change of status), to the live
//! stream of the butler and assignee, and to the butler through the
//! notification outbox (WeChat subscribe message `job_urged`).

use crate::record::{JobId, UserId};
use serde_json::json;

use super::super::{
    Backend,
    db::{run, thrown},
    error::{Error, Result},
    events::Audience,
    notify::Lane,
    policy::Actor,
    wechat::SubscribeMessage,
};
use linli_model::{AppError, Msg, job::Job, live::EventKind, repair};

use super::{store::*, transition::*};

impl Backend {
    /// Urges a job: 404 if the caller cannot see it, 403 if they did not
    /// report it, 409 if it is no longer open, 429 (with `retry_after`
    /// seconds) before the next urge is allowed. Answers the job as the
    /// caller now sees it.
    pub async fn urge_job(&self, actor: &Actor, id: &str) -> Result<Job> {
        let updated = self.urge(actor, id).await?;
        self.job_view(actor, updated).await
    }

    /// Urges a complaint or suggestion (`POST /complaints/{id}/urge`): the
    /// same rule, limits and errors as [`Backend::urge_job`] (404 also for
    /// a repair's id); answers the complaint as the caller now sees it.
    pub async fn urge_complaint(&self, actor: &Actor, id: &str) -> Result<linli_model::complaint::Complaint> {
        // Not a complaint the caller sees: 404 before anything is touched.
        self.complaint(actor, id).await?;
        self.urge(actor, id).await?;
        self.complaint(actor, id).await
    }

    /// The kind of job `id` as the caller may know it, for a no-script
    /// urge form to come back to that kind's page (`/complaints/{id}` or
    /// `/repairs/{id}`): `Repair` when there is none the caller sees.
    pub async fn urged_job_kind(&self, actor: &Actor, id: &str) -> linli_model::complaint::JobKind {
        use linli_model::complaint::JobKind;
        match self.load_any_job(id).await {
            Ok(Some(job)) if actor.check_sees(job.scope().as_scope()).is_ok() => job.kind.unwrap_or(JobKind::Repair),
            _ => JobKind::Repair,
        }
    }

    /// The one urge every kind of job shares (rule, limits, timeline,
    /// stream, outbox; errors as [`Backend::urge_job`]): the job as stored
    /// afterwards.
    async fn urge(&self, actor: &Actor, id: &str) -> Result<JobRow> {
        for attempt in 0..RETRIES {
            let job = self.load_any_job(id).await?.ok_or_else(AppError::not_found)?;
            actor.check_sees(job.scope().as_scope())?;
            let party = party(actor, &job);
            if !party.reporter {
                // A complaint or suggestion is not even named to anyone
                // but the household that filed it and its handlers.
                let repair = job.kind.is_none_or(|k| k == linli_model::complaint::JobKind::Repair);
                return Err(if repair { AppError::forbidden() } else { AppError::not_found() }.into());
            }
            if !repair::may_urge(job.status(), party) {
                return Err(AppError::conflict(Msg::ErrUrgeNotOpen).with_detail(job.status().as_str()).into());
            }
            let now = self.now();
            if let Some(wait) = repair::urge_wait(job.urge_next_at, now) {
                return Err(too_soon(wait));
            }
            let interval = self.clock_settings(job.community.key()).await?.urge_interval_mins;
            let next = repair::next_urge_at(now, interval);
            let message = job.owner.as_ref().map(|owner| SubscribeMessage {
                community: job.community.key(),
                user: owner.key(),
                key: "job_urged",
                data: json!({
                    "thing1": job.category.label().text(linli_model::Lang::Zh),
                    "thing2": job.unit_ref().label,
                    "time3": linli_model::time::format_local(now),
                }),
                lane: Lane::Normal,
            });
            let query = self.db.query(URGE);
            let outcome = run(self
                .bind_subscribe_message(query, message)
                .bind(("job", JobId::record_of(&job.id)))
                .bind(("version", job.version))
                .bind(("now", now))
                .bind(("next", next))
                .bind(("status", job.status().as_str()))
                .bind(("actor", UserId::record_of(&actor.user_id)))
                .bind(("actor_name", actor.name.clone()))
                .bind(("actor_role", linli_model::keys::ActorRole::from(actor.role).as_str())))
            .await;
            match outcome {
                Ok(_) => {
                    let updated = self.load_any_job(id).await?.ok_or_else(|| Error::internal("job vanished"))?;
                    self.events.publish(
                        EventKind::of_job(updated.kind.unwrap_or(linli_model::complaint::JobKind::Repair)),
                        updated.community.key(),
                        Audience::of_urge(updated.building.as_str(), updated.assignee.as_deref()),
                        json!({ "id": updated.id, "job_kind": updated.kind.unwrap_or(linli_model::complaint::JobKind::Repair),
                                "status": updated.status, "action": "urged",
                                "urgency": updated.urgency, "urge_count": updated.urge_count }),
                    );
                    tracing::info!(job = %id, count = updated.urge_count, "job urged");
                    return Ok(updated);
                }
                Err(e) if thrown(&e, "stale") && attempt + 1 < RETRIES => continue,
                // Another urge won the race: this one waits like any other.
                Err(e) if thrown(&e, "too_soon") => {
                    return Err(too_soon(chrono::Duration::minutes(i64::from(interval))));
                }
                Err(e) if thrown(&e, "stale") || e.violates("repair_event_seq") => {
                    return Err(AppError::conflict(Msg::ErrJobChanged).into());
                }
                Err(e) => return Err(e),
            }
        }
        Err(AppError::conflict(Msg::ErrJobChanged).into())
    }
}

/// 429 with the whole seconds left (rounded up).
fn too_soon(wait: chrono::Duration) -> Error {
    AppError::too_soon(Msg::ErrUrgeTooSoon, (wait.num_milliseconds() + 999) / 1000).into()
}
