//! What the manager's console reads and writes.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{
    i18n::Msg,
    keys::AuditAction,
    people::{Role, Trade},
    sla::SlaSettings,
};

/// A community's adjustable rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Settings {
    pub sla: SlaSettings,
    /// Unacknowledged help calls alert all staff after this many seconds.
    pub help_staff_secs: i64,
    /// ... and the emergency contacts after this many.
    pub help_contacts_secs: i64,
    /// Local time (`HH:MM`) by which elders should have checked in.
    pub check_in_by: String,
    /// Which closed work gets a follow-up visit and when it is due
    /// (`model::follow_up`). Always in answers; left out of an update, the
    /// stored rules stay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up: Option<crate::follow_up::FollowUpSettings>,
    /// The daily window normal-urgency SLA clocks count in (Asia/Shanghai),
    /// e.g. `{"start": "08:00", "end": "20:00"}`; `null` (the default, also
    /// when left out): around the clock. Critical and urgent jobs always
    /// run around the clock; a job keeps the window in force when reported.
    #[serde(default)]
    pub business_hours: Option<crate::sla::BusinessHours>,
    /// Minutes a resident waits between two urges (催一下) of one job
    /// (1 to 1440; 30 when left out).
    #[serde(default = "default_urge_interval")]
    pub urge_interval_mins: u32,
    /// Complaint and suggestion targets (投诉建议): respond (listen or
    /// answer) and resolve (notify) within these many seconds; by default
    /// 2 hours and 3 days (`complaint::DEFAULT_TARGET`). Always in
    /// answers; left out of an update, the stored targets stay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complaint: Option<crate::sla::SlaTarget>,
}

const fn default_urge_interval() -> u32 {
    super::repair::URGE_INTERVAL_MINS_DEFAULT
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffMember {
    pub id: String,
    pub name: String,
    /// Masked in the list.
    pub phone: String,
    pub role: Role,
    #[serde(default)]
    pub trades: Vec<Trade>,
    #[serde(default)]
    pub gate: Option<String>,
    pub on_duty: bool,
    pub active: bool,
}

/// `POST /api/v1/staff` (also creates residents, with a unit).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewPerson {
    pub name: String,
    pub phone: String,
    #[cfg_attr(feature = "openapi", schema(value_type = crate::Role))]
    pub role: String,
    /// Initial password; the person changes it later.
    pub password: String,
    #[serde(default, deserialize_with = "super::bounded::at_most::<_, _, { super::bounded::MAX_TRADES }>")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<crate::Trade>, max_items = 10))]
    pub trades: Vec<String>,
    #[serde(default)]
    pub gate: Option<String>,
    #[serde(default)]
    pub unit_id: Option<String>,
}

/// `PATCH /api/v1/staff/{id}`: any of these.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffChange {
    #[serde(default)]
    pub active: Option<bool>,
    #[serde(default)]
    pub on_duty: Option<bool>,
    #[serde(default, deserialize_with = "super::bounded::opt_at_most::<_, _, { super::bounded::MAX_TRADES }>")]
    #[cfg_attr(feature = "openapi", schema(max_items = 10))]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<crate::Trade>>))]
    pub trades: Option<Vec<String>>,
    #[serde(default)]
    pub gate: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub actor: String,
    pub action: AuditAction,
    pub target: String,
    pub detail: String,
    pub at: DateTime<Utc>,
}

/// `POST /api/v1/buildings`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewBuilding {
    /// The number painted on it, e.g. `3` (at most 20 characters, unique
    /// in the community).
    pub number: String,
    /// Display name (at most 50 characters); `3号楼` when not given.
    pub name: Option<String>,
}

/// `PUT /api/v1/buildings/{id}/butler`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ButlerBody {
    /// The id of an active butler of the community.
    pub butler_id: String,
}

/// `POST /api/v1/units/import`: a unit list as a spreadsheet exports it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CsvBody {
    /// CSV (comma or tab separated, optional byte-order mark and header
    /// row): one unit per line, building then unit number; at most 5,000
    /// lines.
    pub csv: String,
}

/// Result of a CSV import of units.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportResult {
    /// Units created.
    pub created: u32,
    /// Data lines not imported (each listed in `skipped_lines`).
    pub skipped: u32,
    /// The line taken for a header (its cells were column names), if any.
    #[serde(default)]
    pub header_line: Option<u32>,
    /// Every data line not imported, with why.
    #[serde(default)]
    pub skipped_lines: Vec<SkippedLine>,
}

/// A line of an import that created nothing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SkippedLine {
    /// 1-based line of the file.
    pub line: u32,
    pub reason: ImportSkip,
    /// The line's cells as read, joined with commas.
    pub text: String,
}

crate::closed_set! {
    /// Why a line of an import created nothing.
    pub enum ImportSkip {
        /// The unit already exists.
        Exists = "exists",
        /// The same unit appears on an earlier line of the file.
        Duplicate = "duplicate",
    }
}

impl ImportSkip {
    pub const fn label(self) -> Msg {
        match self {
            Self::Exists => Msg::ImportSkipExists,
            Self::Duplicate => Msg::ImportSkipDuplicate,
        }
    }
}
