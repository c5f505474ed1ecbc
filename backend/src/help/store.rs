//! The help-call store: rows as stored, what they mean for a caller
//! (party, visibility, audience), and the loads.

use crate::record::{BuildingId, CommunityId, HelpCallId, UnitId, UserId};
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::super::{
    Backend,
    db::{row, run},
    error::Result,
    events::Audience,
    ids,
    people::unit_label,
    policy::Actor,
};
use linli_model::{
    BuildingRef, UnitRef,
    help::{EmergencyContact, HelpParty, HelpStatus, Outcome},
    keys::HelpEntryAction,
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
pub(super) struct CallRow {
    pub(super) id: HelpCallId,
    pub(super) community: CommunityId,
    pub(super) building: BuildingId,
    pub(super) unit: UnitId,
    pub(super) elder: UserId,
    pub(super) status: HelpStatus,
    #[serde(default)]
    pub(super) outcome: Option<Outcome>,
    pub(super) escalation_level: i64,
    pub(super) created_at: DateTime<Utc>,
    #[serde(default)]
    pub(super) acknowledged_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub(super) acknowledged_by: Option<UserId>,
    #[serde(default)]
    pub(super) acknowledged_by_name: Option<String>,
    #[serde(default)]
    pub(super) arrived_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub(super) closed_at: Option<DateTime<Utc>>,
    pub(super) version: i64,
    pub(super) elder_name: String,
    pub(super) elder_phone: String,
    #[serde(default)]
    pub(super) contacts: Vec<EmergencyContact>,
    pub(super) unit_number: String,
    pub(super) building_number: String,
    pub(super) building_name: String,
    #[serde(default)]
    pub(super) butler: Option<UserId>,
    #[serde(default)]
    pub(super) butler_name: Option<String>,
    #[serde(default)]
    pub(super) butler_phone: Option<String>,
    /// How it came in (staff entry, issue 17).
    #[serde(default)]
    pub(super) channel: linli_model::staff_entry::Channel,
    #[serde(default)]
    pub(super) entered_by: Option<UserId>,
}

#[derive(Deserialize)]
pub(super) struct EntryRow {
    pub(super) seq: i64,
    pub(super) action: HelpEntryAction,
    pub(super) actor_name: String,
    #[serde(default)]
    pub(super) note: String,
    pub(super) at: DateTime<Utc>,
}

/// A timeline entry read with others of a page (`TIMELINES_OF`), naming its call.
#[derive(Deserialize)]
pub(super) struct PagedEntryRow {
    pub(super) call: HelpCallId,
    #[serde(flatten)]
    pub(super) entry: EntryRow,
}

#[derive(Deserialize)]
pub(super) struct HelpSettingsRow {
    #[serde(default)]
    pub(super) help: Option<HelpSettingsStored>,
}

#[derive(Deserialize)]
pub(super) struct HelpSettingsStored {
    pub(super) staff_secs: Option<i64>,
    pub(super) contacts_secs: Option<i64>,
}

#[derive(Deserialize)]
pub(super) struct StaffRow {
    pub(super) id: UserId,
}

impl CallRow {
    pub(super) fn status(&self) -> HelpStatus {
        self.status
    }

    pub(super) fn level(&self) -> u8 {
        self.escalation_level.clamp(0, 2) as u8
    }

    pub(super) fn party(&self, actor: &Actor) -> HelpParty {
        actor.help_party(&self.community, &self.building, &self.unit, self.level())
    }

    /// Who may see the call: the elder's household, the first responders,
    /// and, once escalated, every staff member of the community.
    pub(super) fn visible_to(&self, actor: &Actor) -> bool {
        let p = self.party(actor);
        p.caller || p.responder || p.escalated_staff
    }

    pub(super) fn unit_ref(&self) -> UnitRef {
        UnitRef {
            id: String::from(self.unit.clone()),
            number: self.unit_number.clone(),
            label: unit_label(&self.building_name, &self.unit_number),
            building: BuildingRef {
                id: String::from(self.building.clone()),
                number: self.building_number.clone(),
                name: self.building_name.clone(),
            },
        }
    }

    /// First responders and the household; everyone on duty once escalated
    /// ([`Audience::of_help_call`]).
    pub(super) fn audience(&self, on_duty: Vec<String>) -> Audience {
        Audience::of_help_call(&self.elder, &self.unit, &self.building, on_duty)
    }
}

impl Backend {
    pub(super) async fn call_by_key(&self, elder: &str, client_key: &str) -> Result<Option<CallRow>> {
        let mut res = run(self
            .db
            .query(CALL_BY_KEY)
            .bind(("elder", UserId::record_of(elder)))
            .bind(("key", client_key.to_string())))
        .await?;
        row(&mut res, 0)
    }

    pub(super) async fn load_call(&self, id: &str) -> Result<Option<CallRow>> {
        if !ids::is_plausible_key(id) {
            return Ok(None);
        }
        let mut res = run(self.db.query(LOAD_CALL).bind(("id", HelpCallId::record_of(id)))).await?;
        row(&mut res, 0)
    }
}

// ---- Queries ----

use crate::notify::{outbox_create, subscribe_message_create};

/// Used by `sweep_help` (help/escalation.rs): the calls nobody has
/// acknowledged yet, below the last level, through the
/// `help_call_escalating` index (a `sent` call is open; issue 19: not
/// every open call, four times a second).
pub(crate) const SWEEP_HELP: &str =
    concat!(call_select!(), " FROM help_call WHERE status = 'sent' AND escalation_level < 2");

/// Used by `escalate` (help/escalation.rs).
pub(crate) const ESCALATE: &str = concat!(
    "BEGIN TRANSACTION;
                 LET $won = (UPDATE $call SET escalation_level = $step, version = version + 1,
                     escalated_staff_at = IF $step = 1 { $now } ELSE { escalated_staff_at },
                     notified_contacts_at = IF $step = 2 { $now } ELSE { notified_contacts_at }
                     WHERE escalation_level = $step - 1 AND status = 'sent' RETURN AFTER);
                 IF array::len($won) = 0 { THROW 'lost' };
                 LET $seq = array::max((SELECT VALUE seq FROM help_event WHERE call = $call)) ?? 0;
                 CREATE help_event SET call = $call, seq = $seq + 1, actor_name = '系统', note = $note,
                     action = IF $step = 1 { 'escalated_staff' } ELSE { 'notified_contacts' }, at = $now;",
    outbox_create!(),
    "COMMIT TRANSACTION;"
);

/// Used by `escalation_settings` (help/mod.rs).
pub(crate) const ESCALATION_SETTINGS: &str = "SELECT help FROM $c";

/// The first statements of a transaction that opens a call: takes the
/// elder's open-call mark `$open_mark` (`open_help_call:<elder key>`,
/// migration 0032) for `$call`, or throws `already_open` while the call
/// it names is open. Two openings racing both write the mark, so the
/// engine refuses one transaction at commit (a write conflict); either
/// way the loser runs again and joins the open call. A mark left on a
/// closed call is taken over.
macro_rules! open_mark_take {
    () => {
        "
                 IF (SELECT VALUE call.open FROM ONLY $open_mark) = true { THROW 'already_open' };
                 UPSERT $open_mark SET call = $call, at = $now;
                 "
    };
}

/// Used by `after_scale` (scale/mod.rs): marks each elder's oldest open
/// call (as migration 0032 does), for rows written without the services.
pub(crate) const MARK_OPEN_CALLS: &str =
    "FOR $c IN (SELECT id, elder, created_at FROM help_call WHERE open = true ORDER BY created_at DESC) {
                 UPSERT type::record('open_help_call', record::id($c.elder)) SET call = $c.id, at = $c.created_at;
             };";

/// Used by `press_help` (help/mod.rs).
pub(crate) const PRESS_HELP: &str = concat!(
    "BEGIN TRANSACTION;",
    open_mark_take!(),
    "CREATE $call SET community = $community, building = $building, unit = $unit, elder = $elder,
                     client_key = $key, status = 'sent', open = true, escalation_level = 0,
                     created_at = $now, version = 1;
                 CREATE help_event SET call = $call, seq = 1, action = 'pressed', actor = $elder,
                     actor_name = $name, at = $now;
                 COMMIT TRANSACTION;"
);

/// Used by `press_help` (help/mod.rs): the elder's open call, if any
/// (the earliest, should there be several from before presses were
/// merged), through `help_call_elder_open`.
pub(crate) const OPEN_CALL_OF_ELDER: &str =
    concat!(call_select!(), " FROM help_call WHERE elder = $elder AND open = true ORDER BY created_at ASC LIMIT 1");

/// Used by `press_help` (help/mod.rs): the elder pressed again, with
/// another key, while `$call` is open: a `pressed_again` step, once per
/// key, and the call's version moved on, so that an action decided on
/// the call as it was (a "按错了" racing this press) is refused as stale
/// instead of closing the call over the new press. Throws
/// `pressed_already` for a retry of the same press (nothing added),
/// `pressed_enough` when the call holds `$max` such steps already
/// (nothing added), and `closed` if the call ended meanwhile (the press
/// then raises a new call).
pub(crate) const PRESS_AGAIN: &str = "BEGIN TRANSACTION;
                 IF (SELECT VALUE open FROM ONLY $call) != true { THROW 'closed' };
                 LET $steps = (SELECT seq, client_key, action FROM help_event WHERE call = $call);
                 IF array::len($steps[WHERE client_key = $key]) > 0 { THROW 'pressed_already' };
                 IF array::len($steps[WHERE action = 'pressed_again']) >= $max { THROW 'pressed_enough' };
                 UPDATE $call SET version = version + 1;
                 CREATE help_event SET call = $call, seq = (array::max($steps.seq) ?? 0) + 1,
                     action = 'pressed_again', actor = $elder, actor_name = $name, client_key = $key, at = $now;
                 COMMIT TRANSACTION;";

/// Used by `enter_help_call` (help/entry.rs): a press stored for the
/// elder by staff, with the channel and who entered it.
pub(crate) const ENTER_HELP_CALL: &str = concat!(
    "BEGIN TRANSACTION;",
    open_mark_take!(),
    "CREATE $call SET community = $community, building = $building, unit = $unit, elder = $elder,
                     client_key = $key, status = 'sent', open = true, escalation_level = 0,
                     created_at = $now, version = 1, channel = $channel, entered_by = $staff;
                 CREATE help_event SET call = $call, seq = 1, action = 'pressed', actor = $staff,
                     actor_name = $name, note = $note, at = $now;
                 COMMIT TRANSACTION;"
);

/// Used by `enter_help_call` (help/entry.rs): the emergency contacts'
/// messages `$messages` queued now, with their timeline entry.
pub(crate) const TELL_FAMILY_NOW: &str = concat!(
    "BEGIN TRANSACTION;
                 LET $seq = array::max((SELECT VALUE seq FROM help_event WHERE call = $call)) ?? 0;
                 CREATE help_event SET call = $call, seq = $seq + 1, action = 'notified_contacts', actor = $staff,
                     actor_name = $name, at = $now;",
    outbox_create!(),
    "COMMIT TRANSACTION;"
);

/// Used by `enter_help_call` (help/entry.rs): the unit's open call, if any
/// (the oldest).
pub(crate) const OPEN_CALL_OF_UNIT: &str =
    concat!(call_select!(), " FROM help_call WHERE unit = $unit AND open = true ORDER BY created_at ASC LIMIT 1");

/// Used by `enter_help_call` (help/entry.rs): the elder's latest call's
/// key (the id's), which names the next staff entry without a key of its own.
pub(crate) const LATEST_CALL_OF_ELDER: &str =
    "SELECT VALUE record::id(id) FROM help_call WHERE elder = $elder ORDER BY created_at DESC LIMIT 1";

/// Used by `help_calls` (help/mod.rs).
pub(crate) const OPEN_HELP_CALLS: &str = concat!(
    call_select!(),
    " FROM help_call WHERE community = $community AND open = true
                    AND ($everyone OR unit = $unit OR ($staff AND (building IN $buildings OR escalation_level >= 1)))
                    AND ($at = NONE OR created_at > $at OR (created_at = $at AND id > $after))
                  ORDER BY created_at ASC, id ASC LIMIT $fetch"
);

/// Used by `help_calls` (help/mod.rs): newest first, scanned forward
/// through `help_call_newest` (`newest_first`, the negated instant in
/// nanoseconds, migration 0024), after the cursor `($at, $after)` with
/// `$at` negated likewise.
pub(crate) const RECENT_HELP_CALLS: &str = concat!(
    call_select!(),
    " FROM help_call WHERE community = $community
                    AND ($everyone OR unit = $unit OR ($staff AND (building IN $buildings OR escalation_level >= 1)))
                    AND ($at = NONE OR newest_first > $at OR (newest_first = $at AND id > $after))
                  ORDER BY newest_first ASC, id ASC LIMIT $fetch"
);

/// Used by `call_view` (help/mod.rs).
pub(crate) const CALL_VIEW: &str = "SELECT * FROM help_event WHERE call = $id ORDER BY seq";

/// Used by `help_calls_page` (help/mod.rs): the timelines of a page's
/// calls (at most `record::IN_LIST_MAX`, read through `help_event_seq`).
pub(crate) const TIMELINES_OF: &str = "SELECT * FROM help_event WHERE call IN $calls";

/// Used by `help_action` (help/mod.rs).
pub(crate) const HELP_ACTION: &str = concat!(
            "BEGIN TRANSACTION;
             IF (SELECT VALUE version FROM ONLY $call) != $version { THROW 'stale' };
             LET $seq = array::max((SELECT VALUE seq FROM help_event WHERE call = $call)) ?? 0;
             UPDATE $call SET status = $status, open = $open, version = $version + 1,
                 outcome = $outcome ?? outcome,
                 acknowledged_at = acknowledged_at ?? (IF $action IN ['acknowledge', 'arrive'] { $now } ELSE { NONE }),
                 acknowledged_by = acknowledged_by ?? (IF $action IN ['acknowledge', 'arrive'] { $actor } ELSE { NONE }),
                 arrived_at = IF $action = 'arrive' { $now } ELSE { arrived_at },
                 arrived_by = IF $action = 'arrive' { $actor } ELSE { arrived_by },
                 closed_at = IF $open { NONE } ELSE { $now };
             IF !$open { DELETE $open_mark WHERE call = $call };
             CREATE help_event SET call = $call, seq = $seq + 1, action = $action, actor = $actor,
                 actor_name = $name, note = $note, at = $now;",
            subscribe_message_create!(),
            "COMMIT TRANSACTION;"
        );

/// Used by `on_duty_staff` (help/mod.rs).
pub(crate) const ON_DUTY_STAFF: &str = "SELECT id FROM user WHERE community = $c AND active = true AND on_duty = true
                     AND role IN ['butler', 'worker', 'guard', 'duty', 'admin']";

/// Used by `check_in` (help/mod.rs).
pub(crate) const CHECK_IN: &str = "CREATE check_in SET community = $community, elder = $elder, day = $day, at = $now;";

/// Used by `check_in` (help/mod.rs).
pub(crate) const CHECK_IN_OF_DAY: &str = "SELECT VALUE at FROM check_in WHERE elder = $elder AND day = $day";

/// Used by `call_by_key` (help/store.rs).
pub(crate) const CALL_BY_KEY: &str =
    concat!(call_select!(), " FROM help_call WHERE elder = $elder AND client_key = $key");

/// Used by `load_call` (help/store.rs).
pub(crate) const LOAD_CALL: &str = concat!(call_select!(), " FROM $id");

/// Every query of this store, by name, for the check that runs each
/// against a migrated database (`crate::queries_check`).
#[cfg(test)]
pub(crate) const ALL: &[(&str, &str)] = &[
    ("SWEEP_HELP", SWEEP_HELP),
    ("ESCALATE", ESCALATE),
    ("ESCALATION_SETTINGS", ESCALATION_SETTINGS),
    ("MARK_OPEN_CALLS", MARK_OPEN_CALLS),
    ("PRESS_HELP", PRESS_HELP),
    ("OPEN_CALL_OF_ELDER", OPEN_CALL_OF_ELDER),
    ("PRESS_AGAIN", PRESS_AGAIN),
    ("ENTER_HELP_CALL", ENTER_HELP_CALL),
    ("TELL_FAMILY_NOW", TELL_FAMILY_NOW),
    ("OPEN_CALL_OF_UNIT", OPEN_CALL_OF_UNIT),
    ("LATEST_CALL_OF_ELDER", LATEST_CALL_OF_ELDER),
    ("OPEN_HELP_CALLS", OPEN_HELP_CALLS),
    ("RECENT_HELP_CALLS", RECENT_HELP_CALLS),
    ("CALL_VIEW", CALL_VIEW),
    ("TIMELINES_OF", TIMELINES_OF),
    ("HELP_ACTION", HELP_ACTION),
    ("ON_DUTY_STAFF", ON_DUTY_STAFF),
    ("CHECK_IN", CHECK_IN),
    ("CHECK_IN_OF_DAY", CHECK_IN_OF_DAY),
    ("CALL_BY_KEY", CALL_BY_KEY),
    ("LOAD_CALL", LOAD_CALL),
];
