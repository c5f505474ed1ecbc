//! `GET /api/v1/stream`: server-sent events of everything the caller may
//! see. A client that reconnects with `Last-Event-ID` gets what it missed,
//! or `resync` when that is no longer possible; a comment line every 15 s
//! keeps proxies from closing an idle stream. Streams end when the server
//! shuts down, so a graceful shutdown is not held up by them.
//!
//! A stream is authorised for as long as it is open, not once: its caller
//! is resolved again whenever anything in this process changes a session,
//! a person or a building's butler (at once, before the next event is
//! filtered), and every [`callers::RECHECK`] in any case (changes made by
//! another process sharing the database, sessions that expire; every
//! [`callers::RECHECK_ALONE`] when no other process shares it). The streams of one credential
//! share that check ([`Callers`]). A caller signed out, expired or
//! deactivated loses the stream; a butler given a building receives its
//! events from then on, and the former butler stops receiving them.

use std::{convert::Infallible, sync::Arc, time::Duration};

use app::{
    backend::events::{Lagged, LiveEvent, Replay, Subscription},
    model::live::{EventKind, RESYNC},
};
use axum::{
    extract::State,
    http::HeaderMap,
    response::{
        IntoResponse,
        sse::{Event, KeepAlive, Sse},
    },
};
use futures::StreamExt as _;
use serde::Deserialize;

use crate::{error::ApiResult, extract::Query, state::AppState};

mod callers;
mod slots;

pub use callers::Callers;
use callers::{Caller, Checked, Credential};
use slots::StreamSlot;
pub use slots::StreamSlots;

/// The live streams of this process: the places each person holds, and
/// the shared checks of their callers.
pub struct Streams {
    pub slots: Arc<StreamSlots>,
    pub callers: Arc<Callers>,
}

impl Streams {
    /// `per_person`: `--streams-per-person`.
    pub fn new(per_person: usize) -> Self {
        Self { slots: Arc::new(StreamSlots::new(per_person)), callers: Arc::default() }
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StreamQuery {
    /// For clients that cannot set the header (mini-programs): the same
    /// as `Last-Event-ID`.
    last_event_id: Option<String>,
}

fn to_sse(e: &LiveEvent) -> Event {
    Event::default().id(e.id.clone()).event(e.kind.as_str()).data(e.payload())
}

fn resync(last_id: String) -> Event {
    Event::default().id(last_id).event(RESYNC).data("{}")
}

#[utoipa::path(get, path = "/api/v1/stream", tag = "live", params(StreamQuery,
    ("Last-Event-ID" = Option<String>, Header, description = "The last event id received, to get what was missed")),
    responses((status = 200, content_type = "text/event-stream",
        description = "Server-sent events: repair.updated, help_call.updated, pass.admitted, walk_in.requested, \
            walk_in.decided, announcement.published, announcement.read, event.updated, check_in.updated; \
            `ready` on connect, `resync` when missed events cannot be replayed. A comment every 15 s."),
        crate::openapi::Errors))]
pub async fn stream(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<StreamQuery>,
) -> ApiResult<impl IntoResponse> {
    let credential = Credential {
        session: linli_backend::web::session_token(&headers),
        // A help device by its cookie (the tablet's screen) or its bearer
        // (a mini-program), as for the press: `app::api::ctx::help_caller`.
        device: linli_backend::web::device_token(&headers).or_else(|| linli_backend::web::bearer(&headers)),
    };
    let mut changes = state.backend.session_changes();
    let generation = *changes.borrow_and_update();
    let caller = credential.resolve(&state.backend).await?;
    let slot = state.streams.slots.take(&caller.actor.user_id).ok_or_else(|| {
        linli_model::AppError::new(linli_model::ErrorCode::RateLimited, linli_model::Msg::ErrRateLimited)
    })?;
    let hub = state.backend.events();
    // Subscribe before reading the ring, so nothing falls between the two;
    // only to the caller's own topics, so other people's events never wake
    // this stream.
    let rx = hub.subscribe_for(&caller.actor);
    let last = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or(q.last_event_id)
        .filter(|s| !s.is_empty());
    let mut first: Vec<Event> = Vec::new();
    let mut sent_up_to = 0u64;
    match last.as_deref().map(|id| hub.since(id)) {
        None => first.push(Event::default().id(hub.last_id()).event("ready").data("{}")),
        Some(Replay::Resync) => first.push(resync(hub.last_id())),
        Some(Replay::Events(missed)) => {
            for e in missed.iter().filter(|e| caller.admits(e) && e.visible_to(&caller.actor)) {
                first.push(to_sse(e));
            }
            sent_up_to = missed.last().map_or(0, |e| e.seq);
        }
    }
    let checked =
        state.streams.callers.watch(&state.backend, &credential, Checked { generation, caller: Some(caller.clone()) });
    let live = Live {
        rx,
        shutdown: state.shutdown.clone(),
        caller,
        changes,
        checked,
        sent_up_to,
        backend: state.backend.clone(),
        _slot: slot,
    };
    let stream = futures::stream::iter(first).chain(futures::stream::unfold(live, Live::next)).map(Ok::<_, Infallible>);
    let sse = Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)).text(""));
    // nginx and similar proxies buffer responses by default, which would
    // hold events back until a buffer fills; this asks them not to.
    Ok(([("x-accel-buffering", "no")], sse))
}

impl Caller {
    /// A help device sees only what its help screen shows.
    fn admits(&self, e: &LiveEvent) -> bool {
        !self.via_device || matches!(e.kind, EventKind::HelpCallUpdated | EventKind::CheckInUpdated)
    }
}

/// One open stream's state between events.
struct Live {
    /// The events sent to the caller's topics (the stream still checks each).
    rx: Subscription,
    shutdown: tokio::sync::watch::Receiver<bool>,
    /// The caller as last checked.
    caller: Caller,
    /// Sessions, people or butlers changed in this process.
    changes: tokio::sync::watch::Receiver<u64>,
    /// The shared check of this stream's credential.
    checked: tokio::sync::watch::Receiver<Checked>,
    /// The last event already sent (replayed ones included).
    sent_up_to: u64,
    backend: linli_backend::Backend,
    /// This stream's place among the person's open streams.
    _slot: StreamSlot,
}

impl Live {
    /// The next event this caller may see, or `None` to end the stream.
    /// This future is what an idle stream holds between events, for as
    /// long as it is open, so it stays small (see the test below): the
    /// wait for a fresh check is boxed for the moment it runs.
    async fn next(mut self) -> Option<(Event, Self)> {
        loop {
            tokio::select! {
                // A change is handled before any event that follows it:
                // the stream waits for a check that reflects it.
                biased;
                _ = self.shutdown.changed() => return None,
                changed = self.changes.changed() => {
                    let wanted = *self.changes.borrow_and_update();
                    if changed.is_err() || !Box::pin(self.checked_since(wanted)).await {
                        return None;
                    }
                }
                changed = self.checked.changed() => {
                    let checked = self.checked.borrow_and_update().clone();
                    if changed.is_err() || !self.follow(checked) {
                        return None;
                    }
                }
                got = self.rx.recv() => match got {
                    Ok(e) if e.seq <= self.sent_up_to => continue,
                    Ok(e) if self.caller.admits(&e) && e.visible_to(&self.caller.actor) => {
                        self.sent_up_to = e.seq;
                        let event = to_sse(&e);
                        return Some((event, self));
                    }
                    Ok(_) => continue,
                    // Too slow to keep up: say so rather than skip silently.
                    Err(Lagged) => {
                        let event = resync(self.backend.events().last_id());
                        return Some((event, self));
                    }
                }
            }
        }
    }

    /// Waits for a check of the caller that began at or after change
    /// `wanted`, and follows it: `false` when the stream must end.
    async fn checked_since(&mut self, wanted: u64) -> bool {
        let checked = match self.checked.wait_for(|c| c.generation >= wanted || c.caller.is_none()).await {
            Ok(c) => c.clone(),
            Err(_) => return false,
        };
        self.follow(checked)
    }

    /// Takes a check: `false` when the session is over; a butler given or
    /// relieved of a building, a resident moved, listen where the caller
    /// now belongs.
    fn follow(&mut self, checked: Checked) -> bool {
        let Some(caller) = checked.caller else { return false };
        if caller.actor != self.caller.actor {
            self.rx.listen_to(&caller.actor.community.id, linli_backend::policy::Topic::of(&caller.actor));
        }
        self.caller = caller;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn future_size<F: FnOnce(Live) -> Fut, Fut>(_: F) -> usize {
        std::mem::size_of::<Fut>()
    }

    /// Every idle stream holds one `Live::next` future; were the wait for
    /// a fresh check not boxed, it would carry its state for the stream's
    /// whole life.
    #[test]
    fn an_idle_streams_state_stays_small() {
        let idle = future_size(Live::next);
        let check = future_size(|mut live: Live| async move { live.checked_since(1).await });
        eprintln!(
            "idle stream future: {idle} bytes; the caller's check: {check} bytes; Live: {} bytes",
            std::mem::size_of::<Live>()
        );
        assert!(idle < 2048, "{idle} bytes");
    }
}
