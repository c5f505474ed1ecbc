//! Pressing the help button (retried with the same key through faults)
//! and butlers acknowledging, at random moments of a phase.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use rand::{Rng as _, distr::Alphanumeric};
use reqwest::Method;
use serde_json::json;
use tokio::task::JoinHandle;

use crate::{
    ACK_PATIENCE, PRESS_PATIENCE,
    api::{Answer, Api},
    lock,
    setup::{Elder, Owners},
};

/// One press of the help button, as the elder's phone experienced it.
#[derive(Clone, Debug)]
pub(crate) struct Press {
    pub(crate) phase: usize,
    pub(crate) elder: usize,
    /// Requests sent with the same `client_key` (1 + retries).
    pub(crate) attempts: u32,
    /// The call of a 2xx answer.
    pub(crate) call: Option<String>,
    /// Why no 2xx answer came (the last attempt's error).
    pub(crate) error: Option<String>,
    /// The first attempt's error, if it failed.
    pub(crate) first_error: Option<String>,
    /// A butler acknowledged it (2xx, or found acknowledged after a lost answer).
    pub(crate) acknowledged: bool,
}

/// Presses with a fresh key, retrying the same key after a network error
/// or a 5xx until the server answers; then, if planned, the building's
/// butler acknowledges after `ack`.
pub(crate) async fn press(
    api: &Api,
    elder: &Elder,
    index: usize,
    phase: usize,
    ack: Option<Duration>,
    owners: &Owners,
) -> Press {
    let key: String = rand::rng().sample_iter(&Alphanumeric).take(20).map(char::from).collect();
    let body = json!({ "client_key": key });
    let mut p =
        Press { phase, elder: index, attempts: 0, call: None, error: None, first_error: None, acknowledged: false };
    let started = Instant::now();
    while p.attempts < 500 && started.elapsed() < PRESS_PATIENCE {
        p.attempts += 1;
        match api.send(Method::POST, "/help-calls", Some(&elder.token), Some(&body)).await {
            Answer::Status(s, v) if (200..300).contains(&s) => {
                p.call = v["id"].as_str().map(str::to_string);
                p.error = p.call.is_none().then(|| format!("{s} without an id: {v}"));
                break;
            }
            Answer::Status(s, v) if s >= 500 || s == 429 => p.error = Some(format!("{s} {v}")),
            Answer::Status(s, v) => {
                p.error = Some(format!("{s} {v}"));
                break;
            }
            Answer::Network(e) => p.error = Some(e),
        }
        if p.first_error.is_none() {
            p.first_error = p.error.clone();
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let answered = Instant::now();
    if let (Some(delay), Some(id)) = (ack, p.call.clone()) {
        tokio::time::sleep_until((answered + delay).into()).await;
        p.acknowledged = acknowledge(api, &id, &elder.building, owners).await;
    }
    p
}

/// The building's current butler acknowledges the call; retried through
/// restarts and version races. Whether it is acknowledged.
async fn acknowledge(api: &Api, id: &str, building: &str, owners: &Owners) -> bool {
    let started = Instant::now();
    let body = json!({ "action": "acknowledge" });
    let path = format!("/help-calls/{id}/actions");
    for _ in 0..300 {
        if started.elapsed() > ACK_PATIENCE {
            break;
        }
        let token = lock(owners).get(building).cloned().unwrap_or_default();
        match api.send(Method::POST, &path, Some(&token), Some(&body)).await {
            Answer::Status(s, _) if (200..300).contains(&s) => return true,
            // Changed meanwhile (escalated), or acknowledged by an earlier
            // attempt whose answer was lost: look.
            Answer::Status(409, _) => {
                if let Answer::Status(200, v) =
                    api.send(Method::GET, &format!("/help-calls/{id}"), Some(&token), None).await
                    && v["status"].as_str().is_some_and(|s| s != "sent")
                {
                    return true;
                }
            }
            Answer::Status(s, _) if s >= 500 || s == 429 => {}
            Answer::Status(s, v) => {
                eprintln!("drill: acknowledging {id} answered {s} {v}");
                return false;
            }
            Answer::Network(_) => {}
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    false
}

/// What the presses of one phase are like.
pub(crate) struct Plan {
    pub(crate) phase: usize,
    pub(crate) count: usize,
    /// Presses happen at random moments within this window from now.
    pub(crate) window: Duration,
    /// Elders to choose from (all when empty).
    pub(crate) prefer: Vec<usize>,
    /// Share of calls a butler acknowledges.
    pub(crate) ack_share: f64,
}

pub(crate) fn spawn_presses(
    api: &Api,
    elders: &Arc<Vec<Elder>>,
    owners: &Owners,
    plan: &Plan,
) -> Vec<JoinHandle<Press>> {
    let mut handles = Vec::new();
    for n in 0..plan.count {
        let (elder, delay, ack) = {
            let mut rng = rand::rng();
            let elder = if plan.prefer.is_empty() {
                rng.random_range(0..elders.len())
            } else {
                plan.prefer[rng.random_range(0..plan.prefer.len())]
            };
            let delay = Duration::from_millis(rng.random_range(0..=plan.window.as_millis() as u64));
            // Before level 1, or between levels 1 and 2; never the first
            // press of a phase, so that every phase escalates to level 2.
            let ack = (n > 0 && rng.random_bool(plan.ack_share)).then(|| {
                if rng.random_bool(0.5) {
                    Duration::from_millis(rng.random_range(500..2000))
                } else {
                    Duration::from_millis(rng.random_range(3700..4700))
                }
            });
            (elder, delay, ack)
        };
        let (api, elders, owners, phase) = (api.clone(), elders.clone(), owners.clone(), plan.phase);
        handles.push(tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            press(&api, &elders[elder], elder, phase, ack, &owners).await
        }));
    }
    handles
}
