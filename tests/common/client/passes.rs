//! Visitor passes and the gate: `/passes`, `/gate/*`, `/walk-ins`.

use std::fmt::Display;

use linli_model::{
    Page, UnitRef,
    pass::{CreatedPass, Decision, Entry, Pass, Verdict, WalkIn},
};
use reqwest::{Method, StatusCode};
use serde::Serialize;

use super::{ApiResult, User};

impl User<'_> {
    /// Invites a visitor (`POST /api/v1/passes`): 201 with the pass, its
    /// link and code.
    pub async fn invite(&self, body: &(impl Serialize + ?Sized)) -> ApiResult<CreatedPass> {
        self.call(Method::POST, "/api/v1/passes", Some(body), StatusCode::CREATED).await
    }

    /// This resident's passes with their entries.
    pub async fn passes(&self) -> ApiResult<Page<Pass>> {
        self.get("/api/v1/passes").await
    }

    /// The first page of this resident's passes, `limit` a page.
    pub async fn passes_page(&self, limit: usize) -> ApiResult<Page<Pass>> {
        self.get(&format!("/api/v1/passes?limit={limit}")).await
    }

    /// Revokes a pass (`DELETE /api/v1/passes/{id}`): 200 with the pass.
    pub async fn revoke_pass(&self, id: impl Display) -> ApiResult<Pass> {
        self.call(Method::DELETE, &format!("/api/v1/passes/{id}"), None::<&()>, StatusCode::OK).await
    }

    /// Pauses a recurring pass (`POST /api/v1/passes/{id}/pause`): 200.
    pub async fn pause_pass(&self, id: impl Display) -> ApiResult<Pass> {
        self.call(Method::POST, &format!("/api/v1/passes/{id}/pause"), None::<&()>, StatusCode::OK).await
    }

    /// Resumes a paused recurring pass (`POST /api/v1/passes/{id}/resume`): 200.
    pub async fn resume_pass(&self, id: impl Display) -> ApiResult<Pass> {
        self.call(Method::POST, &format!("/api/v1/passes/{id}/resume"), None::<&()>, StatusCode::OK).await
    }

    /// The community's active recurring passes (`GET /api/v1/passes/recurring`),
    /// `query` being e.g. `?limit=1&cursor=...` or empty.
    pub async fn recurring_passes(&self, query: &str) -> ApiResult<Page<Pass>> {
        self.get(&format!("/api/v1/passes/recurring{query}")).await
    }

    /// Today's expected visitors (`GET /api/v1/gate/expected`).
    pub async fn expected(&self) -> ApiResult<Page<Pass>> {
        self.get("/api/v1/gate/expected").await
    }

    /// The guard checks a code or link (`{code}` or `{token}`): 200.
    pub async fn verify(&self, body: &(impl Serialize + ?Sized)) -> ApiResult<Verdict> {
        self.call(Method::POST, "/api/v1/gate/verify", Some(body), StatusCode::OK).await
    }

    /// The guard lets the visitor in: 200 with the entry.
    pub async fn admit(&self, body: &(impl Serialize + ?Sized)) -> ApiResult<Entry> {
        self.call(Method::POST, "/api/v1/gate/admit", Some(body), StatusCode::OK).await
    }

    /// The entry log (`GET /api/v1/gate/entries`, the manager's).
    pub async fn entries(&self) -> ApiResult<Page<Entry>> {
        self.get("/api/v1/gate/entries").await
    }

    /// The units a guard can send a walk-in to.
    pub async fn gate_units(&self) -> ApiResult<Vec<UnitRef>> {
        self.get("/api/v1/gate/units").await
    }

    /// The guard registers a walk-in: 201.
    pub async fn walk_in(&self, body: &(impl Serialize + ?Sized)) -> ApiResult<WalkIn> {
        self.call(Method::POST, "/api/v1/gate/walk-ins", Some(body), StatusCode::CREATED).await
    }

    /// The unit answers a walk-in: 200.
    pub async fn decide(&self, id: impl Display, approve: bool) -> ApiResult<WalkIn> {
        let path = format!("/api/v1/walk-ins/{id}/decision");
        self.call(Method::POST, &path, Some(&Decision { approve }), StatusCode::OK).await
    }
}
