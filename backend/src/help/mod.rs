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

#[macro_use]
pub(crate) mod store;
mod entry;
mod escalation;

use std::collections::HashMap;

use crate::record::{BuildingId, CommunityId, HelpCallId, OpenHelpCallId, UnitId, UserId};
use chrono::{DateTime, Utc};
use serde_json::json;

use super::{
    Backend, clean,
    db::{self, row, rows, run, thrown},
    error::{Error, Result},
    events::Audience,
    ids,
    notify::{Lane, Outgoing},
    people::unit_label,
    policy::{Actor, Permission},
    wechat::SubscribeMessage,
};
use linli_model::{
    AppError, Cursor, ErrorCode, Msg, Page, PageRequest, StaffRef,
    help::{
        CheckIn, EscalationSettings, HelpAction, HelpActionInput, HelpCall, HelpEntry, HelpParty, Outcome,
        allowed_actions, transition,
    },
    job::PersonRef,
    keys::AuditAction,
    live::EventKind,
    phone,
};
use store::*;

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

/// How many times one client key may name ended calls before a press is
/// stored under a fresh key (it is never refused).
const MAX_KEY_REUSE: usize = 16;

/// The most `pressed_again` steps one call records: an anxious elder's
/// presses (or a client pressing in a loop) are each announced up to this
/// many; later ones answer the call without growing its timeline, which
/// every view of the call reads.
pub const MAX_PRESSES_AGAIN: usize = 50;

/// The key a press is stored under when `key` already names a call that
/// has ended: derived from both, so a retry of this press finds the call
/// it made, and 41 characters whatever `key` was.
fn follow_on_key(key: &str, ended_call: &str) -> String {
    let hex = ids::token_hash(&format!("linli-help-repress:{key}:{ended_call}"));
    format!("r{}", hex.get(..40).unwrap_or(&hex))
}

/// A press key as clients make them (`linli_model::client_key::is_valid`:
/// 8–64 printable ASCII characters), so a UUID (braced or not), base64 or
/// any token format works; an elder's press must not fail on the app's
/// choice of format.
fn valid_client_key(key: &str) -> bool {
    linli_model::client_key::is_valid(key)
}

/// The paged list's name for the cursor: the open calls (oldest first) and
/// every call (newest first) are two orders, so a cursor of one is refused
/// by the other.
pub const fn help_calls_list(open_only: bool) -> &'static str {
    if open_only { "help_calls_open" } else { "help_calls" }
}

impl Backend {
    /// The escalation timings of a community: start-up overrides first,
    /// then the community's settings, then the defaults (60 s, 180 s).
    pub(crate) async fn escalation_settings(&self, community: &str) -> Result<EscalationSettings> {
        let mut res =
            run(self.db.query(store::ESCALATION_SETTINGS).bind(("c", CommunityId::record_of(community)))).await?;
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
    /// (`false`: this `client_key` was already pressed and its call is
    /// still open; same call).
    ///
    /// A key that names a call which has since ended starts a new call: an
    /// app that kept its key, or a tablet that missed the "resolved"
    /// update, must never have a press answered with an old, closed call.
    /// A retry of a press whose call was closed in between therefore
    /// raises a second call; for this button that is the safe side.
    ///
    /// Two presses racing (a double tap on two connections, a retry sent
    /// while the first is still in flight) never answer "try again": the
    /// press whose write the engine refused runs again and finds the call
    /// the other stored.
    ///
    /// A press without a usable key (missing, empty or malformed: a buggy
    /// client) is still taken, under a key made here: the elder must never
    /// lose a press to a client's mistake. Its retries are not known as
    /// the same press, but while its call is open they join it.
    pub async fn press_help(&self, actor: &Actor, client_key: &str) -> Result<(HelpCall, bool)> {
        actor.require(Permission::PressHelp)?;
        // Blanks around a key are the client's, as for every request key.
        let client_key = client_key.trim();
        let client_key = if valid_client_key(client_key) {
            client_key.to_string()
        } else {
            tracing::warn!(user = %actor.user_id, "help pressed without a usable client_key; one made by the server");
            format!("server-{}", ids::new_token())
        };
        crate::db::retrying(|| self.press_help_once(actor, &client_key)).await
    }

    /// One attempt of [`Self::press_help`] (which checked the permission
    /// and the key).
    async fn press_help_once(&self, actor: &Actor, client_key: &str) -> Result<(HelpCall, bool)> {
        let unit = actor.unit.clone().ok_or_else(AppError::forbidden)?;
        let mut key = client_key.to_string();
        for reused in 0..=MAX_KEY_REUSE {
            match self.call_by_key(&actor.user_id, &key).await? {
                None => break,
                Some(existing) if existing.status().is_open() => {
                    return Ok((self.call_view(actor, existing, PhoneView::Masked).await?, false));
                }
                Some(_) if reused == MAX_KEY_REUSE => key = ids::new_token(),
                Some(ended) => key = follow_on_key(&key, ended.id.key()),
            }
        }
        // Pressed again, with another key, while a call is open (a page
        // reloaded without JavaScript, a second device): the same call,
        // announced again, never a second call for the duty room.
        if let Some(open) = self.open_call_of_elder(&actor.user_id).await?
            && let Some(again) = self.press_again(actor, open, &key).await?
        {
            return Ok((again, false));
        }
        let id = ids::new_key();
        let now = self.now();
        let created = run(self
            .db
            .query(store::PRESS_HELP)
            .bind(("call", HelpCallId::record_of(&id)))
            .bind(("community", CommunityId::record_of(actor.community_id())))
            .bind(("building", BuildingId::record_of(&unit.building.id)))
            .bind(("unit", UnitId::record_of(&unit.id)))
            .bind(("elder", UserId::record_of(&actor.user_id)))
            .bind(("open_mark", OpenHelpCallId::record_of(&actor.user_id)))
            .bind(("key", key.clone()))
            .bind(("name", actor.name.clone()))
            .bind(("now", now)))
        .await;
        match created {
            Ok(_) => {}
            // Another press of this elder opened a call a moment ago (a
            // phone and a tablet, or the duty room's entry): run again and
            // join it.
            Err(e) if thrown(&e, "already_open") => return Err(Error::Raced("help call opened")),
            // The same key was pressed at the same moment (a double tap on
            // two connections): the other request stored it; return that.
            Err(e) if e.violates("help_call_key") => {
                let existing =
                    self.call_by_key(&actor.user_id, &key).await?.ok_or_else(|| Error::internal("lost call"))?;
                return Ok((self.call_view(actor, existing, PhoneView::Masked).await?, false));
            }
            Err(e) => return Err(e),
        }
        let call = self.load_call(&id).await?.ok_or_else(|| Error::internal("call vanished after create"))?;
        tracing::warn!(call = %id, unit = %unit.label, "HELP CALL pressed");
        self.announce_call(&call, "pressed").await?;
        Ok((self.call_view(actor, call, PhoneView::Masked).await?, true))
    }

    /// The elder's open call, if any.
    async fn open_call_of_elder(&self, elder: &str) -> Result<Option<CallRow>> {
        let mut res = run(self.db.query(store::OPEN_CALL_OF_ELDER).bind(("elder", UserId::record_of(elder)))).await?;
        row(&mut res, 0)
    }

    /// Records a press with a new key on the elder's open call `open`
    /// (once per key) and announces it again to whoever is answering it.
    /// `None` if the call ended meanwhile: the press raises a new one.
    async fn press_again(&self, actor: &Actor, open: CallRow, key: &str) -> Result<Option<HelpCall>> {
        let stored = run(self
            .db
            .query(store::PRESS_AGAIN)
            .bind(("max", MAX_PRESSES_AGAIN))
            .bind(("call", open.id.record()))
            .bind(("elder", UserId::record_of(&actor.user_id)))
            .bind(("key", key.to_string()))
            .bind(("name", actor.name.clone()))
            .bind(("now", self.now())))
        .await;
        match stored {
            Ok(_) => {
                tracing::warn!(call = %open.id.key(), "HELP CALL pressed again");
                self.announce_call(&open, "pressed_again").await?;
            }
            // A retry of this very press: already recorded and announced;
            // or the call already holds `MAX_PRESSES_AGAIN` presses.
            Err(e) if thrown(&e, "pressed_already") || thrown(&e, "pressed_enough") => {}
            Err(e) if thrown(&e, "closed") => return Ok(None),
            Err(e) => return Err(e),
        }
        let call = self.load_call(open.id.key()).await?.ok_or_else(|| Error::internal("call vanished"))?;
        Ok(Some(self.call_view(actor, call, PhoneView::Masked).await?))
    }

    /// One call, if the caller may see it (404 otherwise). Staff see the
    /// elder's whole phone number here, to call back, and each such view
    /// is an audit entry; lists show it masked, and so does this page to
    /// staff reached only by escalation once the call is over
    /// ([`HelpParty::sees_whole_phone`]).
    pub async fn help_call(&self, actor: &Actor, id: &str) -> Result<HelpCall> {
        let call = self.load_call(id).await?.filter(|c| c.visible_to(actor)).ok_or_else(AppError::not_found)?;
        if call.party(actor).sees_whole_phone(call.status().is_open()) {
            self.audit(actor, AuditAction::HelpCallViewPhone, &call.id, &call.elder).await?;
        }
        self.call_view(actor, call, PhoneView::Whole).await
    }

    /// Whether call `id` exists and the caller may see it (what
    /// [`Self::help_call`] answers 404 for), without reading its timeline
    /// or auditing a view: the web page's status is decided with it.
    pub async fn help_call_visible(&self, actor: &Actor, id: &str) -> Result<()> {
        self.load_call(id).await?.filter(|c| c.visible_to(actor)).map(drop).ok_or_else(|| AppError::not_found().into())
    }

    /// Calls the caller may see (the first page of [`Self::help_calls_page`],
    /// `MAX_LIMIT` rows), for callers inside the backend.
    pub async fn help_calls(&self, actor: &Actor, open_only: bool) -> Result<Vec<HelpCall>> {
        let page = PageRequest { limit: linli_model::page::MAX_LIMIT, after: None };
        Ok(self.help_calls_page(actor, open_only, &page).await?.items)
    }

    /// Calls the caller may see, a page at a time (list `help_calls`):
    /// `open_only` (the duty room's and butlers' live lists) oldest
    /// (longest waiting) first, otherwise newest first; keyset
    /// `(created_at, id)`.
    pub async fn help_calls_page(&self, actor: &Actor, open_only: bool, page: &PageRequest) -> Result<Page<HelpCall>> {
        // The query already keeps to what the caller may see, so no one
        // else's calls (a flood of presses elsewhere) can push a call the
        // caller must see out of the page; the rule is checked again below.
        let buildings: Vec<String> = actor.buildings.iter().map(|b| b.id.clone()).collect();
        let query = if open_only { store::OPEN_HELP_CALLS } else { store::RECENT_HELP_CALLS };
        let (at, after) = match page.after.as_ref() {
            None => (None, None),
            Some(c) if c.keys.len() == 1 => (c.keys.first().copied(), Some(HelpCallId::record_of(&c.id))),
            Some(_) => return Err(AppError::invalid("cursor", Msg::ErrBadCursor).into()),
        };
        let q = self
            .db
            .query(query)
            .bind(("community", CommunityId::record_of(actor.community_id())))
            .bind(("everyone", actor.sees_every_help_call()))
            .bind(("unit", actor.unit_id().map(UnitId::record_of)))
            .bind(("staff", actor.sees_escalated_help_calls()))
            .bind(("buildings", BuildingId::records_of(&buildings)))
            .bind(("after", after))
            .bind(("fetch", page.fetch()));
        // The open list's key is the instant; the recent list's the negated
        // instant in nanoseconds (its store's forward order, `newest_first`).
        let q = if open_only {
            q.bind(("at", at.map(DateTime::from_timestamp_nanos)))
        } else {
            q.bind(("at", at.map(i64::saturating_neg)))
        };
        let mut res = run(q).await?;
        let found: Vec<CallRow> = rows::<CallRow>(&mut res, 0)?.into_iter().filter(|c| c.visible_to(actor)).collect();
        // The page's timelines in one read per `IN_LIST_MAX` calls, not
        // one per call.
        let mut timelines: HashMap<HelpCallId, Vec<EntryRow>> = HashMap::new();
        let ids: Vec<_> = found.iter().map(|c| c.id.record()).collect();
        for chunk in ids.chunks(crate::record::IN_LIST_MAX) {
            let mut res = run(self.db.query(store::TIMELINES_OF).bind(("calls", chunk.to_vec()))).await?;
            for e in rows::<PagedEntryRow>(&mut res, 0)? {
                timelines.entry(e.call).or_default().push(e.entry);
            }
        }
        let calls = found
            .into_iter()
            .map(|c| {
                let mut entries = timelines.remove(&c.id).unwrap_or_default();
                entries.sort_by_key(|e| e.seq);
                call_view_of(actor, c, entries, PhoneView::Masked)
            })
            .collect();
        Ok(page.cut(calls, help_calls_list(open_only), |c| Cursor::at(c.created_at, c.id.clone())))
    }

    async fn call_view(&self, actor: &Actor, call: CallRow, phone_view: PhoneView) -> Result<HelpCall> {
        let mut res = run(self.db.query(store::CALL_VIEW).bind(("id", call.id.record()))).await?;
        Ok(call_view_of(actor, call, rows::<EntryRow>(&mut res, 0)?, phone_view))
    }
    /// Staff handle a call (acknowledge, arrive, resolve with an outcome);
    /// the elder may mark it pressed by mistake. 404 for a call the actor
    /// cannot see, 403 for an action not theirs, 409 (`detail`: the state)
    /// for one the call's state does not allow, then 422 for a missing
    /// outcome or an overlong note.
    pub async fn help_action(&self, actor: &Actor, id: &str, input: HelpActionInput) -> Result<HelpCall> {
        let action =
            HelpAction::parse(&input.action).ok_or_else(|| AppError::invalid("action", Msg::ErrUnknownAction))?;
        let call = self.load_call(id).await?.filter(|c| c.visible_to(actor)).ok_or_else(AppError::not_found)?;
        let party = call.party(actor);
        let Some(next) = transition(call.status(), party, action) else {
            let anyone = HelpParty { caller: true, responder: true, escalated_staff: true };
            return Err(if transition(call.status(), anyone, action).is_some() {
                AppError::forbidden().into()
            } else {
                AppError::new(ErrorCode::Conflict, Msg::ErrHelpCallState).with_detail(call.status.as_str()).into()
            });
        };
        // Who may act is decided before what they sent is checked, so a
        // caller without the right learns nothing from a 422.
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
        let now = self.now();
        // "Help is coming" to the elder's WeChat, queued with the change.
        let message = (action == HelpAction::Acknowledge).then(|| SubscribeMessage {
            community: call.community.key(),
            user: call.elder.key(),
            key: "help_acknowledged",
            data: json!({ "thing1": actor.name, "time2": linli_model::time::format_local_hm(now) }),
            lane: Lane::Urgent,
        });
        let query = self.db.query(store::HELP_ACTION);
        let stored = run(self
            .bind_subscribe_message(query, message)
            .bind(("call", HelpCallId::record_of(id)))
            .bind(("open_mark", OpenHelpCallId::record_of(call.elder.key())))
            .bind(("version", call.version))
            .bind(("status", next.as_str()))
            .bind(("open", next.is_open()))
            .bind(("outcome", outcome.map(|o| o.as_str())))
            .bind(("action", action.as_str()))
            .bind(("actor", UserId::record_of(&actor.user_id)))
            .bind(("name", actor.name.clone()))
            .bind(("note", note))
            .bind(("now", now)))
        .await;
        match stored {
            Ok(_) => {}
            Err(e) if thrown(&e, "stale") || e.violates("help_event_seq") => {
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
        let mut res = run(self.db.query(store::ON_DUTY_STAFF).bind(("c", CommunityId::record_of(community)))).await?;
        Ok(rows::<StaffRow>(&mut res, 0)?.into_iter().map(|r| String::from(r.id)).collect())
    }

    async fn announce_call(&self, call: &CallRow, action: &str) -> Result<()> {
        let on_duty = if call.level() >= 1 { self.on_duty_staff(call.community.key()).await? } else { Vec::new() };
        self.events.publish(
            EventKind::HelpCallUpdated,
            call.community.key(),
            call.audience(on_duty),
            json!({
                "id": call.id, "status": call.status, "action": action, "escalation_level": call.level(),
                "unit": unit_label(&call.building_name, &call.unit_number), "elder": call.elder_name,
                "responder": call.acknowledged_by_name,
            }),
        );
        Ok(())
    }

    /// "I'm OK today": once per elder and local day; pressing again is
    /// fine and answers the first press of the day.
    pub async fn check_in(&self, actor: &Actor) -> Result<CheckIn> {
        crate::db::retrying(|| self.check_in_once(actor)).await
    }

    async fn check_in_once(&self, actor: &Actor) -> Result<CheckIn> {
        actor.require(Permission::CheckIn)?;
        let now = self.now();
        let day = linli_model::time::local_date(now).to_string();
        let stored = run(self
            .db
            .query(store::CHECK_IN)
            .bind(("community", CommunityId::record_of(actor.community_id())))
            .bind(("elder", UserId::record_of(&actor.user_id)))
            .bind(("day", day.clone()))
            .bind(("now", now)))
        .await;
        match stored {
            Ok(_) => {
                if let Some(unit) = &actor.unit {
                    self.events.publish(
                        EventKind::CheckInUpdated,
                        actor.community_id(),
                        Audience::of_check_in(&actor.user_id, &unit.building.id),
                        json!({ "elder": actor.user_id, "day": day }),
                    );
                }
                Ok(CheckIn { day, at: now })
            }
            Err(e) if e.violates("check_in_day") => {
                let mut res = run(self
                    .db
                    .query(store::CHECK_IN_OF_DAY)
                    .bind(("elder", UserId::record_of(&actor.user_id)))
                    .bind(("day", day.clone())))
                .await?;
                let at: Option<DateTime<Utc>> = db::rows::<DateTime<Utc>>(&mut res, 0)?.into_iter().next();
                Ok(CheckIn { day, at: at.unwrap_or(now) })
            }
            Err(e) => Err(e),
        }
    }
}

/// A call as `actor` sees it, with its timeline (`entries`, in `seq`
/// order): whole phone numbers only for staff on a single-call view.
fn call_view_of(actor: &Actor, call: CallRow, entries: Vec<EntryRow>, phone_view: PhoneView) -> HelpCall {
    // A call entered by staff names them on its first entry.
    let first_actor = entries.first().map(|e| e.actor_name.clone()).unwrap_or_default();
    let timeline = entries
        .into_iter()
        .map(|e| HelpEntry {
            seq: crate::convert::non_negative(e.seq),
            action: e.action,
            actor_name: e.actor_name,
            note: e.note,
            at: e.at,
        })
        .collect();
    let party = call.party(actor);
    let whole_phone = party.sees_whole_phone(call.status().is_open());
    HelpCall {
        id: String::from(call.id.clone()),
        status: call.status(),
        outcome: call.outcome,
        escalation_level: call.level(),
        elder: PersonRef { id: String::from(call.elder.clone()), name: call.elder_name.clone() },
        unit: call.unit_ref(),
        elder_phone: if whole_phone && phone_view == PhoneView::Whole {
            call.elder_phone.clone()
        } else {
            phone::mask(&call.elder_phone)
        },
        butler: call.butler.clone().map(|id| {
            let full = call.butler_phone.clone().unwrap_or_default();
            StaffRef {
                id: String::from(id),
                name: call.butler_name.clone().unwrap_or_default(),
                phone: phone::mask(&full),
                phone_full: Some(full),
            }
        }),
        responder: call
            .acknowledged_by
            .clone()
            .map(|id| PersonRef { id: String::from(id), name: call.acknowledged_by_name.clone().unwrap_or_default() }),
        created_at: call.created_at,
        acknowledged_at: call.acknowledged_at,
        arrived_at: call.arrived_at,
        closed_at: call.closed_at,
        timeline,
        allowed_actions: allowed_actions(call.status(), party),
        channel: call.channel,
        entered_by: call.entered_by.clone().map(|id| PersonRef { id: String::from(id), name: first_actor }),
    }
}
