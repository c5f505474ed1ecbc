//! The live event hub behind `GET /api/v1/stream`.
//!
//! Services publish an event after their change is committed; the hub
//! numbers it, keeps the last few thousand in a ring for clients that
//! reconnect (`Last-Event-ID`), and hands it to the streams that may see
//! it, and only to them: each stream listens on its caller's topics within
//! its community (the person, the household, the role, the buildings a
//! butler owns, the building lived in: [`Topic`]), an event goes to its
//! audience's topics in its community ([`Audience::topics`]), and a stream
//! on several of them gets it once. Nothing else is woken, so the cost of
//! an event follows its audience, not the number of open streams. A topic
//! exists while someone listens on it (created by the first subscriber,
//! dropped with the last). Each stream still checks every event with
//! [`LiveEvent::visible_to`] before sending it. The stored state is the
//! truth and events are hints: a client that missed too much (more than
//! [`MAILBOX`] waiting) is told to `resync` and reloads.
//!
//! Event ids are `<boot>-<seq>`: `boot` changes at every start, so an id
//! from before a restart is recognised and answered with `resync`.
//!
//! When several server processes share one database, each hub also hands
//! its own events to the relay (`relay.rs`), which passes them to the
//! other processes' hubs; an event is numbered by the hub that delivers it.

use std::{
    collections::{HashMap, VecDeque},
    sync::{Arc, Mutex},
};

use chrono::{DateTime, Utc};
use tokio::sync::{Notify, mpsc};

use super::{ids, policy::Actor};
use linli_model::live::EventKind;

pub use crate::policy::{Audience, Topic};

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

/// How many events may wait for one stream before it is told to `resync`
/// instead (a stream that does not read, e.g. a stalled client).
pub const MAILBOX: usize = 256;

pub struct EventHub {
    boot: String,
    inner: Mutex<Ring>,
    /// Who listens on what; shared with the subscriptions, which leave it
    /// when dropped.
    channels: Arc<Mutex<Channels>>,
    /// This process's own events, for the relay to other processes.
    relay: Mutex<Option<mpsc::UnboundedSender<Arc<LiveEvent>>>>,
    /// Benchmark only: wake every open stream for every event, as the
    /// hub did before it routed by audience (`--bench-wake-all`), to
    /// measure the difference in one run.
    wake_all: std::sync::atomic::AtomicBool,
}

struct Ring {
    next: u64,
    events: VecDeque<Arc<LiveEvent>>,
}

/// The live channels: community → topic → the mailboxes of the streams
/// listening on it, by subscription number. Empty topics and communities
/// are removed at once, so the map follows the open streams, not every
/// community or person that ever had one.
#[derive(Default)]
struct Channels {
    next_id: u64,
    communities: HashMap<String, HashMap<Topic, HashMap<u64, Arc<Mailbox>>>>,
    streams: usize,
    /// Events handed to streams (one per stream woken per event).
    deliveries: u64,
    /// Streams told to resync because their mailbox was full.
    lagged: u64,
}

impl Channels {
    fn join(&mut self, id: u64, community: &str, topics: &[Topic], mailbox: &Arc<Mailbox>) {
        let by_topic = self.communities.entry(community.to_string()).or_default();
        for topic in topics {
            by_topic.entry(topic.clone()).or_default().insert(id, mailbox.clone());
        }
    }

    fn leave(&mut self, id: u64, community: &str, topics: &[Topic]) {
        let Some(by_topic) = self.communities.get_mut(community) else { return };
        for topic in topics {
            if let Some(listeners) = by_topic.get_mut(topic) {
                listeners.remove(&id);
                if listeners.is_empty() {
                    by_topic.remove(topic);
                }
            }
        }
        if by_topic.is_empty() {
            self.communities.remove(community);
        }
    }
}

/// One stream's waiting events.
struct Mailbox {
    queue: Mutex<Queue>,
    ready: Notify,
}

#[derive(Default)]
struct Queue {
    events: VecDeque<Arc<LiveEvent>>,
    /// Events were dropped since the stream last read: it must resync.
    lagged: bool,
    /// Events ever put here (tests and figures).
    delivered: u64,
}

impl Mailbox {
    /// Puts `event` in; `false` when it overflowed (the stream will resync).
    fn put(&self, event: &Arc<LiveEvent>) -> bool {
        let Ok(mut q) = self.queue.lock() else { return false };
        q.delivered += 1;
        let fits = q.events.len() < MAILBOX;
        if fits {
            q.events.push_back(event.clone());
        } else {
            q.events.clear();
            q.lagged = true;
        }
        drop(q);
        self.ready.notify_one();
        fits
    }
}

/// `topics` without repeats, in their first order.
fn distinct(topics: Vec<Topic>) -> Vec<Topic> {
    let mut out: Vec<Topic> = Vec::with_capacity(topics.len());
    for t in topics {
        if !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

/// A stream missed events (its mailbox overflowed): it should resync.
#[derive(Debug, PartialEq, Eq)]
pub struct Lagged;

/// One stream's place on the hub: the topics it listens on in one
/// community, and the events waiting for it. Leaves every topic when
/// dropped.
pub struct Subscription {
    id: u64,
    community: String,
    topics: Vec<Topic>,
    mailbox: Arc<Mailbox>,
    channels: Arc<Mutex<Channels>>,
}

impl Subscription {
    /// The next event for this stream, in publishing order; waits for one.
    /// Cancel-safe (nothing is lost when the future is dropped). `Lagged`
    /// when events were dropped because the stream fell behind.
    pub async fn recv(&mut self) -> Result<Arc<LiveEvent>, Lagged> {
        loop {
            if let Some(got) = self.try_recv() {
                return got;
            }
            self.mailbox.ready.notified().await;
        }
    }

    /// The next waiting event, if any, without waiting.
    pub fn try_recv(&mut self) -> Option<Result<Arc<LiveEvent>, Lagged>> {
        let mut q = self.mailbox.queue.lock().ok()?;
        if q.lagged {
            q.lagged = false;
            return Some(Err(Lagged));
        }
        q.events.pop_front().map(Ok)
    }

    /// Listens on `topics` of `community` from now on (the caller changed:
    /// a butler given a building, a resident moved).
    pub fn listen_to(&mut self, community: &str, topics: Vec<Topic>) {
        let topics = distinct(topics);
        if community == self.community && topics == self.topics {
            return;
        }
        if let Ok(mut channels) = self.channels.lock() {
            channels.leave(self.id, &self.community, &self.topics);
            channels.join(self.id, community, &topics, &self.mailbox);
        }
        self.community = community.to_string();
        self.topics = topics;
    }

    /// How many events were handed to this stream so far (every event that
    /// woke it, before the stream's own checks).
    pub fn delivered(&self) -> u64 {
        self.mailbox.queue.lock().map(|q| q.delivered).unwrap_or(0)
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        if let Ok(mut channels) = self.channels.lock() {
            channels.leave(self.id, &self.community, &self.topics);
            channels.streams = channels.streams.saturating_sub(1);
        }
    }
}

/// The hub's live figures (`/healthz`, the fan-out benchmark).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct LiveStats {
    /// Open subscriptions (streams) in this process.
    pub streams: usize,
    /// Communities with at least one open stream.
    pub communities: usize,
    /// Topics (channels) with at least one listener.
    pub channels: usize,
    /// Events handed to streams since start: one per stream woken per event.
    pub deliveries: u64,
    /// Times a stream fell behind and was told to resync.
    pub lagged: u64,
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
        let boot: String = ids::new_key().chars().take(8).collect();
        Self {
            boot,
            inner: Mutex::new(Ring { next: 1, events: VecDeque::with_capacity(RING) }),
            channels: Arc::default(),
            relay: Mutex::new(None),
            wake_all: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// Benchmark only: with `on`, every event wakes every open stream of
    /// every community (each still filters), as before routing by audience.
    pub fn wake_every_stream(&self, on: bool) {
        self.wake_all.store(on, std::sync::atomic::Ordering::Relaxed);
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

    /// Numbers, remembers and hands out an event. Numbering and handing
    /// out happen under one lock, so every stream sees events in order.
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
        self.fan_out(&event);
        Some(event)
    }

    /// Hands `event` to every stream listening on one of its audience's
    /// topics in its community, once each. No listener is not an error:
    /// nobody concerned is watching right now.
    fn fan_out(&self, event: &Arc<LiveEvent>) {
        let Ok(mut channels) = self.channels.lock() else { return };
        let mut targets: Vec<(u64, &Arc<Mailbox>)> = Vec::new();
        if self.wake_all.load(std::sync::atomic::Ordering::Relaxed) {
            let everyone = channels.communities.values().flat_map(HashMap::values).flat_map(HashMap::iter);
            targets.extend(everyone.map(|(id, m)| (*id, m)));
        } else if let Some(by_topic) = channels.communities.get(&event.community) {
            for topic in event.audience.topics() {
                if let Some(listeners) = by_topic.get(&topic) {
                    targets.extend(listeners.iter().map(|(id, m)| (*id, m)));
                }
            }
        }
        targets.sort_unstable_by_key(|(id, _)| *id);
        targets.dedup_by_key(|(id, _)| *id);
        let lagged = targets.iter().filter(|(_, m)| !m.put(event)).count() as u64;
        let woken = targets.len() as u64;
        channels.deliveries += woken;
        channels.lagged += lagged;
    }

    /// Opens a stream's place: it receives the events of `community` sent
    /// to any of `topics` (for a person: [`Topic::of`]), from now on.
    pub fn subscribe(&self, community: &str, topics: Vec<Topic>) -> Subscription {
        let topics = distinct(topics);
        let mailbox = Arc::new(Mailbox { queue: Mutex::default(), ready: Notify::new() });
        let mut id = 0;
        if let Ok(mut channels) = self.channels.lock() {
            channels.next_id += 1;
            id = channels.next_id;
            channels.streams += 1;
            channels.join(id, community, &topics, &mailbox);
        }
        Subscription { id, community: community.to_string(), topics, mailbox, channels: self.channels.clone() }
    }

    /// [`EventHub::subscribe`] to everything `actor` may be told of.
    pub fn subscribe_for(&self, actor: &Actor) -> Subscription {
        self.subscribe(&actor.community.id, Topic::of(actor))
    }

    /// Open streams, live channels and deliveries so far.
    pub fn stats(&self) -> LiveStats {
        let Ok(channels) = self.channels.lock() else { return LiveStats::default() };
        LiveStats {
            streams: channels.streams,
            communities: channels.communities.len(),
            channels: channels.communities.values().map(HashMap::len).sum(),
            deliveries: channels.deliveries,
            lagged: channels.lagged,
        }
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
        let mut rx = hub.subscribe("c1", vec![Topic::Role(Role::Admin)]);
        let data =
            serde_json::json!({ "id": "j1", "job_kind": "complaint", "kind": "x", "at": "2026-01-01T00:00:00Z" });
        hub.publish(EventKind::ComplaintUpdated, "c1", Audience::everyone(), data);
        let Some(Ok(e)) = rx.try_recv() else { panic!("published") };
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
        let a = resident();
        let mut mine = hub.subscribe_for(&a);
        // The same ids in another community: a different channel.
        let mut theirs = hub.subscribe("c2", Topic::of(&a));
        hub.publish(
            EventKind::RepairUpdated,
            "c2",
            Audience { units: vec!["unit1".into()], ..Default::default() },
            serde_json::json!({}),
        );
        assert!(mine.try_recv().is_none(), "a stream of c1 is not woken by an event of c2");
        assert_eq!(mine.delivered(), 0);
        let e = theirs.try_recv().and_then(Result::ok);
        assert!(e.is_some_and(|e| !e.visible_to(&a)), "and the stream's own check refuses it too");
    }

    /// Each stream is handed only what its audience reaches: other
    /// communities' events, and its own community's events for others,
    /// never wake it; an event reaching it through several topics comes
    /// once; the hub counts one delivery per stream woken.
    #[test]
    fn events_wake_only_their_audience() {
        let hub = EventHub::new();
        let a = resident();
        let mut butler = resident();
        butler.user_id = "b-user".into();
        butler.role = Role::Butler;
        butler.unit = None;
        butler.buildings = vec![BuildingRef { id: "b1".into(), number: "1".into(), name: "1".into() }];
        let mut neighbour = resident();
        neighbour.user_id = "u2".into();
        if let Some(u) = neighbour.unit.as_mut() {
            u.id = "unit2".into();
            u.building.id = "b2".into();
        }
        let mut elsewhere = resident();
        elsewhere.community.id = "c2".into();
        let mut subs: Vec<Subscription> =
            [&a, &butler, &neighbour, &elsewhere].iter().map(|p| hub.subscribe_for(p)).collect();
        let job = |c: &str| {
            hub.publish(
                EventKind::RepairUpdated,
                c,
                Audience::of_job("unit1", "b1", Some("u1"), false),
                serde_json::json!({}),
            );
        };
        job("c1");
        let delivered: Vec<u64> = subs.iter().map(Subscription::delivered).collect();
        // The resident matches by user, unit and not by role; once only.
        assert_eq!(delivered, vec![1, 1, 0, 0]);
        assert_eq!(hub.stats().deliveries, 2);
        hub.publish(EventKind::AnnouncementPublished, "c1", Audience::everyone(), serde_json::json!({}));
        assert_eq!(subs.iter().map(Subscription::delivered).collect::<Vec<_>>(), vec![2, 2, 1, 0]);
        job("c3");
        assert_eq!(hub.stats().deliveries, 5, "nobody listens in c3");
        for (s, who) in subs.iter_mut().zip([&a, &butler, &neighbour, &elsewhere]) {
            while let Some(Ok(e)) = s.try_recv() {
                assert!(e.visible_to(who), "every delivery passes the stream's own check");
            }
        }
    }

    #[test]
    fn a_stream_that_changes_topics_follows_them() {
        let hub = EventHub::new();
        let mut butler = resident();
        butler.role = Role::Butler;
        butler.unit = None;
        let mut s = hub.subscribe_for(&butler);
        let alert =
            || hub.publish(EventKind::RepairUpdated, "c1", Audience::of_sla_alert("b1", false), serde_json::json!({}));
        alert();
        assert_eq!(s.delivered(), 0, "not yet the butler of b1");
        butler.buildings = vec![BuildingRef { id: "b1".into(), number: "1".into(), name: "1".into() }];
        s.listen_to(&butler.community.id, Topic::of(&butler));
        alert();
        assert_eq!(s.delivered(), 1);
        butler.buildings.clear();
        s.listen_to(&butler.community.id, Topic::of(&butler));
        alert();
        assert_eq!(s.delivered(), 1, "no longer");
    }

    #[test]
    fn channels_are_dropped_with_their_last_stream() {
        let hub = EventHub::new();
        let mut a = resident();
        for round in 0..3 {
            let subs: Vec<Subscription> = (0..50)
                .map(|c| {
                    a.community.id = format!("c{c}");
                    hub.subscribe_for(&a)
                })
                .collect();
            let stats = hub.stats();
            assert_eq!((stats.streams, stats.communities, stats.channels), (50, 50, 200), "round {round}");
            let again = hub.subscribe("c0", Topic::of(&a));
            assert_eq!(hub.stats().channels, 200, "a second listener shares the channels");
            drop(subs);
            assert_eq!((hub.stats().streams, hub.stats().communities, hub.stats().channels), (1, 1, 4));
            drop(again);
            assert_eq!(hub.stats(), LiveStats { deliveries: 0, ..LiveStats::default() }, "nothing left behind");
        }
    }

    #[tokio::test]
    async fn a_stream_that_falls_behind_is_told_to_resync() {
        let hub = EventHub::new();
        let mut s = hub.subscribe_for(&resident());
        for _ in 0..MAILBOX + 1 {
            hub.publish(EventKind::AnnouncementPublished, "c1", Audience::everyone(), serde_json::json!({}));
        }
        assert_eq!(s.recv().await.err(), Some(Lagged));
        assert_eq!(hub.stats().lagged, 1);
        hub.publish(EventKind::AnnouncementPublished, "c1", Audience::everyone(), serde_json::json!({}));
        let next = s.recv().await.ok().map(|e| e.seq);
        assert_eq!(next, Some(MAILBOX as u64 + 2), "then events flow again");
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
