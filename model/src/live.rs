//! Live events as clients receive them on `GET /api/v1/stream`.

use serde::{Deserialize, Serialize};

/// The kinds of live event (the SSE `event:` field).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EventKind {
    #[serde(rename = "repair.updated")]
    RepairUpdated,
    #[serde(rename = "help_call.updated")]
    HelpCallUpdated,
    #[serde(rename = "pass.admitted")]
    PassAdmitted,
    #[serde(rename = "walk_in.requested")]
    WalkInRequested,
    #[serde(rename = "walk_in.decided")]
    WalkInDecided,
    #[serde(rename = "announcement.published")]
    AnnouncementPublished,
    #[serde(rename = "announcement.read")]
    AnnouncementRead,
    #[serde(rename = "event.updated")]
    EventUpdated,
    #[serde(rename = "check_in.updated")]
    CheckInUpdated,
    /// A complaint or suggestion changed (never sent to the household it
    /// concerns; the payload names no complainant).
    #[serde(rename = "complaint.updated")]
    ComplaintUpdated,
    /// An outage notice changed: ended, extended, past its expected end
    /// (`action`: `ended`, `extended`, `overdue`), or a household marked
    /// itself affected (`affected`).
    #[serde(rename = "outage.updated")]
    OutageUpdated,
}

impl EventKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::RepairUpdated => "repair.updated",
            Self::HelpCallUpdated => "help_call.updated",
            Self::PassAdmitted => "pass.admitted",
            Self::WalkInRequested => "walk_in.requested",
            Self::WalkInDecided => "walk_in.decided",
            Self::AnnouncementPublished => "announcement.published",
            Self::AnnouncementRead => "announcement.read",
            Self::EventUpdated => "event.updated",
            Self::CheckInUpdated => "check_in.updated",
            Self::ComplaintUpdated => "complaint.updated",
            Self::OutageUpdated => "outage.updated",
        }
    }
}

/// Sent instead of missed events when they can no longer be replayed (the
/// client was away too long, or the server restarted): reload state.
pub const RESYNC: &str = "resync";
