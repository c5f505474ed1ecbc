//! The shape every list of the JSON API answers with, and its paging rules.
//!
//! Lists page by *keyset*: the rows are in a fixed order (for most lists
//! newest first by an instant, ties broken by the row's id), and a page's
//! `next_cursor` encodes the sort key **and** the id of its last row. The
//! next page starts strictly after that row, so no row is lost or repeated
//! across pages while rows are added (new rows that sort before the cursor
//! are simply not on the later pages). A cursor is opaque to clients
//! (URL-safe hex), bound to its list (a cursor of another list is refused)
//! and checked: a cursor that does not decode, a limit outside
//! `1..=MAX_LIMIT`, or a limit that is not a number is 422 with the field
//! (`cursor` or `limit`) in the error envelope's `detail`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{AppError, Msg};

/// The default page size when `limit` is absent.
pub const DEFAULT_LIMIT: usize = 50;
/// The largest `limit` a list accepts.
pub const MAX_LIMIT: usize = 200;

/// A page of a list: `{"items": [...], "next_cursor": "..." | null}`, with
/// optional counts where a person needs them.
///
/// Pass `next_cursor` back as `?cursor=` for the rows after these; it is
/// `null` on the last page. `total` (all the rows of the list, over all
/// pages) and `breached` (of those, how many have a missed deadline) are
/// present only on the lists that document them (the repair board), so
/// old clients keep working.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    /// The rows of this page, in the list's order.
    pub items: Vec<T>,
    /// Where the next page starts (an opaque string), or `null` on the
    /// last page.
    pub next_cursor: Option<String>,
    /// How many rows the whole list has (all pages), where the list counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
    /// Of `total`, how many have a missed deadline (the open-jobs board).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breached: Option<u64>,
}

impl<T> Page<T> {
    /// A whole list in one page (a list that is provably small).
    pub const fn all(items: Vec<T>) -> Self {
        Self { items, next_cursor: None, total: None, breached: None }
    }

    /// A page of rows with its cursor.
    pub const fn new(items: Vec<T>, next_cursor: Option<String>) -> Self {
        Self { items, next_cursor, total: None, breached: None }
    }

    /// The same page with counts.
    #[must_use]
    pub const fn with_counts(mut self, total: Option<u64>, breached: Option<u64>) -> Self {
        self.total = total;
        self.breached = breached;
        self
    }
}

/// Where a page starts: the sort key of the previous page's last row
/// (integers: instants as nanoseconds since the epoch) and its id (the
/// record key).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    /// The sort key, most significant first.
    pub keys: Vec<i64>,
    /// The row's id (the tie-breaker).
    pub id: String,
}

impl Cursor {
    /// A cursor after a row whose sort key is one instant.
    pub fn at(t: DateTime<Utc>, id: impl Into<String>) -> Self {
        Self { keys: vec![nanos(t)], id: id.into() }
    }

    /// The `i`-th key read as an instant (`None` if absent).
    pub fn instant(&self, i: usize) -> Option<DateTime<Utc>> {
        self.keys.get(i).map(|n| DateTime::from_timestamp_nanos(*n))
    }

    /// The opaque form for `next_cursor`: URL-safe hex of
    /// `1|<list>|<keys,...>|<id>`.
    pub fn encode(&self, list: &str) -> String {
        let keys: Vec<String> = self.keys.iter().map(i64::to_string).collect();
        let plain = format!("1|{list}|{}|{}", keys.join(","), self.id);
        plain.bytes().map(|b| format!("{b:02x}")).collect()
    }

    /// Reads a cursor of `list`; anything else (not hex, another list, a
    /// malformed key) is 422 naming `cursor`.
    pub fn decode(raw: &str, list: &str) -> Result<Self, AppError> {
        let bad = || AppError::invalid("cursor", Msg::ErrBadCursor);
        if !raw.len().is_multiple_of(2) || raw.len() > 1024 {
            return Err(bad());
        }
        let bytes: Vec<u8> = (0..raw.len())
            .step_by(2)
            .map(|i| raw.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
            .collect::<Option<_>>()
            .ok_or_else(bad)?;
        let plain = String::from_utf8(bytes).map_err(|_| bad())?;
        let mut parts = plain.splitn(4, '|');
        let (Some("1"), Some(l), Some(keys), Some(id)) = (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        if l != list || id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
            return Err(bad());
        }
        let keys = if keys.is_empty() {
            Vec::new()
        } else {
            keys.split(',').map(|k| k.parse::<i64>().ok()).collect::<Option<Vec<_>>>().ok_or_else(bad)?
        };
        Ok(Self { keys, id: id.to_string() })
    }
}

/// An instant as nanoseconds since the epoch (the cursor's unit); instants
/// beyond 2262 saturate.
pub fn nanos(t: DateTime<Utc>) -> i64 {
    t.timestamp_nanos_opt().unwrap_or(i64::MAX)
}

/// A checked `?limit=&cursor=` pair.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageRequest {
    /// Rows per page, `1..=MAX_LIMIT`.
    pub limit: usize,
    /// Where to start, `None` for the first page.
    pub after: Option<Cursor>,
}

impl PageRequest {
    /// Checks the query's raw `limit` (absent or empty: `default`) and
    /// `cursor` (absent or empty: the first page) for the list `list`.
    /// 422 naming `limit` when it is not an integer in `1..=MAX_LIMIT`,
    /// naming `cursor` when it is not a cursor of this list.
    pub fn parse(limit: Option<&str>, cursor: Option<&str>, list: &str, default: usize) -> Result<Self, AppError> {
        let limit =
            match limit.map(str::trim).filter(|l| !l.is_empty()) {
                None => default,
                Some(l) => l.parse::<usize>().ok().filter(|n| (1..=MAX_LIMIT).contains(n)).ok_or_else(|| {
                    AppError::invalid("limit", Msg::ErrBadLimit).with_arg("max", MAX_LIMIT.to_string())
                })?,
            };
        let after = match cursor.filter(|c| !c.is_empty()) {
            None => None,
            Some(c) => Some(Cursor::decode(c, list)?),
        };
        Ok(Self { limit, after })
    }

    /// The same, for callers holding a number (server functions).
    pub fn of(limit: Option<usize>, cursor: Option<&str>, list: &str, default: usize) -> Result<Self, AppError> {
        Self::parse(limit.map(|l| l.to_string()).as_deref(), cursor, list, default)
    }

    /// How many rows to fetch: one more than a page, to know whether
    /// another page follows.
    pub fn fetch(&self) -> i64 {
        i64::try_from(self.limit + 1).unwrap_or(i64::MAX)
    }

    /// Pages a list held whole in memory, already in its order (lists
    /// computed from a bounded read, such as a community's elders): the
    /// cursor names the previous page's last row by id, and the page starts
    /// after it. A cursor whose row has left the list is 422 `cursor` (the
    /// client reloads from the first page). `total` is the list's length.
    pub fn page_of<T>(&self, all: Vec<T>, list: &str, id: impl Fn(&T) -> &str) -> Result<Page<T>, AppError> {
        self.page_of_with(all, list, id, &[])
    }

    /// [`Self::page_of`] with `keys` carried in every cursor it makes (what
    /// the list needs to put its rows in the same order again, such as the
    /// instant its order was taken at).
    pub fn page_of_with<T>(
        &self,
        all: Vec<T>,
        list: &str,
        id: impl Fn(&T) -> &str,
        keys: &[i64],
    ) -> Result<Page<T>, AppError> {
        let start = match &self.after {
            None => 0,
            Some(c) => all
                .iter()
                .position(|t| id(t) == c.id)
                .map(|i| i + 1)
                .ok_or_else(|| AppError::invalid("cursor", Msg::ErrBadCursor))?,
        };
        let total = u64::try_from(all.len()).unwrap_or(u64::MAX);
        let rest: Vec<T> = all.into_iter().skip(start).take(self.limit + 1).collect();
        Ok(self
            .cut(rest, list, |t| Cursor { keys: keys.to_vec(), id: id(t).to_string() })
            .with_counts(Some(total), None))
    }

    /// Cuts rows fetched in the list's order (at most `fetch()` of them)
    /// to a page; `key` gives a row's cursor.
    pub fn cut<T>(&self, mut items: Vec<T>, list: &str, key: impl Fn(&T) -> Cursor) -> Page<T> {
        let next = if items.len() > self.limit {
            items.truncate(self.limit);
            items.last().map(|last| key(last).encode(list))
        } else {
            None
        };
        Page::new(items, next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trips_and_is_bound_to_its_list() {
        let c = Cursor { keys: vec![1_700_000_000_123_456_789, -3], id: "abc_12-x".into() };
        let raw = c.encode("repairs");
        assert!(raw.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(Cursor::decode(&raw, "repairs").ok(), Some(c));
        assert!(Cursor::decode(&raw, "passes").is_err());
        assert!(Cursor::decode("zz", "repairs").is_err());
        assert!(Cursor::decode("2026-01-01T00:00:00Z", "repairs").is_err());
    }

    #[test]
    fn limits_are_checked() {
        assert_eq!(PageRequest::parse(None, None, "x", 50).map(|p| p.limit).ok(), Some(50));
        assert_eq!(PageRequest::parse(Some("200"), None, "x", 50).map(|p| p.limit).ok(), Some(200));
        for bad in ["0", "-1", "201", "99999999999999999999999", "ten"] {
            let err = PageRequest::parse(Some(bad), None, "x", 50).err();
            assert_eq!(err.and_then(|e| e.detail), Some("limit".to_string()), "{bad}");
        }
    }

    #[test]
    fn in_memory_pages_follow_the_last_row() {
        let req = PageRequest { limit: 2, after: None };
        let all = vec!["a", "b", "c", "d", "e"];
        let first = req.page_of(all.clone(), "m", |s| s).ok();
        assert_eq!(first.as_ref().map(|p| p.items.clone()), Some(vec!["a", "b"]));
        assert_eq!(first.as_ref().and_then(|p| p.total), Some(5));
        let after = first.and_then(|p| p.next_cursor).and_then(|c| Cursor::decode(&c, "m").ok());
        // "a" left the list between pages: the next page still starts after "b".
        let next = PageRequest { limit: 2, after }.page_of(vec!["b", "c", "d", "e"], "m", |s| s).ok();
        assert_eq!(next.map(|p| p.items), Some(vec!["c", "d"]));
        let gone = PageRequest { limit: 2, after: Some(Cursor { keys: Vec::new(), id: "z".into() }) };
        assert!(gone.page_of(all, "m", |s| s).is_err());
    }

    #[test]
    fn cut_sets_the_cursor_only_when_more_follow() {
        let req = PageRequest { limit: 2, after: None };
        let page = req.cut(vec![1, 2, 3], "n", |n| Cursor { keys: vec![*n], id: n.to_string() });
        assert_eq!(page.items, vec![1, 2]);
        let next = page.next_cursor.and_then(|c| Cursor::decode(&c, "n").ok());
        assert_eq!(next.map(|c| c.keys), Some(vec![2]));
        assert_eq!(req.cut(vec![1, 2], "n", |n| Cursor { keys: vec![*n], id: n.to_string() }).next_cursor, None);
    }
}
