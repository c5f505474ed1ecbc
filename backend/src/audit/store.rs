//! The audit store: the queries, each a named static
//! SurrealQL string with bound parameters (`$name`), never formatted.
//! Rules and orchestration are in the parent module.

/// Used by `audit` (audit/mod.rs).
pub(crate) const AUDIT: &str = "CREATE audit SET community = $community, actor = $actor, action = $action,
                     target = $target, detail = $detail, at = $now";

/// Used by `audit_operator` (audit/mod.rs).
pub(crate) const AUDIT_OPERATOR: &str =
    "CREATE operator_audit SET action = $action, client = $client, at = time::now()";

/// Every query of this store, by name, for the check that runs each
/// against a migrated database (`crate::queries_check`).
#[cfg(test)]
pub(crate) const ALL: &[(&str, &str)] = &[("AUDIT", AUDIT), ("AUDIT_OPERATOR", AUDIT_OPERATOR)];
