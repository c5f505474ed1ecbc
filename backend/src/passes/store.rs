//! The passes store: rows as stored and their projections into the
//! model's views, and the queries that load passes and their entries.

use crate::record::{BuildingId, CommunityId, IN_LIST_MAX, PassEntryId, PassId, UnitId, UserId, WalkInId};
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::super::{
    Backend,
    db::{row, rows, run},
    error::Result,
    ids,
    people::unit_label,
};
use linli_model::{
    BuildingRef, UnitRef,
    keys::WalkInStatus,
    pass::{self, Entry, Pass, PassFacts, Reason, Schedule},
    phone,
};

macro_rules! pass_select {
    () => {
        "SELECT *, unit.number AS unit_number, building.number AS building_number,
                building.name AS building_name, community.name AS community_name,
                community.address AS community_address"
    };
}

#[derive(Deserialize, Clone)]
pub(super) struct PassRow {
    pub(super) id: PassId,
    pub(super) community: CommunityId,
    pub(super) building: BuildingId,
    pub(super) unit: UnitId,
    pub(super) host: UserId,
    pub(super) visitor_name: String,
    #[serde(default)]
    pub(super) visitor_phone: Option<String>,
    #[serde(default)]
    pub(super) purpose: String,
    #[serde(default)]
    pub(super) plate: Option<String>,
    pub(super) valid_from: DateTime<Utc>,
    pub(super) valid_until: DateTime<Utc>,
    pub(super) max_entries: u32,
    pub(super) entries_used: u32,
    #[serde(default)]
    pub(super) revoked_at: Option<DateTime<Utc>>,
    /// A recurring pass's schedule (migration 0012).
    #[serde(default)]
    pub(super) schedule: Option<Schedule>,
    #[serde(default)]
    pub(super) paused_at: Option<DateTime<Utc>>,
    /// Who made it when not the host: a butler, for an elder.
    #[serde(default)]
    pub(super) created_by: Option<UserId>,
    pub(super) created_at: DateTime<Utc>,
    pub(super) unit_number: String,
    pub(super) building_number: String,
    pub(super) building_name: String,
    pub(super) community_name: String,
    #[serde(default)]
    pub(super) community_address: String,
}

#[derive(Deserialize)]
pub(super) struct EntryRow {
    pub(super) id: PassEntryId,
    #[serde(default)]
    pub(super) pass: Option<PassId>,
    pub(super) gate: String,
    pub(super) guard_name: String,
    pub(super) at: DateTime<Utc>,
    #[serde(default)]
    pub(super) visitor_name: Option<String>,
    #[serde(default)]
    pub(super) walk_in_name: Option<String>,
    #[serde(default)]
    pub(super) unit_number: Option<String>,
    #[serde(default)]
    pub(super) building_name: Option<String>,
    #[serde(default)]
    pub(super) plate: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct WalkInRow {
    pub(super) id: WalkInId,
    pub(super) community: CommunityId,
    pub(super) building: BuildingId,
    pub(super) unit: UnitId,
    pub(super) guard: UserId,
    pub(super) visitor_name: String,
    #[serde(default)]
    pub(super) visitor_phone: Option<String>,
    #[serde(default)]
    pub(super) purpose: String,
    pub(super) gate: String,
    pub(super) status: WalkInStatus,
    #[serde(default)]
    pub(super) decided_by_name: Option<String>,
    pub(super) created_at: DateTime<Utc>,
    pub(super) unit_number: String,
    pub(super) building_number: String,
    pub(super) building_name: String,
}

#[derive(Deserialize)]
pub(super) struct UnitPlace {
    pub(super) id: UnitId,
    pub(super) community: CommunityId,
    pub(super) building: BuildingId,
    pub(super) number: String,
    pub(super) building_number: String,
    pub(super) building_name: String,
}

impl PassRow {
    pub(super) fn facts(&self) -> PassFacts {
        PassFacts {
            valid_from: self.valid_from,
            valid_until: self.valid_until,
            max_entries: self.max_entries,
            entries_used: self.entries_used,
            revoked: self.revoked_at.is_some(),
            paused: self.paused_at.is_some(),
        }
    }

    /// Why the pass does not open the gate at `now` (`None`: it does).
    pub(super) fn reason(&self, now: DateTime<Utc>) -> Option<Reason> {
        pass::check_with(self.facts(), self.schedule.as_ref(), now).err()
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

    pub(super) fn view(&self, entries: Vec<Entry>, now: DateTime<Utc>) -> Pass {
        Pass {
            id: String::from(self.id.clone()),
            visitor_name: self.visitor_name.clone(),
            visitor_phone: self.visitor_phone.as_deref().map(phone::mask),
            purpose: self.purpose.clone(),
            plate: self.plate.clone(),
            unit: self.unit_ref(),
            valid_from: self.valid_from,
            valid_until: self.valid_until,
            max_entries: self.max_entries,
            entries_used: self.entries_used,
            revoked: self.revoked_at.is_some(),
            reason: self.reason(now),
            entries,
            created_at: self.created_at,
            schedule: self.schedule.clone(),
            paused: self.paused_at.is_some(),
            next_window: self.schedule.as_ref().and_then(|s| s.current_or_next(now)),
            for_elder: self.created_by.is_some(),
        }
    }
}

pub(super) fn entry_view(e: EntryRow) -> Entry {
    Entry {
        id: String::from(e.id),
        gate: e.gate,
        guard: e.guard_name,
        at: e.at,
        visitor_name: e.visitor_name.or(e.walk_in_name),
        plate: e.plate,
        unit: match (e.building_name, e.unit_number) {
            (Some(b), Some(u)) => Some(unit_label(&b, &u)),
            _ => None,
        },
    }
}

impl Backend {
    pub(super) async fn load_pass(&self, id: &str) -> Result<Option<PassRow>> {
        if !ids::is_plausible_key(id) {
            return Ok(None);
        }
        let mut res = run(self.db.query(LOAD_PASS).bind(("id", PassId::record_of(id)))).await?;
        row(&mut res, 0)
    }

    /// The gate entries of `pass_ids`, each with its pass's key, oldest
    /// first within a pass. Read [`IN_LIST_MAX`] passes at a time so that
    /// every read goes through `pass_entry_pass` (a longer `IN` list scans
    /// every entry ever stored); no passes, no query.
    pub(super) async fn entries_of(&self, pass_ids: &[String]) -> Result<Vec<(String, Entry)>> {
        let mut entries = Vec::new();
        for chunk in pass_ids.chunks(IN_LIST_MAX) {
            let mut res = run(self.db.query(ENTRIES_OF).bind(("passes", PassId::records_of(chunk)))).await?;
            entries.extend(
                rows::<EntryRow>(&mut res, 0)?
                    .into_iter()
                    .map(|e| (e.pass.clone().map(String::from).unwrap_or_default(), entry_view(e))),
            );
        }
        Ok(entries)
    }
}

// ---- Queries ----

use crate::notify::subscribe_message_create;

/// Used by `find_pass` (passes/gate.rs).
pub(crate) const PASS_BY_TOKEN: &str = concat!(pass_select!(), " FROM pass WHERE token_hash = $h0 AND community = $c");

/// The passes of a code's two hashes (`$h0` keyed, `$h1` legacy; see
/// `codes::code_hash_pair`) as two lookups of `pass_code`: written `code_hash
/// IN $h`, SurrealDB 3.3 bounds the compound index by the community only
/// and reads every pass the community ever had (with `ORDER BY valid_until
/// DESC` it took `pass_community_until` backward instead: on SurrealKV a
/// backward scan walks the write buffer from its end, 1-2 s a guard's
/// admit on the generated database).
macro_rules! code_lookup {
    () => {
        "((community = $c AND code_hash = $h0) OR (community = $c AND code_hash = $h1))"
    };
}

/// Used by `find_pass` (passes/gate.rs): see `code_lookup!`; the caller
/// takes the latest valid.
pub(crate) const PASS_BY_CODE: &str = concat!(pass_select!(), " FROM pass WHERE ", code_lookup!());

/// Used by `admit` (passes/gate.rs).
pub(crate) const ADMIT: &str = concat!(
    "BEGIN TRANSACTION;
             LET $won = (UPDATE $pass SET entries_used = entries_used + 1
                 WHERE (recurring = true OR entries_used < max_entries) AND revoked_at = NONE
                   AND paused_at = NONE AND valid_from <= $now AND valid_until > $now RETURN AFTER);
             IF array::len($won) = 0 { THROW 'refused' };
             CREATE $entry SET community = $community, pass = $pass, unit = $unit, gate = $gate,
                 guard = $guard, at = $now;",
    subscribe_message_create!(),
    "COMMIT TRANSACTION;"
);

/// Used by `expected_today` (passes/gate.rs).
pub(crate) const EXPECTED_TODAY: &str = concat!(
    pass_select!(),
    " FROM pass WHERE community = $c AND valid_until > $now AND valid_from <= $end
                   AND revoked_at = NONE AND paused_at = NONE
                   AND (recurring = true OR entries_used < max_entries) ORDER BY valid_from"
);

/// Used by `entry_log` (passes/gate.rs).
pub(crate) const ENTRY_LOG: &str =
    "SELECT id, pass, gate, guard.name AS guard_name, at, pass.visitor_name AS visitor_name,
                        walk_in.visitor_name AS walk_in_name, pass.plate AS plate,
                        unit.number AS unit_number, unit.building.name AS building_name
                 FROM pass_entry WHERE community = $c AND ($gate = NONE OR gate = $gate)
                   AND ($from = NONE OR at >= $from) AND ($to = NONE OR at < $to)
                   AND ($at = NONE OR at < $at OR (at = $at AND id < $after))
                 ORDER BY at DESC, id DESC LIMIT $fetch";

/// Used by `gate_units` (passes/gate.rs).
pub(crate) const GATE_UNITS: &str = "SELECT id, community, building, number, building.number AS building_number,
                        building.name AS building_name FROM unit WHERE community = $c";

/// Used by `create_pass` (passes/mod.rs): passes still usable with a
/// code's hashes (see `code_lookup!`).
pub(crate) const LIVE_CODE_HASHES: &str =
    concat!("SELECT id FROM pass WHERE ", code_lookup!(), " AND valid_until > $now");

/// Used by `create_pass` (passes/mod.rs).
pub(crate) const CREATE_PASS: &str =
    "CREATE $pass SET community = $community, building = $building, unit = $unit, host = $host,
                     visitor_name = $name, visitor_phone = $phone, purpose = $purpose, plate = $plate,
                     valid_from = $from, valid_until = $until, max_entries = $max, entries_used = 0,
                     token_hash = $token_hash, code_hash = $code_hash, created_at = $now,
                     schedule = $schedule, recurring = $schedule != NONE, created_by = $by";

/// Used by `my_passes` (passes/mod.rs).
pub(crate) const MY_PASSES: &str = concat!(
    pass_select!(),
    " FROM pass WHERE unit = $unit
                   AND ($at = NONE OR created_at < $at OR (created_at = $at AND id < $after))
                 ORDER BY created_at DESC, id DESC LIMIT $fetch"
);

/// Used by `revoke_pass` (passes/mod.rs).
pub(crate) const REVOKE_PASS: &str = "UPDATE $pass SET revoked_at = revoked_at ?? time::now()";

/// Used by `pause_pass` and `resume_pass` (passes/recurring.rs): only a
/// recurring pass that is not revoked.
pub(crate) const SET_PAUSED: &str = "UPDATE $pass SET paused_at = IF $paused THEN paused_at ?? $now ELSE NONE END
                 WHERE recurring = true AND revoked_at = NONE";

/// Used by `elder_home` (passes/recurring.rs): an elder living in a unit.
pub(crate) const ELDER_OF_UNIT: &str = "SELECT id FROM user WHERE unit = $u AND community = $c AND role = 'resident'
                 AND elder_mode = true AND active = true LIMIT 1";

/// Used by `long_term_passes` (passes/recurring.rs): the community's
/// recurring passes still to run, newest first, a page at a time.
pub(crate) const LONG_TERM_PASSES: &str = concat!(
    pass_select!(),
    " FROM pass WHERE community = $c AND recurring = true AND revoked_at = NONE AND valid_until > $now
                   AND ($at = NONE OR created_at < $at OR (created_at = $at AND id < $after))
                   AND ($buildings = NONE OR building IN $buildings)
                 ORDER BY created_at DESC, id DESC LIMIT $fetch"
);

/// Used by `visitor_view` (passes/mod.rs).
pub(crate) const VISITOR_VIEW: &str = concat!(pass_select!(), " FROM pass WHERE token_hash = $h");

/// Used by `purge_visitors` (passes/mod.rs).
pub(crate) const PURGE_VISITORS: &str =
    "UPDATE pass SET visitor_name = '（已清除）', visitor_phone = NONE, plate = NONE, purpose = '',
                     purged = true WHERE purged = false AND valid_until < $cutoff;
                 UPDATE walk_in SET visitor_name = '（已清除）', visitor_phone = NONE, purpose = '', purged = true
                     WHERE purged = false AND created_at < $cutoff;
                 DELETE notification WHERE template = 'visitor_arrived' AND created_at < $cutoff;";

/// Used by `load_pass` (passes/store.rs).
pub(crate) const LOAD_PASS: &str = concat!(pass_select!(), " FROM $id");

/// Used by `entries_of` (passes/store.rs), [`IN_LIST_MAX`] passes at a time.
pub(crate) const ENTRIES_OF: &str = "SELECT id, pass, gate, guard.name AS guard_name, at FROM pass_entry
                 WHERE pass IN $passes ORDER BY at";

/// Used by `load_walk_in` (passes/walk_ins.rs).
pub(crate) const LOAD_WALK_IN: &str = "SELECT *, decided_by.name AS decided_by_name, unit.number AS unit_number,
                        building.number AS building_number, building.name AS building_name
                 FROM $id";

/// Used by `register_walk_in` (passes/walk_ins.rs).
pub(crate) const UNIT_AT_GATE: &str = "SELECT id, community, building, number, building.number AS building_number,
                        building.name AS building_name FROM $u";

/// Used by `register_walk_in` (passes/walk_ins.rs).
pub(crate) const REGISTER_WALK_IN: &str =
    "CREATE $w SET community = $c, building = $b, unit = $u, visitor_name = $name, visitor_phone = $phone,
                     purpose = $purpose, gate = $gate, guard = $guard, status = 'pending', created_at = $now";

/// Used by `decide_walk_in` (passes/walk_ins.rs).
pub(crate) const DECIDE_WALK_IN: &str = "BEGIN TRANSACTION;
                 LET $won = (UPDATE $w SET status = $status, decided_by = $me, decided_at = $now
                     WHERE status = 'pending' RETURN AFTER);
                 IF array::len($won) = 0 { THROW 'decided' };
                 IF $approve {
                     CREATE pass_entry SET community = $c, walk_in = $w, unit = $u, gate = $gate,
                         guard = $guard, at = $now
                 };
                 COMMIT TRANSACTION;";

/// Used by `walk_ins` (passes/walk_ins.rs).
pub(crate) const WALK_INS_OF_UNIT: &str = "SELECT *, decided_by.name AS decided_by_name, unit.number AS unit_number,
                                building.number AS building_number, building.name AS building_name
                         FROM walk_in WHERE unit = $u AND created_at > $since ORDER BY created_at DESC";

/// Used by `walk_ins` (passes/walk_ins.rs).
pub(crate) const WALK_INS_OF_COMMUNITY: &str =
    "SELECT *, decided_by.name AS decided_by_name, unit.number AS unit_number,
                                building.number AS building_number, building.name AS building_name
                         FROM walk_in WHERE community = $c AND created_at > $since ORDER BY created_at DESC";

/// Every query of this store, by name, for the check that runs each
/// against a migrated database (`crate::queries_check`).
#[cfg(test)]
pub(crate) const ALL: &[(&str, &str)] = &[
    ("PASS_BY_TOKEN", PASS_BY_TOKEN),
    ("PASS_BY_CODE", PASS_BY_CODE),
    ("ADMIT", ADMIT),
    ("EXPECTED_TODAY", EXPECTED_TODAY),
    ("ENTRY_LOG", ENTRY_LOG),
    ("GATE_UNITS", GATE_UNITS),
    ("LIVE_CODE_HASHES", LIVE_CODE_HASHES),
    ("CREATE_PASS", CREATE_PASS),
    ("MY_PASSES", MY_PASSES),
    ("REVOKE_PASS", REVOKE_PASS),
    ("SET_PAUSED", SET_PAUSED),
    ("ELDER_OF_UNIT", ELDER_OF_UNIT),
    ("LONG_TERM_PASSES", LONG_TERM_PASSES),
    ("VISITOR_VIEW", VISITOR_VIEW),
    ("PURGE_VISITORS", PURGE_VISITORS),
    ("LOAD_PASS", LOAD_PASS),
    ("ENTRIES_OF", ENTRIES_OF),
    ("LOAD_WALK_IN", LOAD_WALK_IN),
    ("UNIT_AT_GATE", UNIT_AT_GATE),
    ("REGISTER_WALK_IN", REGISTER_WALK_IN),
    ("DECIDE_WALK_IN", DECIDE_WALK_IN),
    ("WALK_INS_OF_UNIT", WALK_INS_OF_UNIT),
    ("WALK_INS_OF_COMMUNITY", WALK_INS_OF_COMMUNITY),
];
