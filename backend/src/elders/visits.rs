//! Regular visits to elders (定期探访): each elder's schedule (every N
//! days, weekly unless set) and the visit log. The rule (when the next
//! visit is due, overdue, on time, how far back a visit may be recorded)
//! is `linli_model::help`'s; this module loads, checks the caller's reach,
//! stores and announces.
//!
//! Who: staff who see elders (a butler only those of their own buildings,
//! the duty room and the manager the whole community) record visits and
//! read the log; the butler of the elder's building and the manager set
//! the schedule. An elder out of the caller's reach is "not found".
//!
//! What a visit's "anything to follow up" is: text kept with the visit and
//! shown in the log; it does not open a follow-up task (the follow-up
//! module, `crate::follow_ups`, is for low ratings of repairs).

use chrono::{DateTime, Utc};
use serde_json::json;

use super::*;
use linli_model::help::{VisitBody, next_visit_due, visit_on_time, visit_time_allowed};

impl Backend {
    /// The elder `user_id` in the caller's reach, in elder mode (visits
    /// are for elders only: 422 `id` otherwise).
    async fn elder_in_reach(&self, actor: &Actor, user_id: &str) -> Result<ResidentRow> {
        let person = self.resident_in_reach(actor, user_id).await?;
        if !person.elder_mode {
            return Err(AppError::invalid("id", Msg::ErrNotElder).into());
        }
        Ok(person)
    }

    /// Records a visit made (or a call placed) to an elder: how, how they
    /// are, anything to follow up. `visited_at` defaults to now; it may lie
    /// up to 14 days back, never ahead (422 `visited_at`). The visit is
    /// judged on time against the visit before it (or the elder's
    /// registration) under the elder's schedule, and stored with that
    /// judgement. The board of the elder's building hears of it.
    pub async fn record_visit(&self, actor: &Actor, user_id: &str, body: &VisitBody) -> Result<ElderVisit> {
        actor.require(Permission::RecordElderVisit)?;
        let person = self.elder_in_reach(actor, user_id).await?;
        let mode = VisitMode::parse(&body.mode).ok_or_else(|| AppError::invalid("mode", Msg::ErrBadRequest))?;
        let condition =
            ElderCondition::parse(&body.condition).ok_or_else(|| AppError::invalid("condition", Msg::ErrBadRequest))?;
        let note = clean::optional_block("note", body.note.as_deref(), 500)?;
        let follow_up = clean::optional_block("follow_up", body.follow_up.as_deref(), 500)?;
        let now = self.now();
        let at = body.visited_at.unwrap_or(now);
        if !visit_time_allowed(at, now) {
            return Err(AppError::invalid("visited_at", Msg::ErrVisitTime).into());
        }
        let elder = UserId::record_of(user_id);
        let mut res = run(self.db.query(store::VISIT_BEFORE).bind(("elder", elder.clone())).bind(("at", at))).await?;
        let before: Option<DateTime<Utc>> = rows::<DateTime<Utc>>(&mut res, 0)?.into_iter().next();
        let every = person.visit_every_days.and_then(visit_interval).unwrap_or(DEFAULT_VISIT_EVERY_DAYS);
        let due = next_visit_due(before, person.since, every);
        let id = ElderVisitId::generate();
        run(self
            .db
            .query(store::RECORD_VISIT)
            .bind(("id", id.record()))
            .bind(("community", CommunityId::record_of(person.community.key())))
            .bind(("building", BuildingId::record_of(person.building.key())))
            .bind(("elder", elder))
            .bind(("by", UserId::record_of(&actor.user_id)))
            .bind(("at", at))
            .bind(("now", now))
            .bind(("mode", mode.as_str()))
            .bind(("condition", condition.as_str()))
            .bind(("note", note))
            .bind(("follow_up", follow_up))
            .bind(("due", due.to_string()))
            .bind(("on_time", visit_on_time(at, due))))
        .await?;
        self.events.publish(
            linli_model::live::EventKind::CheckInUpdated,
            person.community.key(),
            crate::events::Audience::of_check_in(user_id, person.building.key()),
            json!({ "elder": user_id, "visit": id.key() }),
        );
        let mut res = run(self.db.query(store::VISIT_BY_ID).bind(("id", id.record()))).await?;
        row::<VisitRow>(&mut res, 0)?.map(VisitRow::view).ok_or_else(|| AppError::internal().into())
    }

    /// An elder's visit log, newest first, a page at a time (list
    /// `elder_visits`, keyset `(visited_at, id)`).
    pub async fn elder_visits(
        &self,
        actor: &Actor,
        user_id: &str,
        page: &linli_model::PageRequest,
    ) -> Result<linli_model::Page<ElderVisit>> {
        actor.require(Permission::RecordElderVisit)?;
        self.resident_in_reach(actor, user_id).await?;
        let (at, after) = match page.after.as_ref() {
            None => (None, None),
            Some(c) if c.keys.len() == 1 => (c.instant(0), Some(crate::record::ElderVisitId::record_of(&c.id))),
            Some(_) => return Err(AppError::invalid("cursor", Msg::ErrBadCursor).into()),
        };
        let mut res = run(self
            .db
            .query(store::VISITS_OF_ELDER)
            .bind(("elder", UserId::record_of(user_id)))
            .bind(("at", at))
            .bind(("after", after))
            .bind(("fetch", page.fetch())))
        .await?;
        let visits: Vec<ElderVisit> = rows::<VisitRow>(&mut res, 0)?.into_iter().map(VisitRow::view).collect();
        Ok(page.cut(visits, "elder_visits", |v| linli_model::Cursor::at(v.visited_at, v.id.clone())))
    }

    /// Sets how often an elder is visited: every `every_days` days, 1–90
    /// (422 `every_days` otherwise). The butler of the elder's building
    /// or the manager. Answers the schedule's standing under the new rule.
    pub async fn set_visit_schedule(&self, actor: &Actor, user_id: &str, every_days: i64) -> Result<VisitStatus> {
        actor.require(Permission::SetVisitSchedule)?;
        let person = self.elder_in_reach(actor, user_id).await?;
        let every = visit_interval(every_days).ok_or_else(|| AppError::invalid("every_days", Msg::ErrVisitInterval))?;
        run(self
            .db
            .query(store::SET_VISIT_SCHEDULE)
            .bind(("id", UserId::record_of(user_id)))
            .bind(("every", i64::from(every))))
        .await?;
        let detail = format!("{} visit_every_days={every}", person.name);
        self.audit(actor, linli_model::keys::AuditAction::ResidentSetElder, user_id, &detail).await?;
        self.events.publish(
            linli_model::live::EventKind::CheckInUpdated,
            person.community.key(),
            crate::events::Audience::of_check_in(user_id, person.building.key()),
            json!({ "elder": user_id, "visit_every_days": every }),
        );
        Ok(VisitStatus::at(every, person.last_visit, person.since, self.now()))
    }
}
