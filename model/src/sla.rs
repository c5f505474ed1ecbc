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
//!   **met** or **missed**;
//! - with **business hours** set for the community (normal urgency only;
//!   critical and urgent run around the clock), a clock counts only the
//!   time inside the daily window in Asia/Shanghai: a normal job reported
//!   at 19:30 with a 2-hour respond target and a 08:00–20:00 window is due
//!   at 09:30 the next day. Holds still pause, and time held counts only
//!   inside the window too.

use crate::time::shanghai;
use chrono::{DateTime, Days, Duration, NaiveDate, NaiveTime, Offset, TimeZone, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

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

/// The daily window in which normal-urgency clocks run (local time,
/// Asia/Shanghai), e.g. `{"start": "08:00", "end": "20:00"}`. On the wire
/// and in the database as `HH:MM` strings; in memory, minutes after
/// midnight. A window never spans midnight (`start < end`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BusinessHours {
    /// Opening time, `HH:MM` local.
    #[serde(serialize_with = "ser_hhmm", deserialize_with = "de_hhmm")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "08:00"))]
    pub start: u16,
    /// Closing time, `HH:MM` local, after `start`.
    #[serde(serialize_with = "ser_hhmm", deserialize_with = "de_hhmm")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "20:00"))]
    pub end: u16,
}

/// `HH:MM` (or `H:MM`) as minutes after midnight; `None` for anything else.
pub fn parse_hhmm(s: &str) -> Option<u16> {
    let (h, m) = s.trim().split_once(':')?;
    let digits = |x: &str, lens: std::ops::RangeInclusive<usize>| {
        lens.contains(&x.len()) && x.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(h, 1..=2) || !digits(m, 2..=2) {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

/// Minutes after midnight as `HH:MM`.
pub fn format_hhmm(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

fn ser_hhmm<S: Serializer>(m: &u16, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format_hhmm(*m))
}

fn de_hhmm<'de, D: Deserializer<'de>>(d: D) -> Result<u16, D::Error> {
    let s = String::deserialize(d)?;
    parse_hhmm(&s).ok_or_else(|| serde::de::Error::custom("expected HH:MM"))
}

/// The local calendar day of an instant in Asia/Shanghai (total: at the
/// ends of chrono's calendar it answers the UTC date).
fn shanghai_day(at: DateTime<Utc>) -> NaiveDate {
    let offset = shanghai().offset_from_utc_datetime(&at.naive_utc()).fix().local_minus_utc();
    at.naive_utc().checked_add_signed(Duration::seconds(i64::from(offset))).unwrap_or(at.naive_utc()).date()
}

/// The instant of `minutes` after local midnight on `day` in Asia/Shanghai.
fn shanghai_instant(day: NaiveDate, minutes: u16) -> DateTime<Utc> {
    let time = NaiveTime::from_hms_opt(u32::from(minutes / 60), u32::from(minutes % 60), 0).unwrap_or(NaiveTime::MIN);
    shanghai()
        .from_local_datetime(&day.and_time(time))
        .earliest()
        .map_or_else(|| super::time::local_instant(day, time), |d| d.with_timezone(&Utc))
}

impl BusinessHours {
    /// Both times within the day, opening before closing.
    pub const fn is_valid(&self) -> bool {
        self.start < self.end && self.end < 24 * 60
    }

    /// The window in force for a job of `urgency`: only normal jobs keep
    /// business hours; critical and urgent run around the clock.
    pub fn for_urgency(hours: Option<Self>, urgency: Urgency) -> Option<Self> {
        hours.filter(|h| urgency == Urgency::Normal && h.is_valid())
    }

    /// Seconds the window is open each day.
    fn open_secs(&self) -> i64 {
        (i64::from(self.end) - i64::from(self.start)).max(1) * 60
    }

    fn on(&self, day: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
        (shanghai_instant(day, self.start), shanghai_instant(day, self.end))
    }

    /// Seconds inside the window between `from` and `to` (0 if `to` is
    /// not after `from`). Constant time, however far apart.
    pub fn working_secs(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        if to <= from {
            return 0;
        }
        let overlap = |day: NaiveDate| {
            let (open, close) = self.on(day);
            (close.min(to) - open.max(from)).num_seconds().max(0)
        };
        let (first, last) = (shanghai_day(from), shanghai_day(to));
        if first == last {
            return overlap(first);
        }
        let between = ((last - first).num_days() - 1).max(0);
        overlap(first) + overlap(last) + between * self.open_secs()
    }

    /// The instant when `secs` seconds of window time have passed since
    /// `from` (the next opening when `secs` is 0 and the window is shut).
    pub fn after_working(&self, from: DateTime<Utc>, secs: i64) -> DateTime<Utc> {
        let mut left = secs.max(0);
        let day = shanghai_day(from);
        let (open, close) = self.on(day);
        let start = from.max(open);
        if start < close {
            let room = (close - start).num_seconds();
            if left <= room {
                return start + Duration::seconds(left);
            }
            left -= room;
        }
        let len = self.open_secs();
        let full = (left - 1).max(0) / len;
        left -= full * len;
        let skip = u64::try_from(full + 1).unwrap_or(1);
        match day.checked_add_days(Days::new(skip)) {
            Some(next) => self.on(next).0 + Duration::seconds(left),
            None => from + Duration::seconds(secs.max(0)),
        }
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
    /// The business hours the clocks count in (frozen on the job at report
    /// time, normal urgency only); `None`: around the clock.
    pub window: Option<BusinessHours>,
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

/// One clock: `used` of `total` seconds of counted time spent, due at
/// `deadline`, stopped at `stopped` if it has stopped.
fn clock(
    used: i64,
    total: i64,
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
    if used * 100 >= total.max(1) * WARN_PERCENT { ClockState::Warning } else { ClockState::OnTrack }
}

impl SlaFacts {
    /// Counted seconds between two instants: all of them around the
    /// clock, only those inside the window with business hours.
    pub fn working_secs(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        match self.window {
            Some(w) => w.working_secs(from, to),
            None => (to - from).num_seconds().max(0),
        }
    }

    /// The instant `secs` counted seconds after `from`.
    pub fn after_working(&self, from: DateTime<Utc>, secs: i64) -> DateTime<Utc> {
        match self.window {
            Some(w) => w.after_working(from, secs),
            None => from + Duration::seconds(secs),
        }
    }

    /// Counted time on hold up to `now` (finished holds plus the current one).
    pub fn paused(&self, now: DateTime<Utc>) -> Duration {
        let current = self.held_since.map(|s| self.working_secs(s, now)).unwrap_or_default();
        Duration::seconds(self.held_secs.max(0) + current)
    }

    pub fn compute(&self, now: DateTime<Utc>) -> Sla {
        let respond_by = self.after_working(self.created_at, self.target.respond_secs);
        let paused = self.paused(now).num_seconds();
        let resolve_by = self.after_working(self.created_at, self.target.resolve_secs + paused);
        if self.cancelled {
            return Sla {
                respond_by,
                resolve_by,
                respond: ClockState::Met,
                resolve: ClockState::Met,
                state: ClockState::Met,
            };
        }
        let worked = self.working_secs(self.created_at, now);
        let respond = clock(worked, self.target.respond_secs, respond_by, self.responded_at, now);
        // While on hold the resolve clock is stopped: compare against the
        // elapsed working time only.
        let resolve_used = worked - paused;
        let resolve = if self.held_since.is_some() && self.resolved_at.is_none() {
            match clock(resolve_used, self.target.resolve_secs, resolve_by, None, now) {
                ClockState::Breached => ClockState::Breached,
                _ => ClockState::Paused,
            }
        } else {
            clock(resolve_used, self.target.resolve_secs, resolve_by, self.resolved_at, now)
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
            window: None,
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

    /// 2026-11-27 hh:mm Shanghai time.
    fn local(day: u32, h: u32, m: u32) -> DateTime<Utc> {
        shanghai().with_ymd_and_hms(2026, 11, day, h, m, 0).single().map(|d| d.with_timezone(&Utc)).unwrap_or_default()
    }

    const DAY_8_TO_20: BusinessHours = BusinessHours { start: 8 * 60, end: 20 * 60 };

    fn normal_at(at: DateTime<Utc>) -> SlaFacts {
        SlaFacts {
            created_at: at,
            window: BusinessHours::for_urgency(Some(DAY_8_TO_20), Urgency::Normal),
            ..facts(Urgency::Normal)
        }
    }

    #[test]
    fn business_hours_move_a_normal_deadline_over_the_night() {
        // Reported at 19:30: 30 minutes tonight, 90 tomorrow morning.
        let f = normal_at(local(27, 19, 30));
        assert_eq!(f.compute(local(27, 19, 31)).respond_by, local(28, 9, 30));
        // 24 hours of window time = two full days of 12 hours.
        assert_eq!(f.compute(local(27, 19, 31)).resolve_by, local(29, 19, 30));
        // Nothing counts overnight: at 07:59 only 30 minutes of 120 are used.
        assert_eq!(f.compute(local(28, 7, 59)).respond, ClockState::OnTrack);
        assert_eq!(f.compute(local(28, 9, 6)).respond, ClockState::Warning);
        assert_eq!(f.compute(local(28, 9, 30)).respond, ClockState::Breached);
        // Reported at 03:00: the clock starts at 08:00.
        let f = normal_at(local(27, 3, 0));
        assert_eq!(f.compute(local(27, 3, 0)).respond_by, local(27, 10, 0));
        // Reported inside the window: as around the clock.
        assert_eq!(normal_at(local(27, 9, 0)).compute(local(27, 9, 0)).respond_by, local(27, 11, 0));
        // Reported after closing: due the next morning.
        assert_eq!(normal_at(local(27, 21, 0)).compute(local(27, 21, 0)).respond_by, local(28, 10, 0));
    }

    #[test]
    fn holds_across_the_night_pause_only_window_time() {
        let mut f = normal_at(local(27, 18, 0));
        f.responded_at = Some(local(27, 18, 5));
        // 24 h of window time from 18:00: 2 h today, 12 h tomorrow, 10 h the day after.
        assert_eq!(f.compute(local(27, 18, 0)).resolve_by, local(29, 18, 0));
        // On hold from 19:00 until 09:00 the next day: one window hour tonight... none:
        // 19:00-20:00 (1 h) and 08:00-09:00 (1 h) are paused.
        f.held_since = Some(local(27, 19, 0));
        let during = f.compute(local(28, 9, 0));
        assert_eq!(during.resolve, ClockState::Paused);
        assert_eq!(during.resolve_by, local(29, 20, 0));
        f.held_since = None;
        f.held_secs = f.working_secs(local(27, 19, 0), local(28, 9, 0));
        assert_eq!(f.held_secs, 2 * 3600);
        assert_eq!(f.compute(local(28, 9, 0)).resolve_by, local(29, 20, 0));
        assert_eq!(f.compute(local(28, 9, 0)).resolve, ClockState::OnTrack);
    }

    #[test]
    fn critical_and_urgent_jobs_ignore_business_hours() {
        for urgency in [Urgency::Critical, Urgency::Urgent] {
            let f = SlaFacts {
                created_at: local(27, 19, 30),
                window: BusinessHours::for_urgency(Some(DAY_8_TO_20), urgency),
                ..facts(urgency)
            };
            assert_eq!(f.window, None);
            let target = SlaSettings::default().target(urgency);
            assert_eq!(
                f.compute(local(27, 19, 30)).respond_by,
                local(27, 19, 30) + Duration::seconds(target.respond_secs)
            );
        }
    }

    #[test]
    fn window_time_counts_across_many_days() {
        let w = DAY_8_TO_20;
        assert_eq!(w.working_secs(local(1, 0, 0), local(3, 0, 0)), 24 * 3600);
        assert_eq!(w.working_secs(local(1, 12, 0), local(1, 13, 0)), 3600);
        assert_eq!(w.working_secs(local(1, 21, 0), local(2, 7, 0)), 0);
        assert_eq!(w.working_secs(local(2, 7, 0), local(1, 21, 0)), 0);
        for (from, secs) in
            [(local(1, 19, 30), 5400), (local(2, 3, 0), 43_200), (local(2, 8, 0), 43_201), (local(2, 20, 0), 100_000)]
        {
            let due = w.after_working(from, secs);
            assert_eq!(w.working_secs(from, due), secs, "{from} + {secs}");
        }
        // Exactly one full window ends at closing time.
        assert_eq!(w.after_working(local(2, 21, 0), 43_200), local(3, 20, 0));
    }

    #[test]
    fn business_hours_read_and_write_hh_mm() {
        let json = serde_json::to_value(DAY_8_TO_20).unwrap_or_default();
        assert_eq!(json, serde_json::json!({"start": "08:00", "end": "20:00"}));
        let back: Option<BusinessHours> = serde_json::from_value(json).ok();
        assert_eq!(back, Some(DAY_8_TO_20));
        for bad in ["24:00", "8:5", "08:60", "x", "", "08:00:00", "-1:00"] {
            assert_eq!(parse_hhmm(bad), None, "{bad}");
        }
        assert_eq!(parse_hhmm("8:05"), Some(485));
        assert!(!BusinessHours { start: 600, end: 600 }.is_valid());
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(format_duration(Duration::seconds(250)), "4m 10s");
        assert_eq!(format_duration(Duration::seconds(3900)), "1h 05m");
        assert_eq!(format_duration(Duration::hours(50)), "2d 2h");
    }
}
