//! Outage notices (issue 18): the outage part of an announcement of the
//! `outage` category (kind, buildings, expected end), what a resident
//! starting a matching repair is shown, the households that marked
//! themselves affected, reports linked to it, its end (which resolves the
//! linked reports) or extension, and the alert to the butlers when it is
//! still on at its expected end.
//!
//! The outage row is created with its announcement, in the same
//! transaction (`notices::publish_notice`); which repair categories match
//! which kind is `linli_model::outage::relation`.

use crate::record::{BuildingId, CommunityId, JobId, NoticeId, OutageId, UnitId, UserId};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::json;

use super::{
    Backend,
    db::{row, rows, run, thrown},
    error::{Error, Result},
    events::Audience,
    ids,
    notify::{Lane, Outgoing, outbox_create, outbox_rows},
    policy::{Actor, Permission},
};
use linli_model::{
    AppError, Lang, Msg,
    job::OutageRef,
    keys::AuditAction,
    live::EventKind,
    notice::NoticeCategory,
    outage::{self, ActiveOutage, AffectedMark, ExtendOutage, OutageEnded, OutageInfo, OutageKind, OutageRelation},
    repair::Category,
};

pub(crate) mod store;

use store::*;

/// The outage fields of a notice being published, checked: `None` for a
/// plain notice. A kind needs the `outage` category and an expected end in
/// the future; an outage notice without a kind stays a plain notice (as
/// before issue 18).
pub(crate) fn check_new_outage(
    category: NoticeCategory,
    kind: Option<&str>,
    expected_end: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<Option<(OutageKind, DateTime<Utc>)>> {
    let Some(kind) = kind.map(str::trim).filter(|k| !k.is_empty()) else { return Ok(None) };
    if category != NoticeCategory::Outage {
        return Err(AppError::invalid("outage_kind", Msg::ErrOutageKindCategory).into());
    }
    let kind = OutageKind::parse(kind).ok_or_else(|| AppError::invalid("outage_kind", Msg::ErrOutageKind))?;
    let end = check_expected_end(expected_end, now)?;
    Ok(Some((kind, end)))
}

fn check_expected_end(expected_end: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
    let end = expected_end.ok_or_else(|| AppError::invalid("expected_end", Msg::ErrOutageEndRequired))?;
    if !linli_model::time::is_plausible_client_date(end, now) {
        return Err(AppError::invalid("expected_end", Msg::ErrDateOutOfRange).into());
    }
    if end <= now {
        return Err(AppError::invalid("expected_end", Msg::ErrWindowPast).into());
    }
    Ok(end)
}

impl Backend {
    async fn load_outage(&self, id: &str) -> Result<Option<OutageRow>> {
        if !ids::is_plausible_key(id) {
            return Ok(None);
        }
        let mut res = run(self.db.query(store::LOAD_OUTAGE).bind(("o", OutageId::record_of(id)))).await?;
        row(&mut res, 0)
    }

    /// An outage the caller may see (it reaches them, as its notice does), else 404.
    async fn visible_outage(&self, actor: &Actor, id: &str) -> Result<OutageRow> {
        self.load_outage(id)
            .await?
            .filter(|o| actor.is_addressed_by(o.community.as_str(), &o.buildings))
            .ok_or_else(|| AppError::not_found().into())
    }

    async fn open_outages(&self, community: &str) -> Result<Vec<OutageRow>> {
        let mut res = run(self.db.query(store::OPEN_OUTAGES).bind(("c", CommunityId::record_of(community)))).await?;
        rows(&mut res, 0)
    }

    async fn affected_of_unit(&self, unit: Option<&str>, outages: &[OutageId]) -> Result<Vec<OutageId>> {
        let Some(unit) = unit else { return Ok(Vec::new()) };
        let mut res = run(self
            .db
            .query(store::AFFECTED_OF_UNIT)
            .bind(("unit", UnitId::record_of(unit)))
            .bind(("outages", outages.iter().map(OutageId::record).collect::<Vec<_>>())))
        .await?;
        rows(&mut res, 0)
    }

    /// The outages on now in the caller's home building (a resident), or
    /// in the buildings the caller looks after (staff), for the repair
    /// form (`GET /api/v1/outages/active`). With `category` (a repair
    /// category key; 422 for anything else), only those related to it,
    /// each with its [`OutageRelation`]: duplicates first.
    pub async fn active_outages(&self, actor: &Actor, category: Option<&str>, lang: Lang) -> Result<Vec<ActiveOutage>> {
        let category = match category.map(str::trim).filter(|c| !c.is_empty()) {
            None => None,
            Some(c) => Some(Category::parse(c).ok_or_else(|| AppError::invalid("category", Msg::ErrCategory))?),
        };
        let home = actor.home_building_id();
        let found: Vec<OutageRow> = self
            .open_outages(actor.community_id())
            .await?
            .into_iter()
            .filter(|o| match home {
                Some(b) => o.covers(b),
                None => actor.is_addressed_by(o.community.as_str(), &o.buildings),
            })
            .collect();
        let ids: Vec<OutageId> = found.iter().map(|o| o.id.clone()).collect();
        let mine = self.affected_of_unit(actor.unit_id(), &ids).await?;
        let now = self.now();
        let mut list: Vec<ActiveOutage> = found
            .into_iter()
            .filter_map(|o| {
                let relation = match category {
                    None => None,
                    Some(c) => Some(outage::relation(o.kind, c)?),
                };
                Some(ActiveOutage {
                    id: String::from(o.announcement.clone()),
                    title: o.title.clone(),
                    kind: o.kind,
                    building_ids: o.building_ids(),
                    expected_end: o.expected_end,
                    line: outage::line(&o.place(), o.kind, o.expected_end, now, lang),
                    relation,
                    affected_by_me: mine.contains(&o.id),
                })
            })
            .collect();
        list.sort_by_key(|o| (o.relation != Some(OutageRelation::Duplicate), o.expected_end));
        Ok(list)
    }

    /// Marks the caller's household affected by an outage of its building
    /// instead of reporting it; idempotent (counted once per household).
    /// 404 outside its buildings, 409 once it has ended.
    pub async fn mark_outage_affected(&self, actor: &Actor, id: &str) -> Result<AffectedMark> {
        actor.require(Permission::MarkOutageAffected)?;
        let o = self.visible_outage(actor, id).await?;
        let unit = actor.unit_id().ok_or_else(AppError::forbidden)?;
        if !o.open {
            return Err(AppError::conflict(Msg::ErrOutageEnded).into());
        }
        let stored = run(self
            .db
            .query(store::MARK_AFFECTED)
            .bind(("o", o.id.record()))
            .bind(("unit", UnitId::record_of(unit)))
            .bind(("me", UserId::record_of(&actor.user_id)))
            .bind(("now", self.now())))
        .await;
        match stored {
            Ok(_) => {
                self.events.publish(
                    EventKind::OutageUpdated,
                    o.community.key(),
                    Audience::of_outage(actor.home_building_id().map(str::to_string).into_iter().collect()),
                    json!({ "id": id, "action": "affected" }),
                );
                Ok(AffectedMark { affected: true })
            }
            Err(e) if e.violates("outage_affected_once") || e.is_retryable() => Ok(AffectedMark { affected: true }),
            Err(e) => Err(e),
        }
    }

    /// The outage part of notice `id` for the caller, if it is an outage:
    /// staff also get the households affected and the open linked reports.
    pub(crate) async fn outage_info(&self, actor: &Actor, id: &str) -> Result<Option<OutageInfo>> {
        let Some(o) = self.load_outage(id).await? else { return Ok(None) };
        let mine = self.affected_of_unit(actor.unit_id(), std::slice::from_ref(&o.id)).await?;
        let (mut affected, mut linked) = (None, None);
        if actor.sees_outage_counts() {
            let mut res = run(self.db.query(store::OUTAGE_COUNTS).bind(("o", o.id.record()))).await?;
            affected = Some(row::<CountRow>(&mut res, 0)?.map_or(0, |c| c.n));
            linked = Some(row::<CountRow>(&mut res, 1)?.map_or(0, |c| c.n));
        }
        Ok(Some(OutageInfo {
            kind: o.kind,
            expected_end: o.expected_end,
            ended_at: o.ended_at,
            affected_by_me: !mine.is_empty(),
            affected_households: affected,
            linked_jobs: linked,
        }))
    }

    /// The outage a job is linked to, for the job's page.
    pub(crate) async fn outage_ref(&self, outage: Option<&OutageId>) -> Result<Option<OutageRef>> {
        let Some(id) = outage else { return Ok(None) };
        Ok(self.load_outage(id.key()).await?.map(|o| OutageRef {
            id: String::from(o.announcement),
            title: o.title,
            kind: o.kind,
            expected_end: o.expected_end,
            ended_at: o.ended_at,
        }))
    }

    /// Links a report just filed to the open outage it duplicates (a
    /// matching, non-critical category in a covered building), so that it
    /// is resolved when the outage ends. Called by `create_repair`.
    pub(crate) async fn link_repair_to_outage(
        &self,
        job: &str,
        community: &str,
        building: &str,
        category: Category,
    ) -> Result<()> {
        let found = self
            .open_outages(community)
            .await?
            .into_iter()
            .find(|o| o.covers(building) && outage::relation(o.kind, category) == Some(OutageRelation::Duplicate));
        if let Some(o) = found {
            run(self.db.query(store::LINK_REPAIR).bind(("job", JobId::record_of(job))).bind(("o", o.id.record())))
                .await?;
            tracing::info!(job = %job, outage = %o.id, "repair linked to an open outage");
        }
        Ok(())
    }

    /// Ends an outage (the manager, or the butler of all its buildings):
    /// its open linked reports are resolved with a timeline entry saying
    /// why (their households are told and may reopen). 404 if the caller
    /// does not see it, 403 if it is not theirs, 409 if already ended.
    pub async fn end_outage(&self, actor: &Actor, id: &str) -> Result<OutageEnded> {
        actor.require(Permission::ManageOutage)?;
        let o = self.visible_outage(actor, id).await?;
        if !actor.may_manage_outage(&o.buildings) {
            return Err(AppError::forbidden().into());
        }
        let now = self.now();
        let mut res = run(self
            .db
            .query(store::END_OUTAGE)
            .bind(("o", o.id.record()))
            .bind(("now", now))
            .bind(("me", UserId::record_of(&actor.user_id))))
        .await?;
        let won: Vec<OutageId> = rows(&mut res, 0)?;
        if won.is_empty() {
            return Err(AppError::conflict(Msg::ErrOutageEnded).into());
        }
        let mut res = run(self.db.query(store::LINKED_OPEN_JOBS).bind(("o", o.id.record()))).await?;
        let jobs: Vec<JobId> = rows(&mut res, 0)?;
        let note = format!("{}：{}", o.kind.label().text(Lang::Zh), Msg::OutageResolvedNote.text(Lang::Zh));
        let mut resolved = 0u32;
        for job in jobs {
            match self.resolve_with_outage(job.key(), &note, now).await {
                Ok(true) => resolved += 1,
                Ok(false) => {}
                // One job that cannot be resolved does not keep the others open.
                Err(e) => tracing::error!(job = %job, error = %e, "linked report not resolved with its outage"),
            }
        }
        self.events.publish(
            EventKind::OutageUpdated,
            o.community.key(),
            Audience::of_notice(o.building_ids()),
            json!({ "id": id, "action": "ended", "resolved_jobs": resolved }),
        );
        self.audit(actor, AuditAction::OutageEnd, id, &o.title).await?;
        tracing::info!(outage = %o.id, resolved, "outage ended");
        Ok(OutageEnded { ended_at: now, resolved_jobs: resolved })
    }

    /// Moves an open outage's expected end (the same people who may end
    /// it); the butlers are alerted again if it is still on then.
    pub async fn extend_outage(&self, actor: &Actor, id: &str, input: ExtendOutage) -> Result<OutageInfo> {
        actor.require(Permission::ManageOutage)?;
        let o = self.visible_outage(actor, id).await?;
        if !actor.may_manage_outage(&o.buildings) {
            return Err(AppError::forbidden().into());
        }
        let now = self.now();
        let end = check_expected_end(Some(input.expected_end), now)?;
        let mut res = run(self.db.query(store::EXTEND_OUTAGE).bind(("o", o.id.record())).bind(("end", end))).await?;
        let won: Vec<OutageId> = rows(&mut res, 0)?;
        if won.is_empty() {
            return Err(AppError::conflict(Msg::ErrOutageEnded).into());
        }
        self.events.publish(
            EventKind::OutageUpdated,
            o.community.key(),
            Audience::of_notice(o.building_ids()),
            json!({ "id": id, "action": "extended", "expected_end": end }),
        );
        self.audit(actor, AuditAction::OutageExtend, id, &linli_model::time::format_local(end)).await?;
        self.outage_info(actor, id).await?.ok_or_else(|| Error::internal("outage vanished"))
    }

    /// The outages duty: each outage still on at its expected end alerts
    /// the butlers of its buildings once (a live event and a message in
    /// the outbox, claimed by a conditional update so one process sends
    /// it). Selected through the `outage_due` index. Answers how many
    /// alerts this process raised.
    pub async fn sweep_outages(&self, now: DateTime<Utc>) -> Result<usize> {
        let mut res = run(self.db.query(store::DUE_OUTAGES).bind(("now", now))).await?;
        let due: Vec<OutageRow> = rows(&mut res, 0)?;
        let mut raised = 0;
        for o in due.into_iter().filter(|o| o.open) {
            match self.alert_overdue(&o, now).await {
                Ok(true) => raised += 1,
                Ok(false) => {}
                Err(e) => tracing::error!(outage = %o.id, error = %e, "overdue outage not alerted"),
            }
        }
        Ok(raised)
    }

    async fn alert_overdue(&self, o: &OutageRow, now: DateTime<Utc>) -> Result<bool> {
        let buildings = BuildingId::records_of(&o.building_ids());
        let mut res =
            run(self.db.query(store::BUTLERS_OF).bind(("c", o.community.record())).bind(("buildings", buildings)))
                .await?;
        let mut butlers: Vec<ButlerRow> = rows(&mut res, 0)?;
        butlers.sort_by(|a, b| a.butler.as_str().cmp(b.butler.as_str()));
        butlers.dedup_by(|a, b| a.butler == b.butler);
        let line = outage::line(&o.place(), o.kind, o.expected_end, now, Lang::Zh);
        let messages: Vec<Outgoing> = butlers
            .iter()
            .filter_map(|b| b.phone.clone().filter(|p| !p.is_empty()))
            .map(|phone| Outgoing {
                recipient: phone,
                template: "outage_overdue".into(),
                params: json!({ "title": o.title, "line": line }),
                subject: format!("outage:{}", o.id.key()),
                lane: Lane::Normal,
            })
            .collect();
        let taken = run(self
            .db
            .query(store::ALERT_OVERDUE)
            .bind(("o", o.id.record()))
            .bind(("now", now))
            .bind(("community", o.community.record()))
            .bind(("messages", outbox_rows(self.notifier.channel(), messages))))
        .await;
        match taken {
            Ok(_) => {}
            Err(e) if thrown(&e, "lost") || e.is_retryable() => return Ok(false),
            Err(e) => return Err(e),
        }
        self.events.publish(
            EventKind::OutageUpdated,
            o.community.key(),
            Audience::of_outage(o.building_ids()),
            json!({ "id": o.announcement.key(), "action": "overdue", "title": o.title, "line": line }),
        );
        tracing::warn!(outage = %o.id, butlers = butlers.len(), "outage past its expected end");
        Ok(true)
    }
}
