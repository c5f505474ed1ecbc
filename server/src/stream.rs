//! `GET /api/v1/stream`: server-sent events of everything the caller may
//! see. A client that reconnects with `Last-Event-ID` gets what it missed,
//! or `resync` when that is no longer possible; a comment line every 15 s
//! keeps proxies from closing an idle stream. Streams end when the server
//! shuts down, so a graceful shutdown is not held up by them.

use std::{convert::Infallible, sync::Arc, time::Duration};

use app::{
    backend::{
        Actor,
        events::{LiveEvent, Replay},
    },
    model::live::RESYNC,
};
use axum::{
    extract::State,
    http::HeaderMap,
    response::sse::{Event, KeepAlive, Sse},
};
use futures::{Stream, StreamExt as _};
use serde::Deserialize;
use tokio::sync::broadcast::error::RecvError;

use crate::{
    extract::{AuthUser, Query},
    state::AppState,
};

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
    AuthUser(actor): AuthUser,
    headers: HeaderMap,
    Query(q): Query<StreamQuery>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let hub = &state.backend.events;
    // Subscribe before reading the ring, so nothing falls between the two.
    let rx = hub.subscribe();
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
            for e in missed.iter().filter(|e| e.visible_to(&actor)) {
                first.push(to_sse(e));
            }
            sent_up_to = missed.last().map_or(0, |e| e.seq);
        }
    }
    let live = Live { rx, shutdown: state.shutdown.clone(), actor, sent_up_to, backend: state.backend.clone() };
    let stream = futures::stream::iter(first).chain(futures::stream::unfold(live, Live::next)).map(Ok);
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)).text(""))
}

/// One open stream's state between events.
struct Live {
    rx: tokio::sync::broadcast::Receiver<Arc<LiveEvent>>,
    shutdown: tokio::sync::watch::Receiver<bool>,
    actor: Actor,
    /// The last event already sent (replayed ones included).
    sent_up_to: u64,
    backend: app::backend::Backend,
}

impl Live {
    /// The next event this caller may see, or `None` to end the stream.
    async fn next(mut self) -> Option<(Event, Self)> {
        loop {
            tokio::select! {
                _ = self.shutdown.changed() => return None,
                got = self.rx.recv() => match got {
                    Ok(e) if e.seq <= self.sent_up_to => continue,
                    Ok(e) if e.visible_to(&self.actor) => {
                        self.sent_up_to = e.seq;
                        let event = to_sse(&e);
                        return Some((event, self));
                    }
                    Ok(_) => continue,
                    // Too slow to keep up: say so rather than skip silently.
                    Err(RecvError::Lagged(_)) => {
                        let event = resync(self.backend.events.last_id());
                        return Some((event, self));
                    }
                    Err(RecvError::Closed) => return None,
                }
            }
        }
    }
}
