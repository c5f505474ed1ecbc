//! Complaints and suggestions (投诉建议): jobs of another kind, kept in the
//! same store as repairs (`repair` table, field `kind`), so that they share
//! the timeline, the live stream, the SLA clock (its sweep and its
//! auto-confirmation), the butler's board and the scorecard.
//!
//! A complaint is handled the LEARN way, each step an action on its
//! timeline, taken by its first-contact owner (the butler of the
//! complainant's building, 首问负责制) or the manager:
//! - **listen** (`submitted`/`reopened` → `acknowledged`): the owner has
//!   heard the resident out (stops the respond clock);
//! - **act** (`acknowledged` → `in_progress`): the agreed action;
//! - **respond** (no change of status, any number of times): a progress
//!   reply to the resident;
//! - **notify** (`in_progress` → `resolved`): the outcome, asking for
//!   satisfaction (stops the resolve clock);
//! - then the resident **confirms** or **reopens**, and rates.
//!
//! A suggestion gets an **answer** (→ `resolved`) and may be marked
//! **adopted** (采纳) once, at any time before it is cancelled.
//!
//! The same transition table decides which buttons the browser shows
//! ([`allowed_actions`]) and what the server accepts ([`transition`]).
//! Who may act is the caller's relation to the job ([`Party`], shared with
//! repairs).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{
    BuildingRef, UnitRef,
    i18n::Msg,
    job::{ClockFacts, Photo, Rating, TimelineEntry},
    keys::TimelineAction,
    people::{Role, StaffRef},
    repair::{JobStatus, Party, Refusal},
    sla::{Sla, SlaTarget},
};

crate::closed_set! {
    /// What a job in the repair store is: a repair (the default, and every
    /// row stored before complaints existed), a complaint or a suggestion.
    pub enum JobKind {
        Repair = "repair",
        Complaint = "complaint",
        Suggestion = "suggestion",
    }
}

impl JobKind {
    pub const fn label(self) -> Msg {
        match self {
            Self::Repair => Msg::KindRepair,
            Self::Complaint => Msg::KindComplaint,
            Self::Suggestion => Msg::KindSuggestion,
        }
    }
}

crate::closed_set! {
    /// What a complaint or suggestion is about.
    pub enum ComplaintCategory {
        Noise = "noise",
        Pets = "pets",
        Parking = "parking",
        Sanitation = "sanitation",
        StaffConduct = "staff_conduct",
        Facilities = "facilities",
        Fees = "fees",
        Other = "other",
    }
}

impl ComplaintCategory {
    pub const fn label(self) -> Msg {
        match self {
            Self::Noise => Msg::CcNoise,
            Self::Pets => Msg::CcPets,
            Self::Parking => Msg::CcParking,
            Self::Sanitation => Msg::CcSanitation,
            Self::StaffConduct => Msg::CcStaffConduct,
            Self::Facilities => Msg::CcFacilities,
            Self::Fees => Msg::CcFees,
            Self::Other => Msg::CcOther,
        }
    }

    pub const fn icon(self) -> &'static str {
        match self {
            Self::Noise => "🔊",
            Self::Pets => "🐕",
            Self::Parking => "🚗",
            Self::Sanitation => "🧹",
            Self::StaffConduct => "🙋",
            Self::Facilities => "🏗️",
            Self::Fees => "💴",
            Self::Other => "💬",
        }
    }
}

crate::closed_set! {
    /// What someone can do to a complaint or suggestion
    /// (`POST /api/v1/complaints/{id}/actions`).
    pub enum ComplaintAction {
        Listen = "listen",
        Act = "act",
        Respond = "respond",
        Notify = "notify",
        Answer = "answer",
        Adopt = "adopt",
        Confirm = "confirm",
        Reopen = "reopen",
        Cancel = "cancel",
    }
}

impl ComplaintAction {
    pub const fn label(self) -> Msg {
        match self {
            Self::Listen => Msg::CaListen,
            Self::Act => Msg::CaAct,
            Self::Respond => Msg::CaRespond,
            Self::Notify => Msg::CaNotify,
            Self::Answer => Msg::CaAnswer,
            Self::Adopt => Msg::CaAdopt,
            Self::Confirm => Msg::ActConfirm,
            Self::Reopen => Msg::ActReopen,
            Self::Cancel => Msg::CaCancel,
        }
    }

    /// How the step is written on the shared timeline.
    pub const fn timeline(self) -> TimelineAction {
        match self {
            Self::Listen => TimelineAction::Listen,
            Self::Act => TimelineAction::Act,
            Self::Respond => TimelineAction::Respond,
            Self::Notify => TimelineAction::Notify,
            Self::Answer => TimelineAction::Answer,
            Self::Adopt => TimelineAction::Adopt,
            Self::Confirm => TimelineAction::Confirm,
            Self::Reopen => TimelineAction::Reopen,
            Self::Cancel => TimelineAction::Cancel,
        }
    }

    /// The note `role` must give with this action, as the message shown
    /// when it is missing: every handling step says something to the
    /// resident (what was heard, the agreed action, the progress, the
    /// outcome, the answer), and staff withdrawing one give a reason.
    /// `None`: a note is optional.
    pub const fn required_note(self, role: Role) -> Option<Msg> {
        match self {
            Self::Listen | Self::Act | Self::Respond | Self::Notify | Self::Answer => Some(Msg::ErrComplaintNote),
            Self::Cancel if role.is_staff() => Some(Msg::ErrCancelReason),
            _ => None,
        }
    }
}

/// The parts of a complaint or suggestion the rules look at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ComplaintState {
    pub kind: JobKind,
    pub status: JobStatus,
    pub adopted: bool,
}

/// The status `action` leads to from `state`, ignoring who asks
/// (`respond` and `adopt` keep the status).
pub fn next_status(state: ComplaintState, action: ComplaintAction) -> Option<JobStatus> {
    use ComplaintAction as A;
    use JobStatus as S;
    let s = state.status;
    let complaint = state.kind == JobKind::Complaint;
    let suggestion = state.kind == JobKind::Suggestion;
    match action {
        A::Listen => (complaint && matches!(s, S::Submitted | S::Reopened)).then_some(S::Acknowledged),
        A::Act => (complaint && s == S::Acknowledged).then_some(S::InProgress),
        A::Respond => (complaint && matches!(s, S::Acknowledged | S::InProgress)).then_some(s),
        A::Notify => (complaint && s == S::InProgress).then_some(S::Resolved),
        A::Answer => (suggestion && matches!(s, S::Submitted | S::Reopened)).then_some(S::Resolved),
        A::Adopt => (suggestion && !state.adopted && s != S::Cancelled).then_some(s),
        A::Confirm => (state.kind != JobKind::Repair && s == S::Resolved).then_some(S::Confirmed),
        A::Reopen => (state.kind != JobKind::Repair && s == S::Resolved).then_some(S::Reopened),
        A::Cancel => (state.kind != JobKind::Repair && matches!(s, S::Submitted | S::Acknowledged | S::Reopened))
            .then_some(S::Cancelled),
    }
}

/// Whether the caller's relation to the job lets them take `action`: the
/// first-contact owner (the building's butler) or the manager handle it;
/// the person who filed it judges the outcome.
pub fn may(party: Party, action: ComplaintAction) -> bool {
    use ComplaintAction as A;
    let staff_owner = party.owner || party.admin;
    match action {
        A::Listen | A::Act | A::Respond | A::Notify | A::Answer | A::Adopt => staff_owner,
        A::Confirm => party.reporter || party.system,
        A::Reopen => party.reporter,
        A::Cancel => party.reporter || staff_owner,
    }
}

/// The status `action` leads to, or why it is refused.
pub fn transition(state: ComplaintState, party: Party, action: ComplaintAction) -> Result<JobStatus, Refusal> {
    let next = next_status(state, action).ok_or(Refusal::NotNow)?;
    if may(party, action) { Ok(next) } else { Err(Refusal::NotYou) }
}

/// The buttons to show this caller now.
pub fn allowed_actions(state: ComplaintState, party: Party) -> Vec<ComplaintAction> {
    ComplaintAction::ALL.into_iter().filter(|a| transition(state, party, *a).is_ok()).collect()
}

/// Whether the person who filed it may rate now: once, after it is
/// resolved (the rule of repairs).
pub fn may_rate(status: JobStatus, party: Party, already_rated: bool) -> bool {
    super::repair::may_rate(status, party, already_rated)
}

/// The targets when a community never set its own: respond (listen)
/// within 2 hours, resolve (notify) within 3 days. Complaint clocks run
/// around the clock.
pub const DEFAULT_TARGET: SlaTarget = SlaTarget { respond_secs: 2 * 3600, resolve_secs: 3 * 24 * 3600 };

/// Complaint targets a community may set: positive, resolving never due
/// before responding, at most 30 days.
pub fn targets_valid(t: SlaTarget) -> bool {
    t.respond_secs > 0 && t.resolve_secs >= t.respond_secs && t.resolve_secs <= 30 * 24 * 3600
}

/// Longest text accepted (the repair description's limit: same field).
pub const MAX_TEXT: usize = super::repair::MAX_DESCRIPTION;

/// Longest description of the place concerned.
pub const MAX_PLACE: usize = 60;

/// A complaint or suggestion as filed (`POST /api/v1/complaints`, and the
/// no-script form `/forms/complaints`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewComplaint {
    /// `complaint` (the default) or `suggestion`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<JobKind>))]
    pub kind: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = ComplaintCategory))]
    pub category: String,
    /// What happened, or what is suggested (1 to 1000 characters).
    pub text: String,
    /// Up to 6 ids from `POST /api/v1/uploads`.
    #[serde(default, deserialize_with = "super::bounded::at_most::<_, _, { super::bounded::MAX_PHOTO_IDS }>")]
    #[cfg_attr(feature = "openapi", schema(max_items = 12))]
    pub photo_ids: Vec<String>,
    /// The place concerned, as text (`3号楼东侧草坪`), at most 60 characters.
    #[serde(default)]
    pub concerns_place: Option<String>,
    /// The unit concerned (a unit id of the community, not one's own). That
    /// household is never told, and can never read, who complained.
    #[serde(default)]
    pub concerns_unit_id: Option<String>,
    /// Staff only (`enter_for_resident` with `see_complaints`: the butler
    /// for their own buildings, the manager): the resident and unit this
    /// is entered for, and how it came in (代录, `model::staff_entry`).
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

/// `POST /api/v1/complaints/{id}/actions`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplaintActionInput {
    #[cfg_attr(feature = "openapi", schema(value_type = ComplaintAction))]
    pub action: String,
    /// What was heard, agreed, replied, the outcome, the answer; required
    /// for those steps ([`ComplaintAction::required_note`]).
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default, deserialize_with = "super::bounded::at_most::<_, _, { super::bounded::MAX_PHOTO_IDS }>")]
    #[cfg_attr(feature = "openapi", schema(max_items = 12))]
    pub photo_ids: Vec<String>,
}

/// What a complaint is about, beyond its category.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Concerns {
    /// A place, as the resident wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// A unit of the community, as a label (`2号楼 301`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
}

/// Who filed a complaint: shown only on the complaint itself
/// (`GET /api/v1/complaints/{id}`), to its own household and to the staff
/// handling it; never in lists, boards, exports or live events.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Complainant {
    pub id: String,
    pub name: String,
    pub unit: UnitRef,
    /// Masked (`138****1234`). The whole number, to call back, is
    /// `GET /api/v1/residents/{id}/phone` with this `id` (the web's
    /// `/call/{id}`): each reveal is an audit entry (`resident.view_phone`).
    pub phone: String,
}

/// A complaint or suggestion in a list: the building, never the
/// complainant or their unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplaintSummary {
    pub id: String,
    pub kind: JobKind,
    pub category: ComplaintCategory,
    pub text: String,
    pub status: JobStatus,
    /// The complainant's building (the butler who owns it handles it).
    pub building: BuildingRef,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concerns: Option<Concerns>,
    pub adopted: bool,
    pub photo_count: u32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub sla: Sla,
    pub clock: ClockFacts,
}

/// A complaint or suggestion in full (`GET /api/v1/complaints/{id}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Complaint {
    pub id: String,
    pub kind: JobKind,
    pub category: ComplaintCategory,
    pub text: String,
    pub status: JobStatus,
    pub building: BuildingRef,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concerns: Option<Concerns>,
    /// Who filed it (see [`Complainant`]).
    pub complainant: Complainant,
    /// The first-contact owner: the building's butler.
    #[serde(default)]
    pub owner: Option<StaffRef>,
    pub photos: Vec<Photo>,
    /// The shared timeline (actions `submitted`, `listen`, `act`,
    /// `respond`, `notify`, `answer`, `adopt`, `confirm`, `reopen`,
    /// `cancel`, `rated`).
    pub timeline: Vec<TimelineEntry>,
    pub sla: Sla,
    pub clock: ClockFacts,
    /// The buttons this caller may press now.
    pub allowed_actions: Vec<ComplaintAction>,
    /// Whether this caller may rate it now.
    pub can_rate: bool,
    #[serde(default)]
    pub rating: Option<Rating>,
    /// A suggestion marked adopted (采纳).
    pub adopted: bool,
    /// Whether this caller may urge (催一下) it at all (its filer, while
    /// open; the rule is `repair::may_urge`); whether it is time yet is
    /// `urge_next_at`. As on a repair (`Job`).
    #[serde(default)]
    pub may_urge: bool,
    /// For its filer: when the next urge is allowed (absent: now).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urge_next_at: Option<DateTime<Utc>>,
    /// How many times it was urged.
    #[serde(default)]
    pub urge_count: u32,
    pub reopen_count: u32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// How it came in (`app` when the resident filed it; staff entry).
    #[serde(default)]
    pub channel: crate::staff_entry::Channel,
}

/// One row of the counts by category.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CategoryCount {
    pub category: ComplaintCategory,
    pub complaints: u32,
    pub suggestions: u32,
    /// Of both, those still open.
    pub open: u32,
}

/// One row of the counts by building.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BuildingCount {
    pub building: BuildingRef,
    pub complaints: u32,
    pub suggestions: u32,
    pub open: u32,
}

/// `GET /api/v1/complaints/stats`: complaints and suggestions filed in a
/// period (`?from=&to=`, RFC 3339; by default the last 30 days), counted
/// by category and by building (a butler: their buildings only).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplaintStats {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// Every category, in the order of [`ComplaintCategory::ALL`].
    pub by_category: Vec<CategoryCount>,
    /// Buildings with at least one, by building number.
    pub by_building: Vec<BuildingCount>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use ComplaintAction as A;
    use JobStatus as S;

    const REPORTER: Party = Party { reporter: true, ..NONE };
    const OWNER: Party = Party { owner: true, ..NONE };
    const ASSIGNEE: Party = Party { assignee: true, ..NONE };
    const ADMIN: Party = Party { admin: true, ..NONE };
    const DUTY: Party = Party { duty: true, ..NONE };
    const SYSTEM: Party = Party { system: true, ..NONE };
    const NONE: Party =
        Party { reporter: false, owner: false, assignee: false, admin: false, duty: false, system: false };

    fn st(kind: JobKind, status: JobStatus, adopted: bool) -> ComplaintState {
        ComplaintState { kind, status, adopted }
    }

    /// The whole table: for every (kind, adopted, state, action, party),
    /// the expected outcome. `Ok(next)` rows are listed; everything else
    /// must be refused, with `NotNow` when no party could do it then.
    #[test]
    fn every_state_action_party_combination() {
        const STAFF: &[&str] = &["owner", "admin"];
        const RESIDENT: &[&str] = &["reporter"];
        const CANCEL: &[&str] = &["reporter", "owner", "admin"];
        const CONFIRM: &[&str] = &["reporter", "system"];
        type Row = (JobKind, bool, JobStatus, ComplaintAction, &'static [&'static str], JobStatus);
        use JobKind::{Complaint as C, Suggestion as G};
        let mut allowed: Vec<Row> = vec![
            (C, false, S::Submitted, A::Listen, STAFF, S::Acknowledged),
            (C, false, S::Reopened, A::Listen, STAFF, S::Acknowledged),
            (C, false, S::Acknowledged, A::Act, STAFF, S::InProgress),
            (C, false, S::Acknowledged, A::Respond, STAFF, S::Acknowledged),
            (C, false, S::InProgress, A::Respond, STAFF, S::InProgress),
            (C, false, S::InProgress, A::Notify, STAFF, S::Resolved),
            (C, false, S::Resolved, A::Confirm, CONFIRM, S::Confirmed),
            (C, false, S::Resolved, A::Reopen, RESIDENT, S::Reopened),
            (C, false, S::Submitted, A::Cancel, CANCEL, S::Cancelled),
            (C, false, S::Acknowledged, A::Cancel, CANCEL, S::Cancelled),
            (C, false, S::Reopened, A::Cancel, CANCEL, S::Cancelled),
            (G, false, S::Submitted, A::Answer, STAFF, S::Resolved),
            (G, false, S::Reopened, A::Answer, STAFF, S::Resolved),
            (G, false, S::Resolved, A::Confirm, CONFIRM, S::Confirmed),
            (G, false, S::Resolved, A::Reopen, RESIDENT, S::Reopened),
            (G, false, S::Submitted, A::Cancel, CANCEL, S::Cancelled),
            (G, false, S::Acknowledged, A::Cancel, CANCEL, S::Cancelled),
            (G, false, S::Reopened, A::Cancel, CANCEL, S::Cancelled),
        ];
        // Adopting: any time but once, and never a withdrawn suggestion.
        for s in S::ALL.into_iter().filter(|s| *s != S::Cancelled) {
            allowed.push((G, false, s, A::Adopt, STAFF, s));
        }
        // The same table once adopted, without adopting again; complaints
        // ignore the flag.
        let again: Vec<Row> =
            allowed.iter().filter(|r| r.3 != A::Adopt).map(|r| (r.0, true, r.2, r.3, r.4, r.5)).collect();
        allowed.extend(again);
        let parties = [
            ("reporter", REPORTER),
            ("owner", OWNER),
            ("assignee", ASSIGNEE),
            ("admin", ADMIN),
            ("duty", DUTY),
            ("system", SYSTEM),
            ("stranger", NONE),
        ];
        let mut checked = 0;
        for kind in JobKind::ALL {
            for adopted in [false, true] {
                for status in JobStatus::ALL {
                    for action in ComplaintAction::ALL {
                        let row =
                            allowed.iter().find(|r| r.0 == kind && r.1 == adopted && r.2 == status && r.3 == action);
                        for (name, party) in parties {
                            let got = transition(st(kind, status, adopted), party, action);
                            let expected = match row {
                                Some(r) if r.4.contains(&name) => Ok(r.5),
                                Some(_) => Err(Refusal::NotYou),
                                None => Err(Refusal::NotNow),
                            };
                            assert_eq!(got, expected, "{kind:?} adopted={adopted} {status:?} {action:?} by {name}");
                            checked += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(checked, 3 * 2 * 11 * 9 * 7);
    }

    #[test]
    fn the_five_learn_steps_in_order() {
        let mut s = st(JobKind::Complaint, S::Submitted, false);
        for (action, party, next) in [
            (A::Listen, OWNER, S::Acknowledged),
            (A::Act, OWNER, S::InProgress),
            (A::Respond, OWNER, S::InProgress),
            (A::Respond, ADMIN, S::InProgress),
            (A::Notify, OWNER, S::Resolved),
            (A::Confirm, REPORTER, S::Confirmed),
        ] {
            s.status = transition(s, party, action).unwrap_or(S::Cancelled);
            assert_eq!(s.status, next, "{action:?}");
        }
        assert!(may_rate(s.status, REPORTER, false));
    }

    #[test]
    fn buttons_follow_the_table() {
        assert_eq!(allowed_actions(st(JobKind::Complaint, S::Submitted, false), OWNER), vec![A::Listen, A::Cancel]);
        assert_eq!(allowed_actions(st(JobKind::Complaint, S::Submitted, false), REPORTER), vec![A::Cancel]);
        assert_eq!(
            allowed_actions(st(JobKind::Suggestion, S::Submitted, false), ADMIN),
            vec![A::Answer, A::Adopt, A::Cancel]
        );
        assert_eq!(allowed_actions(st(JobKind::Suggestion, S::Resolved, true), OWNER), Vec::<ComplaintAction>::new());
        assert!(allowed_actions(st(JobKind::Repair, S::Submitted, false), ADMIN).is_empty());
    }

    #[test]
    fn every_handling_step_says_something() {
        for role in Role::ALL {
            for a in [A::Listen, A::Act, A::Respond, A::Notify, A::Answer] {
                assert!(a.required_note(role).is_some());
            }
            assert!(A::Adopt.required_note(role).is_none());
            assert_eq!(A::Cancel.required_note(role).is_some(), role.is_staff());
        }
    }

    #[test]
    fn keys_round_trip() {
        for k in JobKind::ALL {
            assert_eq!(JobKind::parse(k.as_str()), Some(k));
        }
        for c in ComplaintCategory::ALL {
            assert_eq!(ComplaintCategory::parse(c.as_str()), Some(c));
        }
        for a in ComplaintAction::ALL {
            assert_eq!(ComplaintAction::parse(a.as_str()), Some(a));
            assert_eq!(a.timeline().as_str(), a.as_str());
        }
    }
}
