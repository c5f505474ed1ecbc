//! Publishing notices, creating events, RSVPs.

use axum::{
    Router,
    extract::{Path, State},
    response::Response,
    routing::post,
};
use chrono::{DateTime, Utc};
use linli_model::{
    AppError, Msg,
    notice::{NewActivity, NewAnnouncement, RsvpBody},
};
use serde::Deserialize;

use super::{And, Form, WebUser, local_datetime, page_of, respond};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/forms/notices", post(publish_notice))
        .route("/forms/events", post(create_event))
        .route("/forms/events/{id}/rsvp", post(rsvp))
        .route("/forms/notices/{id}/read", post(mark_read))
}

/// How long a notice stays up, in days from today; none for "never". For
/// an outage, its expected end as `datetime-local` (Shanghai).
#[derive(Deserialize)]
struct Expiry {
    days: Option<u16>,
    #[serde(default, deserialize_with = "local_datetime")]
    outage_end: Option<DateTime<Utc>>,
}

/// Publishing a notice from the compose page: the API's
/// [`NewAnnouncement`], its expiry given in days.
async fn publish_notice(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Form(form): Form<And<NewAnnouncement, Expiry>>,
) -> Response {
    let outcome = async {
        let And(mut input, expiry) = form?;
        input.expected_end = input.expected_end.or(expiry.outage_end);
        input.expires_at =
            expiry.days.map(|d| linli_model::time::end_of_local_day(Utc::now() + chrono::Duration::days(i64::from(d))));
        let notice = state.backend.publish_notice(&actor, input).await.map_err(linli_backend::Error::answer)?;
        Ok(format!("/notices/{}", notice.id))
    };
    respond("/notices/new", outcome.await)
}

/// The event form: the API's fields, its times as `datetime-local`.
#[derive(Deserialize)]
struct EventForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    place: String,
    #[serde(default, deserialize_with = "local_datetime")]
    starts_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "local_datetime")]
    ends_at: Option<DateTime<Utc>>,
    capacity: Option<u32>,
    #[serde(default, deserialize_with = "local_datetime")]
    rsvp_deadline: Option<DateTime<Utc>>,
}

impl EventForm {
    /// The API's [`NewActivity`]; without both times, "the event must end
    /// after it starts". No capacity is 0, which the service refuses.
    fn activity(self) -> Result<NewActivity, AppError> {
        let (Some(starts_at), Some(ends_at)) = (self.starts_at, self.ends_at) else {
            return Err(AppError::invalid("starts_at", Msg::ErrEventTimes));
        };
        Ok(NewActivity {
            title: self.title,
            description: self.description,
            place: self.place,
            starts_at,
            ends_at,
            capacity: self.capacity.unwrap_or(0),
            rsvp_deadline: self.rsvp_deadline,
        })
    }
}

async fn create_event(State(state): State<AppState>, WebUser(actor): WebUser, Form(form): Form<EventForm>) -> Response {
    let outcome = async {
        let activity =
            state.backend.create_activity(&actor, form?.activity()?).await.map_err(linli_backend::Error::answer)?;
        Ok(format!("/events/{}", activity.id))
    };
    respond("/events/new", outcome.await)
}

/// "I have read it", from the notice's own page (a POST: opening the page
/// changes nothing).
async fn mark_read(State(state): State<AppState>, WebUser(actor): WebUser, Path(id): Path<String>) -> Response {
    let page = page_of("/notices", &id);
    let outcome = async {
        state.backend.mark_read(&actor, &id).await.map_err(linli_backend::Error::answer)?;
        Ok(page.clone())
    };
    respond(&page, outcome.await)
}

/// The RSVP form's own field: `cancel=true` withdraws instead.
#[derive(Deserialize)]
struct Cancel {
    #[serde(default)]
    cancel: bool,
}

/// RSVP without scripts: the API's [`RsvpBody`] (one person when not
/// said), or its cancelling.
async fn rsvp(
    State(state): State<AppState>,
    WebUser(actor): WebUser,
    Path(id): Path<String>,
    Form(form): Form<And<RsvpBody, Cancel>>,
) -> Response {
    let page = page_of("/events", &id);
    let outcome = async {
        let And(body, cancel) = form?;
        if cancel.cancel {
            state.backend.cancel_rsvp(&actor, &id).await.map_err(linli_backend::Error::answer)?;
        } else {
            state.backend.rsvp(&actor, &id, body.headcount.unwrap_or(1)).await.map_err(linli_backend::Error::answer)?;
        }
        Ok(page.clone())
    };
    respond(&page, outcome.await)
}
