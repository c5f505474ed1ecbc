//! The auth store: the rows as stored and their projections, and the queries, each a named static
//! SurrealQL string with bound parameters (`$name`), never formatted.
//! Rules and orchestration are in the parent module.

use super::*;

#[derive(Deserialize)]
pub(super) struct Credentials {
    pub(super) id: UserId,
    pub(super) password_hash: String,
    pub(super) active: bool,
}

#[derive(Deserialize)]
pub(super) struct SessionRow {
    pub(super) id: SessionId,
    pub(super) user: UserId,
    pub(super) last_seen_at: DateTime<Utc>,
    pub(super) expires_at: DateTime<Utc>,
    #[serde(default)]
    pub(super) revoked_at: Option<DateTime<Utc>>,
}

/// Used by `login` (auth/mod.rs).
pub(crate) const LOGIN: &str = "SELECT id, password_hash, active FROM user WHERE phone = $phone";

/// Used by `session_for` (auth/mod.rs).
pub(crate) const SESSION_FOR: &str = "CREATE $id SET
                    user = $user, token_hash = $hash, kind = $kind,
                    created_at = $now, last_seen_at = $now, expires_at = $expires";

/// Used by `authenticate` (auth/mod.rs).
pub(crate) const SESSION_BY_TOKEN: &str =
    "SELECT id, user, last_seen_at, expires_at, revoked_at FROM session WHERE token_hash = $hash";

/// Used by `authenticate` (auth/mod.rs).
pub(crate) const TOUCH_SESSION: &str = "UPDATE $id SET last_seen_at = $now";

/// Used by `logout` (auth/mod.rs).
pub(crate) const LOGOUT: &str = "UPDATE $id SET revoked_at = time::now()";

/// Every query of this store, by name, for the check that runs each
/// against a migrated database (`crate::queries_check`).
#[cfg(test)]
pub(crate) const ALL: &[(&str, &str)] = &[
    ("LOGIN", LOGIN),
    ("SESSION_FOR", SESSION_FOR),
    ("SESSION_BY_TOKEN", SESSION_BY_TOKEN),
    ("TOUCH_SESSION", TOUCH_SESSION),
    ("LOGOUT", LOGOUT),
];
