//! Rating a job: once, by the reporter, after it is resolved; a low
//! rating opens a follow-up (回访).

use crate::record::{BuildingId, CommunityId, JobId, RatingId, UserId};

use super::super::{
    Backend, clean,
    db::{rows, run, thrown},
    error::Result,
    ids,
    policy::Actor,
};
use linli_model::{
    AppError, ErrorCode, Msg,
    job::{Rating, RatingInput},
    repair::{self, RatingTag},
};

use super::transition::*;

impl Backend {
    /// The reporter rates a resolved job once: 1–5 stars, quick tags, a
    /// comment. Rating also confirms the fix. Two stars or fewer opens a
    /// follow-up visit for the manager.
    pub async fn rate_job(&self, actor: &Actor, id: &str, input: RatingInput) -> Result<Rating> {
        let job = self.load_job(id).await?.ok_or_else(AppError::not_found)?;
        actor.check_sees(job.scope().as_scope())?;
        let party = party(actor, &job);
        if !party.reporter {
            return Err(AppError::forbidden().into());
        }
        if !(1..=5).contains(&input.stars) {
            return Err(AppError::invalid("stars", Msg::ErrStars).into());
        }
        let mut tags: Vec<RatingTag> = Vec::new();
        for t in &input.tags {
            let tag = RatingTag::from_input(t).ok_or_else(|| AppError::invalid("tags", Msg::ErrTags))?;
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        let comment = clean::optional_block("comment", input.comment.as_deref(), 500)?;
        let mut res = run(self.db.query(super::store::RATING_OF_JOB).bind(("job", JobId::record_of(id)))).await?;
        let rated = !rows::<serde_json::Value>(&mut res, 0)?.is_empty();
        if rated {
            return Err(AppError::conflict(Msg::ErrAlreadyRated).into());
        }
        if !repair::may_rate(job.status(), party, false) {
            return Err(AppError::new(ErrorCode::Conflict, Msg::ErrNotYetRatable)
                .with_detail(job.status.as_str())
                .into());
        }
        let rating_id = ids::new_key();
        let now = self.now();
        let stars = input.stars;
        let outcome = run(self
            .db
            .query(super::store::RATE_JOB)
            .bind(("job", JobId::record_of(id)))
            .bind(("version", job.version))
            .bind(("rating", RatingId::record_of(&rating_id)))
            .bind(("community", CommunityId::record_of(&job.community)))
            .bind(("building", BuildingId::record_of(&job.building)))
            .bind(("owner", job.owner.as_deref().map(UserId::record_of)))
            .bind(("assignee", job.assignee.as_deref().map(UserId::record_of)))
            .bind(("rater", UserId::record_of(&actor.user_id)))
            .bind(("rater_name", actor.name.clone()))
            .bind(("stars", stars))
            .bind(("tags", tags.iter().map(|t| t.as_str()).collect::<Vec<_>>()))
            .bind(("comment", comment.clone()))
            .bind(("from", job.status.as_str()))
            .bind(("now", now)))
        .await;
        match outcome {
            Ok(_) => {}
            Err(e) if e.violates("rating_repair") || thrown(&e, "stale") => {
                return Err(AppError::conflict(Msg::ErrAlreadyRated).into());
            }
            Err(e) => return Err(e),
        }
        if let Some(updated) = self.load_job(id).await? {
            self.announce_job(&updated, "rated");
            self.follow_ups_after(&updated, Some((u8::try_from(stars).unwrap_or(5), rating_id.as_str()))).await;
        }
        Ok(Rating { id: rating_id, stars: u8::try_from(stars).unwrap_or(5), tags, comment, at: now })
    }
}
