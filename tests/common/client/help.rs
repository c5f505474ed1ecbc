//! Elderly help: `/help-calls`, `/check-ins`, `/elders`, help devices.

use std::fmt::Display;

use linli_model::{
    Page,
    help::{
        CheckIn, ElderHome, ElderInfo, ElderVisit, HelpAction, HelpCall, HelpDevice, PairedDevice, PhoneToCall,
        PressBody, VisitBody, VisitScheduleBody, VisitStatus,
    },
};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde_json::json;

use super::{ApiResult, User};

impl User<'_> {
    /// Presses help with `client_key`: 201 with a new call, 200 with the
    /// call this key already raised.
    pub async fn press(&self, client_key: &str) -> (StatusCode, ApiResult<HelpCall>) {
        let body = PressBody { client_key: client_key.to_string() };
        self.send(Method::POST, "/api/v1/help-calls", Some(&body)).await
    }

    /// Presses help with a key never used before: 201 with the new call.
    pub async fn press_new(&self, client_key: &str) -> HelpCall {
        let (status, call) = self.press(client_key).await;
        let call = call.unwrap_or_else(|e| panic!("press {client_key}: {e}"));
        assert_eq!(status, StatusCode::CREATED, "press {client_key}");
        call
    }

    /// One help call.
    pub async fn help_call(&self, id: impl Display) -> ApiResult<HelpCall> {
        self.get(&format!("/api/v1/help-calls/{id}")).await
    }

    /// The help calls this person may see (`?open=true` with `open`).
    pub async fn help_calls(&self, open: bool) -> ApiResult<Page<HelpCall>> {
        self.get(if open { "/api/v1/help-calls?open=true" } else { "/api/v1/help-calls" }).await
    }

    /// Takes `action` on a call with nothing else in the body: 200.
    pub async fn help_act(&self, id: impl Display, action: HelpAction) -> ApiResult<HelpCall> {
        self.help_act_with(id, &json!({ "action": action.as_str() })).await
    }

    /// `POST /api/v1/help-calls/{id}/actions` with any body: 200.
    pub async fn help_act_with(&self, id: impl Display, body: &(impl Serialize + ?Sized)) -> ApiResult<HelpCall> {
        self.call(Method::POST, &format!("/api/v1/help-calls/{id}/actions"), Some(body), StatusCode::OK).await
    }

    /// Today's "I'm OK" (`POST /api/v1/check-ins`): 200.
    pub async fn check_in(&self) -> ApiResult<CheckIn> {
        self.call(Method::POST, "/api/v1/check-ins", Some(&json!({})), StatusCode::OK).await
    }

    /// The elders (or with `all`, every resident) this person looks after.
    pub async fn elders(&self, all: bool) -> ApiResult<Page<ElderInfo>> {
        self.get(if all { "/api/v1/elders?all=true" } else { "/api/v1/elders" }).await
    }

    /// The id of the elder named `name` on this person's list.
    pub async fn elder_id(&self, name: &str) -> String {
        let elders = self.elders(false).await.unwrap();
        elders.items.into_iter().find(|e| e.name == name).unwrap_or_else(|| panic!("elder {name}")).id
    }

    /// Sets a resident's elder mode and contacts
    /// (`PUT /api/v1/residents/{id}/elder`).
    pub async fn set_elder(&self, id: impl Display, body: &(impl Serialize + ?Sized)) -> ApiResult<ElderInfo> {
        self.put(&format!("/api/v1/residents/{id}/elder"), body).await
    }

    /// A resident's whole phone number (audited).
    pub async fn phone_to_call(&self, id: impl Display) -> ApiResult<PhoneToCall> {
        self.get(&format!("/api/v1/residents/{id}/phone")).await
    }

    /// Pairs this elder's device as a help device: 201 with its credential.
    pub async fn pair_device(&self, body: &(impl Serialize + ?Sized)) -> ApiResult<PairedDevice> {
        self.call(Method::POST, "/api/v1/help-devices", Some(body), StatusCode::CREATED).await
    }

    /// An elder's help devices.
    pub async fn devices(&self, elder_id: impl Display) -> ApiResult<Page<HelpDevice>> {
        self.get(&format!("/api/v1/elders/{elder_id}/devices")).await
    }

    /// Revokes one of an elder's help devices: 204.
    pub async fn revoke_device(&self, elder_id: impl Display, device: impl Display) -> ApiResult<()> {
        let path = format!("/api/v1/elders/{elder_id}/devices/{device}");
        self.call(Method::DELETE, &path, None::<&()>, StatusCode::NO_CONTENT).await
    }

    /// An elder's visit log (`GET /api/v1/elders/{id}/visits`), with a
    /// query such as `?limit=1&cursor=...` (or `""`).
    pub async fn elder_visits(&self, elder_id: impl Display, query: &str) -> ApiResult<Page<ElderVisit>> {
        self.get(&format!("/api/v1/elders/{elder_id}/visits{query}")).await
    }

    /// Records a regular visit to an elder: 201 with the visit.
    pub async fn record_visit(&self, elder_id: impl Display, body: &VisitBody) -> ApiResult<ElderVisit> {
        let path = format!("/api/v1/elders/{elder_id}/visits");
        self.call(Method::POST, &path, Some(body), StatusCode::CREATED).await
    }

    /// Sets an elder's visit schedule to every `every_days` days: 200.
    pub async fn set_visit_schedule(&self, elder_id: impl Display, every_days: i64) -> ApiResult<VisitStatus> {
        self.put(&format!("/api/v1/elders/{elder_id}/visit-schedule"), &VisitScheduleBody { every_days }).await
    }

    /// The elder's own screen (`GET /api/v1/elder-home`).
    pub async fn elder_home(&self) -> ApiResult<ElderHome> {
        self.get("/api/v1/elder-home").await
    }
}
