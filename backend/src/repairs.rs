//! Repair jobs: report, dispatch to the building's butler, the state
//! machine, the timeline, SLA alerts, auto-confirmation and ratings.
//!
//! The rules themselves live in `model::repair` and `model::sla`; this
//! module loads the facts, asks the rules, and stores the outcome in one
//! transaction guarded by the job's `version`, so two people acting at the
//! same moment cannot both move the job from the same state.

use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use serde_json::json;

use super::{
    Backend, clean,
    db::{rid, rids, row, rows, run, thrown},
    error::{Error, Result},
    events::Audience,
    ids,
    notify::{Lane, subscribe_message_create},
    people::{key, unit_label},
    policy::{Actor, Scope},
    wechat::SubscribeMessage,
};
use linli_model::{
    AppError, BuildingRef, ErrorCode, Msg, Role, StaffRef, UnitRef,
    job::{
        ActionInput, Assignable, CategoryInfo, ClockFacts, Job, JobSummary, NewRepair, PersonRef, Photo, Rating,
        RatingInput, RatingTagInfo, TimelineEntry,
    },
    live::EventKind,
    phone,
    repair::{
        self, AUTO_CONFIRM_HOURS, Category, JobAction, JobState, JobStatus, MAX_DESCRIPTION, MAX_PHOTOS, Party,
        RatingTag, Refusal, Urgency,
    },
    sla::{ClockState, SlaSettings},
};

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
struct JobRow {
    #[serde(deserialize_with = "key::de")]
    id: String,
    #[serde(deserialize_with = "key::de")]
    community: String,
    #[serde(deserialize_with = "key::de")]
    building: String,
    #[serde(deserialize_with = "key::de")]
    unit: String,
    #[serde(deserialize_with = "key::de")]
    reporter: String,
    #[serde(default, deserialize_with = "key::de_opt")]
    owner: Option<String>,
    #[serde(default, deserialize_with = "key::de_opt")]
    assignee: Option<String>,
    category: String,
    description: String,
    urgency: String,
    status: String,
    #[serde(default)]
    held_from: Option<String>,
    #[serde(default)]
    held_since: Option<DateTime<Utc>>,
    #[serde(default)]
    held_secs: i64,
    #[serde(default)]
    hold_reason: Option<String>,
    #[serde(default)]
    eta: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "key::de_vec")]
    photos: Vec<String>,
    respond_secs: i64,
    resolve_secs: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    #[serde(default)]
    responded_at: Option<DateTime<Utc>>,
    #[serde(default)]
    resolved_at: Option<DateTime<Utc>>,
    #[serde(default)]
    closed_at: Option<DateTime<Utc>>,
    #[serde(default)]
    reopen_count: i64,
    #[serde(default)]
    alerts: Vec<String>,
    #[serde(default)]
    version: i64,
    unit_number: String,
    building_number: String,
    building_name: String,
    #[serde(default)]
    reporter_name: Option<String>,
    #[serde(default)]
    owner_name: Option<String>,
    #[serde(default)]
    owner_phone: Option<String>,
    #[serde(default)]
    assignee_name: Option<String>,
    #[serde(default)]
    assignee_phone: Option<String>,
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

#[derive(Deserialize)]
struct EventRow {
    seq: i64,
    action: String,
    #[serde(default)]
    from_status: Option<String>,
    to_status: String,
    actor_name: String,
    actor_role: String,
    #[serde(default)]
    note: String,
    #[serde(default, deserialize_with = "key::de_vec")]
    photos: Vec<String>,
    #[serde(default, deserialize_with = "key::de_opt")]
    assignee: Option<String>,
    #[serde(default)]
    assignee_name: Option<String>,
    #[serde(default)]
    eta: Option<DateTime<Utc>>,
    at: DateTime<Utc>,
}

#[derive(Deserialize)]
struct PhotoRow {
    #[serde(deserialize_with = "key::de")]
    id: String,
    width: u32,
    height: u32,
}

#[derive(Deserialize)]
struct RatingRow {
    #[serde(deserialize_with = "key::de")]
    id: String,
    stars: u8,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    comment: String,
    at: DateTime<Utc>,
}

impl From<RatingRow> for Rating {
    fn from(r: RatingRow) -> Self {
        Rating { id: r.id, stars: r.stars, tags: r.tags, comment: r.comment, at: r.at }
    }
}

#[derive(Deserialize)]
struct SettingsRow {
    #[serde(default)]
    sla: Option<SlaSettings>,
}

#[derive(Deserialize)]
struct UnitPlace {
    #[serde(default, deserialize_with = "key::de_opt")]
    butler: Option<String>,
}

#[derive(Deserialize)]
struct PersonRow {
    #[serde(deserialize_with = "key::de")]
    id: String,
    name: String,
    role: String,
    #[serde(default)]
    trades: Vec<String>,
    #[serde(default)]
    open_jobs: u32,
}

impl JobRow {
    fn status(&self) -> JobStatus {
        JobStatus::parse(&self.status).unwrap_or(JobStatus::Submitted)
    }

    fn state(&self) -> JobState {
        JobState {
            status: self.status(),
            held_from: self.held_from.as_deref().and_then(JobStatus::parse),
            has_assignee: self.assignee.is_some(),
        }
    }

    fn scope(&self) -> JobScope {
        JobScope {
            community: self.community.clone(),
            building: self.building.clone(),
            unit: self.unit.clone(),
            assignee: self.assignee.clone(),
        }
    }

    fn clock(&self) -> ClockFacts {
        ClockFacts {
            created_at: self.created_at,
            respond_secs: self.respond_secs,
            resolve_secs: self.resolve_secs,
            responded_at: self.responded_at,
            resolved_at: self.resolved_at,
            held_secs: self.held_secs,
            held_since: self.held_since,
            cancelled: self.status() == JobStatus::Cancelled,
        }
    }

    fn unit_ref(&self) -> UnitRef {
        UnitRef {
            id: self.unit.clone(),
            number: self.unit_number.clone(),
            label: unit_label(&self.building_name, &self.unit_number),
            building: BuildingRef {
                id: self.building.clone(),
                number: self.building_number.clone(),
                name: self.building_name.clone(),
            },
        }
    }

    fn summary(&self, now: DateTime<Utc>) -> JobSummary {
        let clock = self.clock();
        JobSummary {
            id: self.id.clone(),
            category: Category::parse(&self.category).unwrap_or(Category::Other),
            description: self.description.clone(),
            urgency: Urgency::parse(&self.urgency).unwrap_or(Urgency::Normal),
            status: self.status(),
            unit: self.unit_ref(),
            assignee: self
                .assignee
                .clone()
                .map(|id| PersonRef { id, name: self.assignee_name.clone().unwrap_or_default() }),
            photo_count: self.photos.len() as u32,
            created_at: self.created_at,
            updated_at: self.updated_at,
            sla: clock.facts().compute(now),
            clock,
        }
    }
}

/// The caller's relation to a job, for the state machine.
fn party(actor: &Actor, job: &JobRow) -> Party {
    Party {
        reporter: actor.user_id == job.reporter,
        owner: actor.role == Role::Butler && actor.owns_building(&job.building),
        assignee: job.assignee.as_deref() == Some(actor.user_id.as_str()),
        admin: actor.role == Role::Admin,
        duty: actor.role == Role::Duty,
        system: false,
    }
}

fn staff_ref(
    id: &Option<String>,
    name: &Option<String>,
    phone_full: &Option<String>,
    callable: bool,
) -> Option<StaffRef> {
    let id = id.clone()?;
    let full = phone_full.clone().unwrap_or_default();
    Some(StaffRef {
        id,
        name: name.clone().unwrap_or_default(),
        phone: phone::mask(&full),
        phone_full: callable.then_some(full),
    })
}

fn photo_refs(rows: Vec<PhotoRow>, order: &[String]) -> Vec<Photo> {
    let mut photos: Vec<Photo> = rows
        .into_iter()
        .map(|p| {
            let (url, thumb_url) = Photo::urls_for(&p.id);
            Photo { id: p.id, url, thumb_url, width: p.width, height: p.height }
        })
        .collect();
    photos.sort_by_key(|p| order.iter().position(|o| *o == p.id).unwrap_or(usize::MAX));
    photos
}

/// Who hears about a change to this job: the unit's residents, the
/// building's butler, the assignee, and the manager (plus the duty room
/// for critical jobs).
fn audience(job: &JobRow) -> Audience {
    let mut roles = vec![Role::Admin];
    if job.urgency == Urgency::Critical.as_str() {
        roles.push(Role::Duty);
    }
    Audience {
        users: job.assignee.iter().cloned().collect(),
        units: vec![job.unit.clone()],
        buildings: vec![job.building.clone()],
        roles,
        residents_of: vec![],
    }
}

fn refusal(r: Refusal, status: JobStatus) -> Error {
    match r {
        Refusal::NotNow => {
            AppError::new(ErrorCode::Conflict, Msg::ErrIllegalTransition).with_detail(status.as_str()).into()
        }
        Refusal::NotYou => AppError::forbidden().into(),
    }
}

fn clean_note(note: Option<&str>) -> Result<String> {
    clean::optional_block("note", note, MAX_DESCRIPTION)
}

/// The distinct photo keys of a request, in order; linear in the input,
/// which parsing already capped (`model::bounded`).
fn photo_keys(ids_in: &[String]) -> Result<Vec<String>> {
    let mut seen = std::collections::HashSet::with_capacity(ids_in.len());
    let mut keys: Vec<String> = Vec::new();
    for id in ids_in {
        if !ids::is_plausible_key(id) {
            return Err(AppError::invalid("photo_ids", Msg::ErrPhotoNotYours).into());
        }
        if seen.insert(id.as_str()) {
            keys.push(id.clone());
        }
    }
    if keys.len() > MAX_PHOTOS {
        return Err(AppError::invalid("photo_ids", Msg::ErrTooManyPhotos).into());
    }
    Ok(keys)
}

/// The stored fields a transition changes, computed in Rust from the rules.
struct Patch {
    status: JobStatus,
    assignee: Option<String>,
    owner: Option<String>,
    held_from: Option<String>,
    held_since: Option<DateTime<Utc>>,
    held_secs: i64,
    hold_reason: Option<String>,
    eta: Option<DateTime<Utc>>,
    responded_at: Option<DateTime<Utc>>,
    resolved_at: Option<DateTime<Utc>>,
    closed_at: Option<DateTime<Utc>>,
    reopen_count: i64,
}

fn patch(job: &JobRow, action: JobAction, next: JobStatus, input: &ActionInput, now: DateTime<Utc>) -> Patch {
    let was = job.status();
    let mut p = Patch {
        status: next,
        assignee: job.assignee.clone(),
        owner: job.owner.clone(),
        held_from: job.held_from.clone(),
        held_since: job.held_since,
        held_secs: job.held_secs,
        hold_reason: job.hold_reason.clone(),
        eta: job.eta,
        responded_at: job.responded_at,
        resolved_at: job.resolved_at,
        closed_at: job.closed_at,
        reopen_count: job.reopen_count,
    };
    // Leaving a hold (resume, or reassignment while held) stops the pause.
    if was == JobStatus::OnHold && next != JobStatus::OnHold {
        if let Some(since) = p.held_since {
            p.held_secs += (now - since).num_seconds().max(0);
        }
        p.held_since = None;
        p.held_from = None;
        p.hold_reason = None;
    }
    match action {
        JobAction::Acknowledge | JobAction::Assign => {
            p.responded_at = p.responded_at.or(Some(now));
            if action == JobAction::Assign {
                p.assignee = input.assignee_id.clone();
            }
        }
        JobAction::Hold => {
            p.held_from = Some(was.as_str().to_string());
            p.held_since = Some(now);
            p.hold_reason =
                clean::optional_block("note", input.note.as_deref(), MAX_DESCRIPTION).ok().filter(|n| !n.is_empty());
            p.eta = input.eta;
        }
        JobAction::StartTravel => p.eta = input.eta.or(p.eta),
        JobAction::Resolve => p.resolved_at = Some(now),
        JobAction::Reopen => {
            p.resolved_at = None;
            p.reopen_count += 1;
        }
        JobAction::Confirm | JobAction::Cancel => p.closed_at = Some(now),
        JobAction::StartWork | JobAction::Resume => {}
    }
    p
}

/// Attempts at a transition before giving up on a busy job.
const RETRIES: usize = 3;

impl Backend {
    /// The repair categories with their names in `lang`.
    pub fn repair_categories(&self, lang: linli_model::Lang) -> Vec<CategoryInfo> {
        Category::ALL
            .into_iter()
            .map(|c| CategoryInfo {
                key: c,
                name: c.label().text(lang).to_string(),
                icon: c.icon().to_string(),
                default_urgency: c.default_urgency(),
            })
            .collect()
    }

    /// The tags a rating may carry, with their labels in `lang`.
    pub fn rating_tags(&self, lang: linli_model::Lang) -> Vec<RatingTagInfo> {
        RatingTag::ALL.into_iter().map(|t| RatingTagInfo { key: t, name: t.label().text(lang).to_string() }).collect()
    }

    /// The SLA targets of a community (the defaults when never set).
    pub async fn sla_settings(&self, community: &str) -> Result<SlaSettings> {
        let mut res =
            run(self.db.query("SELECT sla FROM type::record('community', $c)").bind(("c", community.to_string())))
                .await?;
        Ok(row::<SettingsRow>(&mut res, 0)?.and_then(|r| r.sla).unwrap_or_default())
    }

    /// Reports a repair for the caller's home. The job lands with the
    /// building's butler (first-contact ownership).
    pub async fn create_repair(&self, actor: &Actor, input: NewRepair) -> Result<Job> {
        actor.require(&[Role::Resident])?;
        let unit = actor.unit.clone().ok_or_else(AppError::forbidden)?;
        let category =
            Category::parse(&input.category).ok_or_else(|| AppError::invalid("category", Msg::ErrCategory))?;
        let description = clean::optional_block("description", input.description.as_deref(), MAX_DESCRIPTION)?;
        let suggested = category.default_urgency();
        let urgency = match input.urgency.as_deref().filter(|u| !u.is_empty()) {
            None => suggested,
            Some(u) => {
                let u = Urgency::parse(u).ok_or_else(|| AppError::invalid("urgency", Msg::ErrUrgency))?;
                if u < suggested {
                    return Err(AppError::invalid("urgency", Msg::ErrUrgencyLower).into());
                }
                u
            }
        };
        let photos = photo_keys(&input.photo_ids)?;
        let target = self.sla_settings(actor.community_id()).await?.target(urgency);

        let mut res =
            run(self.db.query("SELECT butler FROM type::record('building', $b)").bind(("b", unit.building.id.clone())))
                .await?;
        let owner = row::<UnitPlace>(&mut res, 0)?.and_then(|p| p.butler);

        let id = ids::new_key();
        let now = Utc::now();
        let outcome = run(self
            .db
            .query(
                "BEGIN TRANSACTION;
                 LET $mine = (SELECT VALUE id FROM $photos WHERE uploader = $reporter AND repair = NONE);
                 IF array::len($mine) != array::len($photos) { THROW 'photo_not_yours' };
                 CREATE $job SET community = $community, building = $building, unit = $unit,
                     reporter = $reporter, owner = $owner, category = $category, description = $description,
                     urgency = $urgency, status = 'submitted', open = true, photos = $photos,
                     respond_secs = $respond_secs, resolve_secs = $resolve_secs,
                     created_at = $now, updated_at = $now, version = 1;
                 UPDATE $photos SET repair = $job;
                 CREATE repair_event SET repair = $job, seq = 1, action = 'submitted', to_status = 'submitted',
                     actor = $reporter, actor_name = $actor_name, actor_role = 'resident',
                     note = $description, photos = $photos, at = $now;
                 COMMIT TRANSACTION;",
            )
            .bind(("job", rid("repair", &id)))
            .bind(("community", rid("community", actor.community_id())))
            .bind(("building", rid("building", &unit.building.id)))
            .bind(("unit", rid("unit", &unit.id)))
            .bind(("reporter", rid("user", &actor.user_id)))
            .bind(("owner", owner.as_deref().map(|o| rid("user", o))))
            .bind(("category", category.as_str()))
            .bind(("description", description))
            .bind(("urgency", urgency.as_str()))
            .bind(("photos", rids("photo", &photos)))
            .bind(("respond_secs", target.respond_secs))
            .bind(("resolve_secs", target.resolve_secs))
            .bind(("now", now))
            .bind(("actor_name", actor.name.clone())))
        .await;
        if let Err(e) = outcome {
            return Err(if thrown(&e, "photo_not_yours") {
                AppError::invalid("photo_ids", Msg::ErrPhotoNotYours).into()
            } else {
                e
            });
        }
        tracing::info!(job = %id, category = category.as_str(), urgency = urgency.as_str(), "repair reported");
        let job = self.load_job(&id).await?.ok_or_else(|| Error::internal("job vanished after create"))?;
        self.announce_job(&job, "submitted");
        self.job_view(actor, job).await
    }

    async fn load_job(&self, id: &str) -> Result<Option<JobRow>> {
        if !ids::is_plausible_key(id) {
            return Ok(None);
        }
        let mut res = run(self
            .db
            .query(concat!(job_select!(), " FROM type::record('repair', $id)"))
            .bind(("id", id.to_string())))
        .await?;
        row(&mut res, 0)
    }

    /// Where a job lives, for access checks by other modules.
    pub async fn job_scope(&self, id: &str) -> Result<Option<JobScope>> {
        Ok(self.load_job(id).await?.map(|j| j.scope()))
    }

    /// One job, in full, if the caller may see it (404 otherwise).
    pub async fn job(&self, actor: &Actor, id: &str) -> Result<Job> {
        let job = self.load_job(id).await?.ok_or_else(AppError::not_found)?;
        actor.check_sees(job.scope().as_scope())?;
        self.job_view(actor, job).await
    }

    async fn job_view(&self, actor: &Actor, job: JobRow) -> Result<Job> {
        let mut res = run(self
            .db
            .query(
                "SELECT *, assignee.name AS assignee_name FROM repair_event
                     WHERE repair = type::record('repair', $id) ORDER BY seq;
                 SELECT id, width, height FROM photo WHERE repair = type::record('repair', $id);
                 SELECT * FROM rating WHERE repair = type::record('repair', $id);",
            )
            .bind(("id", job.id.clone())))
        .await?;
        let events: Vec<EventRow> = rows(&mut res, 0)?;
        let all_photos: Vec<PhotoRow> = rows(&mut res, 1)?;
        let rating: Option<Rating> = row::<RatingRow>(&mut res, 2)?.map(Into::into);
        let now = Utc::now();
        let photo_of = |id: &String| all_photos.iter().find(|p| p.id == *id).map(|p| (p.id.clone(), p.width, p.height));
        let to_photos = |keys: &[String]| -> Vec<Photo> {
            keys.iter()
                .filter_map(photo_of)
                .map(|(id, width, height)| {
                    let (url, thumb_url) = Photo::urls_for(&id);
                    Photo { id, url, thumb_url, width, height }
                })
                .collect()
        };
        let timeline = events
            .into_iter()
            .map(|e| TimelineEntry {
                seq: e.seq as u32,
                action: e.action,
                from_status: e.from_status.as_deref().and_then(JobStatus::parse),
                to_status: JobStatus::parse(&e.to_status).unwrap_or(JobStatus::Submitted),
                actor_name: e.actor_name,
                actor_role: e.actor_role,
                note: e.note,
                photos: to_photos(&e.photos),
                assignee: e.assignee.map(|id| PersonRef { id, name: e.assignee_name.unwrap_or_default() }),
                eta: e.eta,
                at: e.at,
            })
            .collect();
        let photos = photo_refs(
            all_photos
                .iter()
                .filter(|p| job.photos.contains(&p.id))
                .map(|p| PhotoRow { id: p.id.clone(), width: p.width, height: p.height })
                .collect(),
            &job.photos,
        );
        let party = party(actor, &job);
        let state = job.state();
        // The reporter's household may call its butler; staff may call anyone.
        let callable = actor.role.is_staff() || actor.unit_id() == Some(job.unit.as_str());
        let clock = job.clock();
        Ok(Job {
            id: job.id.clone(),
            category: Category::parse(&job.category).unwrap_or(Category::Other),
            description: job.description.clone(),
            urgency: Urgency::parse(&job.urgency).unwrap_or(Urgency::Normal),
            status: state.status,
            unit: job.unit_ref(),
            reporter: PersonRef { id: job.reporter.clone(), name: job.reporter_name.clone().unwrap_or_default() },
            butler: staff_ref(&job.owner, &job.owner_name, &job.owner_phone, callable),
            assignee: staff_ref(&job.assignee, &job.assignee_name, &job.assignee_phone, callable),
            photos,
            timeline,
            sla: clock.facts().compute(now),
            clock,
            allowed_actions: repair::allowed_actions(state, party),
            can_rate: repair::may_rate(state.status, party, rating.is_some()),
            rating,
            hold_reason: job.hold_reason.clone(),
            eta: job.eta,
            reopen_count: job.reopen_count.max(0) as u32,
            created_at: job.created_at,
            updated_at: job.updated_at,
        })
    }

    /// Jobs the caller may see. `scope`: `mine` (a resident's unit),
    /// `buildings` (a butler's), `assigned` (a worker's), `all` (manager
    /// and duty room); defaults to the caller's natural scope. `status`:
    /// `open` (sorted by SLA urgency, most urgent first) or `closed`.
    pub async fn list_jobs(
        &self,
        actor: &Actor,
        scope: Option<&str>,
        status: Option<&str>,
        limit: usize,
        before: Option<DateTime<Utc>>,
    ) -> Result<(Vec<JobSummary>, Option<DateTime<Utc>>)> {
        let natural = match actor.role {
            Role::Resident => "mine",
            Role::Butler => "buildings",
            Role::Worker => "assigned",
            Role::Duty | Role::Admin => "all",
            Role::Guard => return Err(AppError::forbidden().into()),
        };
        let scope = scope.filter(|s| !s.is_empty()).unwrap_or(natural);
        let open = match status.filter(|s| !s.is_empty()) {
            None | Some("all") => None,
            Some("open") => Some(true),
            Some("closed") => Some(false),
            Some(_) => return Err(AppError::invalid("status", Msg::ErrBadRequest).into()),
        };
        let allowed = match scope {
            "mine" => actor.role == Role::Resident,
            "buildings" => actor.role == Role::Butler,
            "assigned" => matches!(actor.role, Role::Worker | Role::Butler),
            "all" => matches!(actor.role, Role::Admin | Role::Duty),
            _ => return Err(AppError::invalid("scope", Msg::ErrBadRequest).into()),
        };
        if !allowed {
            return Err(AppError::forbidden().into());
        }
        let limit = limit.clamp(1, 200);
        // Open work is bounded (a board), so it is fetched whole and sorted
        // by urgency of the clock; history is paged by time.
        let fetch = if open == Some(true) { 500 } else { limit + 1 };
        let query = match scope {
            "mine" => concat!(
                job_select!(),
                " FROM repair WHERE unit = $target AND ($open = NONE OR open = $open)
                  AND ($before = NONE OR created_at < $before) ORDER BY created_at DESC LIMIT $fetch"
            ),
            "buildings" => concat!(
                job_select!(),
                " FROM repair WHERE building IN $targets AND ($open = NONE OR open = $open)
                  AND ($before = NONE OR created_at < $before) ORDER BY created_at DESC LIMIT $fetch"
            ),
            "assigned" => concat!(
                job_select!(),
                " FROM repair WHERE assignee = $target AND ($open = NONE OR open = $open)
                  AND ($before = NONE OR created_at < $before) ORDER BY created_at DESC LIMIT $fetch"
            ),
            _ => concat!(
                job_select!(),
                " FROM repair WHERE community = $target AND ($open = NONE OR open = $open)
                  AND ($before = NONE OR created_at < $before) ORDER BY created_at DESC LIMIT $fetch"
            ),
        };
        let target = match scope {
            "mine" => rid("unit", actor.unit_id().unwrap_or("-")),
            "assigned" => rid("user", &actor.user_id),
            _ => rid("community", actor.community_id()),
        };
        let buildings: Vec<String> = actor.buildings.iter().map(|b| b.id.clone()).collect();
        let mut res = run(self
            .db
            .query(query)
            .bind(("target", target))
            .bind(("targets", rids("building", &buildings)))
            .bind(("open", open))
            .bind(("before", before))
            .bind(("fetch", fetch as i64)))
        .await?;
        let jobs: Vec<JobRow> = rows(&mut res, 0)?;
        let now = Utc::now();
        let mut items: Vec<JobSummary> = jobs.iter().map(|j| j.summary(now)).collect();
        if open == Some(true) {
            sort_by_urgency(&mut items, now);
            return Ok((items, None));
        }
        let next = (items.len() > limit).then(|| items[limit - 1].created_at);
        items.truncate(limit);
        Ok((items, next))
    }

    /// Applies an action to a job, or explains why not: 404 if the caller
    /// cannot see the job, 403 if it is not theirs to do, 409 if the job's
    /// state does not allow it now, 422 for bad input. Nothing is changed
    /// on refusal.
    pub async fn act(&self, actor: &Actor, id: &str, input: ActionInput) -> Result<Job> {
        let action =
            JobAction::parse(&input.action).ok_or_else(|| AppError::invalid("action", Msg::ErrUnknownAction))?;
        let note = clean_note(input.note.as_deref())?;
        let after_photos = photo_keys(&input.photo_ids)?;
        for attempt in 0..RETRIES {
            let job = self.load_job(id).await?.ok_or_else(AppError::not_found)?;
            actor.check_sees(job.scope().as_scope())?;
            let next =
                repair::transition(job.state(), party(actor, &job), action).map_err(|r| refusal(r, job.status()))?;
            let assignee_name = self.check_action_input(actor, &job, action, &input, &note).await?;
            let now = Utc::now();
            let p = patch(&job, action, next, &input, now);
            let message = reporter_message(&job, action, assignee_name, now);
            match self.store_transition(&job, action, &p, actor_stamp(actor), &note, &after_photos, message, now).await
            {
                Ok(()) => {
                    let updated = self.load_job(id).await?.ok_or_else(|| Error::internal("job vanished"))?;
                    self.announce_job(&updated, action.as_str());
                    tracing::info!(job = %id, action = action.as_str(), to = next.as_str(), "repair transition");
                    return self.job_view(actor, updated).await;
                }
                Err(e) if thrown(&e, "stale") && attempt + 1 < RETRIES => continue,
                Err(e) if thrown(&e, "stale") || e.is_unique_violation() => {
                    return Err(AppError::conflict(Msg::ErrJobChanged).into());
                }
                Err(e) if thrown(&e, "photo_not_yours") => {
                    return Err(AppError::invalid("photo_ids", Msg::ErrPhotoNotYours).into());
                }
                Err(e) => return Err(e),
            }
        }
        Err(AppError::conflict(Msg::ErrJobChanged).into())
    }

    /// Checks what an action needs beyond the state machine; for an
    /// assignment, answers the assignee's name.
    async fn check_action_input(
        &self,
        actor: &Actor,
        job: &JobRow,
        action: JobAction,
        input: &ActionInput,
        note: &str,
    ) -> Result<Option<String>> {
        match action {
            JobAction::Assign => {
                let assignee = input
                    .assignee_id
                    .as_deref()
                    .filter(|a| ids::is_plausible_key(a))
                    .ok_or_else(|| AppError::invalid("assignee_id", Msg::ErrAssigneeRequired))?;
                let found = self.assignable(actor, &job.id).await?.into_iter().find(|a| a.id == assignee);
                let Some(found) = found else {
                    return Err(AppError::invalid("assignee_id", Msg::ErrAssigneeInvalid).into());
                };
                return Ok(Some(found.name));
            }
            JobAction::Hold if note.is_empty() => {
                return Err(AppError::invalid("note", Msg::ErrHoldReason).into());
            }
            _ if input.eta.is_some_and(|eta| !linli_model::time::is_plausible_client_date(eta, Utc::now())) => {
                return Err(AppError::invalid("eta", Msg::ErrDateOutOfRange).into());
            }
            JobAction::Hold | JobAction::StartTravel
                if input.eta.is_some_and(|eta| eta < Utc::now() - Duration::minutes(1)) =>
            {
                return Err(AppError::invalid("eta", Msg::ErrEtaPast).into());
            }
            JobAction::Cancel if !actor.role.is_staff() || !note.is_empty() => {}
            JobAction::Cancel => return Err(AppError::invalid("note", Msg::ErrCancelReason).into()),
            _ => {}
        }
        Ok(None)
    }

    #[allow(clippy::too_many_arguments)]
    async fn store_transition(
        &self,
        job: &JobRow,
        action: JobAction,
        p: &Patch,
        who: (String, String, String),
        note: &str,
        photos: &[String],
        message: Option<SubscribeMessage<'_>>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let (actor_id, actor_name, actor_role) = who;
        let query = self.db.query(concat!(
            "BEGIN TRANSACTION;
                 IF (SELECT VALUE version FROM ONLY $job) != $version { THROW 'stale' };
                 LET $mine = (SELECT VALUE id FROM $photos WHERE uploader = $actor AND repair = NONE);
                 IF array::len($mine) != array::len($photos) { THROW 'photo_not_yours' };
                 LET $seq = (SELECT VALUE seq FROM repair_event WHERE repair = $job ORDER BY seq DESC LIMIT 1)[0] ?? 0;
                 UPDATE $job SET status = $status, open = $open, assignee = $assignee, owner = $owner,
                     held_from = $held_from, held_since = $held_since, held_secs = $held_secs,
                     hold_reason = $hold_reason, eta = $eta, responded_at = $responded_at,
                     resolved_at = $resolved_at, closed_at = $closed_at, reopen_count = $reopen_count,
                     updated_at = $now, version = $version + 1;
                 UPDATE $photos SET repair = $job;
                 CREATE repair_event SET repair = $job, seq = $seq + 1, action = $action,
                     from_status = $from, to_status = $status, actor = $actor, actor_name = $actor_name,
                     actor_role = $actor_role, note = $note, photos = $photos,
                     assignee = IF $action = 'assign' { $assignee } ELSE { NONE },
                     eta = IF $action IN ['hold', 'start_travel'] { $eta } ELSE { NONE }, at = $now;",
            subscribe_message_create!(),
            "COMMIT TRANSACTION;"
        ));
        run(self
            .bind_subscribe_message(query, message)
            .bind(("job", rid("repair", &job.id)))
            .bind(("version", job.version))
            .bind(("status", p.status.as_str()))
            .bind(("open", p.status.is_open()))
            .bind(("assignee", p.assignee.as_deref().map(|a| rid("user", a))))
            .bind(("owner", p.owner.as_deref().map(|o| rid("user", o))))
            .bind(("held_from", p.held_from.clone()))
            .bind(("held_since", p.held_since))
            .bind(("held_secs", p.held_secs))
            .bind(("hold_reason", p.hold_reason.clone()))
            .bind(("eta", p.eta))
            .bind(("responded_at", p.responded_at))
            .bind(("resolved_at", p.resolved_at))
            .bind(("closed_at", p.closed_at))
            .bind(("reopen_count", p.reopen_count))
            .bind(("now", now))
            .bind(("photos", rids("photo", photos)))
            .bind(("action", action.as_str()))
            .bind(("from", job.status.clone()))
            .bind(("actor", (!actor_id.is_empty()).then(|| rid("user", &actor_id))))
            .bind(("actor_name", actor_name))
            .bind(("actor_role", actor_role))
            .bind(("note", note.to_string())))
        .await
        .map(|_| ())
    }

    /// The people a job can be assigned to: the community's active workers
    /// (those with the job's trade first) and the owning butler themselves.
    pub async fn assignable(&self, actor: &Actor, job_id: &str) -> Result<Vec<Assignable>> {
        let job = self.load_job(job_id).await?.ok_or_else(AppError::not_found)?;
        actor.check_sees(job.scope().as_scope())?;
        actor.require(&[Role::Butler, Role::Admin])?;
        let mut res = run(self
            .db
            .query(
                "SELECT id, name, role, trades,
                        count((SELECT id FROM repair WHERE assignee = $parent.id AND open = true)) AS open_jobs
                 FROM user WHERE community = $community AND active = true
                     AND (role = 'worker' OR id = $owner)",
            )
            .bind(("community", rid("community", &job.community)))
            .bind(("owner", job.owner.as_deref().map(|o| rid("user", o)))))
        .await?;
        let trade = Category::parse(&job.category).unwrap_or(Category::Other).trade();
        let mut people: Vec<Assignable> = rows::<PersonRow>(&mut res, 0)?
            .into_iter()
            .map(|p| Assignable { id: p.id, name: p.name, role: p.role, trades: p.trades, open_jobs: p.open_jobs })
            .collect();
        people.sort_by_key(|p| (!p.trades.iter().any(|t| t == trade.as_str()), p.open_jobs, p.name.clone()));
        Ok(people)
    }

    /// The reporter rates a resolved job once: 1–5 stars, quick tags, a
    /// comment. Rating also confirms the fix. Two stars or fewer opens a
    /// follow-up visit for the manager.
    pub async fn rate_job(&self, actor: &Actor, id: &str, input: RatingInput) -> Result<Rating> {
        let job = self.load_job(id).await?.ok_or_else(AppError::not_found)?;
        actor.check_sees(job.scope().as_scope())?;
        let party = party(actor, &job);
        if !party.reporter {
            return Err(AppError::forbidden().into());
        }
        if !(1..=5).contains(&input.stars) {
            return Err(AppError::invalid("stars", Msg::ErrStars).into());
        }
        let mut tags: Vec<String> = Vec::new();
        for t in &input.tags {
            let tag = RatingTag::from_input(t).ok_or_else(|| AppError::invalid("tags", Msg::ErrTags))?;
            if !tags.iter().any(|k| k == tag.as_str()) {
                tags.push(tag.as_str().to_string());
            }
        }
        let comment = clean::optional_block("comment", input.comment.as_deref(), 500)?;
        let mut res =
            run(self.db.query("SELECT id FROM rating WHERE repair = $job").bind(("job", rid("repair", id)))).await?;
        let rated = !rows::<serde_json::Value>(&mut res, 0)?.is_empty();
        if rated {
            return Err(AppError::conflict(Msg::ErrAlreadyRated).into());
        }
        if !repair::may_rate(job.status(), party, false) {
            return Err(AppError::new(ErrorCode::Conflict, Msg::ErrNotYetRatable)
                .with_detail(job.status.clone())
                .into());
        }
        let rating_id = ids::new_key();
        let now = Utc::now();
        let stars = input.stars;
        let outcome = run(self
            .db
            .query(
                "BEGIN TRANSACTION;
                 IF (SELECT VALUE version FROM ONLY $job) != $version { THROW 'stale' };
                 CREATE $rating SET community = $community, subject = 'repair', repair = $job, building = $building,
                     butler = $owner, assignee = $assignee, rater = $rater, stars = $stars, tags = $tags,
                     comment = $comment, at = $now;
                 LET $seq = (SELECT VALUE seq FROM repair_event WHERE repair = $job ORDER BY seq DESC LIMIT 1)[0] ?? 0;
                 UPDATE $job SET status = 'rated', open = false, closed_at = closed_at ?? $now,
                     updated_at = $now, version = $version + 1;
                 CREATE repair_event SET repair = $job, seq = $seq + 1, action = 'rated', from_status = $from,
                     to_status = 'rated', actor = $rater, actor_name = $rater_name, actor_role = 'resident',
                     note = $comment, at = $now;
                 IF $stars <= 2 {
                     CREATE follow_up SET community = $community, building = $building, butler = $owner,
                         reason = 'low_rating', repair = $job, rating = $rating, status = 'open', created_at = $now
                 };
                 COMMIT TRANSACTION;",
            )
            .bind(("job", rid("repair", id)))
            .bind(("version", job.version))
            .bind(("rating", rid("rating", &rating_id)))
            .bind(("community", rid("community", &job.community)))
            .bind(("building", rid("building", &job.building)))
            .bind(("owner", job.owner.as_deref().map(|o| rid("user", o))))
            .bind(("assignee", job.assignee.as_deref().map(|a| rid("user", a))))
            .bind(("rater", rid("user", &actor.user_id)))
            .bind(("rater_name", actor.name.clone()))
            .bind(("stars", stars))
            .bind(("tags", tags.clone()))
            .bind(("comment", comment.clone()))
            .bind(("from", job.status.clone()))
            .bind(("now", now)))
        .await;
        match outcome {
            Ok(_) => {}
            Err(e) if e.is_unique_violation() || thrown(&e, "stale") => {
                return Err(AppError::conflict(Msg::ErrAlreadyRated).into());
            }
            Err(e) => return Err(e),
        }
        if let Some(updated) = self.load_job(id).await? {
            self.announce_job(&updated, "rated");
        }
        Ok(Rating { id: rating_id, stars: stars as u8, tags, comment, at: now })
    }

    /// Tells everyone concerned that a job changed.
    fn announce_job(&self, job: &JobRow, action: &str) {
        self.events.publish(
            EventKind::RepairUpdated,
            &job.community,
            audience(job),
            json!({ "id": job.id, "status": job.status, "action": action, "urgency": job.urgency }),
        );
    }

    /// Background duties, run every few seconds: SLA warnings (80 %) to the
    /// butler, escalation to the manager at breach, and confirmation of
    /// jobs resolved more than 72 hours ago without an answer.
    pub async fn sweep_repairs(&self, now: DateTime<Utc>) -> Result<()> {
        let mut res =
            run(self.db.query(concat!(job_select!(), " FROM repair WHERE open = true OR status = 'resolved'"))).await?;
        let jobs: Vec<JobRow> = rows(&mut res, 0)?;
        for job in jobs {
            if job.status() == JobStatus::Resolved
                && job.resolved_at.is_some_and(|at| now - at >= Duration::hours(AUTO_CONFIRM_HOURS))
            {
                self.auto_confirm(&job, now).await?;
                continue;
            }
            self.raise_sla_alerts(&job, now).await?;
        }
        Ok(())
    }

    async fn auto_confirm(&self, job: &JobRow, now: DateTime<Utc>) -> Result<()> {
        let system = Party { system: true, ..Party::default() };
        let Ok(next) = repair::transition(job.state(), system, JobAction::Confirm) else { return Ok(()) };
        let p = patch(job, JobAction::Confirm, next, &ActionInput::default(), now);
        let who = (String::new(), "系统".to_string(), "system".to_string());
        match self.store_transition(job, JobAction::Confirm, &p, who, "auto_confirm", &[], None, now).await {
            Ok(()) => {
                if let Some(updated) = self.load_job(&job.id).await? {
                    self.announce_job(&updated, "auto_confirm");
                }
                tracing::info!(job = %job.id, "auto-confirmed after 72 h");
                Ok(())
            }
            // Someone answered at the same moment: theirs wins.
            Err(e) if thrown(&e, "stale") => Ok(()),
            Err(e) => Err(e),
        }
    }

    async fn raise_sla_alerts(&self, job: &JobRow, now: DateTime<Utc>) -> Result<()> {
        let sla = job.clock().facts().compute(now);
        let mut due = Vec::new();
        for (clock, state) in [("respond", sla.respond), ("resolve", sla.resolve)] {
            let alert = match state {
                ClockState::Warning => format!("{clock}_warn"),
                ClockState::Breached => format!("{clock}_breach"),
                _ => continue,
            };
            if !job.alerts.contains(&alert) {
                due.push(alert);
            }
        }
        if due.is_empty() {
            return Ok(());
        }
        run(self
            .db
            .query("UPDATE $job SET alerts = array::union(alerts, $due)")
            .bind(("job", rid("repair", &job.id)))
            .bind(("due", due.clone())))
        .await?;
        for alert in due {
            let breach = alert.ends_with("_breach");
            // Warnings go to the butler; a breach escalates to the manager too.
            let audience = Audience {
                buildings: vec![job.building.clone()],
                roles: if breach { vec![Role::Admin] } else { vec![] },
                ..Audience::default()
            };
            self.events.publish(
                EventKind::RepairUpdated,
                &job.community,
                audience,
                json!({ "id": job.id, "status": job.status, "action": "sla_alert", "alert": alert }),
            );
            tracing::warn!(job = %job.id, alert = %alert, "SLA alert");
        }
        Ok(())
    }
}

/// The stages worth a WeChat message to the reporter (one consent each):
/// assigned (with the assignee's name) and resolved.
fn reporter_message(
    job: &JobRow,
    action: JobAction,
    assignee_name: Option<String>,
    now: DateTime<Utc>,
) -> Option<SubscribeMessage<'_>> {
    let key = match action {
        JobAction::Assign => "job_assigned",
        JobAction::Resolve => "job_resolved",
        _ => return None,
    };
    let who = assignee_name.or_else(|| job.assignee_name.clone()).unwrap_or_default();
    Some(SubscribeMessage {
        community: &job.community,
        user: &job.reporter,
        key,
        data: json!({
            "thing1": t_category(&job.category), "thing2": who,
            "time3": linli_model::time::format_local(now),
        }),
        lane: Lane::Normal,
    })
}

fn t_category(category: &str) -> String {
    Category::parse(category).map(|c| c.label().text(linli_model::Lang::Zh).to_string()).unwrap_or_default()
}

fn actor_stamp(actor: &Actor) -> (String, String, String) {
    (actor.user_id.clone(), actor.name.clone(), actor.role.as_str().to_string())
}

/// Most urgent first: overdue before nearly due before on track, then by
/// the deadline that matters next, then critical before normal.
pub fn sort_by_urgency(items: &mut [JobSummary], now: DateTime<Utc>) {
    let rank = |s: ClockState| match s {
        ClockState::Breached | ClockState::Missed => 0,
        ClockState::Warning => 1,
        ClockState::OnTrack => 2,
        ClockState::Paused => 3,
        ClockState::Met => 4,
    };
    items.sort_by_key(|j| {
        let next_deadline = if j.clock.responded_at.is_none() { j.sla.respond_by } else { j.sla.resolve_by };
        (rank(j.sla.state), (next_deadline - now).num_seconds(), std::cmp::Reverse(j.urgency))
    });
}
