//! The relay store: the rows as stored and their projections, and the queries, each a named static
//! SurrealQL string with bound parameters (`$name`), never formatted.
//! Rules and orchestration are in the parent module.

use super::*;

#[derive(Deserialize)]
pub(super) struct Row {
    pub(super) key: String,
    pub(super) kind: EventKind,
    pub(super) community: String,
    pub(super) audience: String,
    pub(super) data: String,
    pub(super) at: DateTime<Utc>,
}

/// Used by `relay_now` (relay/mod.rs).
pub(crate) const RELAY_NOW: &str = "RETURN time::now()";

/// Used by `relay_out` (relay/mod.rs).
pub(crate) const RELAY_OUT: &str =
    "CREATE live_event SET key = $key, origin = $origin, kind = $kind, community = $community,
                     audience = $audience, data = $data, at = time::now()";

/// Used by `relay_in` (relay/mod.rs).
pub(crate) const RELAY_IN: &str = "SELECT key, kind, community, audience, data, at FROM live_event
                     WHERE at > $since AND origin != $origin ORDER BY at";

/// Used by `relay_cleanup` (relay/mod.rs).
pub(crate) const RELAY_CLEANUP: &str = "DELETE live_event WHERE at < $cutoff";

/// Every query of this store, by name, for the check that runs each
/// against a migrated database (`crate::queries_check`).
#[cfg(test)]
pub(crate) const ALL: &[(&str, &str)] =
    &[("RELAY_NOW", RELAY_NOW), ("RELAY_OUT", RELAY_OUT), ("RELAY_IN", RELAY_IN), ("RELAY_CLEANUP", RELAY_CLEANUP)];
