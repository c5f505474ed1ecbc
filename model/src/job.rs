//! Repair jobs as clients see them (`/api/v1/repairs...`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{
    keys::{ActorRole, FollowUpReason, FollowUpStatus, TimelineAction},
    people::{Role, StaffRef, Trade, UnitRef},
    repair::{Category, JobAction, JobStatus, RatingTag, Urgency},
    sla::{Sla, SlaFacts, SlaTarget},
};

/// An uploaded photo, as `POST /api/v1/uploads` answers and jobs list them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Photo {
    pub id: String,
    pub url: String,
    pub thumb_url: String,
    pub width: u32,
    pub height: u32,
}

impl Photo {
    pub fn urls_for(id: &str) -> (String, String) {
        (format!("/media/{id}"), format!("/media/{id}/thumb"))
    }
}

/// A person named on a job.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonRef {
    pub id: String,
    pub name: String,
}

/// One immutable timeline entry: who did what, when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineEntry {
    pub seq: u32,
    /// `submitted` for the report itself, else a [`JobAction`] name,
    /// `rated` or `auto_confirm`.
    pub action: TimelineAction,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_status: Option<JobStatus>,
    pub to_status: JobStatus,
    pub actor_name: String,
    pub actor_role: ActorRole,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub photos: Vec<Photo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<PersonRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eta: Option<DateTime<Utc>>,
    pub at: DateTime<Utc>,
}

/// A rating of a job (or of a help call).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rating {
    pub id: String,
    pub stars: u8,
    #[serde(default)]
    pub tags: Vec<RatingTag>,
    #[serde(default)]
    pub comment: String,
    pub at: DateTime<Utc>,
}

/// The stored facts of the SLA clock, so a client can tick it locally with
/// the same rules as the server ([`SlaFacts::compute`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClockFacts {
    pub created_at: DateTime<Utc>,
    pub respond_secs: i64,
    pub resolve_secs: i64,
    #[serde(default)]
    pub responded_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub resolved_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub held_secs: i64,
    #[serde(default)]
    pub held_since: Option<DateTime<Utc>>,
    pub cancelled: bool,
}

impl ClockFacts {
    pub fn facts(&self) -> SlaFacts {
        SlaFacts {
            created_at: self.created_at,
            target: SlaTarget { respond_secs: self.respond_secs, resolve_secs: self.resolve_secs },
            responded_at: self.responded_at,
            resolved_at: self.resolved_at,
            held_secs: self.held_secs,
            held_since: self.held_since,
            cancelled: self.cancelled,
        }
    }
}

/// A job in a list: enough for a board row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JobSummary {
    pub id: String,
    pub category: Category,
    pub description: String,
    pub urgency: Urgency,
    pub status: JobStatus,
    pub unit: UnitRef,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<PersonRef>,
    pub photo_count: u32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub sla: Sla,
    pub clock: ClockFacts,
}

/// A job in full (`GET /api/v1/repairs/{id}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Job {
    pub id: String,
    pub category: Category,
    pub description: String,
    pub urgency: Urgency,
    pub status: JobStatus,
    pub unit: UnitRef,
    pub reporter: PersonRef,
    /// The building's butler, who owns the job until it is confirmed.
    #[serde(default)]
    pub butler: Option<StaffRef>,
    #[serde(default)]
    pub assignee: Option<StaffRef>,
    pub photos: Vec<Photo>,
    pub timeline: Vec<TimelineEntry>,
    pub sla: Sla,
    pub clock: ClockFacts,
    /// The buttons this caller may press now.
    pub allowed_actions: Vec<JobAction>,
    /// Whether this caller may rate it now.
    pub can_rate: bool,
    #[serde(default)]
    pub rating: Option<Rating>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hold_reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eta: Option<DateTime<Utc>>,
    pub reopen_count: u32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A repair report (`POST /api/v1/repairs`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewRepair {
    #[cfg_attr(feature = "openapi", schema(value_type = crate::repair::Category))]
    pub category: String,
    #[serde(default)]
    pub description: Option<String>,
    /// May only raise the category's suggested urgency.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::repair::Urgency>))]
    pub urgency: Option<String>,
    #[serde(default, deserialize_with = "super::bounded::at_most::<_, _, { super::bounded::MAX_PHOTO_IDS }>")]
    #[cfg_attr(feature = "openapi", schema(max_items = 12))]
    pub photo_ids: Vec<String>,
}

/// `POST /api/v1/repairs/{id}/actions`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActionInput {
    #[cfg_attr(feature = "openapi", schema(value_type = crate::repair::JobAction))]
    pub action: String,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub assignee_id: Option<String>,
    #[serde(default)]
    pub eta: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "super::bounded::at_most::<_, _, { super::bounded::MAX_PHOTO_IDS }>")]
    #[cfg_attr(feature = "openapi", schema(max_items = 12))]
    pub photo_ids: Vec<String>,
}

/// `POST /api/v1/repairs/{id}/rating`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatingInput {
    pub stars: i64,
    #[serde(default, deserialize_with = "super::bounded::at_most::<_, _, { super::bounded::MAX_TAGS }>")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<crate::repair::RatingTag>, max_items = 10))]
    pub tags: Vec<String>,
    #[serde(default)]
    pub comment: Option<String>,
}

/// `GET /api/v1/repair-categories`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CategoryInfo {
    pub key: Category,
    pub name: String,
    pub icon: String,
    pub default_urgency: Urgency,
}

/// `GET /api/v1/rating-tags`: a tag a rating may carry, with its label in
/// the caller's language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RatingTagInfo {
    pub key: super::repair::RatingTag,
    pub name: String,
}

/// A worker the butler can assign, with their open load.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Assignable {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub trades: Vec<Trade>,
    pub open_jobs: u32,
}

/// `GET /api/v1/follow-ups`: a follow-up visit (回访) to make, opened by a
/// low rating; open ones first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowUp {
    pub id: String,
    /// Why it was opened.
    pub reason: FollowUpReason,
    /// Where it stands.
    pub status: FollowUpStatus,
    /// The repair rated, if any.
    pub repair_id: Option<String>,
    /// The unit, as a label (`1号楼 101`).
    pub unit: Option<String>,
    /// The name of the butler whose work it concerns.
    pub butler: Option<String>,
    /// The stars given, 1 to 5.
    pub stars: Option<u8>,
    /// The resident's comment.
    pub comment: Option<String>,
    /// When it was opened (RFC 3339, UTC).
    pub created_at: DateTime<Utc>,
}
