//! Mainland mobile numbers: validation and masking. Lists never show a
//! full number (SPEC §7); only the owner and authorised staff see it whole.

/// Whether `phone` looks like a mainland mobile number: 11 digits from 1[3-9].
pub fn is_valid_mobile(phone: &str) -> bool {
    let b = phone.as_bytes();
    matches!(b, [b'1', b'3'..=b'9', ..]) && b.len() == 11 && b.iter().all(u8::is_ascii_digit)
}

/// Prefixes a mainland mobile number is written or dialled with, longest
/// first: the country code (ITU-T E.164: `+86`, `0086`, `86`) and the IP
/// long-distance prefixes that phones put in front of numbers in call logs
/// and contact cards (17951 China Mobile, 17911 and 17909 China Unicom and
/// China Telecom, 12593 China Mobile, 10193 China Unicom).
const PREFIXES: [&str; 8] = ["+86", "0086", "86", "17951", "17911", "17909", "12593", "10193"];

/// The canonical 11-digit form of a mainland mobile number as people type
/// or paste it, or the folded input when it is not one (so that
/// [`is_valid_mobile`] refuses it and the user sees what was read).
///
/// Folds full-width digits and other compatibility forms (NFKC), drops
/// spaces, dashes, dots, brackets and the invisible direction marks a
/// copied contact carries, then removes one [`PREFIXES`] prefix when what
/// is left is a valid number: `１３８００１３８０００`, `+86 138-0013-8000`,
/// `(+86)13800138000`, `0086 138 0013 8000`, `1795113800138000` all give
/// `13800138000`. Letters are kept, so `138abc` stays invalid rather than
/// turning into someone else's number.
pub fn normalize(input: &str) -> String {
    let folded = super::text::fold_compact(input);
    if is_valid_mobile(&folded) {
        return folded;
    }
    PREFIXES
        .iter()
        .filter_map(|p| folded.strip_prefix(p))
        .find(|rest| is_valid_mobile(rest))
        .map_or(folded.clone(), str::to_string)
}

/// `13812341234` → `138****1234`. Anything shorter keeps only its last two
/// characters, so a malformed number never leaks whole either.
pub fn mask(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    let n = chars.len();
    let part = |from: usize, to: usize| chars.get(from..to).map(|c| c.iter().collect::<String>()).unwrap_or_default();
    if n >= 11 {
        format!("{}****{}", part(0, 3), part(n - 4, n))
    } else if n > 2 {
        format!("****{}", part(n - 2, n))
    } else {
        "****".to_string()
    }
}

/// The stored number among `stored` that `given` is the [`mask`] of
/// (`139****2222`), if any: a form or client that sends back a masked
/// number it was shown keeps the number on file. A masked value is never
/// a valid number itself, so this cannot be mistaken for a new one.
pub fn unmask<'a>(given: &str, stored: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let given = given.trim();
    if !given.contains('*') {
        return None;
    }
    stored.into_iter().find(|full| mask(full) == given)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_masked_number_sent_back_is_the_one_on_file() {
        let stored = ["13911112222", "13800000001"];
        assert_eq!(unmask("139****2222", stored), Some("13911112222"));
        assert_eq!(unmask(" 138****0001 ", stored), Some("13800000001"));
        assert_eq!(unmask("137****2222", stored), None, "not a mask of one on file");
        assert_eq!(unmask("13911112222", stored), None, "a whole number is read as typed");
    }

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
        for typed in [
            "13800138000",
            "１３８００１３８０００",
            "+86 138-0013-8000",
            "+86-138-0013-8000",
            "＋８６　１３８　００１３　８０００",
            "(+86)13800138000",
            "（+86）138 0013 8000",
            "0086 138 0013 8000",
            "86 13800138000",
            "138.0013.8000",
            "138·0013·8000",
            "138\u{2013}0013\u{2013}8000",
            "\u{202A}+86 138 0013 8000\u{202C}",
            "\u{200E}13800138000\u{200F}",
            "\u{2066}138 0013 8000\u{2069}",
            "1795113800138000",
            "12593 13800138000",
            " 13800138000\u{3000}",
        ] {
            assert_eq!(normalize(typed), "13800138000", "{typed:?}");
            assert!(is_valid_mobile(&normalize(typed)), "{typed:?}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_mobile() {
        for typed in
            ["138abc00138000", "+1 415 555 0100", "010-12345678", "8613800138", "+86 12800138000", "1380013800O"]
        {
            assert!(!is_valid_mobile(&normalize(typed)), "{typed:?}");
        }
    }

    #[test]
    fn masks_the_middle() {
        assert_eq!(mask("13812341234"), "138****1234");
        assert_eq!(mask("12345"), "****45");
        assert_eq!(mask(""), "****");
    }
}
