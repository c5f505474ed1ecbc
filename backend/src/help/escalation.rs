//! The help duty: calls nobody acknowledged in time go to every staff
//! member on duty, then to the elder's emergency contacts by SMS, each
//! step with its messages in one transaction.

use crate::record::{CommunityId, HelpCallId};
use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::super::{
    Backend,
    db::{rows, run, thrown},
    error::Result,
    notify::outbox_rows,
};
use super::store::*;
use super::*;
use linli_model::help::{EscalationSettings, due_level};

impl Backend {
    /// Raises the escalation of unacknowledged calls whose deadline passed.
    /// Called four times a second by its own duty; each step is taken
    /// once, by whichever process wins the conditional update. A call
    /// that cannot be escalated (a fault) is logged and does not hold up
    /// the others. Answers how many steps this process took.
    pub async fn sweep_help(&self, now: DateTime<Utc>) -> Result<usize> {
        let mut res = run(self.db.query(super::store::SWEEP_HELP)).await?;
        let calls: Vec<CallRow> = rows(&mut res, 0)?;
        let mut settings: HashMap<String, EscalationSettings> = HashMap::new();
        let mut taken = 0;
        for call in calls {
            let timing = match settings.get(call.community.as_str()) {
                Some(t) => *t,
                None => {
                    let t = self.escalation_settings(call.community.key()).await?;
                    settings.insert(String::from(call.community.clone()), t);
                    t
                }
            };
            let due = due_level(call.created_at, false, now, timing);
            for step in (call.level() + 1)..=due {
                match self.escalate(&call, step, now).await {
                    Ok(true) => taken += 1,
                    Ok(false) => {}
                    Err(e) => {
                        tracing::error!(call = %call.id, level = step, error = %e, "help call not escalated");
                        break;
                    }
                }
            }
        }
        Ok(taken)
    }

    /// Takes escalation step `step` of `call`: the new level, its timeline
    /// entry and, at level 2, the emergency contacts' messages, all in one
    /// transaction. `false` when another process or an acknowledgement got
    /// there first.
    pub(super) async fn escalate(&self, call: &CallRow, step: u8, now: DateTime<Utc>) -> Result<bool> {
        let messages = if step == 2 { contact_messages(call) } else { Vec::new() };
        // Nobody to text: the step says so, so staff never read "the
        // family has been told" when no contact is on file.
        let note = if step == 2 && messages.is_empty() {
            "没有可通知的紧急联系人 (no emergency contact on file)"
        } else {
            ""
        };
        let taken = run(self
            .db
            .query(super::store::ESCALATE)
            .bind(("call", HelpCallId::record_of(&call.id)))
            .bind(("step", i64::from(step)))
            .bind(("now", now))
            .bind(("community", CommunityId::record_of(&call.community)))
            .bind(("note", note))
            .bind(("messages", outbox_rows(self.notifier.channel(), messages))))
        .await;
        match taken {
            Ok(_) => {}
            // Another process, or an acknowledgement, got there first.
            Err(e) if thrown(&e, "lost") || e.is_retryable() || e.violates("help_event_seq") => return Ok(false),
            Err(e) => return Err(e),
        }
        let mut escalated = call.clone();
        escalated.escalation_level = i64::from(step);
        tracing::warn!(call = %call.id, level = step, "help call escalated");
        self.announce_call(&escalated, if step == 1 { "escalated_staff" } else { "notified_contacts" }).await?;
        Ok(true)
    }
}
