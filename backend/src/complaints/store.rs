//! The complaints store: complaints and suggestions are rows of the
//! `repair` table with `kind` set, and their timeline is `repair_event`
//! (the same tables as repairs). Rows as stored, their projections into the
//! model's views, and the queries. Nothing here decides anything; the rules
//! are in `linli_model::complaint`.

use crate::record::{BuildingId, CommunityId, JobId, PhotoId, UnitId, UserId};
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::super::{people::unit_label, policy::Scope};
use linli_model::{
    BuildingRef, UnitRef,
    complaint::{ComplaintCategory, ComplaintState, ComplaintSummary, Concerns, JobKind},
    job::ClockFacts,
    keys::{ActorRole, TimelineAction},
    repair::JobStatus,
    sla::SlaTarget,
};

/// A complaint or suggestion as stored, with the names a view needs. The
/// complainant's name and phone are read only by [`LOAD_COMPLAINT`] (the
/// complaint itself), never by the lists.
#[derive(Deserialize, Clone)]
pub(super) struct ComplaintRow {
    pub(super) id: JobId,
    pub(super) community: CommunityId,
    pub(super) building: BuildingId,
    pub(super) unit: UnitId,
    pub(super) reporter: UserId,
    #[serde(default)]
    pub(super) owner: Option<UserId>,
    pub(super) kind: JobKind,
    pub(super) complaint_category: Option<ComplaintCategory>,
    pub(super) description: String,
    pub(super) status: JobStatus,
    #[serde(default)]
    pub(super) adopted: Option<bool>,
    #[serde(default)]
    pub(super) concerns_place: Option<String>,
    #[serde(default)]
    pub(super) concerns_building_name: Option<String>,
    #[serde(default)]
    pub(super) concerns_unit_number: Option<String>,
    #[serde(default, deserialize_with = "crate::record::list")]
    pub(super) photos: Vec<PhotoId>,
    pub(super) respond_secs: i64,
    pub(super) resolve_secs: i64,
    pub(super) created_at: DateTime<Utc>,
    pub(super) updated_at: DateTime<Utc>,
    #[serde(default)]
    pub(super) responded_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub(super) resolved_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub(super) closed_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub(super) held_secs: i64,
    #[serde(default)]
    pub(super) held_since: Option<DateTime<Utc>>,
    #[serde(default)]
    pub(super) reopen_count: i64,
    /// Urges (催一下) so far, and when the next is allowed.
    #[serde(default)]
    pub(super) urge_count: i64,
    #[serde(default)]
    pub(super) urge_next_at: Option<DateTime<Utc>>,
    /// SLA alerts raised (for its `next_due`, 0015, issue 19).
    #[serde(default)]
    pub(super) alerts: Vec<String>,
    /// How it came in (staff entry, issue 17).
    #[serde(default)]
    pub(super) channel: linli_model::staff_entry::Channel,
    #[serde(default)]
    pub(super) version: i64,
    pub(super) building_number: String,
    pub(super) building_name: String,
    #[serde(default)]
    pub(super) unit_number: Option<String>,
    #[serde(default)]
    pub(super) reporter_name: Option<String>,
    #[serde(default)]
    pub(super) reporter_phone: Option<String>,
    #[serde(default)]
    pub(super) owner_name: Option<String>,
    #[serde(default)]
    pub(super) owner_phone: Option<String>,
}

/// The fields every complaint query reads (a macro, so that `concat!` can
/// join it to each query's `FROM ...`): the stored fields and the building,
/// and the concerned unit as a label; not the complainant's name or unit.
macro_rules! complaint_fields {
    () => {
        "SELECT id, community, building, unit, reporter, owner, kind, complaint_category, description, status,
                adopted, concerns_place, photos, respond_secs, resolve_secs, created_at, updated_at,
                responded_at, resolved_at, closed_at, held_secs, held_since, reopen_count, version, channel,
                urge_count, urge_next_at, alerts,
                building.number AS building_number, building.name AS building_name,
                concerns_unit.building.name AS concerns_building_name, concerns_unit.number AS concerns_unit_number"
    };
}

impl ComplaintRow {
    pub(super) fn state(&self) -> ComplaintState {
        ComplaintState { kind: self.kind, status: self.status, adopted: self.adopted.unwrap_or(false) }
    }

    pub(super) fn category(&self) -> ComplaintCategory {
        self.complaint_category.unwrap_or(ComplaintCategory::Other)
    }

    /// Where it lives, for the access rule (`Actor::sees`): the
    /// complainant's unit and building; no assignee, so no worker sees it.
    pub(super) fn scope(&self) -> Scope<'_> {
        Scope {
            community: self.community.as_str(),
            building: Some(self.building.as_str()),
            unit: Some(self.unit.as_str()),
            assignee: None,
        }
    }

    /// When the sweep next has something to do for it once a step has
    /// moved it to `status` with these clock stops (written in the step's
    /// transaction; complaints have no planned holds).
    pub(super) fn next_due_after(
        &self,
        status: JobStatus,
        responded_at: Option<DateTime<Utc>>,
        resolved_at: Option<DateTime<Utc>>,
    ) -> Option<DateTime<Utc>> {
        let clock = ClockFacts { responded_at, resolved_at, cancelled: status == JobStatus::Cancelled, ..self.clock() };
        linli_model::due::next_due(&linli_model::due::DueFacts { status, clock, alerts: &self.alerts, resume_at: None })
    }

    pub(super) fn clock(&self) -> ClockFacts {
        ClockFacts {
            created_at: self.created_at,
            respond_secs: self.respond_secs,
            resolve_secs: self.resolve_secs,
            responded_at: self.responded_at,
            resolved_at: self.resolved_at,
            held_secs: self.held_secs,
            held_since: self.held_since,
            cancelled: self.status == JobStatus::Cancelled,
            business_hours: None,
        }
    }

    pub(super) fn building_ref(&self) -> BuildingRef {
        BuildingRef {
            id: String::from(self.building.clone()),
            number: self.building_number.clone(),
            name: self.building_name.clone(),
        }
    }

    pub(super) fn unit_ref(&self) -> UnitRef {
        let number = self.unit_number.clone().unwrap_or_default();
        UnitRef {
            id: String::from(self.unit.clone()),
            label: unit_label(&self.building_name, &number),
            number,
            building: self.building_ref(),
        }
    }

    pub(super) fn concerns(&self) -> Option<Concerns> {
        let unit = self
            .concerns_unit_number
            .as_deref()
            .map(|n| unit_label(self.concerns_building_name.as_deref().unwrap_or(""), n));
        (self.concerns_place.is_some() || unit.is_some()).then(|| Concerns { place: self.concerns_place.clone(), unit })
    }

    /// The list projection: the building, never the complainant or their unit.
    pub(super) fn summary(&self, now: DateTime<Utc>) -> ComplaintSummary {
        let clock = self.clock();
        ComplaintSummary {
            id: String::from(self.id.clone()),
            kind: self.kind,
            category: self.category(),
            text: self.description.clone(),
            status: self.status,
            building: self.building_ref(),
            concerns: self.concerns(),
            adopted: self.adopted.unwrap_or(false),
            photo_count: crate::convert::count(self.photos.len()),
            created_at: self.created_at,
            updated_at: self.updated_at,
            sla: clock.facts().compute(now),
            clock,
        }
    }
}

/// One row of the counts.
#[derive(Deserialize)]
pub(super) struct CountRow {
    pub(super) kind: JobKind,
    pub(super) complaint_category: Option<ComplaintCategory>,
    pub(super) building: BuildingId,
    pub(super) building_number: String,
    pub(super) building_name: String,
    pub(super) open: bool,
}

/// A timeline entry as stored (`repair_event`).
#[derive(Deserialize)]
pub(super) struct EventRow {
    pub(super) seq: i64,
    pub(super) action: TimelineAction,
    #[serde(default)]
    pub(super) from_status: Option<JobStatus>,
    pub(super) to_status: JobStatus,
    pub(super) actor_name: String,
    pub(super) actor_role: ActorRole,
    #[serde(default)]
    pub(super) note: String,
    #[serde(default, deserialize_with = "crate::record::list")]
    pub(super) photos: Vec<PhotoId>,
    pub(super) at: DateTime<Utc>,
}

#[derive(Deserialize)]
pub(super) struct PhotoRow {
    pub(super) id: PhotoId,
    pub(super) width: u32,
    pub(super) height: u32,
}

#[derive(Deserialize)]
pub(super) struct RatingRow {
    pub(super) id: crate::record::RatingId,
    pub(super) stars: u8,
    #[serde(default)]
    pub(super) tags: Vec<linli_model::repair::RatingTag>,
    #[serde(default)]
    pub(super) comment: String,
    pub(super) at: DateTime<Utc>,
}

#[derive(Deserialize)]
pub(super) struct TargetRow {
    #[serde(default)]
    pub(super) complaint_sla: Option<SlaTarget>,
}

#[derive(Deserialize)]
pub(super) struct UnitRow {
    pub(super) id: UnitId,
}

#[derive(Deserialize)]
pub(super) struct ButlerRow {
    #[serde(default)]
    pub(super) butler: Option<UserId>,
}

// ---- Queries ----

/// Used by `complaint_targets` (complaints/mod.rs).
pub(crate) const COMPLAINT_TARGETS: &str = "SELECT complaint_sla FROM $c";

/// Used by `update_complaint_targets` (complaints/mod.rs).
pub(crate) const SET_COMPLAINT_TARGETS: &str =
    "UPDATE $c SET complaint_sla = { respond_secs: $respond, resolve_secs: $resolve }";

/// Used by `file_complaint` (complaints/mod.rs): the unit concerned, if it is
/// one of the community's.
pub(crate) const UNIT_OF_COMMUNITY: &str = "SELECT id FROM $u WHERE community = $c";

/// Used by `file_complaint` (complaints/mod.rs): the first-contact owner.
pub(crate) const BUTLER_OF_BUILDING: &str = "SELECT butler FROM $b";

/// Used by `file_complaint` (complaints/mod.rs). Photos must be the
/// recorder's own unattached uploads. The timeline's first entry is the
/// text itself, as for a repair.
pub(crate) const CREATE_COMPLAINT: &str = "BEGIN TRANSACTION;
                 LET $mine = (SELECT VALUE id FROM $photos WHERE uploader = $uploader AND repair = NONE);
                 IF array::len($mine) != array::len($photos) { THROW 'photo_not_yours' };
                 CREATE $job SET community = $community, building = $building, unit = $unit,
                     reporter = $reporter, owner = $owner, kind = $kind, category = 'other',
                     complaint_category = $category, description = $text, urgency = 'normal',
                     status = 'submitted', open = true, photos = $photos, adopted = false,
                     concerns_place = $place, concerns_unit = $concerns_unit,
                     respond_secs = $respond_secs, resolve_secs = $resolve_secs, next_due = $next_due,
                     created_at = $now, updated_at = $now, version = 1, channel = $channel,
                     entered_by = IF $actor != $reporter { $actor } ELSE { NONE },
                     client_key = $client_key, client_key_by = $client_key_by;
                 UPDATE $photos SET repair = $job;
                 CREATE repair_event SET repair = $job, seq = 1, action = 'submitted', to_status = 'submitted',
                     actor = $actor, actor_name = $actor_name, actor_role = $actor_role,
                     note = $text, photos = $photos, at = $now;
                 COMMIT TRANSACTION;";

/// Used by `load_complaint` (complaints/mod.rs): the complaint itself, with
/// the complainant's name, phone and unit, and its owner.
pub(crate) const LOAD_COMPLAINT: &str = concat!(
    complaint_fields!(),
    ", unit.number AS unit_number, reporter.name AS reporter_name, reporter.phone AS reporter_phone,
       owner.name AS owner_name, owner.phone AS owner_phone
     FROM $id WHERE kind IN ['complaint', 'suggestion']"
);

/// Used by `complaint_view` (complaints/mod.rs): the shared timeline, the
/// photos, the rating.
pub(crate) const COMPLAINT_VIEW: &str = "SELECT * FROM repair_event WHERE repair = $id ORDER BY seq;
                 SELECT id, width, height FROM photo WHERE repair = $id;
                 SELECT * FROM rating WHERE repair = $id;";

/// The filters and keyset order every complaint list shares.
macro_rules! complaint_filters {
    () => {
        concat!(" AND kind IN $kinds", complaint_filters_but_kind!())
    };
}

/// The list's filters after the kind, its cursor, order and page.
macro_rules! complaint_filters_but_kind {
    () => {
        " AND ($building = NONE OR building = $building)
        AND ($category = NONE OR complaint_category = $category)
        AND ($open = NONE OR open = $open)
        AND ($at = NONE OR newest_first > $at OR (newest_first = $at AND id > $after))
      ORDER BY newest_first ASC, id ASC LIMIT $fetch"
    };
}

/// Used by `list_complaints` (complaints/mod.rs): the community's, one
/// kind (`$kind`) at a time, newest first, scanned forward through
/// `repair_kind_newest` (`newest_first`, the negated instant in
/// nanoseconds, migration 0026), merged.
pub(crate) const LIST_COMPLAINTS: &str =
    concat!(complaint_fields!(), " FROM repair WHERE community = $c AND kind = $kind", complaint_filters_but_kind!());

/// Used by `list_complaints` (complaints/mod.rs): a household's own
/// (`$unit`, through the unit's index: the unit's rows, not the
/// community's, sorted).
pub(crate) const LIST_COMPLAINTS_OF_UNIT: &str =
    concat!(complaint_fields!(), " FROM repair WHERE unit = $unit", complaint_filters!());

/// Used by `list_complaints` (complaints/mod.rs): one of a butler's
/// buildings (`$one`), one kind (`$kind`), newest first, scanned forward
/// through `repair_building_kind_newest`: a page at most, read for each
/// building and kind and merged, instead of every job of the buildings
/// sorted.
pub(crate) const LIST_COMPLAINTS_OF_BUILDING: &str =
    concat!(complaint_fields!(), " FROM repair WHERE building = $one AND kind = $kind", complaint_filters_but_kind!());

/// Used by `act_on_complaint` (complaints/mod.rs): one step, guarded by
/// the row's version, written to the shared timeline.
pub(crate) const STORE_COMPLAINT_STEP: &str = "BEGIN TRANSACTION;
                 IF (SELECT VALUE version FROM ONLY $job) != $version { THROW 'stale' };
                 LET $mine = (SELECT VALUE id FROM $photos WHERE uploader = $actor AND repair = NONE);
                 IF array::len($mine) != array::len($photos) { THROW 'photo_not_yours' };
                 LET $seq = array::max((SELECT VALUE seq FROM repair_event WHERE repair = $job)) ?? 0;
                 UPDATE $job SET status = $status, open = $open, responded_at = $responded_at,
                     resolved_at = $resolved_at, closed_at = $closed_at, reopen_count = $reopen_count,
                     adopted = $adopted, next_due = $next_due, updated_at = $now, version = $version + 1;
                 UPDATE $photos SET repair = $job;
                 CREATE repair_event SET repair = $job, seq = $seq + 1, action = $action,
                     from_status = $from, to_status = $status, actor = $actor, actor_name = $actor_name,
                     actor_role = $actor_role, note = $note, photos = $photos, at = $now;
                 COMMIT TRANSACTION;";

/// Used by `rate_complaint` (complaints/mod.rs): the rating (subject
/// `repair`: a row of the repair table; its `kind` says which), which also
/// closes it.
pub(crate) const RATE_COMPLAINT: &str = "BEGIN TRANSACTION;
                 IF (SELECT VALUE version FROM ONLY $job) != $version { THROW 'stale' };
                 CREATE $rating SET community = $community, subject = 'repair', repair = $job, building = $building,
                     butler = $owner, assignee = NONE, rater = $rater, stars = $stars, tags = $tags,
                     comment = $comment, at = $now;
                 LET $seq = array::max((SELECT VALUE seq FROM repair_event WHERE repair = $job)) ?? 0;
                 UPDATE $job SET status = 'rated', open = false, closed_at = closed_at ?? $now,
                     next_due = NONE, updated_at = $now, version = $version + 1;
                 CREATE repair_event SET repair = $job, seq = $seq + 1, action = 'rated', from_status = $from,
                     to_status = 'rated', actor = $rater, actor_name = $rater_name, actor_role = 'resident',
                     note = $comment, at = $now;
                 COMMIT TRANSACTION;";

/// One statement of [`COMPLAINT_COUNTS`]: the jobs of kind `$kind` (a
/// literal, so that the index is bounded by it) reported in `[$from, $to)`.
macro_rules! complaint_counts_of {
    ($kind:literal) => {
        concat!(
            "SELECT kind, complaint_category, building, open,
                        building.number AS building_number, building.name AS building_name
                 FROM repair WITH INDEX repair_kind WHERE community = $c AND kind = '",
            $kind,
            "' AND created_at >= $from AND created_at < $to
                     AND ($buildings = NONE OR building IN $buildings);"
        )
    };
}

/// Used by `complaint_stats` (complaints/mod.rs): the complaints, then the
/// suggestions, reported in `[$from, $to)`, each kind through
/// `repair_kind` (community, kind, created_at; `WITH INDEX`) from `$from`:
/// `kind IN [...]` bounds a compound index by its first field only, and
/// read the month's every job of the community through
/// `repair_community_created` to find its complaints (8x its empty-database
/// time on 28 generated communities).
pub(crate) const COMPLAINT_COUNTS: &str =
    concat!(complaint_counts_of!("complaint"), "\n", complaint_counts_of!("suggestion"));

/// Every query of this store, by name, for the check that runs each
/// against a migrated database (`crate::queries_check`).
#[cfg(test)]
pub(crate) const ALL: &[(&str, &str)] = &[
    ("COMPLAINT_TARGETS", COMPLAINT_TARGETS),
    ("SET_COMPLAINT_TARGETS", SET_COMPLAINT_TARGETS),
    ("UNIT_OF_COMMUNITY", UNIT_OF_COMMUNITY),
    ("BUTLER_OF_BUILDING", BUTLER_OF_BUILDING),
    ("CREATE_COMPLAINT", CREATE_COMPLAINT),
    ("LOAD_COMPLAINT", LOAD_COMPLAINT),
    ("COMPLAINT_VIEW", COMPLAINT_VIEW),
    ("LIST_COMPLAINTS", LIST_COMPLAINTS),
    ("LIST_COMPLAINTS_OF_UNIT", LIST_COMPLAINTS_OF_UNIT),
    ("LIST_COMPLAINTS_OF_BUILDING", LIST_COMPLAINTS_OF_BUILDING),
    ("STORE_COMPLAINT_STEP", STORE_COMPLAINT_STEP),
    ("RATE_COMPLAINT", RATE_COMPLAINT),
    ("COMPLAINT_COUNTS", COMPLAINT_COUNTS),
];
