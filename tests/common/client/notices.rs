//! Announcements and events: `/announcements`, `/events`.

use std::fmt::Display;

use linli_model::{
    Page,
    notice::{Activity, Announcement, Attendee, RsvpBody, RsvpStatus, UnreadHousehold},
};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde_json::json;

use super::{ApiResult, User};

impl User<'_> {
    /// Publishes a notice (`POST /api/v1/announcements`): 201.
    pub async fn publish(&self, body: &(impl Serialize + ?Sized)) -> ApiResult<Announcement> {
        self.call(Method::POST, "/api/v1/announcements", Some(body), StatusCode::CREATED).await
    }

    /// The notices for this person.
    pub async fn announcements(&self) -> ApiResult<Page<Announcement>> {
        self.get("/api/v1/announcements").await
    }

    /// One notice (reading it here does not mark it read).
    pub async fn announcement(&self, id: impl Display) -> ApiResult<Announcement> {
        self.get(&format!("/api/v1/announcements/{id}")).await
    }

    /// Marks a notice read: 204.
    pub async fn mark_read(&self, id: impl Display) -> ApiResult<()> {
        let path = format!("/api/v1/announcements/{id}/read");
        self.call(Method::POST, &path, Some(&json!({})), StatusCode::NO_CONTENT).await
    }

    /// The households that have not read a notice, elders first.
    pub async fn unread(&self, id: impl Display) -> ApiResult<Page<UnreadHousehold>> {
        self.get(&format!("/api/v1/announcements/{id}/unread")).await
    }

    /// Creates an event (`POST /api/v1/events`): 201.
    pub async fn create_event(&self, body: &(impl Serialize + ?Sized)) -> ApiResult<Activity> {
        self.call(Method::POST, "/api/v1/events", Some(body), StatusCode::CREATED).await
    }

    /// One event.
    pub async fn event(&self, id: impl Display) -> ApiResult<Activity> {
        self.get(&format!("/api/v1/events/{id}")).await
    }

    /// Says `headcount` people are coming: 200 with going or waitlisted.
    pub async fn rsvp(&self, id: impl Display, headcount: u32) -> ApiResult<RsvpStatus> {
        let path = format!("/api/v1/events/{id}/rsvp");
        self.call(Method::POST, &path, Some(&RsvpBody { headcount: Some(headcount) }), StatusCode::OK).await
    }

    /// Withdraws from an event: 204.
    pub async fn cancel_rsvp(&self, id: impl Display) -> ApiResult<()> {
        self.call(Method::DELETE, &format!("/api/v1/events/{id}/rsvp"), None::<&()>, StatusCode::NO_CONTENT).await
    }

    /// Who is coming to an event (staff).
    pub async fn attendees(&self, id: impl Display) -> ApiResult<Page<Attendee>> {
        self.get(&format!("/api/v1/events/{id}/attendees")).await
    }
}
