//! Requests taken for a resident and follow-up visits: `/entry/...`,
//! `/follow-ups...`.

use std::fmt::Display;

use linli_model::{
    Page, UnitInfo,
    follow_up::FollowUpOutcomeInput,
    help::HelpCall,
    job::{FollowUp, Job},
    staff_entry::OnBehalf,
};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde_json::json;

use super::{ApiResult, User};

impl User<'_> {
    /// The units of a building with their residents, for the staff entry
    /// picker (`GET /api/v1/entry/units?building_id=`).
    pub async fn entry_units(&self, building_id: impl Display) -> ApiResult<Vec<UnitInfo>> {
        self.get(&format!("/api/v1/entry/units?building_id={building_id}")).await
    }

    /// The `on_behalf` of unit `number` of building `building` (by their
    /// numbers), as this staff member's picker lists it, for `channel`.
    pub async fn on_behalf(&self, building: &str, number: &str, channel: &str) -> OnBehalf {
        let b = self.building_id(building).await;
        let units = self.entry_units(&b).await.unwrap();
        let unit = units.into_iter().find(|u| u.number == number).unwrap_or_else(|| panic!("unit {number}"));
        OnBehalf { unit_id: unit.id, resident_id: None, channel: channel.to_string() }
    }

    /// Reports a repair for a resident (`POST /api/v1/repairs` with
    /// `on_behalf`): 201 with the job.
    pub async fn report_for(&self, on_behalf: &OnBehalf, category: &str) -> ApiResult<Job> {
        self.report(&json!({ "category": category, "description": "业主来电报修", "on_behalf": on_behalf })).await
    }

    /// Enters a help call for an elder (`POST /api/v1/entry/help-calls`): 201.
    pub async fn enter_help_call(&self, body: &(impl Serialize + ?Sized)) -> ApiResult<HelpCall> {
        self.call(Method::POST, "/api/v1/entry/help-calls", Some(body), StatusCode::CREATED).await
    }

    /// Enters a help call expecting `status` (201 new, 200 the call
    /// already there).
    pub async fn enter_help_call_expect(
        &self,
        body: &(impl Serialize + ?Sized),
        status: StatusCode,
    ) -> ApiResult<HelpCall> {
        self.call(Method::POST, "/api/v1/entry/help-calls", Some(body), status).await
    }

    /// Follow-ups with a query string (`""`, `"?status=open"`).
    pub async fn follow_ups_where(&self, query: &str) -> ApiResult<Page<FollowUp>> {
        self.get(&format!("/api/v1/follow-ups{query}")).await
    }

    /// Records a follow-up's outcome (`POST /api/v1/follow-ups/{id}/outcome`).
    pub async fn follow_up_outcome(&self, id: impl Display, outcome: &str, note: &str) -> ApiResult<FollowUp> {
        let body = FollowUpOutcomeInput { outcome: outcome.to_string(), note: Some(note.to_string()) };
        self.call(Method::POST, &format!("/api/v1/follow-ups/{id}/outcome"), Some(&body), StatusCode::OK).await
    }
}
