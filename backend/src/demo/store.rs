//! The demo store: the queries, each a named static
//! SurrealQL string with bound parameters (`$name`), never formatted.
//! Rules and orchestration are in the parent module.

/// Used by `seed_community` (demo/mod.rs).
pub(crate) const COMMUNITY_BY_CODE: &str = "SELECT id FROM community WHERE code = $code";

/// Used by `seed_community` (demo/mod.rs).
pub(crate) const SEED_COMMUNITY: &str = "BEGIN TRANSACTION;
                 LET $c = type::record('community', $community.id);
                 CREATE $c SET code = $community.code, name = $community.name,
                     name_en = $community.name_en, address = $community.address;
                 FOR $b IN $buildings {
                     CREATE type::record('building', $b.id) SET community = $c, number = $b.number, name = $b.name;
                 };
                 FOR $u IN $units {
                     CREATE type::record('unit', $u.id) SET community = $c,
                         building = type::record('building', $u.building), number = $u.number;
                 };
                 FOR $p IN $people {
                     CREATE type::record('user', $p.id) SET community = $c, name = $p.name, phone = $p.phone,
                         password_hash = $p.password_hash, role = $p.role,
                         unit = IF $p.unit { type::record('unit', $p.unit) } ELSE { NONE },
                         elder_mode = $p.elder_mode, trades = $p.trades, gate = $p.gate;
                 };
                 FOR $a IN $assignments {
                     UPDATE type::record('building', $a.building) SET butler = type::record('user', $a.butler);
                 };
                 COMMIT TRANSACTION;";

/// Every query of this store, by name, for the check that runs each
/// against a migrated database (`crate::queries_check`).
#[cfg(test)]
pub(crate) const ALL: &[(&str, &str)] = &[("COMMUNITY_BY_CODE", COMMUNITY_BY_CODE), ("SEED_COMMUNITY", SEED_COMMUNITY)];
