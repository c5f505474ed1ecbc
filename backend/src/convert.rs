//! Saturating conversions for numbers read from rows and counted in
//! memory: a count never wraps and a negative stored value never turns
//! into a huge unsigned one.

/// A length or count as the API's `u32` fields hold it.
pub fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A stored integer that is never negative (a sequence number, a
/// reopen count), as `u32`: negatives read as 0.
pub fn non_negative(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

/// The string field `key` of a JSON row, or `""`.
pub fn str_field<'a>(v: &'a serde_json::Value, key: &str) -> &'a str {
    v.get(key).and_then(serde_json::Value::as_str).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_saturate() {
        assert_eq!(non_negative(-3), 0);
        assert_eq!(non_negative(i64::MAX), u32::MAX);
        assert_eq!(count(7), 7);
        assert_eq!(str_field(&serde_json::json!({ "a": "x", "b": 1 }), "a"), "x");
        assert_eq!(str_field(&serde_json::json!({ "b": 1 }), "b"), "");
    }
}
