//! Vehicle number plates as they exist on Chinese roads, after the formats
//! of the national standard GA 36-2018 《中华人民共和国机动车号牌》 and
//! its amendments, plus the military (解放军, 武警) and civil-aviation
//! airside plates that also stop at a community's gate.
//!
//! What a resident or guard types is folded first ([`parse`]): Unicode
//! NFKC (a full-width IME's `粤Ｂ１２３４５` → `粤B12345`), every space,
//! middle dot (`·`, `•`, `・`…), dash and other separator dropped, Latin
//! letters upper-cased. In the serial part, where GA 36 never uses the
//! letters I and O, a typed `O` or `I` is read as the digit it stands for.

use super::text::fold_compact;

/// The kind of plate, which decides its shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlateKind {
    /// Blue or yellow plate: province, issuing-office letter, 5 characters
    /// (`粤B12345`).
    Ordinary,
    /// Green new-energy plate, 8 characters: small vehicles start the
    /// serial with a letter A–K (D/F first issued; `沪AD12345`), large ones
    /// end it with D or F (`粤B12345D`).
    NewEnergy,
    /// Province, letter, 4 characters and a final character of use:
    /// 警 police, 学 driving-school, 挂 trailer, 试 test, 超 oversize,
    /// 港/澳 cross-border with Hong Kong/Macau (`粤Z1234港`), 领 consulate
    /// (`沪A1234领`), 应急 emergency rescue (two characters).
    WithSuffix,
    /// Embassy plate: 使 and six digits (embassy code and serial,
    /// `使014578`).
    Embassy,
    /// People's Liberation Army: two letters and five digits (`KA12345`).
    Military,
    /// Armed police: WJ, an optional province, four digits and a final
    /// digit or service character (`WJ粤1234消`, `WJ12345`).
    ArmedPolice,
    /// Civil-aviation airside vehicles: 民航 and five characters.
    CivilAviation,
}

/// Province abbreviations that start a mainland plate (GA 36-2018 §5).
const PROVINCES: &str = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";
/// Final characters of use (see [`PlateKind::WithSuffix`]).
const SUFFIXES: &str = "警学挂试超港澳领";
/// Service characters ending an armed-police plate.
const ARMED_POLICE_SERVICES: &str = "消边通森金警电";

/// An issuing-office letter: any Latin capital (O is used for police in
/// several provinces).
fn office(c: char) -> bool {
    c.is_ascii_uppercase()
}

/// A serial character: digits and Latin capitals except I and O.
fn serial(c: char) -> bool {
    c.is_ascii_digit() || (c.is_ascii_uppercase() && c != 'I' && c != 'O')
}

fn province(c: char) -> bool {
    PROVINCES.contains(c)
}

/// What was typed, folded: NFKC, separators dropped, Latin upper-cased.
pub fn fold(input: &str) -> String {
    fold_compact(input).chars().map(|c| c.to_ascii_uppercase()).collect()
}

/// The serial part with the look-alike letters read as digits.
fn serial_digits(chars: &[char]) -> Vec<char> {
    chars
        .iter()
        .map(|c| match c {
            'O' => '0',
            'I' => '1',
            c => *c,
        })
        .collect()
}

/// The canonical plate and its kind, or `None` when the text is no plate.
pub fn parse(input: &str) -> Option<(String, PlateKind)> {
    let folded: Vec<char> = fold(input).chars().collect();
    classify(&folded).or_else(|| {
        // Read O/I typed in the serial part as 0/1 and try again.
        let (head, tail) = folded.split_at_checked(2)?;
        let mut again = head.to_vec();
        again.extend(serial_digits(tail));
        classify(&again)
    })
}

fn classify(c: &[char]) -> Option<(String, PlateKind)> {
    let kind = kind_of(c)?;
    Some((c.iter().collect(), kind))
}

fn kind_of(c: &[char]) -> Option<PlateKind> {
    let all = |s: &[char], f: fn(char) -> bool| s.iter().all(|x| f(*x));
    let digits = |s: &[char]| s.iter().all(char::is_ascii_digit);
    match c {
        ['使', rest @ ..] if rest.len() == 6 && digits(rest) => Some(PlateKind::Embassy),
        ['民', '航', rest @ ..] if rest.len() == 5 && all(rest, serial) => Some(PlateKind::CivilAviation),
        ['W', 'J', rest @ ..] => armed_police(rest).then_some(PlateKind::ArmedPolice),
        [p, o, rest @ ..] if province(*p) && office(*o) => civil(rest),
        [a, b, rest @ ..] if a.is_ascii_uppercase() && b.is_ascii_uppercase() && rest.len() == 5 && digits(rest) => {
            Some(PlateKind::Military)
        }
        _ => None,
    }
}

/// The part of a civil plate after province and office letter.
fn civil(rest: &[char]) -> Option<PlateKind> {
    let all_serial = |s: &[char]| s.iter().all(|x| serial(*x));
    let digits = |s: &[char]| s.iter().all(char::is_ascii_digit);
    match rest {
        s if s.len() == 5 && all_serial(s) => Some(PlateKind::Ordinary),
        // Small new-energy: a letter A–K (not I), a serial character, four digits.
        [first, second, tail @ ..]
            if tail.len() == 4 && ('A'..='K').contains(first) && *first != 'I' && serial(*second) && digits(tail) =>
        {
            Some(PlateKind::NewEnergy)
        }
        // Large new-energy: five digits then D or F.
        [head @ .., last] if head.len() == 5 && digits(head) && matches!(last, 'D' | 'F') => Some(PlateKind::NewEnergy),
        [s @ .., '应', '急'] if s.len() == 4 && all_serial(s) => Some(PlateKind::WithSuffix),
        [s @ .., last] if s.len() == 4 && all_serial(s) && SUFFIXES.contains(*last) => Some(PlateKind::WithSuffix),
        _ => None,
    }
}

fn armed_police(rest: &[char]) -> bool {
    let rest = match rest {
        [p, tail @ ..] if province(*p) => tail,
        _ => rest,
    };
    match rest {
        [d @ .., last] if d.len() == 4 && d.iter().all(char::is_ascii_digit) => {
            last.is_ascii_digit() || ARMED_POLICE_SERVICES.contains(*last)
        }
        _ => false,
    }
}

/// Whether `plate` (already canonical) is a plate.
pub fn is_plate(plate: &str) -> bool {
    let chars: Vec<char> = plate.chars().collect();
    kind_of(&chars).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_plate_is_accepted() {
        for (typed, canonical, kind) in [
            ("粤B12345", "粤B12345", PlateKind::Ordinary),
            ("苏E9Z123", "苏E9Z123", PlateKind::Ordinary),
            ("京A8888D", "京A8888D", PlateKind::Ordinary),
            ("粤O12345", "粤O12345", PlateKind::Ordinary),
            ("沪AD12345", "沪AD12345", PlateKind::NewEnergy),
            ("粤BDA1234", "粤BDA1234", PlateKind::NewEnergy),
            ("京AK12345", "京AK12345", PlateKind::NewEnergy),
            ("粤B12345D", "粤B12345D", PlateKind::NewEnergy),
            ("粤B1234警", "粤B1234警", PlateKind::WithSuffix),
            ("京A1234学", "京A1234学", PlateKind::WithSuffix),
            ("粤B1234挂", "粤B1234挂", PlateKind::WithSuffix),
            ("粤A8Z88挂", "", PlateKind::WithSuffix),
            ("沪A1234试", "沪A1234试", PlateKind::WithSuffix),
            ("川A1234超", "川A1234超", PlateKind::WithSuffix),
            ("粤Z1234港", "粤Z1234港", PlateKind::WithSuffix),
            ("粤Z1234澳", "粤Z1234澳", PlateKind::WithSuffix),
            ("沪A1234领", "沪A1234领", PlateKind::WithSuffix),
            ("京X1234应急", "京X1234应急", PlateKind::WithSuffix),
            ("使014578", "使014578", PlateKind::Embassy),
            ("KA12345", "KA12345", PlateKind::Military),
            ("WJ粤1234消", "WJ粤1234消", PlateKind::ArmedPolice),
            ("WJ12345", "WJ12345", PlateKind::ArmedPolice),
            ("民航A1234", "民航A1234", PlateKind::CivilAviation),
        ] {
            let Some((plate, k)) = parse(typed) else { panic!("{typed} refused") };
            if !canonical.is_empty() {
                assert_eq!(plate, canonical, "{typed}");
            }
            assert_eq!(k, kind, "{typed}");
            assert!(is_plate(&plate), "{typed}");
        }
    }

    #[test]
    fn what_people_type_is_folded() {
        for (typed, canonical) in [
            ("粤Ｂ１２３４５", "粤B12345"),
            ("粤b 123-45", "粤B12345"),
            ("粤B·12345", "粤B12345"),
            ("粤B•12345", "粤B12345"),
            ("粤B・12345", "粤B12345"),
            ("粤B．12345", "粤B12345"),
            ("粤Ｂ・１２３４警", "粤B1234警"),
            ("\u{200B}粤B 12345\u{3000}", "粤B12345"),
            ("沪A·D12345", "沪AD12345"),
            ("粤B1234O", "粤B12340"),
            ("粤B1I345", "粤B11345"),
        ] {
            assert_eq!(parse(typed).map(|(p, _)| p).as_deref(), Some(canonical), "{typed}");
        }
    }

    #[test]
    fn what_is_no_plate_is_refused() {
        for bad in [
            "",
            "B12345",
            "粤12345",
            "粤B1234",
            "粤B123456789",
            "X粤B12345",
            "粤B1234呀",
            "使01457",
            "使01457A",
            "WJ粤123",
            "民航12",
            "12345",
            "粤BI2345X",
        ] {
            assert!(parse(bad).is_none(), "{bad}");
        }
    }
}
