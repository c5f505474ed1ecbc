//! The scorecards store: the rows as stored and their projections, and the queries, each a named static
//! SurrealQL string with bound parameters (`$name`), never formatted.
//! Rules and orchestration are in the parent module.

use super::*;
use linli_model::{repair::JobStatus, scorecard::JobFacts};

#[derive(Deserialize)]
pub(super) struct ButlerRow {
    pub(super) id: UserId,
    pub(super) name: String,
    #[serde(default)]
    pub(super) phone: String,
}

#[derive(Deserialize)]
pub(super) struct JobRow {
    #[serde(default)]
    pub(super) owner: Option<UserId>,
    pub(super) created_at: DateTime<Utc>,
    pub(super) respond_secs: i64,
    pub(super) resolve_secs: i64,
    #[serde(default)]
    pub(super) responded_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub(super) resolved_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub(super) held_secs: i64,
    #[serde(default)]
    pub(super) reopen_count: i64,
    pub(super) status: JobStatus,
    /// `None` or `repair` for a repair; complaints and suggestions are
    /// counted apart (`scorecard::complaint_metrics`).
    #[serde(default)]
    pub(super) kind: Option<linli_model::complaint::JobKind>,
    /// How it came in (staff entry, issue 17).
    #[serde(default)]
    pub(super) channel: linli_model::staff_entry::Channel,
    /// The business hours frozen on the job (SLA clock, issue 17).
    #[serde(default)]
    pub(super) business_hours: Option<linli_model::sla::BusinessHours>,
}

#[derive(Deserialize)]
pub(super) struct RatingRow {
    #[serde(default)]
    pub(super) butler: Option<UserId>,
    pub(super) stars: u8,
    pub(super) at: DateTime<Utc>,
    /// The kind of job rated (`None` for a help call).
    #[serde(default)]
    pub(super) kind: Option<linli_model::complaint::JobKind>,
}

impl RatingRow {
    /// A rating of a complaint or suggestion's handling.
    pub(super) fn of_complaint(&self) -> bool {
        self.kind.is_some_and(|k| k != linli_model::complaint::JobKind::Repair)
    }
}

#[derive(Deserialize)]
pub(super) struct BuildingRow {
    pub(super) id: BuildingId,
    #[serde(default)]
    pub(super) butler: Option<UserId>,
}

#[derive(Deserialize)]
pub(super) struct HelpRow {
    pub(super) building: BuildingId,
    pub(super) created_at: DateTime<Utc>,
    #[serde(default)]
    pub(super) acknowledged_at: Option<DateTime<Utc>>,
}

/// An elder with their building and visit schedule.
#[derive(Deserialize)]
pub(super) struct ElderRow {
    pub(super) id: UserId,
    pub(super) building: BuildingId,
    /// Only a resident's schedule counts toward "overdue now".
    pub(super) role: linli_model::Role,
    #[serde(default)]
    pub(super) visit_every_days: Option<i64>,
    pub(super) since: DateTime<Utc>,
    #[serde(default)]
    pub(super) last_visit: Option<DateTime<Utc>>,
}

#[derive(Deserialize)]
pub(super) struct CheckInRow {
    pub(super) elder: UserId,
    /// The Shanghai day checked in (`YYYY-MM-DD`).
    pub(super) day: String,
}

#[derive(Deserialize)]
pub(super) struct VisitRow {
    pub(super) building: BuildingId,
    pub(super) on_time: bool,
    pub(super) visited_at: DateTime<Utc>,
}

/// A timeline step for the hold and urge figures.
#[derive(Deserialize)]
pub(super) struct HoldStepRow {
    #[serde(default)]
    pub(super) owner: Option<UserId>,
    pub(super) action: linli_model::keys::TimelineAction,
    #[serde(default)]
    pub(super) hold_code: Option<linli_model::repair::HoldReason>,
    #[serde(default)]
    pub(super) held_secs: Option<i64>,
    pub(super) at: DateTime<Utc>,
}

impl HoldStepRow {
    /// As a hold step (`None` for an urge).
    pub(super) fn step(&self) -> Option<linli_model::scorecard::HoldStep> {
        let began = self.action == linli_model::keys::TimelineAction::Hold;
        (began || self.held_secs.is_some()).then(|| linli_model::scorecard::HoldStep {
            reason: self.hold_code.unwrap_or(linli_model::repair::HoldReason::Other),
            began,
            held_secs: self.held_secs,
        })
    }
}

#[derive(Deserialize)]
pub(super) struct FollowUpRow {
    #[serde(default)]
    pub(super) butler: Option<UserId>,
    pub(super) created_at: DateTime<Utc>,
    #[serde(default)]
    pub(super) due_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub(super) done_at: Option<DateTime<Utc>>,
}

impl JobRow {
    /// A repair (the scorecard's job figures), not a complaint or suggestion.
    pub(super) fn is_repair(&self) -> bool {
        self.kind.is_none_or(|k| k == linli_model::complaint::JobKind::Repair)
    }

    /// A complaint (suggestions are not counted on the scorecard).
    pub(super) fn is_complaint(&self) -> bool {
        self.kind == Some(linli_model::complaint::JobKind::Complaint)
    }

    pub(super) fn facts(&self) -> JobFacts {
        JobFacts {
            created_at: self.created_at,
            respond_secs: self.respond_secs,
            resolve_secs: self.resolve_secs,
            responded_at: self.responded_at,
            resolved_at: self.resolved_at,
            held_secs: self.held_secs,
            reopen_count: crate::convert::non_negative(self.reopen_count),
            cancelled: self.status == JobStatus::Cancelled,
            business_hours: self.business_hours,
        }
    }
}

/// Used by `scorecard_people` (scorecards/mod.rs): who the cards are
/// about, as they are now: the active butlers, the buildings with their
/// butler, and the elders with their building, visit schedule and latest
/// visit (for "overdue now"). The elders are read through
/// `user_community_elder` alone (`WITH INDEX`): left to itself the planner
/// also intersected `user_unit` for `unit != NONE`, every user of every
/// community with a home (`list_plans`).
pub(crate) const SCORECARD_PEOPLE: &str =
    "SELECT id, name, phone FROM user WHERE community = $c AND role = 'butler' AND active = true ORDER BY name;
                 SELECT id, butler FROM building WHERE community = $c;
                 SELECT id, unit.building AS building, role, visit_every_days,
                        elder_since ?? created_at AS since, last_visit_at AS last_visit
                     FROM user WITH INDEX user_community_elder
                     WHERE community = $c AND elder_mode = true AND active = true AND unit != NONE;";

/// Used by `scorecard_rows` (scorecards/mod.rs): the rows of one stretch
/// of time, instants `[$from, $to)` and check-in days `[$from_day,
/// $to_day)`: jobs reported, ratings given, help calls pressed, check-ins,
/// follow-ups opened, regular visits made, and the timeline steps that
/// began or ended a hold or urged (with the job's owner, any kind of job).
/// For a stretch that is not inside one day (a period with no whole
/// closed day, so two days at most when it ends now); the timeline steps
/// through their community's days from `$from_day` (migration 0029).
pub(crate) const SCORECARD_ROWS: &str = "SELECT owner, created_at, respond_secs, resolve_secs, responded_at, resolved_at, held_secs, reopen_count, status, kind, channel,
                        business_hours
                     FROM repair WHERE community = $c AND created_at >= $from AND created_at < $to;
                 SELECT butler, stars, at, repair.kind AS kind FROM rating WHERE community = $c AND at >= $from AND at < $to;
                 SELECT building, created_at, acknowledged_at FROM help_call
                     WHERE community = $c AND created_at >= $from AND created_at < $to;
                 SELECT elder, day FROM check_in WHERE community = $c AND day >= $from_day AND day < $to_day;
                 SELECT butler, created_at, due_at, done_at FROM follow_up
                     WHERE community = $c AND created_at >= $from AND created_at < $to;
                 SELECT building, on_time, visited_at FROM elder_visit
                     WHERE community = $c AND visited_at >= $from AND visited_at < $to;
                 SELECT repair.owner AS owner, action, hold_code, held_secs, at FROM repair_event
                     WITH INDEX repair_event_community_day
                     WHERE community = $c AND local_day >= $from_day AND at >= $from AND at < $to
                       AND (action IN ['hold', 'urged'] OR held_secs != NONE);";

/// Used by `scorecard_rows` (scorecards/mod.rs) for a stretch inside one
/// Asia/Shanghai day `$local_day` (a period's partial first day, and
/// today): the statements of [`SCORECARD_ROWS`], each read through its
/// table's `(community, local_day)` index (migration 0029, `WITH INDEX`)
/// with both fields equal, which holds exactly the community's rows of
/// that day, and the check-ins of the one day (`$day`, NONE for none) by
/// equality. SurrealDB 3.3 bounds a range on a compound index's second
/// field on one end only (`BTreeAccess::Compound` keeps one range
/// operator): `community = $c AND day >= $a AND day < $b` read every
/// check-in from `$a` to today, 0.24 s for the first day of a year's
/// period on the generated database; the one-field indexes on the
/// instant are bounded on both ends but hold every community's rows.
pub(crate) const SCORECARD_ROWS_OF_A_DAY: &str = "SELECT owner, created_at, respond_secs, resolve_secs, responded_at, resolved_at, held_secs, reopen_count, status, kind, channel,
                        business_hours
                     FROM repair WITH INDEX repair_community_day
                     WHERE community = $c AND local_day = $local_day AND created_at >= $from AND created_at < $to;
                 SELECT butler, stars, at, repair.kind AS kind FROM rating WITH INDEX rating_community_day
                     WHERE community = $c AND local_day = $local_day AND at >= $from AND at < $to;
                 SELECT building, created_at, acknowledged_at FROM help_call WITH INDEX help_call_community_day
                     WHERE community = $c AND local_day = $local_day AND created_at >= $from AND created_at < $to;
                 SELECT elder, day FROM check_in WHERE community = $c AND day = $day;
                 SELECT butler, created_at, due_at, done_at FROM follow_up WITH INDEX follow_up_community_day
                     WHERE community = $c AND local_day = $local_day AND created_at >= $from AND created_at < $to;
                 SELECT building, on_time, visited_at FROM elder_visit WITH INDEX elder_visit_community_day
                     WHERE community = $c AND local_day = $local_day AND visited_at >= $from AND visited_at < $to;
                 SELECT repair.owner AS owner, action, hold_code, held_secs, at FROM repair_event
                     WITH INDEX repair_event_community_day
                     WHERE community = $c AND local_day = $local_day AND at >= $from AND at < $to
                       AND (action IN ['hold', 'urged'] OR held_secs != NONE);";

/// Used by `kept_days` (scorecards/kept.rs): when the kept days of the
/// community were last checked against the rows.
pub(crate) const SCORECARD_MARK: &str = "SELECT VALUE checked_at FROM scorecard_mark WHERE community = $c;";

/// Used by `kept_days` (scorecards/kept.rs): the days whose figures rows
/// changed since `$since` (`changed_at`, stamped on every write by
/// migration 0016): a job's report day and the days of its hold and urge
/// steps (its owner may have changed), a rating's day, a help call's,
/// a follow-up's, a visit's and a check-in's.
pub(crate) const SCORECARD_CHANGED: &str =
    "SELECT VALUE created_at FROM repair WHERE community = $c AND changed_at > $since;
                 SELECT VALUE { LET $of = id; RETURN (SELECT VALUE at FROM repair_event WHERE repair = $of
                        AND (action IN ['hold', 'urged'] OR held_secs != NONE)); }
                     FROM repair WHERE community = $c AND changed_at > $since;
                 SELECT VALUE at FROM rating WHERE community = $c AND changed_at > $since;
                 SELECT VALUE created_at FROM help_call WHERE community = $c AND changed_at > $since;
                 SELECT VALUE created_at FROM follow_up WHERE community = $c AND changed_at > $since;
                 SELECT VALUE visited_at FROM elder_visit WHERE community = $c AND changed_at > $since;
                 SELECT VALUE day FROM check_in WHERE community = $c AND changed_at > $since;";

/// Used by `kept_days` (scorecards/kept.rs): forgets the kept days
/// `$days` and the kept months `$months` holding them (or every kept day
/// and month of the community when `$all`) and moves the community's
/// mark to `$now`, in one transaction: a month is never kept longer than
/// any of its days. Days are deleted by their ids (`[community, day]`),
/// all of them as the community's record range: written as one condition,
/// `$all = true OR day IN $days` read every kept day of every community
/// (170–230 ms a request on the 50-community database, where the repairs
/// duty's writes leave changed rows for almost every request).
pub(crate) const SCORECARD_FORGET: &str = "BEGIN TRANSACTION;
                 IF $all {
                     DELETE scorecard_day:[$c, '0000-01-01']..=[$c, '9999-12-31'];
                     DELETE scorecard_month WHERE community = $c;
                 } ELSE {
                     FOR $d IN $days { DELETE type::record('scorecard_day', [$c, $d]); };
                     DELETE scorecard_month WHERE community = $c AND month IN $months;
                 };
                 UPSERT scorecard_mark SET community = $c, checked_at = $now WHERE community = $c;
                 COMMIT TRANSACTION;";

/// Used by `kept_days` (scorecards/kept.rs): the kept days `[$d0, $d1)`
/// (`'YYYY-MM-DD'`) of community `$c`, read as the record range
/// `scorecard_day:[$c, $d0]..[$c, $d1]`, bounded at both ends (migration
/// 0031). The same condition on `scorecard_day_key` is bounded on one
/// end only in SurrealDB 3.3 and walked every kept day from `$d0` to
/// today.
pub(crate) const SCORECARD_KEPT: &str = "SELECT day, data FROM scorecard_day:[$c, $d0]..[$c, $d1];";

/// Used by `kept_days` (scorecards/kept.rs): keeps the days `$days`
/// (`[{day, data}]`, `data` the day's tallies as JSON) and the months
/// `$months` (`[{month, data}]`, `data` the month's merged tallies),
/// replacing any kept copy.
pub(crate) const SCORECARD_KEEP: &str = "BEGIN TRANSACTION;
                 FOR $d IN $days {
                     UPSERT type::record('scorecard_day', [$c, $d.day])
                         SET community = $c, day = $d.day, data = $d.data, computed_at = $now;
                 };
                 DELETE scorecard_month WHERE community = $c AND month IN $months.month;
                 FOR $m IN $months {
                     CREATE scorecard_month SET community = $c, month = $m.month, data = $m.data, computed_at = $now;
                 };
                 COMMIT TRANSACTION;";

/// Used by `kept_days` (scorecards/kept.rs): the kept months `$months`
/// (`['YYYY-MM']`). SurrealDB 3.3 reads `IN` on a compound index's second
/// field as the walk of the community's entries, filtered: at most one
/// per month of history (36 on the generated database).
pub(crate) const SCORECARD_KEPT_MONTHS: &str =
    "SELECT month, data FROM scorecard_month WHERE community = $c AND month IN $months;";

/// Used by `my_butler` (scorecards/mod.rs).
pub(crate) const BUTLER_OF_BUILDING: &str =
    "SELECT butler.id AS id, butler.name AS name, butler.phone AS phone FROM $b;";

/// Used by `my_butler` (scorecards/mod.rs).
pub(crate) const BUTLER_RATING_FIGURES: &str = "SELECT VALUE stars FROM rating WHERE butler = $butler AND at >= $since
                     AND (repair = NONE OR repair.kind = 'repair');
                 SELECT count() AS n FROM repair WHERE owner = $butler AND kind = 'repair' AND resolved_at >= $month GROUP ALL;
                 SELECT VALUE name FROM building WHERE butler = $butler ORDER BY number;";

/// Every query of this store, by name, for the check that runs each
/// against a migrated database (`crate::queries_check`).
#[cfg(test)]
pub(crate) const ALL: &[(&str, &str)] = &[
    ("SCORECARD_PEOPLE", SCORECARD_PEOPLE),
    ("SCORECARD_ROWS", SCORECARD_ROWS),
    ("SCORECARD_ROWS_OF_A_DAY", SCORECARD_ROWS_OF_A_DAY),
    ("SCORECARD_MARK", SCORECARD_MARK),
    ("SCORECARD_CHANGED", SCORECARD_CHANGED),
    ("SCORECARD_FORGET", SCORECARD_FORGET),
    ("SCORECARD_KEPT", SCORECARD_KEPT),
    ("SCORECARD_KEEP", SCORECARD_KEEP),
    ("SCORECARD_KEPT_MONTHS", SCORECARD_KEPT_MONTHS),
    ("BUTLER_OF_BUILDING", BUTLER_OF_BUILDING),
    ("BUTLER_RATING_FIGURES", BUTLER_RATING_FIGURES),
];
