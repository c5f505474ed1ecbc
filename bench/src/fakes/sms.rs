//! The fake SMS gateway: `POST /send`, recorded, answered by the mode.

use std::{
    collections::{BTreeMap, BTreeSet},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use axum::{
    Router,
    body::Bytes,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::post,
};
use serde_json::{Value, json};

use super::{endpoint::Endpoint, lock};

/// How the fake SMS gateway behaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmsMode {
    /// 200 at once.
    Ok,
    /// Accepts the message (it is recorded as accepted: a real gateway
    /// would send it) but answers 200 only after this delay, so a client
    /// with a shorter timeout sees a failure for a message that went out.
    Slow(Duration),
    /// 503 Service Unavailable: a temporary failure, to be retried.
    Down,
    /// 400 Bad Request: a permanent refusal, not worth retrying.
    Reject,
    /// Takes the connection and the request, never answers.
    Blackhole,
    /// Connection refused: the port is closed until another mode is set.
    Closed,
}

impl SmsMode {
    /// Short text for tables.
    pub fn label(&self) -> String {
        match self {
            Self::Ok => "ok".into(),
            Self::Slow(d) => format!("slow {} s", d.as_secs_f64()),
            Self::Down => "down (503)".into(),
            Self::Reject => "reject (400)".into(),
            Self::Blackhole => "blackhole".into(),
            Self::Closed => "closed".into(),
        }
    }
}

/// One request the gateway received.
#[derive(Clone, Debug)]
pub struct SmsRequest {
    /// When it arrived.
    pub at: Instant,
    /// The mode it met.
    pub mode: SmsMode,
    /// The status answered (or about to be, when slow); `None`: never
    /// answered (blackhole).
    pub status: Option<u16>,
    /// The JSON body; `Null` when it was not JSON.
    pub body: Value,
}

impl SmsRequest {
    /// The notification id: the idempotency key, stable across retries.
    pub fn id(&self) -> Option<&str> {
        self.body["id"].as_str()
    }

    pub fn to(&self) -> Option<&str> {
        self.body["to"].as_str()
    }

    /// What the message is about, e.g. `help_call:<id>`.
    pub fn reference(&self) -> Option<&str> {
        self.body["ref"].as_str()
    }

    /// The gateway took it (a 2xx answer).
    pub fn accepted(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

struct SmsState {
    mode: Mutex<SmsMode>,
    log: Mutex<Vec<SmsRequest>>,
}

/// The SMS gateway Linli delivers emergency-contact messages through:
/// `POST /send` with JSON `{id, to, template, params, ref}`.
pub struct FakeSms {
    state: Arc<SmsState>,
    endpoint: Endpoint,
}

impl FakeSms {
    /// Starts in [`SmsMode::Ok`] on a free loopback port.
    pub async fn start() -> Result<Self, String> {
        let state = Arc::new(SmsState { mode: Mutex::new(SmsMode::Ok), log: Mutex::new(Vec::new()) });
        let router = Router::new().route("/send", post(sms_send)).with_state(state.clone());
        Ok(Self { state, endpoint: Endpoint::open(router)? })
    }

    /// What Linli's `LINLI_SMS_URL` should be.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/send", self.endpoint.port)
    }

    pub fn mode(&self) -> SmsMode {
        *lock(&self.state.mode)
    }

    /// Switches behaviour; `Closed` closes the port, any other mode
    /// re-opens it on the same port.
    pub async fn set_mode(&self, mode: SmsMode) -> Result<(), String> {
        *lock(&self.state.mode) = mode;
        if mode == SmsMode::Closed {
            self.endpoint.close().await;
            return Ok(());
        }
        self.endpoint.reopen().await
    }

    /// Every request received, in order.
    pub fn received(&self) -> Vec<SmsRequest> {
        lock(&self.state.log).clone()
    }

    /// The requests that got a 2xx answer.
    pub fn accepted(&self) -> Vec<SmsRequest> {
        lock(&self.state.log).iter().filter(|r| r.accepted()).cloned().collect()
    }

    /// The ids of accepted messages, each once.
    pub fn distinct_accepted_ids(&self) -> BTreeSet<String> {
        lock(&self.state.log).iter().filter(|r| r.accepted()).filter_map(|r| r.id().map(str::to_string)).collect()
    }

    /// Ids accepted more than once, with how many times: retries of a
    /// message that had gone out (a gateway drops them by the key).
    pub fn resent_ids(&self) -> BTreeMap<String, usize> {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for r in lock(&self.state.log).iter().filter(|r| r.accepted()) {
            if let Some(id) = r.id() {
                *counts.entry(id.to_string()).or_default() += 1;
            }
        }
        counts.retain(|_, n| *n > 1);
        counts
    }
}

async fn sms_send(State(state): State<Arc<SmsState>>, body: Bytes) -> Response {
    let mode = *lock(&state.mode);
    let parsed: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let well_formed = parsed["to"].is_string();
    let status = match mode {
        SmsMode::Ok | SmsMode::Slow(_) if well_formed => Some(200),
        SmsMode::Ok | SmsMode::Slow(_) | SmsMode::Reject => Some(400),
        // Closed: a request on a connection opened before the port closed.
        SmsMode::Down | SmsMode::Closed => Some(503),
        SmsMode::Blackhole => None,
    };
    lock(&state.log).push(SmsRequest { at: Instant::now(), mode, status, body: parsed });
    match (mode, status) {
        (SmsMode::Blackhole, _) | (_, None) => std::future::pending::<Response>().await,
        (SmsMode::Slow(delay), Some(200)) => {
            tokio::time::sleep(delay).await;
            (StatusCode::OK, axum::Json(json!({ "ok": true }))).into_response()
        }
        (_, Some(200)) => (StatusCode::OK, axum::Json(json!({ "ok": true }))).into_response(),
        (_, Some(400)) => (StatusCode::BAD_REQUEST, axum::Json(json!({ "error": "rejected" }))).into_response(),
        (_, Some(_)) => (StatusCode::SERVICE_UNAVAILABLE, "gateway unavailable").into_response(),
    }
}
