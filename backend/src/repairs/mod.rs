//! Repair jobs: report, dispatch to the building's butler, the state
//! machine, the timeline, SLA alerts, auto-confirmation and ratings.
//!
//! The rules themselves live in `model::repair` and `model::sla`; this
//! module loads the facts, asks the rules, and stores the outcome in one
//! transaction guarded by the job's `version`, so two people acting at the
//! same moment cannot both move the job from the same state.

#[macro_use]
pub(crate) mod store;
mod follow_up;
mod outage;
mod rating;
pub(crate) mod request_key;
mod sweep;
mod transition;
mod urge;

use crate::record::{BuildingId, CommunityId, JobId, PhotoId, UnitId, UserId};
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use super::{
    Backend, clean,
    db::{row, rows, run, thrown},
    error::{Error, Result},
    ids,
    notify::Lane,
    policy::{Actor, Permission},
    staff_entry::Filer,
    wechat::SubscribeMessage,
};
use linli_model::{
    AppError, Cursor, Msg, Page, PageRequest,
    complaint::JobKind,
    job::{
        ActionInput, Assignable, CategoryInfo, Job, JobSummary, NewRepair, PersonRef, Photo, Rating, RatingTagInfo,
        TimelineEntry,
    },
    job_list::JobFilter,
    keys::{ActorRole, JobListScope},
    live::EventKind,
    repair::{self, Category, JobAction, MAX_DESCRIPTION, RatingTag, Urgency},
    sla::{BusinessHours, ClockState, SlaSettings},
};

pub use store::JobScope;

/// A community's clock settings (`Backend::clock_settings`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct ClockSettings {
    pub(crate) sla: SlaSettings,
    pub(crate) business_hours: Option<BusinessHours>,
    pub(crate) urge_interval_mins: u32,
}
use request_key::Filed;
pub(crate) use request_key::{Allowance, FilingLane, KeyedRequest};
use store::*;
use transition::*;

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

    /// Stores a community's business hours (`None`: around the clock) and
    /// urge interval; checked by the caller (`update_settings`).
    pub(crate) async fn store_clock_settings(
        &self,
        community: &str,
        hours: Option<BusinessHours>,
        urge_interval_mins: u32,
    ) -> Result<()> {
        run(self
            .db
            .query(store::UPDATE_CLOCK_SETTINGS)
            .bind(("c", CommunityId::record_of(community)))
            .bind(("hours", hours.map(serde_json::to_value).transpose()?))
            .bind(("urge", i64::from(urge_interval_mins))))
        .await?;
        Ok(())
    }

    /// A community's clock settings: SLA targets, business hours, urge
    /// interval (defaults where never set).
    pub(crate) async fn clock_settings(&self, community: &str) -> Result<ClockSettings> {
        let mut res = run(self.db.query(store::SLA_SETTINGS).bind(("c", CommunityId::record_of(community)))).await?;
        let row = row::<SettingsRow>(&mut res, 0)?;
        Ok(ClockSettings {
            sla: row.as_ref().and_then(|r| r.sla).unwrap_or_default(),
            business_hours: row.as_ref().and_then(|r| r.business_hours).filter(BusinessHours::is_valid),
            urge_interval_mins: row.and_then(|r| r.urge_interval_mins).unwrap_or(repair::URGE_INTERVAL_MINS_DEFAULT),
        })
    }

    /// Reports a repair for the caller's home, or, with `on_behalf`, for a
    /// resident a staff member enters it for (代客报修, see
    /// `staff_entry`). The job lands with the building's butler
    /// (first-contact ownership) either way; the resident is its reporter.
    /// A repeat of a keyed report answers the stored job
    /// ([`Backend::create_repair_or_find`]).
    pub async fn create_repair(&self, actor: &Actor, input: NewRepair) -> Result<Job> {
        Ok(self.create_repair_or_find(actor, input).await?.0)
    }

    /// [`Backend::create_repair`], also saying whether the job is new:
    /// `false` when the caller (the resident, or the staff member entering
    /// it) filed a report with the same `client_key` before. That job is
    /// answered as it is now, and nothing else happens: no second job,
    /// alert or clock, and the repeat's own unattached uploads among
    /// `photo_ids` are deleted. 422 `client_key` for a key of the wrong
    /// shape or one already used for a complaint or suggestion, before
    /// anything is stored.
    pub async fn create_repair_or_find(&self, actor: &Actor, input: NewRepair) -> Result<(Job, bool)> {
        let filer = match &input.on_behalf {
            Some(on_behalf) => self.filer_for(actor, on_behalf).await?,
            None => {
                actor.require(Permission::ReportRepair)?;
                Filer::own(actor)?
            }
        };
        let (id, created) = self.file_repair(actor.community_id(), &filer, &input, None).await?;
        let job = self.load_job(&id).await?.ok_or_else(|| Error::internal("job vanished after create"))?;
        if !created {
            // The key's job, shown as to anyone asking for it by id.
            actor.check_sees(job.scope().as_scope())?;
        }
        Ok((self.job_view(actor, job).await?, created))
    }

    /// Stores and announces a report by `filer` (already checked), linked
    /// to the job a follow-up found unsatisfactory if `follow_up_of`;
    /// answers the job's id and whether it is new (`false`: the filer's
    /// `client_key` already filed it, see `request_key`).
    pub(crate) async fn file_repair(
        &self,
        community: &str,
        filer: &Filer,
        input: &NewRepair,
        follow_up_of: Option<&str>,
    ) -> Result<(String, bool)> {
        let key = linli_model::client_key::of_request(input.client_key.as_deref(), None)?;
        let unit = &filer.unit;
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
        let clock = self.clock_settings(community).await?;
        let target = clock.sla.target(urgency);
        let window = BusinessHours::for_urgency(clock.business_hours, urgency);

        let mut res =
            run(self.db.query(store::BUTLER_OF_BUILDING).bind(("b", BuildingId::record_of(unit.building.id.clone()))))
                .await?;
        let owner = row::<UnitPlace>(&mut res, 0)?.and_then(|p| p.butler);

        let id = ids::new_key();
        let now = self.now();
        let business_hours = window.map(serde_json::to_value).transpose()?;
        let by = filer.uploader();
        let store = || {
            let query = self
                .db
                .query(store::CREATE_REPAIR)
                .bind(("job", JobId::record_of(&id)))
                .bind(("community", CommunityId::record_of(community)))
                .bind(("building", BuildingId::record_of(&unit.building.id)))
                .bind(("unit", UnitId::record_of(&unit.id)))
                .bind(("reporter", UserId::record_of(&filer.resident_id)))
                .bind(("uploader", UserId::record_of(by)))
                .bind(("channel", filer.channel.as_str()))
                .bind(("entered_by", filer.entered_by.as_ref().map(|(id, _, _)| UserId::record_of(id))))
                .bind(("follow_up_of", follow_up_of.map(JobId::record_of)))
                .bind(("actor_role", filer.stamp().2.as_str()))
                .bind(("owner", owner.as_deref().map(UserId::record_of)))
                .bind(("category", category.as_str()))
                .bind(("description", description.clone()))
                .bind(("urgency", urgency.as_str()))
                .bind(("photos", PhotoId::records_of(&photos)))
                .bind(("respond_secs", target.respond_secs))
                .bind(("business_hours", business_hours.clone()))
                .bind(("resolve_secs", target.resolve_secs))
                .bind(("next_due", linli_model::due::first_due(now, target.respond_secs, target.resolve_secs, window)))
                .bind(("now", now))
                .bind(("actor_name", filer.stamp().1))
                .bind(("client_key", key.clone()))
                .bind(("client_key_by", key.as_ref().map(|_| UserId::record_of(by))));
            async move { run(query).await.map(|_| ()) }
        };
        let by_staff = filer.entered_by.is_some();
        let lane = if urgency == Urgency::Critical { FilingLane::Critical } else { FilingLane::Repair };
        let allowance = Allowance { by_staff, lane };
        let request = KeyedRequest {
            key: key.as_deref(),
            family: &[JobKind::Repair],
            category: category.as_str(),
            description: &description,
        };
        let filed = self.file_keyed(by, allowance, request, &input.photo_ids, store).await;
        match filed {
            Ok(Filed::New) => {}
            Ok(Filed::Repeat(existing)) => return Ok((existing, false)),
            Err(e) if thrown(&e, "photo_not_yours") => {
                return Err(AppError::invalid("photo_ids", Msg::ErrPhotoNotYours).into());
            }
            Err(e) => return Err(e),
        }
        tracing::info!(job = %id, category = category.as_str(), urgency = urgency.as_str(),
            channel = filer.channel.as_str(), "repair reported");
        self.link_repair_to_outage(&id, community, &unit.building.id, category).await?;
        let job = self.load_job(&id).await?.ok_or_else(|| Error::internal("job vanished after create"))?;
        self.announce_job(&job, "submitted");
        Ok((id, true))
    }

    /// Where a job lives, for access checks by other modules.
    pub(crate) async fn job_scope(&self, id: &str) -> Result<Option<JobScope>> {
        Ok(self.load_job(id).await?.map(|j| j.scope()))
    }

    /// One job, in full, if the caller may see it (404 otherwise).
    pub async fn job(&self, actor: &Actor, id: &str) -> Result<Job> {
        let job = self.load_job(id).await?.ok_or_else(AppError::not_found)?;
        actor.check_sees(job.scope().as_scope())?;
        self.job_view(actor, job).await
    }

    async fn job_view(&self, actor: &Actor, job: JobRow) -> Result<Job> {
        let mut res = run(self.db.query(store::JOB_VIEW).bind(("id", job.id.record()))).await?;
        let events: Vec<EventRow> = rows(&mut res, 0)?;
        let all_photos: Vec<PhotoRow> = rows(&mut res, 1)?;
        let rating: Option<Rating> = row::<RatingRow>(&mut res, 2)?.map(Into::into);
        let now = self.now();
        let photo_of =
            |id: &PhotoId| all_photos.iter().find(|p| p.id == *id).map(|p| (p.id.clone(), p.width, p.height));
        let to_photos = |keys: &[PhotoId]| -> Vec<Photo> {
            keys.iter()
                .filter_map(photo_of)
                .map(|(id, width, height)| {
                    let (url, thumb_url) = Photo::urls_for(id.key());
                    Photo { id: String::from(id), url, thumb_url, width, height }
                })
                .collect()
        };
        // The staff member who entered it is the first entry's actor.
        let entered_by = job.entered_by.clone().map(|id| PersonRef {
            id: String::from(id),
            name: events.first().map(|e| e.actor_name.clone()).unwrap_or_default(),
        });
        let timeline = events
            .into_iter()
            .map(|e| TimelineEntry {
                seq: crate::convert::non_negative(e.seq),
                action: e.action,
                from_status: e.from_status,
                to_status: e.to_status,
                actor_name: e.actor_name,
                actor_role: e.actor_role,
                note: e.note,
                photos: to_photos(&e.photos),
                assignee: e
                    .assignee
                    .map(|id| PersonRef { id: String::from(id), name: e.assignee_name.unwrap_or_default() }),
                eta: e.eta,
                hold_reason: e.hold_code,
                resume_at: e.resume_at,
                held_secs: e.held_secs,
                channel: (e.action == linli_model::keys::TimelineAction::Submitted
                    && job.channel != linli_model::staff_entry::Channel::App)
                    .then_some(job.channel),
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
        let callable = actor.may_call_staff_of(job.unit.as_str());
        let clock = job.clock();
        Ok(Job {
            id: String::from(job.id.clone()),
            category: job.category,
            description: job.description.clone(),
            urgency: job.urgency,
            status: state.status,
            unit: job.unit_ref(),
            reporter: PersonRef {
                id: String::from(job.reporter.clone()),
                name: job.reporter_name.clone().unwrap_or_default(),
            },
            butler: staff_ref(&job.owner, &job.owner_name, &job.owner_phone, callable),
            assignee: staff_ref(&job.assignee, &job.assignee_name, &job.assignee_phone, callable),
            photos,
            timeline,
            sla: clock.facts().compute(now),
            clock,
            allowed_actions: repair::allowed_actions(state, party),
            can_rate: repair::may_rate(state.status, party, rating.is_some()),
            rating,
            // As before reasons: the note, else the reason's name (Chinese,
            // as stored notes are), for clients that only read this field.
            hold_reason: job.hold().map(|h| {
                if h.note.is_empty() { h.reason.label().text(linli_model::Lang::Zh).to_string() } else { h.note }
            }),
            hold: job.hold(),
            eta: job.eta,
            may_urge: repair::may_urge(state.status, party),
            urge_next_at: job.urge_next_at.filter(|_| party.reporter && state.status.is_open()),
            urge_count: crate::convert::non_negative(job.urge_count),
            reopen_count: crate::convert::non_negative(job.reopen_count),
            created_at: job.created_at,
            updated_at: job.updated_at,
            channel: job.channel,
            entered_by,
            follow_up_of: job.follow_up_of.clone().map(String::from),
            outage: self.outage_ref(job.outage.as_ref()).await?,
        })
    }

    /// Jobs the caller may see, a page at a time. `scope`: `mine` (a
    /// resident's unit), `buildings` (a butler's), `assigned` (a worker's),
    /// `all` (manager and duty room); defaults to the caller's natural
    /// scope. `status`: `open` — the board: sorted by SLA urgency, most
    /// urgent first, with `total` (open jobs in scope) and `breached` (of
    /// those, how many missed a deadline) — or `closed`/`all`, newest first.
    /// Paged by keyset cursor (`PageRequest`, list `repairs`): history by
    /// `(created_at, id)`; the board by the urgency order evaluated at the
    /// first page's instant (carried in the cursor), so that a job neither
    /// repeats nor is skipped as clocks tick between pages. `filter`
    /// narrows the list before it is counted and paged (a building outside
    /// the scope gives an empty list).
    pub async fn list_jobs(
        &self,
        actor: &Actor,
        scope: Option<&str>,
        status: Option<&str>,
        filter: &JobFilter,
        page: &PageRequest,
    ) -> Result<Page<JobSummary>> {
        let scope = match scope.filter(|s| !s.is_empty()) {
            None => actor.natural_job_list().ok_or_else(AppError::forbidden)?,
            Some(s) => JobListScope::parse(s).ok_or_else(|| AppError::invalid("scope", Msg::ErrBadRequest))?,
        };
        let open = match status.filter(|s| !s.is_empty()) {
            None | Some("all") => None,
            Some("open") => Some(true),
            Some("closed") => Some(false),
            Some(_) => return Err(AppError::invalid("status", Msg::ErrBadRequest).into()),
        };
        if !actor.may_list_jobs(scope) {
            return Err(AppError::forbidden().into());
        }
        let board = open == Some(true);
        let after = page.after.as_ref();
        let bad_cursor = || AppError::invalid("cursor", Msg::ErrBadCursor);
        // The board's cursor carries [instant, rank, secs, urgency]; the
        // history's [created_at].
        if after.is_some_and(|c| c.keys.len() != if board { 4 } else { 1 }) {
            return Err(bad_cursor().into());
        }
        let query = match scope {
            JobListScope::Mine => store::LIST_JOBS_OF_UNIT,
            JobListScope::Buildings => store::LIST_JOBS_OF_BUILDINGS,
            JobListScope::Assigned => store::LIST_JOBS_ASSIGNED,
            JobListScope::All => store::LIST_JOBS_OF_COMMUNITY,
        };
        let target = match scope {
            JobListScope::Mine => UnitId::record_of(actor.unit_id().unwrap_or("-")),
            JobListScope::Assigned => UserId::record_of(&actor.user_id),
            JobListScope::Buildings | JobListScope::All => CommunityId::record_of(actor.community_id()),
        };
        let buildings: Vec<String> = actor.buildings.iter().map(|b| b.id.clone()).collect();
        // Open work is the work itself (it does not grow with history): the
        // board reads all of it, to sort by the clocks and to count.
        let (at, after_id, fetch) = match after {
            Some(c) if !board => (c.instant(0), Some(JobId::record_of(&c.id)), page.fetch()),
            _ if board => (None, None, OPEN_BOARD_CEILING),
            _ => (None, None, page.fetch()),
        };
        // From memory when nothing was written since (`Db::read_through`):
        // the rows do not depend on the clock, the summaries below do.
        let key = format!("{:?}", (&target, &buildings, open, filter, at, &after_id, fetch));
        let jobs: std::sync::Arc<Vec<JobRow>> = self
            .db
            .read_through(query, key, |q| {
                q.bind(("target", target))
                    .bind(("targets", BuildingId::records_of(&buildings)))
                    .bind(("open", open))
                    .bind(("building", filter.building.as_deref().map(BuildingId::record_of)))
                    .bind(("urgency", filter.urgency.map(|u| u.as_str())))
                    .bind(("at", at))
                    .bind(("after", after_id))
                    .bind(("fetch", fetch))
            })
            .await?;
        let now = self.now();
        if !board {
            let items: Vec<JobSummary> = jobs.iter().map(|j| j.summary(now)).collect();
            return Ok(page.cut(items, LIST_REPAIRS, |j| Cursor::at(j.created_at, j.id.clone())));
        }
        if i64::try_from(jobs.len()).unwrap_or(i64::MAX) >= OPEN_BOARD_CEILING {
            tracing::warn!(count = jobs.len(), "open-jobs board at its ceiling; rows beyond it are not shown");
        }
        let snapshot = after.and_then(|c| c.instant(0)).unwrap_or(now);
        // A job changed since the first page (held, resumed, acknowledged)
        // has another place in the order now: on later pages it joins one
        // group after all the rest, by id, so it is never skipped; a job
        // already shown is shown again there, with its new state.
        let mut keyed: Vec<([i64; 3], JobSummary)> = jobs
            .iter()
            .map(|j| {
                let key = if j.updated_at > snapshot {
                    CHANGED_SINCE_FIRST_PAGE
                } else {
                    urgency_key(&j.summary(snapshot), snapshot)
                };
                (key, j.summary(now))
            })
            .collect();
        let total = keyed.len() as u64;
        let breached =
            keyed.iter().filter(|(_, j)| matches!(j.sla.state, ClockState::Breached | ClockState::Missed)).count()
                as u64;
        keyed.sort_by(|(a, x), (b, y)| a.cmp(b).then_with(|| x.id.cmp(&y.id)));
        if let Some(c) = after {
            let &[_, rank, secs, urgency] = c.keys.as_slice() else { return Err(bad_cursor().into()) };
            keyed.retain(|(k, j)| (*k, j.id.as_str()) > ([rank, secs, urgency], c.id.as_str()));
        }
        keyed.truncate(page.limit + 1);
        let stamp = linli_model::page::nanos(snapshot);
        let items: Vec<([i64; 3], JobSummary)> = keyed;
        let cut =
            page.cut(items, LIST_REPAIRS, |(k, j)| Cursor { keys: vec![stamp, k[0], k[1], k[2]], id: j.id.clone() });
        Ok(Page::new(cut.items.into_iter().map(|(_, j)| j).collect(), cut.next_cursor)
            .with_counts(Some(total), Some(breached)))
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
            let now = self.now();
            let p = patch(&job, action, next, &input, now);
            let message = reporter_message(&job, action, assignee_name, now);
            match self.store_transition(&job, action, &p, actor_stamp(actor), &note, &after_photos, message, now).await
            {
                Ok(()) => {
                    let updated = self.load_job(id).await?.ok_or_else(|| Error::internal("job vanished"))?;
                    self.announce_job(&updated, action.as_str());
                    self.follow_ups_after(&updated, None).await;
                    tracing::info!(job = %id, action = action.as_str(), to = next.as_str(), "repair transition");
                    return self.job_view(actor, updated).await;
                }
                Err(e) if thrown(&e, "stale") && attempt + 1 < RETRIES => continue,
                Err(e) if thrown(&e, "stale") || e.violates("repair_event_seq") => {
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
        if note.is_empty()
            && let Some(missing) = action.required_note(actor.role)
        {
            return Err(AppError::invalid("note", missing).into());
        }
        // An expected time belongs to a hold (when work resumes) and to the
        // way to the job (when the worker arrives); sent with any other
        // action it would be dropped without a word, so it is refused.
        if input.eta.is_some() && !matches!(action, JobAction::Hold | JobAction::StartTravel) {
            return Err(AppError::invalid("eta", Msg::ErrEtaNotForAction).into());
        }
        if action == JobAction::Hold {
            repair::hold_reason(input.hold_reason.as_deref(), note)?;
            if let Some(at) = input.resume_at {
                repair::check_resume_at(at, self.now())?;
            }
        }
        match action {
            JobAction::Assign => {
                let assignee = input
                    .assignee_id
                    .as_deref()
                    .filter(|a| ids::is_plausible_key(a))
                    .ok_or_else(|| AppError::invalid("assignee_id", Msg::ErrAssigneeRequired))?;
                let found = self.assignable(actor, job.id.key()).await?.into_iter().find(|a| a.id == assignee);
                let Some(found) = found else {
                    return Err(AppError::invalid("assignee_id", Msg::ErrAssigneeInvalid).into());
                };
                return Ok(Some(found.name));
            }
            _ if input.eta.is_some_and(|eta| !linli_model::time::is_plausible_client_date(eta, self.now())) => {
                return Err(AppError::invalid("eta", Msg::ErrDateOutOfRange).into());
            }
            JobAction::Hold | JobAction::StartTravel
                if input.eta.is_some_and(|eta| eta < self.now() - Duration::minutes(1)) =>
            {
                return Err(AppError::invalid("eta", Msg::ErrEtaPast).into());
            }
            _ => {}
        }
        Ok(None)
    }

    /// The people a job can be assigned to: the community's active workers
    /// (those with the job's trade first) and the owning butler themselves.
    pub async fn assignable(&self, actor: &Actor, job_id: &str) -> Result<Vec<Assignable>> {
        let job = self.load_job(job_id).await?.ok_or_else(AppError::not_found)?;
        actor.check_sees(job.scope().as_scope())?;
        actor.require(Permission::AssignJob)?;
        let mut res = run(self
            .db
            .query(store::ASSIGNABLE)
            .bind(("community", CommunityId::record_of(&job.community)))
            .bind(("owner", job.owner.as_deref().map(UserId::record_of))))
        .await?;
        let trade = job.category.trade();
        let mut people: Vec<Assignable> = rows::<PersonRow>(&mut res, 0)?
            .into_iter()
            .map(|p| Assignable {
                id: String::from(p.id),
                name: p.name,
                role: p.role,
                trades: p.trades,
                open_jobs: p.open_jobs,
            })
            .collect();
        people.sort_by_key(|p| (!p.trades.contains(&trade), p.open_jobs, p.name.clone()));
        Ok(people)
    }

    /// Tells everyone concerned that a job changed: a repair as
    /// `repair.updated` to its household, butler and assignee; a complaint
    /// or suggestion (the sweep and holds reach them too) as
    /// `complaint.updated` to whom a complaint's changes go.
    fn announce_job(&self, job: &JobRow, action: &str) {
        use linli_model::complaint::JobKind;
        let kind = job.kind.unwrap_or(JobKind::Repair);
        let audience = match kind {
            JobKind::Repair => audience(job),
            JobKind::Complaint | JobKind::Suggestion => {
                super::events::Audience::of_complaint(job.unit.as_str(), job.building.as_str())
            }
        };
        self.events.publish(
            EventKind::of_job(kind),
            job.community.key(),
            audience,
            json!({ "id": job.id, "job_kind": kind, "status": job.status, "action": action, "urgency": job.urgency }),
        );
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
        community: job.community.key(),
        user: job.reporter.key(),
        key,
        data: json!({
            "thing1": t_category(&job.category), "thing2": who,
            "time3": linli_model::time::format_local(now),
        }),
        lane: Lane::Normal,
    })
}

fn t_category(category: &Category) -> String {
    category.label().text(linli_model::Lang::Zh).to_string()
}

fn actor_stamp(actor: &Actor) -> (String, String, ActorRole) {
    (actor.user_id.clone(), actor.name.clone(), actor.role.into())
}

/// Most urgent first: overdue before nearly due before on track, then by
/// the deadline that matters next, then critical before normal.
/// The list name of the repair list's cursors.
const LIST_REPAIRS: &str = "repairs";

/// At most this many open jobs in one board's scope are read (far above
/// any real backlog; a board at the ceiling is logged).
const OPEN_BOARD_CEILING: i64 = 20_000;

/// A job's place on the board at `now`: (clock rank, seconds to the next
/// deadline, most urgent first) — the order of [`sort_by_urgency`].
fn urgency_key(j: &JobSummary, now: DateTime<Utc>) -> [i64; 3] {
    let rank = match j.sla.state {
        ClockState::Breached | ClockState::Missed => 0,
        ClockState::Warning => 1,
        ClockState::OnTrack => 2,
        ClockState::Paused => 3,
        ClockState::Met => 4,
    };
    let next_deadline = if j.clock.responded_at.is_none() { j.sla.respond_by } else { j.sla.resolve_by };
    let urgency = Urgency::ALL.iter().position(|u| *u == j.urgency).and_then(|p| i64::try_from(p).ok()).unwrap_or(0);
    [rank, (next_deadline - now).num_seconds(), -urgency]
}

/// The board's order key of a job changed after the first page's instant:
/// after every other job (ranks are 0–4).
const CHANGED_SINCE_FIRST_PAGE: [i64; 3] = [i64::MAX, 0, 0];

/// Sorts jobs for the board: most urgent first ([`urgency_key`]), ties by id.
pub fn sort_by_urgency(items: &mut [JobSummary], now: DateTime<Utc>) {
    items.sort_by(|a, b| urgency_key(a, now).cmp(&urgency_key(b, now)).then_with(|| a.id.cmp(&b.id)));
}
