//! The check ins store: the rows as stored and their projections, and the queries, each a named static
//! SurrealQL string with bound parameters (`$name`), never formatted.
//! Rules and orchestration are in the parent module.

use super::*;

#[derive(Deserialize)]
pub(super) struct CommunityRow {
    pub(super) id: CommunityId,
    #[serde(default)]
    pub(super) check_in_by: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct OverdueRow {
    pub(super) building: BuildingId,
}

/// Used by `sweep_check_ins` (check_ins/mod.rs).
pub(crate) const CHECK_IN_DEADLINES: &str = "SELECT id, help.check_in_by AS check_in_by FROM community";

/// Used by `sweep_check_ins` (check_ins/mod.rs).
pub(crate) const CLAIM_CHECK_IN_ALERT: &str = "CREATE check_in_alert SET community = $c, day = $day, at = $now";

/// Used by `sweep_check_ins` (check_ins/mod.rs).
pub(crate) const OVERDUE_ELDERS: &str = "SELECT unit.building AS building FROM user WITH INDEX user_community_elder
                     WHERE community = $c AND role = 'resident' AND active = true AND elder_mode = true
                       AND unit != NONE
                       AND id NOTINSIDE (SELECT VALUE elder FROM check_in WHERE community = $c AND day = $day)";

/// Every query of this store, by name, for the check that runs each
/// against a migrated database (`crate::queries_check`).
#[cfg(test)]
pub(crate) const ALL: &[(&str, &str)] = &[
    ("CHECK_IN_DEADLINES", CHECK_IN_DEADLINES),
    ("CLAIM_CHECK_IN_ALERT", CLAIM_CHECK_IN_ALERT),
    ("OVERDUE_ELDERS", OVERDUE_ELDERS),
];
