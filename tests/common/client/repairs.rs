//! Repairs and photos: `/repairs...`, `/uploads`, `/follow-ups`.

use std::fmt::Display;

use linli_model::{
    Page,
    job::{Assignable, FollowUp, Job, JobSummary, Photo, Rating},
    repair::JobAction,
};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde_json::json;

use super::{ApiResult, User, answer};

impl User<'_> {
    /// Reports a repair (`POST /api/v1/repairs`): 201 with the job.
    pub async fn report(&self, body: &(impl Serialize + ?Sized)) -> ApiResult<Job> {
        self.call(Method::POST, "/api/v1/repairs", Some(body), StatusCode::CREATED).await
    }

    /// Reports a repair with a request key: `key` as the
    /// `Idempotency-Key` header when given (the body may carry its own
    /// `client_key`). The status (201 new, 200 a repeat) and the job.
    pub async fn report_keyed(
        &self,
        body: &(impl Serialize + ?Sized),
        key: Option<&str>,
    ) -> (StatusCode, ApiResult<Job>) {
        let mut req = self.server.req(Method::POST, "/api/v1/repairs", Some(self.token())).json(body);
        if let Some(k) = key {
            req = req.header("Idempotency-Key", k);
        }
        answer("POST /api/v1/repairs", req.send().await.unwrap()).await
    }

    /// One job (`GET /api/v1/repairs/{id}`).
    pub async fn job(&self, id: impl Display) -> ApiResult<Job> {
        self.get(&format!("/api/v1/repairs/{id}")).await
    }

    /// The jobs this person may list; `query` is the query string
    /// (`""`, `"?scope=assigned&status=open"`).
    pub async fn jobs(&self, query: &str) -> ApiResult<Page<JobSummary>> {
        self.get(&format!("/api/v1/repairs{query}")).await
    }

    /// Takes `action` on a job with nothing else in the body: 200 with the job.
    pub async fn act(&self, id: impl Display, action: JobAction) -> ApiResult<Job> {
        self.act_with(id, &json!({ "action": action.as_str() })).await
    }

    /// Assigns a job to `assignee_id`: 200 with the job.
    pub async fn assign(&self, id: impl Display, assignee_id: impl Serialize) -> ApiResult<Job> {
        self.act_with(id, &json!({ "action": "assign", "assignee_id": assignee_id })).await
    }

    /// `POST /api/v1/repairs/{id}/actions` with any body: 200 with the job.
    pub async fn act_with(&self, id: impl Display, body: &(impl Serialize + ?Sized)) -> ApiResult<Job> {
        self.call(Method::POST, &format!("/api/v1/repairs/{id}/actions"), Some(body), StatusCode::OK).await
    }

    /// Rates a job (`POST /api/v1/repairs/{id}/rating`): 201 with the rating.
    pub async fn rate(&self, id: impl Display, body: &(impl Serialize + ?Sized)) -> ApiResult<Rating> {
        self.call(Method::POST, &format!("/api/v1/repairs/{id}/rating"), Some(body), StatusCode::CREATED).await
    }

    /// Urges a job (催一下, `POST /api/v1/repairs/{id}/urge`): 200 with the job.
    pub async fn urge(&self, id: impl Display) -> ApiResult<Job> {
        self.call(Method::POST, &format!("/api/v1/repairs/{id}/urge"), None::<&()>, StatusCode::OK).await
    }

    /// Who the job can be assigned to, best fit first.
    pub async fn assignable(&self, id: impl Display) -> ApiResult<Vec<Assignable>> {
        self.get(&format!("/api/v1/repairs/{id}/assignable")).await
    }

    /// Uploads a photo as `wx.uploadFile` would (multipart field `file`):
    /// 201 with the photo.
    pub async fn upload(&self, name: &str, bytes: Vec<u8>) -> ApiResult<Photo> {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()).mime_str("image/jpeg").unwrap();
        let form = reqwest::multipart::Form::new().text("purpose", "repair").part("file", part);
        let res =
            self.server.req(Method::POST, "/api/v1/uploads", Some(self.token())).multipart(form).send().await.unwrap();
        let (status, photo) = answer("POST /api/v1/uploads", res).await;
        if photo.is_ok() {
            assert_eq!(status, StatusCode::CREATED, "upload of {name}");
        }
        photo
    }

    /// Follow-ups this person may see (`GET /api/v1/follow-ups`).
    pub async fn follow_ups(&self) -> ApiResult<Page<FollowUp>> {
        self.get("/api/v1/follow-ups").await
    }
}
