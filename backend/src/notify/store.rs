//! The notify store: the queries, each a named static
//! SurrealQL string with bound parameters (`$name`), never formatted.
//! Rules and orchestration are in the parent module.

/// Used by `claim_due` (notify/mod.rs).
pub(crate) const CLAIM_DUE: &str =
    "SELECT id, channel, recipient, template, params, subject, attempts, priority FROM notification
                 WHERE status = 'pending' AND channel = $channel AND priority = $priority AND next_at <= $now
                 ORDER BY next_at LIMIT $max";

/// Used by `claim_notification` (notify/mod.rs).
pub(crate) const CLAIM_NOTIFICATION: &str = "UPDATE $id SET next_at = $lease
                     WHERE status = 'pending' AND next_at <= $now RETURN VALUE id";

/// Used by `deliver` (notify/mod.rs).
pub(crate) const DELIVER: &str = "UPDATE $id SET status = $status, attempts = $attempts,
                     error = $error, next_at = $next_at,
                     sent_at = IF $status = 'sent' { time::now() } ELSE { NONE }";

/// Every query of this store, by name, for the check that runs each
/// against a migrated database (`crate::queries_check`).
#[cfg(test)]
pub(crate) const ALL: &[(&str, &str)] =
    &[("CLAIM_DUE", CLAIM_DUE), ("CLAIM_NOTIFICATION", CLAIM_NOTIFICATION), ("DELIVER", DELIVER)];
