//! Local time of the communities. Every community is in mainland China,
//! which keeps UTC+8 all year (no daylight saving since 1991), so a fixed
//! offset is exact and spares the WASM bundle a time-zone database.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};

/// Asia/Shanghai. Evaluated at compile time, so the range check cannot
/// fail at run time.
const SHANGHAI: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+8 is a valid offset"),
};

/// Asia/Shanghai.
pub const fn shanghai() -> FixedOffset {
    SHANGHAI
}

/// The local wall-clock time of an instant. Total: at the very end of the
/// calendar chrono can represent (a corrupt or hostile date) it answers
/// the UTC time rather than panicking as `with_timezone` would.
fn local_naive(at: DateTime<Utc>) -> chrono::NaiveDateTime {
    let utc = at.naive_utc();
    utc.checked_add_signed(Duration::seconds(i64::from(SHANGHAI.local_minus_utc()))).unwrap_or(utc)
}

/// The local calendar date of an instant.
pub fn local_date(at: DateTime<Utc>) -> NaiveDate {
    local_naive(at).date()
}

/// The instant a local date starts (00:00 Shanghai time).
pub fn start_of_local_day(date: NaiveDate) -> DateTime<Utc> {
    local_instant(date, NaiveTime::MIN)
}

/// The last instant of the local day containing `at` (23:59:59 Shanghai);
/// `at` itself at the very end of the calendar chrono can represent.
pub fn end_of_local_day(at: DateTime<Utc>) -> DateTime<Utc> {
    start_of_local_day(local_date(at)).checked_add_signed(Duration::days(1) - Duration::seconds(1)).unwrap_or(at)
}

/// How far back a date sent by a client may lie: the product plans
/// nothing in the past beyond a year.
pub const CLIENT_DATE_PAST_DAYS: i64 = 366;
/// How far ahead: passes, events and notices are planned at most two
/// years ahead.
pub const CLIENT_DATE_FUTURE_DAYS: i64 = 2 * 366;

/// Whether a date sent by a client lies within the window the product
/// has a use for (a year back, two years ahead of `now`). Every date from
/// a client is checked with this before any arithmetic is done on it.
pub fn is_plausible_client_date(at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    let earliest = now.checked_sub_signed(Duration::days(CLIENT_DATE_PAST_DAYS));
    let latest = now.checked_add_signed(Duration::days(CLIENT_DATE_FUTURE_DAYS));
    matches!((earliest, latest), (Some(e), Some(l)) if e <= at && at <= l)
}

/// A local wall-clock time on a local date, as UTC.
pub fn local_instant(date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
    let naive = date.and_time(time);
    match shanghai().from_local_datetime(&naive).single() {
        Some(t) => t.with_timezone(&Utc),
        // A fixed offset has exactly one mapping; keep a total function anyway.
        None => Utc.from_utc_datetime(&naive),
    }
}

/// `14:02` in Shanghai time.
pub fn format_local_hm(at: DateTime<Utc>) -> String {
    local_naive(at).format("%H:%M").to_string()
}

/// `2026-11-27 14:02` in Shanghai time.
pub fn format_local(at: DateTime<Utc>) -> String {
    local_naive(at).format("%Y-%m-%d %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_dates_are_bounded_and_extremes_do_not_panic() {
        let now = utc("2026-11-30T08:00:00Z");
        assert!(is_plausible_client_date(now, now));
        assert!(is_plausible_client_date(utc("2028-11-01T00:00:00Z"), now));
        assert!(!is_plausible_client_date(utc("2029-01-01T00:00:00Z"), now));
        assert!(!is_plausible_client_date(utc("2025-11-01T00:00:00Z"), now));
        assert!(!is_plausible_client_date(DateTime::<Utc>::MAX_UTC, now));
        assert!(!is_plausible_client_date(DateTime::<Utc>::MIN_UTC, now));
        let end = end_of_local_day(DateTime::<Utc>::MAX_UTC);
        assert!(DateTime::<Utc>::MAX_UTC - end < Duration::days(1), "no panic, and close to the end: {end}");
        // Stored extremes still render.
        assert!(!format_local(DateTime::<Utc>::MAX_UTC).is_empty());
        assert!(!format_local_hm(DateTime::<Utc>::MIN_UTC).is_empty());
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).map(|d| d.with_timezone(&Utc)).unwrap_or_default()
    }

    #[test]
    fn end_of_day_is_local_midnight() {
        // 23:30 UTC on the 26th is 07:30 on the 27th in Shanghai.
        let at = utc("2026-11-26T23:30:00Z");
        assert_eq!(local_date(at).to_string(), "2026-11-27");
        assert_eq!(end_of_local_day(at), utc("2026-11-27T15:59:59Z"));
    }

    /// The fixed offset is the tz database's Asia/Shanghai for every
    /// instant the product handles (China has kept UTC+8 without daylight
    /// saving since 1991): both directions, hourly over 1992-2100.
    #[test]
    fn fixed_offset_equals_the_tz_database() {
        use chrono::Offset;
        use chrono_tz::Asia::Shanghai;
        let mut at = utc("1992-01-01T00:00:00Z");
        let end = utc("2100-01-01T00:00:00Z");
        let mut checked = 0_u32;
        while at < end {
            let naive = at.naive_utc();
            assert_eq!(Shanghai.offset_from_utc_datetime(&naive).fix(), shanghai(), "offset at {at}");
            assert_eq!(local_naive(at), at.with_timezone(&Shanghai).naive_local(), "wall clock at {at}");
            let wall = local_naive(at);
            let back = Shanghai.from_local_datetime(&wall).single().map(|d| d.with_timezone(&Utc));
            assert_eq!(back, Some(local_instant(wall.date(), wall.time())), "instant of {wall}");
            at += Duration::hours(1);
            checked += 1;
        }
        assert!(checked > 900_000, "{checked} instants");
    }

    #[test]
    fn local_formatting_uses_shanghai_time() {
        assert_eq!(format_local_hm(utc("2026-11-27T06:02:00Z")), "14:02");
    }
}
