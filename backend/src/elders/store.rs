//! The elders store: the rows as stored and their projections, and the queries, each a named static
//! SurrealQL string with bound parameters (`$name`), never formatted.
//! Rules and orchestration are in the parent module.

use super::*;

#[derive(Deserialize)]
pub(crate) struct ResidentRow {
    pub(crate) id: UserId,
    pub(crate) name: String,
    pub(crate) phone: String,
    pub(crate) elder_mode: bool,
    #[serde(default)]
    pub(crate) emergency_contacts: Vec<EmergencyContact>,
    pub(crate) community: CommunityId,
    pub(crate) unit: UnitId,
    pub(crate) unit_number: String,
    pub(crate) building: BuildingId,
    pub(crate) building_number: String,
    pub(crate) building_name: String,
    /// The visit schedule in days; `None`: weekly.
    #[serde(default)]
    pub(crate) visit_every_days: Option<i64>,
    /// When they became an elder (or, before that was kept, joined).
    pub(crate) since: DateTime<Utc>,
    /// Their latest regular visit.
    #[serde(default)]
    pub(crate) last_visit: Option<DateTime<Utc>>,
}

#[derive(Deserialize)]
pub(super) struct VisitRow {
    pub(super) id: ElderVisitId,
    pub(super) visited_at: DateTime<Utc>,
    pub(super) mode: VisitMode,
    pub(super) condition: ElderCondition,
    #[serde(default)]
    pub(super) note: String,
    #[serde(default)]
    pub(super) follow_up: String,
    pub(super) by: UserId,
    pub(super) by_name: String,
    pub(super) due: String,
    pub(super) on_time: bool,
    pub(super) recorded_at: DateTime<Utc>,
}

#[derive(Deserialize)]
pub(super) struct ScheduleRow {
    #[serde(default)]
    pub(super) visit_every_days: Option<i64>,
    pub(super) since: DateTime<Utc>,
    #[serde(default)]
    pub(super) last_visit: Option<DateTime<Utc>>,
}

#[derive(Deserialize)]
pub(super) struct CheckInRow {
    pub(super) elder: UserId,
    pub(super) at: DateTime<Utc>,
}

#[derive(Deserialize)]
pub(super) struct FollowUpRow {
    pub(super) elder: UserId,
    pub(super) result: CheckInResult,
    #[serde(default)]
    pub(super) note: String,
    pub(super) by_name: String,
    pub(super) at: DateTime<Utc>,
}

#[derive(Deserialize)]
pub(super) struct DeadlineRow {
    #[serde(default)]
    pub(super) check_in_by: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct ButlerRow {
    #[serde(default)]
    pub(super) id: Option<UserId>,
    #[serde(default)]
    pub(super) name: Option<String>,
    #[serde(default)]
    pub(super) phone: Option<String>,
}

/// The standing of a stored schedule (a stored value out of range, which
/// the schema refuses, reads as the default).
pub(crate) fn schedule_status(
    every_days: Option<i64>,
    since: DateTime<Utc>,
    last_visit: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> VisitStatus {
    let every = every_days.and_then(visit_interval).unwrap_or(DEFAULT_VISIT_EVERY_DAYS);
    VisitStatus::at(every, last_visit, since, now)
}

impl VisitRow {
    pub(super) fn view(self) -> ElderVisit {
        ElderVisit {
            id: String::from(self.id),
            visited_at: self.visited_at,
            mode: self.mode,
            condition: self.condition,
            note: self.note,
            follow_up: self.follow_up,
            by: PersonRef { id: String::from(self.by), name: self.by_name },
            due: NaiveDate::parse_from_str(&self.due, "%Y-%m-%d").unwrap_or_else(|_| local_date(self.visited_at)),
            on_time: self.on_time,
            recorded_at: self.recorded_at,
        }
    }
}

impl ResidentRow {
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

    /// The visit schedule's standing at `now` (`linli_model::help`'s rule).
    pub(crate) fn visit_status(&self, now: DateTime<Utc>) -> VisitStatus {
        schedule_status(self.visit_every_days, self.since, self.last_visit, now)
    }

    pub(super) fn scope(&self) -> Scope<'_> {
        Scope {
            community: self.community.key(),
            building: Some(self.building.key()),
            unit: Some(self.unit.key()),
            assignee: None,
        }
    }
}

/// Used by `check_in_deadline` (elders/mod.rs).
pub(crate) const CHECK_IN_DEADLINE: &str = "SELECT help.check_in_by AS check_in_by FROM $c";

/// The projection of a resident as the elders list shows them.
macro_rules! elder_select {
    () => {
        "SELECT id, name, phone, elder_mode, emergency_contacts, community, unit,
                        unit.number AS unit_number, unit.building AS building, unit.building.number AS building_number,
                        unit.building.name AS building_name, visit_every_days, elder_since ?? created_at AS since,
                        last_visit_at AS last_visit FROM user"
    };
}

/// Used by `elders` (elders/mod.rs): the community's elders, through
/// `user_community_elder` alone (`WITH INDEX`: the planner also
/// intersected `user_community_role`, every resident), a butler's in
/// their buildings.
pub(crate) const ELDERS: &str = concat!(
    elder_select!(),
    " WITH INDEX user_community_elder
                 WHERE community = $community AND elder_mode = true AND role = 'resident' AND active = true
                   AND ($butler = false OR unit.building IN $buildings)"
);

/// Used by `elders` (elders/mod.rs) with `all`: every resident of the
/// community (or a butler's buildings), to turn elder mode on for one.
pub(crate) const RESIDENTS: &str = concat!(
    elder_select!(),
    " WHERE community = $community AND role = 'resident' AND active = true
                   AND ($butler = false OR unit.building IN $buildings)"
);

/// Used by `elders` (elders/mod.rs): the community's check-ins of a day,
/// through `check_in_community_day` (by elder, `check_in_day` would be
/// read by its first field only: every check-in the elder ever made).
pub(crate) const CHECK_INS_OF_DAY: &str = "SELECT elder, at FROM check_in WHERE community = $c AND day = $day";

/// Used by `elders` (elders/mod.rs): the community's check-in follow-ups
/// of a day, through `check_in_follow_up_community_day` (by elder, an `IN`
/// list reads each elder's every follow-up: see migration 0027).
pub(crate) const FOLLOW_UPS_OF_DAY: &str = "SELECT elder, result, note, by.name AS by_name, at FROM check_in_follow_up
                     WHERE community = $c AND day = $day";

/// Used by `elders` (elders/mod.rs), [`crate::record::IN_LIST_MAX`] elders at
/// a time: their paired help buttons, in no order (the caller sorts them,
/// latest used first: ordered by the index, each elder's range would be
/// scanned backward, about 13 ms each on SurrealKV's generated database).
pub(crate) const DEVICES_OF: &str =
    "SELECT * FROM help_device WHERE elder IN $ids AND revoked_at = NONE AND expires_at > $now";

/// Used by `resident_in_reach` (elders/mod.rs).
pub(crate) const RESIDENT_IN_REACH: &str = concat!(
    "SELECT id, name, phone, elder_mode, emergency_contacts, community, unit,
                        unit.number AS unit_number, unit.building AS building, unit.building.number AS building_number,
                        unit.building.name AS building_name, visit_every_days, elder_since ?? created_at AS since,
                        last_visit_at AS last_visit FROM user",
    " WHERE id = $id AND role = 'resident' AND unit != NONE"
);

/// Used by `set_elder` (elders/mod.rs). Switching elder mode on starts
/// the visit schedule's clock (kept if already set).
pub(crate) const SET_ELDER: &str = "UPDATE $id SET elder_mode = $on, emergency_contacts = $contacts,
                     elder_since = IF $on THEN elder_since ?? $now ELSE NONE END";

/// Used by `record_check_in_follow_up` (elders/mod.rs).
pub(crate) const RECORD_CHECK_IN_FOLLOW_UP: &str =
    "UPSERT check_in_follow_up SET community = $community, elder = $elder, day = $day, result = $result,
                     note = $note, by = $by, at = $now
                 WHERE elder = $elder AND day = $day";

/// Used by `elder_home` (elders/mod.rs).
pub(crate) const ELDER_HOME: &str = "SELECT butler AS id, butler.name AS name, butler.phone AS phone FROM $b;
                 SELECT VALUE at FROM check_in WHERE elder = $me AND day = $day;
                 SELECT visit_every_days, elder_since ?? created_at AS since,
                     last_visit_at AS last_visit FROM $me;";

/// Used by `record_visit` (elders/visits.rs): the latest visit before the
/// one being recorded (a back-dated visit is judged against the one before it).
pub(crate) const VISIT_BEFORE: &str =
    "SELECT VALUE visited_at FROM elder_visit WHERE elder = $elder AND visited_at <= $at
                     ORDER BY visited_at DESC LIMIT 1";

/// Used by `record_visit` (elders/visits.rs).
pub(crate) const RECORD_VISIT: &str = "CREATE $id SET community = $community, building = $building, elder = $elder,
                     by = $by, visited_at = $at, recorded_at = $now, mode = $mode, condition = $condition,
                     note = $note, follow_up = $follow_up, due = $due, on_time = $on_time";

/// Used by `record_visit` and `elder_visits` (elders/visits.rs).
pub(crate) const VISIT_BY_ID: &str = "SELECT id, visited_at, mode, condition, note, follow_up, by, by.name AS by_name,
                     due, on_time, recorded_at FROM $id";

/// Used by `elder_visits` (elders/visits.rs): the log, newest first, paged
/// by the keyset `(visited_at, id)` (`$at`, `$after`: the cursor, or NONE).
pub(crate) const VISITS_OF_ELDER: &str =
    "SELECT id, visited_at, mode, condition, note, follow_up, by, by.name AS by_name,
                     due, on_time, recorded_at FROM elder_visit
                     WHERE elder = $elder
                       AND ($at = NONE OR visited_at < $at OR (visited_at = $at AND id < $after))
                     ORDER BY visited_at DESC, id DESC LIMIT $fetch";

/// Used by `set_visit_schedule` (elders/visits.rs).
pub(crate) const SET_VISIT_SCHEDULE: &str = "UPDATE $id SET visit_every_days = $every";

/// Every query of this store, by name, for the check that runs each
/// against a migrated database (`crate::queries_check`).
#[cfg(test)]
pub(crate) const ALL: &[(&str, &str)] = &[
    ("CHECK_IN_DEADLINE", CHECK_IN_DEADLINE),
    ("ELDERS", ELDERS),
    ("RESIDENTS", RESIDENTS),
    ("CHECK_INS_OF_DAY", CHECK_INS_OF_DAY),
    ("FOLLOW_UPS_OF_DAY", FOLLOW_UPS_OF_DAY),
    ("DEVICES_OF", DEVICES_OF),
    ("RESIDENT_IN_REACH", RESIDENT_IN_REACH),
    ("SET_ELDER", SET_ELDER),
    ("RECORD_CHECK_IN_FOLLOW_UP", RECORD_CHECK_IN_FOLLOW_UP),
    ("ELDER_HOME", ELDER_HOME),
    ("VISIT_BEFORE", VISIT_BEFORE),
    ("RECORD_VISIT", RECORD_VISIT),
    ("VISIT_BY_ID", VISIT_BY_ID),
    ("VISITS_OF_ELDER", VISITS_OF_ELDER),
    ("SET_VISIT_SCHEDULE", SET_VISIT_SCHEDULE),
];
