//! The queries of people: each a named, static SurrealQL string with bound
//! parameters (`$name`), never formatted.

/// Used by `buildings` (people.rs).
pub(crate) const BUILDINGS: &str =
    "SELECT id, number, name, butler, butler.name AS butler_name, butler.phone AS butler_phone,
                        count((SELECT id FROM unit WHERE building = $parent.id)) AS unit_count
                 FROM building WHERE community = type::record('community', $community)";

/// Used by `unit` (people.rs).
pub(crate) const UNIT: &str = "SELECT id, number, community, building, building.number AS building_number,
                        building.name AS building_name
                 FROM type::record('unit', $id);
                 SELECT id, name, phone, elder_mode FROM user
                 WHERE unit = type::record('unit', $id) AND active = true ORDER BY name;";

/// Used by `assign_butler` (people.rs).
pub(crate) const ASSIGN_BUTLER: &str =
    "SELECT id, name FROM building WHERE id = type::record('building', $b) AND community = $c;
                 SELECT id, name FROM user WHERE id = type::record('user', $u) AND community = $c
                     AND role = 'butler' AND active = true;";

/// Used by `assign_butler` (people.rs).
pub(crate) const ASSIGN_BUTLER_2: &str = "BEGIN TRANSACTION;
                 UPDATE $building SET butler = $butler;
                 UPDATE repair SET owner = $butler WHERE building = $building AND open = true;
                 COMMIT TRANSACTION;";

/// Used by `load_actor` (people.rs).
pub(crate) const LOAD_ACTOR: &str = "SELECT id, name, phone, role, elder_mode, trades, gate, active,
                        community, community.name AS community_name,
                        unit, unit.number AS unit_number,
                        unit.building AS building,
                        unit.building.number AS building_number,
                        unit.building.name AS building_name
                 FROM type::record('user', $id);
                 SELECT id, number, name FROM building
                 WHERE butler = type::record('user', $id);";

/// Every query of this store, by name, for the check that runs each
/// against a migrated database (`crate::queries_check`).
#[cfg(test)]
pub(crate) const ALL: &[(&str, &str)] = &[
    ("BUILDINGS", BUILDINGS),
    ("UNIT", UNIT),
    ("ASSIGN_BUTLER", ASSIGN_BUTLER),
    ("ASSIGN_BUTLER_2", ASSIGN_BUTLER_2),
    ("LOAD_ACTOR", LOAD_ACTOR),
];
