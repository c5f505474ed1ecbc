//! The admin store: the rows as stored and their projections, and the queries, each a named static
//! SurrealQL string with bound parameters (`$name`), never formatted.
//! Rules and orchestration are in the parent module.

use super::*;

#[derive(Deserialize)]
pub(super) struct StaffRow {
    pub(super) id: UserId,
    pub(super) name: String,
    pub(super) phone: String,
    pub(super) role: Role,
    #[serde(default)]
    pub(super) trades: Vec<Trade>,
    #[serde(default)]
    pub(super) gate: Option<String>,
    pub(super) on_duty: bool,
    pub(super) active: bool,
}

#[derive(Deserialize)]
pub(super) struct AuditRow {
    /// The row's record key (the paging cursor's tie-breaker).
    pub(super) key: String,
    #[serde(default)]
    pub(super) actor_name: Option<String>,
    pub(super) action: AuditAction,
    pub(super) target: String,
    pub(super) detail: String,
    pub(super) at: DateTime<Utc>,
}

#[derive(Deserialize)]
pub(super) struct BuildingKey {
    pub(super) id: BuildingId,
    pub(super) number: String,
    #[serde(default)]
    pub(super) name: String,
}

/// Used by `create_building` (admin/mod.rs).
pub(crate) const CREATE_BUILDING: &str = "CREATE $b SET community = $c, number = $number, name = $name";

/// Used by `import_units` (admin/mod.rs).
pub(crate) const BUILDINGS_OF_COMMUNITY: &str = "SELECT id, number, name FROM building WHERE community = $c";

/// Used by `import_units` (admin/mod.rs).
pub(crate) const UNIT_KEYS_OF_COMMUNITY: &str =
    "SELECT VALUE [record::id(building), number] FROM unit WHERE community = $c";

/// Used by `import_units` (admin/mod.rs).
pub(crate) const IMPORT_UNITS: &str = "BEGIN TRANSACTION;
                 FOR $u IN $units {
                     LET $b = type::record('building', $u.building);
                     IF count((SELECT id FROM unit WHERE building = $b AND number = $u.number)) = 0 {
                         CREATE unit SET community = $c, building = $b, number = $u.number;
                     };
                 };
                 COMMIT TRANSACTION;";

/// Used by `staff` (admin/mod.rs).
pub(crate) const STAFF: &str = "SELECT id, name, phone, role, trades, gate, on_duty, active FROM user
                 WHERE community = $c AND role != 'resident' ORDER BY role, name";

/// Used by `create_person` (admin/mod.rs).
pub(crate) const UNIT_IN_COMMUNITY: &str = "SELECT id FROM unit WHERE id = $u AND community = $c";

/// Used by `create_person` (admin/mod.rs).
pub(crate) const CREATE_PERSON: &str =
    "CREATE $u SET community = $c, name = $name, phone = $phone, password_hash = $hash, role = $role,
                     unit = $unit, trades = $trades, gate = $gate";

/// Used by `create_person` (admin/mod.rs).
pub(crate) const STAFF_MEMBER: &str = "SELECT id, name, phone, role, trades, gate, on_duty, active FROM $id";

/// Used by `change_staff` (admin/mod.rs).
pub(crate) const CHANGE_STAFF: &str = "UPDATE $id SET
                     active = $active ?? active, on_duty = $on_duty ?? on_duty,
                     trades = $trades ?? trades,
                     gate = IF $gate = NONE THEN gate ELSE IF $gate = '' THEN NONE ELSE $gate END
                 WHERE community = $c AND role != 'resident'
                 RETURN id, name, phone, role, trades, gate, on_duty, active";

/// Used by `change_staff` (admin/mod.rs): a deactivated person's sessions
/// end for good (reactivating them does not bring old tokens back).
pub(crate) const REVOKE_SESSIONS_OF: &str =
    "UPDATE session SET revoked_at = $now WHERE user = $id AND revoked_at = NONE";

/// Used by `update_settings` (admin/mod.rs).
pub(crate) const UPDATE_SETTINGS: &str = "UPDATE $c SET sla = $sla,
                     help = { staff_secs: $staff, contacts_secs: $contacts, check_in_by: $by }";

/// Used by `audit_log` (admin/mod.rs).
/// Newest first, after the keyset cursor `($at, $after)`.
pub(crate) const AUDIT_LOG: &str = "SELECT record::id(id) AS key, actor.name AS actor_name, action, target, detail, at
                 FROM audit
                 WHERE community = $c AND ($action = NONE OR string::starts_with(action, $action))
                   AND ($from = NONE OR at >= $from) AND ($to = NONE OR at < $to)
                   AND ($at = NONE OR at < $at OR (at = $at AND id < $after))
                 ORDER BY at DESC, id DESC LIMIT $fetch";

/// Every query of this store, by name, for the check that runs each
/// against a migrated database (`crate::queries_check`).
#[cfg(test)]
pub(crate) const ALL: &[(&str, &str)] = &[
    ("CREATE_BUILDING", CREATE_BUILDING),
    ("BUILDINGS_OF_COMMUNITY", BUILDINGS_OF_COMMUNITY),
    ("UNIT_KEYS_OF_COMMUNITY", UNIT_KEYS_OF_COMMUNITY),
    ("IMPORT_UNITS", IMPORT_UNITS),
    ("STAFF", STAFF),
    ("UNIT_IN_COMMUNITY", UNIT_IN_COMMUNITY),
    ("CREATE_PERSON", CREATE_PERSON),
    ("STAFF_MEMBER", STAFF_MEMBER),
    ("CHANGE_STAFF", CHANGE_STAFF),
    ("REVOKE_SESSIONS_OF", REVOKE_SESSIONS_OF),
    ("UPDATE_SETTINGS", UPDATE_SETTINGS),
    ("AUDIT_LOG", AUDIT_LOG),
];
