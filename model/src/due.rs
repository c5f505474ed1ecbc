//! When a job next needs the background sweep (issue 19): the earliest of
//! its next SLA alert, the end of its planned hold and its confirmation by
//! silence. Stored on the job as `next_due` and indexed, so the sweep reads
//! only the jobs whose moment has come, however many are stored.
//!
//! The rule mirrors what the sweep does at an instant `t` ([`due_at`]):
//! - an SLA alert (`respond_warn`, `respond_breach`, `resolve_warn`,
//!   `resolve_breach`) whose state [`SlaFacts::compute`] reaches at `t`
//!   and that has not been raised yet (nor, for a warning, that clock's
//!   breach);
//! - a hold whose `resume_at` has come;
//! - a resolved job [`AUTO_CONFIRM_HOURS`] after it was resolved.
//!
//! [`next_due`] answers the first instant at which [`due_at`] holds, from
//! the stored state alone (no clock reading), so it can be written in the
//! same transaction as every change of that state. A warning that can no
//! longer be raised because the breach has been (the sweep came late) is
//! not waited for.

use chrono::{DateTime, Duration, Utc};

use super::{
    job::ClockFacts,
    repair::{AUTO_CONFIRM_HOURS, JobStatus},
    sla::{BusinessHours, ClockState, SlaFacts},
};

/// The alert names stored in a job's `alerts`.
pub const RESPOND_WARN: &str = "respond_warn";
pub const RESPOND_BREACH: &str = "respond_breach";
pub const RESOLVE_WARN: &str = "resolve_warn";
pub const RESOLVE_BREACH: &str = "resolve_breach";

/// The stored facts of a job that decide when it is next due.
#[derive(Clone, Copy, Debug)]
pub struct DueFacts<'a> {
    pub status: JobStatus,
    pub clock: ClockFacts,
    /// Alerts already raised (stored `alerts`).
    pub alerts: &'a [String],
    /// The current hold's planned resumption.
    pub resume_at: Option<DateTime<Utc>>,
}

/// Counted seconds after which a clock of `total` seconds is in warning
/// (the smallest whole `used` with `used * 100 >= total * 80`, as
/// [`SlaFacts::compute`] decides).
fn warn_secs(total: i64) -> i64 {
    (total.max(1) * 80 + 99) / 100
}

impl DueFacts<'_> {
    fn raised(&self, alert: &str) -> bool {
        self.alerts.iter().any(|a| a == alert)
    }

    /// The SLA alerts the sweep raises at `t`: those whose state the clock
    /// reaches at `t` and not raised yet, in order.
    pub fn alerts_due(&self, t: DateTime<Utc>) -> Vec<&'static str> {
        let sla = self.clock.facts().compute(t);
        let mut due = Vec::new();
        for (state, warn, breach) in
            [(sla.respond, RESPOND_WARN, RESPOND_BREACH), (sla.resolve, RESOLVE_WARN, RESOLVE_BREACH)]
        {
            let alert = match state {
                ClockState::Warning => warn,
                ClockState::Breached => breach,
                _ => continue,
            };
            // A warning after that clock's breach says nothing new (a hold
            // can move the deadline back out of breach).
            if !self.raised(alert) && !self.raised(breach) {
                due.push(alert);
            }
        }
        due
    }

    /// When a resolved job is confirmed by silence.
    pub fn auto_confirm_at(&self) -> Option<DateTime<Utc>> {
        if self.status != JobStatus::Resolved {
            return None;
        }
        self.clock.resolved_at.map(|at| at + Duration::hours(AUTO_CONFIRM_HOURS))
    }

    /// When a held job resumes by itself.
    pub fn resume_due(&self) -> Option<DateTime<Utc>> {
        self.resume_at.filter(|_| self.status == JobStatus::OnHold)
    }

    /// The next SLA alert's instant (see the module's rule).
    fn next_alert(&self) -> Option<DateTime<Utc>> {
        if self.status.is_closed() || self.clock.cancelled {
            return None;
        }
        let f: SlaFacts = self.clock.facts();
        let mut at: Vec<DateTime<Utc>> = Vec::new();
        if f.responded_at.is_none() && !self.raised(RESPOND_BREACH) {
            if !self.raised(RESPOND_WARN) {
                at.push(f.after_working(f.created_at, warn_secs(f.target.respond_secs)));
            }
            at.push(f.after_working(f.created_at, f.target.respond_secs));
        }
        if f.resolved_at.is_none() && !self.raised(RESOLVE_BREACH) {
            let breach = f.after_working(f.created_at, f.target.resolve_secs + f.held_secs.max(0));
            match f.held_since {
                // On hold the resolve clock is paused: breached only if the
                // hold began after its deadline (nothing else until resumed).
                Some(since) => {
                    if breach <= since {
                        at.push(breach);
                    }
                }
                None => {
                    if !self.raised(RESOLVE_WARN) {
                        at.push(f.after_working(f.created_at, warn_secs(f.target.resolve_secs) + f.held_secs.max(0)));
                    }
                    at.push(breach);
                }
            }
        }
        at.into_iter().min()
    }
}

/// The first instant at which the sweep has something to do for this job
/// (`None`: nothing pending, e.g. closed, or only a human can move it).
pub fn next_due(f: &DueFacts<'_>) -> Option<DateTime<Utc>> {
    [f.next_alert(), f.resume_due(), f.auto_confirm_at()].into_iter().flatten().min()
}

/// When a job just reported (`submitted`, nothing raised) is first due:
/// its respond warning.
pub fn first_due(
    created_at: DateTime<Utc>,
    respond_secs: i64,
    resolve_secs: i64,
    business_hours: Option<BusinessHours>,
) -> Option<DateTime<Utc>> {
    let clock = ClockFacts {
        created_at,
        respond_secs,
        resolve_secs,
        responded_at: None,
        resolved_at: None,
        held_secs: 0,
        held_since: None,
        cancelled: false,
        business_hours,
    };
    next_due(&DueFacts { status: JobStatus::Submitted, clock, alerts: &[], resume_at: None })
}

/// Whether the sweep has something to do for this job at `t`.
pub fn due_at(f: &DueFacts<'_>, t: DateTime<Utc>) -> bool {
    f.resume_due().is_some_and(|at| at <= t)
        || f.auto_confirm_at().is_some_and(|at| at <= t)
        || (!f.status.is_closed() && !f.alerts_due(t).is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-27T02:00:00Z").map(|d| d.with_timezone(&Utc)).unwrap_or_default()
    }

    fn clock(respond: i64, resolve: i64) -> ClockFacts {
        ClockFacts {
            created_at: t0(),
            respond_secs: respond,
            resolve_secs: resolve,
            responded_at: None,
            resolved_at: None,
            held_secs: 0,
            held_since: None,
            cancelled: false,
            business_hours: None,
        }
    }

    fn secs(s: i64) -> Duration {
        Duration::seconds(s)
    }

    #[test]
    fn a_new_job_is_due_at_its_respond_warning() {
        let f = DueFacts { status: JobStatus::Submitted, clock: clock(300, 1800), alerts: &[], resume_at: None };
        assert_eq!(next_due(&f), Some(t0() + secs(240)));
        let raised = vec![RESPOND_WARN.to_string()];
        let f = DueFacts { alerts: &raised, ..f };
        assert_eq!(next_due(&f), Some(t0() + secs(300)), "then at the breach");
        let raised = vec![RESPOND_WARN.to_string(), RESPOND_BREACH.to_string()];
        let f = DueFacts { alerts: &raised, ..f };
        assert_eq!(next_due(&f), Some(t0() + secs(1440)), "then at the resolve warning");
    }

    #[test]
    fn closed_jobs_are_never_due_and_resolved_ones_at_confirmation() {
        let mut c = clock(300, 1800);
        c.responded_at = Some(t0() + secs(10));
        c.resolved_at = Some(t0() + secs(100));
        for status in [JobStatus::Confirmed, JobStatus::Rated] {
            assert_eq!(next_due(&DueFacts { status, clock: c, alerts: &[], resume_at: None }), None);
        }
        let mut cancelled = clock(300, 1800);
        cancelled.cancelled = true;
        let f = DueFacts { status: JobStatus::Cancelled, clock: cancelled, alerts: &[], resume_at: None };
        assert_eq!(next_due(&f), None);
        let f = DueFacts { status: JobStatus::Resolved, clock: c, alerts: &[], resume_at: None };
        assert_eq!(next_due(&f), Some(t0() + secs(100) + Duration::hours(AUTO_CONFIRM_HOURS)));
    }

    #[test]
    fn a_held_job_is_due_when_it_resumes_not_at_its_paused_deadline() {
        let mut c = clock(300, 1800);
        c.responded_at = Some(t0() + secs(10));
        c.held_since = Some(t0() + secs(600));
        let resume = t0() + Duration::days(3);
        let f = DueFacts { status: JobStatus::OnHold, clock: c, alerts: &[], resume_at: Some(resume) };
        assert_eq!(next_due(&f), Some(resume));
        let f = DueFacts { resume_at: None, ..f };
        assert_eq!(next_due(&f), None, "held without a date: only a person resumes it");
    }

    #[test]
    fn a_late_sweep_does_not_wait_for_a_warning_it_can_no_longer_raise() {
        let f = DueFacts { status: JobStatus::Submitted, clock: clock(300, 1800), alerts: &[], resume_at: None };
        let late = t0() + secs(400);
        assert_eq!(f.alerts_due(late), vec![RESPOND_BREACH]);
        let raised = vec![RESPOND_BREACH.to_string()];
        let f = DueFacts { alerts: &raised, ..f };
        assert_eq!(next_due(&f), Some(t0() + secs(1440)));
    }

    /// A small deterministic generator (no dependency).
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: u64) -> i64 {
            i64::try_from(self.next() % n.max(1)).unwrap_or(0)
        }
        fn chance(&mut self, percent: u64) -> bool {
            self.next() % 100 < percent
        }
    }

    /// For random jobs in every state: nothing is due before `next_due`,
    /// something is at it, and nothing ever when it is `None`; the same
    /// with business hours, holds and alerts already raised.
    #[test]
    fn next_due_is_the_first_instant_the_sweep_has_work() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let statuses = [
            JobStatus::Submitted,
            JobStatus::Acknowledged,
            JobStatus::Assigned,
            JobStatus::EnRoute,
            JobStatus::InProgress,
            JobStatus::OnHold,
            JobStatus::Reopened,
            JobStatus::Resolved,
            JobStatus::Confirmed,
            JobStatus::Rated,
            JobStatus::Cancelled,
        ];
        let all = [RESPOND_WARN, RESPOND_BREACH, RESOLVE_WARN, RESOLVE_BREACH];
        for case in 0..4000 {
            let status = statuses[usize::try_from(rng.below(statuses.len() as u64)).unwrap_or(0)];
            let respond = 60 + rng.below(4 * 3600);
            let mut c = clock(respond, respond + rng.below(30 * 3600));
            c.created_at = t0() + secs(rng.below(7 * 86400));
            if rng.chance(40) {
                c.business_hours = Some(BusinessHours { start: 8 * 60, end: 20 * 60 });
            }
            let at = |rng: &mut Rng| c.created_at + secs(rng.below(3 * 86400));
            if status != JobStatus::Submitted || rng.chance(10) {
                c.responded_at = Some(at(&mut rng));
            }
            if status == JobStatus::Resolved || status == JobStatus::Confirmed {
                c.resolved_at = Some(at(&mut rng));
            }
            c.held_secs = if rng.chance(30) { rng.below(20_000) } else { 0 };
            let mut resume_at = None;
            if status == JobStatus::OnHold {
                c.held_since = Some(at(&mut rng));
                if rng.chance(60) {
                    resume_at = Some(at(&mut rng) + Duration::days(1));
                }
            }
            c.cancelled = status == JobStatus::Cancelled;
            let alerts: Vec<String> = all.iter().filter(|_| rng.chance(25)).map(|a| (*a).to_string()).collect();
            let f = DueFacts { status, clock: c, alerts: &alerts, resume_at };
            match next_due(&f) {
                Some(d) => {
                    assert!(due_at(&f, d), "case {case}: due at {d}: {f:?}");
                    // Nothing earlier: from the report (or from `d` less a
                    // week) up to a second before `d`.
                    let from = c.created_at.min(d) - Duration::days(1);
                    for _ in 0..20 {
                        let span = (d - from).num_seconds().max(1);
                        let t = from + secs(rng.below(u64::try_from(span).unwrap_or(1)));
                        if t < d {
                            assert!(!due_at(&f, t), "case {case}: due at {t} before {d}: {f:?}");
                        }
                    }
                    assert!(!due_at(&f, d - secs(1)), "case {case}: due a second before {d}: {f:?}");
                }
                None => {
                    for days in [0, 1, 3, 10, 100] {
                        let t = c.created_at + Duration::days(days) + secs(rng.below(86400));
                        assert!(!due_at(&f, t), "case {case}: due at {t} though never: {f:?}");
                    }
                }
            }
        }
    }
}
