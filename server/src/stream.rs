//! `GET /api/v1/stream`: server-sent events of everything the caller may
//! see. A client that reconnects with `Last-Event-ID` gets what it missed,
//! or `resync` when that is no longer possible; a comment line every 15 s
//! keeps proxies from closing an idle stream. Streams end when the server
//! shuts down, so a graceful shutdown is not held up by them.
//!
//! A stream is authorised for as long as it is open, not once: its caller
//! is resolved again whenever anything in this process changes a session,
//! a person or a building's butler (at once, before the next event is
//! filtered), and every [`RECHECK`] in any case (changes made by another
//! process, sessions that expire). A caller signed out, expired or
//! deactivated loses the stream; a butler given a building receives its
//! events from then on, and the former butler stops receiving them.

use std::{convert::Infallible, time::Duration};

use app::{
    backend::{
        Actor,
        events::{Lagged, LiveEvent, Replay, Subscription},
    },
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

/// Open streams per person, in this process: at most `--streams-per-person`
/// (16: a phone, a tablet, browser tabs, and streams of a flaky network
/// that the server has not yet noticed are gone, which it does at the next
/// keep-alive, 15 s); more are refused with 429, so one token cannot use
/// up the server's connections.
pub struct StreamSlots {
    per_person: usize,
    open: std::sync::Mutex<std::collections::HashMap<String, usize>>,
}

impl StreamSlots {
    pub fn new(per_person: usize) -> Self {
        Self { per_person: per_person.max(1), open: std::sync::Mutex::default() }
    }
}

/// One open stream's place; given back when the stream ends.
struct StreamSlot {
    slots: std::sync::Arc<StreamSlots>,
    user: String,
}

impl StreamSlots {
    fn take(self: &std::sync::Arc<Self>, user: &str) -> Option<StreamSlot> {
        let mut open = self.open.lock().ok()?;
        let n = open.entry(user.to_string()).or_insert(0);
        if *n >= self.per_person {
            return None;
        }
        *n += 1;
        Some(StreamSlot { slots: self.clone(), user: user.to_string() })
    }
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        if let Ok(mut open) = self.slots.open.lock()
            && let Some(n) = open.get_mut(&self.user)
        {
            *n = n.saturating_sub(1);
            if *n == 0 {
                open.remove(&self.user);
            }
        }
    }
}

/// How often an open stream checks its caller even when nothing in this
/// process changed: with the 2 s session cache, a sign-out or a change made
/// by another process ends or narrows the stream within about 4 s.
const RECHECK: Duration = Duration::from_secs(2);

#[derive(Deserialize, utoipa::IntoParams)]
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
    let mut credential = Credential {
        session: linli_backend::web::session_token(&headers),
        device: linli_backend::web::device_token(&headers),
        via_device: false,
    };
    let actor = credential.resolve(&state.backend).await?;
    let slot = state.streams.take(&actor.user_id).ok_or_else(|| {
        linli_model::AppError::new(linli_model::ErrorCode::RateLimited, linli_model::Msg::ErrRateLimited)
    })?;
    let hub = state.backend.events();
    // Subscribe before reading the ring, so nothing falls between the two;
    // only to the caller's own topics, so other people's events never wake
    // this stream.
    let rx = hub.subscribe_for(&actor);
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
            for e in missed.iter().filter(|e| credential.admits(e) && e.visible_to(&actor)) {
                first.push(to_sse(e));
            }
            sent_up_to = missed.last().map_or(0, |e| e.seq);
        }
    }
    let mut changes = state.backend.session_changes();
    changes.mark_unchanged();
    let mut recheck = tokio::time::interval_at(tokio::time::Instant::now() + RECHECK, RECHECK);
    recheck.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let live = Live {
        rx,
        shutdown: state.shutdown.clone(),
        actor,
        credential,
        changes,
        recheck,
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

/// What the stream was opened with, to check it again while it is open.
struct Credential {
    session: Option<String>,
    /// An elder's help device: enough for the help screen's events only.
    device: Option<String>,
    via_device: bool,
}

impl Credential {
    async fn resolve(&mut self, backend: &linli_backend::Backend) -> Result<Actor, linli_backend::Error> {
        if self.session.is_none() && self.device.is_none() {
            return Err(linli_model::AppError::unauthenticated().into());
        }
        let (actor, device_expiry) = backend.help_caller(self.session.as_deref(), self.device.as_deref()).await?;
        self.via_device = device_expiry.is_some();
        Ok(actor)
    }

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
    actor: Actor,
    /// What the stream was opened with, to check it again.
    credential: Credential,
    /// Sessions, people or butlers changed in this process.
    changes: tokio::sync::watch::Receiver<u64>,
    recheck: tokio::time::Interval,
    /// The last event already sent (replayed ones included).
    sent_up_to: u64,
    backend: linli_backend::Backend,
    /// This stream's place among the person's open streams.
    _slot: StreamSlot,
}

impl Live {
    /// The next event this caller may see, or `None` to end the stream.
    /// This future is what an idle stream holds between events, for as
    /// long as it is open: the check of the caller (a database read, whose
    /// future is large) is boxed for the moment it runs, so the idle state
    /// stays small (see the test below).
    async fn next(mut self) -> Option<(Event, Self)> {
        loop {
            tokio::select! {
                // A change is handled before any event that follows it.
                biased;
                _ = self.shutdown.changed() => return None,
                changed = self.changes.changed() => {
                    if changed.is_err() || !Box::pin(self.still_allowed()).await {
                        return None;
                    }
                }
                _ = self.recheck.tick() => {
                    if !Box::pin(self.still_allowed()).await {
                        return None;
                    }
                }
                got = self.rx.recv() => match got {
                    Ok(e) if e.seq <= self.sent_up_to => continue,
                    Ok(e) if self.credential.admits(&e) && e.visible_to(&self.actor) => {
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

    /// Resolves the caller again: `false` when the session is over (signed
    /// out, expired, the account deactivated). A database fault keeps the
    /// stream as it is; the next check tries again.
    async fn still_allowed(&mut self) -> bool {
        match self.credential.resolve(&self.backend).await {
            Ok(actor) => {
                // A butler given or relieved of a building, a resident
                // moved: listen where the caller now belongs.
                if actor != self.actor {
                    self.rx.listen_to(&actor.community.id, linli_backend::policy::Topic::of(&actor));
                    self.actor = actor;
                }
                true
            }
            Err(linli_backend::Error::App(_)) => false,
            Err(e) => {
                tracing::warn!(error = %e, "live stream: caller not checked again");
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn future_size<F: FnOnce(Live) -> Fut, Fut>(_: F) -> usize {
        std::mem::size_of::<Fut>()
    }

    /// Every idle stream holds one `Live::next` future; were the caller's
    /// check not boxed, it would carry the database read's state (several
    /// KiB) for the stream's whole life.
    #[test]
    fn an_idle_streams_state_stays_small() {
        let idle = future_size(Live::next);
        let check = future_size(|mut live: Live| async move { live.still_allowed().await });
        eprintln!(
            "idle stream future: {idle} bytes; the caller's check: {check} bytes; Live: {} bytes",
            std::mem::size_of::<Live>()
        );
        assert!(idle < 2048, "{idle} bytes");
    }
}
