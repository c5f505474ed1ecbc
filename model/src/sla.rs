//! The SLA clock of a repair job: respond-by and resolve-by deadlines, and
//! how each stands at a given moment. Computed from stored timestamps, so
//! the browser (ticking every second) and the server (warning at 80 %,
//! escalating at breach) always agree.
//!
//! Definitions, as a property company would check them in a dispute:
//! - the **respond** clock runs from the report to the first time the job
//!   is acknowledged or assigned (someone took ownership);
//! - the **resolve** clock runs from the report to the (latest) moment the
//!   job was marked resolved; time spent on hold (waiting for parts, for
//!   the resident...) does not count, so the resolve deadline moves later by
//!   the time held;
//! - a clock is in **warning** once 80 % of its time is used, **breached**
//!   when the deadline passes while it still runs; a stopped clock is
//!   **met** or **missed**.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::{i18n::Msg, repair::Urgency};

/// Targets for one urgency, in seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SlaTarget {
    pub respond_secs: i64,
    pub resolve_secs: i64,
}

/// Per-community settings; the defaults are SPEC §2's table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SlaSettings {
    pub critical: SlaTarget,
    pub urgent: SlaTarget,
    pub normal: SlaTarget,
}

impl Default for SlaSettings {
    fn default() -> Self {
        Self {
            critical: SlaTarget { respond_secs: 5 * 60, resolve_secs: 30 * 60 },
            urgent: SlaTarget { respond_secs: 30 * 60, resolve_secs: 2 * 3600 },
            normal: SlaTarget { respond_secs: 2 * 3600, resolve_secs: 24 * 3600 },
        }
    }
}

impl SlaSettings {
    pub const fn target(&self, urgency: Urgency) -> SlaTarget {
        match urgency {
            Urgency::Critical => self.critical,
            Urgency::Urgent => self.urgent,
            Urgency::Normal => self.normal,
        }
    }

    /// Each target positive, and resolving never due before responding.
    pub fn is_valid(&self) -> bool {
        [self.critical, self.urgent, self.normal]
            .iter()
            .all(|t| t.respond_secs > 0 && t.resolve_secs >= t.respond_secs && t.resolve_secs <= 30 * 24 * 3600)
    }
}

/// Where one clock (or the job overall) stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ClockState {
    OnTrack,
    /// 80 % of the time is used.
    Warning,
    /// The deadline has passed and the clock still runs.
    Breached,
    /// The job is on hold: the resolve clock is stopped.
    Paused,
    /// Stopped in time.
    Met,
    /// Stopped, but late.
    Missed,
}

impl ClockState {
    pub const fn label(self) -> Msg {
        match self {
            Self::OnTrack => Msg::SlaOnTrack,
            Self::Warning => Msg::SlaWarning,
            Self::Breached => Msg::SlaBreached,
            Self::Paused => Msg::SlaPaused,
            Self::Met => Msg::SlaMet,
            Self::Missed => Msg::SlaMissed,
        }
    }

    /// Red on screen.
    pub const fn is_bad(self) -> bool {
        matches!(self, Self::Breached | Self::Missed)
    }
}

/// The stored facts the clock is computed from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SlaFacts {
    pub created_at: DateTime<Utc>,
    pub target: SlaTarget,
    pub responded_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    /// Seconds spent on hold in finished holds.
    pub held_secs: i64,
    /// Start of the current hold, if on hold now.
    pub held_since: Option<DateTime<Utc>>,
    /// Cancelled jobs have no deadlines to meet.
    pub cancelled: bool,
}

/// The clock as the API returns it (`sla` in a job).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Sla {
    pub respond_by: DateTime<Utc>,
    pub resolve_by: DateTime<Utc>,
    pub respond: ClockState,
    pub resolve: ClockState,
    /// The job overall: the worst of the two.
    pub state: ClockState,
}

const WARN_PERCENT: i64 = 80;

fn clock(
    start: DateTime<Utc>,
    deadline: DateTime<Utc>,
    stopped: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> ClockState {
    if let Some(at) = stopped {
        return if at <= deadline { ClockState::Met } else { ClockState::Missed };
    }
    if now >= deadline {
        return ClockState::Breached;
    }
    let total = (deadline - start).num_milliseconds().max(1);
    let used = (now - start).num_milliseconds();
    if used * 100 >= total * WARN_PERCENT { ClockState::Warning } else { ClockState::OnTrack }
}

impl SlaFacts {
    /// Total time on hold up to `now`.
    pub fn paused(&self, now: DateTime<Utc>) -> Duration {
        let current = self.held_since.map(|s| (now - s).max(Duration::zero())).unwrap_or_default();
        Duration::seconds(self.held_secs.max(0)) + current
    }

    pub fn compute(&self, now: DateTime<Utc>) -> Sla {
        let respond_by = self.created_at + Duration::seconds(self.target.respond_secs);
        let paused = self.paused(now);
        let resolve_by = self.created_at + Duration::seconds(self.target.resolve_secs) + paused;
        if self.cancelled {
            return Sla {
                respond_by,
                resolve_by,
                respond: ClockState::Met,
                resolve: ClockState::Met,
                state: ClockState::Met,
            };
        }
        let respond = clock(self.created_at, respond_by, self.responded_at, now);
        // While on hold the resolve clock is stopped: compare against the
        // elapsed working time only.
        let resolve = if self.held_since.is_some() && self.resolved_at.is_none() {
            match clock(self.created_at + paused, resolve_by, None, now) {
                ClockState::Breached => ClockState::Breached,
                _ => ClockState::Paused,
            }
        } else {
            clock(self.created_at + paused, resolve_by, self.resolved_at, now)
        };
        let state = worst(respond, resolve);
        Sla { respond_by, resolve_by, respond, resolve, state }
    }
}

fn worst(a: ClockState, b: ClockState) -> ClockState {
    use ClockState as C;
    let rank = |c: C| match c {
        C::Met => 0,
        C::OnTrack => 1,
        C::Paused => 2,
        C::Warning => 3,
        C::Missed => 4,
        C::Breached => 5,
    };
    if rank(a) >= rank(b) { a } else { b }
}

/// `1h 05m`, `4m 10s`, for countdowns; negative durations read as overdue
/// by the caller.
pub fn format_duration(d: Duration) -> String {
    let secs = d.num_seconds().abs();
    let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    if h >= 24 {
        format!("{}d {}h", h / 24, h % 24)
    } else if h > 0 {
        format!("{h}h {m:02}m")
    } else {
        format!("{m}m {s:02}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-27T02:00:00Z").map(|d| d.with_timezone(&Utc)).unwrap_or_default()
    }

    fn facts(urgency: Urgency) -> SlaFacts {
        SlaFacts {
            created_at: t0(),
            target: SlaSettings::default().target(urgency),
            responded_at: None,
            resolved_at: None,
            held_secs: 0,
            held_since: None,
            cancelled: false,
        }
    }

    fn mins(m: i64) -> Duration {
        Duration::minutes(m)
    }

    #[test]
    fn defaults_match_the_spec() {
        let s = SlaSettings::default();
        assert_eq!(s.critical, SlaTarget { respond_secs: 300, resolve_secs: 1800 });
        assert_eq!(s.urgent, SlaTarget { respond_secs: 1800, resolve_secs: 7200 });
        assert_eq!(s.normal, SlaTarget { respond_secs: 7200, resolve_secs: 86400 });
        assert!(s.is_valid());
    }

    #[test]
    fn respond_clock_warns_at_80_percent_and_breaches_at_the_deadline() {
        let f = facts(Urgency::Critical);
        assert_eq!(f.compute(t0() + Duration::seconds(239)).respond, ClockState::OnTrack);
        assert_eq!(f.compute(t0() + Duration::seconds(240)).respond, ClockState::Warning);
        assert_eq!(f.compute(t0() + mins(5)).respond, ClockState::Breached);
        assert_eq!(f.compute(t0() + mins(5)).state, ClockState::Breached);
        assert_eq!(f.compute(t0()).respond_by, t0() + mins(5));
    }

    #[test]
    fn stopped_clocks_are_met_or_missed() {
        let mut f = facts(Urgency::Urgent);
        f.responded_at = Some(t0() + mins(10));
        f.resolved_at = Some(t0() + mins(130));
        let sla = f.compute(t0() + mins(200));
        assert_eq!(sla.respond, ClockState::Met);
        assert_eq!(sla.resolve, ClockState::Missed);
        assert_eq!(sla.state, ClockState::Missed);
    }

    #[test]
    fn holds_stop_the_resolve_clock_and_move_its_deadline() {
        let mut f = facts(Urgency::Urgent);
        f.responded_at = Some(t0() + mins(1));
        f.held_since = Some(t0() + mins(60));
        let sla = f.compute(t0() + mins(150));
        assert_eq!(sla.resolve, ClockState::Paused, "on hold past the original deadline, not breached");
        assert_eq!(sla.resolve_by, t0() + mins(120 + 90));
        // Resumed after 90 minutes on hold: 60 minutes of work time remain.
        f.held_since = None;
        f.held_secs = 90 * 60;
        assert_eq!(f.compute(t0() + mins(150)).resolve, ClockState::OnTrack);
        assert_eq!(f.compute(t0() + mins(200)).resolve, ClockState::Warning);
        assert_eq!(f.compute(t0() + mins(210)).resolve, ClockState::Breached);
    }

    #[test]
    fn cancelled_jobs_have_nothing_to_miss() {
        let mut f = facts(Urgency::Critical);
        f.cancelled = true;
        assert_eq!(f.compute(t0() + mins(600)).state, ClockState::Met);
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(format_duration(Duration::seconds(250)), "4m 10s");
        assert_eq!(format_duration(Duration::seconds(3900)), "1h 05m");
        assert_eq!(format_duration(Duration::hours(50)), "2d 2h");
    }
}
