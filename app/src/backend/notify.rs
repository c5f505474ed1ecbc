//! Notifications to people outside the app: the emergency contacts of an
//! elder (SMS), and later WeChat subscribe messages.
//!
//! Sending is an outbox: the service that needs a message writes a
//! `notification` row (pending) in the same moment it changes state; a
//! background task delivers pending rows through the configured sender,
//! retrying with back-off. A crash between the two loses nothing, and a
//! slow or failing gateway never blocks or fails the user's action.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{
    Backend,
    db::{rid, rows, run},
    error::{Error, Result},
    people::key,
};

/// Where messages go.
#[derive(Clone, Debug, Default)]
pub enum Sender {
    /// Development: write them to the log and count them as sent.
    #[default]
    Log,
    /// An SMS gateway taking `POST {to, template, params}` as JSON.
    Http { url: String, client: reqwest::Client },
}

impl Sender {
    /// The HTTP sender for `url`, or the log sender when none is configured.
    pub fn from_url(url: Option<&str>) -> Self {
        match url.filter(|u| !u.is_empty()) {
            None => Self::Log,
            Some(url) => Self::Http {
                url: url.to_string(),
                client: reqwest::Client::builder().timeout(Duration::from_secs(5)).build().unwrap_or_default(),
            },
        }
    }

    pub fn channel(&self) -> &'static str {
        match self {
            Self::Log => "log",
            Self::Http { .. } => "sms",
        }
    }

    async fn send(&self, to: &str, template: &str, params: &serde_json::Value) -> std::result::Result<(), String> {
        match self {
            Self::Log => {
                tracing::info!(to = %crate::model::phone::mask(to), template, "notification (log sender)");
                Ok(())
            }
            Self::Http { url, client } => {
                let res = client
                    .post(url)
                    .json(&json!({ "to": to, "template": template, "params": params }))
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                if res.status().is_success() { Ok(()) } else { Err(format!("gateway answered {}", res.status())) }
            }
        }
    }
}

/// One message to write to the outbox.
#[derive(Clone, Debug, Serialize)]
pub struct Outgoing {
    pub recipient: String,
    pub template: String,
    pub params: serde_json::Value,
    /// What it is about, e.g. `help_call:<id>`.
    pub subject: String,
}

#[derive(Deserialize)]
struct Pending {
    #[serde(deserialize_with = "key::de")]
    id: String,
    channel: String,
    recipient: String,
    template: String,
    params: String,
    attempts: i64,
}

/// Delivery attempts before a message is marked failed.
const MAX_ATTEMPTS: i64 = 6;
/// How long a process holds a message it is sending before another may retry it.
const CLAIM_LEASE: chrono::Duration = chrono::Duration::seconds(30);

impl Backend {
    /// Queues text messages (SMS); delivered by [`Backend::deliver_notifications`].
    pub async fn enqueue(&self, community: &str, messages: Vec<Outgoing>) -> Result<()> {
        self.enqueue_on(self.notifier.channel(), community, messages).await
    }

    /// Queues messages for a channel (`sms`, `log`, `wechat`).
    pub async fn enqueue_on(&self, channel: &str, community: &str, messages: Vec<Outgoing>) -> Result<()> {
        if messages.is_empty() {
            return Ok(());
        }
        let rows: Vec<serde_json::Value> = messages
            .into_iter()
            .map(|m| {
                json!({ "recipient": m.recipient, "template": m.template,
                        "params": m.params.to_string(), "subject": m.subject })
            })
            .collect();
        run(self
            .db
            .query(
                "FOR $m IN $messages {
                     CREATE notification SET community = $community, channel = $channel, recipient = $m.recipient,
                         template = $m.template, params = $m.params, subject = $m.subject, status = 'pending',
                         attempts = 0, next_at = time::now(), created_at = time::now();
                 };",
            )
            .bind(("community", rid("community", community)))
            .bind(("channel", channel.to_string()))
            .bind(("messages", rows)))
        .await?;
        Ok(())
    }

    /// Sends what is due in the outbox. Failures are retried with growing
    /// pauses (2 s, 4 s, 8 s...) and given up after a few attempts.
    /// Takes a due message for this process: its next attempt moves past
    /// the lease, so another process draining the same outbox skips it and
    /// a message is sent once. A process that dies holding it leaves it to
    /// be retried when the lease runs out.
    async fn claim_notification(&self, id: &str, now: DateTime<Utc>) -> Result<bool> {
        let claimed = run(self
            .db
            .query(
                "UPDATE type::record('notification', $id) SET next_at = $lease
                     WHERE status = 'pending' AND next_at <= $now RETURN VALUE id",
            )
            .bind(("id", id.to_string()))
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

    pub async fn deliver_notifications(&self, now: DateTime<Utc>) -> Result<usize> {
        let mut res = run(self
            .db
            .query(
                "SELECT id, channel, recipient, template, params, attempts FROM notification
                 WHERE status = 'pending' AND next_at <= $now LIMIT 100",
            )
            .bind(("now", now)))
        .await?;
        let due: Vec<Pending> = rows(&mut res, 0)?;
        let mut sent = 0;
        for n in due {
            if !self.claim_notification(&n.id, now).await? {
                continue;
            }
            let params: serde_json::Value = serde_json::from_str(&n.params).unwrap_or_default();
            let outcome = if n.channel == "wechat" {
                let template_id = params["template_id"].as_str().unwrap_or_default().to_string();
                self.wechat.send(&n.recipient, &template_id, &params["data"]).await
            } else {
                self.notifier.send(&n.recipient, &n.template, &params).await
            };
            let attempts = n.attempts + 1;
            let (status, error, next_at) = match &outcome {
                Ok(()) => ("sent", String::new(), now),
                Err(e) if attempts >= MAX_ATTEMPTS => ("failed", e.clone(), now),
                Err(e) => ("pending", e.clone(), now + chrono::Duration::seconds(2i64.pow(attempts as u32))),
            };
            if let Err(e) = &outcome {
                tracing::warn!(notification = %n.id, attempts, error = %e, "notification not delivered");
            } else {
                sent += 1;
            }
            run(self
                .db
                .query(
                    "UPDATE type::record('notification', $id) SET status = $status, attempts = $attempts,
                         error = $error, next_at = $next_at,
                         sent_at = IF $status = 'sent' { time::now() } ELSE { NONE }",
                )
                .bind(("id", n.id))
                .bind(("status", status))
                .bind(("attempts", attempts))
                .bind(("error", error))
                .bind(("next_at", next_at)))
            .await
            .map_err(|e| Error::internal(format!("cannot record delivery: {e}")))?;
        }
        Ok(sent)
    }
}
