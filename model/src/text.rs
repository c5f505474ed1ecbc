//! Text as people type and paste it: one place that decides what "empty"
//! means and what a stored string may start or end with.
//!
//! Every free-text field of the product passes through [`line`] (names,
//! titles, places: one line) or [`block`] (descriptions, notes, bodies:
//! several lines) before it is checked and stored. Both
//! - put the text in Unicode NFC, so the same name typed on two phones is
//!   stored the same way (UAX #15);
//! - drop control characters and the bidirectional controls (U+200E/F,
//!   U+061C, U+202A–U+202E, U+2066–U+2069) everywhere: a copied contact
//!   carries them, and a "right-to-left override" can make a row read
//!   backwards on the guard's screen (Unicode TR #36 §2.4, CVE-2021-42574);
//! - drop the zero-width space, word joiner and byte-order mark everywhere
//!   (they carry no meaning in Chinese or Latin text), but keep the
//!   zero-width joiners inside the text that emoji sequences need;
//! - trim every character that renders as nothing from both ends:
//!   whitespace (including the ideographic space U+3000), format
//!   characters (general category Cf) and the "filler" letters that
//!   messaging apps are known for blank names with (U+3164 HANGUL FILLER,
//!   U+115F/U+1160, U+FFA0, U+2800 BRAILLE PATTERN BLANK).
//!
//! Characters outside the Basic Multilingual Plane (𠮷, 䶮 is inside it,
//! 𡈼…) are ordinary characters here; lengths count Unicode scalar values.

use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

use super::i18n::Msg;

/// Why a text field is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    /// Nothing visible is left (only spaces, invisible or format characters).
    #[error("blank")]
    Blank,
    /// More characters than the field allows.
    #[error("too long")]
    TooLong,
}

impl TextError {
    /// What the user is told.
    pub const fn msg(self) -> Msg {
        match self {
            Self::Blank => Msg::ErrRequired,
            Self::TooLong => Msg::ErrTooLong,
        }
    }
}

/// Bidirectional controls: never kept anywhere in stored text.
const fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Zero-width characters without a use in the text this product stores.
const fn is_dropped_everywhere(c: char) -> bool {
    matches!(c, '\u{200B}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' | '\u{180E}') || is_filler(c)
}

/// Letters that render as blank space and are used to fake blank names.
const fn is_filler(c: char) -> bool {
    matches!(c, '\u{3164}' | '\u{115F}' | '\u{1160}' | '\u{FFA0}' | '\u{2800}' | '\u{034F}')
}

/// Whether `c` shows nothing: whitespace, a control or format character,
/// a filler letter, or a variation selector on its own.
pub fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || is_filler(c)
        || matches!(c, '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}')
        || matches!(
            c.general_category(),
            GeneralCategory::Format
                | GeneralCategory::SpaceSeparator
                | GeneralCategory::LineSeparator
                | GeneralCategory::ParagraphSeparator
        )
}

/// Whether the text has nothing a reader could see: only invisible
/// characters, or combining marks with nothing to sit on (`\u{0301}`).
pub fn is_blank(s: &str) -> bool {
    s.chars().all(|c| {
        is_invisible(c)
            || matches!(c.general_category(), GeneralCategory::NonspacingMark | GeneralCategory::EnclosingMark)
    })
}

fn trim_invisible(s: &str) -> &str {
    s.trim_matches(is_invisible)
}

/// One line of text made canonical: NFC, controls and line breaks turned
/// into spaces, bidirectional and zero-width characters dropped, runs of
/// spaces kept as typed, invisible characters trimmed from both ends.
pub fn line(input: &str) -> String {
    let kept: String = input
        .nfc()
        .filter(|c| !is_bidi_control(*c) && !is_dropped_everywhere(*c))
        .map(|c| if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') { ' ' } else { c })
        .collect();
    trim_invisible(&kept).to_string()
}

/// Several lines of text made canonical: like [`line`], but line breaks
/// (`\r\n`, `\r`, U+2028/U+2029) become `\n`, tabs are kept, each line
/// loses its trailing spaces and the whole loses blank lines at both ends.
pub fn block(input: &str) -> String {
    let unified = input.replace("\r\n", "\n");
    let kept: String = unified
        .nfc()
        .filter(|c| !is_bidi_control(*c) && !is_dropped_everywhere(*c))
        .map(|c| match c {
            '\r' | '\u{2028}' | '\u{2029}' => '\n',
            '\n' | '\t' => c,
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    let lines: Vec<&str> = kept.split('\n').map(|l| l.trim_end_matches(is_invisible)).collect();
    trim_invisible(&lines.join("\n")).to_string()
}

/// At most `max_chars` characters: longer text keeps `max_chars - 1` and
/// an ellipsis (`…`), for providers that refuse longer values.
pub fn shorten(s: &str, max_chars: usize) -> String {
    if s.chars().count() <= max_chars {
        s.to_string()
    } else {
        s.chars().take(max_chars.saturating_sub(1)).chain(['…']).collect()
    }
}

fn within(s: String, max_chars: usize) -> Result<String, TextError> {
    if s.chars().count() > max_chars { Err(TextError::TooLong) } else { Ok(s) }
}

/// A required one-line field of at most `max_chars` characters (after
/// cleaning): the canonical text, or why it is refused.
pub fn required_line(input: &str, max_chars: usize) -> Result<String, TextError> {
    let s = line(input);
    if is_blank(&s) { Err(TextError::Blank) } else { within(s, max_chars) }
}

/// `s`, or `""` when nothing in it is visible (see [`is_blank`]): an
/// optional field's "not given", so a caller testing `is_empty()` (a note
/// required for one action only, a text required unless a photo is sent)
/// refuses combining marks with no base (`\u{0301}`) like spaces.
fn visible_or_empty(s: String) -> String {
    if is_blank(&s) { String::new() } else { s }
}

/// An optional one-line field: `""` when nothing visible was typed
/// (spaces, invisible characters, or combining marks alone).
pub fn optional_line(input: &str, max_chars: usize) -> Result<String, TextError> {
    within(visible_or_empty(line(input)), max_chars)
}

/// A required multi-line field of at most `max_chars` characters.
pub fn required_block(input: &str, max_chars: usize) -> Result<String, TextError> {
    let s = block(input);
    if is_blank(&s) { Err(TextError::Blank) } else { within(s, max_chars) }
}

/// An optional multi-line field: `""` when nothing visible was typed
/// (as [`optional_line`]).
pub fn optional_block(input: &str, max_chars: usize) -> Result<String, TextError> {
    within(visible_or_empty(block(input)), max_chars)
}

/// `input` in Unicode NFKC: full-width letters, digits and punctuation
/// become their ASCII forms (`１０１` → `101`, `，` → `,`).
pub fn nfkc(input: &str) -> String {
    input.nfkc().collect()
}

/// `input` folded for matching codes, numbers and plates: Unicode NFKC
/// (full-width `Ｂ１２` → `B12`, circled and other compatibility forms to
/// their plain letters), then every whitespace, invisible, bidirectional
/// and separator character (`-`, `·` and the other middle dots, `.`, `_`,
/// `/`, dashes, brackets) dropped. Letters keep their case.
pub fn fold_compact(input: &str) -> String {
    input
        .nfkc()
        .filter(|c| {
            !is_invisible(*c)
                && !is_bidi_control(*c)
                && !is_dropped_everywhere(*c)
                && !matches!(
                    c,
                    '-' | '_' | '.' | '/' | '(' | ')' | '[' | ']' | '·' | '•' | '‧' | '∙' | '⋅' | '・' | '‐'
                        ..='―' | '−' | '。' | '、' | '（' | '）'
                )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_only_text_is_blank() {
        for blank in [
            "",
            " ",
            "\u{200B}",
            "\u{200B}\u{200C}\u{200D}",
            "\u{3000}\u{3000}",
            "\u{FEFF}",
            "\u{3164}",
            "\u{2800}\u{2800}",
            "\u{202E}\u{2066}",
            "\t\n\r",
            "\u{00A0}\u{2009}",
            "\u{FE0F}",
            "\u{E0041}",
            "\u{0301}",
            "\u{0301}\u{0302}\u{0303}",
            "\u{20DD}",
        ] {
            assert_eq!(required_line(blank, 30), Err(TextError::Blank), "{blank:?}");
            assert_eq!(required_block(blank, 30), Err(TextError::Blank), "{blank:?}");
            assert!(is_blank(blank), "{blank:?}");
        }
    }

    #[test]
    fn names_outside_the_basic_plane_are_kept() {
        for name in ["𠮷野家", "李䶮", "𡈼", "王🙂", "👨\u{200D}👩\u{200D}👧"] {
            assert_eq!(required_line(name, 30).as_deref(), Ok(name));
        }
        // One scalar value each, however many UTF-16 units.
        assert_eq!(required_line("𠮷𠮷", 2).as_deref(), Ok("𠮷𠮷"));
        assert_eq!(required_line("𠮷𠮷𠮷", 2), Err(TextError::TooLong));
    }

    #[test]
    fn no_stored_text_starts_or_ends_invisible() {
        assert_eq!(line("\u{200B} 张三\u{3000}\u{200E}"), "张三");
        assert_eq!(line("\u{202E}张三\u{202C}"), "张三");
        assert_eq!(line("张\u{200B}三"), "张三");
        assert_eq!(line("王\u{3164}明"), "王明", "fillers go everywhere");
        assert_eq!(line("张\n三"), "张 三");
        assert_eq!(block("\n\n 漏水了 \r\n楼下也湿了\u{3000}\n\n"), "漏水了\n楼下也湿了");
        assert_eq!(block("a\r\rb"), "a\n\nb");
        assert_eq!(block("\u{3164}\n\u{3164}"), "");
    }

    #[test]
    fn text_is_stored_in_nfc() {
        // "é" typed as e + combining acute becomes one character.
        assert_eq!(line("Jose\u{0301}"), "José");
        assert_eq!(line("Jose\u{0301}").chars().count(), 4);
    }

    #[test]
    fn optional_text_of_combining_marks_alone_is_not_given() {
        for blank in ["\u{0301}", "\u{0301}\u{0301}", " \u{0301} ", "\u{20DD}", "\n\u{0302}\n"] {
            assert_eq!(optional_line(blank, 30).as_deref(), Ok(""), "{blank:?}");
            assert_eq!(optional_block(blank, 30).as_deref(), Ok(""), "{blank:?}");
        }
        // Real text with combining marks is kept: é as e + U+0301 (NFC
        // makes it one), Thai and Devanagari vowel signs and marks.
        assert_eq!(optional_line("e\u{0301}", 30).as_deref(), Ok("é"));
        for kept in ["กิน", "ที่นี่", "हिन्दी", "किं", "a\u{20DD}"] {
            assert_eq!(optional_block(kept, 30).as_deref(), Ok(kept), "{kept:?}");
            assert_eq!(required_line(kept, 30).as_deref(), Ok(kept), "{kept:?}");
        }
    }

    #[test]
    fn optional_fields_may_be_empty() {
        assert_eq!(optional_line("\u{200B}", 10).as_deref(), Ok(""));
        assert_eq!(optional_block("  ", 10).as_deref(), Ok(""));
        assert_eq!(optional_line("12345678901", 10), Err(TextError::TooLong));
    }

    #[test]
    fn folding_for_codes_and_numbers() {
        assert_eq!(fold_compact("粤Ｂ１２３４５"), "粤B12345");
        assert_eq!(fold_compact("粤B·123 45"), "粤B12345");
        assert_eq!(fold_compact("粤B・12345"), "粤B12345");
        assert_eq!(fold_compact("\u{202A}138-0013\u{2013}8000\u{202C}"), "13800138000");
        assert_eq!(fold_compact("（+86）138 0013 8000"), "+8613800138000");
        assert_eq!(fold_compact("ab\u{3000}cd"), "abcd");
    }
}
