//! Routine follow-up visits (回访): which closed work gets one, when it is
//! due, and what its outcome does. The server opens and records them with
//! these rules; the browser shows the same due clock.
//!
//! **When work is "closed" for this purpose**: when a job becomes
//! `confirmed` (by the resident, or automatically after the confirmation
//! window) or `rated` straight from `resolved`. Each closing is decided
//! once (a job closes again only after it was reopened).
//!
//! **Which closed work gets one** (a community setting, [`FollowUpSettings`]):
//! every critical job, every job that was reopened, every complaint, and
//! one in `sample_every` of the rest (default 5). The sample is
//! deterministic: a counter per community counts the closings that no
//! other rule picked; the closing that brings it to a multiple of
//! `sample_every` is picked (the 5th, 10th, ...). A rating of
//! `low_rating_stars` or fewer (default 2★) opens one too, whenever it is
//! given. A job has at most one follow-up per reason.
//!
//! **Due**: `due_hours` (default 48) after it was opened. Done by then is
//! on time, done later is late, still open after is overdue.
//!
//! **Outcome**: satisfied closes it; not satisfied reopens the job if it
//! closed no more than [`REOPEN_WITHIN_DAYS`] ago, else opens a new
//! request for the same home linked to it.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

pub use super::keys::FollowUpReason;
use super::{i18n::Msg, repair::JobStatus};

/// A community's follow-up rules (`follow_up` in the community settings).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowUpSettings {
    /// Every critical job.
    pub critical: bool,
    /// Every job that was reopened at least once.
    pub reopened: bool,
    /// Every complaint.
    pub complaints: bool,
    /// One in this many of the remaining closed jobs; 0: none.
    pub sample_every: u32,
    /// A rating of this many stars or fewer; 0: none.
    pub low_rating_stars: u8,
    /// Hours from opening to due, 1 to 720.
    pub due_hours: u32,
}

impl Default for FollowUpSettings {
    fn default() -> Self {
        Self { critical: true, reopened: true, complaints: true, sample_every: 5, low_rating_stars: 2, due_hours: 48 }
    }
}

impl FollowUpSettings {
    /// Within bounds: a sample of at most 1 in 1000, a low rating of at
    /// most 4★, due within 1 hour to 30 days.
    pub fn is_valid(&self) -> bool {
        self.sample_every <= 1000 && self.low_rating_stars <= 4 && (1..=720).contains(&self.due_hours)
    }

    /// The reasons a closing picks by itself (not the sample): critical,
    /// reopened, complaint.
    pub fn close_reasons(&self, job: ClosedJob) -> Vec<FollowUpReason> {
        let mut out = Vec::new();
        if self.critical && job.critical {
            out.push(FollowUpReason::Critical);
        }
        if self.reopened && job.reopened {
            out.push(FollowUpReason::Reopened);
        }
        if self.complaints && job.complaint {
            out.push(FollowUpReason::Complaint);
        }
        out
    }

    /// Whether the `n`-th closing (counted from 1) that no other rule
    /// picked is sampled.
    pub fn sampled(&self, n: u64) -> bool {
        self.sample_every > 0 && n > 0 && n.is_multiple_of(u64::from(self.sample_every))
    }

    /// Whether a rating of `stars` opens a follow-up.
    pub fn low_rating(&self, stars: u8) -> bool {
        stars <= self.low_rating_stars
    }

    /// When a follow-up opened at `opened` is due.
    pub fn due_at(&self, opened: DateTime<Utc>) -> DateTime<Utc> {
        opened + Duration::hours(i64::from(self.due_hours))
    }
}

/// What the rules need to know of a job that closed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ClosedJob {
    pub critical: bool,
    pub reopened: bool,
    pub complaint: bool,
}

/// How long after closing a dissatisfied follow-up may still reopen a job;
/// after that it opens a new request.
pub const REOPEN_WITHIN_DAYS: i64 = 30;

/// The status a follow-up's "not satisfied" moves a job to, if it may
/// still be reopened: a job confirmed or rated no more than
/// [`REOPEN_WITHIN_DAYS`] ago (or, not yet closed, resolved) becomes
/// `reopened`; `None`: open a new linked request instead.
pub fn reopen_by_follow_up(
    status: JobStatus,
    closed_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Option<JobStatus> {
    match status {
        JobStatus::Resolved => Some(JobStatus::Reopened),
        JobStatus::Confirmed | JobStatus::Rated
            if closed_at.is_some_and(|at| now - at <= Duration::days(REOPEN_WITHIN_DAYS)) =>
        {
            Some(JobStatus::Reopened)
        }
        _ => None,
    }
}

crate::closed_set! {
    /// What the resident said on a follow-up visit.
    pub enum FollowUpOutcome {
        Satisfied = "satisfied",
        Unsatisfied = "unsatisfied",
    }
}

impl FollowUpOutcome {
    pub const fn label(self) -> Msg {
        match self {
            Self::Satisfied => Msg::FuSatisfied,
            Self::Unsatisfied => Msg::FuUnsatisfied,
        }
    }
}

crate::closed_set! {
    /// A follow-up against its due time.
    pub enum FollowUpTiming {
        /// Open, not yet due.
        Due = "due",
        /// Open past its due time.
        Overdue = "overdue",
        /// Done by its due time.
        OnTime = "on_time",
        /// Done after its due time.
        Late = "late",
    }
}

impl FollowUpTiming {
    /// Where a follow-up due at `due_at` and done at `done_at` stands at `now`.
    pub fn of(due_at: DateTime<Utc>, done_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Self {
        match done_at {
            Some(done) if done <= due_at => Self::OnTime,
            Some(_) => Self::Late,
            None if now > due_at => Self::Overdue,
            None => Self::Due,
        }
    }

    pub const fn label(self) -> Msg {
        match self {
            Self::Due => Msg::FuDue,
            Self::Overdue => Msg::FuOverdue,
            Self::OnTime => Msg::FuOnTime,
            Self::Late => Msg::FuLate,
        }
    }
}

impl FollowUpReason {
    /// Its name in the reader's language.
    pub const fn label(self) -> Msg {
        match self {
            Self::LowRating => Msg::FuReasonLowRating,
            Self::Critical => Msg::FuReasonCritical,
            Self::Reopened => Msg::FuReasonReopened,
            Self::Complaint => Msg::FuReasonComplaint,
            Self::Sampled => Msg::FuReasonSampled,
        }
    }

    /// The short script the butler follows on the call or visit.
    pub const fn script(self) -> Msg {
        match self {
            Self::LowRating => Msg::FuScriptLowRating,
            Self::Critical => Msg::FuScriptCritical,
            Self::Reopened => Msg::FuScriptReopened,
            Self::Complaint => Msg::FuScriptComplaint,
            Self::Sampled => Msg::FuScriptSampled,
        }
    }
}

/// `POST /api/v1/follow-ups/{id}/outcome`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowUpOutcomeInput {
    #[cfg_attr(feature = "openapi", schema(value_type = FollowUpOutcome))]
    pub outcome: String,
    /// What the resident said (required when not satisfied; at most 1000
    /// characters). Goes on the job's timeline when it reopens the job,
    /// and is the new request's description otherwise.
    #[serde(default)]
    pub note: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_pick_critical_reopened_complaints_and_one_in_five() {
        let s = FollowUpSettings::default();
        assert!(s.is_valid());
        let all = ClosedJob { critical: true, reopened: true, complaint: true };
        assert_eq!(
            s.close_reasons(all),
            vec![FollowUpReason::Critical, FollowUpReason::Reopened, FollowUpReason::Complaint]
        );
        assert!(s.close_reasons(ClosedJob::default()).is_empty());
        let picked: Vec<u64> = (1..=12).filter(|n| s.sampled(*n)).collect();
        assert_eq!(picked, vec![5, 10]);
        assert!(!FollowUpSettings { sample_every: 0, ..s }.sampled(5));
        assert!(s.low_rating(2) && !s.low_rating(3));
    }

    #[test]
    fn timing_and_reopening() {
        let t = DateTime::<Utc>::UNIX_EPOCH;
        let due = FollowUpSettings::default().due_at(t);
        assert_eq!(due - t, Duration::hours(48));
        assert_eq!(FollowUpTiming::of(due, None, t), FollowUpTiming::Due);
        assert_eq!(FollowUpTiming::of(due, None, due + Duration::seconds(1)), FollowUpTiming::Overdue);
        assert_eq!(FollowUpTiming::of(due, Some(due), due), FollowUpTiming::OnTime);
        assert_eq!(FollowUpTiming::of(due, Some(due + Duration::seconds(1)), due), FollowUpTiming::Late);
        let now = t + Duration::days(40);
        assert_eq!(
            reopen_by_follow_up(JobStatus::Rated, Some(now - Duration::days(1)), now),
            Some(JobStatus::Reopened)
        );
        assert_eq!(reopen_by_follow_up(JobStatus::Confirmed, Some(t), now), None);
        assert_eq!(reopen_by_follow_up(JobStatus::Cancelled, Some(now), now), None);
    }
}
