//! The follow ups store: the rows as stored and their projections, and the queries, each a named static
//! SurrealQL string with bound parameters (`$name`), never formatted.
//! Rules and orchestration are in the parent module.

use super::*;

#[derive(Deserialize)]
pub(super) struct Row {
    pub(super) id: FollowUpId,
    pub(super) reason: FollowUpReason,
    pub(super) status: FollowUpStatus,
    #[serde(default)]
    pub(super) repair: Option<JobId>,
    #[serde(default)]
    pub(super) unit_number: Option<String>,
    #[serde(default)]
    pub(super) building_name: Option<String>,
    #[serde(default)]
    pub(super) butler_name: Option<String>,
    #[serde(default)]
    pub(super) stars: Option<u8>,
    #[serde(default)]
    pub(super) comment: Option<String>,
    pub(super) created_at: DateTime<Utc>,
}

/// Used by `follow_ups` (follow_ups/mod.rs).
pub(crate) const FOLLOW_UPS: &str = "SELECT id, reason, status, repair, repair.unit.number AS unit_number,
                        building.name AS building_name, butler.name AS butler_name,
                        rating.stars AS stars, rating.comment AS comment, created_at
                 FROM follow_up WHERE community = $community AND ($butler = NONE OR butler = $butler)
                 ORDER BY created_at DESC LIMIT 200";

/// Every query of this store, by name, for the check that runs each
/// against a migrated database (`crate::queries_check`).
#[cfg(test)]
pub(crate) const ALL: &[(&str, &str)] = &[("FOLLOW_UPS", FOLLOW_UPS)];
