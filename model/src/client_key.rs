//! A request's own key (`client_key`, or the `Idempotency-Key` header):
//! made once per press, tap or shown form by the client, sent again with
//! every retry of that request. The server files the request once per key
//! and person and answers every repeat with what the first one stored
//! (help calls, repairs, complaints and suggestions).

use crate::{AppError, Msg};

/// The shortest key accepted (bytes).
pub const MIN_LEN: usize = 8;
/// The longest key accepted (bytes).
pub const MAX_LEN: usize = 64;
/// The standard request header that may carry the key instead of the
/// body's `client_key` (lower case, as HTTP/2 sends header names).
pub const HEADER: &str = "idempotency-key";

/// Whether `key` has the accepted shape: 8–64 printable ASCII characters
/// (no spaces), so a UUID (braced or not), base64 or any token format a
/// client makes works.
pub fn is_valid(key: &str) -> bool {
    (MIN_LEN..=MAX_LEN).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic())
}

/// The key of one request, from its body's `client_key` and its
/// `Idempotency-Key` header (either may be absent; surrounding blanks are
/// ignored and a blank value is none). `None` when neither carries one.
///
/// # Errors
/// 422 `client_key` when the key has the wrong shape ([`is_valid`]), or
/// when the body and the header both carry one and they differ.
pub fn of_request(body: Option<&str>, header: Option<&str>) -> Result<Option<String>, AppError> {
    let key = match (present(body), present(header)) {
        (Some(b), Some(h)) if b != h => return Err(AppError::invalid("client_key", Msg::ErrClientKeyMismatch)),
        (Some(k), _) | (None, Some(k)) => k,
        (None, None) => return Ok(None),
    };
    if !is_valid(key) {
        return Err(AppError::invalid("client_key", Msg::ErrClientKey));
    }
    Ok(Some(key.to_string()))
}

/// A value with its surrounding blanks removed; `None` when blank.
fn present(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|k| !k.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_of_every_common_format_are_accepted_and_others_refused() {
        for good in [
            "12345678",
            "0f8fa8d2-6c5b-4c52-9d8e-2f7a4a1b3c9d",
            "{0F8FA8D2-6C5B-4C52-9D8E-2F7A4A1B3C9D}",
            "YWJjZGVmZ2g=",
            &"k".repeat(64),
        ] {
            assert!(is_valid(good), "{good}");
        }
        for bad in ["", "1234567", "with space", "钥匙钥匙钥匙钥匙", "tab\tkey12", &"k".repeat(65)] {
            assert!(!is_valid(bad), "{bad}");
        }
    }

    #[test]
    fn the_body_and_the_header_name_one_key() {
        assert_eq!(of_request(None, None), Ok(None));
        assert_eq!(of_request(Some("  "), Some("")), Ok(None));
        assert_eq!(of_request(Some(" abcdefgh "), None), Ok(Some("abcdefgh".into())));
        assert_eq!(of_request(None, Some("abcdefgh")), Ok(Some("abcdefgh".into())));
        assert_eq!(of_request(Some("abcdefgh"), Some("abcdefgh")), Ok(Some("abcdefgh".into())));
        let differ = of_request(Some("abcdefgh"), Some("abcdefgx")).err().and_then(|e| e.detail);
        assert_eq!(differ.as_deref(), Some("client_key"));
        let short = of_request(Some("short"), None).err().and_then(|e| e.detail);
        assert_eq!(short.as_deref(), Some("client_key"));
    }
}
