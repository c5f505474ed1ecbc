//! What people type, made canonical and checked before any service uses
//! it: free text through [`linli_model::text`], mobile numbers through
//! [`linli_model::phone`], plates through [`linli_model::plate`]. Every
//! refusal names the field (`detail`) and says why in the caller's
//! language.

use super::error::{Error, Result};
use linli_model::{AppError, Msg, phone, plate, text};

fn refuse(field: &str, e: text::TextError) -> Error {
    AppError::invalid(field, e.msg()).into()
}

/// A required one-line field (names, titles) of at most `max` characters.
pub fn required_line(field: &str, input: &str, max: usize) -> Result<String> {
    text::required_line(input, max).map_err(|e| refuse(field, e))
}

/// An optional one-line field; `""` when absent or blank.
pub fn optional_line(field: &str, input: Option<&str>, max: usize) -> Result<String> {
    text::optional_line(input.unwrap_or(""), max).map_err(|e| refuse(field, e))
}

/// A required multi-line field (descriptions, bodies).
pub fn required_block(field: &str, input: &str, max: usize) -> Result<String> {
    text::required_block(input, max).map_err(|e| refuse(field, e))
}

/// An optional multi-line field (notes, comments); `""` when blank.
pub fn optional_block(field: &str, input: Option<&str>, max: usize) -> Result<String> {
    text::optional_block(input.unwrap_or(""), max).map_err(|e| refuse(field, e))
}

/// A required mainland mobile number in its canonical 11 digits.
pub fn mobile(field: &str, input: &str) -> Result<String> {
    let p = phone::normalize(input);
    if phone::is_valid_mobile(&p) { Ok(p) } else { Err(AppError::invalid(field, Msg::ErrPhoneInvalid).into()) }
}

/// An optional mobile number: `None` when nothing visible was typed.
pub fn optional_mobile(field: &str, input: Option<&str>) -> Result<Option<String>> {
    match input.filter(|p| !text::is_blank(p)) {
        None => Ok(None),
        Some(p) => mobile(field, p).map(Some),
    }
}

/// An optional vehicle plate in its canonical form.
pub fn optional_plate(field: &str, input: Option<&str>) -> Result<Option<String>> {
    match input.filter(|p| !text::is_blank(p)) {
        None => Ok(None),
        Some(p) => match plate::parse(p) {
            Some((plate, _)) => Ok(Some(plate)),
            None => Err(AppError::invalid(field, Msg::ErrPlate).into()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(e: Error) -> Option<String> {
        match e {
            Error::App(a) => a.detail,
            _ => None,
        }
    }

    #[test]
    fn refusals_name_the_field() {
        assert_eq!(
            required_line("visitor_name", "\u{200B}", 30).err().and_then(field_of).as_deref(),
            Some("visitor_name")
        );
        assert_eq!(mobile("phone", "12345").err().and_then(field_of).as_deref(), Some("phone"));
        assert_eq!(optional_plate("plate", Some("粤B")).err().and_then(field_of).as_deref(), Some("plate"));
    }

    #[test]
    fn blank_optional_values_are_absent() {
        assert_eq!(optional_mobile("p", Some("\u{200E} ")).ok(), Some(None));
        assert_eq!(optional_plate("p", Some("\u{3000}")).ok(), Some(None));
        assert_eq!(optional_plate("p", Some("粤Ｂ・１２３４警")).ok(), Some(Some("粤B1234警".to_string())));
    }
}
