//! The people store: the rows as stored and their projections, and the queries, each a named static
//! SurrealQL string with bound parameters (`$name`), never formatted.
//! Rules and orchestration are in the parent module.

use super::*;

#[derive(Deserialize)]
pub(super) struct ActorRow {
    pub(super) id: UserId,
    pub(super) name: String,
    pub(super) phone: String,
    pub(super) role: Role,
    pub(super) elder_mode: bool,
    #[serde(default)]
    pub(super) trades: Vec<String>,
    #[serde(default)]
    pub(super) gate: Option<String>,
    pub(super) active: bool,
    pub(super) community: CommunityId,
    pub(super) community_name: String,
    #[serde(default)]
    pub(super) unit: Option<UnitId>,
    #[serde(default)]
    pub(super) unit_number: Option<String>,
    #[serde(default)]
    pub(super) building: Option<BuildingId>,
    #[serde(default)]
    pub(super) building_number: Option<String>,
    #[serde(default)]
    pub(super) building_name: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct BuildingRow {
    pub id: BuildingId,
    pub number: String,
    pub name: String,
}

#[derive(Deserialize)]
pub(super) struct BuildingListRow {
    pub(super) id: BuildingId,
    pub(super) number: String,
    pub(super) name: String,
    #[serde(default)]
    pub(super) butler: Option<UserId>,
    #[serde(default)]
    pub(super) butler_name: Option<String>,
    #[serde(default)]
    pub(super) butler_phone: Option<String>,
    #[serde(default)]
    pub(super) unit_count: u32,
}

#[derive(Deserialize)]
pub(super) struct UnitRow {
    pub(super) id: UnitId,
    pub(super) number: String,
    pub(super) community: CommunityId,
    pub(super) building: BuildingId,
    pub(super) building_number: String,
    pub(super) building_name: String,
}

#[derive(Deserialize)]
pub(super) struct ResidentRow {
    pub(super) id: UserId,
    pub(super) name: String,
    pub(super) phone: String,
    pub(super) elder_mode: bool,
}

/// Used by `buildings` (people/mod.rs).
pub(crate) const BUILDINGS: &str =
    "SELECT id, number, name, butler, butler.name AS butler_name, butler.phone AS butler_phone,
                        { LET $of = id; RETURN count((SELECT id FROM unit WHERE building = $of)); } AS unit_count
                 FROM building WHERE community = $community";

/// Used by `unit` (people/mod.rs).
pub(crate) const UNIT: &str = "SELECT id, number, community, building, building.number AS building_number,
                        building.name AS building_name
                 FROM $id;
                 SELECT id, name, phone, elder_mode FROM user
                 WHERE unit = type::record('unit', $id) AND active = true ORDER BY name;";

/// Used by `assign_butler` (people/mod.rs).
pub(crate) const BUILDING_AND_BUTLER: &str = "SELECT id, name FROM building WHERE id = $b AND community = $c;
                 SELECT id, name FROM user WHERE id = type::record('user', $u) AND community = $c
                     AND role = 'butler' AND active = true;";

/// Used by `assign_butler` (people/mod.rs).
pub(crate) const ASSIGN_BUTLER: &str = "BEGIN TRANSACTION;
                 UPDATE $building SET butler = $butler;
                 UPDATE repair SET owner = $butler WHERE building = $building AND open = true;
                 COMMIT TRANSACTION;";

/// Used by `load_actor` (people/mod.rs).
pub(crate) const LOAD_ACTOR: &str = "SELECT id, name, phone, role, elder_mode, trades, gate, active,
                        community, community.name AS community_name,
                        unit, unit.number AS unit_number,
                        unit.building AS building,
                        unit.building.number AS building_number,
                        unit.building.name AS building_name
                 FROM $id;
                 SELECT id, number, name FROM building
                 WHERE butler = type::record('user', $id);";

/// Every query of this store, by name, for the check that runs each
/// against a migrated database (`crate::queries_check`).
#[cfg(test)]
pub(crate) const ALL: &[(&str, &str)] = &[
    ("BUILDINGS", BUILDINGS),
    ("UNIT", UNIT),
    ("BUILDING_AND_BUTLER", BUILDING_AND_BUTLER),
    ("ASSIGN_BUTLER", ASSIGN_BUTLER),
    ("LOAD_ACTOR", LOAD_ACTOR),
];
