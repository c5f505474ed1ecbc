//! The queries of elders: each a named, static SurrealQL string with bound
//! parameters (`$name`), never formatted.

/// Used by `check_in_deadline` (elders.rs).
pub(crate) const CHECK_IN_DEADLINE: &str = "SELECT help.check_in_by AS check_in_by FROM type::record('community', $c)";

/// Used by `elders` (elders.rs).
pub(crate) const ELDERS: &str = concat!(
    "SELECT id, name, phone, elder_mode, emergency_contacts, community, unit,
                        unit.number AS unit_number, unit.building AS building, unit.building.number AS building_number,
                        unit.building.name AS building_name FROM user",
    " WHERE community = $community AND role = 'resident' AND active = true
                   AND ($all OR elder_mode = true)
                   AND ($butler = false OR unit.building IN $buildings)"
);

/// Used by `elders` (elders.rs).
pub(crate) const ELDERS_2: &str = "SELECT elder, at FROM check_in WHERE elder IN $ids AND day = $day;
                 SELECT elder, result, note, by.name AS by_name, at FROM check_in_follow_up
                     WHERE elder IN $ids AND day = $day;
                 SELECT * FROM help_device WHERE elder IN $ids AND revoked_at = NONE AND expires_at > $now
                     ORDER BY last_used_at DESC;";

/// Used by `resident_in_reach` (elders.rs).
pub(crate) const RESIDENT_IN_REACH: &str = concat!(
    "SELECT id, name, phone, elder_mode, emergency_contacts, community, unit,
                        unit.number AS unit_number, unit.building AS building, unit.building.number AS building_number,
                        unit.building.name AS building_name FROM user",
    " WHERE id = type::record('user', $id) AND role = 'resident' AND unit != NONE"
);

/// Used by `set_elder` (elders.rs).
pub(crate) const SET_ELDER: &str =
    "UPDATE type::record('user', $id) SET elder_mode = $on, emergency_contacts = $contacts";

/// Used by `record_check_in_follow_up` (elders.rs).
pub(crate) const RECORD_CHECK_IN_FOLLOW_UP: &str =
    "UPSERT check_in_follow_up SET community = $community, elder = $elder, day = $day, result = $result,
                     note = $note, by = $by, at = time::now()
                 WHERE elder = $elder AND day = $day";

/// Used by `elder_home` (elders.rs).
pub(crate) const ELDER_HOME: &str =
    "SELECT butler AS id, butler.name AS name, butler.phone AS phone FROM type::record('building', $b);
                 SELECT VALUE at FROM check_in WHERE elder = $me AND day = $day;";

/// Every query of this store, by name, for the check that runs each
/// against a migrated database (`crate::queries_check`).
#[cfg(test)]
pub(crate) const ALL: &[(&str, &str)] = &[
    ("CHECK_IN_DEADLINE", CHECK_IN_DEADLINE),
    ("ELDERS", ELDERS),
    ("ELDERS_2", ELDERS_2),
    ("RESIDENT_IN_REACH", RESIDENT_IN_REACH),
    ("SET_ELDER", SET_ELDER),
    ("RECORD_CHECK_IN_FOLLOW_UP", RECORD_CHECK_IN_FOLLOW_UP),
    ("ELDER_HOME", ELDER_HOME),
];
