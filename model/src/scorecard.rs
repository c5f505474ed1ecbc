//! Butler scorecards: every metric is computed from stored timelines and
//! ratings for any period, never from hand-kept counters, so a figure can
//! be recomputed and checked line by line in a dispute.
//!
//! Definitions (a job "belongs" to the butler who owns it: the butler of
//! its building; moving a building moves its *open* jobs, so closed work
//! stays with whoever handled it):
//! - **jobs**: jobs reported in the period (`created_at` in `[from, to)`),
//!   cancelled ones excluded from every rate below;
//! - **respond time**: first acknowledgement or assignment minus report
//!   time; the median and 90th percentile are taken over jobs responded to;
//! - **responded within SLA**: jobs whose first response came no later
//!   than report time + the respond target in force when reported,
//!   divided by all jobs;
//! - **resolved within SLA**: jobs resolved (last resolution) no later than
//!   report time + resolve target + time on hold, divided by all jobs;
//!   both deadlines are counted as the job's clock counts (inside the
//!   business hours frozen on a normal job, `sla::BusinessHours`);
//! - **holds**: holds put on the butler's jobs (any kind) in the period;
//!   **by reason**, the holds begun and the time held by holds that ended
//!   in the period (the job's current owner);
//! - **urges received**: urges (催一下) made in the period on their jobs;
//! - **first-time fix**: resolved jobs never reopened, divided by resolved
//!   jobs; **reopen rate** is its complement over the same jobs;
//! - **rating**: the stars of ratings given in the period for the
//!   butler's work (a rating counts for the butler who owned the job when
//!   it was rated);
//! - **help calls acknowledged within 60 s**: calls pressed in the
//!   butler's buildings in the period, acknowledged (by anyone) within 60
//!   seconds, divided by all such calls;
//! - **check-in coverage**: elder-days with an "I'm OK" in the period,
//!   divided by elder-days (elders of the butler's buildings × days);
//! - **follow-ups opened**: follow-ups (回访, every reason) opened in the
//!   period; of those, **on time** (done by their due time), **late**
//!   (done after it) and **overdue** (still open past it now);
//! - **jobs by channel**: the period's jobs by how they came in (app,
//!   phone, walk-in, patrol);
//! - **visits on time / late**: regular visits to elders of the butler's
//!   buildings made in the period (`visited_at` in `[from, to)`), on time
//!   when made on or before the Shanghai day they were due (judged when
//!   recorded, `help::visit_on_time`); **overdue now**: elders of the
//!   butler's buildings whose next visit is overdue at the time of asking
//!   (`help::VisitStatus`), whatever the period.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::time::local_date;

/// What one job contributes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JobFacts {
    pub created_at: DateTime<Utc>,
    pub respond_secs: i64,
    pub resolve_secs: i64,
    pub responded_at: Option<DateTime<Utc>>,
    /// Last resolution (cleared by a reopen until resolved again).
    pub resolved_at: Option<DateTime<Utc>>,
    pub held_secs: i64,
    pub reopen_count: u32,
    pub cancelled: bool,
    /// The business hours the job's clocks counted in (frozen at report);
    /// `None`: around the clock.
    pub business_hours: Option<crate::sla::BusinessHours>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HelpFacts {
    pub created_at: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
}

/// The figures of one butler for one period.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Scorecard {
    pub butler_id: String,
    pub butler_name: String,
    pub jobs: u32,
    pub rating_count: u32,
    pub rating_avg: Option<f64>,
    pub respond_median_secs: Option<i64>,
    pub respond_p90_secs: Option<i64>,
    pub responded_in_sla_pct: Option<f64>,
    pub resolved_in_sla_pct: Option<f64>,
    pub first_time_fix_pct: Option<f64>,
    pub reopen_rate_pct: Option<f64>,
    pub help_calls: u32,
    pub help_acked_60s_pct: Option<f64>,
    pub check_in_coverage_pct: Option<f64>,
    pub follow_ups_opened: u32,
    /// Complaints (投诉, suggestions not counted) filed in the period with
    /// the butler, cancelled ones excluded; the repair figures above count
    /// repairs only.
    #[serde(default)]
    pub complaints: u32,
    /// Of those, heard out (`listen`) within the complaint respond target.
    #[serde(default)]
    pub complaints_responded_in_sla_pct: Option<f64>,
    /// Of those, closed with the outcome (`notify`) within the resolve target.
    #[serde(default)]
    pub complaints_resolved_in_sla_pct: Option<f64>,
    /// Ratings given in the period for the butler's handling of complaints
    /// and suggestions.
    #[serde(default)]
    pub complaint_rating_count: u32,
    #[serde(default)]
    pub complaint_rating_avg: Option<f64>,
    /// Follow-ups opened in the period and done by their due time.
    #[serde(default)]
    pub follow_ups_on_time: u32,
    /// ... done after their due time.
    #[serde(default)]
    pub follow_ups_late: u32,
    /// ... still open past their due time now.
    #[serde(default)]
    pub follow_ups_overdue: u32,
    /// The period's repairs counted in `jobs` (not cancelled) by how they
    /// came in: the channels add up to `jobs`.
    #[serde(default)]
    pub jobs_by_channel: crate::staff_entry::ChannelCounts,
    /// The period's complaints counted in `complaints` by how they came
    /// in: the channels add up to `complaints`.
    #[serde(default)]
    pub complaints_by_channel: crate::staff_entry::ChannelCounts,
    /// Regular visits made in the period to elders of the butler's
    /// buildings on or before the day they were due (by anyone).
    #[serde(default)]
    pub visits_on_time: u32,
    /// Visits made in the period after the day they were due.
    #[serde(default)]
    pub visits_late: u32,
    /// Elders of the butler's buildings whose visit is overdue now.
    #[serde(default)]
    pub visits_overdue_now: u32,
    /// Holds put on the butler's jobs in the period (any kind of job).
    #[serde(default)]
    pub holds: u32,
    /// Holds by reason: how many began in the period, and the time held
    /// by holds that ended in the period (wall-clock seconds).
    #[serde(default)]
    pub holds_by_reason: Vec<HeldTime>,
    /// Urges (催一下) residents made in the period on the butler's jobs.
    #[serde(default)]
    pub urges_received: u32,
}

/// Holds of one reason in a scorecard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HeldTime {
    pub reason: crate::repair::HoldReason,
    /// Holds begun in the period.
    pub holds: u32,
    /// Seconds held by the holds that ended in the period.
    pub held_secs: i64,
}

/// A timeline step that matters to the hold figures: a hold begun, or a
/// step that ended one (`held_secs` set).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HoldStep {
    pub reason: crate::repair::HoldReason,
    /// A `hold` action (a hold begun).
    pub began: bool,
    /// On a step that ended a hold: how long it lasted.
    pub held_secs: Option<i64>,
}

/// The hold and urge part of a scorecard: holds by reason (every reason
/// listed, zeros included) and urges received.
pub fn hold_metrics(card: &mut Scorecard, steps: &[HoldStep], urges: usize) {
    card.holds = count(steps.iter().filter(|s| s.began).count());
    card.holds_by_reason = crate::repair::HoldReason::ALL
        .into_iter()
        .map(|reason| {
            let mine = steps.iter().filter(|s| s.reason == reason);
            HeldTime {
                reason,
                holds: count(mine.clone().filter(|s| s.began).count()),
                held_secs: mine.filter_map(|s| s.held_secs).map(|h| h.max(0)).sum(),
            }
        })
        .collect();
    card.urges_received = count(urges);
}

/// One day of a butler's trend chart.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayPoint {
    pub day: NaiveDate,
    pub jobs: u32,
    pub resolved_in_sla_pct: Option<f64>,
    pub rating_avg: Option<f64>,
}

/// The longest report period (scorecards, complaint stats), in days: a
/// longer `?from=&to=` is refused with [`Msg::ErrPeriodTooLong`].
///
/// [`Msg::ErrPeriodTooLong`]: crate::Msg::ErrPeriodTooLong
pub const MAX_PERIOD_DAYS: i64 = 400;

/// The first instant a report may cover: 2000-01-01T00:00:00Z.
const REPORTS_FROM_UNIX: i64 = 946_684_800;

/// Where a scorecard period starts: at the start of the Asia/Shanghai day
/// of `from`. Scorecards count whole local days, as they are kept and
/// charted: "the last 30 days" asked at 15:00 counts from midnight 30
/// days ago (31 calendar days, today's so far included), never from
/// 15:00 of that day, so no request has to read a part of a day from the
/// rows (issue 19: that read was a third of a scorecard's time on a
/// company's three years of data).
pub fn whole_days_from(from: DateTime<Utc>) -> DateTime<Utc> {
    crate::time::start_of_local_day(crate::time::local_date(from))
}

/// A report period `[from, to)` from `?from=&to=`: by default the 30 days
/// up to `now`. Refused (422) when the end is not after the start (on
/// `from`, [`Msg::ErrWindowOrder`]) or when it is longer than
/// [`MAX_PERIOD_DAYS`] (on `to`, [`Msg::ErrPeriodTooLong`] with `days`),
/// or when a date lies before 2000 or more than two years ahead (on its
/// field, [`Msg::ErrBadRequest`]).
///
/// [`Msg::ErrWindowOrder`]: crate::Msg::ErrWindowOrder
/// [`Msg::ErrPeriodTooLong`]: crate::Msg::ErrPeriodTooLong
pub fn period(
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(DateTime<Utc>, DateTime<Utc>), crate::AppError> {
    let from = match (from, to) {
        (Some(from), _) => from,
        // The earliest instants there are have no 30 days before them.
        (None, to) => to
            .unwrap_or(now)
            .checked_sub_signed(Duration::days(30))
            .ok_or_else(|| crate::AppError::invalid("to", crate::Msg::ErrBadRequest))?,
    };
    let to = to.unwrap_or(now);
    if from >= to {
        return Err(crate::AppError::invalid("from", crate::Msg::ErrWindowOrder));
    }
    // Two instants chrono holds are never too far apart to subtract.
    if to - from > Duration::days(MAX_PERIOD_DAYS) {
        return Err(
            crate::AppError::invalid("to", crate::Msg::ErrPeriodTooLong).with_arg("days", MAX_PERIOD_DAYS.to_string())
        );
    }
    // Reports cover what was stored: nothing before 2000, nothing past the
    // dates clients may plan for.
    let earliest = DateTime::<Utc>::from_timestamp(REPORTS_FROM_UNIX, 0).unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
    let latest = now.checked_add_signed(Duration::days(crate::time::CLIENT_DATE_FUTURE_DAYS)).unwrap_or(now);
    if from < earliest {
        return Err(crate::AppError::invalid("from", crate::Msg::ErrBadRequest));
    }
    if to > latest {
        return Err(crate::AppError::invalid("to", crate::Msg::ErrBadRequest));
    }
    Ok((from, to))
}

/// `GET /api/v1/scorecards`: one row per butler for a period. The period
/// is `?from=&to=` (RFC 3339): by default the 30 days up to now, at most
/// 400 days.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PeriodPage<T> {
    /// Start of the period (inclusive, UTC).
    pub from: DateTime<Utc>,
    /// End of the period (exclusive, UTC).
    pub to: DateTime<Utc>,
    /// The rows.
    pub items: Vec<T>,
}

/// `GET /api/v1/butlers/{id}/scorecard`: one butler's figures for a period
/// (`?from=&to=`, as for `/scorecards`) with their daily series.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OneScorecard {
    /// Start of the period (inclusive, UTC).
    pub from: DateTime<Utc>,
    /// End of the period (exclusive, UTC).
    pub to: DateTime<Utc>,
    /// The butler's figures.
    pub scorecard: Scorecard,
    /// Day by day (local days), for the trend chart.
    pub daily: Vec<DayPoint>,
}

fn pct(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

/// A count as the scorecard holds it (saturating; no butler has four
/// billion jobs).
fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The `q`-quantile (0..=1) by the nearest-rank method, on sorted input.
pub fn quantile(sorted: &[i64], q: f64) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "q·n is between 0 and n, a count that fits a usize; clamped again below"
    )]
    let rank = ((q.clamp(0.0, 1.0) * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted.get(rank - 1).copied()
}

impl JobFacts {
    /// The job's clock (`sla::SlaFacts`), so deadlines here are the ones
    /// the job showed: business hours and holds included.
    fn clock(&self) -> crate::sla::SlaFacts {
        crate::sla::SlaFacts {
            created_at: self.created_at,
            target: crate::sla::SlaTarget { respond_secs: self.respond_secs, resolve_secs: self.resolve_secs },
            responded_at: self.responded_at,
            resolved_at: self.resolved_at,
            held_secs: self.held_secs,
            held_since: None,
            cancelled: self.cancelled,
            window: self.business_hours,
        }
    }

    fn responded_in_sla(&self) -> bool {
        let clock = self.clock();
        self.responded_at.is_some_and(|r| r <= clock.after_working(self.created_at, self.respond_secs))
    }

    fn resolved_in_sla(&self) -> bool {
        let clock = self.clock();
        self.resolved_at
            .is_some_and(|r| r <= clock.after_working(self.created_at, self.resolve_secs + self.held_secs.max(0)))
    }
}

/// What a set of jobs adds up to for [`job_metrics`], kept so that the
/// tallies of parts of a period (days) add up to the tally of the whole
/// (issue 19: scorecards kept per day). Cancelled jobs are left out.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobTally {
    /// Jobs counted (not cancelled).
    pub jobs: u32,
    /// Seconds from report to first response, of those responded to
    /// (unsorted).
    pub respond_secs: Vec<i64>,
    pub responded_in_sla: u32,
    pub resolved_in_sla: u32,
    /// Jobs resolved, and of those never reopened.
    pub resolved: u32,
    pub first_time: u32,
}

impl JobTally {
    /// Adds one job (a cancelled one adds nothing).
    pub fn add(&mut self, j: &JobFacts) {
        if j.cancelled {
            return;
        }
        self.jobs = self.jobs.saturating_add(1);
        if let Some(r) = j.responded_at {
            self.respond_secs.push((r - j.created_at).num_seconds().max(0));
        }
        self.responded_in_sla += u32::from(j.responded_in_sla());
        self.resolved_in_sla += u32::from(j.resolved_in_sla());
        if j.resolved_at.is_some() {
            self.resolved += 1;
            self.first_time += u32::from(j.reopen_count == 0);
        }
    }

    /// Adds another tally (another part of the period).
    pub fn merge(&mut self, other: &Self) {
        self.jobs = self.jobs.saturating_add(other.jobs);
        self.respond_secs.extend_from_slice(&other.respond_secs);
        self.responded_in_sla += other.responded_in_sla;
        self.resolved_in_sla += other.resolved_in_sla;
        self.resolved += other.resolved;
        self.first_time += other.first_time;
    }
}

/// The job-based part of a scorecard.
pub fn job_metrics(card: &mut Scorecard, jobs: &[JobFacts]) {
    let mut tally = JobTally::default();
    jobs.iter().for_each(|j| tally.add(j));
    job_tally_metrics(card, &tally);
}

/// [`job_metrics`] from a tally.
pub fn job_tally_metrics(card: &mut Scorecard, tally: &JobTally) {
    let n = tally.jobs as usize;
    card.jobs = tally.jobs;
    let mut respond = tally.respond_secs.clone();
    respond.sort_unstable();
    card.respond_median_secs = quantile(&respond, 0.5);
    card.respond_p90_secs = quantile(&respond, 0.9);
    card.responded_in_sla_pct = pct(tally.responded_in_sla as usize, n);
    card.resolved_in_sla_pct = pct(tally.resolved_in_sla as usize, n);
    let resolved = tally.resolved as usize;
    let first_time = tally.first_time as usize;
    card.first_time_fix_pct = pct(first_time, resolved);
    card.reopen_rate_pct = pct(resolved.saturating_sub(first_time), resolved);
}

/// The complaint part of a scorecard: the same clock rules as repairs
/// ([`job_metrics`]) over the butler's complaints, and the stars given for
/// their handling.
pub fn complaint_metrics(card: &mut Scorecard, complaints: &[JobFacts], stars: &[u8]) {
    let mut tally = JobTally::default();
    complaints.iter().for_each(|j| tally.add(j));
    let sum = stars.iter().map(|s| u64::from(*s)).sum();
    complaint_tally_metrics(card, &tally, count(stars.len()), sum);
}

/// [`complaint_metrics`] from a tally and the count and sum of the stars.
pub fn complaint_tally_metrics(card: &mut Scorecard, complaints: &JobTally, stars: u32, star_sum: u64) {
    let mut part = Scorecard::default();
    job_tally_metrics(&mut part, complaints);
    rating_sum_metrics(&mut part, stars, star_sum);
    card.complaints = part.jobs;
    card.complaints_responded_in_sla_pct = part.responded_in_sla_pct;
    card.complaints_resolved_in_sla_pct = part.resolved_in_sla_pct;
    card.complaint_rating_count = part.rating_count;
    card.complaint_rating_avg = part.rating_avg;
}

pub fn rating_metrics(card: &mut Scorecard, stars: &[u8]) {
    rating_sum_metrics(card, count(stars.len()), stars.iter().map(|s| u64::from(*s)).sum());
}

/// [`rating_metrics`] from the count and the sum of the stars.
pub fn rating_sum_metrics(card: &mut Scorecard, n: u32, sum: u64) {
    card.rating_count = n;
    #[allow(clippy::cast_precision_loss, reason = "a sum of stars is far below 2^52")]
    let sum = sum as f64;
    card.rating_avg = (n > 0).then(|| (sum / f64::from(n) * 100.0).round() / 100.0);
}

pub fn help_metrics(card: &mut Scorecard, calls: &[HelpFacts]) {
    let quick = calls.iter().filter(|c| c.acked_within_60s()).count();
    help_count_metrics(card, count(calls.len()), count(quick));
}

/// [`help_metrics`] from the count of calls and of those acknowledged
/// within 60 seconds.
pub fn help_count_metrics(card: &mut Scorecard, calls: u32, quick: u32) {
    card.help_calls = calls;
    card.help_acked_60s_pct = pct(quick as usize, calls as usize);
}

impl HelpFacts {
    /// Acknowledged (by anyone) within 60 seconds of the press.
    pub fn acked_within_60s(&self) -> bool {
        self.acknowledged_at.is_some_and(|a| a - self.created_at <= Duration::seconds(60))
    }
}

/// `elder_days`: elders × days in the period; `checked_in`: those days
/// with an "I'm OK".
pub fn check_in_metrics(card: &mut Scorecard, elder_days: usize, checked_in: usize) {
    card.check_in_coverage_pct = pct(checked_in.min(elder_days), elder_days);
}

/// The regular-visit part of a scorecard: whether each visit of the
/// period was on time, and how many elders are overdue now.
pub fn visit_metrics(card: &mut Scorecard, on_time: &[bool], overdue_now: usize) {
    card.visits_on_time = count(on_time.iter().filter(|t| **t).count());
    card.visits_late = count(on_time.iter().filter(|t| !**t).count());
    card.visits_overdue_now = count(overdue_now);
}

/// The follow-up part of a scorecard: of the period's follow-ups, those
/// done on time, done late, and open past their due time now.
pub fn follow_up_metrics(card: &mut Scorecard, timings: &[crate::follow_up::FollowUpTiming]) {
    use crate::follow_up::FollowUpTiming as T;
    let n = |t: T| count(timings.iter().filter(|x| **x == t).count());
    card.follow_ups_on_time = n(T::OnTime);
    card.follow_ups_late = n(T::Late);
    card.follow_ups_overdue = n(T::Overdue);
}

/// Day-by-day figures for the trend chart (Shanghai days).
pub fn daily(jobs: &[JobFacts], ratings: &[(DateTime<Utc>, u8)], from: NaiveDate, to: NaiveDate) -> Vec<DayPoint> {
    let mut out = Vec::new();
    let mut day = from;
    while day < to {
        let today: Vec<JobFacts> = jobs.iter().filter(|j| local_date(j.created_at) == day).copied().collect();
        let mut card = Scorecard::default();
        job_metrics(&mut card, &today);
        let stars: Vec<u8> = ratings.iter().filter(|(at, _)| local_date(*at) == day).map(|(_, s)| *s).collect();
        rating_metrics(&mut card, &stars);
        out.push(DayPoint {
            day,
            jobs: card.jobs,
            resolved_in_sla_pct: card.resolved_in_sla_pct,
            rating_avg: card.rating_avg,
        });
        day = day.succ_opt().unwrap_or(to);
    }
    out
}

/// A resident's view of their building's butler.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ButlerCard {
    pub id: String,
    pub name: String,
    /// Whole: residents call their own butler.
    pub phone: String,
    pub rating_avg: Option<f64>,
    pub rating_count: u32,
    pub jobs_done_this_month: u32,
    pub buildings: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(min: i64) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-20T02:00:00Z").map(|d| d.with_timezone(&Utc)).unwrap_or_default()
            + Duration::minutes(min)
    }

    #[test]
    fn a_period_too_long_is_refused_for_its_length_not_its_order() {
        let (a, b) = (t(0), t(0) + Duration::days(3653));
        let e = period(Some(a), Some(b), b).err().unwrap();
        assert_eq!((e.msg, e.detail.as_deref()), (crate::Msg::ErrPeriodTooLong, Some("to")));
        assert_eq!(e.message(crate::Lang::En), "A report period can be at most 400 days long.");
        assert_eq!(e.message(crate::Lang::Zh), "统计时段最长 400 天");
        let e = period(Some(b), Some(a), b).err().unwrap();
        assert_eq!(e.msg, crate::Msg::ErrWindowOrder);
        let full = period(Some(a), Some(a + Duration::days(MAX_PERIOD_DAYS)), b).unwrap();
        assert_eq!(full, (a, a + Duration::days(400)), "exactly the longest span is allowed");
        assert_eq!(period(None, None, b).unwrap(), (b - Duration::days(30), b));
        // The first and last instants chrono holds: 422 on the field, not an
        // overflow.
        let (first, last) = (DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC);
        assert_eq!(period(None, Some(first), b).unwrap_err().detail.as_deref(), Some("to"));
        assert_eq!(
            period(Some(first), Some(first + Duration::days(4)), b).unwrap_err().detail.as_deref(),
            Some("from")
        );
        assert_eq!(period(Some(b), Some(last), b).unwrap_err().detail.as_deref(), Some("to"));
        assert_eq!(period(Some(last), None, b).unwrap_err().detail.as_deref(), Some("from"));
    }

    /// A normal job (2 h / 24 h), reported at minute 0.
    fn job(responded: Option<i64>, resolved: Option<i64>, reopens: u32) -> JobFacts {
        JobFacts {
            created_at: t(0),
            respond_secs: 7200,
            resolve_secs: 86400,
            responded_at: responded.map(t),
            resolved_at: resolved.map(t),
            held_secs: 0,
            reopen_count: reopens,
            cancelled: false,
            business_hours: None,
        }
    }

    #[test]
    fn no_jobs_gives_no_rates_rather_than_zero() {
        let mut c = Scorecard::default();
        job_metrics(&mut c, &[]);
        assert_eq!(c.jobs, 0);
        assert_eq!((c.respond_median_secs, c.responded_in_sla_pct, c.first_time_fix_pct), (None, None, None));
        rating_metrics(&mut c, &[]);
        assert_eq!(c.rating_avg, None);
    }

    #[test]
    fn response_times_and_sla_rates() {
        let jobs = [
            job(Some(10), Some(60), 0),  // in time
            job(Some(30), Some(200), 0), // in time
            job(Some(150), None, 0),     // late response, unresolved
            job(None, None, 0),          // not responded
        ];
        let mut c = Scorecard::default();
        job_metrics(&mut c, &jobs);
        assert_eq!(c.jobs, 4);
        assert_eq!(c.respond_median_secs, Some(30 * 60), "median of 10, 30, 150 minutes");
        assert_eq!(c.respond_p90_secs, Some(150 * 60));
        assert_eq!(c.responded_in_sla_pct, Some(50.0));
        assert_eq!(c.resolved_in_sla_pct, Some(50.0));
        assert_eq!(c.first_time_fix_pct, Some(100.0));
    }

    #[test]
    fn reopened_twice_counts_against_first_time_fix_once() {
        let jobs = [
            job(Some(5), Some(100), 2),
            job(Some(5), Some(100), 0),
            job(Some(5), Some(100), 0),
            job(Some(5), Some(100), 0),
        ];
        let mut c = Scorecard::default();
        job_metrics(&mut c, &jobs);
        assert_eq!(c.first_time_fix_pct, Some(75.0));
        assert_eq!(c.reopen_rate_pct, Some(25.0));
    }

    #[test]
    fn cancelled_jobs_are_left_out() {
        let mut cancelled = job(None, None, 0);
        cancelled.cancelled = true;
        let mut c = Scorecard::default();
        job_metrics(&mut c, &[cancelled, job(Some(1), Some(2), 0)]);
        assert_eq!((c.jobs, c.responded_in_sla_pct), (1, Some(100.0)));
    }

    #[test]
    fn time_on_hold_extends_the_resolve_deadline() {
        let mut held = job(Some(5), Some(24 * 60 + 30), 0); // resolved 30 min after the plain deadline
        assert!(!held.resolved_in_sla());
        held.held_secs = 3600;
        assert!(held.resolved_in_sla(), "an hour on hold moves the deadline by an hour");
    }

    #[test]
    fn ratings_help_calls_and_check_ins() {
        let mut c = Scorecard::default();
        rating_metrics(&mut c, &[5, 4, 2]);
        assert_eq!((c.rating_count, c.rating_avg), (3, Some(3.67)));
        help_metrics(
            &mut c,
            &[
                HelpFacts { created_at: t(0), acknowledged_at: Some(t(0) + Duration::seconds(60)) },
                HelpFacts { created_at: t(0), acknowledged_at: Some(t(0) + Duration::seconds(61)) },
                HelpFacts { created_at: t(0), acknowledged_at: None },
            ],
        );
        assert_eq!((c.help_calls, c.help_acked_60s_pct), (3, Some(33.3)));
        check_in_metrics(&mut c, 14, 12);
        assert_eq!(c.check_in_coverage_pct, Some(85.7));
    }

    #[test]
    fn visits_split_into_on_time_and_late() {
        let mut c = Scorecard::default();
        visit_metrics(&mut c, &[true, false, true], 2);
        assert_eq!((c.visits_on_time, c.visits_late, c.visits_overdue_now), (2, 1, 2));
        visit_metrics(&mut c, &[], 0);
        assert_eq!((c.visits_on_time, c.visits_late, c.visits_overdue_now), (0, 0, 0));
    }

    #[test]
    fn a_normal_job_reported_at_night_is_judged_in_business_hours() {
        // t(0) is 10:00 Shanghai; report at 19:30 (t(570)), answered 09:00 next day.
        let hours = crate::sla::BusinessHours { start: 8 * 60, end: 20 * 60 };
        let night = |window| JobFacts {
            created_at: t(570),
            responded_at: Some(t(570 + 810)),
            business_hours: window,
            ..job(None, None, 0)
        };
        let mut card = Scorecard::default();
        job_metrics(&mut card, &[night(Some(hours))]);
        assert_eq!(card.responded_in_sla_pct, Some(100.0), "due 09:30: in time");
        job_metrics(&mut card, &[night(None)]);
        assert_eq!(card.responded_in_sla_pct, Some(0.0), "around the clock it was late");
    }

    #[test]
    fn holds_add_up_by_reason() {
        use crate::repair::HoldReason as R;
        let step = |reason, began, held_secs| HoldStep { reason, began, held_secs };
        let mut c = Scorecard::default();
        let steps = [
            step(R::WaitingParts, true, None),
            step(R::WaitingParts, false, Some(3600)),
            step(R::WaitingParts, true, None),
            step(R::Other, false, Some(60)),
        ];
        hold_metrics(&mut c, &steps, 3);
        assert_eq!((c.holds, c.urges_received), (2, 3));
        assert_eq!(c.holds_by_reason.len(), R::ALL.len());
        assert_eq!(c.holds_by_reason[0], HeldTime { reason: R::WaitingParts, holds: 2, held_secs: 3600 });
        assert_eq!(c.holds_by_reason[3], HeldTime { reason: R::Other, holds: 0, held_secs: 60 });
    }

    #[test]
    fn quantiles_by_nearest_rank() {
        assert_eq!(quantile(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9), Some(9));
        assert_eq!(quantile(&[7], 0.5), Some(7));
        assert_eq!(quantile(&[], 0.5), None);
    }

    #[test]
    fn daily_series_covers_every_day() {
        let d0 = local_date(t(0));
        let days = daily(&[job(Some(1), Some(2), 0)], &[(t(0), 4)], d0, d0 + Duration::days(3));
        assert_eq!(days.len(), 3);
        assert_eq!((days[0].jobs, days[0].rating_avg), (1, Some(4.0)));
        assert_eq!((days[1].jobs, days[1].rating_avg), (0, None));
    }
}
