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
    scorecard::{self, ButlerCard, DayPoint, HelpFacts, Scorecard},
    time::{local_date, start_of_local_day},
};
mod csv;
mod kept;
pub(crate) mod store;
#[cfg(test)]
mod tests;
pub(crate) mod turns;

use kept::Grain;
use store::*;

/// Who a community's scorecards are about, as they are now.
struct People {
    butlers: Vec<ButlerRow>,
    buildings: Vec<BuildingRow>,
    /// Every elder, with their visit schedule for "overdue now".
    elders: Vec<ElderRow>,
}

/// The rows of one stretch of time (`kept::Stretch`) that scorecards count.
#[derive(Default)]
struct Rows {
    jobs: Vec<JobRow>,
    ratings: Vec<RatingRow>,
    help: Vec<HelpRow>,
    check_ins: Vec<CheckInRow>,
    follow_ups: Vec<FollowUpRow>,
    /// Regular visits made in the stretch.
    visits: Vec<VisitRow>,
    /// Holds begun or ended, and urges made, in the stretch.
    hold_steps: Vec<HoldStepRow>,
}

/// A scorecard period as it is counted: [`period`], starting at the start
/// of the Shanghai day of `from` ([`linli_model::scorecard::whole_days_from`]),
/// so the period a response names is the one its figures cover.
pub fn scorecard_period(
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
) -> std::result::Result<(DateTime<Utc>, DateTime<Utc>), AppError> {
    let (from, to) = period(from, to)?;
    Ok((scorecard::whole_days_from(from), to))
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
    async fn scorecard_people(&self, community: &str) -> Result<People> {
        let mut res =
            run(self.db.query(store::SCORECARD_PEOPLE).bind(("c", CommunityId::record_of(community)))).await?;
        Ok(People { butlers: rows(&mut res, 0)?, buildings: rows(&mut res, 1)?, elders: rows(&mut res, 2)? })
    }

    /// The rows of one stretch of time (none for an empty stretch).
    async fn scorecard_rows(&self, community: &str, s: &kept::Stretch) -> Result<Rows> {
        if s.is_empty() {
            return Ok(Rows::default());
        }
        // A stretch inside one local day (a period's partial first day,
        // today): through each table's `(community, local_day)` index,
        // exactly the community's rows of the day. Anything longer: the
        // community's compound indexes from the stretch's start (see the
        // store).
        let local_day = local_date(s.from);
        let inside_a_day = s.to > s.from
            && local_date(s.to - chrono::Duration::nanoseconds(1)) == local_day
            && (s.to_day - s.from_day).num_days() <= 1;
        let query = if inside_a_day { store::SCORECARD_ROWS_OF_A_DAY } else { store::SCORECARD_ROWS };
        let day = ((s.to_day - s.from_day).num_days() == 1).then(|| s.from_day.to_string());
        let mut res = run(self
            .db
            .query(query)
            .bind(("c", CommunityId::record_of(community)))
            .bind(("from", s.from))
            .bind(("to", s.to))
            .bind(("from_day", s.from_day.to_string()))
            .bind(("to_day", s.to_day.to_string()))
            .bind(("local_day", local_day.to_string()))
            .bind(("day", day)))
        .await?;
        Ok(Rows {
            jobs: rows(&mut res, 0)?,
            ratings: rows(&mut res, 1)?,
            help: rows(&mut res, 2)?,
            check_ins: rows(&mut res, 3)?,
            follow_ups: rows(&mut res, 4)?,
            visits: rows(&mut res, 5)?,
            hold_steps: rows(&mut res, 6)?,
        })
    }

    /// The cards of the butlers `keep` takes for the period, and the
    /// period's tallies (by day for [`Grain::Daily`], for a butler's
    /// day-by-day series), from the kept days and months and the rows of
    /// the partial days (`kept.rs`); `None` when `keep` takes no butler of
    /// the community.
    async fn cards(
        &self,
        community: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        keep: impl Fn(&str) -> bool,
        grain: Grain,
    ) -> Result<Option<(People, Vec<Scorecard>, kept::Days)>> {
        let people = self.scorecard_people(community).await?;
        if !people.butlers.iter().any(|b| keep(b.id.as_str())) {
            // No card asked for (no butlers yet, another community's
            // butler, a made-up id): nothing is counted or kept.
            return Ok(None);
        }
        let days = self.scorecard_days(community, from, to, grain).await?;
        let total = days.total();
        let now = crate::clock::now();
        let cards = people
            .butlers
            .iter()
            .filter(|b| keep(b.id.as_str()))
            .map(|b| kept::card(&people, &total, b, from, to, now))
            .collect();
        Ok(Some((people, cards, days)))
    }

    /// All butlers side by side (manager), or the caller's own (butler).
    pub async fn scorecards(&self, actor: &Actor, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Vec<Scorecard>> {
        actor.require(Permission::SeeScorecards)?;
        let from = scorecard::whole_days_from(from);
        let cards = self.cards(actor.community_id(), from, to, |b| actor.sees_scorecard_of(b), Grain::Totals).await?;
        Ok(cards.map(|(_, cards, _)| cards).unwrap_or_default())
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
        let from = scorecard::whole_days_from(from);
        let (_, cards, days) = self
            .cards(actor.community_id(), from, to, |b| b == butler_id, Grain::Daily)
            .await?
            .ok_or_else(AppError::not_found)?;
        let card = cards.into_iter().next().ok_or_else(AppError::not_found)?;
        // Every day the period touches, its last (today, or the day `to`
        // falls in) included: the series adds up to the card.
        let d0: NaiveDate = local_date(from);
        let last = local_date(to - Duration::nanoseconds(1)).max(d0);
        let series = days.daily(butler_id, d0, last + Duration::days(1));
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
