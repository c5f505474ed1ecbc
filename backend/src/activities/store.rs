//! The activities store: the rows as stored and their projections, and the queries, each a named static
//! SurrealQL string with bound parameters (`$name`), never formatted.
//! Rules and orchestration are in the parent module.

use super::*;

macro_rules! activity_select {
    () => {
        "SELECT *,
                { LET $of = id; RETURN math::sum((SELECT VALUE headcount FROM rsvp WHERE activity = $of AND status = 'waitlisted')); } AS waitlisted,
                { LET $of = id; RETURN (SELECT VALUE status FROM rsvp WHERE activity = $of AND user = $me AND status != 'cancelled')[0]; } AS my_status,
                { LET $of = id; RETURN (SELECT VALUE headcount FROM rsvp WHERE activity = $of AND user = $me AND status != 'cancelled')[0]; } AS my_headcount
         FROM activity"
    };
}

#[derive(Deserialize)]
pub(super) struct ActivityRow {
    pub(super) id: ActivityId,
    pub(super) community: CommunityId,
    pub(super) title: String,
    pub(super) description: String,
    pub(super) place: String,
    pub(super) starts_at: DateTime<Utc>,
    pub(super) ends_at: DateTime<Utc>,
    pub(super) capacity: u32,
    pub(super) going: u32,
    #[serde(default)]
    pub(super) rsvp_deadline: Option<DateTime<Utc>>,
    #[serde(default)]
    pub(super) waitlisted: u32,
    #[serde(default)]
    pub(super) my_status: Option<RsvpState>,
    #[serde(default)]
    pub(super) my_headcount: Option<u32>,
}

#[derive(Deserialize)]
pub(super) struct AttendeeRow {
    pub(super) name: String,
    pub(super) phone: String,
    #[serde(default)]
    pub(super) unit_number: Option<String>,
    #[serde(default)]
    pub(super) building_name: Option<String>,
    pub(super) headcount: u32,
    pub(super) status: RsvpState,
    pub(super) queued_at: DateTime<Utc>,
}

#[derive(Deserialize)]
pub(super) struct Promoted {
    pub(super) user: UserId,
}

impl ActivityRow {
    pub(super) fn view(self, now: DateTime<Utc>) -> Activity {
        let rsvp_open = now < self.rsvp_deadline.unwrap_or(self.starts_at);
        Activity {
            id: String::from(self.id),
            title: self.title,
            description: self.description,
            place: self.place,
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            capacity: self.capacity,
            going: self.going,
            waitlisted: self.waitlisted,
            rsvp_deadline: self.rsvp_deadline,
            my_status: self.my_status,
            my_headcount: self.my_headcount,
            rsvp_open,
        }
    }
}

/// Used by `create_activity` (activities/mod.rs).
pub(crate) const CREATE_ACTIVITY: &str =
    "CREATE $a SET community = $c, author = $me, title = $title, description = $description,
                     place = $place, starts_at = $starts, ends_at = $ends, capacity = $capacity,
                     rsvp_deadline = $deadline, going = 0, created_at = $now";

/// Used by `activities_page` (activities/mod.rs): soonest first, after the
/// keyset cursor `($at, $after)` on `(starts_at, id)`. Read through
/// `activity_community_ends` (the events not yet ended, then sorted): the
/// planner would otherwise take `activity_community` for the order and
/// read every event the community ever held.
pub(crate) const ACTIVITIES: &str = concat!(
    activity_select!(),
    " WITH INDEX activity_community_ends WHERE community = $c AND ends_at > $since
        AND ($at = NONE OR starts_at > $at OR (starts_at = $at AND id > $after))
      ORDER BY starts_at ASC, id ASC LIMIT $fetch"
);

/// Used by `load_activity` (activities/mod.rs).
pub(crate) const LOAD_ACTIVITY: &str = concat!(activity_select!(), " WHERE id = $id");

/// Used by `rsvp` (activities/mod.rs).
pub(crate) const RSVP: &str = "BEGIN TRANSACTION;
                     LET $act = (SELECT capacity, going FROM ONLY $a);
                     LET $prev = (SELECT * FROM rsvp WHERE activity = $a AND user = $me)[0];
                     LET $freed = IF $prev.status = 'going' { $prev.headcount } ELSE { 0 };
                     LET $status = IF $act.going - $freed + $n <= $act.capacity { 'going' } ELSE { 'waitlisted' };
                     UPDATE $a SET going = going - $freed + (IF $status = 'going' { $n } ELSE { 0 });
                     UPSERT rsvp SET activity = $a, user = $me, unit = $unit, headcount = $n, status = $status,
                         queued_at = IF $prev.status = 'waitlisted' AND $status = 'waitlisted' { $prev.queued_at } ELSE { $now },
                         updated_at = $now
                         WHERE activity = $a AND user = $me;
                     COMMIT TRANSACTION;";

/// Used by `rsvp` (activities/mod.rs).
pub(crate) const MY_RSVP_STATUS: &str = "SELECT VALUE status FROM rsvp WHERE activity = $a AND user = $me";

/// Used by `cancel_rsvp` (activities/mod.rs).
pub(crate) const CANCEL_RSVP: &str = "BEGIN TRANSACTION;
                     LET $prev = (SELECT * FROM rsvp WHERE activity = $a AND user = $me AND status != 'cancelled')[0];
                     IF $prev = NONE { THROW 'none' };
                     UPDATE $prev.id SET status = 'cancelled', updated_at = $now;
                     IF $prev.status = 'going' { UPDATE $a SET going = going - $prev.headcount };
                     FOR $w IN (SELECT * FROM rsvp WHERE activity = $a AND status = 'waitlisted' ORDER BY queued_at) {
                         LET $act = (SELECT capacity, going FROM ONLY $a);
                         IF $act.going + $w.headcount <= $act.capacity {
                             UPDATE $w.id SET status = 'going', updated_at = $now;
                             UPDATE $a SET going = going + $w.headcount;
                         };
                     };
                     COMMIT TRANSACTION;";

/// Used by `cancel_rsvp` (activities/mod.rs).
pub(crate) const PROMOTED_FROM_WAITLIST: &str =
    "SELECT user FROM rsvp WHERE activity = $a AND status = 'going' AND updated_at = $now";

/// Used by `attendees` (activities/mod.rs).
pub(crate) const ATTENDEES: &str = "SELECT user.name AS name, user.phone AS phone, unit.number AS unit_number,
                        unit.building.name AS building_name, headcount, status, queued_at
                 FROM rsvp WHERE activity = $a AND status != 'cancelled' ORDER BY queued_at";

/// Every query of this store, by name, for the check that runs each
/// against a migrated database (`crate::queries_check`).
#[cfg(test)]
pub(crate) const ALL: &[(&str, &str)] = &[
    ("CREATE_ACTIVITY", CREATE_ACTIVITY),
    ("ACTIVITIES", ACTIVITIES),
    ("LOAD_ACTIVITY", LOAD_ACTIVITY),
    ("RSVP", RSVP),
    ("MY_RSVP_STATUS", MY_RSVP_STATUS),
    ("CANCEL_RSVP", CANCEL_RSVP),
    ("PROMOTED_FROM_WAITLIST", PROMOTED_FROM_WAITLIST),
    ("ATTENDEES", ATTENDEES),
];
