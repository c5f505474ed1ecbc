//! Notifications to people outside the app: the emergency contacts of an
//! elder (SMS) and WeChat subscribe messages.
//!
//! Sending is an outbox. A service that changes state writes the
//! `notification` rows it causes **in the same transaction** as the change
//! (the SurrealQL fragments [`outbox_create!`] and
//! [`subscribe_message_create!`] are spliced into its transaction), so a
//! crash can never leave a step without its messages.
//!
//! Delivery is split into lanes, one per channel (`sms`/`log`, `wechat`)
//! and priority (help-call messages are [`Lane::Urgent`]). Each lane is
//! drained by its own worker with a bounded number of sends in flight
//! (`server/src/duties.rs`), so a slow or dead channel delays only its
//! own messages, and a backlog of ordinary messages never delays a help
//! call's. A process claims a message by moving its next attempt past a
//! lease; one that dies holding it leaves it to be retried when the lease
//! runs out. Failures are retried with growing pauses; permanent refusals
//! (a bad number, a WeChat user who refused the template) are recorded
//! with their reason and never retried.
//!
//! Nothing secret (gateway URLs with keys, WeChat's app secret or access
//! token, login codes) is written to a log line or a stored error: errors
//! are reduced to fixed phrases before they leave this module.

use crate::record::NotificationId;
use std::{collections::HashMap, sync::Mutex, time::Duration};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{
    Backend,
    db::{rows, run},
    error::{Error, Result},
};

pub(crate) mod store;

pub(crate) use store::{outbox_create, subscribe_message_create};

/// How urgent a message is; each priority of each channel is its own lane.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lane {
    /// Help-call messages: emergency contacts, "help is coming".
    Urgent,
    /// Everything else.
    Normal,
}

impl Lane {
    pub const ALL: [Lane; 2] = [Lane::Urgent, Lane::Normal];

    /// The stored `priority` (0 first).
    pub const fn priority(self) -> i64 {
        match self {
            Self::Urgent => 0,
            Self::Normal => 1,
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Urgent => "urgent",
            Self::Normal => "normal",
        }
    }

    /// Attempts before a message of this lane is given up. Urgent
    /// messages keep trying for about a quarter of an hour.
    const fn max_attempts(self) -> i64 {
        match self {
            Self::Urgent => 30,
            Self::Normal => 6,
        }
    }

    /// The pause before attempt `attempts + 1`: 2 s, 4 s, 8 s... capped
    /// at 30 s for urgent messages and 10 minutes for the rest.
    fn backoff(self, attempts: i64) -> chrono::Duration {
        let cap = match self {
            Self::Urgent => 30,
            Self::Normal => 600,
        };
        let exp = u32::try_from(attempts.clamp(1, 20)).unwrap_or(20);
        chrono::Duration::seconds(2i64.saturating_pow(exp).min(cap))
    }
}

/// What one delivery attempt came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Attempt {
    Sent,
    /// A temporary failure (timeout, 5xx, busy): try again later.
    Retry(String),
    /// The provider refused this message for good: never retried.
    Refused(String),
}

/// Where text messages go.
#[derive(Clone, Debug, Default)]
pub enum Sender {
    /// Development: write them to the log and count them as sent.
    #[default]
    Log,
    /// An SMS gateway taking `POST {id, to, template, params, ref}` as
    /// JSON. `id` is stable across retries, so a gateway can drop a
    /// message it already accepted (an idempotency key).
    Http { url: String, client: reqwest::Client },
}

/// The longest one SMS request may take before it counts as failed.
pub const SMS_TIMEOUT: Duration = Duration::from_secs(5);

impl Sender {
    /// The HTTP sender for `url`, or the log sender when none is configured.
    pub fn from_url(url: Option<&str>) -> Self {
        match url.filter(|u| !u.is_empty()) {
            None => Self::Log,
            Some(url) => Self::Http {
                url: url.to_string(),
                client: reqwest::Client::builder()
                    .timeout(SMS_TIMEOUT)
                    .connect_timeout(Duration::from_secs(2))
                    .build()
                    .unwrap_or_default(),
            },
        }
    }

    /// The channel name stored on its messages.
    pub fn channel(&self) -> &'static str {
        match self {
            Self::Log => "log",
            Self::Http { .. } => "sms",
        }
    }

    async fn send(&self, m: &Pending, params: &serde_json::Value) -> Attempt {
        match self {
            Self::Log => {
                tracing::info!(to = %linli_model::phone::mask(&m.recipient), template = %m.template, "notification (log sender)");
                Attempt::Sent
            }
            Self::Http { url, client } => {
                let params = sms_params(params);
                let body = json!({ "id": m.id, "to": m.recipient, "template": m.template, "params": params, "ref": m.subject });
                match client.post(url).json(&body).send().await {
                    Err(e) => Attempt::Retry(http_failure(&e).into()),
                    Ok(res) => sms_answer(res.status()),
                }
            }
        }
    }
}

/// Longest value of one SMS template variable: Alibaba Cloud's SMS service
/// takes at most 35 characters per variable (短信服务 › 短信模板规范 ›
/// 变量规范); a longer one (a long name) refuses the whole message.
pub const SMS_PARAM_MAX_CHARS: usize = 35;

/// Template variables as a gateway takes them: one line each, at most
/// [`SMS_PARAM_MAX_CHARS`] characters (shortened with an ellipsis).
pub fn sms_params(params: &serde_json::Value) -> serde_json::Value {
    match params {
        serde_json::Value::Object(o) => serde_json::Value::Object(
            o.iter()
                .map(|(k, v)| {
                    let v = match v.as_str() {
                        Some(s) => serde_json::Value::String(linli_model::text::shorten(
                            &linli_model::text::line(s),
                            SMS_PARAM_MAX_CHARS,
                        )),
                        None => v.clone(),
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

/// A gateway's HTTP status as an attempt: 2xx sent; 408, 429 and 5xx
/// temporary; any other 4xx a refusal of this message (a bad number, an
/// unknown template) that retrying cannot change.
fn sms_answer(status: reqwest::StatusCode) -> Attempt {
    if status.is_success() {
        Attempt::Sent
    } else if status.is_server_error() || matches!(status.as_u16(), 408 | 429) {
        Attempt::Retry(format!("gateway answered {}", status.as_u16()))
    } else {
        Attempt::Refused(format!("gateway refused with {}", status.as_u16()))
    }
}

/// A transport failure as a fixed phrase. The error's own text is never
/// used: it carries the URL, and with it keys, tokens or secrets.
pub fn http_failure(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "no answer in time"
    } else if e.is_connect() {
        "cannot connect"
    } else if e.is_decode() || e.is_body() {
        "unreadable answer"
    } else {
        "request failed"
    }
}

/// One message to write to the outbox.
#[derive(Clone, Debug)]
pub struct Outgoing {
    pub recipient: String,
    pub template: String,
    pub params: serde_json::Value,
    /// What it is about, e.g. `help_call:<id>`.
    pub subject: String,
    pub lane: Lane,
}

/// The rows for [`outbox_create!`]'s `$messages`.
pub fn outbox_rows(channel: &str, messages: Vec<Outgoing>) -> Vec<serde_json::Value> {
    messages
        .into_iter()
        .map(|m| {
            json!({ "channel": channel, "recipient": m.recipient, "template": m.template,
                    "params": m.params.to_string(), "subject": m.subject, "priority": m.lane.priority() })
        })
        .collect()
}

/// A message claimed for delivery by this process.
#[derive(Clone, Debug, Deserialize)]
pub struct Pending {
    pub id: NotificationId,
    channel: String,
    recipient: String,
    template: String,
    params: String,
    #[serde(default)]
    subject: String,
    attempts: i64,
    #[serde(default)]
    priority: i64,
}

impl Pending {
    fn lane(&self) -> Lane {
        if self.priority == Lane::Urgent.priority() { Lane::Urgent } else { Lane::Normal }
    }
}

/// How long a process holds a message it is sending before another may
/// retry it; longer than any one attempt may take.
const CLAIM_LEASE: chrono::Duration = chrono::Duration::seconds(30);

/// What an operator sees of one channel (`/healthz`).
#[derive(Clone, Debug, Default, Serialize)]
pub struct ChannelState {
    pub last_sent_at: Option<DateTime<Utc>>,
    pub last_failure_at: Option<DateTime<Utc>>,
    /// The last failure's reason, free of secrets.
    pub last_failure: Option<String>,
    /// Failed attempts since the last success; 0 when healthy.
    pub failing_in_a_row: u32,
}

/// Per-channel delivery health, in this process.
#[derive(Default)]
pub struct DeliveryHealth {
    channels: Mutex<HashMap<String, ChannelState>>,
}

impl DeliveryHealth {
    fn record(&self, channel: &str, attempt: &Attempt, now: DateTime<Utc>) {
        let Ok(mut map) = self.channels.lock() else { return };
        let state = map.entry(channel.to_string()).or_default();
        match attempt {
            Attempt::Sent => {
                state.last_sent_at = Some(now);
                state.failing_in_a_row = 0;
            }
            Attempt::Retry(reason) | Attempt::Refused(reason) => {
                state.last_failure_at = Some(now);
                state.last_failure = Some(reason.clone());
                state.failing_in_a_row = state.failing_in_a_row.saturating_add(1);
            }
        }
    }

    /// Every channel used since start, by name.
    pub fn snapshot(&self) -> Vec<(String, ChannelState)> {
        let mut all: Vec<_> =
            self.channels.lock().map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default();
        all.sort_by(|a, b| a.0.cmp(&b.0));
        all
    }
}

impl Backend {
    /// The channels messages are delivered on: text messages and WeChat.
    pub fn delivery_channels(&self) -> [&'static str; 2] {
        [self.notifier.channel(), "wechat"]
    }

    /// Claims up to `max` due messages of one lane for this process.
    pub async fn claim_due(&self, channel: &str, lane: Lane, now: DateTime<Utc>, max: usize) -> Result<Vec<Pending>> {
        if max == 0 {
            return Ok(Vec::new());
        }
        let mut res = run(self
            .db
            .query(store::CLAIM_DUE)
            .bind(("channel", channel.to_string()))
            .bind(("priority", lane.priority()))
            .bind(("now", now))
            .bind(("max", i64::try_from(max).unwrap_or(i64::MAX))))
        .await?;
        let due: Vec<Pending> = rows(&mut res, 0)?;
        let mut claimed = Vec::with_capacity(due.len());
        for n in due {
            if self.claim_notification(n.id.key(), now).await? {
                claimed.push(n);
            }
        }
        Ok(claimed)
    }

    /// Takes a due message for this process: its next attempt moves past
    /// the lease, so another process draining the same outbox skips it.
    async fn claim_notification(&self, id: &str, now: DateTime<Utc>) -> Result<bool> {
        let claimed = run(self
            .db
            .query(store::CLAIM_NOTIFICATION)
            .bind(("id", NotificationId::record_of(id)))
            .bind(("now", now))
            .bind(("lease", now + CLAIM_LEASE)))
        .await;
        match claimed {
            Ok(mut res) => Ok(!res.take::<Vec<surrealdb::types::RecordId>>(0)?.is_empty()),
            // Another process claimed it in the same instant.
            Err(e) if e.is_retryable() => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Sends one claimed message and records the outcome: sent; pending
    /// again after a pause; or failed, with the reason, when refused or
    /// out of attempts.
    pub async fn deliver(&self, n: Pending) -> Result<Attempt> {
        let params: serde_json::Value = serde_json::from_str(&n.params).unwrap_or_default();
        let attempt = if n.channel == "wechat" {
            let template_id = crate::convert::str_field(&params, "template_id").to_string();
            let data = params.get("data").cloned().unwrap_or_default();
            self.wechat.send(&n.recipient, &template_id, &data).await
        } else {
            self.notifier.send(&n, &params).await
        };
        let now = Utc::now();
        self.delivery.record(&n.channel, &attempt, now);
        let attempts = n.attempts.saturating_add(1);
        let lane = n.lane();
        let (status, error, next_at) = match &attempt {
            Attempt::Sent => ("sent", String::new(), now),
            Attempt::Refused(reason) => ("failed", format!("refused: {reason}"), now),
            Attempt::Retry(reason) if attempts >= lane.max_attempts() => {
                ("failed", format!("gave up after {attempts} attempts: {reason}"), now)
            }
            Attempt::Retry(reason) => ("pending", reason.clone(), now + lane.backoff(attempts)),
        };
        match &attempt {
            Attempt::Sent => {}
            Attempt::Retry(reason) | Attempt::Refused(reason) => tracing::warn!(
                notification = %n.id, channel = %n.channel, lane = lane.as_str(), attempts, reason = %reason, status,
                "notification not delivered"
            ),
        }
        run(self
            .db
            .query(store::DELIVER)
            .bind(("id", n.id.record()))
            .bind(("status", status))
            .bind(("attempts", attempts))
            .bind(("error", error))
            .bind(("next_at", next_at)))
        .await
        .map_err(|e| Error::internal(format!("cannot record delivery: {e}")))?;
        Ok(attempt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sms_variables_fit_the_gateway() {
        let long = "阿".repeat(40);
        let shaped = sms_params(&json!({ "name": long, "place": "1号楼\n102", "n": 3 }));
        assert_eq!(shaped["name"].as_str().map(|s| s.chars().count()), Some(SMS_PARAM_MAX_CHARS));
        assert!(shaped["name"].as_str().is_some_and(|s| s.ends_with('…')));
        assert_eq!(shaped["place"], "1号楼 102");
        assert_eq!(shaped["n"], 3);
    }

    #[test]
    fn gateway_answers_are_classified() {
        use reqwest::StatusCode as S;
        assert_eq!(sms_answer(S::OK), Attempt::Sent);
        assert_eq!(sms_answer(S::ACCEPTED), Attempt::Sent);
        assert!(matches!(sms_answer(S::SERVICE_UNAVAILABLE), Attempt::Retry(_)));
        assert!(matches!(sms_answer(S::TOO_MANY_REQUESTS), Attempt::Retry(_)));
        assert!(matches!(sms_answer(S::REQUEST_TIMEOUT), Attempt::Retry(_)));
        assert!(matches!(sms_answer(S::BAD_REQUEST), Attempt::Refused(_)));
        assert!(matches!(sms_answer(S::UNPROCESSABLE_ENTITY), Attempt::Refused(_)));
    }

    #[test]
    fn urgent_messages_retry_sooner_and_longer() {
        assert_eq!(Lane::Urgent.backoff(1), chrono::Duration::seconds(2));
        assert_eq!(Lane::Urgent.backoff(10), chrono::Duration::seconds(30));
        assert_eq!(Lane::Normal.backoff(10), chrono::Duration::seconds(600));
        assert_eq!(Lane::Normal.backoff(i64::MAX), chrono::Duration::seconds(600));
        assert!(Lane::Urgent.max_attempts() > Lane::Normal.max_attempts());
        let urgent_total: i64 = (1..Lane::Urgent.max_attempts()).map(|a| Lane::Urgent.backoff(a).num_seconds()).sum();
        assert!((600..=1200).contains(&urgent_total), "urgent retries span 10–20 minutes: {urgent_total}");
    }
}
