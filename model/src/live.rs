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
    /// The event that announces a change to a job of `kind` (one table
    /// holds them all): `complaint.updated` for complaints and
    /// suggestions, `repair.updated` for repairs. Every announcement of a
    /// job (its steps, urges, SLA alerts, the sweep's) is named by this.
    pub const fn of_job(kind: crate::complaint::JobKind) -> Self {
        match kind {
            crate::complaint::JobKind::Repair => Self::RepairUpdated,
            crate::complaint::JobKind::Complaint | crate::complaint::JobKind::Suggestion => Self::ComplaintUpdated,
        }
    }

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::complaint::JobKind;

    #[test]
    fn the_kind_of_job_names_its_event() {
        assert_eq!(EventKind::of_job(JobKind::Repair), EventKind::RepairUpdated);
        assert_eq!(EventKind::of_job(JobKind::Complaint), EventKind::ComplaintUpdated);
        assert_eq!(EventKind::of_job(JobKind::Suggestion), EventKind::ComplaintUpdated);
    }
}
