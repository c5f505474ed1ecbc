//! Reading a unit list as a spreadsheet writes it: Excel's and WPS's CSV
//! (comma, with or without a UTF-8 byte-order mark, quoted cells, CRLF)
//! and text pasted from a sheet (tab-separated), read by the `csv` crate,
//! not split by hand.
//!
//! The first non-blank row is a header only when its cells are column
//! names ([`BUILDING_COLUMNS`], [`UNIT_COLUMNS`]), and then it also says
//! which column is which; otherwise every row is data (so `A,101` for a
//! building numbered `A` is a unit, never a header). A building cell
//! matches a building's number or name, with or without the suffix people
//! write after a number (`1`, `1号楼`, `1栋`, `1幢`, `1座`).

use linli_model::{
    admin::{ImportSkip, SkippedLine},
    text,
};

/// Header names of the building column (compared after NFKC, lower case).
pub const BUILDING_COLUMNS: [&str; 9] =
    ["楼号", "楼栋", "楼栋号", "楼", "栋", "幢", "building", "building number", "building_number"];
/// Header names of the unit column.
pub const UNIT_COLUMNS: [&str; 10] =
    ["房号", "房间号", "房屋", "户号", "室", "单元房号", "unit", "unit number", "unit_number", "room"];
/// Header names of an optional entrance column (单元: the stairwell of a
/// building); its value joins the unit number as `2-701`, so 1单元701 and
/// 2单元701 stay two homes.
pub const ENTRANCE_COLUMNS: [&str; 4] = ["单元", "单元号", "entrance", "stairwell"];
/// Longest unit number.
pub const MAX_UNIT_CHARS: usize = 20;
/// Most data rows one import may hold.
pub const MAX_ROWS: usize = 5000;
/// Suffixes people write after a building number.
const BUILDING_SUFFIXES: [&str; 6] = ["号楼", "栋", "幢", "座", "楼", "号"];

/// A building the file may name.
pub struct KnownBuilding<'a> {
    pub id: &'a str,
    pub number: &'a str,
    pub name: &'a str,
}

/// Why a line cannot be imported: the whole file is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadLine {
    /// 1-based line of the file.
    pub line: u32,
    pub problem: Problem,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    /// Fewer than two cells.
    Shape,
    /// No building of the community has that number or name.
    UnknownBuilding,
    /// The unit cell is blank or longer than [`MAX_UNIT_CHARS`].
    BadUnit,
    /// The header names only one of the two columns.
    HeaderIncomplete,
    /// More than [`MAX_ROWS`] rows.
    TooManyRows,
    /// Not CSV at all (an unbalanced quote running past the end...).
    Unreadable,
}

/// A file read: the units it asks for and the lines skipped (with why).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Parsed {
    /// (line, building id, unit number), first occurrence of each unit.
    pub units: Vec<(u32, String, String)>,
    pub skipped: Vec<SkippedLine>,
    /// The header's line, when the file has one.
    pub header_line: Option<u32>,
}

fn column_name(cell: &str) -> String {
    text::line(cell).to_lowercase()
}

fn delimiter(csv: &str) -> u8 {
    let first = csv.lines().find(|l| !text::is_blank(l)).unwrap_or("");
    [b'\t', b';', b',']
        .into_iter()
        .filter(|d| first.contains(char::from(*d)))
        .max_by_key(|d| first.matches(char::from(*d)).count())
        .unwrap_or(b',')
}

/// How a building cell is compared: folded and upper-cased.
fn building_form(s: &str) -> String {
    text::fold_compact(s).to_uppercase()
}

/// The building a cell names. `forms` holds each building's number and
/// name in [`building_form`], folded once per import.
fn find_building<'a>(cell: &str, buildings: &'a [KnownBuilding<'a>], forms: &[(String, String)]) -> Option<&'a str> {
    let cell = building_form(cell);
    let bare = BUILDING_SUFFIXES.iter().find_map(|s| cell.strip_suffix(s)).unwrap_or(&cell);
    buildings
        .iter()
        .zip(forms)
        .find(|(_, (number, name))| cell == *number || bare == number || cell == *name)
        .map(|(b, _)| b.id)
}

/// Reads `csv` against the community's buildings. `Err` lists every bad
/// line (the import changes nothing then).
pub fn parse(csv: &str, buildings: &[KnownBuilding<'_>]) -> Result<Parsed, Vec<BadLine>> {
    // Line ends made `\n` (Excel for Mac still writes a bare `\r`): the
    // reader's line numbers count `\r\n` wrongly.
    // NFKC first: a full-width comma typed by hand (`1，101`) separates too.
    let body = text::nfkc(csv.strip_prefix('\u{feff}').unwrap_or(csv)).replace("\r\n", "\n").replace('\r', "\n");
    let body = body.as_str();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter(body))
        .from_reader(body.as_bytes());
    let mut parsed = Parsed::default();
    let mut bad = Vec::new();
    let (mut b_col, mut u_col, mut e_col) = (0, 1, None);
    let mut seen_data = false;
    let forms: Vec<(String, String)> =
        buildings.iter().map(|b| (building_form(b.number), building_form(b.name))).collect();
    let mut seen: std::collections::HashSet<(&str, String)> = std::collections::HashSet::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| u32::try_from(p.line()).unwrap_or(u32::MAX));
                bad.push(BadLine { line, problem: Problem::Unreadable });
                break;
            }
        };
        let line = record.position().map_or(0, |p| u32::try_from(p.line()).unwrap_or(u32::MAX));
        let cells: Vec<&str> = record.iter().collect();
        if cells.iter().all(|c| text::is_blank(c)) {
            continue;
        }
        if !seen_data && parsed.header_line.is_none() {
            let names: Vec<String> = cells.iter().map(|c| column_name(c)).collect();
            let b = names.iter().position(|n| BUILDING_COLUMNS.contains(&n.as_str()));
            let u = names.iter().position(|n| UNIT_COLUMNS.contains(&n.as_str()));
            match (b, u) {
                (Some(b), Some(u)) => {
                    (b_col, u_col) = (b, u);
                    e_col = names.iter().position(|n| ENTRANCE_COLUMNS.contains(&n.as_str()));
                    parsed.header_line = Some(line);
                    continue;
                }
                (Some(_), None) | (None, Some(_)) => {
                    return Err(vec![BadLine { line, problem: Problem::HeaderIncomplete }]);
                }
                (None, None) => {}
            }
        }
        seen_data = true;
        // A line break inside a cell is an unclosed quote swallowing the
        // next line, never a building or a unit.
        if cells.iter().any(|c| c.contains('\n')) {
            bad.push(BadLine { line, problem: Problem::Unreadable });
            continue;
        }
        let (Some(b), Some(u)) = (cells.get(b_col), cells.get(u_col)) else {
            bad.push(BadLine { line, problem: Problem::Shape });
            continue;
        };
        let Some(building_id) = find_building(b, buildings, &forms) else {
            bad.push(BadLine { line, problem: Problem::UnknownBuilding });
            continue;
        };
        let room = text::line(u);
        let number = match e_col.and_then(|e| cells.get(e)).map(|e| text::line(e)).filter(|e| !e.is_empty()) {
            Some(entrance) if !room.is_empty() => format!("{entrance}-{room}"),
            _ => room,
        };
        if number.is_empty() || number.chars().count() > MAX_UNIT_CHARS {
            bad.push(BadLine { line, problem: Problem::BadUnit });
            continue;
        }
        if !seen.insert((building_id, number.clone())) {
            parsed.skipped.push(SkippedLine { line, reason: ImportSkip::Duplicate, text: cells.join(",") });
            continue;
        }
        if parsed.units.len() >= MAX_ROWS {
            return Err(vec![BadLine { line, problem: Problem::TooManyRows }]);
        }
        parsed.units.push((line, building_id.to_string(), number));
    }
    if bad.is_empty() { Ok(parsed) } else { Err(bad) }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUILDINGS: [KnownBuilding<'static>; 3] = [
        KnownBuilding { id: "b1", number: "1", name: "1号楼" },
        KnownBuilding { id: "ba", number: "A", name: "A座" },
        KnownBuilding { id: "bg", number: "G2", name: "国际公寓" },
    ];

    fn units(csv: &str) -> Vec<(u32, String, String)> {
        parse(csv, &BUILDINGS).unwrap().units
    }

    #[test]
    fn a_first_line_of_data_is_data() {
        assert_eq!(
            units("A,101\nA,102\n"),
            vec![(1, "ba".into(), "101".into()), (2, "ba".into(), "102".into())],
            "a building numbered A is not a header"
        );
    }

    #[test]
    fn a_header_is_recognised_by_its_names_and_orders_the_columns() {
        let p = parse("房号,楼号\n101,1\n", &BUILDINGS).unwrap();
        assert_eq!(p.header_line, Some(1));
        assert_eq!(p.units, vec![(2, "b1".into(), "101".into())]);
        let p = parse("Building Number,Unit Number,Note\r\n1,201,\r\n", &BUILDINGS).unwrap();
        assert_eq!((p.header_line, p.units.len()), (Some(1), 1));
        assert_eq!(
            parse("楼号,备注\n1,x\n", &BUILDINGS),
            Err(vec![BadLine { line: 1, problem: Problem::HeaderIncomplete }])
        );
    }

    #[test]
    fn excel_and_wps_files_are_read() {
        // Byte-order mark, CRLF, quoted cells, trailing empty columns.
        let p = parse("\u{feff}楼号,房号,,\r\n\"1\",\"101\",,\r\n\"A\",\"1,02\",,\r\n", &BUILDINGS).unwrap();
        assert_eq!(p.units, vec![(2, "b1".into(), "101".into()), (3, "ba".into(), "1,02".into())]);
        // Pasted from a sheet: tab-separated, full-width digits.
        assert_eq!(units("楼号\t房号\n１\t１０３\n"), vec![(2, "b1".into(), "103".into())]);
        // Semicolons, as European-locale Excel writes.
        assert_eq!(units("1;104\n"), vec![(1, "b1".into(), "104".into())]);
        // Classic Mac line ends.
        assert_eq!(units("1,105\r1,106\r").len(), 2);
    }

    #[test]
    fn buildings_are_matched_as_people_write_them() {
        assert_eq!(
            units("1号楼,101\n1栋,102\nA座,103\na,104\n国际公寓,105\n"),
            vec![
                (1, "b1".into(), "101".into()),
                (2, "b1".into(), "102".into()),
                (3, "ba".into(), "103".into()),
                (4, "ba".into(), "104".into()),
                (5, "bg".into(), "105".into()),
            ]
        );
    }

    #[test]
    fn entrances_keep_their_homes_apart_and_hand_typed_commas_separate() {
        assert_eq!(
            units("楼号,单元,房号\n1,1,701\n1,2,701\n"),
            vec![(2, "b1".into(), "1-701".into()), (3, "b1".into(), "2-701".into())]
        );
        assert_eq!(units("1，420\n"), vec![(1, "b1".into(), "420".into())]);
    }

    #[test]
    fn an_unclosed_quote_is_a_bad_line_not_a_unit() {
        assert_eq!(parse("1,\"607\n1,608\n", &BUILDINGS), Err(vec![BadLine { line: 1, problem: Problem::Unreadable }]));
    }

    #[test]
    fn every_skipped_and_bad_line_is_reported() {
        let p = parse("楼号,房号\n\n1,101\n1,101\n", &BUILDINGS).unwrap();
        assert_eq!(p.skipped, vec![SkippedLine { line: 4, reason: ImportSkip::Duplicate, text: "1,101".into() }]);
        assert_eq!(
            parse("1,101\n9,101\n1\n1,\u{200B}\n", &BUILDINGS),
            Err(vec![
                BadLine { line: 2, problem: Problem::UnknownBuilding },
                BadLine { line: 3, problem: Problem::Shape },
                BadLine { line: 4, problem: Problem::BadUnit },
            ])
        );
    }
}
