//! Recurring passes (长期访客): the visitor may come on a set of weekdays,
//! within one daily time window, between a start and an end date, all in
//! Asia/Shanghai time (`chrono-tz`'s zone). The server enforces these
//! rules at the gate and the browser shows the same schedule and "next
//! visit" from the same functions.
//!
//! Window edges: the start is inclusive, the end exclusive
//! (08:00–12:00 admits 08:00:00 and refuses 12:00:00). The day is the
//! Shanghai day: Sunday 23:30 UTC is Monday 07:30 in Shanghai.

use crate::time::shanghai;
use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::i18n::{Lang, Msg};

crate::closed_set! {
    /// A day of the week, Monday first (ISO 8601).
    pub enum Weekday {
        Mon = "mon",
        Tue = "tue",
        Wed = "wed",
        Thu = "thu",
        Fri = "fri",
        Sat = "sat",
        Sun = "sun",
    }
}

impl Weekday {
    /// The weekday of a calendar date.
    pub const fn of(day: chrono::Weekday) -> Self {
        match day {
            chrono::Weekday::Mon => Self::Mon,
            chrono::Weekday::Tue => Self::Tue,
            chrono::Weekday::Wed => Self::Wed,
            chrono::Weekday::Thu => Self::Thu,
            chrono::Weekday::Fri => Self::Fri,
            chrono::Weekday::Sat => Self::Sat,
            chrono::Weekday::Sun => Self::Sun,
        }
    }

    /// `周一` / `Mon`.
    pub const fn label(self) -> Msg {
        match self {
            Self::Mon => Msg::WeekdayMon,
            Self::Tue => Msg::WeekdayTue,
            Self::Wed => Msg::WeekdayWed,
            Self::Thu => Msg::WeekdayThu,
            Self::Fri => Msg::WeekdayFri,
            Self::Sat => Msg::WeekdaySat,
            Self::Sun => Msg::WeekdaySun,
        }
    }

    /// 0 for Monday … 6 for Sunday.
    pub const fn index(self) -> usize {
        self as usize
    }
}

/// `HH:MM` on the wire (seconds accepted on input and dropped).
mod hm {
    use chrono::{NaiveTime, Timelike};
    use serde::{Deserialize, Deserializer, Serializer, de::Error as _};

    pub(super) fn serialize<S: Serializer>(t: &NaiveTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&t.format("%H:%M").to_string())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveTime, D::Error> {
        let s = String::deserialize(d)?;
        super::parse_hm(&s).ok_or_else(|| D::Error::custom(format!("not a time of day (HH:MM): {s}")))
    }

    /// Minutes only: a window is planned to the minute.
    pub(super) fn truncate(t: NaiveTime) -> NaiveTime {
        t.with_second(0).and_then(|t| t.with_nanosecond(0)).unwrap_or(t)
    }
}

/// A time of day as typed or sent: `08:00`, `8:00` or `08:00:00`.
pub fn parse_hm(s: &str) -> Option<NaiveTime> {
    let s = s.trim();
    NaiveTime::parse_from_str(s, "%H:%M").or_else(|_| NaiveTime::parse_from_str(s, "%H:%M:%S")).ok().map(hm::truncate)
}

/// The longest schedule: its end date at most one year (12 calendar
/// months) after its start date.
pub const MAX_SCHEDULE_MONTHS: u32 = 12;
/// How far ahead a schedule may start.
pub const MAX_START_AHEAD_DAYS: i64 = 366;

/// When a recurring visitor may come. `POST /api/v1/passes` takes it as
/// `schedule`; passes answer it back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Schedule {
    /// The days the visitor may come (at least one), e.g. `["mon","tue","wed","thu","fri"]`.
    pub weekdays: Vec<Weekday>,
    /// Start of the daily window, `HH:MM` Asia/Shanghai, inclusive.
    #[serde(with = "hm")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "08:00"))]
    pub time_from: NaiveTime,
    /// End of the daily window, `HH:MM` Asia/Shanghai, exclusive; after `time_from` on the same day.
    #[serde(with = "hm")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "12:00"))]
    pub time_until: NaiveTime,
    /// First day (Shanghai calendar), `YYYY-MM-DD`.
    pub start_date: NaiveDate,
    /// Last day, inclusive; at most a year after `start_date`.
    pub end_date: NaiveDate,
}

/// One opening of a recurring pass: `[start, end)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Window {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// The Shanghai wall-clock time of an instant. Total: at the very end of
/// the calendar chrono can represent it answers the UTC time rather than
/// panicking as `with_timezone` would.
pub fn shanghai_local(at: DateTime<Utc>) -> NaiveDateTime {
    let utc = at.naive_utc();
    let offset = shanghai().offset_from_utc_datetime(&utc).fix().local_minus_utc();
    utc.checked_add_signed(Duration::seconds(i64::from(offset))).unwrap_or(utc)
}

/// The instant of a Shanghai wall-clock time (the earlier one if a clock
/// change ever made it ambiguous; a time skipped by one is read as UTC+8).
pub fn shanghai_instant(date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    let naive = date.and_time(time);
    match shanghai().from_local_datetime(&naive).earliest() {
        Some(t) => t.with_timezone(&Utc),
        None => Utc.from_utc_datetime(&naive.checked_sub_signed(Duration::hours(8)).unwrap_or(naive)),
    }
}

impl Schedule {
    /// The same schedule with its weekdays in order and without repeats,
    /// and its times to the minute.
    #[must_use]
    pub fn normalized(mut self) -> Self {
        self.weekdays.sort_by_key(|d| d.index());
        self.weekdays.dedup();
        self.time_from = hm::truncate(self.time_from);
        self.time_until = hm::truncate(self.time_until);
        self
    }

    /// Checks the schedule as a resident may set it on `today` (Shanghai):
    /// at least one weekday, the window's start before its end, the end
    /// date not before the start date nor past today, at most a year long,
    /// starting within a year, and at least one window in it.
    /// `Err((field, message))` names the offending field.
    pub fn validate(&self, today: NaiveDate) -> Result<(), (&'static str, Msg)> {
        if self.weekdays.is_empty() {
            return Err(("weekdays", Msg::ErrScheduleNoDays));
        }
        if self.time_from >= self.time_until {
            return Err(("time_until", Msg::ErrWindowOrder));
        }
        if self.end_date < self.start_date {
            return Err(("end_date", Msg::ErrWindowOrder));
        }
        if self.end_date < today {
            return Err(("end_date", Msg::ErrWindowPast));
        }
        let latest_end = self.start_date.checked_add_months(Months::new(MAX_SCHEDULE_MONTHS));
        if latest_end.is_none_or(|latest| self.end_date > latest) {
            return Err(("end_date", Msg::ErrScheduleTooLong));
        }
        if self.start_date > today + Duration::days(MAX_START_AHEAD_DAYS) {
            return Err(("start_date", Msg::ErrDateOutOfRange));
        }
        if !self.days_from(self.start_date.max(today)).any(|d| self.has_day(d)) {
            return Err(("weekdays", Msg::ErrScheduleNoWindow));
        }
        Ok(())
    }

    /// The first instant the pass can be used: 00:00 Shanghai on the start date.
    pub fn first_instant(&self) -> DateTime<Utc> {
        shanghai_instant(self.start_date, NaiveTime::MIN)
    }

    /// The instant after the last day: 00:00 Shanghai the day after the end date.
    pub fn last_instant(&self) -> DateTime<Utc> {
        shanghai_instant(self.end_date.succ_opt().unwrap_or(self.end_date), NaiveTime::MIN)
    }

    /// Whether the visitor may come on this Shanghai date at all.
    pub fn has_day(&self, date: NaiveDate) -> bool {
        self.start_date <= date && date <= self.end_date && self.weekdays.contains(&Weekday::of(date.weekday()))
    }

    /// The window on a Shanghai date, if the visitor may come that day.
    pub fn window_on(&self, date: NaiveDate) -> Option<Window> {
        self.has_day(date).then(|| Window {
            start: shanghai_instant(date, self.time_from),
            end: shanghai_instant(date, self.time_until),
        })
    }

    /// Whether `at` lies inside one of the windows (start inclusive, end exclusive).
    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        self.window_on(shanghai_local(at).date()).is_some_and(|w| w.start <= at && at < w.end)
    }

    /// The window open at `at`, or else the next one to open; `None` when
    /// none is left.
    pub fn current_or_next(&self, at: DateTime<Utc>) -> Option<Window> {
        self.days_from(shanghai_local(at).date()).filter_map(|d| self.window_on(d)).find(|w| at < w.end)
    }

    /// The next window that opens strictly after `at`; `None` when none is left.
    pub fn next_opening(&self, at: DateTime<Utc>) -> Option<Window> {
        self.days_from(shanghai_local(at).date()).filter_map(|d| self.window_on(d)).find(|w| at < w.start)
    }

    /// The dates from `from` (or the start date, if later) to the end date.
    fn days_from(&self, from: NaiveDate) -> impl Iterator<Item = NaiveDate> + '_ {
        let first = from.max(self.start_date);
        first.iter_days().take_while(move |d| *d <= self.end_date)
    }

    /// The weekdays as people say them: `周一至周五` / `Mon–Fri` for a run
    /// of three or more, else a list (`周一、周三` / `Mon, Wed`); every day:
    /// `每天` / `Every day`.
    pub fn weekdays_text(&self, lang: Lang) -> String {
        let mut on = [false; 7];
        for d in &self.weekdays {
            if let Some(slot) = on.get_mut(d.index()) {
                *slot = true;
            }
        }
        if on.iter().all(|b| *b) {
            return Msg::EveryDay.text(lang).to_string();
        }
        let name = |i: usize| Weekday::ALL.get(i).map_or("", |d| d.label().text(lang));
        let (sep, dash) = match lang {
            Lang::Zh => ("、", "至"),
            Lang::En => (", ", "–"),
        };
        let mut parts = Vec::new();
        let mut i = 0;
        while i < 7 {
            if on.get(i).copied().unwrap_or(false) {
                let mut j = i;
                while j + 1 < 7 && on.get(j + 1).copied().unwrap_or(false) {
                    j += 1;
                }
                if j - i >= 2 {
                    parts.push(format!("{}{dash}{}", name(i), name(j)));
                } else {
                    parts.extend((i..=j).map(|k| name(k).to_string()));
                }
                i = j + 1;
            } else {
                i += 1;
            }
        }
        parts.join(sep)
    }

    /// `周一至周五 08:00–12:00` / `Mon–Fri 08:00–12:00`.
    pub fn describe(&self, lang: Lang) -> String {
        format!("{} {}–{}", self.weekdays_text(lang), self.time_from.format("%H:%M"), self.time_until.format("%H:%M"))
    }
}

/// A window as people read it: `12-01 周二 08:00–12:00` / `12-01 Tue 08:00–12:00`.
pub fn window_text(w: Window, lang: Lang) -> String {
    let start = shanghai_local(w.start);
    let end = shanghai_local(w.end);
    format!(
        "{} {} {}–{}",
        start.format("%m-%d"),
        Weekday::of(start.weekday()).label().text(lang),
        start.format("%H:%M"),
        end.format("%H:%M")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).map(|d| d.with_timezone(&Utc)).unwrap_or_default()
    }

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    /// Mon–Fri 08:00–12:00 from Monday 2026-11-30 to 2027-05-31.
    fn weekdays_mornings() -> Schedule {
        Schedule {
            weekdays: vec![Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri],
            time_from: parse_hm("08:00").unwrap_or_default(),
            time_until: parse_hm("12:00").unwrap_or_default(),
            start_date: date("2026-11-30"),
            end_date: date("2027-05-31"),
        }
    }

    #[test]
    fn the_day_is_the_shanghai_day() {
        let s = weekdays_mornings();
        // Sunday 2026-12-06 23:30 UTC is Monday 2026-12-07 07:30 in Shanghai.
        let sunday_night_utc = utc("2026-12-06T23:30:00Z");
        assert_eq!(shanghai_local(sunday_night_utc).to_string(), "2026-12-07 07:30:00");
        assert!(!s.contains(sunday_night_utc), "07:30 is before the window");
        // Monday 08:00 Shanghai is Monday 00:00 UTC... of the same date: 2026-12-07T00:00Z.
        assert!(s.contains(utc("2026-12-07T00:00:00Z")), "Monday 08:00 Shanghai, though Sunday/Monday midnight UTC");
        // Saturday 2026-12-05 00:30 UTC is Saturday 08:30 in Shanghai: no window.
        assert!(!s.contains(utc("2026-12-05T00:30:00Z")));
        // Friday 2026-12-04 23:30 UTC is Saturday 07:30 Shanghai; Friday 16:00 UTC is Saturday 00:00.
        assert!(!s.contains(utc("2026-12-04T16:00:00Z")));
        // Friday 03:59 UTC = Friday 11:59 Shanghai: inside.
        assert!(s.contains(utc("2026-12-04T03:59:00Z")));
        let next = s.current_or_next(sunday_night_utc).map(|w| w.start);
        assert_eq!(next, Some(utc("2026-12-07T00:00:00Z")), "the next window is Monday 08:00 Shanghai");
    }

    #[test]
    fn window_edges_are_inclusive_start_exclusive_end() {
        let s = weekdays_mornings();
        // Tuesday 2026-12-01: 08:00 Shanghai = 00:00 UTC, 12:00 = 04:00 UTC.
        assert!(!s.contains(utc("2026-11-30T23:59:59Z")));
        assert!(s.contains(utc("2026-12-01T00:00:00Z")));
        assert!(s.contains(utc("2026-12-01T03:59:59Z")));
        assert!(!s.contains(utc("2026-12-01T04:00:00Z")));
        let w = s.current_or_next(utc("2026-12-01T02:00:00Z"));
        assert_eq!(w.map(|w| w.start), Some(utc("2026-12-01T00:00:00Z")), "the open window is the current one");
        let n = s.next_opening(utc("2026-12-01T02:00:00Z"));
        assert_eq!(n.map(|w| w.start), Some(utc("2026-12-02T00:00:00Z")), "the next opening is tomorrow");
        // Friday after the window: next is Monday.
        let n = s.current_or_next(utc("2026-12-04T05:00:00Z"));
        assert_eq!(n.map(|w| w.start), Some(utc("2026-12-07T00:00:00Z")));
    }

    #[test]
    fn nothing_before_the_start_or_after_the_end_date() {
        let s = weekdays_mornings();
        // Friday 2026-11-27 09:00 Shanghai: a weekday in the window, but before the start date.
        assert!(!s.contains(utc("2026-11-27T01:00:00Z")));
        assert_eq!(s.current_or_next(utc("2026-11-27T01:00:00Z")).map(|w| w.start), Some(utc("2026-11-30T00:00:00Z")));
        // 2027-05-31 is a Monday: its window is the last.
        assert!(s.contains(utc("2027-05-31T01:00:00Z")));
        assert!(s.current_or_next(utc("2027-05-31T04:00:00Z")).is_none(), "none left after the last window");
        assert_eq!(s.first_instant(), utc("2026-11-29T16:00:00Z"));
        assert_eq!(s.last_instant(), utc("2027-05-31T16:00:00Z"));
    }

    #[test]
    fn the_zone_is_total_at_the_ends_of_the_calendar() {
        assert!(shanghai_local(DateTime::<Utc>::MAX_UTC) >= DateTime::<Utc>::MAX_UTC.naive_utc() - Duration::days(1));
        assert!(shanghai_local(DateTime::<Utc>::MIN_UTC) <= DateTime::<Utc>::MIN_UTC.naive_utc() + Duration::days(1));
        // 1988: Shanghai kept summer time then; a skipped hour does not panic.
        let _ = shanghai_instant(date("1988-04-10"), parse_hm("02:30").unwrap_or_default());
        assert_eq!(
            shanghai_instant(date("2026-06-01"), NaiveTime::MIN),
            utc("2026-05-31T16:00:00Z"),
            "UTC+8, no DST now"
        );
    }

    #[test]
    fn validation() {
        let today = date("2026-11-30");
        assert_eq!(weekdays_mornings().validate(today), Ok(()));
        let mut s = weekdays_mornings();
        s.weekdays.clear();
        assert_eq!(s.validate(today), Err(("weekdays", Msg::ErrScheduleNoDays)));
        let mut s = weekdays_mornings();
        s.time_until = s.time_from;
        assert_eq!(s.validate(today), Err(("time_until", Msg::ErrWindowOrder)));
        let mut s = weekdays_mornings();
        s.end_date = date("2026-11-29");
        assert_eq!(s.validate(today), Err(("end_date", Msg::ErrWindowOrder)));
        let mut s = weekdays_mornings();
        s.end_date = date("2027-11-30");
        assert_eq!(s.validate(today), Ok(()), "exactly a year");
        s.end_date = date("2027-12-01");
        assert_eq!(s.validate(today), Err(("end_date", Msg::ErrScheduleTooLong)));
        let mut s = weekdays_mornings();
        s.start_date = date("2026-01-01");
        s.end_date = date("2026-06-01");
        assert_eq!(s.validate(today), Err(("end_date", Msg::ErrWindowPast)));
        // Only Saturdays, but the period is Mon 11-30 to Fri 12-04.
        let mut s = weekdays_mornings();
        s.weekdays = vec![Weekday::Sat];
        s.end_date = date("2026-12-04");
        assert_eq!(s.validate(today), Err(("weekdays", Msg::ErrScheduleNoWindow)));
    }

    #[test]
    fn wire_form_and_text() {
        let s = weekdays_mornings();
        let json = serde_json::to_value(&s).unwrap_or_default();
        assert_eq!(json["time_from"], "08:00");
        assert_eq!(json["weekdays"][0], "mon");
        assert_eq!(json["start_date"], "2026-11-30");
        let back: Schedule = serde_json::from_value(serde_json::json!({
            "weekdays": ["fri", "mon", "mon"], "time_from": "8:00:30", "time_until": "12:00",
            "start_date": "2026-11-30", "end_date": "2027-05-31"
        }))
        .unwrap_or_else(|_| weekdays_mornings());
        assert_eq!(back.clone().normalized().weekdays, vec![Weekday::Mon, Weekday::Fri]);
        assert_eq!(back.time_from, s.time_from, "seconds dropped");
        assert!(
            serde_json::from_value::<Schedule>(serde_json::json!({
                "weekdays": ["mon"], "time_from": "25:00", "time_until": "12:00",
                "start_date": "2026-11-30", "end_date": "2027-05-31"
            }))
            .is_err()
        );
        assert_eq!(s.describe(Lang::Zh), "周一至周五 08:00–12:00");
        assert_eq!(s.describe(Lang::En), "Mon–Fri 08:00–12:00");
        let mut odd = s.clone();
        odd.weekdays = vec![Weekday::Mon, Weekday::Wed, Weekday::Sat, Weekday::Sun];
        assert_eq!(odd.weekdays_text(Lang::Zh), "周一、周三、周六、周日");
        odd.weekdays = Weekday::ALL.to_vec();
        assert_eq!(odd.weekdays_text(Lang::En), "Every day");
        let w = s.current_or_next(utc("2026-12-06T23:30:00Z"));
        assert_eq!(w.map(|w| window_text(w, Lang::Zh)).as_deref(), Some("12-07 周一 08:00–12:00"));
    }
}
