//! Complaints and suggestions: `/complaints...`.

use std::fmt::Display;

use linli_model::{
    Page,
    complaint::{Complaint, ComplaintAction, ComplaintStats, ComplaintSummary},
    job::Rating,
};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde_json::json;

use super::{ApiResult, User};

impl User<'_> {
    /// Files a complaint or suggestion (`POST /api/v1/complaints`): 201.
    pub async fn complain(&self, body: &(impl Serialize + ?Sized)) -> ApiResult<Complaint> {
        self.call(Method::POST, "/api/v1/complaints", Some(body), StatusCode::CREATED).await
    }

    /// Files a complaint or suggestion expecting `status` (201 new, 200 a
    /// repeat of the same `client_key`).
    pub async fn complain_expect(&self, body: &(impl Serialize + ?Sized), status: StatusCode) -> ApiResult<Complaint> {
        self.call(Method::POST, "/api/v1/complaints", Some(body), status).await
    }

    /// One complaint (`GET /api/v1/complaints/{id}`).
    pub async fn complaint(&self, id: impl Display) -> ApiResult<Complaint> {
        self.get(&format!("/api/v1/complaints/{id}")).await
    }

    /// The complaints this person may list; `query` is the query string
    /// (`""`, `"?category=noise&status=open"`).
    pub async fn complaints(&self, query: &str) -> ApiResult<Page<ComplaintSummary>> {
        self.get(&format!("/api/v1/complaints{query}")).await
    }

    /// One step with a note (`POST /api/v1/complaints/{id}/actions`): 200.
    pub async fn step(&self, id: impl Display, action: ComplaintAction, note: &str) -> ApiResult<Complaint> {
        self.step_with(id, &json!({ "action": action.as_str(), "note": note })).await
    }

    /// `POST /api/v1/complaints/{id}/actions` with any body: 200.
    pub async fn step_with(&self, id: impl Display, body: &(impl Serialize + ?Sized)) -> ApiResult<Complaint> {
        self.call(Method::POST, &format!("/api/v1/complaints/{id}/actions"), Some(body), StatusCode::OK).await
    }

    /// Rates the handling (`POST /api/v1/complaints/{id}/rating`): 201.
    pub async fn rate_complaint(&self, id: impl Display, body: &(impl Serialize + ?Sized)) -> ApiResult<Rating> {
        self.call(Method::POST, &format!("/api/v1/complaints/{id}/rating"), Some(body), StatusCode::CREATED).await
    }

    /// Urges it (催一下, `POST /api/v1/complaints/{id}/urge`): 200 with the complaint.
    pub async fn urge_complaint(&self, id: impl Display) -> ApiResult<Complaint> {
        self.call(Method::POST, &format!("/api/v1/complaints/{id}/urge"), None::<&()>, StatusCode::OK).await
    }

    /// Counts by category and building (`GET /api/v1/complaints/stats`).
    pub async fn complaint_stats(&self) -> ApiResult<ComplaintStats> {
        self.get("/api/v1/complaints/stats").await
    }
}
