//! Repair jobs as clients see them (`/api/v1/repairs...`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{
    keys::{ActorRole, FollowUpReason, FollowUpStatus, TimelineAction},
    people::{Role, StaffRef, Trade, UnitRef},
    repair::{Category, HoldReason, JobAction, JobStatus, RatingTag, Urgency},
    sla::{BusinessHours, Sla, SlaFacts, SlaTarget},
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
    /// On a `hold`: why; on the step that ended a hold: the reason it had.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hold_reason: Option<HoldReason>,
    /// On a `hold`: when the job is planned to resume by itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resume_at: Option<DateTime<Utc>>,
    /// On the step that ended a hold: seconds the hold lasted (wall time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held_secs: Option<i64>,
    /// On the report's entry of a request staff took for a resident: how it
    /// came in (`phone`, `walk_in`, `patrol`); the entry's actor is the
    /// staff member who entered it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<crate::staff_entry::Channel>,
    pub at: DateTime<Utc>,
}

/// The hold a job is in (`hold` in a job on hold).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Hold {
    pub reason: HoldReason,
    /// What the person who held it wrote (required for `other`).
    #[serde(default)]
    pub note: String,
    /// Since when (UTC).
    pub since: DateTime<Utc>,
    /// When the job resumes by itself, if planned (UTC).
    #[serde(default)]
    pub resume_at: Option<DateTime<Utc>>,
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
    /// The business hours the clocks count in, frozen at report time
    /// (normal urgency only); absent: around the clock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_hours: Option<BusinessHours>,
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
            window: self.business_hours,
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
    /// How it reached the office (`app` when the resident filed it).
    #[serde(default)]
    pub channel: crate::staff_entry::Channel,
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
    /// The note of the current hold (its reason's label when it has none),
    /// as before reasons existed; see `hold`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hold_reason: Option<String>,
    /// The current hold: reason, since, planned resumption.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hold: Option<Hold>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eta: Option<DateTime<Utc>>,
    /// Whether this caller may urge (催一下) the job at all (its reporter,
    /// while open); whether it is time yet is `urge_next_at`.
    #[serde(default)]
    pub may_urge: bool,
    /// For its reporter: when the next urge is allowed (absent: now).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urge_next_at: Option<DateTime<Utc>>,
    /// How many times the job was urged.
    #[serde(default)]
    pub urge_count: u32,
    pub reopen_count: u32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// How it reached the office (`app` when the resident filed it).
    #[serde(default)]
    pub channel: crate::staff_entry::Channel,
    /// The staff member who entered it for the resident (代客报修).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entered_by: Option<PersonRef>,
    /// The job a dissatisfied follow-up visit opened this one for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up_of: Option<String>,
    /// The outage notice this report was linked to (filed while a matching
    /// outage of its building was on); it is resolved when the outage ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outage: Option<OutageRef>,
}

/// An outage notice a job is linked to (`Job.outage`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutageRef {
    /// The announcement's id.
    pub id: String,
    pub title: String,
    pub kind: crate::outage::OutageKind,
    pub expected_end: DateTime<Utc>,
    #[serde(default)]
    pub ended_at: Option<DateTime<Utc>>,
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
    /// Staff only (`enter_for_resident`): the resident and unit this
    /// report is entered for, and how it came in (代客报修).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_behalf: Option<crate::staff_entry::OnBehalf>,
    /// The request's own key (`crate::client_key`: 8–64 printable ASCII
    /// characters), made once per report by the client or the form and
    /// sent again with every retry; the `Idempotency-Key` header may carry
    /// it instead. The same key from the same person (the resident, or the
    /// staff member entering it) files once: a repeat answers the job the
    /// first stored (200 instead of 201). Optional; 422 `client_key` for a
    /// bad shape, or for a key already used for another kind of request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_key: Option<String>,
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
    /// For `hold`: why ([`HoldReason`]); without it, a hold with a note is
    /// `other` with that note.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::repair::HoldReason>))]
    pub hold_reason: Option<String>,
    /// For `hold`: when to resume by itself (RFC 3339, in the future, at
    /// most 30 days ahead). A form's `YYYY-MM-DDTHH:MM` (no zone) is read
    /// as Shanghai time; an empty value is none.
    #[serde(default, deserialize_with = "instant_or_local")]
    pub resume_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "super::bounded::at_most::<_, _, { super::bounded::MAX_PHOTO_IDS }>")]
    #[cfg_attr(feature = "openapi", schema(max_items = 12))]
    pub photo_ids: Vec<String>,
}

/// An instant as RFC 3339, or as a `datetime-local` form field
/// (`YYYY-MM-DDTHH:MM[:SS]`, Shanghai time); empty or null: none.
fn instant_or_local<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    let Some(text) = Option::<String>::deserialize(d)?.filter(|s| !s.trim().is_empty()) else {
        return Ok(None);
    };
    let text = text.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(Some(at.with_timezone(&Utc)));
    }
    ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .find_map(|f| chrono::NaiveDateTime::parse_from_str(text, f).ok())
        .map(|n| Some(super::time::local_instant(n.date(), n.time())))
        .ok_or_else(|| serde::de::Error::custom("expected RFC 3339 or YYYY-MM-DDTHH:MM"))
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

/// `GET /api/v1/follow-ups`: a follow-up visit (回访) to make, opened when
/// work closes or by a low rating (rules: `model::follow_up`); open ones
/// first, the soonest due first.
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
    /// What to say, by reason, in the caller's language.
    #[serde(default)]
    pub script: String,
    /// When it is due (RFC 3339, UTC); older rows: 48 h after opening.
    #[serde(default)]
    pub due_at: Option<DateTime<Utc>>,
    /// Due, overdue, or done on time or late.
    #[serde(default = "default_timing")]
    pub timing: crate::follow_up::FollowUpTiming,
    /// When it was done.
    #[serde(default)]
    pub done_at: Option<DateTime<Utc>>,
    /// What the resident said.
    #[serde(default)]
    pub outcome: Option<crate::follow_up::FollowUpOutcome>,
    /// The note recorded with the outcome.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// The new request a dissatisfied outcome opened (when the job could
    /// no longer be reopened).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_repair_id: Option<String>,
    /// The resident the visit is to (the job's reporter); never for a
    /// complaint (the complainant is shown on the complaint only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resident: Option<PersonRef>,
    /// What the job is (`repair_id` names it): its page is
    /// `/repairs/{id}` for a repair, `/complaints/{id}` otherwise. For a
    /// complaint `unit` is the building only.
    #[serde(default = "default_kind")]
    pub kind: crate::complaint::JobKind,
    /// Whether a dissatisfied outcome reopened the job.
    #[serde(default)]
    pub reopened: bool,
}

fn default_kind() -> crate::complaint::JobKind {
    crate::complaint::JobKind::Repair
}

fn default_timing() -> crate::follow_up::FollowUpTiming {
    crate::follow_up::FollowUpTiming::Due
}

#[cfg(test)]
mod sla_clock_tests {
    use super::*;

    #[test]
    fn resume_at_reads_rfc_3339_a_form_field_in_shanghai_time_or_nothing() {
        let read = |v: serde_json::Value| serde_json::from_value::<ActionInput>(v).ok().map(|i| i.resume_at);
        let utc = |s: &str| DateTime::parse_from_rfc3339(s).ok().map(|d| d.with_timezone(&Utc));
        let at = utc("2026-12-01T00:00:00Z");
        assert_eq!(read(serde_json::json!({"action": "hold", "resume_at": "2026-12-01T08:00"})), Some(at));
        assert_eq!(read(serde_json::json!({"action": "hold", "resume_at": "2026-12-01T00:00:00Z"})), Some(at));
        assert_eq!(read(serde_json::json!({"action": "hold", "resume_at": ""})), Some(None));
        assert_eq!(read(serde_json::json!({"action": "hold"})), Some(None));
        assert_eq!(read(serde_json::json!({"action": "hold", "resume_at": "tomorrow"})), None);
    }
}
