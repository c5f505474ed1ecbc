//! Outage notices (issue 18): `/outages...`.

use std::fmt::Display;

use linli_model::{
    Page,
    outage::{ActiveOutage, AffectedMark, OutageEnded, OutageInfo},
};
use reqwest::{Method, StatusCode};
use serde_json::json;

use super::{ApiResult, User};

impl User<'_> {
    /// The outages on now for this person's repair form; `category`: a
    /// repair category key, or `None` for all.
    pub async fn active_outages(&self, category: Option<&str>) -> ApiResult<Page<ActiveOutage>> {
        match category {
            Some(c) => self.get(&format!("/api/v1/outages/active?category={c}")).await,
            None => self.get("/api/v1/outages/active").await,
        }
    }

    /// Marks this person's household affected: 200.
    pub async fn mark_affected(&self, id: impl Display) -> ApiResult<AffectedMark> {
        let path = format!("/api/v1/outages/{id}/affected");
        self.call(Method::POST, &path, Some(&json!({})), StatusCode::OK).await
    }

    /// Ends an outage: 200 with how many linked reports were resolved.
    pub async fn end_outage(&self, id: impl Display) -> ApiResult<OutageEnded> {
        let path = format!("/api/v1/outages/{id}/end");
        self.call(Method::POST, &path, Some(&json!({})), StatusCode::OK).await
    }

    /// Moves an outage's expected end: 200.
    pub async fn extend_outage(
        &self,
        id: impl Display,
        expected_end: chrono::DateTime<chrono::Utc>,
    ) -> ApiResult<OutageInfo> {
        let path = format!("/api/v1/outages/{id}/extend");
        self.call(Method::POST, &path, Some(&json!({ "expected_end": expected_end })), StatusCode::OK).await
    }
}
