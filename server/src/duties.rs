//! The background duties, each on its own clock, and their supervision.
//!
//! - **help**: help-call escalation, four times a second. It awaits
//!   nothing but its own database statements: no delivery, sweep or purge
//!   can hold it up, so each level fires within a second of its deadline.
//! - **delivery**: one worker per channel (`sms`/`log`, `wechat`) and
//!   lane (urgent help messages, normal ones). Each claims what is due and
//!   sends it with a bounded number of requests in flight, without
//!   waiting for a batch to finish; a slow or dead channel ties up only
//!   its own lane's slots.
//! - **check_ins**: at each community's check-in time, the elders who have
//!   not checked in are announced to their butlers, every 15 s.
//! - **repairs**: SLA alerts, holds resumed at their planned time and
//!   auto-confirmation, every 5 s.
//! - **purge**: visitors' personal data past retention, and uploads never
//!   attached to a report after a day, hourly.
//! - **relay**: live events between processes sharing a remote database.
//!
//! Each duty reads only what is due through an index (issue 19: the
//! repairs sweep by each job's `next_due`, help by unacknowledged calls,
//! outages by expected end, delivery by `next_at`, purge by retention), so
//! an idle server's work follows the work due, not the rows stored
//! (`backend/src/due_plans.rs` checks each plan).
//!
//! Every duty runs in a task of its own under a supervisor: a panic is
//! logged and the duty restarted a second later. Each completed round is
//! recorded; `/healthz` reports a duty that has not completed one within
//! its bound (a stuck database, a loop that keeps failing) and answers 503.
//! All duties are driven by stored state, so a restart of the process
//! picks up where the last one stopped.

use std::{
    collections::BTreeMap,
    future::Future,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use linli_backend::{
    Backend,
    notify::{Attempt, Lane, SMS_TIMEOUT},
};
use serde::Serialize;
use tokio::{
    sync::{Semaphore, watch},
    task::JoinHandle,
};

/// How often unacknowledged help calls are checked.
const HELP_EVERY: Duration = Duration::from_millis(250);
/// The daily check-in deadline of each community.
const CHECK_INS_EVERY: Duration = Duration::from_secs(15);
/// SLA alerts and auto-confirmation of repairs.
const REPAIRS_EVERY: Duration = Duration::from_secs(5);
/// Outages still on at their expected end: the butlers are alerted (issue 18).
const OUTAGES_EVERY: Duration = Duration::from_secs(2);
/// Erasing visitors' personal data after the retention period.
const PURGE_EVERY: Duration = Duration::from_secs(3600);
/// How often a delivery lane looks for due messages.
const URGENT_POLL: Duration = Duration::from_millis(250);
const NORMAL_POLL: Duration = Duration::from_secs(1);
/// Sends in flight per lane: enough that a gateway answering in 5 s still
/// passes a few messages a second, few enough not to flood it.
const URGENT_IN_FLIGHT: usize = 16;
const NORMAL_IN_FLIGHT: usize = 8;
/// The longest one send may take, whatever the HTTP client does: past it
/// the attempt is abandoned and the message retried after its lease.
const SEND_LIMIT: Duration = Duration::from_secs(15);
/// A supervisor waits this long before restarting a duty that panicked.
const RESTART_AFTER: Duration = Duration::from_secs(1);

/// When each duty last completed a round, for `/healthz`.
#[derive(Default)]
pub struct DutyHealth {
    duties: Mutex<BTreeMap<String, Beat>>,
}

struct Beat {
    last_round: Instant,
    stale_after: Duration,
    restarts: u32,
}

/// One duty as `/healthz` shows it.
#[derive(Serialize)]
pub struct DutyReport {
    pub name: String,
    /// Seconds since the duty last completed a round.
    pub since_last_round_secs: f64,
    /// Whether that is within the duty's bound.
    pub healthy: bool,
    /// Times the duty panicked and was restarted since start-up.
    pub restarts: u32,
}

impl DutyHealth {
    fn register(&self, name: &str, stale_after: Duration) {
        if let Ok(mut d) = self.duties.lock() {
            d.entry(name.to_string()).or_insert(Beat { last_round: Instant::now(), stale_after, restarts: 0 });
        }
    }

    fn round_done(&self, name: &str) {
        if let Ok(mut d) = self.duties.lock()
            && let Some(b) = d.get_mut(name)
        {
            b.last_round = Instant::now();
        }
    }

    fn restarted(&self, name: &str) {
        if let Ok(mut d) = self.duties.lock()
            && let Some(b) = d.get_mut(name)
        {
            b.restarts = b.restarts.saturating_add(1);
        }
    }

    /// Every duty, by name.
    pub fn report(&self) -> Vec<DutyReport> {
        let Ok(d) = self.duties.lock() else { return Vec::new() };
        d.iter()
            .map(|(name, b)| {
                let since = b.last_round.elapsed();
                DutyReport {
                    name: name.clone(),
                    since_last_round_secs: (since.as_secs_f64() * 10.0).round() / 10.0,
                    healthy: since <= b.stale_after,
                    restarts: b.restarts,
                }
            })
            .collect()
    }
}

/// Starts every duty; they end when `shutdown` flips.
pub fn spawn_all(backend: &Backend, health: &Arc<DutyHealth>, shutdown: &watch::Receiver<bool>) -> Vec<JoinHandle<()>> {
    let mut tasks = vec![
        periodic(backend, health, shutdown, "help", HELP_EVERY, Duration::from_secs(5), |b| async move {
            b.sweep_help(chrono::Utc::now()).await.map(|_| ())
        }),
        periodic(backend, health, shutdown, "check_ins", CHECK_INS_EVERY, Duration::from_secs(60), |b| async move {
            b.sweep_check_ins(chrono::Utc::now()).await.map(|_| ())
        }),
        periodic(backend, health, shutdown, "repairs", REPAIRS_EVERY, Duration::from_secs(60), |b| async move {
            b.sweep_repairs(chrono::Utc::now()).await
        }),
        periodic(backend, health, shutdown, "outages", OUTAGES_EVERY, Duration::from_secs(60), |b| async move {
            b.sweep_outages(chrono::Utc::now()).await.map(|_| ())
        }),
        periodic(
            backend,
            health,
            shutdown,
            "purge",
            PURGE_EVERY,
            PURGE_EVERY * 2 + Duration::from_secs(60),
            |b| async move { b.purge_round().await },
        ),
    ];
    for channel in backend.delivery_channels() {
        for lane in Lane::ALL {
            tasks.push(delivery_lane(backend, health, shutdown, channel, lane));
        }
    }
    let (b, s) = (backend.clone(), shutdown.clone());
    tasks.push(supervise("relay".into(), health.clone(), move || {
        let (b, s) = (b.clone(), s.clone());
        async move { b.run_relay(s).await }
    }));
    tasks
}

/// Runs `duty` in a task and starts it again when it panics; returns when
/// the duty returns (shutdown).
fn supervise<F, Fut>(name: String, health: Arc<DutyHealth>, duty: F) -> JoinHandle<()>
where
    F: Fn() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    tokio::spawn(async move {
        loop {
            match tokio::spawn(duty()).await {
                Ok(()) => return,
                Err(e) if e.is_panic() => {
                    tracing::error!(duty = %name, "background duty panicked: restarting it");
                    health.restarted(&name);
                    tokio::time::sleep(RESTART_AFTER).await;
                }
                Err(_) => return, // cancelled: the server is stopping
            }
        }
    })
}

/// A duty that runs `round` every `every`. A round that fails is logged;
/// one that takes longer than `stale_after` is abandoned, and either way
/// `/healthz` reports the duty once no round has completed for that long.
fn periodic<F, Fut>(
    backend: &Backend,
    health: &Arc<DutyHealth>,
    shutdown: &watch::Receiver<bool>,
    name: &'static str,
    every: Duration,
    stale_after: Duration,
    round: F,
) -> JoinHandle<()>
where
    F: Fn(Backend) -> Fut + Send + Sync + Clone + 'static,
    Fut: Future<Output = linli_backend::Result<()>> + Send + 'static,
{
    health.register(name, stale_after);
    let (backend, health2, shutdown) = (backend.clone(), health.clone(), shutdown.clone());
    supervise(name.into(), health.clone(), move || {
        let (backend, health, mut shutdown, round) =
            (backend.clone(), health2.clone(), shutdown.clone(), round.clone());
        async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = shutdown.changed() => return,
                    _ = tick.tick() => {}
                }
                match tokio::time::timeout(stale_after, round(backend.clone())).await {
                    Ok(Ok(())) => health.round_done(name),
                    Ok(Err(e)) => tracing::error!(duty = name, error = %e, "background duty failed"),
                    Err(_) => tracing::error!(duty = name, "background duty round took too long: abandoned"),
                }
            }
        }
    })
}

/// One delivery lane: claims due messages of `channel` and `lane` as
/// slots free up, and sends each in a task of its own.
fn delivery_lane(
    backend: &Backend,
    health: &Arc<DutyHealth>,
    shutdown: &watch::Receiver<bool>,
    channel: &'static str,
    lane: Lane,
) -> JoinHandle<()> {
    let name = format!("delivery:{channel}:{}", lane.as_str());
    let (poll, in_flight) = match lane {
        Lane::Urgent => (URGENT_POLL, URGENT_IN_FLIGHT),
        Lane::Normal => (NORMAL_POLL, NORMAL_IN_FLIGHT),
    };
    health.register(&name, poll + SMS_TIMEOUT * 2);
    let (backend, health2, shutdown) = (backend.clone(), health.clone(), shutdown.clone());
    let slots = Arc::new(Semaphore::new(in_flight));
    let duty_name = name.clone();
    supervise(name, health.clone(), move || {
        let (backend, health, mut shutdown, slots, name) =
            (backend.clone(), health2.clone(), shutdown.clone(), slots.clone(), duty_name.clone());
        async move {
            let mut tick = tokio::time::interval(poll);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    _ = shutdown.changed() => return,
                    _ = tick.tick() => {}
                }
                let free = slots.available_permits();
                let claimed = match backend.claim_due(channel, lane, chrono::Utc::now(), free).await {
                    Ok(c) => c,
                    Err(e) => {
                        tracing::error!(duty = %name, error = %e, "cannot read the outbox");
                        continue;
                    }
                };
                for message in claimed {
                    let Ok(slot) = slots.clone().acquire_owned().await else { return };
                    let backend = backend.clone();
                    tokio::spawn(async move {
                        let _slot = slot;
                        let id = message.id.clone();
                        match tokio::time::timeout(SEND_LIMIT, backend.deliver(message)).await {
                            Ok(Ok(Attempt::Sent | Attempt::Retry(_) | Attempt::Refused(_))) => {}
                            Ok(Err(e)) => tracing::error!(notification = %id, error = %e, "delivery not recorded"),
                            Err(_) => tracing::warn!(notification = %id, "send abandoned: retried after its lease"),
                        }
                    });
                }
                health.round_done(&name);
            }
        }
    })
}
