//! The elderly one-button help call: press, alert, escalate, handle.
//!
//! Promises, in order of importance:
//! - a press is committed (synced to disk) before the elder is told "sent";
//! - the same `client_key` (a double tap, a retry after a network error)
//!   gives the same call, guaranteed by a unique index, not by timing;
//! - escalation is driven by stored state (`created_at`,
//!   `escalation_level`), checked four times a second, so it happens on
//!   time even after a restart, and each step is taken exactly once even
//!   with several server processes (a conditional update decides who);
//! - emergency contacts are notified through the durable outbox.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::json;

use super::{
    Backend, clean,
    db::{self, rid, row, rows, run, thrown},
    error::{Error, Result},
    events::Audience,
    ids,
    notify::{Lane, Outgoing, outbox_create, outbox_rows, subscribe_message_create},
    people::{key, unit_label},
    policy::Actor,
    wechat::SubscribeMessage,
};
use linli_model::{
    AppError, BuildingRef, ErrorCode, Msg, Role, StaffRef, UnitRef,
    help::{
        EmergencyContact, EscalationSettings, HelpAction, HelpActionInput, HelpCall, HelpEntry, HelpParty, HelpStatus,
        Outcome, allowed_actions, due_level, transition,
    },
    job::PersonRef,
    live::EventKind,
    phone,
};

macro_rules! call_select {
    () => {
        "SELECT *, elder.name AS elder_name, elder.phone AS elder_phone,
                elder.emergency_contacts AS contacts,
                unit.number AS unit_number, building.number AS building_number,
                building.name AS building_name, building.butler AS butler,
                building.butler.name AS butler_name, building.butler.phone AS butler_phone,
                acknowledged_by.name AS acknowledged_by_name"
    };
}

#[derive(Deserialize, Clone)]
struct CallRow {
    #[serde(deserialize_with = "key::de")]
    id: String,
    #[serde(deserialize_with = "key::de")]
    community: String,
    #[serde(deserialize_with = "key::de")]
    building: String,
    #[serde(deserialize_with = "key::de")]
    unit: String,
    #[serde(deserialize_with = "key::de")]
    elder: String,
    status: String,
    #[serde(default)]
    outcome: Option<String>,
    escalation_level: i64,
    created_at: DateTime<Utc>,
    #[serde(default)]
    acknowledged_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "key::de_opt")]
    acknowledged_by: Option<String>,
    #[serde(default)]
    acknowledged_by_name: Option<String>,
    #[serde(default)]
    arrived_at: Option<DateTime<Utc>>,
    #[serde(default)]
    closed_at: Option<DateTime<Utc>>,
    version: i64,
    elder_name: String,
    elder_phone: String,
    #[serde(default)]
    contacts: Vec<EmergencyContact>,
    unit_number: String,
    building_number: String,
    building_name: String,
    #[serde(default, deserialize_with = "key::de_opt")]
    butler: Option<String>,
    #[serde(default)]
    butler_name: Option<String>,
    #[serde(default)]
    butler_phone: Option<String>,
}

#[derive(Deserialize)]
struct EntryRow {
    seq: i64,
    action: String,
    actor_name: String,
    #[serde(default)]
    note: String,
    at: DateTime<Utc>,
}

#[derive(Deserialize)]
struct HelpSettingsRow {
    #[serde(default)]
    help: Option<HelpSettingsStored>,
}

#[derive(Deserialize)]
struct HelpSettingsStored {
    staff_secs: Option<i64>,
    contacts_secs: Option<i64>,
}

#[derive(Deserialize)]
struct StaffRow {
    #[serde(deserialize_with = "key::de")]
    id: String,
}

impl CallRow {
    fn status(&self) -> HelpStatus {
        HelpStatus::parse(&self.status).unwrap_or(HelpStatus::Sent)
    }

    fn level(&self) -> u8 {
        self.escalation_level.clamp(0, 2) as u8
    }

    fn party(&self, actor: &Actor) -> HelpParty {
        if actor.community.id != self.community {
            return HelpParty::default();
        }
        let mut party = HelpParty::for_role(
            actor.role,
            actor.owns_building(&self.building),
            actor.unit_id() == Some(self.unit.as_str()),
            self.level(),
        );
        // Only staff on duty are alerted (and may step in) on escalation.
        party.escalated_staff &= actor.role.is_staff();
        party
    }

    /// Who may see the call: the elder's household, the first responders,
    /// and, once escalated, every staff member of the community.
    fn visible_to(&self, actor: &Actor) -> bool {
        let p = self.party(actor);
        p.caller || p.responder || p.escalated_staff
    }

    fn unit_ref(&self) -> UnitRef {
        UnitRef {
            id: self.unit.clone(),
            number: self.unit_number.clone(),
            label: unit_label(&self.building_name, &self.unit_number),
            building: BuildingRef {
                id: self.building.clone(),
                number: self.building_number.clone(),
                name: self.building_name.clone(),
            },
        }
    }

    /// First responders and the household; everyone on duty once escalated.
    fn audience(&self, on_duty: Vec<String>) -> Audience {
        let mut users = on_duty;
        users.push(self.elder.clone());
        Audience {
            users,
            units: vec![self.unit.clone()],
            buildings: vec![self.building.clone()],
            roles: vec![Role::Duty, Role::Admin],
            residents_of: vec![],
        }
    }
}

/// Whether a view of a call shows staff the elder's whole number.
#[derive(Clone, Copy, PartialEq, Eq)]
enum PhoneView {
    /// The call's own page: staff call back from it (and it is audited).
    Whole,
    /// Lists and answers to actions.
    Masked,
}

/// One urgent text message per emergency contact with a valid number.
fn contact_messages(call: &CallRow) -> Vec<Outgoing> {
    call.contacts
        .iter()
        .filter(|c| phone::is_valid_mobile(&c.phone))
        .map(|c| Outgoing {
            recipient: c.phone.clone(),
            template: "help_call_contact".to_string(),
            params: json!({
                "contact": c.name, "elder": call.elder_name,
                "address": unit_label(&call.building_name, &call.unit_number),
                "pressed_at": linli_model::time::format_local(call.created_at),
                "butler_phone": call.butler_phone,
            }),
            subject: format!("help_call:{}", call.id),
            lane: Lane::Urgent,
        })
        .collect()
}

fn valid_client_key(key: &str) -> bool {
    (8..=64).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl Backend {
    /// The escalation timings of a community: start-up overrides first,
    /// then the community's settings, then the defaults (60 s, 180 s).
    pub async fn escalation_settings(&self, community: &str) -> Result<EscalationSettings> {
        let mut res =
            run(self.db.query("SELECT help FROM type::record('community', $c)").bind(("c", community.to_string())))
                .await?;
        let stored = row::<HelpSettingsRow>(&mut res, 0)?.and_then(|r| r.help);
        let d = EscalationSettings::default();
        Ok(EscalationSettings {
            staff_secs: self
                .config
                .help_staff_secs
                .or(stored.as_ref().and_then(|s| s.staff_secs))
                .unwrap_or(d.staff_secs),
            contacts_secs: self
                .config
                .help_contacts_secs
                .or(stored.as_ref().and_then(|s| s.contacts_secs))
                .unwrap_or(d.contacts_secs),
        })
    }

    /// Presses the help button. Returns the call and whether it is new
    /// (`false`: this `client_key` was already pressed; same call).
    pub async fn press_help(&self, actor: &Actor, client_key: &str) -> Result<(HelpCall, bool)> {
        actor.require(&[Role::Resident])?;
        let unit = actor.unit.clone().ok_or_else(AppError::forbidden)?;
        if !valid_client_key(client_key) {
            return Err(AppError::invalid("client_key", Msg::ErrClientKey).into());
        }
        if let Some(existing) = self.call_by_key(&actor.user_id, client_key).await? {
            return Ok((self.call_view(actor, existing, PhoneView::Masked).await?, false));
        }
        let id = ids::new_key();
        let now = Utc::now();
        let created = run(self
            .db
            .query(
                "BEGIN TRANSACTION;
                 CREATE $call SET community = $community, building = $building, unit = $unit, elder = $elder,
                     client_key = $key, status = 'sent', open = true, escalation_level = 0,
                     created_at = $now, version = 1;
                 CREATE help_event SET call = $call, seq = 1, action = 'pressed', actor = $elder,
                     actor_name = $name, at = $now;
                 COMMIT TRANSACTION;",
            )
            .bind(("call", rid("help_call", &id)))
            .bind(("community", rid("community", actor.community_id())))
            .bind(("building", rid("building", &unit.building.id)))
            .bind(("unit", rid("unit", &unit.id)))
            .bind(("elder", rid("user", &actor.user_id)))
            .bind(("key", client_key.to_string()))
            .bind(("name", actor.name.clone()))
            .bind(("now", now)))
        .await;
        match created {
            Ok(_) => {}
            // The same key was pressed at the same moment (a double tap on
            // two connections): the other request stored it; return that.
            Err(e) if e.is_unique_violation() => {
                let existing =
                    self.call_by_key(&actor.user_id, client_key).await?.ok_or_else(|| Error::internal("lost call"))?;
                return Ok((self.call_view(actor, existing, PhoneView::Masked).await?, false));
            }
            Err(e) => return Err(e),
        }
        let call = self.load_call(&id).await?.ok_or_else(|| Error::internal("call vanished after create"))?;
        tracing::warn!(call = %id, unit = %unit.label, "HELP CALL pressed");
        self.announce_call(&call, "pressed").await?;
        Ok((self.call_view(actor, call, PhoneView::Masked).await?, true))
    }

    async fn call_by_key(&self, elder: &str, client_key: &str) -> Result<Option<CallRow>> {
        let mut res = run(self
            .db
            .query(concat!(call_select!(), " FROM help_call WHERE elder = $elder AND client_key = $key"))
            .bind(("elder", rid("user", elder)))
            .bind(("key", client_key.to_string())))
        .await?;
        row(&mut res, 0)
    }

    async fn load_call(&self, id: &str) -> Result<Option<CallRow>> {
        if !ids::is_plausible_key(id) {
            return Ok(None);
        }
        let mut res = run(self
            .db
            .query(concat!(call_select!(), " FROM type::record('help_call', $id)"))
            .bind(("id", id.to_string())))
        .await?;
        row(&mut res, 0)
    }

    /// One call, if the caller may see it (404 otherwise). Staff see the
    /// elder's whole phone number here, to call back, and each such view
    /// is an audit entry; lists show it masked.
    pub async fn help_call(&self, actor: &Actor, id: &str) -> Result<HelpCall> {
        let call = self.load_call(id).await?.filter(|c| c.visible_to(actor)).ok_or_else(AppError::not_found)?;
        let party = call.party(actor);
        if party.responder || party.escalated_staff {
            self.audit(actor, "help_call.view_phone", &call.id, &call.elder).await?;
        }
        self.call_view(actor, call, PhoneView::Whole).await
    }

    /// Calls the caller may see, oldest first; `open_only` for the duty
    /// room's and butlers' live lists.
    pub async fn help_calls(&self, actor: &Actor, open_only: bool) -> Result<Vec<HelpCall>> {
        // The query already keeps to what the caller may see, so no one
        // else's calls (a flood of presses elsewhere) can push a call the
        // caller must see out of the page; the rule is checked again below.
        let buildings: Vec<String> = actor.buildings.iter().map(|b| b.id.clone()).collect();
        let query = if open_only {
            // Every open call, oldest (longest waiting) first.
            concat!(
                call_select!(),
                " FROM help_call WHERE community = $community AND open = true
                    AND ($everyone OR unit = $unit OR ($staff AND (building IN $buildings OR escalation_level >= 1)))
                  ORDER BY created_at ASC LIMIT 1000"
            )
        } else {
            concat!(
                call_select!(),
                " FROM help_call WHERE community = $community
                    AND ($everyone OR unit = $unit OR ($staff AND (building IN $buildings OR escalation_level >= 1)))
                  ORDER BY created_at DESC LIMIT 200"
            )
        };
        let mut res = run(self
            .db
            .query(query)
            .bind(("community", rid("community", actor.community_id())))
            .bind(("everyone", matches!(actor.role, Role::Duty | Role::Admin)))
            .bind(("unit", actor.unit_id().map(|u| rid("unit", u))))
            .bind(("staff", actor.role.is_staff()))
            .bind(("buildings", db::rids("building", &buildings))))
        .await?;
        let mut calls = Vec::new();
        for c in rows::<CallRow>(&mut res, 0)?.into_iter().filter(|c| c.visible_to(actor)) {
            calls.push(self.call_view(actor, c, PhoneView::Masked).await?);
        }
        Ok(calls)
    }

    async fn call_view(&self, actor: &Actor, call: CallRow, phone_view: PhoneView) -> Result<HelpCall> {
        let mut res = run(self
            .db
            .query("SELECT * FROM help_event WHERE call = type::record('help_call', $id) ORDER BY seq")
            .bind(("id", call.id.clone())))
        .await?;
        let timeline = rows::<EntryRow>(&mut res, 0)?
            .into_iter()
            .map(|e| HelpEntry {
                seq: e.seq as u32,
                action: e.action,
                actor_name: e.actor_name,
                note: e.note,
                at: e.at,
            })
            .collect();
        let party = call.party(actor);
        let staff_view = party.responder || party.escalated_staff;
        Ok(HelpCall {
            id: call.id.clone(),
            status: call.status(),
            outcome: call.outcome.as_deref().and_then(Outcome::parse),
            escalation_level: call.level(),
            elder: PersonRef { id: call.elder.clone(), name: call.elder_name.clone() },
            unit: call.unit_ref(),
            elder_phone: if staff_view && phone_view == PhoneView::Whole {
                call.elder_phone.clone()
            } else {
                phone::mask(&call.elder_phone)
            },
            butler: call.butler.clone().map(|id| {
                let full = call.butler_phone.clone().unwrap_or_default();
                StaffRef {
                    id,
                    name: call.butler_name.clone().unwrap_or_default(),
                    phone: phone::mask(&full),
                    phone_full: Some(full),
                }
            }),
            responder: call
                .acknowledged_by
                .clone()
                .map(|id| PersonRef { id, name: call.acknowledged_by_name.clone().unwrap_or_default() }),
            created_at: call.created_at,
            acknowledged_at: call.acknowledged_at,
            arrived_at: call.arrived_at,
            closed_at: call.closed_at,
            timeline,
            allowed_actions: allowed_actions(call.status(), party),
        })
    }

    /// Staff handle a call (acknowledge, arrive, resolve with an outcome);
    /// the elder may mark it pressed by mistake.
    pub async fn help_action(&self, actor: &Actor, id: &str, input: HelpActionInput) -> Result<HelpCall> {
        let action =
            HelpAction::parse(&input.action).ok_or_else(|| AppError::invalid("action", Msg::ErrUnknownAction))?;
        let note = clean::optional_block("note", input.note.as_deref(), 1000)?;
        let outcome = match action {
            HelpAction::Resolve => Some(
                input
                    .outcome
                    .as_deref()
                    .and_then(Outcome::parse)
                    .ok_or_else(|| AppError::invalid("outcome", Msg::ErrOutcomeRequired))?,
            ),
            HelpAction::FalseAlarm => Some(Outcome::FalseAlarm),
            _ => None,
        };
        let call = self.load_call(id).await?.filter(|c| c.visible_to(actor)).ok_or_else(AppError::not_found)?;
        let party = call.party(actor);
        let Some(next) = transition(call.status(), party, action) else {
            let anyone = HelpParty { caller: true, responder: true, escalated_staff: true };
            return Err(if transition(call.status(), anyone, action).is_some() {
                AppError::forbidden().into()
            } else {
                AppError::new(ErrorCode::Conflict, Msg::ErrIllegalTransition).with_detail(call.status.clone()).into()
            });
        };
        let now = Utc::now();
        // "Help is coming" to the elder's WeChat, queued with the change.
        let message = (action == HelpAction::Acknowledge).then(|| SubscribeMessage {
            community: &call.community,
            user: &call.elder,
            key: "help_acknowledged",
            data: json!({ "thing1": actor.name, "time2": linli_model::time::format_local_hm(now) }),
            lane: Lane::Urgent,
        });
        let query = self.db.query(concat!(
            "BEGIN TRANSACTION;
             IF (SELECT VALUE version FROM ONLY $call) != $version { THROW 'stale' };
             LET $seq = (SELECT VALUE seq FROM help_event WHERE call = $call ORDER BY seq DESC LIMIT 1)[0] ?? 0;
             UPDATE $call SET status = $status, open = $open, version = $version + 1,
                 outcome = $outcome ?? outcome,
                 acknowledged_at = acknowledged_at ?? (IF $action IN ['acknowledge', 'arrive'] { $now } ELSE { NONE }),
                 acknowledged_by = acknowledged_by ?? (IF $action IN ['acknowledge', 'arrive'] { $actor } ELSE { NONE }),
                 arrived_at = IF $action = 'arrive' { $now } ELSE { arrived_at },
                 arrived_by = IF $action = 'arrive' { $actor } ELSE { arrived_by },
                 closed_at = IF $open { NONE } ELSE { $now };
             CREATE help_event SET call = $call, seq = $seq + 1, action = $action, actor = $actor,
                 actor_name = $name, note = $note, at = $now;",
            subscribe_message_create!(),
            "COMMIT TRANSACTION;"
        ));
        let stored = run(self
            .bind_subscribe_message(query, message)
            .bind(("call", rid("help_call", id)))
            .bind(("version", call.version))
            .bind(("status", next.as_str()))
            .bind(("open", next.is_open()))
            .bind(("outcome", outcome.map(|o| o.as_str())))
            .bind(("action", action.as_str()))
            .bind(("actor", rid("user", &actor.user_id)))
            .bind(("name", actor.name.clone()))
            .bind(("note", note))
            .bind(("now", now)))
        .await;
        match stored {
            Ok(_) => {}
            Err(e) if thrown(&e, "stale") || e.is_unique_violation() => {
                return Err(AppError::conflict(Msg::ErrCallChanged).into());
            }
            Err(e) => return Err(e),
        }
        let call = self.load_call(id).await?.ok_or_else(|| Error::internal("call vanished"))?;
        tracing::info!(call = %id, action = action.as_str(), by = %actor.user_id, "help call handled");
        self.announce_call(&call, action.as_str()).await?;
        self.call_view(actor, call, PhoneView::Masked).await
    }

    /// The staff members to alert: first responders always; everyone on
    /// duty in the community once the call has escalated.
    async fn on_duty_staff(&self, community: &str) -> Result<Vec<String>> {
        let mut res = run(self
            .db
            .query(
                "SELECT id FROM user WHERE community = $c AND active = true AND on_duty = true
                     AND role IN ['butler', 'worker', 'guard', 'duty', 'admin']",
            )
            .bind(("c", rid("community", community))))
        .await?;
        Ok(rows::<StaffRow>(&mut res, 0)?.into_iter().map(|r| r.id).collect())
    }

    async fn announce_call(&self, call: &CallRow, action: &str) -> Result<()> {
        let on_duty = if call.level() >= 1 { self.on_duty_staff(&call.community).await? } else { Vec::new() };
        self.events.publish(
            EventKind::HelpCallUpdated,
            &call.community,
            call.audience(on_duty),
            json!({
                "id": call.id, "status": call.status, "action": action, "escalation_level": call.level(),
                "unit": unit_label(&call.building_name, &call.unit_number), "elder": call.elder_name,
                "responder": call.acknowledged_by_name,
            }),
        );
        Ok(())
    }

    /// Raises the escalation of unacknowledged calls whose deadline passed.
    /// Called four times a second by its own duty; each step is taken
    /// once, by whichever process wins the conditional update. A call
    /// that cannot be escalated (a fault) is logged and does not hold up
    /// the others. Answers how many steps this process took.
    pub async fn sweep_help(&self, now: DateTime<Utc>) -> Result<usize> {
        let mut res = run(self.db.query(concat!(
            call_select!(),
            " FROM help_call WHERE open = true AND status = 'sent' AND escalation_level < 2"
        )))
        .await?;
        let calls: Vec<CallRow> = rows(&mut res, 0)?;
        let mut settings: HashMap<String, EscalationSettings> = HashMap::new();
        let mut taken = 0;
        for call in calls {
            let timing = match settings.get(&call.community) {
                Some(t) => *t,
                None => {
                    let t = self.escalation_settings(&call.community).await?;
                    settings.insert(call.community.clone(), t);
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
    async fn escalate(&self, call: &CallRow, step: u8, now: DateTime<Utc>) -> Result<bool> {
        let messages = if step == 2 { contact_messages(call) } else { Vec::new() };
        let taken = run(self
            .db
            .query(concat!(
                "BEGIN TRANSACTION;
                 LET $won = (UPDATE $call SET escalation_level = $step, version = version + 1,
                     escalated_staff_at = IF $step = 1 { $now } ELSE { escalated_staff_at },
                     notified_contacts_at = IF $step = 2 { $now } ELSE { notified_contacts_at }
                     WHERE escalation_level = $step - 1 AND status = 'sent' RETURN AFTER);
                 IF array::len($won) = 0 { THROW 'lost' };
                 LET $seq = (SELECT VALUE seq FROM help_event WHERE call = $call ORDER BY seq DESC LIMIT 1)[0] ?? 0;
                 CREATE help_event SET call = $call, seq = $seq + 1, actor_name = '系统',
                     action = IF $step = 1 { 'escalated_staff' } ELSE { 'notified_contacts' }, at = $now;",
                outbox_create!(),
                "COMMIT TRANSACTION;"
            ))
            .bind(("call", rid("help_call", &call.id)))
            .bind(("step", i64::from(step)))
            .bind(("now", now))
            .bind(("community", rid("community", &call.community)))
            .bind(("messages", outbox_rows(self.notifier.channel(), messages))))
        .await;
        match taken {
            Ok(_) => {}
            // Another process, or an acknowledgement, got there first.
            Err(e) if thrown(&e, "lost") || e.is_retryable() || e.is_unique_violation() => return Ok(false),
            Err(e) => return Err(e),
        }
        let mut escalated = call.clone();
        escalated.escalation_level = i64::from(step);
        tracing::warn!(call = %call.id, level = step, "help call escalated");
        self.announce_call(&escalated, if step == 1 { "escalated_staff" } else { "notified_contacts" }).await?;
        Ok(true)
    }

    /// "I'm OK today": once per elder and local day; pressing again is fine.
    pub async fn check_in(&self, actor: &Actor) -> Result<DateTime<Utc>> {
        actor.require(&[Role::Resident])?;
        let now = Utc::now();
        let day = linli_model::time::local_date(now).to_string();
        let stored = run(self
            .db
            .query("CREATE check_in SET community = $community, elder = $elder, day = $day, at = $now;")
            .bind(("community", rid("community", actor.community_id())))
            .bind(("elder", rid("user", &actor.user_id)))
            .bind(("day", day.clone()))
            .bind(("now", now)))
        .await;
        match stored {
            Ok(_) => {
                if let Some(unit) = &actor.unit {
                    self.events.publish(
                        EventKind::CheckInUpdated,
                        actor.community_id(),
                        Audience {
                            buildings: vec![unit.building.id.clone()],
                            users: vec![actor.user_id.clone()],
                            ..Audience::default()
                        },
                        json!({ "elder": actor.user_id, "day": day }),
                    );
                }
                Ok(now)
            }
            Err(e) if e.is_unique_violation() => {
                let mut res = run(self
                    .db
                    .query("SELECT VALUE at FROM check_in WHERE elder = $elder AND day = $day")
                    .bind(("elder", rid("user", &actor.user_id)))
                    .bind(("day", day)))
                .await?;
                let at: Option<DateTime<Utc>> = db::rows::<DateTime<Utc>>(&mut res, 0)?.into_iter().next();
                Ok(at.unwrap_or(now))
            }
            Err(e) => Err(e),
        }
    }
}
