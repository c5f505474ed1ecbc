//! Follow-up visits (回访): opened when work closes (critical, reopened,
//! complaints, one in N of the rest) or by a low rating, each a task for
//! the building's butler with a script and a due time, done with an
//! outcome. The rules are `linli_model::follow_up`; this module loads the
//! facts, asks the rules and stores the outcome. Closing and rating call
//! [`Backend::open_follow_ups`] (from `repairs`) after their change is
//! committed; opening is idempotent (one per job and reason, a unique
//! index), and each closing is decided once (`repair.follow_up_round`).

use crate::record::{BuildingId, CommunityId, FollowUpId, JobId, RatingId, UserId};
use chrono::{DateTime, Utc};
use linli_model::{
    AppError, Cursor, Lang, Msg, Page, PageRequest,
    complaint::{JobKind, NewComplaint},
    follow_up::{ClosedJob, FollowUpOutcome, FollowUpOutcomeInput, FollowUpSettings, FollowUpTiming},
    job::{FollowUp, PersonRef},
    keys::{FollowUpReason, FollowUpStatus},
    staff_entry::Channel,
};
use serde::Deserialize;

use super::{
    Backend, clean,
    complaints::Filing,
    db::{retrying, row, rows, run},
    error::Result,
    ids,
    people::unit_label,
    policy::{Actor, Permission, Scope},
};
pub(crate) mod store;

use store::*;

/// The list name of the follow-up list's cursors.
/// The paged list's name for the cursor, one per `status` (`open`, `done`,
/// all), so that a cursor of one is refused by another.
pub fn follow_ups_list(status: Option<&str>) -> &'static str {
    match status {
        Some("open") => "follow_ups_open",
        Some("done") => "follow_ups_done",
        _ => "follow_ups",
    }
}

/// A job that just closed or was rated, as the opening rules need it.
pub(crate) struct Closing<'a> {
    pub(crate) job: &'a str,
    pub(crate) community: &'a str,
    pub(crate) building: &'a str,
    /// Whether the job is closed now (confirmed or rated).
    pub(crate) closed: bool,
    /// The closing's round: the job's reopen count.
    pub(crate) round: i64,
    pub(crate) facts: ClosedJob,
    /// A rating just given: its stars and id.
    pub(crate) rating: Option<(u8, &'a str)>,
}

/// What an outcome did to the work.
pub(crate) enum Remedy {
    /// Nothing (satisfied).
    None,
    /// The job was reopened.
    Reopened,
    /// A new request, linked to the job, with this id.
    NewRequest(String),
}

impl Backend {
    /// The community's follow-up rules (the defaults when never set).
    pub(crate) async fn follow_up_settings(&self, community: &str) -> Result<FollowUpSettings> {
        let mut res =
            run(self.db.query(store::FOLLOW_UP_SETTINGS).bind(("c", CommunityId::record_of(community)))).await?;
        Ok(row::<SettingsRow>(&mut res, 0)?.and_then(|r| r.follow_up).unwrap_or_default())
    }

    /// Stores a community's follow-up rules (the manager, through the
    /// settings); 422 when out of bounds.
    pub(crate) async fn store_follow_up_settings(&self, community: &str, s: FollowUpSettings) -> Result<()> {
        if !s.is_valid() {
            return Err(AppError::invalid("follow_up", Msg::ErrSettings).into());
        }
        run(self
            .db
            .query(store::UPDATE_FOLLOW_UP_SETTINGS)
            .bind(("c", CommunityId::record_of(community)))
            .bind(("s", serde_json::to_value(s)?)))
        .await?;
        Ok(())
    }

    /// Opens the follow-ups a closing or a rating calls for (see the module
    /// notes). Safe to call more than once for the same closing.
    pub(crate) async fn open_follow_ups(&self, c: Closing<'_>) -> Result<()> {
        let settings = self.follow_up_settings(c.community).await?;
        let reasons = if c.closed { settings.close_reasons(c.facts) } else { Vec::new() };
        let rest = c.closed && reasons.is_empty() && settings.sample_every > 0;
        let always: Vec<&str> = c
            .rating
            .filter(|(stars, _)| settings.low_rating(*stars))
            .map(|_| FollowUpReason::LowRating.as_str())
            .into_iter()
            .collect();
        let now = self.now();
        let reasons: Vec<&str> = reasons.iter().map(|r| r.as_str()).collect();
        // Closings and ratings of one community race on its count and on
        // the follow-ups: a conflict aborts the whole transaction (nothing
        // counted, nothing opened), so it is simply run again.
        retrying(|| {
            run(self
                .db
                .query(store::OPEN_FOLLOW_UPS)
                .bind(("job", JobId::record_of(c.job)))
                .bind(("community", CommunityId::record_of(c.community)))
                .bind(("building", BuildingId::record_of(c.building)))
                .bind(("close", c.closed))
                .bind(("round", c.round))
                .bind(("reasons", reasons.clone()))
                .bind(("rest", rest))
                .bind(("always", always.clone()))
                .bind(("rating", c.rating.map(|(_, id)| RatingId::record_of(id))))
                .bind(("due", settings.due_at(now)))
                .bind(("now", now)))
        })
        .await?;
        if !rest {
            return Ok(());
        }
        // The closing's number in the count decides the sample (the
        // model's rule); asked first, then opened, both idempotent.
        let mut res = run(self.db.query(store::SAMPLE_NUMBER).bind(("job", JobId::record_of(c.job)))).await?;
        let n: Option<i64> = rows::<Option<i64>>(&mut res, 0)?.into_iter().next().flatten();
        if n.and_then(|n| u64::try_from(n).ok()).is_some_and(|n| settings.sampled(n)) {
            retrying(|| {
                run(self
                    .db
                    .query(store::OPEN_SAMPLED)
                    .bind(("job", JobId::record_of(c.job)))
                    .bind(("community", CommunityId::record_of(c.community)))
                    .bind(("building", BuildingId::record_of(c.building)))
                    .bind(("due", settings.due_at(now)))
                    .bind(("now", now)))
            })
            .await?;
        }
        Ok(())
    }

    /// The community's follow-ups, open ones first (soonest due first),
    /// then done ones (latest first): the manager's all, a butler's those
    /// of their buildings. `status`: `open`, `done` or everything.
    pub async fn follow_ups(&self, actor: &Actor, status: Option<&str>, lang: Lang) -> Result<Vec<FollowUp>> {
        let page = PageRequest { limit: linli_model::page::MAX_LIMIT, after: None };
        Ok(self.follow_ups_page(actor, status, lang, &page).await?.items)
    }

    /// The follow-up list a page at a time (list `follow_ups`): the open
    /// ones first, the first due first (those without a due time after
    /// them, oldest first), then the done ones, newest first; keyset cursor
    /// `[phase, instant]` + id, so no row is lost or repeated while
    /// follow-ups are added. `total` is given on the `open` list only: the
    /// work left in the caller's scope, every row of that list. The whole
    /// list and the `done` list have no count (it would read years of
    /// history), so a `total` never counts other rows than the list's.
    /// 422 for a bad `status`.
    pub async fn follow_ups_page(
        &self,
        actor: &Actor,
        status: Option<&str>,
        lang: Lang,
        page: &PageRequest,
    ) -> Result<Page<FollowUp>> {
        actor.require(Permission::SeeFollowUps)?;
        let status = match status.filter(|s| !s.is_empty() && *s != "all") {
            None => None,
            Some(s) => Some(FollowUpStatus::parse(s).ok_or_else(|| AppError::invalid("status", Msg::ErrBadRequest))?),
        };
        let after = match page.after.as_ref() {
            None => None,
            Some(c) => match c.keys.as_slice() {
                &[phase @ 0..=2, at] => Some((phase, DateTime::from_timestamp_nanos(at), FollowUpId::record_of(&c.id))),
                _ => return Err(AppError::invalid("cursor", Msg::ErrBadCursor).into()),
            },
        };
        let buildings: Option<Vec<_>> = actor
            .limited_to_own_buildings()
            .then(|| actor.buildings.iter().map(|b| BuildingId::record_of(&b.id)).collect());
        let community = CommunityId::record_of(actor.community_id());
        let now = self.now();
        let mut found: Vec<(i64, FollowUp)> = Vec::new();
        // Three phases, each a keyset of its own: open with a due time
        // (`due_at`), open without one (`created_at`), done (`created_at`).
        let phases = [(0, FollowUpStatus::Open), (1, FollowUpStatus::Open), (2, FollowUpStatus::Done)];
        for ((phase, wanted), (of_community, of_building)) in
            phases.into_iter().zip(FOLLOW_UPS_OF_COMMUNITY.into_iter().zip(FOLLOW_UPS_OF_BUILDING))
        {
            let fetch = page.fetch() - i64::try_from(found.len()).unwrap_or(0);
            if status.is_some_and(|s| s != wanted) || after.as_ref().is_some_and(|(p, _, _)| *p > phase) || fetch <= 0 {
                continue;
            }
            let (at, after_id) = match &after {
                Some((p, at, id)) if *p == phase => (Some(*at), Some(id.clone())),
                _ => (None, None),
            };
            let mut read: Vec<FollowUp> = Vec::new();
            // A butler's buildings are read one at a time in the list's
            // order (each a page at most) and merged: the cost follows the
            // page and the buildings, not the years of done follow-ups.
            let scopes: Vec<Option<_>> = match &buildings {
                None => vec![None],
                Some(own) => own.iter().map(Some).collect(),
            };
            for building in scopes {
                let query = if building.is_some() { of_building } else { of_community };
                let q = self
                    .db
                    .query(query)
                    .bind(("community", community.clone()))
                    .bind(("building", building.cloned()))
                    .bind(("after", after_id.clone()))
                    .bind(("fetch", fetch));
                // The done phase reads forward on the negated instant.
                let q = if phase == 2 {
                    q.bind(("at", at.map(|t| linli_model::page::nanos(t).saturating_neg())))
                } else {
                    q.bind(("at", at))
                };
                let mut res = run(q).await?;
                read.extend(rows::<Row>(&mut res, 0)?.into_iter().map(|r| r.view(now, lang)));
            }
            read.sort_by(|a, b| match phase {
                0 => (a.due_at, &a.id).cmp(&(b.due_at, &b.id)),
                1 => (a.created_at, &a.id).cmp(&(b.created_at, &b.id)),
                // Newest first, ties by id as the store reads them.
                _ => b.created_at.cmp(&a.created_at).then_with(|| a.id.cmp(&b.id)),
            });
            read.truncate(usize::try_from(fetch).unwrap_or_default());
            found.extend(read.into_iter().map(|f| (phase, f)));
        }
        // The count a person works down: the open follow-ups (the done ones
        // are years of history, not counted on every page).
        let total: Option<u64> = if status != Some(FollowUpStatus::Open) {
            None
        } else {
            let mut res =
                run(self.db.query(COUNT_OPEN_FOLLOW_UPS).bind(("community", community)).bind(("buildings", buildings)))
                    .await?;
            Some(rows::<u64>(&mut res, 0)?.into_iter().next().unwrap_or(0))
        };
        let cut = page.cut(found, follow_ups_list(status.map(FollowUpStatus::as_str)), |(phase, f)| {
            let at = if *phase == 0 { f.due_at.unwrap_or(f.created_at) } else { f.created_at };
            Cursor { keys: vec![*phase, linli_model::page::nanos(at)], id: f.id.clone() }
        });
        Ok(Page::new(cut.items.into_iter().map(|(_, f)| f).collect(), cut.next_cursor).with_counts(total, None))
    }

    /// Records what the resident said on a follow-up visit. Satisfied closes
    /// it; not satisfied (a note is required) also reopens the job if it
    /// may still be reopened (`model::follow_up::reopen_by_follow_up`), or
    /// opens a new request for the same home linked to it, entered by the
    /// caller (channel `phone`). 403 without `RecordFollowUp`, 404 for a
    /// follow-up the caller does not see, 409 when it is already done.
    pub async fn record_follow_up(
        &self,
        actor: &Actor,
        id: &str,
        input: FollowUpOutcomeInput,
        lang: Lang,
    ) -> Result<FollowUp> {
        actor.require(Permission::RecordFollowUp)?;
        let f = self.visible_follow_up(actor, id).await?;
        let outcome = FollowUpOutcome::parse(&input.outcome)
            .ok_or_else(|| AppError::invalid("outcome", Msg::ErrFollowUpOutcome))?;
        let note = clean::optional_block("note", input.note.as_deref(), 1000)?;
        if outcome == FollowUpOutcome::Unsatisfied && note.is_empty() {
            return Err(AppError::invalid("note", Msg::ErrFollowUpNote).into());
        }
        if f.status != FollowUpStatus::Open {
            return Err(AppError::conflict(Msg::ErrFollowUpDone).into());
        }
        let now = self.now();
        let mut res = run(self
            .db
            .query(store::RECORD_OUTCOME)
            .bind(("id", FollowUpId::record_of(id)))
            .bind(("outcome", outcome.as_str()))
            .bind(("note", note.clone()))
            .bind(("by", UserId::record_of(&actor.user_id)))
            .bind(("now", now)))
        .await?;
        if rows::<serde_json::Value>(&mut res, 0)?.is_empty() {
            return Err(AppError::conflict(Msg::ErrFollowUpDone).into());
        }
        if outcome == FollowUpOutcome::Unsatisfied
            && let Some(job) = &f.repair
        {
            let remedy = if f.kind.is_some_and(|k| k != JobKind::Repair) {
                self.complaint_remedy(actor, job.key(), &note).await?
            } else {
                self.remedy_for_follow_up(actor, job.key(), &note).await?
            };
            let (reopened, new_repair) = match remedy {
                Remedy::None => (false, None),
                Remedy::Reopened => (true, None),
                Remedy::NewRequest(new) => (false, Some(JobId::record_of(&new))),
            };
            run(self
                .db
                .query(store::RECORD_REMEDY)
                .bind(("id", FollowUpId::record_of(id)))
                .bind(("reopened", reopened))
                .bind(("new_repair", new_repair)))
            .await?;
        }
        tracing::info!(follow_up = %id, outcome = outcome.as_str(), "follow-up recorded");
        let f = self.visible_follow_up(actor, id).await?;
        Ok(f.view(now, lang))
    }

    /// A dissatisfied follow-up on a complaint or suggestion: the complaint
    /// rules reopen only a resolved one, at its reporter's word
    /// (`model::complaint`), never a closed one, so a new one of the same
    /// kind and category is filed for the same home and resident with the
    /// note as its text, entered by the caller by phone and linked to the
    /// old one (`follow_up_of`).
    async fn complaint_remedy(&self, actor: &Actor, job: &str, note: &str) -> Result<Remedy> {
        let mut res = run(self.db.query(store::COMPLAINT_OF_FOLLOW_UP).bind(("job", JobId::record_of(job)))).await?;
        let Some(old) = row::<ComplaintFacts>(&mut res, 0)? else { return Ok(Remedy::None) };
        let filing = Filing {
            community: String::from(old.community),
            reporter: String::from(old.reporter),
            unit: String::from(old.unit),
            building: String::from(old.building),
            recorded_by: (actor.user_id.clone(), actor.name.clone(), actor.role.into()),
            channel: Channel::Phone,
        };
        let input = NewComplaint {
            kind: Some(old.kind.as_str().to_string()),
            category: old.category,
            text: note.to_string(),
            ..NewComplaint::default()
        };
        let (id, _) = self.file_complaint(&filing, input).await?;
        run(self
            .db
            .query(store::LINK_FOLLOW_UP_REQUEST)
            .bind(("new", JobId::record_of(&id)))
            .bind(("old", JobId::record_of(job))))
        .await?;
        tracing::info!(job = %job, new = %id, "new complaint opened by a follow-up");
        Ok(Remedy::NewRequest(id))
    }

    async fn visible_follow_up(&self, actor: &Actor, id: &str) -> Result<Row> {
        if !ids::is_plausible_key(id) {
            return Err(AppError::not_found().into());
        }
        let mut res = run(self.db.query(store::FOLLOW_UP).bind(("id", FollowUpId::record_of(id)))).await?;
        let f: Row = row(&mut res, 0)?.ok_or_else(AppError::not_found)?;
        actor.check_sees(Scope {
            community: f.community.key(),
            building: Some(f.building.key()),
            unit: None,
            assignee: None,
        })?;
        Ok(f)
    }
}

impl Row {
    fn view(self, now: DateTime<Utc>, lang: Lang) -> FollowUp {
        // Rows opened before due times existed: the default window.
        let due = self.due_at.unwrap_or_else(|| FollowUpSettings::default().due_at(self.created_at));
        let kind = self.kind.unwrap_or(JobKind::Repair);
        // A complainant is named on the complaint only: the list shows
        // the building (a suggestion keeps the repair's view).
        let private = kind == JobKind::Complaint;
        FollowUp {
            id: String::from(self.id),
            reason: self.reason,
            status: self.status,
            repair_id: self.repair.map(String::from),
            unit: match (self.building_name, self.unit_number) {
                (Some(b), _) if private => Some(b),
                (Some(b), Some(u)) => Some(unit_label(&b, &u)),
                _ => None,
            },
            butler: self.butler_name,
            stars: self.stars,
            comment: self.comment,
            created_at: self.created_at,
            script: self.reason.script().text(lang).to_string(),
            due_at: Some(due),
            timing: FollowUpTiming::of(due, self.done_at, now),
            done_at: self.done_at,
            outcome: self.outcome,
            note: self.note,
            new_repair_id: self.new_repair.map(String::from),
            resident: match (self.resident, self.resident_name) {
                (Some(id), Some(name)) if !private => Some(PersonRef { id: String::from(id), name }),
                _ => None,
            },
            kind,
            reopened: self.reopened.unwrap_or(false),
        }
    }
}
