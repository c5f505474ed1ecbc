//! The live event hub behind `GET /api/v1/stream`.
//!
//! Services publish an event after their change is committed; the hub
//! numbers it, keeps the last few thousand in a ring for clients that
//! reconnect (`Last-Event-ID`), and fans it out to every open stream, each
//! of which keeps only what its user may see. The stored state is the
//! truth and events are hints: a client that missed too much is told to
//! `resync` and reloads.
//!
//! Event ids are `<boot>-<seq>`: `boot` changes at every start, so an id
//! from before a restart is recognised and answered with `resync`.
//!
//! When several server processes share one database, each hub also hands
//! its own events to the relay (`relay.rs`), which passes them to the
//! other processes' hubs; an event is numbered by the hub that delivers it.

use std::{
    collections::VecDeque,
    sync::{Arc, Mutex},
};

use chrono::{DateTime, Utc};
use tokio::sync::{broadcast, mpsc};

use super::{ids, policy::Actor};
use linli_model::live::EventKind;

pub use crate::policy::Audience;

/// One published event.
#[derive(Clone, Debug)]
pub struct LiveEvent {
    pub seq: u64,
    pub id: String,
    pub kind: EventKind,
    pub community: String,
    pub audience: Audience,
    pub data: serde_json::Value,
    pub at: DateTime<Utc>,
}

impl LiveEvent {
    pub fn visible_to(&self, actor: &Actor) -> bool {
        self.community == actor.community.id && self.audience.includes(actor)
    }

    /// The JSON sent as the SSE `data:` field: one flat object, the
    /// event's own fields (`id`, `status`, `action`, …) next to the
    /// envelope's `kind` (the event kind, as on the `event:` line) and `at`
    /// (when it was published, RFC 3339), as clients have read it since the
    /// first release. The object is built as one map with the envelope's
    /// keys written last, so a key can never be sent twice; payloads must
    /// not use the reserved names ([`RESERVED`]: a job's kind travels as
    /// `job_kind`), and one that does is logged and loses that field.
    pub fn payload(&self) -> String {
        let mut out = serde_json::Map::new();
        if let serde_json::Value::Object(fields) = &self.data {
            for (key, value) in fields {
                if RESERVED.contains(&key.as_str()) {
                    tracing::error!(event = self.kind.as_str(), key = %key, "event payload uses a reserved key");
                } else {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        out.insert("kind".into(), serde_json::json!(self.kind));
        out.insert("at".into(), serde_json::json!(self.at));
        serde_json::Value::Object(out).to_string()
    }
}

/// Keys of an event's JSON that belong to the envelope, never to a payload.
pub const RESERVED: [&str; 2] = ["kind", "at"];

/// How many recent events are kept for reconnecting clients.
const RING: usize = 4096;

pub struct EventHub {
    boot: String,
    inner: Mutex<Ring>,
    sender: broadcast::Sender<Arc<LiveEvent>>,
    /// This process's own events, for the relay to other processes.
    relay: Mutex<Option<mpsc::UnboundedSender<Arc<LiveEvent>>>>,
}

struct Ring {
    next: u64,
    events: VecDeque<Arc<LiveEvent>>,
}

/// What a reconnecting client gets.
pub enum Replay {
    /// The events it missed (possibly none), in order.
    Events(Vec<Arc<LiveEvent>>),
    /// Too old or from before a restart: reload state.
    Resync,
}

impl Default for EventHub {
    fn default() -> Self {
        Self::new()
    }
}

impl EventHub {
    pub fn new() -> Self {
        let (sender, _) = broadcast::channel(RING);
        let boot: String = ids::new_key().chars().take(8).collect();
        Self {
            boot,
            inner: Mutex::new(Ring { next: 1, events: VecDeque::with_capacity(RING) }),
            sender,
            relay: Mutex::new(None),
        }
    }

    /// Who published an event, among the processes sharing a database.
    pub fn origin(&self) -> &str {
        &self.boot
    }

    /// From now on, this process's own events are also handed to `relay`.
    pub fn relay_to(&self, relay: mpsc::UnboundedSender<Arc<LiveEvent>>) {
        if let Ok(mut slot) = self.relay.lock() {
            *slot = Some(relay);
        }
    }

    /// Publishes an event of this process: to its streams and, when
    /// processes share the database, to the others.
    pub fn publish(&self, kind: EventKind, community: &str, audience: Audience, data: serde_json::Value) {
        let Some(event) = self.deliver(kind, community, audience, data) else { return };
        if let Ok(relay) = self.relay.lock()
            && let Some(relay) = relay.as_ref()
        {
            // A closed relay means shutdown; local delivery has happened.
            let _ = relay.send(event);
        }
    }

    /// Publishes an event that another process published first: to this
    /// process's streams only.
    pub fn publish_relayed(&self, kind: EventKind, community: &str, audience: Audience, data: serde_json::Value) {
        self.deliver(kind, community, audience, data);
    }

    /// Numbers, remembers and broadcasts an event. Numbering and sending
    /// happen under one lock, so every stream sees events in order.
    fn deliver(
        &self,
        kind: EventKind,
        community: &str,
        audience: Audience,
        data: serde_json::Value,
    ) -> Option<Arc<LiveEvent>> {
        let Ok(mut ring) = self.inner.lock() else { return None };
        let seq = ring.next;
        ring.next += 1;
        let event = Arc::new(LiveEvent {
            seq,
            id: format!("{}-{seq}", self.boot),
            kind,
            community: community.to_string(),
            audience,
            data,
            at: Utc::now(),
        });
        if ring.events.len() == RING {
            ring.events.pop_front();
        }
        ring.events.push_back(event.clone());
        // No subscriber is not an error: nobody is watching right now.
        let _ = self.sender.send(event.clone());
        Some(event)
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<LiveEvent>> {
        self.sender.subscribe()
    }

    /// The events after `last_id` (an id this hub gave out).
    pub fn since(&self, last_id: &str) -> Replay {
        let Some((boot, seq)) = last_id.split_once('-') else { return Replay::Resync };
        let Ok(seq) = seq.parse::<u64>() else { return Replay::Resync };
        if boot != self.boot {
            return Replay::Resync;
        }
        let Ok(ring) = self.inner.lock() else { return Replay::Resync };
        let oldest = ring.events.front().map_or(ring.next, |e| e.seq);
        if seq + 1 < oldest || seq >= ring.next {
            return Replay::Resync;
        }
        Replay::Events(ring.events.iter().filter(|e| e.seq > seq).cloned().collect())
    }

    /// The id of the latest event, for a fresh stream to start from.
    pub fn last_id(&self) -> String {
        let next = self.inner.lock().map(|r| r.next).unwrap_or(1);
        format!("{}-{}", self.boot, next - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use linli_model::{BuildingRef, CommunityRef, Role, UnitRef};

    fn resident() -> Actor {
        Actor {
            user_id: "u1".into(),
            session_id: "s".into(),
            name: "n".into(),
            phone: "13800000001".into(),
            role: Role::Resident,
            community: CommunityRef { id: "c1".into(), name: "c".into() },
            unit: Some(UnitRef {
                id: "unit1".into(),
                number: "101".into(),
                building: BuildingRef { id: "b1".into(), number: "1".into(), name: "1".into() },
                label: "l".into(),
            }),
            buildings: vec![],
            elder_mode: false,
            trades: vec![],
            gate: None,
        }
    }

    #[test]
    fn audiences_match_users_units_buildings_and_roles() {
        let a = resident();
        assert!(Audience { units: vec!["unit1".into()], ..Default::default() }.includes(&a));
        assert!(Audience { users: vec!["u1".into()], ..Default::default() }.includes(&a));
        assert!(Audience { residents_of: vec!["b1".into()], ..Default::default() }.includes(&a));
        assert!(!Audience { units: vec!["unit2".into()], ..Default::default() }.includes(&a));
        assert!(
            !Audience { buildings: vec!["b1".into()], ..Default::default() }.includes(&a),
            "building audience is its butler"
        );
        assert!(!Audience { roles: vec![Role::Admin], ..Default::default() }.includes(&a));
    }

    #[test]
    fn the_envelope_keys_are_written_once_over_the_payload() {
        let hub = EventHub::new();
        let mut rx = hub.subscribe();
        let data =
            serde_json::json!({ "id": "j1", "job_kind": "complaint", "kind": "x", "at": "2026-01-01T00:00:00Z" });
        hub.publish(EventKind::ComplaintUpdated, "c1", Audience::default(), data);
        let Ok(e) = rx.try_recv() else { panic!("published") };
        let text = e.payload();
        assert_eq!(text.matches("\"kind\":").count(), 1, "{text}");
        assert_eq!(text.matches("\"at\":").count(), 1, "{text}");
        let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!(v["kind"], "complaint.updated");
        assert_eq!((v["id"].as_str(), v["job_kind"].as_str()), (Some("j1"), Some("complaint")));
        assert_ne!(v["at"], "2026-01-01T00:00:00Z", "the envelope's time, not the payload's");
    }

    #[test]
    fn events_of_other_communities_are_never_visible() {
        let hub = EventHub::new();
        let mut rx = hub.subscribe();
        hub.publish(
            EventKind::RepairUpdated,
            "c2",
            Audience { units: vec!["unit1".into()], ..Default::default() },
            serde_json::json!({}),
        );
        let e = rx.try_recv().ok();
        assert!(e.is_some_and(|e| !e.visible_to(&resident())));
    }

    #[test]
    fn reconnecting_clients_get_what_they_missed_or_resync() {
        let hub = EventHub::new();
        let start = hub.last_id();
        for _ in 0..3 {
            hub.publish(EventKind::RepairUpdated, "c1", Audience::default(), serde_json::json!({}));
        }
        match hub.since(&start) {
            Replay::Events(e) => assert_eq!(e.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![1, 2, 3]),
            Replay::Resync => panic!("should replay"),
        }
        match hub.since(&hub.last_id()) {
            Replay::Events(e) => assert!(e.is_empty()),
            Replay::Resync => panic!("nothing missed"),
        }
        assert!(matches!(hub.since("oldboot-2"), Replay::Resync), "ids from before a restart");
        assert!(matches!(hub.since("garbage"), Replay::Resync));
    }
}
