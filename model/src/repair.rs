//! Repair jobs: the job state machine (categories and urgencies are in `category`).
//!
//! The same transition table decides which buttons the browser shows
//! (`allowed_actions`) and what the server accepts (`transition`), so the
//! two can never disagree. Who may act is expressed as the caller's
//! *relation* to the job ([`Party`]) rather than a bare role: the butler
//! of *this* building, the worker assigned to *this* job, the resident who
//! reported *this* job.

use chrono::{DateTime, Duration, Utc};

use super::{AppError, i18n::Msg, people::Role};

pub use super::category::{Category, RatingTag, Urgency};

crate::closed_set! {
    /// Where a job is in its life (SPEC §2).
    pub enum JobStatus {
        Submitted = "submitted",
        Acknowledged = "acknowledged",
        Assigned = "assigned",
        EnRoute = "en_route",
        InProgress = "in_progress",
        OnHold = "on_hold",
        Resolved = "resolved",
        Confirmed = "confirmed",
        Rated = "rated",
        Cancelled = "cancelled",
        Reopened = "reopened",
    }
}

impl JobStatus {
    /// Still needs someone to act (the butler's board shows these).
    pub const fn is_open(self) -> bool {
        !matches!(self, Self::Resolved | Self::Confirmed | Self::Rated | Self::Cancelled)
    }

    /// Nothing more can happen to it, except a rating after confirmation.
    pub const fn is_closed(self) -> bool {
        matches!(self, Self::Confirmed | Self::Rated | Self::Cancelled)
    }

    /// Someone has taken ownership: the respond clock has stopped.
    pub const fn is_responded(self) -> bool {
        !matches!(self, Self::Submitted)
    }

    pub const fn label(self) -> Msg {
        match self {
            Self::Submitted => Msg::StSubmitted,
            Self::Acknowledged => Msg::StAcknowledged,
            Self::Assigned => Msg::StAssigned,
            Self::EnRoute => Msg::StEnRoute,
            Self::InProgress => Msg::StInProgress,
            Self::OnHold => Msg::StOnHold,
            Self::Resolved => Msg::StResolved,
            Self::Confirmed => Msg::StConfirmed,
            Self::Rated => Msg::StRated,
            Self::Cancelled => Msg::StCancelled,
            Self::Reopened => Msg::StReopened,
        }
    }
}

crate::closed_set! {
    /// What someone can do to a job (`POST /repairs/{id}/actions`).
    pub enum JobAction {
        Acknowledge = "acknowledge",
        Assign = "assign",
        StartTravel = "start_travel",
        StartWork = "start_work",
        Hold = "hold",
        Resume = "resume",
        Resolve = "resolve",
        Confirm = "confirm",
        Reopen = "reopen",
        Cancel = "cancel",
    }
}

impl JobAction {
    /// The note `role` must give with this action, as the message shown
    /// when it is missing: a reason to put a job on hold (the resident sees
    /// it), and a reason when staff cancel a resident's job (the resident is
    /// told why). `None`: a note is optional. The job page marks the field
    /// required by the same rule the server checks.
    /// A hold's note is needed only for the reason `other`
    /// ([`hold_reason`]).
    pub const fn required_note(self, role: Role) -> Option<Msg> {
        match self {
            Self::Cancel if role.is_staff() => Some(Msg::ErrCancelReason),
            _ => None,
        }
    }
}

impl JobAction {
    pub const fn label(self) -> Msg {
        match self {
            Self::Acknowledge => Msg::ActAcknowledge,
            Self::Assign => Msg::ActAssign,
            Self::StartTravel => Msg::ActStartTravel,
            Self::StartWork => Msg::ActStartWork,
            Self::Hold => Msg::ActHold,
            Self::Resume => Msg::ActResume,
            Self::Resolve => Msg::ActResolve,
            Self::Confirm => Msg::ActConfirm,
            Self::Reopen => Msg::ActReopen,
            Self::Cancel => Msg::ActCancel,
        }
    }
}

/// The caller's relations to one job. A butler who assigned the job to
/// themselves is both `owner` and `assignee`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Party {
    /// The resident who reported it.
    pub reporter: bool,
    /// The butler of the job's building (first-contact owner).
    pub owner: bool,
    /// The person the job is assigned to.
    pub assignee: bool,
    /// The community's property manager.
    pub admin: bool,
    /// The 24-hour duty room.
    pub duty: bool,
    /// The system itself (auto-confirmation after 72 h).
    pub system: bool,
}

/// The parts of a job the state machine looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JobState {
    pub status: JobStatus,
    /// For `OnHold`: the status to return to on `resume`.
    pub held_from: Option<JobStatus>,
    pub has_assignee: bool,
}

/// Why an action was refused: not now (409) or not you (403).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The job's state does not allow this action now.
    NotNow,
    /// The caller's relation to the job does not allow it.
    NotYou,
}

/// The status `action` leads to from `state`, ignoring who asks.
pub fn next_status(state: JobState, action: JobAction) -> Option<JobStatus> {
    use JobAction as A;
    use JobStatus as S;
    let s = state.status;
    match action {
        A::Acknowledge => matches!(s, S::Submitted | S::Reopened).then_some(S::Acknowledged),
        A::Assign => matches!(s, S::Submitted | S::Acknowledged | S::Reopened | S::Assigned | S::EnRoute | S::OnHold)
            .then_some(S::Assigned),
        A::StartTravel => (s == S::Assigned).then_some(S::EnRoute),
        A::StartWork => matches!(s, S::Assigned | S::EnRoute).then_some(S::InProgress),
        A::Hold => matches!(s, S::Assigned | S::EnRoute | S::InProgress).then_some(S::OnHold),
        A::Resume => (s == S::OnHold).then(|| state.held_from.unwrap_or(S::InProgress)),
        A::Resolve => (s == S::InProgress).then_some(S::Resolved),
        A::Confirm => (s == S::Resolved).then_some(S::Confirmed),
        A::Reopen => (s == S::Resolved).then_some(S::Reopened),
        A::Cancel => matches!(s, S::Submitted | S::Acknowledged | S::Assigned | S::Reopened).then_some(S::Cancelled),
    }
}

/// Whether the caller's relation to the job lets them take `action`.
pub fn may(party: Party, action: JobAction) -> bool {
    use JobAction as A;
    let staff_owner = party.owner || party.admin;
    match action {
        // Taking ownership: the building's butler, the manager, and the duty
        // room (which watches critical jobs around the clock).
        A::Acknowledge => staff_owner || party.duty,
        A::Assign => staff_owner,
        // Field work: whoever holds the job, or the butler/manager on their behalf.
        A::StartTravel | A::StartWork | A::Hold | A::Resolve => party.assignee || staff_owner,
        // ... and the system, at a hold's planned `resume_at`.
        A::Resume => party.assignee || staff_owner || party.system,
        // Only the person who reported it judges the fix; the system
        // confirms on their behalf after 72 hours of silence.
        A::Confirm => party.reporter || party.system,
        A::Reopen => party.reporter,
        // Withdrawn by the reporter, or closed by the owner as a duplicate.
        A::Cancel => party.reporter || staff_owner,
    }
}

/// The status `action` leads to, or why it is refused. Field work needs
/// someone assigned.
pub fn transition(state: JobState, party: Party, action: JobAction) -> Result<JobStatus, Refusal> {
    let next = next_status(state, action).ok_or(Refusal::NotNow)?;
    let needs_assignee = matches!(action, JobAction::StartTravel | JobAction::StartWork);
    if needs_assignee && !state.has_assignee {
        return Err(Refusal::NotNow);
    }
    if may(party, action) { Ok(next) } else { Err(Refusal::NotYou) }
}

/// The buttons to show this caller now.
pub fn allowed_actions(state: JobState, party: Party) -> Vec<JobAction> {
    JobAction::ALL.into_iter().filter(|a| transition(state, party, *a).is_ok()).collect()
}

/// Whether the reporter may rate now: once, after the job is resolved
/// (rating a resolved job also confirms it).
pub fn may_rate(status: JobStatus, party: Party, already_rated: bool) -> bool {
    party.reporter && !already_rated && matches!(status, JobStatus::Resolved | JobStatus::Confirmed)
}

crate::closed_set! {
    /// Why a job is on hold (`hold_reason` of a `hold` action). `other`
    /// needs a note saying what.
    pub enum HoldReason {
        WaitingParts = "waiting_parts",
        WaitingResident = "waiting_resident",
        WaitingVendor = "waiting_vendor",
        Other = "other",
    }
}

impl HoldReason {
    pub const fn label(self) -> Msg {
        match self {
            Self::WaitingParts => Msg::HoldWaitingParts,
            Self::WaitingResident => Msg::HoldWaitingResident,
            Self::WaitingVendor => Msg::HoldWaitingVendor,
            Self::Other => Msg::HoldOther,
        }
    }

    /// Whether a hold for this reason must say more in its note.
    pub const fn needs_note(self) -> bool {
        matches!(self, Self::Other)
    }
}

/// The furthest ahead a hold may plan to resume, in days.
pub const MAX_HOLD_DAYS: i64 = 30;

/// The reason of a hold from what was sent: `reason` (a [`HoldReason`]
/// key) and the cleaned `note`. A hold with only a note (clients from
/// before the reasons) is `other` with that note. Errors name the field:
/// `hold_reason` for an unknown key, `note` when neither is given or
/// `other` comes without a note.
pub fn hold_reason(reason: Option<&str>, note: &str) -> Result<HoldReason, AppError> {
    let reason = match reason.map(str::trim).filter(|r| !r.is_empty()) {
        None if note.is_empty() => return Err(AppError::invalid("note", Msg::ErrHoldReason)),
        None => HoldReason::Other,
        Some(r) => HoldReason::parse(r).ok_or_else(|| AppError::invalid("hold_reason", Msg::ErrHoldReasonUnknown))?,
    };
    if reason.needs_note() && note.is_empty() {
        return Err(AppError::invalid("note", Msg::ErrHoldOtherNote));
    }
    Ok(reason)
}

/// A planned resumption must be in the future and at most
/// [`MAX_HOLD_DAYS`] ahead (field `resume_at`).
pub fn check_resume_at(resume_at: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), AppError> {
    if resume_at <= now || resume_at > now + Duration::days(MAX_HOLD_DAYS) {
        return Err(AppError::invalid("resume_at", Msg::ErrResumeAt));
    }
    Ok(())
}

/// Minutes between two urges of one job when the community never set it.
pub const URGE_INTERVAL_MINS_DEFAULT: u32 = 30;

/// The range a community may set the urge interval to, in minutes.
pub const URGE_INTERVAL_MINS: std::ops::RangeInclusive<u32> = 1..=24 * 60;

/// Whether someone may urge (催一下) a job at all: the person who reported
/// it, while it is open (any kind of job). Whether it is *time* is
/// [`urge_wait`].
pub const fn may_urge(status: JobStatus, party: Party) -> bool {
    party.reporter && status.is_open()
}

/// How long until the next urge is allowed (`next`: stored when the last
/// urge was made); `None`: allowed now.
pub fn urge_wait(next: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Option<Duration> {
    next.filter(|n| *n > now).map(|n| n - now)
}

/// When the urge after one made at `at` is allowed.
pub fn next_urge_at(at: DateTime<Utc>, interval_mins: u32) -> DateTime<Utc> {
    at + Duration::minutes(i64::from(interval_mins))
}

/// Hours after resolution when silence counts as confirmation.
pub const AUTO_CONFIRM_HOURS: i64 = 72;

/// Most photos per report.
pub const MAX_PHOTOS: usize = 6;

/// Longest description accepted.
pub const MAX_DESCRIPTION: usize = 1000;

#[cfg(test)]
mod tests {
    use super::*;
    use JobAction as A;
    use JobStatus as S;

    fn state(status: JobStatus) -> JobState {
        JobState { status, held_from: None, has_assignee: true }
    }

    const REPORTER: Party =
        Party { reporter: true, owner: false, assignee: false, admin: false, duty: false, system: false };
    const OWNER: Party =
        Party { reporter: false, owner: true, assignee: false, admin: false, duty: false, system: false };
    const ASSIGNEE: Party =
        Party { reporter: false, owner: false, assignee: true, admin: false, duty: false, system: false };
    const ADMIN: Party =
        Party { reporter: false, owner: false, assignee: false, admin: true, duty: false, system: false };
    const DUTY: Party =
        Party { reporter: false, owner: false, assignee: false, admin: false, duty: true, system: false };
    const SYSTEM: Party =
        Party { reporter: false, owner: false, assignee: false, admin: false, duty: false, system: true };
    const STRANGER: Party =
        Party { reporter: false, owner: false, assignee: false, admin: false, duty: false, system: false };

    /// The whole table: for every (state, action, party), the expected
    /// outcome. `Ok(next)` rows are listed; everything else must be refused,
    /// with `NotNow` when no party at all could do it in that state.
    #[test]
    fn every_state_action_party_combination() {
        type Row = (JobStatus, JobAction, &'static [(&'static str, Party)], JobStatus);
        let allowed: &[Row] = &[
            (S::Submitted, A::Acknowledge, &[("owner", OWNER), ("admin", ADMIN), ("duty", DUTY)], S::Acknowledged),
            (S::Reopened, A::Acknowledge, &[("owner", OWNER), ("admin", ADMIN), ("duty", DUTY)], S::Acknowledged),
            (S::Submitted, A::Assign, &[("owner", OWNER), ("admin", ADMIN)], S::Assigned),
            (S::Acknowledged, A::Assign, &[("owner", OWNER), ("admin", ADMIN)], S::Assigned),
            (S::Reopened, A::Assign, &[("owner", OWNER), ("admin", ADMIN)], S::Assigned),
            (S::Assigned, A::Assign, &[("owner", OWNER), ("admin", ADMIN)], S::Assigned),
            (S::EnRoute, A::Assign, &[("owner", OWNER), ("admin", ADMIN)], S::Assigned),
            (S::OnHold, A::Assign, &[("owner", OWNER), ("admin", ADMIN)], S::Assigned),
            (S::Assigned, A::StartTravel, &[("assignee", ASSIGNEE), ("owner", OWNER), ("admin", ADMIN)], S::EnRoute),
            (S::Assigned, A::StartWork, &[("assignee", ASSIGNEE), ("owner", OWNER), ("admin", ADMIN)], S::InProgress),
            (S::EnRoute, A::StartWork, &[("assignee", ASSIGNEE), ("owner", OWNER), ("admin", ADMIN)], S::InProgress),
            (S::Assigned, A::Hold, &[("assignee", ASSIGNEE), ("owner", OWNER), ("admin", ADMIN)], S::OnHold),
            (S::EnRoute, A::Hold, &[("assignee", ASSIGNEE), ("owner", OWNER), ("admin", ADMIN)], S::OnHold),
            (S::InProgress, A::Hold, &[("assignee", ASSIGNEE), ("owner", OWNER), ("admin", ADMIN)], S::OnHold),
            (
                S::OnHold,
                A::Resume,
                &[("assignee", ASSIGNEE), ("owner", OWNER), ("admin", ADMIN), ("system", SYSTEM)],
                S::InProgress,
            ),
            (S::InProgress, A::Resolve, &[("assignee", ASSIGNEE), ("owner", OWNER), ("admin", ADMIN)], S::Resolved),
            (S::Resolved, A::Confirm, &[("reporter", REPORTER), ("system", SYSTEM)], S::Confirmed),
            (S::Resolved, A::Reopen, &[("reporter", REPORTER)], S::Reopened),
            (S::Submitted, A::Cancel, &[("reporter", REPORTER), ("owner", OWNER), ("admin", ADMIN)], S::Cancelled),
            (S::Acknowledged, A::Cancel, &[("reporter", REPORTER), ("owner", OWNER), ("admin", ADMIN)], S::Cancelled),
            (S::Assigned, A::Cancel, &[("reporter", REPORTER), ("owner", OWNER), ("admin", ADMIN)], S::Cancelled),
            (S::Reopened, A::Cancel, &[("reporter", REPORTER), ("owner", OWNER), ("admin", ADMIN)], S::Cancelled),
        ];
        let parties = [
            ("reporter", REPORTER),
            ("owner", OWNER),
            ("assignee", ASSIGNEE),
            ("admin", ADMIN),
            ("duty", DUTY),
            ("system", SYSTEM),
            ("stranger", STRANGER),
        ];
        let mut checked = 0;
        for status in JobStatus::ALL {
            for action in JobAction::ALL {
                let row = allowed.iter().find(|(s, a, _, _)| *s == status && *a == action);
                for (name, party) in parties {
                    let got = transition(state(status), party, action);
                    let expected = match row {
                        Some((_, _, who, next)) if who.iter().any(|(n, _)| *n == name) => Ok(*next),
                        Some(_) => Err(Refusal::NotYou),
                        None => Err(Refusal::NotNow),
                    };
                    assert_eq!(got, expected, "{status:?} {action:?} by {name}");
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 11 * 10 * 7);
    }

    #[test]
    fn resume_returns_to_where_the_job_was_held() {
        let held = JobState { status: S::OnHold, held_from: Some(S::Assigned), has_assignee: true };
        assert_eq!(transition(held, ASSIGNEE, A::Resume), Ok(S::Assigned));
    }

    #[test]
    fn field_work_needs_an_assignee() {
        let unassigned = JobState { status: S::Assigned, held_from: None, has_assignee: false };
        assert_eq!(transition(unassigned, OWNER, A::StartWork), Err(Refusal::NotNow));
    }

    #[test]
    fn buttons_follow_the_table() {
        assert_eq!(allowed_actions(state(S::Resolved), REPORTER), vec![A::Confirm, A::Reopen]);
        assert_eq!(allowed_actions(state(S::Submitted), REPORTER), vec![A::Cancel]);
        assert_eq!(allowed_actions(state(S::Submitted), OWNER), vec![A::Acknowledge, A::Assign, A::Cancel]);
        assert_eq!(allowed_actions(state(S::Assigned), ASSIGNEE), vec![A::StartTravel, A::StartWork, A::Hold]);
        assert!(allowed_actions(state(S::Rated), OWNER).is_empty());
        assert!(allowed_actions(state(S::InProgress), STRANGER).is_empty());
    }

    #[test]
    fn rating_once_after_resolution_by_the_reporter() {
        assert!(may_rate(S::Resolved, REPORTER, false));
        assert!(may_rate(S::Confirmed, REPORTER, false));
        assert!(!may_rate(S::Confirmed, REPORTER, true));
        assert!(!may_rate(S::InProgress, REPORTER, false));
        assert!(!may_rate(S::Resolved, OWNER, false));
    }

    #[test]
    fn categories_suggest_urgency_and_round_trip() {
        assert_eq!(Category::ElevatorEntrapment.default_urgency(), Urgency::Critical);
        assert_eq!(Category::NoWater.default_urgency(), Urgency::Urgent);
        assert_eq!(Category::Leak.default_urgency(), Urgency::Normal);
        for c in Category::ALL {
            assert_eq!(Category::parse(c.as_str()), Some(c));
        }
        for s in JobStatus::ALL {
            assert_eq!(JobStatus::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_string(&s).unwrap_or_default(), format!("\"{}\"", s.as_str()));
        }
        for a in JobAction::ALL {
            assert_eq!(JobAction::parse(a.as_str()), Some(a));
        }
        assert!(Urgency::Critical > Urgency::Urgent && Urgency::Urgent > Urgency::Normal);
    }

    #[test]
    fn a_staff_cancel_needs_a_reason() {
        use crate::people::Role;
        for role in Role::ALL {
            assert_eq!(JobAction::Cancel.required_note(role).is_some(), role.is_staff(), "{role:?}");
            assert!(JobAction::Resolve.required_note(role).is_none());
        }
    }

    #[test]
    fn a_hold_needs_a_reason_and_other_needs_a_note() {
        let field = |r: Result<HoldReason, AppError>| r.err().and_then(|e| e.detail);
        assert_eq!(hold_reason(Some("waiting_parts"), ""), Ok(HoldReason::WaitingParts));
        assert_eq!(hold_reason(None, "等物业开门"), Ok(HoldReason::Other), "a note alone is `other`, as before");
        assert_eq!(field(hold_reason(None, "")), Some("note".into()));
        assert_eq!(field(hold_reason(Some("other"), "")), Some("note".into()));
        assert_eq!(field(hold_reason(Some("lunch"), "x")), Some("hold_reason".into()));
        let now = DateTime::UNIX_EPOCH;
        assert!(check_resume_at(now + Duration::seconds(1), now).is_ok());
        assert!(check_resume_at(now, now).is_err());
        assert!(check_resume_at(now + Duration::days(MAX_HOLD_DAYS) + Duration::seconds(1), now).is_err());
    }

    #[test]
    fn only_the_reporter_urges_open_work_and_not_too_often() {
        for status in JobStatus::ALL {
            assert_eq!(may_urge(status, REPORTER), status.is_open(), "{status:?}");
            assert!(!may_urge(status, OWNER) && !may_urge(status, ASSIGNEE) && !may_urge(status, ADMIN));
        }
        let now = DateTime::UNIX_EPOCH;
        let next = next_urge_at(now, URGE_INTERVAL_MINS_DEFAULT);
        assert_eq!(urge_wait(Some(next), now), Some(Duration::minutes(30)));
        assert_eq!(urge_wait(Some(next), next), None);
        assert_eq!(urge_wait(None, now), None);
    }
}
