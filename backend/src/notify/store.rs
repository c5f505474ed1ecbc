//! The notify store: the queries, each a named static
//! SurrealQL string with bound parameters (`$name`), never formatted.
//! Rules and orchestration are in the parent module.

// Statement fragments other stores splice into their own transactions
// (`concat!`), so that queueing a message commits with the change it
// reports, or not at all.

/// The outbox rows `$messages` (built by `outbox_rows`) created inside
/// the caller's transaction, for community `$community`.
macro_rules! outbox_create {
    () => {
        "FOR $m IN $messages {
             CREATE notification SET community = $community, channel = $m.channel, recipient = $m.recipient,
                 template = $m.template, params = $m.params, subject = $m.subject, priority = $m.priority,
                 status = 'pending', attempts = 0, next_at = time::now(), created_at = time::now();
         };"
    };
}
pub(crate) use outbox_create;

/// A WeChat subscribe message queued inside the caller's transaction, when
/// `$sm_template` is set, the person `$sm_user` has bound an open id and
/// has a consent left for `$sm_key` (spent here). Bound by
/// `bind_subscribe_message`.
macro_rules! subscribe_message_create {
    () => {
        "IF $sm_template != NONE {
             LET $sm_openid = (SELECT VALUE openid FROM wechat_identity WHERE user = $sm_user LIMIT 1)[0];
             IF $sm_openid != NONE {
                 LET $sm_spent = (UPDATE subscription SET remaining = remaining - 1, updated_at = time::now()
                     WHERE user = $sm_user AND template = $sm_key AND remaining > 0 RETURN AFTER);
                 IF array::len($sm_spent) > 0 {
                     CREATE notification SET community = $sm_community, channel = 'wechat', recipient = $sm_openid,
                         user = $sm_user, template = $sm_key, params = $sm_params, subject = $sm_subject,
                         priority = $sm_priority, status = 'pending', attempts = 0, next_at = time::now(),
                         created_at = time::now();
                 };
             };
         };"
    };
}
pub(crate) use subscribe_message_create;

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
