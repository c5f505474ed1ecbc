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

/// The local calendar date of an instant.
pub fn local_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&shanghai()).date_naive()
}

/// The instant a local date starts (00:00 Shanghai time).
pub fn start_of_local_day(date: NaiveDate) -> DateTime<Utc> {
    local_instant(date, NaiveTime::MIN)
}

/// The last instant of the local day containing `at` (23:59:59 Shanghai).
pub fn end_of_local_day(at: DateTime<Utc>) -> DateTime<Utc> {
    start_of_local_day(local_date(at)) + Duration::days(1) - Duration::seconds(1)
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
    at.with_timezone(&shanghai()).format("%H:%M").to_string()
}

/// `2026-11-27 14:02` in Shanghai time.
pub fn format_local(at: DateTime<Utc>) -> String {
    at.with_timezone(&shanghai()).format("%Y-%m-%d %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn local_formatting_uses_shanghai_time() {
        assert_eq!(format_local_hm(utc("2026-11-27T06:02:00Z")), "14:02");
    }
}
