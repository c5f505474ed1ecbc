//! The elders store: the rows as stored and their projections, and the queries, each a named static
//! SurrealQL string with bound parameters (`$name`), never formatted.
//! Rules and orchestration are in the parent module.

use super::*;

#[derive(Deserialize)]
pub(crate) struct ResidentRow {
    pub(crate) id: UserId,
    pub(crate) name: String,
    pub(crate) phone: String,
    pub(crate) elder_mode: bool,
    #[serde(default)]
    pub(crate) emergency_contacts: Vec<EmergencyContact>,
    pub(crate) community: CommunityId,
    pub(crate) unit: UnitId,
    pub(crate) unit_number: String,
    pub(crate) building: BuildingId,
    pub(crate) building_number: String,
    pub(crate) building_name: String,
}

#[derive(Deserialize)]
pub(super) struct CheckInRow {
    pub(super) elder: UserId,
    pub(super) at: DateTime<Utc>,
}

#[derive(Deserialize)]
pub(super) struct FollowUpRow {
    pub(super) elder: UserId,
    pub(super) result: CheckInResult,
    #[serde(default)]
    pub(super) note: String,
    pub(super) by_name: String,
    pub(super) at: DateTime<Utc>,
}

#[derive(Deserialize)]
pub(super) struct DeadlineRow {
    #[serde(default)]
    pub(super) check_in_by: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct ButlerRow {
    #[serde(default)]
    pub(super) id: Option<UserId>,
    #[serde(default)]
    pub(super) name: Option<String>,
    #[serde(default)]
    pub(super) phone: Option<String>,
}

impl ResidentRow {
    pub(super) fn unit_ref(&self) -> UnitRef {
        UnitRef {
            id: String::from(self.unit.clone()),
            number: self.unit_number.clone(),
            label: unit_label(&self.building_name, &self.unit_number),
            building: BuildingRef {
                id: String::from(self.building.clone()),
                number: self.building_number.clone(),
                name: self.building_name.clone(),
            },
        }
    }

    pub(super) fn scope(&self) -> Scope<'_> {
        Scope {
            community: self.community.key(),
            building: Some(self.building.key()),
            unit: Some(self.unit.key()),
            assignee: None,
        }
    }
}

/// Used by `check_in_deadline` (elders/mod.rs).
pub(crate) const CHECK_IN_DEADLINE: &str = "SELECT help.check_in_by AS check_in_by FROM $c";

/// Used by `elders` (elders/mod.rs).
pub(crate) const ELDERS: &str = concat!(
    "SELECT id, name, phone, elder_mode, emergency_contacts, community, unit,
                        unit.number AS unit_number, unit.building AS building, unit.building.number AS building_number,
                        unit.building.name AS building_name FROM user",
    " WHERE community = $community AND role = 'resident' AND active = true
                   AND ($all OR elder_mode = true)
                   AND ($butler = false OR unit.building IN $buildings)"
);

/// Used by `elders` (elders/mod.rs).
pub(crate) const CHECK_INS_OF_DAY: &str = "SELECT elder, at FROM check_in WHERE elder IN $ids AND day = $day;
                 SELECT elder, result, note, by.name AS by_name, at FROM check_in_follow_up
                     WHERE elder IN $ids AND day = $day;
                 SELECT * FROM help_device WHERE elder IN $ids AND revoked_at = NONE AND expires_at > $now
                     ORDER BY last_used_at DESC;";

/// Used by `resident_in_reach` (elders/mod.rs).
pub(crate) const RESIDENT_IN_REACH: &str = concat!(
    "SELECT id, name, phone, elder_mode, emergency_contacts, community, unit,
                        unit.number AS unit_number, unit.building AS building, unit.building.number AS building_number,
                        unit.building.name AS building_name FROM user",
    " WHERE id = $id AND role = 'resident' AND unit != NONE"
);

/// Used by `set_elder` (elders/mod.rs).
pub(crate) const SET_ELDER: &str = "UPDATE $id SET elder_mode = $on, emergency_contacts = $contacts";

/// Used by `record_check_in_follow_up` (elders/mod.rs).
pub(crate) const RECORD_CHECK_IN_FOLLOW_UP: &str =
    "UPSERT check_in_follow_up SET community = $community, elder = $elder, day = $day, result = $result,
                     note = $note, by = $by, at = time::now()
                 WHERE elder = $elder AND day = $day";

/// Used by `elder_home` (elders/mod.rs).
pub(crate) const ELDER_HOME: &str = "SELECT butler AS id, butler.name AS name, butler.phone AS phone FROM $b;
                 SELECT VALUE at FROM check_in WHERE elder = $me AND day = $day;";

/// Every query of this store, by name, for the check that runs each
/// against a migrated database (`crate::queries_check`).
#[cfg(test)]
pub(crate) const ALL: &[(&str, &str)] = &[
    ("CHECK_IN_DEADLINE", CHECK_IN_DEADLINE),
    ("ELDERS", ELDERS),
    ("CHECK_INS_OF_DAY", CHECK_INS_OF_DAY),
    ("RESIDENT_IN_REACH", RESIDENT_IN_REACH),
    ("SET_ELDER", SET_ELDER),
    ("RECORD_CHECK_IN_FOLLOW_UP", RECORD_CHECK_IN_FOLLOW_UP),
    ("ELDER_HOME", ELDER_HOME),
];
