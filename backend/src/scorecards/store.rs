//! The scorecards store: the rows as stored and their projections, and the queries, each a named static
//! SurrealQL string with bound parameters (`$name`), never formatted.
//! Rules and orchestration are in the parent module.

use super::*;

#[derive(Deserialize)]
pub(super) struct ButlerRow {
    pub(super) id: UserId,
    pub(super) name: String,
    #[serde(default)]
    pub(super) phone: String,
}

#[derive(Deserialize)]
pub(super) struct JobRow {
    #[serde(default)]
    pub(super) owner: Option<UserId>,
    pub(super) created_at: DateTime<Utc>,
    pub(super) respond_secs: i64,
    pub(super) resolve_secs: i64,
    #[serde(default)]
    pub(super) responded_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub(super) resolved_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub(super) held_secs: i64,
    #[serde(default)]
    pub(super) reopen_count: i64,
    pub(super) status: JobStatus,
}

#[derive(Deserialize)]
pub(super) struct RatingRow {
    #[serde(default)]
    pub(super) butler: Option<UserId>,
    pub(super) stars: u8,
    pub(super) at: DateTime<Utc>,
}

#[derive(Deserialize)]
pub(super) struct BuildingRow {
    pub(super) id: BuildingId,
    #[serde(default)]
    pub(super) butler: Option<UserId>,
}

#[derive(Deserialize)]
pub(super) struct HelpRow {
    pub(super) building: BuildingId,
    pub(super) created_at: DateTime<Utc>,
    #[serde(default)]
    pub(super) acknowledged_at: Option<DateTime<Utc>>,
}

#[derive(Deserialize)]
pub(super) struct ElderRow {
    pub(super) id: UserId,
    pub(super) building: BuildingId,
}

#[derive(Deserialize)]
pub(super) struct CheckInRow {
    pub(super) elder: UserId,
}

#[derive(Deserialize)]
pub(super) struct FollowUpRow {
    #[serde(default)]
    pub(super) butler: Option<UserId>,
}

impl JobRow {
    pub(super) fn facts(&self) -> JobFacts {
        JobFacts {
            created_at: self.created_at,
            respond_secs: self.respond_secs,
            resolve_secs: self.resolve_secs,
            responded_at: self.responded_at,
            resolved_at: self.resolved_at,
            held_secs: self.held_secs,
            reopen_count: crate::convert::non_negative(self.reopen_count),
            cancelled: self.status == JobStatus::Cancelled,
        }
    }
}

/// Used by `scorecard_facts` (scorecards/mod.rs).
pub(crate) const SCORECARD_FACTS: &str = "SELECT id, name, phone FROM user WHERE community = $c AND role = 'butler' AND active = true ORDER BY name;
                 SELECT owner, created_at, respond_secs, resolve_secs, responded_at, resolved_at, held_secs, reopen_count, status
                     FROM repair WHERE community = $c AND created_at >= $from AND created_at < $to;
                 SELECT butler, stars, at FROM rating WHERE community = $c AND at >= $from AND at < $to;
                 SELECT id, butler FROM building WHERE community = $c;
                 SELECT building, created_at, acknowledged_at FROM help_call
                     WHERE community = $c AND created_at >= $from AND created_at < $to;
                 SELECT id, unit.building AS building FROM user
                     WHERE community = $c AND elder_mode = true AND active = true AND unit != NONE;
                 SELECT elder FROM check_in WHERE community = $c AND day >= $from_day AND day < $to_day;
                 SELECT butler FROM follow_up WHERE community = $c AND created_at >= $from AND created_at < $to;";

/// Used by `my_butler` (scorecards/mod.rs).
pub(crate) const BUTLER_OF_BUILDING: &str =
    "SELECT butler.id AS id, butler.name AS name, butler.phone AS phone FROM $b;";

/// Used by `my_butler` (scorecards/mod.rs).
pub(crate) const BUTLER_RATING_FIGURES: &str = "SELECT VALUE stars FROM rating WHERE butler = $butler AND at >= $since;
                 SELECT count() AS n FROM repair WHERE owner = $butler AND resolved_at >= $month GROUP ALL;
                 SELECT VALUE name FROM building WHERE butler = $butler ORDER BY number;";

/// Every query of this store, by name, for the check that runs each
/// against a migrated database (`crate::queries_check`).
#[cfg(test)]
pub(crate) const ALL: &[(&str, &str)] = &[
    ("SCORECARD_FACTS", SCORECARD_FACTS),
    ("BUTLER_OF_BUILDING", BUTLER_OF_BUILDING),
    ("BUTLER_RATING_FIGURES", BUTLER_RATING_FIGURES),
];
