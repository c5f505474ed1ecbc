//! Visitor passes: when a pass lets someone in, and the formats of what a
//! resident types (car plates) and a guard types (short codes).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{i18n::Msg, keys::WalkInStatus, people::UnitRef};

pub mod schedule;

pub use schedule::{Schedule, Weekday, Window};

/// Why a pass does not open the gate (the API's `reason`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    Unknown,
    NotYetValid,
    Expired,
    UsedUp,
    Revoked,
    /// A recurring pass paused by its household.
    Paused,
    /// A recurring pass outside its weekdays or daily window.
    OutsideSchedule,
}

impl Reason {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Unknown => "unknown",
            Self::NotYetValid => "not_yet_valid",
            Self::Expired => "expired",
            Self::UsedUp => "used_up",
            Self::Revoked => "revoked",
            Self::Paused => "paused",
            Self::OutsideSchedule => "outside_schedule",
        }
    }

    pub const fn label(self) -> Msg {
        match self {
            Self::Unknown => Msg::ReasonUnknown,
            Self::NotYetValid => Msg::ReasonNotYetValid,
            Self::Expired => Msg::ReasonExpired,
            Self::UsedUp => Msg::ReasonUsedUp,
            Self::Revoked => Msg::ReasonRevoked,
            Self::Paused => Msg::ReasonPaused,
            Self::OutsideSchedule => Msg::ReasonOutsideSchedule,
        }
    }
}

/// The stored facts that decide validity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PassFacts {
    pub valid_from: DateTime<Utc>,
    /// Exclusive: valid strictly before this instant.
    pub valid_until: DateTime<Utc>,
    pub max_entries: u32,
    pub entries_used: u32,
    pub revoked: bool,
    /// A recurring pass its household paused.
    pub paused: bool,
}

/// Whether the pass opens the gate at `now`. Revocation is reported first
/// (it is final), then the window, then the entry count.
pub fn check(p: PassFacts, now: DateTime<Utc>) -> Result<(), Reason> {
    check_with(p, None, now)
}

/// [`check`] for any pass: a recurring one (with its `schedule`) is
/// refused while paused and outside its windows, and has no entry limit.
/// Order: revoked, paused, not yet valid, expired, outside the schedule,
/// used up.
pub fn check_with(p: PassFacts, schedule: Option<&Schedule>, now: DateTime<Utc>) -> Result<(), Reason> {
    if p.revoked {
        Err(Reason::Revoked)
    } else if p.paused {
        Err(Reason::Paused)
    } else if now < p.valid_from {
        Err(Reason::NotYetValid)
    } else if now >= p.valid_until {
        Err(Reason::Expired)
    } else if let Some(s) = schedule {
        if s.contains(now) { Ok(()) } else { Err(Reason::OutsideSchedule) }
    } else if p.entries_used >= p.max_entries {
        Err(Reason::UsedUp)
    } else {
        Ok(())
    }
}

/// Most entries one pass may allow.
pub const MAX_ENTRIES: u32 = 20;
/// Longest window a resident may open: 7 days.
pub const MAX_WINDOW_DAYS: i64 = 7;

/// The window of a pass made "for `days` days" at `now` (the invitation
/// form's choice: 1 today, 2 today and tomorrow, 3, 7): from `now` until
/// the end of the `days`-th local day counting today, so "3 天" is today
/// and the next two days. `days` is taken within `1..=MAX_WINDOW_DAYS`,
/// which keeps every window inside [`MAX_WINDOW_DAYS`]. Answers
/// `(from, until)`, `until` exclusive.
pub fn window_for_days(now: DateTime<Utc>, days: i64) -> (DateTime<Utc>, DateTime<Utc>) {
    let days = days.clamp(1, MAX_WINDOW_DAYS);
    let until = crate::time::end_of_local_day(now + chrono::Duration::days(days - 1)) + chrono::Duration::seconds(1);
    (now, until)
}

/// Characters of short codes: no 0/O, 1/I/L, so a code read aloud or typed
/// from a phone screen cannot be mistaken.
pub const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
pub const CODE_LEN: usize = 8;

/// A guard's typing made canonical: full-width letters and digits folded
/// (NFKC), upper case, spaces, dashes and everything else that is not a
/// Latin letter or digit dropped.
pub fn normalize_code(input: &str) -> String {
    super::text::fold_compact(input)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

pub fn is_code(s: &str) -> bool {
    s.len() == CODE_LEN && s.bytes().all(|b| CODE_ALPHABET.contains(&b))
}

/// A pass as the resident's list and the guard see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Pass {
    pub id: String,
    pub visitor_name: String,
    /// Masked (`138****1234`).
    #[serde(default)]
    pub visitor_phone: Option<String>,
    #[serde(default)]
    pub purpose: String,
    #[serde(default)]
    pub plate: Option<String>,
    pub unit: UnitRef,
    pub valid_from: DateTime<Utc>,
    pub valid_until: DateTime<Utc>,
    pub max_entries: u32,
    pub entries_used: u32,
    pub revoked: bool,
    /// Where it stands now (`None`: valid).
    #[serde(default)]
    pub reason: Option<Reason>,
    #[serde(default)]
    pub entries: Vec<Entry>,
    pub created_at: DateTime<Utc>,
    /// A recurring pass's schedule (`None`: a pass for one visit); such a
    /// pass has no entry limit (`max_entries` is not used).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<Schedule>,
    /// A recurring pass paused by its household (refused with `paused` until resumed).
    #[serde(default)]
    pub paused: bool,
    /// A recurring pass's window open now, or else its next one; `None`
    /// when none is left (or for a single pass).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_window: Option<Window>,
    /// Made by the building's butler for an elder's home (the butler may
    /// pause, resume and revoke it).
    #[serde(default)]
    pub for_elder: bool,
}

/// One admission through a gate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Entry {
    pub id: String,
    pub gate: String,
    pub guard: String,
    pub at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visitor_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plate: Option<String>,
}

/// What creating a pass returns: the only time the link and code are
/// shown to the resident (only their hashes are stored).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedPass {
    #[serde(flatten)]
    pub pass: Pass,
    pub url: String,
    pub code: String,
    pub qr_svg_url: String,
    pub qr_png_url: String,
}

/// `POST /api/v1/passes`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewPass {
    pub visitor_name: String,
    #[serde(default)]
    pub visitor_phone: Option<String>,
    #[serde(default)]
    pub purpose: Option<String>,
    #[serde(default)]
    pub valid_from: Option<DateTime<Utc>>,
    #[serde(default)]
    pub valid_until: Option<DateTime<Utc>>,
    #[serde(default)]
    pub max_entries: Option<u32>,
    #[serde(default)]
    pub plate: Option<String>,
    /// Makes it a recurring pass (长期访客): the visitor may come in each
    /// window of the schedule (Asia/Shanghai) from its start to its end
    /// date, as often as they come; `valid_from`, `valid_until` and
    /// `max_entries` are then not given.
    #[serde(default)]
    pub schedule: Option<Schedule>,
    /// The butler only: the id of the elder's home in one of their
    /// buildings that a recurring pass is for. A resident's pass is always
    /// for their own home.
    #[serde(default)]
    pub unit: Option<String>,
}

/// The guard's answer (`/gate/verify`, and inside `/gate/admit`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Verdict {
    pub valid: bool,
    #[serde(default)]
    pub reason: Option<Reason>,
    #[serde(default)]
    pub pass: Option<Pass>,
}

/// What the visitor's page shows: no resident name, phone or unit number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitorView {
    pub visitor_name: String,
    pub community: String,
    pub address: String,
    pub building: String,
    pub code: String,
    pub valid_from: DateTime<Utc>,
    pub valid_until: DateTime<Utc>,
    pub entries_left: u32,
    #[serde(default)]
    pub reason: Option<Reason>,
    /// A recurring pass's schedule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<Schedule>,
    /// A recurring pass's window open now, or else its next one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_window: Option<Window>,
}

/// `POST /api/v1/gate/verify` and `/gate/admit`: what the guard scanned
/// or typed, `{token | code, gate?}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GateBody {
    /// The scanned link, or the bare token in it.
    pub token: Option<String>,
    /// The typed short code.
    pub code: Option<String>,
    /// Where the visitor came in (at most 20 characters); the guard's own
    /// gate when not given.
    pub gate: Option<String>,
}

impl GateBody {
    /// The link, token or code to look the pass up by (`token` first);
    /// 422 on `code` when neither holds anything but blanks.
    pub fn credential(&self) -> Result<&str, super::AppError> {
        self.token
            .as_deref()
            .or(self.code.as_deref())
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| super::AppError::invalid("code", Msg::ErrRequired))
    }
}

/// `POST /api/v1/gate/walk-ins`: a visitor without a pass, registered by
/// the guard for the unit to answer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WalkInBody {
    /// At most 30 characters.
    pub visitor_name: String,
    /// A mainland mobile number, if given.
    pub visitor_phone: Option<String>,
    /// The id of the unit visited (see `GET /gate/units`).
    pub unit: String,
    /// At most 100 characters.
    pub purpose: Option<String>,
}

/// `POST /api/v1/walk-ins/{id}/decision`: the unit's answer, once.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Decision {
    /// `true` lets the visitor in.
    pub approve: bool,
}

/// A walk-in visitor waiting for the unit's answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WalkIn {
    pub id: String,
    pub visitor_name: String,
    #[serde(default)]
    pub visitor_phone: Option<String>,
    #[serde(default)]
    pub purpose: String,
    pub unit: UnitRef,
    pub gate: String,
    /// `pending`, `approved`, `denied`.
    pub status: WalkInStatus,
    #[serde(default)]
    pub decided_by: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Whether `gate` is a gate's code: 1–20 lower-case Latin letters,
/// digits, `-` or `_` (`main`, `north`, `south`, `east`, `west`, or a
/// community's own such as `garage-2`). A gate is stored and sent as its
/// code and shown by [`gate_label`], so no text typed at a gate is kept.
pub fn is_gate_code(gate: &str) -> bool {
    (1..=20).contains(&gate.len())
        && gate.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_'))
}

/// A gate's name in the reader's language (`north` → 北门 / North Gate).
pub fn gate_label(gate: &str) -> Msg {
    match gate {
        "north" => Msg::GateNorth,
        "south" => Msg::GateSouth,
        "east" => Msg::GateEast,
        "west" => Msg::GateWest,
        _ => Msg::GateOther,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{end_of_local_day, local_instant};
    use chrono::{Duration, NaiveDate, NaiveTime};

    fn at(h: u32, m: u32, s: u32) -> DateTime<Utc> {
        let d = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap_or_default();
        local_instant(d, NaiveTime::from_hms_opt(h, m, s).unwrap_or_default())
    }

    fn facts() -> PassFacts {
        // Created at 09:00 Shanghai "for today": valid until the end of the day.
        PassFacts {
            valid_from: at(9, 0, 0),
            valid_until: end_of_local_day(at(9, 0, 0)) + Duration::seconds(1),
            max_entries: 1,
            entries_used: 0,
            revoked: false,
            paused: false,
        }
    }

    #[test]
    fn gates_are_codes() {
        for good in ["main", "north", "garage-2", "east_1"] {
            assert!(is_gate_code(good), "{good}");
        }
        for bad in ["", "南门", "North", "a<script>", "north gate", &"x".repeat(21)] {
            assert!(!is_gate_code(bad), "{bad}");
        }
    }

    /// Every choice of the form makes a window the server accepts (at
    /// most a week), whatever the time of day it is made at, ending at the
    /// end of the chosen number of calendar days.
    #[test]
    fn a_pass_for_days_stays_within_a_week() {
        for (h, m) in [(0, 0), (9, 0), (15, 59), (16, 0), (23, 59)] {
            let now = at(h, m, 0);
            for days in [-1, 0, 1, 2, 3, 7, 8, 100] {
                let (from, until) = window_for_days(now, days);
                assert_eq!(from, now);
                assert!(until > now && until - now <= Duration::days(MAX_WINDOW_DAYS), "{days} at {h}:{m}");
            }
            let end_of = |n: i64| end_of_local_day(now + Duration::days(n)) + Duration::seconds(1);
            assert_eq!(window_for_days(now, 1).1, end_of(0), "today");
            assert_eq!(window_for_days(now, 2).1, end_of(1), "today and tomorrow");
            assert_eq!(window_for_days(now, 3).1, end_of(2), "three days, today the first");
            assert_eq!(window_for_days(now, 7).1, end_of(6), "a week");
        }
    }

    #[test]
    fn the_window_edges_in_shanghai_time() {
        let p = facts();
        assert_eq!(check(p, at(8, 59, 59)), Err(Reason::NotYetValid));
        assert_eq!(check(p, at(9, 0, 0)), Ok(()));
        assert_eq!(check(p, at(23, 59, 59)), Ok(()), "good until the last second of the local day");
        assert_eq!(check(p, at(23, 59, 59) + Duration::seconds(1)), Err(Reason::Expired));
        // Midnight in Shanghai is 16:00 UTC.
        assert_eq!(p.valid_until.to_rfc3339(), "2026-11-27T16:00:00+00:00");
    }

    #[test]
    fn entries_are_counted() {
        let mut p = facts();
        p.max_entries = 2;
        p.entries_used = 1;
        assert_eq!(check(p, at(12, 0, 0)), Ok(()));
        p.entries_used = 2;
        assert_eq!(check(p, at(12, 0, 0)), Err(Reason::UsedUp));
    }

    #[test]
    fn revocation_wins_over_everything() {
        let mut p = facts();
        p.revoked = true;
        assert_eq!(check(p, at(12, 0, 0)), Err(Reason::Revoked));
        assert_eq!(check(p, at(8, 0, 0)), Err(Reason::Revoked));
    }

    #[test]
    fn a_recurring_pass_is_checked_against_its_schedule_and_pause() {
        use schedule::{Schedule, Weekday, parse_hm};
        // Friday 2026-11-27, window every Friday 08:00–12:00 for a month.
        let s = Schedule {
            weekdays: vec![Weekday::Fri],
            time_from: parse_hm("08:00").unwrap_or_default(),
            time_until: parse_hm("12:00").unwrap_or_default(),
            start_date: NaiveDate::from_ymd_opt(2026, 11, 27).unwrap_or_default(),
            end_date: NaiveDate::from_ymd_opt(2026, 12, 27).unwrap_or_default(),
        };
        let mut p = PassFacts {
            valid_from: s.first_instant(),
            valid_until: s.last_instant(),
            max_entries: 1,
            entries_used: 7,
            revoked: false,
            paused: false,
        };
        assert_eq!(check_with(p, Some(&s), at(9, 0, 0)), Ok(()), "no entry limit");
        assert_eq!(check_with(p, Some(&s), at(12, 0, 0)), Err(Reason::OutsideSchedule));
        assert_eq!(check_with(p, Some(&s), at(7, 59, 59)), Err(Reason::OutsideSchedule));
        p.paused = true;
        assert_eq!(check_with(p, Some(&s), at(9, 0, 0)), Err(Reason::Paused));
        p.revoked = true;
        assert_eq!(check_with(p, Some(&s), at(9, 0, 0)), Err(Reason::Revoked), "revocation wins");
        assert_eq!(Reason::OutsideSchedule.as_str(), "outside_schedule");
    }

    #[test]
    fn codes_avoid_look_alikes() {
        for c in [b'0', b'O', b'1', b'I', b'L'] {
            assert!(!CODE_ALPHABET.contains(&c));
        }
        assert_eq!(normalize_code(" ab3d-7k9m "), "AB3D7K9M");
        assert_eq!(normalize_code("ＡＢ３Ｄ　７Ｋ９Ｍ"), "AB3D7K9M");
        assert!(is_code("AB3D7K9M"));
        assert!(!is_code("AB3D7K9O"));
    }
}
