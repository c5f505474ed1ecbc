//! Announcements and community events as clients see them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{i18n::Msg, keys::RsvpState, people::UnitRef};

crate::closed_set! {
    pub enum NoticeCategory {
        Notice = "notice",
        Outage = "outage",
        Safety = "safety",
        Activity = "activity",
    }
}

impl NoticeCategory {
    pub const fn label(self) -> Msg {
        match self {
            Self::Notice => Msg::NcNotice,
            Self::Outage => Msg::NcOutage,
            Self::Safety => Msg::NcSafety,
            Self::Activity => Msg::NcActivity,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Announcement {
    pub id: String,
    pub title: String,
    pub body: String,
    pub category: NoticeCategory,
    /// Building ids; empty means the whole community.
    pub building_ids: Vec<String>,
    pub pinned: bool,
    pub urgent: bool,
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
    pub author: String,
    pub created_at: DateTime<Utc>,
    /// Whether the caller has read it.
    pub read: bool,
    /// For staff: households reached, and households that have read it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub households: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub households_read: Option<u32>,
    /// For an outage notice (category `outage` with a kind): the kind, the
    /// expected end, and whether it has ended (issue 18).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outage: Option<crate::outage::OutageInfo>,
}

/// `POST /api/v1/announcements`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewAnnouncement {
    pub title: String,
    pub body: String,
    #[cfg_attr(feature = "openapi", schema(value_type = crate::notice::NoticeCategory))]
    pub category: String,
    #[serde(default, deserialize_with = "super::bounded::at_most::<_, _, { super::bounded::MAX_BUILDINGS }>")]
    #[cfg_attr(feature = "openapi", schema(max_items = 200))]
    pub building_ids: Vec<String>,
    #[serde(default)]
    pub pinned: bool,
    #[serde(default)]
    pub urgent: bool,
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
    /// Category `outage` only: what is out (`water`, `power`, `elevator`,
    /// `gas`). With it the notice is an outage: residents of its buildings
    /// starting a matching repair are shown it first. Empty or absent: a
    /// plain notice.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::outage::OutageKind>))]
    pub outage_kind: Option<String>,
    /// With `outage_kind`, required: when it is expected to be back (in
    /// the future, within the plausible range). The buildings' butlers are
    /// alerted if it is still on then.
    #[serde(default)]
    pub expected_end: Option<DateTime<Utc>>,
}

/// A household that has not read a notice, with whom to call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnreadHousehold {
    pub unit: UnitRef,
    pub has_elder: bool,
    pub residents: Vec<HouseholdMember>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HouseholdMember {
    pub id: String,
    pub name: String,
    /// Masked, as in every list; staff call through
    /// `GET /api/v1/residents/{id}/phone` (audited) or the web's `/call/{id}`.
    pub phone: String,
    pub elder_mode: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Activity {
    pub id: String,
    pub title: String,
    pub description: String,
    pub place: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// People (not households) the event holds.
    pub capacity: u32,
    /// People with a place: the sum of the going RSVPs' headcounts.
    pub going: u32,
    /// People waiting for a place: the sum of the waitlisted RSVPs'
    /// headcounts, counted as `going` is.
    pub waitlisted: u32,
    #[serde(default)]
    pub rsvp_deadline: Option<DateTime<Utc>>,
    /// The caller's RSVP: `going`, `waitlisted`, or none.
    #[serde(default)]
    pub my_status: Option<RsvpState>,
    #[serde(default)]
    pub my_headcount: Option<u32>,
    pub rsvp_open: bool,
}

/// `POST /api/v1/events`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewActivity {
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub place: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub capacity: u32,
    #[serde(default)]
    pub rsvp_deadline: Option<DateTime<Utc>>,
}

/// `POST /api/v1/events/{id}/rsvp`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RsvpBody {
    /// People coming, 1 to 10; 1 when not given.
    pub headcount: Option<u32>,
}

/// `POST /api/v1/events/{id}/rsvp` answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RsvpStatus {
    pub status: RsvpState,
    pub headcount: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attendee {
    pub name: String,
    pub unit: String,
    pub phone: String,
    pub headcount: u32,
    pub status: RsvpState,
    pub at: DateTime<Utc>,
}

/// A piece of an announcement's body: text, or a link to show as one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Span {
    Text(String),
    Link(String),
}

/// The body as paragraphs (split at blank lines) of text and links. Only
/// `http(s)://` addresses become links; everything else stays text, so
/// nothing a person typed is ever treated as markup.
pub fn paragraphs(body: &str) -> Vec<Vec<Span>> {
    body.replace("\r\n", "\n").split("\n\n").map(str::trim).filter(|p| !p.is_empty()).map(linkify).collect()
}

fn linkify(text: &str) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut rest = text;
    while let Some(start) = ["https://", "http://"].iter().filter_map(|p| rest.find(p)).min() {
        if start > 0 {
            spans.push(Span::Text(rest[..start].to_string()));
        }
        let tail = &rest[start..];
        let end = tail.find(|c: char| c.is_whitespace() || "<>\"'（）()，。、；！？".contains(c)).unwrap_or(tail.len());
        spans.push(Span::Link(tail[..end].to_string()));
        rest = &tail[end..];
    }
    if !rest.is_empty() {
        spans.push(Span::Text(rest.to_string()));
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_become_paragraphs_with_links_and_never_markup() {
        let p = paragraphs("停水通知\r\n\r\n详情见 https://example.com/a?b=1，谢谢。\n\n<script>alert(1)</script>");
        assert_eq!(p.len(), 3);
        assert_eq!(p[0], vec![Span::Text("停水通知".into())]);
        assert_eq!(
            p[1],
            vec![
                Span::Text("详情见 ".into()),
                Span::Link("https://example.com/a?b=1".into()),
                Span::Text("，谢谢。".into())
            ]
        );
        assert_eq!(p[2], vec![Span::Text("<script>alert(1)</script>".into())]);
        assert!(paragraphs("javascript:alert(1)").iter().flatten().all(|s| matches!(s, Span::Text(_))));
    }
}
