//! Subscribe-message values shaped to what WeChat accepts for each field
//! type, so that a long visitor name or an empty assignee never makes a
//! message fail with 47003 on every retry.
//!
//! A template's field key is its type followed by a number (`thing1`,
//! `time3`). The rules, from WeChat's `subscribeMessage.send`
//! documentation (小程序 › 服务端 API › 订阅消息 › 发送订阅消息, "参数值内容限制说明"):
//!
//! | type | allowed |
//! |---|---|
//! | `thing` | ≤ 20 characters: Chinese, letters, digits, symbols |
//! | `short_thing` | ≤ 5 characters |
//! | `phrase` | ≤ 5 Chinese characters, nothing else |
//! | `name` | ≤ 10 Chinese characters, or ≤ 20 letters/symbols |
//! | `character_string` | ≤ 32 digits, letters, symbols |
//! | `car_number` | ≤ 8; first and last may be Chinese, the rest letters and digits |
//! | `number` | ≤ 32 digits, may hold a decimal point |
//! | `letter` | ≤ 32 letters |
//! | `symbol` | ≤ 5 symbols |
//! | `phone_number` | ≤ 17 digits and symbols |
//! | `time` / `date` | `15:01`, `2019年10月1日` or `2019年10月1日 15:01` |
//!
//! No value may be empty. Text that does not fit is shortened with an
//! ellipsis where the type allows symbols, and cut where it does not.

use chrono::NaiveDateTime;
use serde_json::Value;

use linli_model::text::{self, shorten};

fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{3134F}')
}

fn non_empty(s: String, fallback: &str) -> String {
    if s.is_empty() { fallback.to_string() } else { s }
}

/// The field type of a key: `thing12` → `thing`.
pub fn field_type(key: &str) -> &str {
    key.trim_end_matches(|c: char| c.is_ascii_digit())
}

/// `value` shaped to the rule of the field `key`.
pub fn shape(key: &str, value: &str) -> String {
    let line = text::line(value);
    match field_type(key) {
        "thing" => non_empty(shorten(&line, 20), "-"),
        "short_thing" => non_empty(shorten(&line, 5), "-"),
        "phrase" => non_empty(line.chars().filter(|c| is_han(*c)).take(5).collect(), "通知"),
        "name" => name(&line),
        "character_string" => {
            non_empty(text::nfkc(&line).chars().filter(char::is_ascii_graphic).take(32).collect(), "-")
        }
        "car_number" => car_number(&line),
        "number" => {
            non_empty(text::nfkc(&line).chars().filter(|c| c.is_ascii_digit() || *c == '.').take(32).collect(), "0")
        }
        "letter" => non_empty(text::nfkc(&line).chars().filter(char::is_ascii_alphabetic).take(32).collect(), "A"),
        "symbol" => non_empty(line.chars().filter(char::is_ascii_punctuation).take(5).collect(), "-"),
        "phone_number" => non_empty(
            text::fold_compact(&line)
                .chars()
                .filter(|c| c.is_ascii_digit() || matches!(c, '+' | '-'))
                .take(17)
                .collect(),
            "-",
        ),
        "time" | "date" => time(&line),
        _ => non_empty(shorten(&line, 20), "-"),
    }
}

/// A Chinese name (any Han character makes it one) keeps its first ten
/// Han characters and middle dots; a Latin name its first 20 letters,
/// spaces and symbols. Digits are dropped: the type allows none.
fn name(line: &str) -> String {
    let shaped: String = if line.chars().any(is_han) {
        line.chars().filter(|c| is_han(*c) || *c == '·').take(10).collect()
    } else {
        line.chars().filter(|c| c.is_ascii_alphabetic() || *c == ' ' || c.is_ascii_punctuation()).take(20).collect()
    };
    non_empty(shaped.trim().to_string(), "-")
}

/// A plate that fits: Chinese only first and last, eight at most. Plates
/// that cannot (`京X1234应急`, `WJ粤1234消`, `民航A1234`) keep their first
/// character and their letters and digits.
fn car_number(line: &str) -> String {
    let chars: Vec<char> = text::fold_compact(line).chars().collect();
    let fits = chars.len() <= 8
        && chars
            .iter()
            .enumerate()
            .all(|(i, c)| c.is_ascii_alphanumeric() || (is_han(*c) && (i == 0 || i + 1 == chars.len())));
    let shaped: String = if fits {
        chars.iter().collect()
    } else {
        chars.iter().take(1).chain(chars.iter().skip(1).filter(|c| c.is_ascii_alphanumeric())).take(8).collect()
    };
    non_empty(shaped, "-")
}

/// `2026-11-27 14:02` → `2026年11月27日 14:02`; `14:02` stays.
fn time(line: &str) -> String {
    if let Ok(at) = NaiveDateTime::parse_from_str(line, "%Y-%m-%d %H:%M") {
        return at.format("%Y年%-m月%-d日 %H:%M").to_string();
    }
    if let Ok(day) = chrono::NaiveDate::parse_from_str(line, "%Y-%m-%d") {
        return day.format("%Y年%-m月%-d日").to_string();
    }
    line.to_string()
}

/// Every value of a `{key: value}` object shaped to its key's rule, as
/// WeChat wants it: `{key: {"value": shaped}}`.
pub fn shape_data(data: &Value) -> Value {
    let fields = data
        .as_object()
        .map(|o| {
            o.iter()
                .map(|(k, v)| {
                    let raw = v.as_str().map_or_else(|| v.to_string(), str::to_string);
                    (k.clone(), serde_json::json!({ "value": shape(k, &raw) }))
                })
                .collect()
        })
        .unwrap_or_default();
    Value::Object(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_fits_its_field() {
        for (key, value, shaped) in [
            ("thing1", "一二三四五六七八九十一二三四五六七八九十一二", "一二三四五六七八九十一二三四五六七八九…"),
            ("thing1", "二十个字以内的名字", "二十个字以内的名字"),
            ("thing2", "", "-"),
            ("thing2", "\u{200B}", "-"),
            ("thing3", "第一行\n第二行", "第一行 第二行"),
            ("short_thing4", "维修进行中了", "维修进行…"),
            ("phrase5", "已完成处理！", "已完成处理"),
            ("phrase5", "done", "通知"),
            ("name1", "欧阳·娜娜娜娜娜娜娜娜娜", "欧阳·娜娜娜娜娜娜娜"),
            ("name1", "Alexander Christopher Smith", "Alexander Christophe"),
            ("name1", "王2号", "王号"),
            ("character_string2", "AB3D-7K9M 通行码", "AB3D-7K9M"),
            ("car_number3", "粤B1234警", "粤B1234警"),
            ("car_number3", "京X1234应急", "京X1234"),
            ("car_number3", "WJ粤1234消", "WJ1234"),
            ("phone_number4", "+86 138 0013 8000", "+8613800138000"),
            ("time5", "2026-11-27 14:02", "2026年11月27日 14:02"),
            ("time5", "09:05", "09:05"),
            ("date6", "2026-01-05", "2026年1月5日"),
        ] {
            assert_eq!(shape(key, value), shaped, "{key} {value:?}");
        }
    }

    #[test]
    fn data_is_wrapped_as_wechat_wants_it() {
        let data = serde_json::json!({ "thing1": "张三", "time2": "2026-11-27 14:02" });
        assert_eq!(
            shape_data(&data),
            serde_json::json!({ "thing1": { "value": "张三" }, "time2": { "value": "2026年11月27日 14:02" } })
        );
    }
}
