//! The queries of notices: each a named, static SurrealQL string with bound
//! parameters (`$name`), never formatted.

/// Used by `publish_notice` (notices.rs).
pub(crate) const PUBLISH_NOTICE: &str =
    "CREATE $n SET community = $c, author = $me, title = $title, body = $body, category = $category,
                     buildings = $buildings, pinned = $pinned, urgent = $urgent, expires_at = $expires,
                     created_at = time::now()";

/// Used by `load_notice` (notices.rs).
pub(crate) const LOAD_NOTICE: &str = concat!(notice_select!(), " WHERE id = type::record('announcement', $id)");

/// Used by `notices` (notices.rs).
pub(crate) const NOTICES: &str = concat!(notice_select!(), " WHERE community = $c ORDER BY created_at DESC LIMIT 200");

/// Used by `mark_read` (notices.rs).
pub(crate) const MARK_READ: &str =
    "CREATE announcement_read SET announcement = $n, user = $me, unit = $unit, at = time::now()";

/// Used by `reached_residents` (notices.rs).
pub(crate) const REACHED_RESIDENTS: &str =
    "SELECT id, name, phone, elder_mode, unit, unit.number AS unit_number, unit.building AS building,
                        unit.building.number AS building_number, unit.building.name AS building_name
                 FROM user WHERE community = $c AND role = 'resident' AND active = true AND unit != NONE";

/// Used by `read_units` (notices.rs).
pub(crate) const READ_UNITS: &str = "SELECT unit FROM announcement_read WHERE announcement = $n";

/// Every query of this store, by name, for the check that runs each
/// against a migrated database (`crate::queries_check`).
#[cfg(test)]
pub(crate) const ALL: &[(&str, &str)] = &[
    ("PUBLISH_NOTICE", PUBLISH_NOTICE),
    ("LOAD_NOTICE", LOAD_NOTICE),
    ("NOTICES", NOTICES),
    ("MARK_READ", MARK_READ),
    ("REACHED_RESIDENTS", REACHED_RESIDENTS),
    ("READ_UNITS", READ_UNITS),
];
