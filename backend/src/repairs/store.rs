//! The repairs store: the rows as stored, their projections into the
//! model's views, and the queries that load a job and write a transition.
//! Nothing here decides anything; the rules are in `linli_model::repair`
//! and the orchestration in the parent module.

use crate::record::{BuildingId, CommunityId, JobId, PhotoId, RatingId, UnitId, UserId};
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::super::{
    Backend,
    db::{row, run},
    error::Result,
    ids,
    notify::subscribe_message_create,
    people::unit_label,
    policy::Scope,
    wechat::SubscribeMessage,
};
use linli_model::{
    BuildingRef, Role, StaffRef, Trade, UnitRef,
    due::{self, DueFacts},
    job::{ClockFacts, Hold, JobSummary, PersonRef, Photo, Rating},
    keys::{ActorRole, TimelineAction},
    phone,
    repair::{Category, HoldReason, JobAction, JobState, JobStatus, RatingTag, Urgency},
    sla::{BusinessHours, SlaSettings},
};

use super::transition::*;

/// Where a job lives, for access checks (also used for its photos).
pub struct JobScope {
    pub community: String,
    pub building: String,
    pub unit: String,
    pub assignee: Option<String>,
}

impl JobScope {
    pub fn as_scope(&self) -> Scope<'_> {
        Scope {
            community: &self.community,
            building: Some(&self.building),
            unit: Some(&self.unit),
            assignee: self.assignee.as_deref(),
        }
    }
}

#[derive(Deserialize, Clone)]
pub(super) struct JobRow {
    pub(super) id: JobId,
    pub(super) community: CommunityId,
    pub(super) building: BuildingId,
    pub(super) unit: UnitId,
    pub(super) reporter: UserId,
    #[serde(default)]
    pub(super) owner: Option<UserId>,
    #[serde(default)]
    pub(super) assignee: Option<UserId>,
    pub(super) category: Category,
    pub(super) description: String,
    pub(super) urgency: Urgency,
    pub(super) status: JobStatus,
    #[serde(default)]
    pub(super) held_from: Option<JobStatus>,
    #[serde(default)]
    pub(super) held_since: Option<DateTime<Utc>>,
    #[serde(default)]
    pub(super) held_secs: i64,
    #[serde(default)]
    pub(super) hold_reason: Option<String>,
    /// The current hold's reason (SLA clock, 0009).
    #[serde(default)]
    pub(super) hold_code: Option<HoldReason>,
    /// When the current hold resumes by itself.
    #[serde(default)]
    pub(super) resume_at: Option<DateTime<Utc>>,
    /// The business hours frozen at report time.
    #[serde(default)]
    pub(super) business_hours: Option<BusinessHours>,
    #[serde(default)]
    pub(super) urge_count: i64,
    #[serde(default)]
    pub(super) urge_next_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub(super) eta: Option<DateTime<Utc>>,
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
    pub(super) reopen_count: i64,
    #[serde(default)]
    pub(super) alerts: Vec<String>,
    #[serde(default)]
    pub(super) version: i64,
    pub(super) unit_number: String,
    pub(super) building_number: String,
    pub(super) building_name: String,
    #[serde(default)]
    pub(super) reporter_name: Option<String>,
    #[serde(default)]
    pub(super) owner_name: Option<String>,
    #[serde(default)]
    pub(super) owner_phone: Option<String>,
    #[serde(default)]
    pub(super) assignee_name: Option<String>,
    #[serde(default)]
    pub(super) assignee_phone: Option<String>,
    /// The outage notice it was linked to when filed (issue 18; `outages`).
    #[serde(default)]
    pub(super) outage: Option<crate::record::OutageId>,
    /// How it came in (staff entry, issue 17).
    #[serde(default)]
    pub(super) channel: linli_model::staff_entry::Channel,
    #[serde(default)]
    pub(super) entered_by: Option<UserId>,
    #[serde(default)]
    pub(super) follow_up_of: Option<JobId>,
    /// A repair, or (read by the shared sweep) a complaint or suggestion.
    #[serde(default)]
    pub(super) kind: Option<linli_model::complaint::JobKind>,
    /// When the sweep next has something to do for it (0015, issue 19;
    /// `linli_model::due::next_due`).
    #[serde(default)]
    pub(super) next_due: Option<DateTime<Utc>>,
}

/// The projection every job query uses (a macro, so that `concat!` can
/// join it to each query's `FROM ...` into one static string).
macro_rules! job_select {
    () => {
        "SELECT *, unit.number AS unit_number, building.number AS building_number,
                building.name AS building_name, reporter.name AS reporter_name,
                owner.name AS owner_name, owner.phone AS owner_phone,
                assignee.name AS assignee_name, assignee.phone AS assignee_phone"
    };
}

/// A job found by its filer's request key (`JOB_BY_CLIENT_KEY`).
#[derive(Deserialize)]
pub(crate) struct KeyedRow {
    pub(crate) id: JobId,
    /// NONE on rows stored before complaints existed: a repair.
    #[serde(default)]
    pub(crate) kind: Option<linli_model::complaint::JobKind>,
    /// A repair's category.
    #[serde(default)]
    pub(crate) category: Option<String>,
    /// A complaint's or suggestion's category (NONE on repairs).
    #[serde(default)]
    pub(crate) complaint_category: Option<String>,
    #[serde(default)]
    pub(crate) description: Option<String>,
}

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
    #[serde(default)]
    pub(super) assignee: Option<UserId>,
    #[serde(default)]
    pub(super) assignee_name: Option<String>,
    #[serde(default)]
    pub(super) eta: Option<DateTime<Utc>>,
    #[serde(default)]
    pub(super) hold_code: Option<HoldReason>,
    #[serde(default)]
    pub(super) resume_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub(super) held_secs: Option<i64>,
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
    pub(super) id: RatingId,
    pub(super) stars: u8,
    #[serde(default)]
    pub(super) tags: Vec<RatingTag>,
    #[serde(default)]
    pub(super) comment: String,
    pub(super) at: DateTime<Utc>,
}

impl From<RatingRow> for Rating {
    fn from(r: RatingRow) -> Self {
        Rating { id: String::from(r.id), stars: r.stars, tags: r.tags, comment: r.comment, at: r.at }
    }
}

#[derive(Deserialize)]
pub(super) struct SettingsRow {
    #[serde(default)]
    pub(super) sla: Option<SlaSettings>,
    #[serde(default)]
    pub(super) business_hours: Option<BusinessHours>,
    #[serde(default)]
    pub(super) urge_interval_mins: Option<u32>,
}

#[derive(Deserialize)]
pub(super) struct UnitPlace {
    #[serde(default)]
    pub(super) butler: Option<UserId>,
}

#[derive(Deserialize)]
pub(super) struct PersonRow {
    pub(super) id: UserId,
    pub(super) name: String,
    pub(super) role: Role,
    #[serde(default)]
    pub(super) trades: Vec<Trade>,
    #[serde(default)]
    pub(super) open_jobs: u32,
}

impl JobRow {
    pub(super) fn status(&self) -> JobStatus {
        self.status
    }

    pub(super) fn state(&self) -> JobState {
        JobState { status: self.status(), held_from: self.held_from, has_assignee: self.assignee.is_some() }
    }

    pub(super) fn scope(&self) -> JobScope {
        JobScope {
            community: String::from(self.community.clone()),
            building: String::from(self.building.clone()),
            unit: String::from(self.unit.clone()),
            assignee: self.assignee.clone().map(String::from),
        }
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
            cancelled: self.status() == JobStatus::Cancelled,
            business_hours: self.business_hours,
        }
    }

    /// The facts [`linli_model::due::next_due`] reads, as stored.
    pub(super) fn due_facts(&self) -> DueFacts<'_> {
        DueFacts { status: self.status(), clock: self.clock(), alerts: &self.alerts, resume_at: self.resume_at }
    }

    /// When the sweep next has something to do for this job once `p` is
    /// stored (written with the transition, in its transaction).
    pub(super) fn next_due_after(&self, p: &Patch) -> Option<DateTime<Utc>> {
        let clock = ClockFacts {
            responded_at: p.responded_at,
            resolved_at: p.resolved_at,
            held_secs: p.held_secs,
            held_since: p.held_since,
            cancelled: p.status == JobStatus::Cancelled,
            ..self.clock()
        };
        due::next_due(&DueFacts { status: p.status, clock, alerts: &self.alerts, resume_at: p.resume_at })
    }

    /// The current hold, if on hold (a hold stored before reasons is `other`).
    pub(super) fn hold(&self) -> Option<Hold> {
        let since = self.held_since.filter(|_| self.status() == JobStatus::OnHold)?;
        Some(Hold {
            reason: self.hold_code.unwrap_or(HoldReason::Other),
            note: self.hold_reason.clone().unwrap_or_default(),
            since,
            resume_at: self.resume_at,
        })
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

    pub(super) fn summary(&self, now: DateTime<Utc>) -> JobSummary {
        let clock = self.clock();
        JobSummary {
            id: String::from(self.id.clone()),
            category: self.category,
            description: self.description.clone(),
            urgency: self.urgency,
            status: self.status(),
            unit: self.unit_ref(),
            assignee: self
                .assignee
                .clone()
                .map(|id| PersonRef { id: String::from(id), name: self.assignee_name.clone().unwrap_or_default() }),
            photo_count: crate::convert::count(self.photos.len()),
            created_at: self.created_at,
            updated_at: self.updated_at,
            sla: clock.facts().compute(now),
            clock,
            channel: self.channel,
        }
    }
}

pub(super) fn staff_ref(
    id: &Option<UserId>,
    name: &Option<String>,
    phone_full: &Option<String>,
    callable: bool,
) -> Option<StaffRef> {
    let id = id.clone()?.into_key();
    let full = phone_full.clone().unwrap_or_default();
    Some(StaffRef {
        id,
        name: name.clone().unwrap_or_default(),
        phone: phone::mask(&full),
        phone_full: callable.then_some(full),
    })
}

pub(super) fn photo_refs(rows: Vec<PhotoRow>, order: &[PhotoId]) -> Vec<Photo> {
    let mut photos: Vec<Photo> = rows
        .into_iter()
        .map(|p| {
            let (url, thumb_url) = Photo::urls_for(p.id.key());
            Photo { id: String::from(p.id), url, thumb_url, width: p.width, height: p.height }
        })
        .collect();
    photos.sort_by_key(|p| order.iter().position(|o| o.key() == p.id).unwrap_or(usize::MAX));
    photos
}

impl Backend {
    pub(super) async fn load_job(&self, id: &str) -> Result<Option<JobRow>> {
        if !ids::is_plausible_key(id) {
            return Ok(None);
        }
        let mut res = run(self.db.query(LOAD_JOB).bind(("id", JobId::record_of(id)))).await?;
        row(&mut res, 0)
    }

    /// A job of any kind (see [`LOAD_ANY_JOB`]).
    pub(super) async fn load_any_job(&self, id: &str) -> Result<Option<JobRow>> {
        if !ids::is_plausible_key(id) {
            return Ok(None);
        }
        let mut res = run(self.db.query(LOAD_ANY_JOB).bind(("id", JobId::record_of(id)))).await?;
        row(&mut res, 0)
    }

    #[allow(clippy::too_many_arguments, reason = "one transition's facts, all bound into one transaction")]
    pub(super) async fn store_transition(
        &self,
        job: &JobRow,
        action: JobAction,
        p: &Patch,
        who: (String, String, ActorRole),
        note: &str,
        photos: &[String],
        message: Option<SubscribeMessage<'_>>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let (actor_id, actor_name, actor_role) = who;
        let query = self.db.query(STORE_TRANSITION);
        run(self
            .bind_subscribe_message(query, message)
            .bind(("job", JobId::record_of(&job.id)))
            .bind(("version", job.version))
            .bind(("status", p.status.as_str()))
            .bind(("open", p.status.is_open()))
            .bind(("assignee", p.assignee.as_deref().map(UserId::record_of)))
            .bind(("owner", p.owner.as_deref().map(UserId::record_of)))
            .bind(("held_from", p.held_from.map(JobStatus::as_str)))
            .bind(("held_since", p.held_since))
            .bind(("held_secs", p.held_secs))
            .bind(("hold_reason", p.hold_reason.clone()))
            .bind(("hold_code", p.hold_code.map(HoldReason::as_str)))
            .bind(("resume_at", p.resume_at))
            .bind(("ended_hold", p.ended_hold.map(|(r, _)| r.as_str())))
            .bind(("ended_held_secs", p.ended_hold.map(|(_, secs)| secs)))
            .bind(("eta", p.eta))
            .bind(("responded_at", p.responded_at))
            .bind(("resolved_at", p.resolved_at))
            .bind(("closed_at", p.closed_at))
            .bind(("reopen_count", p.reopen_count))
            .bind(("next_due", job.next_due_after(p)))
            .bind(("now", now))
            .bind(("photos", PhotoId::records_of(photos)))
            .bind(("action", action.as_str()))
            .bind(("from", job.status.as_str()))
            .bind(("actor", (!actor_id.is_empty()).then(|| UserId::record_of(&actor_id))))
            .bind(("actor_name", actor_name))
            .bind(("actor_role", actor_role.as_str()))
            .bind(("note", note.to_string())))
        .await
        .map(|_| ())
    }
}

// ---- Queries ----

/// Used by `sla_settings` (repairs/mod.rs).
pub(crate) const SLA_SETTINGS: &str = "SELECT sla, business_hours, urge_interval_mins FROM $c";

/// Used by `store_clock_settings` (repairs/mod.rs).
pub(crate) const UPDATE_CLOCK_SETTINGS: &str = "UPDATE $c SET business_hours = $hours, urge_interval_mins = $urge";

/// Used by `create_repair` (repairs/mod.rs).
pub(crate) const BUTLER_OF_BUILDING: &str = "SELECT butler FROM $b";

/// Used by `create_repair` (repairs/mod.rs).
pub(crate) const CREATE_REPAIR: &str = "BEGIN TRANSACTION;
                 LET $mine = (SELECT VALUE id FROM $photos WHERE uploader = $uploader AND repair = NONE);
                 IF array::len($mine) != array::len($photos) { THROW 'photo_not_yours' };
                 CREATE $job SET community = $community, building = $building, unit = $unit,
                     reporter = $reporter, owner = $owner, category = $category, description = $description,
                     channel = $channel, entered_by = $entered_by, follow_up_of = $follow_up_of,
                     urgency = $urgency, status = 'submitted', open = true, photos = $photos,
                     respond_secs = $respond_secs, resolve_secs = $resolve_secs, business_hours = $business_hours,
                     next_due = $next_due, created_at = $now, updated_at = $now, version = 1,
                     client_key = $client_key, client_key_by = $client_key_by;
                 UPDATE $photos SET repair = $job;
                 CREATE repair_event SET repair = $job, seq = 1, action = 'submitted', to_status = 'submitted',
                     actor = $entered_by ?? $reporter, actor_name = $actor_name, actor_role = $actor_role,
                     note = $description, photos = $photos, at = $now;
                 COMMIT TRANSACTION;";

/// Used by `job_by_client_key` (repairs/request_key.rs): the job a person
/// filed with a request key, through the unique index `repair_client_key`.
pub(crate) const JOB_BY_CLIENT_KEY: &str = "SELECT id, kind, category, complaint_category, description FROM repair WHERE client_key_by = $by AND client_key = $key LIMIT 1";

/// Used by `job_view` (repairs/mod.rs).
pub(crate) const JOB_VIEW: &str = "SELECT *, assignee.name AS assignee_name FROM repair_event
                     WHERE repair = $id ORDER BY seq;
                 SELECT id, width, height FROM photo WHERE repair = $id;
                 SELECT * FROM rating WHERE repair = $id;";

/// Used by `list_jobs` (repairs/mod.rs).
pub(crate) const LIST_JOBS_OF_UNIT: &str = concat!(
    job_select!(),
    " FROM repair WHERE unit = $target AND kind = 'repair' AND ($open = NONE OR open = $open)
                  AND ($building = NONE OR building = $building) AND ($urgency = NONE OR urgency = $urgency)
                  AND ($at = NONE OR created_at < $at OR (created_at = $at AND id < $after))
                  ORDER BY created_at DESC, id DESC LIMIT $fetch"
);

/// Used by `list_jobs` (repairs/mod.rs).
pub(crate) const LIST_JOBS_OF_BUILDINGS: &str = concat!(
    job_select!(),
    " FROM repair WHERE building IN $targets AND kind = 'repair' AND ($open = NONE OR open = $open)
                  AND ($building = NONE OR building = $building) AND ($urgency = NONE OR urgency = $urgency)
                  AND ($at = NONE OR created_at < $at OR (created_at = $at AND id < $after))
                  ORDER BY created_at DESC, id DESC LIMIT $fetch"
);

/// Used by `list_jobs` (repairs/mod.rs).
pub(crate) const LIST_JOBS_ASSIGNED: &str = concat!(
    job_select!(),
    " FROM repair WHERE assignee = $target AND kind = 'repair' AND ($open = NONE OR open = $open)
                  AND ($building = NONE OR building = $building) AND ($urgency = NONE OR urgency = $urgency)
                  AND ($at = NONE OR created_at < $at OR (created_at = $at AND id < $after))
                  ORDER BY created_at DESC, id DESC LIMIT $fetch"
);

/// Used by `list_jobs` (repairs/mod.rs).
pub(crate) const LIST_JOBS_OF_COMMUNITY: &str = concat!(
    job_select!(),
    " FROM repair WHERE community = $target AND kind = 'repair' AND ($open = NONE OR open = $open)
                  AND ($building = NONE OR building = $building) AND ($urgency = NONE OR urgency = $urgency)
                  AND ($at = NONE OR created_at < $at OR (created_at = $at AND id < $after))
                  ORDER BY created_at DESC, id DESC LIMIT $fetch"
);

/// Used by `assignable` (repairs/mod.rs).
pub(crate) const ASSIGNABLE: &str = "SELECT id, name, role, trades,
                        { LET $of = id; RETURN count((SELECT id FROM repair WHERE assignee = $of AND open = true)); } AS open_jobs
                 FROM user WHERE community = $community AND active = true
                     AND (role = 'worker' OR id = $owner)";

/// Used by `rate_job` (repairs/rating.rs).
pub(crate) const RATING_OF_JOB: &str = "SELECT id FROM rating WHERE repair = $job";

/// Used by `rate_job` (repairs/rating.rs).
pub(crate) const RATE_JOB: &str = "BEGIN TRANSACTION;
                 IF (SELECT VALUE version FROM ONLY $job) != $version { THROW 'stale' };
                 CREATE $rating SET community = $community, subject = 'repair', repair = $job, building = $building,
                     butler = $owner, assignee = $assignee, rater = $rater, stars = $stars, tags = $tags,
                     comment = $comment, at = $now;
                 LET $seq = array::max((SELECT VALUE seq FROM repair_event WHERE repair = $job)) ?? 0;
                 UPDATE $job SET status = 'rated', open = false, closed_at = closed_at ?? $now,
                     next_due = NONE, updated_at = $now, version = $version + 1;
                 CREATE repair_event SET repair = $job, seq = $seq + 1, action = 'rated', from_status = $from,
                     to_status = 'rated', actor = $rater, actor_name = $rater_name, actor_role = 'resident',
                     note = $comment, at = $now;
                 COMMIT TRANSACTION;";

/// Used by `load_job` (repairs/store.rs).
/// Repairs only: complaints and suggestions share the table but are read
/// through `complaints/` (`LOAD_COMPLAINT`), never through the repair API.
pub(crate) const LOAD_JOB: &str = concat!(job_select!(), " FROM $id WHERE kind = 'repair'");

/// Used by `load_any_job` (repairs/store.rs): a job of any kind (repair,
/// complaint, suggestion), for the rules every kind shares (urging, holds
/// resuming on time).
pub(crate) const LOAD_ANY_JOB: &str = concat!(job_select!(), " FROM $id");

/// Used by `store_transition` (repairs/store.rs).
pub(crate) const STORE_TRANSITION: &str = concat!(
    "BEGIN TRANSACTION;
                 IF (SELECT VALUE version FROM ONLY $job) != $version { THROW 'stale' };
                 LET $mine = (SELECT VALUE id FROM $photos WHERE uploader = $actor AND repair = NONE);
                 IF array::len($mine) != array::len($photos) { THROW 'photo_not_yours' };
                 LET $seq = array::max((SELECT VALUE seq FROM repair_event WHERE repair = $job)) ?? 0;
                 UPDATE $job SET status = $status, open = $open, assignee = $assignee, owner = $owner,
                     held_from = $held_from, held_since = $held_since, held_secs = $held_secs,
                     hold_reason = $hold_reason, hold_code = $hold_code, resume_at = $resume_at,
                     eta = $eta, responded_at = $responded_at,
                     resolved_at = $resolved_at, closed_at = $closed_at, reopen_count = $reopen_count,
                     next_due = $next_due, updated_at = $now, version = $version + 1;
                 UPDATE $photos SET repair = $job;
                 CREATE repair_event SET repair = $job, seq = $seq + 1, action = $action,
                     from_status = $from, to_status = $status, actor = $actor, actor_name = $actor_name,
                     actor_role = $actor_role, note = $note, photos = $photos,
                     assignee = IF $action = 'assign' { $assignee } ELSE { NONE },
                     eta = IF $action IN ['hold', 'start_travel'] { $eta } ELSE { NONE },
                     hold_code = IF $action = 'hold' { $hold_code } ELSE { $ended_hold },
                     resume_at = IF $action = 'hold' { $resume_at } ELSE { NONE },
                     held_secs = $ended_held_secs, at = $now;",
    subscribe_message_create!(),
    "COMMIT TRANSACTION;"
);

/// Used by `sweep_repairs` (repairs/sweep.rs): the jobs of every kind
/// whose `next_due` has come, earliest first, at most `$batch`, through
/// the `repair_next_due` index (the lower bound keeps NONE out of the
/// range): alerts due, holds to resume, confirmations by silence. Jobs not
/// due are not read, however many are stored (issue 19).
pub(crate) const DUE_JOBS: &str = concat!(job_select!(), " FROM ", due_jobs_from!());

/// The `FROM` part of [`DUE_JOBS`] (a macro, so the plan test can
/// `EXPLAIN` it).
macro_rules! due_jobs_from {
    () => {
        "repair WHERE next_due >= $since AND next_due <= $now ORDER BY next_due LIMIT $batch"
    };
}
use due_jobs_from;

/// Used by `urge` (repairs/urge.rs): one urge, on the timeline, with the
/// butler's message queued in the same transaction; refused with 'stale'
/// if the job changed since it was read, 'too_soon' before `urge_next_at`.
pub(crate) const URGE: &str = concat!(
    "BEGIN TRANSACTION;
                 LET $row = (SELECT version, urge_next_at FROM ONLY $job);
                 IF $row.version != $version { THROW 'stale' };
                 IF $row.urge_next_at != NONE AND $row.urge_next_at > $now { THROW 'too_soon' };
                 LET $seq = array::max((SELECT VALUE seq FROM repair_event WHERE repair = $job)) ?? 0;
                 UPDATE $job SET urge_count = (urge_count ?? 0) + 1, urged_at = $now, urge_next_at = $next,
                     updated_at = $now, version = $version + 1;
                 CREATE repair_event SET repair = $job, seq = $seq + 1, action = 'urged',
                     from_status = $status, to_status = $status, actor = $actor, actor_name = $actor_name,
                     actor_role = $actor_role, note = '', at = $now;",
    subscribe_message_create!(),
    "COMMIT TRANSACTION;"
);

/// Used by `raise_sla_alerts` (repairs/sweep.rs): records the alerts
/// raised and the job's next `next_due`, unless the job changed since it
/// was read (then its own transition wrote a `next_due`, no later than the
/// alert, and the next round looks again). Answers the job's id if written.
pub(crate) const RAISE_SLA_ALERTS: &str = "UPDATE $job SET alerts = array::union(alerts, $due), next_due = $next_due
                     WHERE version = $version RETURN VALUE id";

/// Used by `sweep_repairs` (repairs/sweep.rs): a job picked while nothing
/// was due for it (a rule changed, a row from before 0015) gets its
/// `next_due` by the model's rule, unless it changed since it was read.
pub(crate) const SET_NEXT_DUE: &str = "UPDATE $job SET next_due = $next_due WHERE version = $version RETURN VALUE id";

/// Every query of this store, by name, for the check that runs each
/// against a migrated database (`crate::queries_check`).
#[cfg(test)]
pub(crate) const ALL: &[(&str, &str)] = &[
    ("SLA_SETTINGS", SLA_SETTINGS),
    ("UPDATE_CLOCK_SETTINGS", UPDATE_CLOCK_SETTINGS),
    ("BUTLER_OF_BUILDING", BUTLER_OF_BUILDING),
    ("CREATE_REPAIR", CREATE_REPAIR),
    ("JOB_BY_CLIENT_KEY", JOB_BY_CLIENT_KEY),
    ("JOB_VIEW", JOB_VIEW),
    ("LIST_JOBS_OF_UNIT", LIST_JOBS_OF_UNIT),
    ("LIST_JOBS_OF_BUILDINGS", LIST_JOBS_OF_BUILDINGS),
    ("LIST_JOBS_ASSIGNED", LIST_JOBS_ASSIGNED),
    ("LIST_JOBS_OF_COMMUNITY", LIST_JOBS_OF_COMMUNITY),
    ("ASSIGNABLE", ASSIGNABLE),
    ("RATING_OF_JOB", RATING_OF_JOB),
    ("RATE_JOB", RATE_JOB),
    ("LOAD_JOB", LOAD_JOB),
    ("LOAD_ANY_JOB", LOAD_ANY_JOB),
    ("STORE_TRANSITION", STORE_TRANSITION),
    ("DUE_JOBS", DUE_JOBS),
    ("RAISE_SLA_ALERTS", RAISE_SLA_ALERTS),
    ("SET_NEXT_DUE", SET_NEXT_DUE),
    ("URGE", URGE),
];

#[cfg(test)]
mod sla_clock_tests {
    use crate::db::{Db, run};

    #[tokio::test]
    async fn the_sweep_selects_due_jobs_through_the_next_due_index() {
        let Ok(db) = Db::connect("mem://", "due_plan").await else { panic!("a migrated in-memory database") };
        let query = db
            .query(concat!("SELECT id FROM ", due_jobs_from!(), " EXPLAIN"))
            .bind(("since", chrono::DateTime::<chrono::Utc>::UNIX_EPOCH))
            .bind(("now", chrono::Utc::now()))
            .bind(("batch", 100));
        let Ok(mut res) = run(query).await else { panic!("explained") };
        let plan: Vec<serde_json::Value> = res.take(0).unwrap_or_default();
        let plan = serde_json::to_string(&plan).unwrap_or_default();
        assert!(plan.contains("repair_next_due"), "the sweep reads the repair_next_due index: {plan}");
    }
}
