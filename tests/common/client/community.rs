//! The community and the manager's console: `/buildings`, `/units`,
//! `/staff`, `/settings`, `/audit`, `/scorecards`, `/my-butler`.

use std::fmt::Display;

use linli_model::{
    BuildingInfo, Page, UnitInfo,
    admin::{AuditEntry, ButlerBody, CsvBody, ImportResult, Settings, StaffMember},
    scorecard::{ButlerCard, OneScorecard, PeriodPage, Scorecard},
};
use reqwest::{Method, StatusCode};
use serde::Serialize;

use super::{ApiResult, User};

impl User<'_> {
    /// The buildings this person may see, with their butlers.
    pub async fn buildings(&self) -> ApiResult<Vec<BuildingInfo>> {
        self.get("/api/v1/buildings").await
    }

    /// The id of the building numbered `number` (panics if not listed).
    pub async fn building_id(&self, number: &str) -> String {
        let buildings = self.buildings().await.unwrap();
        buildings.into_iter().find(|b| b.number == number).unwrap_or_else(|| panic!("building {number}")).id
    }

    /// Creates a building (`POST /api/v1/buildings`): 201.
    pub async fn create_building(&self, body: &(impl Serialize + ?Sized)) -> ApiResult<BuildingInfo> {
        self.call(Method::POST, "/api/v1/buildings", Some(body), StatusCode::CREATED).await
    }

    /// Gives building `id` to the butler `butler_id`
    /// (`PUT /api/v1/buildings/{id}/butler`).
    pub async fn assign_butler(&self, id: impl Display, butler_id: &str) -> ApiResult<BuildingInfo> {
        let body = ButlerBody { butler_id: butler_id.to_string() };
        self.put(&format!("/api/v1/buildings/{id}/butler"), &body).await
    }

    /// One unit with its residents (`GET /api/v1/units/{id}`).
    pub async fn unit(&self, id: impl Display) -> ApiResult<UnitInfo> {
        self.get(&format!("/api/v1/units/{id}")).await
    }

    /// Imports units from CSV text (`POST /api/v1/units/import`): 200.
    pub async fn import_units(&self, csv: &str) -> ApiResult<ImportResult> {
        let body = CsvBody { csv: csv.to_string() };
        self.call(Method::POST, "/api/v1/units/import", Some(&body), StatusCode::OK).await
    }

    /// The community's staff (and residents made through the console).
    pub async fn staff(&self) -> ApiResult<Page<StaffMember>> {
        self.get("/api/v1/staff").await
    }

    /// Creates a person (`POST /api/v1/staff`): 201.
    pub async fn create_person(&self, body: &(impl Serialize + ?Sized)) -> ApiResult<StaffMember> {
        self.call(Method::POST, "/api/v1/staff", Some(body), StatusCode::CREATED).await
    }

    /// Changes a person (`PATCH /api/v1/staff/{id}`).
    pub async fn change_staff(&self, id: impl Display, body: &(impl Serialize + ?Sized)) -> ApiResult<StaffMember> {
        self.patch(&format!("/api/v1/staff/{id}"), body).await
    }

    /// The community's settings.
    pub async fn settings(&self) -> ApiResult<Settings> {
        self.get("/api/v1/settings").await
    }

    /// Replaces the community's settings (`PUT /api/v1/settings`).
    pub async fn put_settings(&self, settings: &Settings) -> ApiResult<Settings> {
        self.put("/api/v1/settings", settings).await
    }

    /// The audit trail; `query` is the query string (`"?action=building"`).
    pub async fn audit(&self, query: &str) -> ApiResult<Page<AuditEntry>> {
        self.get(&format!("/api/v1/audit{query}")).await
    }

    /// Every butler's scorecard for the default period.
    pub async fn scorecards(&self) -> ApiResult<PeriodPage<Scorecard>> {
        self.get("/api/v1/scorecards").await
    }

    /// One butler's scorecard with its daily series.
    pub async fn butler_scorecard(&self, butler_id: impl Display) -> ApiResult<OneScorecard> {
        self.get(&format!("/api/v1/butlers/{butler_id}/scorecard")).await
    }

    /// A resident's card of their building's butler.
    pub async fn my_butler(&self) -> ApiResult<Option<ButlerCard>> {
        self.get("/api/v1/my-butler").await
    }
}
