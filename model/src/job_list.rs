//! Narrowing a job list: the board's filters by building and by urgency,
//! applied by the server before it counts and pages, so that a page holds
//! `limit` rows of the filtered list and its counts are the filtered list's.

use serde::{Deserialize, Serialize};

use super::{category::Urgency, error::AppError, i18n::Msg};

/// The longest building id a filter takes (record keys are at most 64
/// characters).
const MAX_BUILDING_ID: usize = 64;

/// Which of the listed jobs to keep; the default keeps all.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobFilter {
    /// Only jobs of this building (its id). A building outside the caller's
    /// list gives an empty list, not an error.
    pub building: Option<String>,
    /// Only jobs of this urgency.
    pub urgency: Option<Urgency>,
}

impl JobFilter {
    /// From a query's raw `building` and `urgency` (absent or empty: any).
    ///
    /// # Errors
    /// 422 naming `urgency` when it is not `normal`, `urgent` or
    /// `critical`; naming `building` when it cannot be a building's id
    /// (longer than 64 characters, or other than letters, digits, `_`, `-`).
    pub fn parse(building: Option<&str>, urgency: Option<&str>) -> Result<Self, AppError> {
        let urgency = match urgency.map(str::trim).filter(|u| !u.is_empty()) {
            None => None,
            Some(u) => Some(Urgency::parse(u).ok_or_else(|| AppError::invalid("urgency", Msg::ErrBadRequest))?),
        };
        Self { building: building.map(str::to_string), urgency }.checked()
    }

    /// The filter with an empty building read as any building.
    ///
    /// # Errors
    /// 422 naming `building` as in [`JobFilter::parse`].
    pub fn checked(self) -> Result<Self, AppError> {
        let building = self.building.as_deref().map(str::trim).filter(|b| !b.is_empty());
        if building.is_some_and(|b| {
            b.len() > MAX_BUILDING_ID || !b.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
        }) {
            return Err(AppError::invalid("building", Msg::ErrBadRequest));
        }
        Ok(Self { building: building.map(str::to_string), urgency: self.urgency })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_values_filter_nothing_and_bad_ones_name_their_field() {
        assert_eq!(JobFilter::parse(None, Some("")).unwrap(), JobFilter::default());
        assert_eq!(
            JobFilter::parse(Some(" b1 "), Some("critical")).unwrap(),
            JobFilter { building: Some("b1".into()), urgency: Some(Urgency::Critical) }
        );
        assert_eq!(JobFilter::parse(None, Some("panic")).unwrap_err().detail.as_deref(), Some("urgency"));
        for bad in ["building:x", "b 1", &"x".repeat(65), "楼"] {
            assert_eq!(JobFilter::parse(Some(bad), None).unwrap_err().detail.as_deref(), Some("building"), "{bad}");
        }
    }
}
