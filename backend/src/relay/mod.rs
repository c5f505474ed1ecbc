//! Live events across server processes that share one database.
//!
//! Each process keeps its own SSE streams, so an event published by the
//! process that handled a request must also reach the streams held by the
//! others (a help call pressed through process B, the butler's phone
//! connected to process A). SurrealDB's LIVE SELECT would do this on one
//! database server, but on a cluster (SurrealDB nodes over TiKV) a live
//! query only sees writes made through the node it was registered on, so
//! the relay does not rely on it: every process writes its events to the
//! `live_event` table and tails that table.
//!
//! Tailing reads the rows newer than the latest one seen, minus a lookback
//! that covers commit delay and clock skew between machines, and drops rows
//! already delivered (by key). Delivery delay is one write plus at most one
//! poll interval. Rows are deleted after a few minutes: the stored state
//! stays the truth and events stay hints, exactly as within one process.

use std::{collections::HashMap, time::Duration};

use chrono::{DateTime, Utc};
use serde::Deserialize;
use tokio::sync::{mpsc, watch};

use super::{
    Backend,
    db::{row, rows, run},
    error::Result,
    events::{Audience, LiveEvent},
    ids,
};
use linli_model::live::EventKind;
pub(crate) mod store;

use store::*;

/// How often each process reads the events of the others.
const POLL_EVERY: Duration = Duration::from_millis(100);
/// Rows this much older than the newest seen are read again, for writes
/// that committed late and for clocks a little apart (NTP keeps them far
/// closer than this).
const LOOKBACK: chrono::Duration = chrono::Duration::seconds(3);
/// Relayed rows are deleted after this long.
const KEEP: chrono::Duration = chrono::Duration::minutes(5);

impl Backend {
    /// Relays live events between the processes sharing this database
    /// until `shutdown` flips. Does nothing for a database that only this
    /// process can open (embedded).
    pub async fn run_relay(&self, mut shutdown: watch::Receiver<bool>) {
        if !self.db.is_shared() {
            return;
        }
        let (tx, mut outgoing) = mpsc::unbounded_channel();
        self.events.relay_to(tx);
        let mut poll = tokio::time::interval(POLL_EVERY);
        poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut cleanup = tokio::time::interval(Duration::from_secs(60));
        let mut newest = match self.relay_now().await {
            Ok(now) => now,
            Err(e) => {
                tracing::error!(error = %e, "relay cannot read the database clock; live events stay local");
                return;
            }
        };
        let mut seen: HashMap<String, DateTime<Utc>> = HashMap::new();
        loop {
            let outcome = tokio::select! {
                _ = shutdown.changed() => return,
                Some(event) = outgoing.recv() => self.relay_out(&event).await,
                _ = poll.tick() => self.relay_in(&mut newest, &mut seen).await,
                _ = cleanup.tick() => self.relay_cleanup().await,
            };
            if let Err(e) = outcome {
                tracing::warn!(error = %e, "relaying live events failed");
            }
        }
    }

    /// The database's clock, so that every process reads from the same one.
    async fn relay_now(&self) -> Result<DateTime<Utc>> {
        let mut res = run(self.db.query(store::RELAY_NOW)).await?;
        let now: Option<DateTime<Utc>> = row(&mut res, 0)?;
        Ok(now.unwrap_or_else(Utc::now))
    }

    async fn relay_out(&self, event: &LiveEvent) -> Result<()> {
        run(self
            .db
            .query(store::RELAY_OUT)
            .bind(("key", ids::new_key()))
            .bind(("origin", self.events.origin().to_string()))
            .bind(("kind", serde_json::to_value(event.kind)?.as_str().unwrap_or_default().to_string()))
            .bind(("community", event.community.clone()))
            .bind(("audience", serde_json::to_string(&event.audience)?))
            .bind(("data", event.data.to_string())))
        .await?;
        Ok(())
    }

    async fn relay_in(&self, newest: &mut DateTime<Utc>, seen: &mut HashMap<String, DateTime<Utc>>) -> Result<()> {
        let since = *newest - LOOKBACK;
        let mut res = run(self
            .db
            .query(store::RELAY_IN)
            .bind(("since", since))
            .bind(("origin", self.events.origin().to_string())))
        .await?;
        for r in rows::<Row>(&mut res, 0)? {
            if seen.insert(r.key, r.at).is_some() {
                continue;
            }
            *newest = (*newest).max(r.at);
            let audience: Audience = serde_json::from_str(&r.audience)?;
            let data: serde_json::Value = serde_json::from_str(&r.data)?;
            self.events.publish_relayed(r.kind, &r.community, audience, data);
        }
        seen.retain(|_, at| *at > since);
        Ok(())
    }

    async fn relay_cleanup(&self) -> Result<()> {
        let cutoff = self.relay_now().await? - KEEP;
        run(self.db.query(store::RELAY_CLEANUP).bind(("cutoff", cutoff))).await?;
        Ok(())
    }
}
