//! The devices store: the rows as stored and their projections, and the queries, each a named static
//! SurrealQL string with bound parameters (`$name`), never formatted.
//! Rules and orchestration are in the parent module.

use super::*;

#[derive(Deserialize)]
pub(crate) struct DeviceRow {
    pub(crate) id: HelpDeviceId,
    pub(crate) elder: UserId,
    pub(crate) label: String,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) last_used_at: DateTime<Utc>,
    pub(crate) expires_at: DateTime<Utc>,
    #[serde(default)]
    pub(crate) revoked_at: Option<DateTime<Utc>>,
}

impl DeviceRow {
    pub(crate) fn view(&self) -> HelpDevice {
        HelpDevice {
            id: String::from(self.id.clone()),
            label: self.label.clone(),
            created_at: self.created_at,
            last_used_at: self.last_used_at,
            expires_at: self.expires_at,
            revoked_at: self.revoked_at,
        }
    }
}

/// Used by `issue_help_device` (devices/mod.rs).
pub(crate) const ISSUE_HELP_DEVICE: &str = "CREATE $id SET elder = $elder, community = $community,
                     token_hash = $hash, label = $label, created_at = $now, last_used_at = $now,
                     expires_at = $expires;
                 SELECT VALUE id FROM help_device WHERE elder = $elder AND revoked_at = NONE
                     ORDER BY last_used_at DESC;";

/// Used by `issue_help_device` (devices/mod.rs).
pub(crate) const REVOKE_REPLACED_DEVICES: &str = "UPDATE $old SET revoked_at = time::now()";

/// Used by `help_device_elder` (devices/mod.rs).
pub(crate) const DEVICE_BY_TOKEN: &str = "SELECT * FROM help_device WHERE token_hash = $hash";

/// Used by `help_device_elder` (devices/mod.rs).
pub(crate) const RENEW_DEVICE: &str = "UPDATE $id SET last_used_at = $now, expires_at = $expires";

/// Used by `unpair_help_device` (devices/mod.rs).
pub(crate) const UNPAIR_HELP_DEVICE: &str =
    "UPDATE help_device SET revoked_at = revoked_at ?? time::now() WHERE token_hash = $hash";

/// Used by `help_devices` (devices/mod.rs).
pub(crate) const HELP_DEVICES: &str =
    "SELECT * FROM help_device WHERE elder = $elder ORDER BY last_used_at DESC LIMIT 50";

/// Used by `revoke_help_device` (devices/mod.rs).
pub(crate) const REVOKE_HELP_DEVICE: &str = "UPDATE $id SET revoked_at = revoked_at ?? time::now()
                     WHERE elder = $elder RETURN VALUE id";

/// Every query of this store, by name, for the check that runs each
/// against a migrated database (`crate::queries_check`).
#[cfg(test)]
pub(crate) const ALL: &[(&str, &str)] = &[
    ("ISSUE_HELP_DEVICE", ISSUE_HELP_DEVICE),
    ("REVOKE_REPLACED_DEVICES", REVOKE_REPLACED_DEVICES),
    ("DEVICE_BY_TOKEN", DEVICE_BY_TOKEN),
    ("RENEW_DEVICE", RENEW_DEVICE),
    ("UNPAIR_HELP_DEVICE", UNPAIR_HELP_DEVICE),
    ("HELP_DEVICES", HELP_DEVICES),
    ("REVOKE_HELP_DEVICE", REVOKE_HELP_DEVICE),
];
