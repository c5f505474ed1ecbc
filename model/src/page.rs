//! The shape every list of the JSON API answers with.

use serde::{Deserialize, Serialize};

/// A page of a list: `{"items": [...], "next_cursor": "..." | null}`.
///
/// Most lists answer in one page (`next_cursor` is `null`); the repair
/// list pages by time: pass `next_cursor` back as `?cursor=` for the rows
/// after these.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    /// The rows of this page, in the list's order.
    pub items: Vec<T>,
    /// Where the next page starts (an RFC 3339 instant for repairs), or
    /// `null` on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// A whole list in one page.
    pub const fn all(items: Vec<T>) -> Self {
        Self { items, next_cursor: None }
    }
}
