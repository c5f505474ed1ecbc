//! Complaints and suggestions (投诉建议): filed by a resident, they land
//! with the butler of the resident's building (first-contact owner,
//! 首问负责制), who owns them until the resident confirms; the manager can
//! act as owner. They are jobs of another `kind` in the repair table, so
//! the timeline (`repair_event`), the SLA sweep (warnings, breaches,
//! confirmation after 72 h of silence: `repairs/sweep.rs`), the live
//! stream, the owner moving with the building and the scorecard are the
//! repairs' own. The rules are `linli_model::complaint`.
//!
//! Privacy: a complaint may concern another household (`concerns_unit`).
//! That household is never in its audience and never sees it (only the
//! complainant's own unit, the owning butler and the manager do). The
//! complainant's name, unit and phone are read only for the complaint
//! itself ([`Backend::complaint`]); lists, counts and live events carry the
//! building only.
//!
//! Staff taking a complaint for a resident (代客, another feature): resolve
//! the resident and their unit yourself, then call
//! [`Backend::file_complaint`] with a [`Filing`] naming them and the staff
//! member recording it; it does everything else as for the resident.

mod follow_up;
pub(crate) mod store;

use crate::record::{BuildingId, CommunityId, JobId, PhotoId, RatingId, UnitId, UserId};
use chrono::{DateTime, Utc};
use serde_json::json;

use super::{
    Backend, clean,
    db::{row, row as db_row, rows, run, thrown},
    error::{Error, Result},
    events::Audience,
    ids,
    people::natural_cmp,
    policy::{Actor, Permission},
    repairs::request_key::Filed,
};
use linli_model::{
    AppError, Cursor, ErrorCode, Msg, Page, PageRequest, StaffRef,
    complaint::{
        self, BuildingCount, CategoryCount, Complainant, Complaint, ComplaintAction, ComplaintActionInput,
        ComplaintCategory, ComplaintStats, ComplaintSummary, DEFAULT_TARGET, JobKind, MAX_PLACE, MAX_TEXT,
        NewComplaint,
    },
    job::{Photo, Rating, RatingInput, TimelineEntry},
    keys::{ActorRole, JobListStatus},
    live::EventKind,
    phone,
    repair::{JobStatus, MAX_PHOTOS, Party, RatingTag, Refusal},
    sla::SlaTarget,
};

use store::*;

/// Who a complaint is filed for, and who records it: resolved by the caller
/// before [`Backend::file_complaint`] (the resident themselves in
/// [`Backend::create_complaint`]; a staff member taking it for a resident
/// in the staff-entry feature).
#[derive(Clone, Debug)]
pub struct Filing {
    /// The community (key).
    pub community: String,
    /// The resident it belongs to (user key): they and their household see
    /// it, are told of every step, confirm and rate it.
    pub reporter: String,
    /// Their home (unit key) and its building (building key); the
    /// building's butler owns it.
    pub unit: String,
    pub building: String,
    /// Who is written on the timeline as filing it and whose uploads its
    /// photos must be: (user key, name, role).
    pub recorded_by: (String, String, ActorRole),
    /// How it came in (`app`, or the channel staff recorded).
    pub channel: linli_model::staff_entry::Channel,
}

/// Filters of the complaint list (`GET /api/v1/complaints`), as sent.
#[derive(Clone, Debug, Default)]
pub struct ComplaintFilter<'a> {
    /// `complaint` or `suggestion`; both when absent.
    pub kind: Option<&'a str>,
    /// A [`ComplaintCategory`] key.
    pub category: Option<&'a str>,
    /// A building key (staff).
    pub building: Option<&'a str>,
    /// `open`, `closed` or `all` (the default).
    pub status: Option<&'a str>,
    /// Page size, 1 to 200 (default 50).
    pub limit: Option<usize>,
    /// `next_cursor` of the previous page (an RFC 3339 instant, UTC with `Z`,
    /// so it needs no escaping in a query string).
    pub cursor: Option<&'a str>,
}

/// Attempts at a step before giving up on a busy complaint.
const RETRIES: usize = 3;

fn present(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

fn refusal(r: Refusal, status: JobStatus) -> Error {
    match r {
        Refusal::NotNow => {
            AppError::new(ErrorCode::Conflict, Msg::ErrComplaintState).with_detail(status.as_str()).into()
        }
        Refusal::NotYou => AppError::forbidden().into(),
    }
}

/// The distinct photo keys of a request, at most [`MAX_PHOTOS`].
fn photo_keys(ids_in: &[String]) -> Result<Vec<String>> {
    let mut keys: Vec<String> = Vec::new();
    for id in ids_in {
        if !ids::is_plausible_key(id) {
            return Err(AppError::invalid("photo_ids", Msg::ErrPhotoNotYours).into());
        }
        if !keys.contains(id) {
            keys.push(id.clone());
        }
    }
    if keys.len() > MAX_PHOTOS {
        return Err(AppError::invalid("photo_ids", Msg::ErrTooManyPhotos).into());
    }
    Ok(keys)
}

fn party(actor: &Actor, row: &ComplaintRow) -> Party {
    actor.job_party(row.reporter.as_str(), row.building.as_str(), None)
}

/// The list name of the complaint list's cursors.
const LIST_COMPLAINTS_CURSOR: &str = "complaints";

impl Backend {
    /// The complaint targets of a community ([`DEFAULT_TARGET`] when never set).
    pub(crate) async fn complaint_targets(&self, community: &str) -> Result<SlaTarget> {
        let mut res = run(self.db.query(COMPLAINT_TARGETS).bind(("c", CommunityId::record_of(community)))).await?;
        Ok(row::<TargetRow>(&mut res, 0)?.and_then(|r| r.complaint_sla).unwrap_or(DEFAULT_TARGET))
    }

    /// Stores a community's complaint targets (the settings service checks
    /// the caller; 422 `complaint` when they are not valid).
    pub(crate) async fn store_complaint_targets(&self, community: &str, t: SlaTarget) -> Result<()> {
        if !complaint::targets_valid(t) {
            return Err(AppError::invalid("complaint", Msg::ErrSettings).into());
        }
        run(self
            .db
            .query(SET_COMPLAINT_TARGETS)
            .bind(("c", CommunityId::record_of(community)))
            .bind(("respond", t.respond_secs))
            .bind(("resolve", t.resolve_secs)))
        .await?;
        Ok(())
    }

    /// A resident files a complaint or suggestion about their community.
    /// 422 for a missing category or text, a place over 60 characters, an
    /// unknown unit concerned or one's own, photos not the caller's.
    pub async fn create_complaint(&self, actor: &Actor, input: NewComplaint) -> Result<Complaint> {
        Ok(self.create_complaint_or_find(actor, input).await?.0)
    }

    /// [`Backend::create_complaint`], also saying whether it is new:
    /// `false` when the caller (the resident, or the staff member entering
    /// it) filed one with the same `client_key` before. That complaint or
    /// suggestion is answered as it is now and nothing else happens (no
    /// second one, alert or clock; the repeat's unattached uploads among
    /// `photo_ids` are deleted). 422 `client_key` for a key of the wrong
    /// shape or one already used for a repair, before anything is stored.
    pub async fn create_complaint_or_find(&self, actor: &Actor, input: NewComplaint) -> Result<(Complaint, bool)> {
        let filing = if let Some(on_behalf) = &input.on_behalf {
            // Staff entry (代录): only staff who may also handle complaints.
            actor.require(Permission::SeeComplaints)?;
            let filer = self.filer_for(actor, on_behalf).await?;
            Filing {
                community: actor.community_id().to_string(),
                reporter: filer.resident_id.clone(),
                unit: filer.unit.id.clone(),
                building: filer.unit.building.id.clone(),
                recorded_by: filer.stamp(),
                channel: filer.channel,
            }
        } else {
            actor.require(Permission::FileComplaint)?;
            let unit = actor.unit.clone().ok_or_else(AppError::forbidden)?;
            Filing {
                community: actor.community_id().to_string(),
                reporter: actor.user_id.clone(),
                unit: unit.id.clone(),
                building: unit.building.id.clone(),
                recorded_by: (actor.user_id.clone(), actor.name.clone(), ActorRole::Resident),
                channel: linli_model::staff_entry::Channel::App,
            }
        };
        let (id, created) = self.file_complaint(&filing, input).await?;
        let row = self.load_complaint(&id).await?.ok_or_else(|| Error::internal("complaint vanished after create"))?;
        Ok((self.complaint_view(actor, row).await?, created))
    }

    /// Files a complaint or suggestion for `filing`'s resident, with the
    /// community's targets in force now and the building's butler as owner;
    /// answers its id (key). Checks the input (422 as
    /// [`Backend::create_complaint`]), not who may file it: the caller
    /// decided that when resolving the [`Filing`]. With a `client_key`
    /// the recorder filed before, answers that job's id and `false`
    /// (nothing stored; see `repairs::request_key`), else `true`.
    pub async fn file_complaint(&self, filing: &Filing, input: NewComplaint) -> Result<(String, bool)> {
        let key = linli_model::client_key::of_request(input.client_key.as_deref(), None)?;
        let kind = match present(input.kind.as_deref()) {
            None => JobKind::Complaint,
            Some(k) => match JobKind::parse(k) {
                Some(k @ (JobKind::Complaint | JobKind::Suggestion)) => k,
                _ => return Err(AppError::invalid("kind", Msg::ErrComplaintKind).into()),
            },
        };
        let category = ComplaintCategory::parse(input.category.trim())
            .ok_or_else(|| AppError::invalid("category", Msg::ErrComplaintCategory))?;
        let text = clean::optional_block("text", Some(&input.text), MAX_TEXT)?;
        if text.is_empty() {
            return Err(AppError::invalid("text", Msg::ErrComplaintText).into());
        }
        let place = clean::optional_line("concerns_place", input.concerns_place.as_deref(), MAX_PLACE)?;
        let place = (!place.is_empty()).then_some(place);
        let concerns_unit = match present(input.concerns_unit_id.as_deref()) {
            None => None,
            Some(u) => {
                let bad = || AppError::invalid("concerns_unit_id", Msg::ErrConcernsUnit);
                if !ids::is_plausible_key(u) || u == filing.unit {
                    return Err(bad().into());
                }
                let mut res = run(self
                    .db
                    .query(UNIT_OF_COMMUNITY)
                    .bind(("u", UnitId::record_of(u)))
                    .bind(("c", CommunityId::record_of(&filing.community))))
                .await?;
                Some(row::<UnitRow>(&mut res, 0)?.ok_or_else(bad)?.id)
            }
        };
        let photos = photo_keys(&input.photo_ids)?;
        let target = self.complaint_targets(&filing.community).await?;
        let mut res =
            run(self.db.query(BUTLER_OF_BUILDING).bind(("b", BuildingId::record_of(&filing.building)))).await?;
        let owner = row::<ButlerRow>(&mut res, 0)?.and_then(|b| b.butler);

        let id = ids::new_key();
        let now = self.now();
        let (actor_id, actor_name, actor_role) = filing.recorded_by.clone();
        let concerns_unit = concerns_unit.map(|u| u.record());
        let owner = owner.map(|o| o.record());
        let store = || {
            let query = self
                .db
                .query(CREATE_COMPLAINT)
                .bind(("job", JobId::record_of(&id)))
                .bind(("community", CommunityId::record_of(&filing.community)))
                .bind(("building", BuildingId::record_of(&filing.building)))
                .bind(("unit", UnitId::record_of(&filing.unit)))
                .bind(("reporter", UserId::record_of(&filing.reporter)))
                .bind(("owner", owner.clone()))
                .bind(("kind", kind.as_str()))
                .bind(("category", category.as_str()))
                .bind(("text", text.clone()))
                .bind(("place", place.clone()))
                .bind(("concerns_unit", concerns_unit.clone()))
                .bind(("photos", PhotoId::records_of(&photos)))
                .bind(("uploader", UserId::record_of(&actor_id)))
                .bind(("respond_secs", target.respond_secs))
                .bind(("resolve_secs", target.resolve_secs))
                .bind(("next_due", linli_model::due::first_due(now, target.respond_secs, target.resolve_secs, None)))
                .bind(("now", now))
                .bind(("actor", UserId::record_of(&actor_id)))
                .bind(("actor_name", actor_name.clone()))
                .bind(("actor_role", actor_role.as_str()))
                .bind(("channel", filing.channel.as_str()))
                .bind(("client_key", key.clone()))
                .bind(("client_key_by", key.as_ref().map(|_| UserId::record_of(&actor_id))));
            async move { run(query).await.map(|_| ()) }
        };
        let family = [JobKind::Complaint, JobKind::Suggestion];
        let by_staff = actor_role != ActorRole::Resident;
        let allowance = crate::repairs::Allowance { by_staff, lane: crate::repairs::FilingLane::Complaint };
        let request = crate::repairs::KeyedRequest {
            key: key.as_deref(),
            family: &family,
            category: category.as_str(),
            description: &text,
        };
        match self.file_keyed(&actor_id, allowance, request, &input.photo_ids, store).await {
            Ok(Filed::New) => {}
            Ok(Filed::Repeat(existing)) => return Ok((existing, false)),
            Err(e) if thrown(&e, "photo_not_yours") => {
                return Err(AppError::invalid("photo_ids", Msg::ErrPhotoNotYours).into());
            }
            Err(e) => return Err(e),
        }
        tracing::info!(job = %id, kind = kind.as_str(), category = category.as_str(), "complaint filed");
        if let Some(row) = self.load_complaint(&id).await? {
            self.announce_complaint(&row, "submitted");
        }
        Ok((id, true))
    }

    async fn load_complaint(&self, id: &str) -> Result<Option<ComplaintRow>> {
        if !ids::is_plausible_key(id) {
            return Ok(None);
        }
        let mut res = run(self.db.query(LOAD_COMPLAINT).bind(("id", JobId::record_of(id)))).await?;
        row(&mut res, 0)
    }

    /// 404 unless the caller may see this complaint: its household, the
    /// butler of its building, the manager (not the duty room, workers or
    /// guards, and never the household it concerns).
    fn check_complaint_visible(actor: &Actor, row: &ComplaintRow) -> Result<()> {
        actor.check_sees(row.scope())?;
        if actor.role.is_staff() && !actor.may(Permission::SeeComplaints) {
            return Err(AppError::not_found().into());
        }
        Ok(())
    }

    /// Whether the caller may see complaint `id` (for its photos).
    pub(crate) async fn sees_complaint(&self, actor: &Actor, id: &str) -> Result<bool> {
        Ok(self.load_complaint(id).await?.is_some_and(|row| Self::check_complaint_visible(actor, &row).is_ok()))
    }

    /// One complaint or suggestion, in full, with the complainant's
    /// identity (404 if the caller may not see it).
    pub async fn complaint(&self, actor: &Actor, id: &str) -> Result<Complaint> {
        let row = self.load_complaint(id).await?.ok_or_else(AppError::not_found)?;
        Self::check_complaint_visible(actor, &row)?;
        self.complaint_view(actor, row).await
    }

    async fn complaint_view(&self, actor: &Actor, row: ComplaintRow) -> Result<Complaint> {
        let mut res = run(self.db.query(COMPLAINT_VIEW).bind(("id", row.id.record()))).await?;
        let events: Vec<EventRow> = rows(&mut res, 0)?;
        let all_photos: Vec<PhotoRow> = rows(&mut res, 1)?;
        let rating: Option<Rating> = db_row::<RatingRow>(&mut res, 2)?.map(|r| Rating {
            id: String::from(r.id),
            stars: r.stars,
            tags: r.tags,
            comment: r.comment,
            at: r.at,
        });
        let to_photos = |keys: &[PhotoId]| -> Vec<Photo> {
            keys.iter()
                .filter_map(|k| all_photos.iter().find(|p| p.id == *k))
                .map(|p| {
                    let (url, thumb_url) = Photo::urls_for(p.id.key());
                    Photo { id: String::from(p.id.clone()), url, thumb_url, width: p.width, height: p.height }
                })
                .collect()
        };
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
                assignee: None,
                eta: None,
                hold_reason: None,
                resume_at: None,
                held_secs: None,
                channel: (e.action == linli_model::keys::TimelineAction::Submitted
                    && row.channel != linli_model::staff_entry::Channel::App)
                    .then_some(row.channel),
                at: e.at,
            })
            .collect();
        let photos = to_photos(&row.photos);
        let party = party(actor, &row);
        let state = row.state();
        let callable = actor.may_call_staff_of(row.unit.as_str());
        let owner = row.owner.clone().map(|id| {
            let full = row.owner_phone.clone().unwrap_or_default();
            StaffRef {
                id: id.into_key(),
                name: row.owner_name.clone().unwrap_or_default(),
                phone: phone::mask(&full),
                phone_full: callable.then_some(full),
            }
        });
        let clock = row.clock();
        Ok(Complaint {
            id: String::from(row.id.clone()),
            kind: row.kind,
            category: row.category(),
            text: row.description.clone(),
            status: row.status,
            building: row.building_ref(),
            concerns: row.concerns(),
            complainant: Complainant {
                id: String::from(row.reporter.clone()),
                name: row.reporter_name.clone().unwrap_or_default(),
                unit: row.unit_ref(),
                // Masked as everywhere; the whole number to call back is
                // the audited `/residents/{id}/phone` (web: `/call/{id}`).
                phone: phone::mask(row.reporter_phone.as_deref().unwrap_or_default()),
            },
            owner,
            photos,
            timeline,
            sla: clock.facts().compute(self.now()),
            clock,
            allowed_actions: complaint::allowed_actions(state, party),
            can_rate: complaint::may_rate(state.status, party, rating.is_some()),
            rating,
            adopted: state.adopted,
            may_urge: linli_model::repair::may_urge(state.status, party),
            urge_next_at: row.urge_next_at.filter(|_| party.reporter && state.status.is_open()),
            urge_count: crate::convert::non_negative(row.urge_count),
            reopen_count: crate::convert::non_negative(row.reopen_count),
            created_at: row.created_at,
            updated_at: row.updated_at,
            channel: row.channel,
        })
    }

    /// Complaints and suggestions the caller may see, newest first: a
    /// household its own; a butler those of their buildings; the manager
    /// the community's. Filtered by kind, category, building and status
    /// (`open`, `closed`, or a status key), paged by `limit`/`cursor`.
    /// Rows carry the building, never the complainant or their unit.
    pub async fn list_complaints(&self, actor: &Actor, f: &ComplaintFilter<'_>) -> Result<Page<ComplaintSummary>> {
        let household = actor.may(Permission::FileComplaint);
        if !household {
            actor.require(Permission::SeeComplaints)?;
        }
        let kinds: Vec<&str> = match present(f.kind) {
            None => vec![JobKind::Complaint.as_str(), JobKind::Suggestion.as_str()],
            Some(k) => match JobKind::parse(k) {
                Some(k @ (JobKind::Complaint | JobKind::Suggestion)) => vec![k.as_str()],
                _ => return Err(AppError::invalid("kind", Msg::ErrBadRequest).into()),
            },
        };
        let category = match present(f.category) {
            None => None,
            Some(c) => {
                Some(ComplaintCategory::parse(c).ok_or_else(|| AppError::invalid("category", Msg::ErrBadRequest))?)
            }
        };
        let building = match present(f.building) {
            None => None,
            Some(b) => Some(BuildingId::parse(b).ok_or_else(|| AppError::invalid("building", Msg::ErrBadRequest))?),
        };
        let open = match present(f.status).map(JobListStatus::parse) {
            None | Some(Some(JobListStatus::All)) => None,
            Some(Some(JobListStatus::Open)) => Some(true),
            Some(Some(JobListStatus::Closed)) => Some(false),
            Some(None) => return Err(AppError::invalid("status", Msg::ErrBadRequest).into()),
        };
        let page = PageRequest::parse(f.limit.map(|l| l.to_string()).as_deref(), f.cursor, LIST_COMPLAINTS_CURSOR, 50)?;
        let (at, after) = match page.after.as_ref() {
            None => (None, None),
            Some(c) if c.keys.len() == 1 => (c.instant(0), Some(JobId::record_of(&c.id))),
            Some(_) => return Err(AppError::invalid("cursor", Msg::ErrBadCursor).into()),
        };
        let unit =
            if household { Some(UnitId::record_of(actor.unit_id().ok_or_else(AppError::forbidden)?)) } else { None };
        let community = CommunityId::record_of(actor.community_id());
        let building = building.map(|b| b.record());
        let category = category.map(ComplaintCategory::as_str);
        // The household's rows through their own index; a butler's one
        // building and kind at a time (a page each, merged); the manager's
        // one kind at a time: never the community's whole history.
        let scopes: Vec<(Option<surrealdb::types::RecordId>, Option<&str>)> = if unit.is_some() {
            vec![(None, None)]
        } else if !actor.limited_to_own_buildings() {
            kinds.iter().map(|k| (None, Some(*k))).collect()
        } else {
            let own = actor.buildings.iter().map(|b| BuildingId::record_of(&b.id));
            own.flat_map(|b| kinds.iter().map(move |k| (Some(b.clone()), Some(*k)))).collect()
        };
        let mut found: Vec<ComplaintRow> = Vec::new();
        for (one, kind) in scopes {
            let query = match (&unit, &one) {
                (Some(_), _) => LIST_COMPLAINTS_OF_UNIT,
                (None, Some(_)) => LIST_COMPLAINTS_OF_BUILDING,
                (None, None) => LIST_COMPLAINTS,
            };
            let mut res = run(self
                .db
                .query(query)
                .bind(("c", community.clone()))
                .bind(("kinds", kinds.clone()))
                .bind(("unit", unit.clone()))
                .bind(("one", one))
                .bind(("kind", kind))
                .bind(("building", building.clone()))
                .bind(("category", category))
                .bind(("open", open))
                // Read forward on the negated instant (`newest_first`).
                .bind(("at", at.map(|t| linli_model::page::nanos(t).saturating_neg())))
                .bind(("after", after.clone()))
                .bind(("fetch", page.fetch())))
            .await?;
            found.extend(rows::<ComplaintRow>(&mut res, 0)?);
        }
        // Newest first, ties by id as the store reads them.
        found.sort_by(|a, b| b.created_at.cmp(&a.created_at).then_with(|| a.id.key().cmp(b.id.key())));
        found.truncate(usize::try_from(page.fetch()).unwrap_or_default());
        let now = self.now();
        let items: Vec<ComplaintSummary> = found.iter().map(|r| r.summary(now)).collect();
        Ok(page.cut(items, LIST_COMPLAINTS_CURSOR, |c| Cursor::at(c.created_at, c.id.clone())))
    }

    /// Takes one step on a complaint or suggestion, or explains why not:
    /// 404 if the caller cannot see it, 403 if the step is not theirs, 409
    /// if its state does not allow it now (or it changed meanwhile), 422
    /// for bad input (a step's required note missing). Nothing is changed
    /// on refusal.
    pub async fn act_on_complaint(&self, actor: &Actor, id: &str, input: ComplaintActionInput) -> Result<Complaint> {
        let action = ComplaintAction::parse(input.action.trim())
            .ok_or_else(|| AppError::invalid("action", Msg::ErrUnknownAction))?;
        let note = clean::optional_block("note", input.note.as_deref(), MAX_TEXT)?;
        let photos = photo_keys(&input.photo_ids)?;
        for attempt in 0..RETRIES {
            let row = self.load_complaint(id).await?.ok_or_else(AppError::not_found)?;
            Self::check_complaint_visible(actor, &row)?;
            let next =
                complaint::transition(row.state(), party(actor, &row), action).map_err(|r| refusal(r, row.status))?;
            if note.is_empty()
                && let Some(missing) = action.required_note(actor.role)
            {
                return Err(AppError::invalid("note", missing).into());
            }
            let now = self.now();
            let (mut responded_at, mut resolved_at, mut closed_at) = (row.responded_at, row.resolved_at, row.closed_at);
            let mut reopen_count = row.reopen_count;
            let mut adopted = row.adopted.unwrap_or(false);
            match action {
                ComplaintAction::Listen => responded_at = responded_at.or(Some(now)),
                ComplaintAction::Answer => {
                    responded_at = responded_at.or(Some(now));
                    resolved_at = Some(now);
                }
                ComplaintAction::Notify => resolved_at = Some(now),
                ComplaintAction::Reopen => {
                    resolved_at = None;
                    reopen_count += 1;
                }
                ComplaintAction::Confirm | ComplaintAction::Cancel => closed_at = Some(now),
                ComplaintAction::Adopt => adopted = true,
                ComplaintAction::Act | ComplaintAction::Respond => {}
            }
            let outcome = run(self
                .db
                .query(STORE_COMPLAINT_STEP)
                .bind(("job", row.id.record()))
                .bind(("version", row.version))
                .bind(("status", next.as_str()))
                .bind(("open", next.is_open()))
                .bind(("responded_at", responded_at))
                .bind(("resolved_at", resolved_at))
                .bind(("closed_at", closed_at))
                .bind(("reopen_count", reopen_count))
                .bind(("adopted", adopted))
                .bind(("next_due", row.next_due_after(next, responded_at, resolved_at)))
                .bind(("now", now))
                .bind(("photos", PhotoId::records_of(&photos)))
                .bind(("action", action.timeline().as_str()))
                .bind(("from", row.status.as_str()))
                .bind(("actor", UserId::record_of(&actor.user_id)))
                .bind(("actor_name", actor.name.clone()))
                .bind(("actor_role", ActorRole::from(actor.role).as_str()))
                .bind(("note", note.clone())))
            .await;
            match outcome {
                Ok(_) => {
                    let updated =
                        self.load_complaint(id).await?.ok_or_else(|| Error::internal("complaint vanished"))?;
                    self.announce_complaint(&updated, action.as_str());
                    if updated.status == JobStatus::Confirmed {
                        self.follow_ups_of_complaint(&updated, None).await;
                    }
                    tracing::info!(job = %id, action = action.as_str(), to = next.as_str(), "complaint step");
                    return self.complaint_view(actor, updated).await;
                }
                Err(e) if thrown(&e, "stale") && attempt + 1 < RETRIES => {}
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

    /// The person who filed it rates the handling once, after it is
    /// resolved (1–5 stars, tags, a comment); rating also closes it. The
    /// rating counts for the owning butler's complaint satisfaction.
    pub async fn rate_complaint(&self, actor: &Actor, id: &str, input: RatingInput) -> Result<Rating> {
        let row = self.load_complaint(id).await?.ok_or_else(AppError::not_found)?;
        Self::check_complaint_visible(actor, &row)?;
        let party = party(actor, &row);
        if !party.reporter {
            return Err(AppError::forbidden().into());
        }
        if !(1..=5).contains(&input.stars) {
            return Err(AppError::invalid("stars", Msg::ErrStars).into());
        }
        let mut tags: Vec<RatingTag> = Vec::new();
        for t in &input.tags {
            let tag = RatingTag::from_input(t).ok_or_else(|| AppError::invalid("tags", Msg::ErrTags))?;
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        let comment = clean::optional_block("comment", input.comment.as_deref(), 500)?;
        let mut res = run(self.db.query(COMPLAINT_VIEW).bind(("id", row.id.record()))).await?;
        if db_row::<RatingRow>(&mut res, 2)?.is_some() {
            return Err(AppError::conflict(Msg::ErrAlreadyRated).into());
        }
        if !complaint::may_rate(row.status, party, false) {
            return Err(AppError::new(ErrorCode::Conflict, Msg::ErrNotYetRatable)
                .with_detail(row.status.as_str())
                .into());
        }
        let rating_id = ids::new_key();
        let now = self.now();
        let outcome = run(self
            .db
            .query(RATE_COMPLAINT)
            .bind(("job", row.id.record()))
            .bind(("version", row.version))
            .bind(("rating", RatingId::record_of(&rating_id)))
            .bind(("community", row.community.record()))
            .bind(("building", row.building.record()))
            .bind(("owner", row.owner.as_ref().map(|o| o.record())))
            .bind(("rater", UserId::record_of(&actor.user_id)))
            .bind(("rater_name", actor.name.clone()))
            .bind(("stars", input.stars))
            .bind(("tags", tags.iter().map(|t| t.as_str()).collect::<Vec<_>>()))
            .bind(("comment", comment.clone()))
            .bind(("from", row.status.as_str()))
            .bind(("now", now)))
        .await;
        match outcome {
            Ok(_) => {}
            Err(e) if e.violates("rating_repair") || thrown(&e, "stale") => {
                return Err(AppError::conflict(Msg::ErrAlreadyRated).into());
            }
            Err(e) => return Err(e),
        }
        if let Some(updated) = self.load_complaint(id).await? {
            self.announce_complaint(&updated, "rated");
            let stars = u8::try_from(input.stars).unwrap_or(5);
            self.follow_ups_of_complaint(&updated, Some((stars, rating_id.as_str()))).await;
        }
        Ok(Rating { id: rating_id, stars: u8::try_from(input.stars).unwrap_or(5), tags, comment, at: now })
    }

    /// Complaints and suggestions filed in `[from, to)`, counted by
    /// category (every category) and by building (those with any; a
    /// butler's own buildings only).
    pub async fn complaint_stats(
        &self,
        actor: &Actor,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<ComplaintStats> {
        actor.require(Permission::SeeComplaints)?;
        let own: Vec<String> = actor.buildings.iter().map(|b| b.id.clone()).collect();
        let buildings = actor.limited_to_own_buildings().then(|| BuildingId::records_of(&own));
        let mut res = run(self
            .db
            .query(COMPLAINT_COUNTS)
            .bind(("c", CommunityId::record_of(actor.community_id())))
            .bind(("from", from))
            .bind(("to", to))
            .bind(("buildings", buildings)))
        .await?;
        let mut found: Vec<CountRow> = rows(&mut res, 0)?;
        found.extend(rows::<CountRow>(&mut res, 1)?);
        let tally = |kind: JobKind, open: bool| -> (u32, u32, u32) {
            (u32::from(kind == JobKind::Complaint), u32::from(kind == JobKind::Suggestion), u32::from(open))
        };
        let mut by_category: Vec<CategoryCount> = ComplaintCategory::ALL
            .into_iter()
            .map(|category| CategoryCount { category, complaints: 0, suggestions: 0, open: 0 })
            .collect();
        let mut by_building: Vec<BuildingCount> = Vec::new();
        for r in &found {
            let (c, s, o) = tally(r.kind, r.open);
            let category = r.complaint_category.unwrap_or(ComplaintCategory::Other);
            if let Some(row) = by_category.iter_mut().find(|x| x.category == category) {
                row.complaints += c;
                row.suggestions += s;
                row.open += o;
            }
            let key = String::from(r.building.clone());
            let pos = match by_building.iter().position(|b| b.building.id == key) {
                Some(p) => p,
                None => {
                    by_building.push(BuildingCount {
                        building: linli_model::BuildingRef {
                            id: key,
                            number: r.building_number.clone(),
                            name: r.building_name.clone(),
                        },
                        complaints: 0,
                        suggestions: 0,
                        open: 0,
                    });
                    by_building.len() - 1
                }
            };
            if let Some(b) = by_building.get_mut(pos) {
                b.complaints += c;
                b.suggestions += s;
                b.open += o;
            }
        }
        by_building.sort_by(|a, b| natural_cmp(&a.building.number, &b.building.number));
        Ok(ComplaintStats { from, to, by_category, by_building })
    }

    /// Announces a change made to complaint `id` elsewhere (the repairs'
    /// sweep confirming it after 72 h of silence); nothing for a repair.
    pub(crate) async fn announce_complaint_change(&self, id: &str, action: &str) -> Result<()> {
        if let Some(row) = self.load_complaint(id).await? {
            self.announce_complaint(&row, action);
        }
        Ok(())
    }

    /// Tells the complaint's household, its building's butler and the
    /// manager that it changed; the payload names no one.
    fn announce_complaint(&self, row: &ComplaintRow, action: &str) {
        self.events.publish(
            EventKind::ComplaintUpdated,
            row.community.key(),
            Audience::of_complaint(row.unit.as_str(), row.building.as_str()),
            json!({ "id": row.id, "job_kind": row.kind, "status": row.status, "action": action }),
        );
    }
}
