//! Mainland mobile numbers: validation and masking. Lists never show a
//! full number (SPEC §7); only the owner and authorised staff see it whole.

/// Whether `phone` looks like a mainland mobile number: 11 digits from 1[3-9].
pub fn is_valid_mobile(phone: &str) -> bool {
    let b = phone.as_bytes();
    b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) && b.iter().all(u8::is_ascii_digit)
}

/// Strips spaces, dashes and a leading +86 that people type or paste.
pub fn normalize(input: &str) -> String {
    let digits: String = input.chars().filter(|c| c.is_ascii_digit()).collect();
    match digits.strip_prefix("86") {
        Some(rest) if digits.len() == 13 => rest.to_string(),
        _ => digits,
    }
}

/// `13812341234` → `138****1234`. Anything shorter keeps only its last two
/// characters, so a malformed number never leaks whole either.
pub fn mask(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() >= 11 {
        let head: String = chars[..3].iter().collect();
        let tail: String = chars[chars.len() - 4..].iter().collect();
        format!("{head}****{tail}")
    } else if chars.len() > 2 {
        let tail: String = chars[chars.len() - 2..].iter().collect();
        format!("****{tail}")
    } else {
        "****".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_mainland_mobiles() {
        assert!(is_valid_mobile("13800000001"));
        assert!(is_valid_mobile("19912345678"));
        assert!(!is_valid_mobile("12800000001"));
        assert!(!is_valid_mobile("1380000000"));
        assert!(!is_valid_mobile("138000000012"));
        assert!(!is_valid_mobile("1380000000a"));
    }

    #[test]
    fn normalizes_what_people_type() {
        assert_eq!(normalize("+86 138-0000-0001"), "13800000001");
        assert_eq!(normalize("138 0000 0001"), "13800000001");
    }

    #[test]
    fn masks_the_middle() {
        assert_eq!(mask("13812341234"), "138****1234");
        assert_eq!(mask("12345"), "****45");
        assert_eq!(mask(""), "****");
    }
}
