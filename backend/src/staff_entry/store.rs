//! The staff entry store: the picker's rows and query, a named static
//! SurrealQL string with bound parameters (`$name`), never formatted.
//! Rules and orchestration are in the parent module.

use crate::record::{BuildingId, CommunityId, UserId};
use serde::Deserialize;

#[derive(Deserialize)]
pub(super) struct BuildingRow {
    pub(super) id: BuildingId,
    pub(super) community: CommunityId,
    pub(super) number: String,
    pub(super) name: String,
}

#[derive(Deserialize)]
pub(super) struct ResidentRow {
    pub(super) id: UserId,
    pub(super) name: String,
    pub(super) phone: String,
    #[serde(default)]
    pub(super) elder_mode: bool,
}

/// Used by `entry_units` (staff_entry/mod.rs): the building, then its
/// units with their active residents.
pub(crate) const ENTRY_UNITS: &str = "SELECT id, community, number, name FROM $b;
                 SELECT id, number,
                        { LET $of = id; RETURN (SELECT id, name, phone, elder_mode, created_at FROM user
                            WHERE unit = $of AND active = true ORDER BY created_at); } AS residents
                 FROM unit WHERE building = $b LIMIT 2000;";

/// Every query of this store, by name, for the check that runs each
/// against a migrated database (`crate::queries_check`).
#[cfg(test)]
pub(crate) const ALL: &[(&str, &str)] = &[("ENTRY_UNITS", ENTRY_UNITS)];
