//! The follow ups store: the rows as stored and their projections, and the queries, each a named static
//! SurrealQL string with bound parameters (`$name`), never formatted.
//! Rules and orchestration are in the parent module.

use super::*;

#[derive(Deserialize)]
pub(super) struct Row {
    pub(super) id: FollowUpId,
    pub(super) community: CommunityId,
    pub(super) building: BuildingId,
    pub(super) reason: FollowUpReason,
    pub(super) status: FollowUpStatus,
    #[serde(default)]
    pub(super) repair: Option<JobId>,
    #[serde(default)]
    pub(super) unit_number: Option<String>,
    #[serde(default)]
    pub(super) building_name: Option<String>,
    #[serde(default)]
    pub(super) butler_name: Option<String>,
    #[serde(default)]
    pub(super) stars: Option<u8>,
    #[serde(default)]
    pub(super) comment: Option<String>,
    pub(super) created_at: DateTime<Utc>,
    #[serde(default)]
    pub(super) due_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub(super) done_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub(super) outcome: Option<FollowUpOutcome>,
    #[serde(default)]
    pub(super) note: String,
    #[serde(default)]
    pub(super) new_repair: Option<JobId>,
    #[serde(default)]
    pub(super) resident: Option<UserId>,
    #[serde(default)]
    pub(super) resident_name: Option<String>,
    /// The job's kind (`None`: a repair stored before kinds existed).
    #[serde(default)]
    pub(super) kind: Option<linli_model::complaint::JobKind>,
    #[serde(default)]
    pub(super) reopened: Option<bool>,
}

/// A complaint's facts for a new one filed by a follow-up.
#[derive(Deserialize)]
pub(super) struct ComplaintFacts {
    pub(super) community: CommunityId,
    pub(super) building: BuildingId,
    pub(super) unit: crate::record::UnitId,
    pub(super) reporter: UserId,
    pub(super) kind: JobKind,
    pub(super) category: String,
}

#[derive(Deserialize)]
pub(super) struct SettingsRow {
    #[serde(default)]
    pub(super) follow_up: Option<FollowUpSettings>,
}

/// The projection of a follow-up with its job, unit, butler and rating.
macro_rules! follow_up_select {
    () => {
        "SELECT id, community, building, reason, status, repair, repair.unit.number AS unit_number,
                building.name AS building_name, building.butler.name AS butler_name,
                rating.stars AS stars, rating.comment AS comment, created_at, due_at, done_at, outcome,
                note, new_repair, repair.reporter AS resident, repair.reporter.name AS resident_name,
                repair.kind AS kind, reopened"
    };
}

/// The three parts of the follow-up list, each a keyset of its own, for
/// the whole community (`$community`, the manager) or one building
/// (`$building`, read once per building of a butler's, through
/// `follow_up_building_*`, then merged). See `follow_ups_page`.
macro_rules! follow_up_phases {
    ($scope:literal) => {
        [
            // Open with a due time: the first due first, on `(due_at, id)`.
            concat!(
                follow_up_select!(),
                " FROM follow_up WHERE ",
                $scope,
                " AND status = 'open' AND due_at != NONE
                    AND ($at = NONE OR due_at > $at OR (due_at = $at AND id > $after))
                 ORDER BY due_at ASC, id ASC LIMIT $fetch"
            ),
            // Open without a due time (opened before due times existed):
            // oldest first, on `(created_at, id)`.
            concat!(
                follow_up_select!(),
                " FROM follow_up WHERE ",
                $scope,
                " AND status = 'open' AND due_at = NONE
                    AND ($at = NONE OR created_at > $at OR (created_at = $at AND id > $after))
                 ORDER BY created_at ASC, id ASC LIMIT $fetch"
            ),
            // Done: newest first, scanned forward on `(newest_first, id)`
            // (the negated instant in nanoseconds, migration 0026); `$at`
            // is negated likewise.
            concat!(
                follow_up_select!(),
                " FROM follow_up WHERE ",
                $scope,
                " AND status = 'done'
                    AND ($at = NONE OR newest_first > $at OR (newest_first = $at AND id > $after))
                 ORDER BY newest_first ASC, id ASC LIMIT $fetch"
            ),
        ]
    };
}

/// Used by `follow_ups_page` (follow_ups/mod.rs): the list's three parts
/// for the whole community.
pub(crate) const FOLLOW_UPS_OF_COMMUNITY: [&str; 3] = follow_up_phases!("community = $community");

/// Used by `follow_ups_page` (follow_ups/mod.rs): the list's three parts
/// for one building.
pub(crate) const FOLLOW_UPS_OF_BUILDING: [&str; 3] =
    follow_up_phases!("building = $building AND community = $community");

/// Used by `follow_ups_page` (follow_ups/mod.rs): the open follow-ups, the
/// count a butler works down (through `follow_up_community`: the open
/// rows, not the years of done ones).
pub(crate) const COUNT_OPEN_FOLLOW_UPS: &str = "SELECT VALUE count() FROM follow_up
                 WHERE community = $community AND status = 'open' AND ($buildings = NONE OR building IN $buildings)
                 GROUP ALL";

/// Used by `record_follow_up` (follow_ups/mod.rs).
pub(crate) const FOLLOW_UP: &str = concat!(follow_up_select!(), " FROM $id");

/// Used by `record_follow_up` (follow_ups/mod.rs): done once, by whoever
/// gets there first (empty answer: it was done already).
pub(crate) const RECORD_OUTCOME: &str = "UPDATE $id SET status = 'done', outcome = $outcome, note = $note,
                     done_at = $now, done_by = $by WHERE status = 'open' RETURN VALUE id";

/// Used by `record_follow_up` (follow_ups/mod.rs).
pub(crate) const RECORD_REMEDY: &str = "UPDATE $id SET reopened = $reopened, new_repair = $new_repair";

/// Used by `complaint_remedy` (follow_ups/mod.rs).
pub(crate) const COMPLAINT_OF_FOLLOW_UP: &str = "SELECT community, building, unit, reporter, kind, category FROM ONLY $job WHERE kind IN ['complaint', 'suggestion']";

/// Used by `complaint_remedy` (follow_ups/mod.rs): the new request names
/// the job whose follow-up opened it.
pub(crate) const LINK_FOLLOW_UP_REQUEST: &str = "UPDATE $new SET follow_up_of = $old";

/// Used by `follow_up_settings` (follow_ups/mod.rs).
pub(crate) const FOLLOW_UP_SETTINGS: &str = "SELECT follow_up FROM $c";

/// Used by `store_follow_up_settings` (follow_ups/mod.rs).
pub(crate) const UPDATE_FOLLOW_UP_SETTINGS: &str = "UPDATE $c SET follow_up = $s";

/// Used by `open_follow_ups` (follow_ups/mod.rs): the closing's number in
/// the sample's count (`follow_up_sample`, for the model's rule), then the
/// sampled follow-up when the rule picks it (idempotent).
pub(crate) const SAMPLE_NUMBER: &str = "SELECT VALUE follow_up_sample FROM $job";

/// Used by `open_follow_ups` (follow_ups/mod.rs): see [`SAMPLE_NUMBER`].
/// Not when the job has a follow-up open already (a low rating came
/// first): the household is called once.
pub(crate) const OPEN_SAMPLED: &str = "BEGIN TRANSACTION;
                 LET $butler = (SELECT VALUE butler FROM ONLY $building);
                 IF array::len((SELECT id FROM follow_up WHERE repair = $job AND (reason = 'sampled' OR status = 'open'))) = 0 {
                     CREATE follow_up SET community = $community, building = $building, butler = $butler,
                         reason = 'sampled', repair = $job, status = 'open', created_at = $now, due_at = $due;
                 };
                 COMMIT TRANSACTION;";

/// Used by `open_follow_ups` (follow_ups/mod.rs). A closing (`$close`) is
/// decided once per round (the job's reopen count): the first call of a
/// round takes the reasons it picked by itself (`$reasons`) and, when none
/// did (`$rest`), numbers the closing in the community's count for the
/// one-in-N sample (`follow_up_sample`; the sample itself is decided by
/// the model's rule and opened by [`OPEN_SAMPLED`]). The
/// reasons that hold whenever they happen (`$always`: a low rating) are
/// taken every time. Each reason opens at most one follow-up per job (also
/// kept by the unique index `follow_up_job_reason`). A low rating of a job
/// whose sampled follow-up is still open makes that one the low-rating
/// follow-up (one call to the household, about the rating), not a second.
pub(crate) const OPEN_FOLLOW_UPS: &str = "BEGIN TRANSACTION;
                 LET $fresh = $close AND (SELECT VALUE follow_up_round FROM ONLY $job) != $round;
                 LET $n = IF $fresh AND $rest {
                     (UPDATE ONLY $community SET follow_up_count = (follow_up_count ?? 0) + 1 RETURN VALUE follow_up_count)
                 } ELSE { NONE };
                 IF $fresh { UPDATE $job SET follow_up_round = $round, follow_up_sample = $n };
                 LET $picked = array::concat(IF $fresh { $reasons } ELSE { [] }, $always);
                 LET $butler = (SELECT VALUE butler FROM ONLY $building);
                 FOR $r IN $picked {
                     IF array::len((SELECT id FROM follow_up WHERE repair = $job AND reason = $r)) = 0 {
                         LET $sampled = IF $r = 'low_rating' {
                             (SELECT VALUE id FROM follow_up WHERE repair = $job AND reason = 'sampled' AND status = 'open')
                         } ELSE { [] };
                         IF array::len($sampled) > 0 {
                             UPDATE $sampled SET reason = 'low_rating', rating = $rating;
                         } ELSE {
                             CREATE follow_up SET community = $community, building = $building, butler = $butler,
                                 reason = $r, repair = $job, rating = IF $r = 'low_rating' { $rating } ELSE { NONE },
                                 status = 'open', created_at = $now, due_at = $due;
                         };
                     };
                 };
                 COMMIT TRANSACTION;";

/// Every query of this store, by name, for the check that runs each
/// against a migrated database (`crate::queries_check`).
#[cfg(test)]
pub(crate) const ALL: &[(&str, &str)] = &[
    ("FOLLOW_UPS_OPEN", FOLLOW_UPS_OF_COMMUNITY[0]),
    ("FOLLOW_UPS_OPEN_UNDATED", FOLLOW_UPS_OF_COMMUNITY[1]),
    ("FOLLOW_UPS_DONE", FOLLOW_UPS_OF_COMMUNITY[2]),
    ("FOLLOW_UPS_OPEN_OF_BUILDING", FOLLOW_UPS_OF_BUILDING[0]),
    ("FOLLOW_UPS_OPEN_UNDATED_OF_BUILDING", FOLLOW_UPS_OF_BUILDING[1]),
    ("FOLLOW_UPS_DONE_OF_BUILDING", FOLLOW_UPS_OF_BUILDING[2]),
    ("COUNT_OPEN_FOLLOW_UPS", COUNT_OPEN_FOLLOW_UPS),
    ("FOLLOW_UP", FOLLOW_UP),
    ("RECORD_OUTCOME", RECORD_OUTCOME),
    ("RECORD_REMEDY", RECORD_REMEDY),
    ("FOLLOW_UP_SETTINGS", FOLLOW_UP_SETTINGS),
    ("UPDATE_FOLLOW_UP_SETTINGS", UPDATE_FOLLOW_UP_SETTINGS),
    ("OPEN_FOLLOW_UPS", OPEN_FOLLOW_UPS),
    ("SAMPLE_NUMBER", SAMPLE_NUMBER),
    ("OPEN_SAMPLED", OPEN_SAMPLED),
    ("COMPLAINT_OF_FOLLOW_UP", COMPLAINT_OF_FOLLOW_UP),
    ("LINK_FOLLOW_UP_REQUEST", LINK_FOLLOW_UP_REQUEST),
];
