//! Answers of the API that have no type in the shared model: the server
//! declares them privately next to its handlers (`server/src/rest/`), or
//! in the backend (`FollowUp`). Mirrored here field for field so that the
//! typed client can read them; a client in another language would have to
//! do the same, which is why they are listed as a gap of the model.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use linli_model::{
    Me,
    scorecard::{DayPoint, Scorecard},
};
use serde::Deserialize;

/// `POST /api/v1/auth/login` and a bound WeChat login (`LoginAnswer`).
#[derive(Clone, Debug, Deserialize)]
pub struct Session {
    /// The bearer token.
    pub token: String,
    /// When the session ends at the latest.
    pub expires_at: DateTime<Utc>,
    /// The person signed in.
    pub user: Me,
}

/// A page of a list: `{"items": [...], "next_cursor": ...}`.
#[derive(Clone, Debug, Deserialize)]
pub struct Page<T> {
    /// The rows of this page.
    pub items: Vec<T>,
    /// Where the next page starts, if there is one.
    pub next_cursor: Option<String>,
}

/// `POST /api/v1/check-ins`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct CheckIn {
    /// The local (Shanghai) day, `YYYY-MM-DD`.
    pub day: String,
    /// When the "I'm OK" was pressed.
    pub at: DateTime<Utc>,
}

/// `POST /api/v1/help-devices`: a device credential, shown once.
#[derive(Clone, Debug, Deserialize)]
pub struct PairedDevice {
    /// The device's id.
    pub id: String,
    /// Its bearer token (help calls and check-ins only).
    pub token: String,
    /// When it stops working unless used.
    pub expires_at: DateTime<Utc>,
}

/// `GET /api/v1/residents/{id}/phone`.
#[derive(Clone, Debug, Deserialize)]
pub struct PhoneToCall {
    /// The whole number.
    pub phone: String,
}

/// `POST /api/v1/auth/wechat` and `/auth/wechat/bind`: a session, or a
/// ticket to bind the open id with.
#[derive(Clone, Debug, Deserialize)]
pub struct WeChatAnswer {
    /// The bearer token, when signed in.
    #[serde(default)]
    pub token: Option<String>,
    /// When that session ends at the latest.
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
    /// The person signed in.
    #[serde(default)]
    pub user: Option<Me>,
    /// The open id is not bound to anyone yet.
    pub binding_required: bool,
    /// The ticket for `/auth/wechat/bind`.
    #[serde(default)]
    pub binding_token: Option<String>,
}

/// Consents left per subscribe-message template.
pub type Consents = BTreeMap<String, i64>;

/// `GET /api/v1/follow-ups`: a low rating (or missed check-in) to follow up.
#[derive(Clone, Debug, Deserialize)]
pub struct FollowUp {
    /// Its id.
    pub id: String,
    /// Why it was opened (`low_rating`, ...).
    pub reason: String,
    /// Where it stands (`open`, ...).
    pub status: String,
    /// The repair rated, if any.
    pub repair_id: Option<String>,
    /// The unit, as a label.
    pub unit: Option<String>,
    /// The butler whose work it concerns.
    pub butler: Option<String>,
    /// The stars given.
    pub stars: Option<u8>,
    /// The resident's comment.
    pub comment: Option<String>,
    /// When it was opened.
    pub created_at: DateTime<Utc>,
}

/// `GET /api/v1/scorecards`: one row per butler for a period.
#[derive(Clone, Debug, Deserialize)]
pub struct PeriodPage<T> {
    /// Start of the period (inclusive).
    pub from: DateTime<Utc>,
    /// End of the period (exclusive).
    pub to: DateTime<Utc>,
    /// The rows.
    pub items: Vec<T>,
}

/// `GET /api/v1/butlers/{id}/scorecard`.
#[derive(Clone, Debug, Deserialize)]
pub struct OneScorecard {
    /// Start of the period (inclusive).
    pub from: DateTime<Utc>,
    /// End of the period (exclusive).
    pub to: DateTime<Utc>,
    /// The butler's figures.
    pub scorecard: Scorecard,
    /// Day by day, for the trend chart.
    pub daily: Vec<DayPoint>,
}
