//! Butler scorecards, computed from stored jobs, ratings, help calls and
//! check-ins for any period (see `model::scorecard` for the definitions).

use crate::record::{BuildingId, CommunityId, UserId};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Deserialize;

use super::{
    Backend,
    db::{rows, run},
    error::Result,
    ids,
    policy::{Actor, Permission},
};
use linli_model::{
    AppError,
    follow_up::{FollowUpSettings, FollowUpTiming},
    repair::JobStatus,
    scorecard::{self, ButlerCard, DayPoint, HelpFacts, JobFacts, Scorecard},
    time::{local_date, start_of_local_day},
};
mod csv;
pub(crate) mod store;

use store::*;

/// Everything a period's scorecards are computed from.
struct Facts {
    butlers: Vec<ButlerRow>,
    jobs: Vec<JobRow>,
    ratings: Vec<RatingRow>,
    buildings: Vec<BuildingRow>,
    help: Vec<HelpRow>,
    elders: Vec<ElderRow>,
    check_ins: Vec<CheckInRow>,
    follow_ups: Vec<FollowUpRow>,
    /// Regular visits made in the period.
    visits: Vec<VisitRow>,
    /// Every elder's visit schedule, for "overdue now".
    schedules: Vec<ElderScheduleRow>,
    /// Holds begun or ended, and urges made, in the period.
    hold_steps: Vec<HoldStepRow>,
}

/// A period: `[from, to)`. Defaults to the last 30 days up to now; the
/// rule and its refusals are the model's ([`linli_model::scorecard::period`]).
pub fn period(
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
) -> std::result::Result<(DateTime<Utc>, DateTime<Utc>), AppError> {
    linli_model::scorecard::period(from, to, Utc::now())
}

impl Backend {
    async fn scorecard_facts(&self, community: &str, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Facts> {
        let (from_day, to_day) = (local_date(from).to_string(), local_date(to).to_string());
        let mut res = run(self
            .db
            .query(store::SCORECARD_FACTS)
            .bind(("c", CommunityId::record_of(community)))
            .bind(("from", from))
            .bind(("to", to))
            .bind(("from_day", from_day))
            .bind(("to_day", to_day)))
        .await?;
        let mut visit_res = run(self
            .db
            .query(store::SCORECARD_VISIT_FACTS)
            .bind(("c", CommunityId::record_of(community)))
            .bind(("from", from))
            .bind(("to", to)))
        .await?;
        let mut hold_res = run(self
            .db
            .query(store::SCORECARD_HOLD_FACTS)
            .bind(("c", CommunityId::record_of(community)))
            .bind(("from", from))
            .bind(("to", to)))
        .await?;
        Ok(Facts {
            hold_steps: rows(&mut hold_res, 0)?,
            visits: rows(&mut visit_res, 0)?,
            schedules: rows(&mut visit_res, 1)?,
            butlers: rows(&mut res, 0)?,
            jobs: rows(&mut res, 1)?,
            ratings: rows(&mut res, 2)?,
            buildings: rows(&mut res, 3)?,
            help: rows(&mut res, 4)?,
            elders: rows(&mut res, 5)?,
            check_ins: rows(&mut res, 6)?,
            follow_ups: rows(&mut res, 7)?,
        })
    }

    fn card_for(facts: &Facts, butler: &ButlerRow, from: DateTime<Utc>, to: DateTime<Utc>) -> Scorecard {
        let mut card = Scorecard {
            butler_id: String::from(butler.id.clone()),
            butler_name: butler.name.clone(),
            ..Scorecard::default()
        };
        let mine = |b: &Option<UserId>| b.as_deref() == Some(butler.id.as_str());
        let jobs: Vec<JobFacts> =
            facts.jobs.iter().filter(|j| mine(&j.owner) && j.is_repair()).map(JobRow::facts).collect();
        scorecard::job_metrics(&mut card, &jobs);
        let stars: Vec<u8> =
            facts.ratings.iter().filter(|r| mine(&r.butler) && !r.of_complaint()).map(|r| r.stars).collect();
        scorecard::rating_metrics(&mut card, &stars);
        let complaints: Vec<JobFacts> =
            facts.jobs.iter().filter(|j| mine(&j.owner) && j.is_complaint()).map(JobRow::facts).collect();
        let complaint_stars: Vec<u8> =
            facts.ratings.iter().filter(|r| mine(&r.butler) && r.of_complaint()).map(|r| r.stars).collect();
        scorecard::complaint_metrics(&mut card, &complaints, &complaint_stars);
        let buildings: Vec<&BuildingId> = facts.buildings.iter().filter(|b| mine(&b.butler)).map(|b| &b.id).collect();
        let calls: Vec<HelpFacts> = facts
            .help
            .iter()
            .filter(|h| buildings.contains(&&h.building))
            .map(|h| HelpFacts { created_at: h.created_at, acknowledged_at: h.acknowledged_at })
            .collect();
        scorecard::help_metrics(&mut card, &calls);
        let elders: Vec<&UserId> =
            facts.elders.iter().filter(|e| buildings.contains(&&e.building)).map(|e| &e.id).collect();
        // Only days that have begun count: a month in progress is judged so far.
        let end = to.min(Utc::now());
        let days = usize::try_from(
            (start_of_local_day(local_date(end)) - start_of_local_day(local_date(from))).num_days() + 1,
        )
        .unwrap_or(0);
        let checked_in = facts.check_ins.iter().filter(|c| elders.contains(&&c.elder)).count();
        scorecard::check_in_metrics(&mut card, elders.len() * days, checked_in);
        card.follow_ups_opened = crate::convert::count(facts.follow_ups.iter().filter(|f| mine(&f.butler)).count());
        let timings: Vec<FollowUpTiming> = facts
            .follow_ups
            .iter()
            .filter(|f| mine(&f.butler))
            .map(|f| {
                let due = f.due_at.unwrap_or_else(|| FollowUpSettings::default().due_at(f.created_at));
                FollowUpTiming::of(due, f.done_at, crate::clock::now())
            })
            .collect();
        scorecard::follow_up_metrics(&mut card, &timings);
        // The channels of exactly what `jobs` and `complaints` count.
        for j in facts.jobs.iter().filter(|j| mine(&j.owner) && j.status != JobStatus::Cancelled) {
            if j.is_repair() {
                card.jobs_by_channel.add(j.channel);
            } else if j.is_complaint() {
                card.complaints_by_channel.add(j.channel);
            }
        }
        let on_time: Vec<bool> =
            facts.visits.iter().filter(|v| buildings.contains(&&v.building)).map(|v| v.on_time).collect();
        let now = crate::clock::now();
        let overdue_now = facts
            .schedules
            .iter()
            .filter(|e| buildings.contains(&&e.building))
            .filter(|e| crate::elders::store::schedule_status(e.visit_every_days, e.since, e.last_visit, now).overdue)
            .count();
        scorecard::visit_metrics(&mut card, &on_time, overdue_now);
        let steps: Vec<&HoldStepRow> = facts.hold_steps.iter().filter(|s| mine(&s.owner)).collect();
        let holds: Vec<scorecard::HoldStep> = steps.iter().filter_map(|s| s.step()).collect();
        let urges = steps.iter().filter(|s| s.action == linli_model::keys::TimelineAction::Urged).count();
        scorecard::hold_metrics(&mut card, &holds, urges);
        card
    }

    /// All butlers side by side (manager), or the caller's own (butler).
    pub async fn scorecards(&self, actor: &Actor, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<Scorecard>> {
        actor.require(Permission::SeeScorecards)?;
        let facts = self.scorecard_facts(actor.community_id(), from, to).await?;
        Ok(facts
            .butlers
            .iter()
            .filter(|b| actor.sees_scorecard_of(b.id.as_str()))
            .map(|b| Self::card_for(&facts, b, from, to))
            .collect())
    }

    /// One butler's scorecard with a day-by-day series for the charts. A
    /// butler may see only their own; anyone else's is "not found".
    pub async fn butler_scorecard(
        &self,
        actor: &Actor,
        butler_id: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<(Scorecard, Vec<DayPoint>)> {
        actor.require(Permission::SeeScorecards)?;
        if !ids::is_plausible_key(butler_id) || !actor.sees_scorecard_of(butler_id) {
            return Err(AppError::not_found().into());
        }
        let facts = self.scorecard_facts(actor.community_id(), from, to).await?;
        let butler = facts.butlers.iter().find(|b| b.id == butler_id).ok_or_else(AppError::not_found)?;
        let card = Self::card_for(&facts, butler, from, to);
        let mine = |b: &Option<UserId>| b.as_deref() == Some(butler_id);
        let jobs: Vec<JobFacts> =
            facts.jobs.iter().filter(|j| mine(&j.owner) && j.is_repair()).map(JobRow::facts).collect();
        let ratings: Vec<(DateTime<Utc>, u8)> =
            facts.ratings.iter().filter(|r| mine(&r.butler) && !r.of_complaint()).map(|r| (r.at, r.stars)).collect();
        let (d0, d1): (NaiveDate, NaiveDate) = (local_date(from), local_date(to));
        let series = scorecard::daily(&jobs, &ratings, d0, if d1 > d0 { d1 } else { d0 + Duration::days(1) });
        Ok((card, series))
    }

    /// A resident's butler card: who looks after their building, with their
    /// rating over the last 90 days and jobs finished this month.
    pub async fn my_butler(&self, actor: &Actor) -> Result<Option<ButlerCard>> {
        actor.require(Permission::RateOwnButler)?;
        let Some(building) = actor.home_building_id() else { return Ok(None) };
        let mut res =
            run(self.db.query(store::BUTLER_OF_BUILDING).bind(("b", BuildingId::record_of(building)))).await?;
        let Some(butler) = rows::<serde_json::Value>(&mut res, 0)?
            .into_iter()
            .next()
            .and_then(|v| serde_json::from_value::<ButlerRow>(v).ok())
        else {
            return Ok(None);
        };
        let now = self.now();
        let month_start = {
            let today = local_date(now);
            start_of_local_day(today - Duration::days(i64::from(chrono::Datelike::day(&today)) - 1))
        };
        let mut res = run(self
            .db
            .query(store::BUTLER_RATING_FIGURES)
            .bind(("butler", UserId::record_of(&butler.id)))
            .bind(("since", now - Duration::days(90)))
            .bind(("month", month_start)))
        .await?;
        let stars: Vec<u8> = rows(&mut res, 0)?;
        let done: Option<i64> = rows::<serde_json::Value>(&mut res, 1)?.first().and_then(|v| v["n"].as_i64());
        let buildings: Vec<String> = rows(&mut res, 2)?;
        let mut card = Scorecard::default();
        scorecard::rating_metrics(&mut card, &stars);
        Ok(Some(ButlerCard {
            id: String::from(butler.id),
            name: butler.name,
            phone: butler.phone,
            rating_avg: card.rating_avg,
            rating_count: card.rating_count,
            jobs_done_this_month: crate::convert::non_negative(done.unwrap_or(0)),
            buildings,
        }))
    }
}
