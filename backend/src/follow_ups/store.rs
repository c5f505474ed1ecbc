//! The queries of follow_ups: each a named, static SurrealQL string with bound
//! parameters (`$name`), never formatted.

/// Used by `follow_ups` (follow_ups.rs).
pub(crate) const FOLLOW_UPS: &str = "SELECT id, reason, status, repair, repair.unit.number AS unit_number,
                        building.name AS building_name, butler.name AS butler_name,
                        rating.stars AS stars, rating.comment AS comment, created_at
                 FROM follow_up WHERE community = $community AND ($butler = NONE OR butler = $butler)
                 ORDER BY created_at DESC LIMIT 200";

/// Every query of this store, by name, for the check that runs each
/// against a migrated database (`crate::queries_check`).
#[cfg(test)]
pub(crate) const ALL: &[(&str, &str)] = &[("FOLLOW_UPS", FOLLOW_UPS)];
