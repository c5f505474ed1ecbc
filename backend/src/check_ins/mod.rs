//! The daily check-in deadline (SPEC §5: "an elder who has not checked in
//! by a set time becomes a task for the butler: call or visit").
//!
//! Once a day per community, when its check-in time has passed, the
//! elders who have not said "I'm OK" are announced live to their
//! buildings' butlers and the duty room, whose boards then list them to
//! call. Run by its own duty (`server/src/duties.rs`), apart from
//! deliveries and sweeps; the announcement is claimed with a unique row
//! per community and day, so it is made once however many processes run.

use crate::record::{BuildingId, CommunityId};
use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::Deserialize;
use serde_json::json;

use super::{
    Backend,
    db::{rows, run},
    error::Result,
    events::Audience,
};
use linli_model::{
    live::EventKind,
    time::{local_date, local_instant},
};
pub(crate) mod store;

use store::*;

/// The check-in time when a community has not set one.
fn default_deadline() -> NaiveTime {
    NaiveTime::from_hms_opt(10, 0, 0).unwrap_or(NaiveTime::MIN)
}

impl Backend {
    /// Announces, once per community and local day, the elders who had not
    /// checked in by the community's time. Answers how many communities
    /// this process announced. A community whose day is settled (announced
    /// here, or found claimed by another process) is not claimed again
    /// until its next day, so a round after the deadlines costs one read
    /// of the communities.
    pub async fn sweep_check_ins(&self, now: DateTime<Utc>) -> Result<usize> {
        let mut res = run(self.db.query(store::CHECK_IN_DEADLINES)).await?;
        let communities: Vec<CommunityRow> = rows(&mut res, 0)?;
        let today = local_date(now);
        let day = today.to_string();
        let mut announced = 0;
        for c in communities {
            let by = c
                .check_in_by
                .as_deref()
                .and_then(|s| NaiveTime::parse_from_str(s, "%H:%M").ok())
                .unwrap_or_else(default_deadline);
            if now < local_instant(today, by) || self.check_in_day_settled(c.id.key(), today) {
                continue;
            }
            let claimed = run(self
                .db
                .query(store::CLAIM_CHECK_IN_ALERT)
                .bind(("c", CommunityId::record_of(&c.id)))
                .bind(("day", day.clone()))
                .bind(("now", now)))
            .await;
            match claimed {
                Ok(_) => self.settle_check_in_day(c.id.key(), today),
                // Announced already today (here or by another process).
                Err(e) if e.violates("check_in_alert_day") => {
                    self.settle_check_in_day(c.id.key(), today);
                    continue;
                }
                // Raced with another claim: the next round finds the row.
                Err(e) if e.is_retryable() => continue,
                Err(e) => return Err(e),
            }
            let mut res = run(self
                .db
                .query(store::OVERDUE_ELDERS)
                .bind(("c", CommunityId::record_of(&c.id)))
                .bind(("day", day.clone())))
            .await?;
            let overdue: Vec<OverdueRow> = rows(&mut res, 0)?;
            if overdue.is_empty() {
                continue;
            }
            let buildings: BTreeSet<String> = overdue.iter().map(|o| o.building.to_string()).collect();
            tracing::info!(community = %c.id, overdue = overdue.len(), "check-in time passed: elders to call");
            self.events.publish(
                EventKind::CheckInUpdated,
                c.id.key(),
                Audience::of_missed_check_ins(buildings.into_iter().collect()),
                json!({ "day": day, "overdue": overdue.len() }),
            );
            announced += 1;
        }
        Ok(announced)
    }

    /// Days only move forward: a settled day settles the ones before it.
    fn check_in_day_settled(&self, community: &str, day: NaiveDate) -> bool {
        self.check_in_days.lock().is_ok_and(|days| days.get(community).is_some_and(|d| *d >= day))
    }

    fn settle_check_in_day(&self, community: &str, day: NaiveDate) {
        if let Ok(mut days) = self.check_in_days.lock() {
            let settled = days.entry(community.to_string()).or_insert(day);
            *settled = (*settled).max(day);
        }
    }
}
