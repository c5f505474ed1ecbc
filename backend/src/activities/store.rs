//! The queries of activities: each a named, static SurrealQL string with bound
//! parameters (`$name`), never formatted.

/// Used by `create_activity` (activities.rs).
pub(crate) const CREATE_ACTIVITY: &str =
    "CREATE $a SET community = $c, author = $me, title = $title, description = $description,
                     place = $place, starts_at = $starts, ends_at = $ends, capacity = $capacity,
                     rsvp_deadline = $deadline, going = 0, created_at = time::now()";

/// Used by `activities` (activities.rs).
pub(crate) const ACTIVITIES: &str =
    concat!(activity_select!(), " WHERE community = $c AND ends_at > $since ORDER BY starts_at LIMIT 100");

/// Used by `load_activity` (activities.rs).
pub(crate) const LOAD_ACTIVITY: &str = concat!(activity_select!(), " WHERE id = type::record('activity', $id)");

/// Used by `rsvp` (activities.rs).
pub(crate) const RSVP: &str = "BEGIN TRANSACTION;
                     LET $act = (SELECT capacity, going FROM ONLY $a);
                     LET $prev = (SELECT * FROM rsvp WHERE activity = $a AND user = $me)[0];
                     LET $freed = IF $prev.status = 'going' { $prev.headcount } ELSE { 0 };
                     LET $status = IF $act.going - $freed + $n <= $act.capacity { 'going' } ELSE { 'waitlisted' };
                     UPDATE $a SET going = going - $freed + (IF $status = 'going' { $n } ELSE { 0 });
                     UPSERT rsvp SET activity = $a, user = $me, unit = $unit, headcount = $n, status = $status,
                         queued_at = IF $prev.status = 'waitlisted' AND $status = 'waitlisted' { $prev.queued_at } ELSE { time::now() },
                         updated_at = time::now()
                         WHERE activity = $a AND user = $me;
                     COMMIT TRANSACTION;";

/// Used by `rsvp` (activities.rs).
pub(crate) const RSVP_2: &str = "SELECT VALUE status FROM rsvp WHERE activity = $a AND user = $me";

/// Used by `cancel_rsvp` (activities.rs).
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

/// Used by `cancel_rsvp` (activities.rs).
pub(crate) const CANCEL_RSVP_2: &str =
    "SELECT user FROM rsvp WHERE activity = $a AND status = 'going' AND updated_at = $now";

/// Used by `attendees` (activities.rs).
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
    ("RSVP_2", RSVP_2),
    ("CANCEL_RSVP", CANCEL_RSVP),
    ("CANCEL_RSVP_2", CANCEL_RSVP_2),
    ("ATTENDEES", ATTENDEES),
];
