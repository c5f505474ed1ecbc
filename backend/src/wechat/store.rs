//! The wechat store: the queries, each a named static
//! SurrealQL string with bound parameters (`$name`), never formatted.
//! Rules and orchestration are in the parent module.

/// Used by `wechat_login` (wechat/mod.rs).
pub(crate) const IDENTITY_BY_OPENID: &str = "SELECT user FROM wechat_identity WHERE openid = $o";

/// Used by `wechat_login` (wechat/mod.rs).
pub(crate) const CREATE_BINDING: &str = "CREATE wechat_binding SET token_hash = $h, openid = $o, expires_at = $until";

/// Used by `wechat_bind` (wechat/mod.rs).
pub(crate) const BINDING_BY_TOKEN: &str =
    "SELECT id, openid FROM wechat_binding WHERE token_hash = $h AND used_at = NONE AND expires_at > $now";

/// Used by `wechat_bind` (wechat/mod.rs).
pub(crate) const BIND_IDENTITY: &str = "BEGIN TRANSACTION;
                 LET $won = (UPDATE $b SET used_at = time::now() WHERE used_at = NONE RETURN AFTER);
                 IF array::len($won) = 0 { THROW 'used' };
                 DELETE wechat_identity WHERE user = $user;
                 CREATE wechat_identity SET openid = $openid, user = $user, created_at = time::now();
                 COMMIT TRANSACTION;";

/// Used by `add_consents` (wechat/mod.rs).
pub(crate) const ADD_CONSENTS: &str =
    "UPSERT subscription SET user = $u, template = $t, remaining = (remaining ?? 0) + 1, updated_at = time::now()
                     WHERE user = $u AND template = $t";

/// Used by `consents` (wechat/mod.rs).
pub(crate) const CONSENTS: &str = "SELECT template, remaining FROM subscription WHERE user = $u";

/// Every query of this store, by name, for the check that runs each
/// against a migrated database (`crate::queries_check`).
#[cfg(test)]
pub(crate) const ALL: &[(&str, &str)] = &[
    ("IDENTITY_BY_OPENID", IDENTITY_BY_OPENID),
    ("CREATE_BINDING", CREATE_BINDING),
    ("BINDING_BY_TOKEN", BINDING_BY_TOKEN),
    ("BIND_IDENTITY", BIND_IDENTITY),
    ("ADD_CONSENTS", ADD_CONSENTS),
    ("CONSENTS", CONSENTS),
];
