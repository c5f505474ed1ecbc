//! Recurring passes (长期访客): whose home a pass is for (a household's
//! own, or an elder's made by their butler), the schedule's checks, pause
//! and resume, and the manager's list of every active one.
//!
//! The schedule rule itself is `linli_model::pass::schedule`; the gate
//! (passes/gate.rs) applies it through `PassRow::reason`.

use crate::record::{BuildingId, CommunityId, PassId, UnitId, UserId};
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::super::{
    Backend,
    db::{row, rows, run},
    error::Result,
    ids,
    policy::{Actor, Permission, Scope},
};
use super::{bad, store::*};
use linli_model::{
    AppError, ErrorCode, Msg,
    pass::{Pass, Reason, Schedule, schedule::shanghai_local},
};

/// The home a new pass is for and who is told of its visitors.
pub(super) struct Home {
    pub(super) community: String,
    pub(super) building: String,
    pub(super) unit: String,
    /// The resident told of each entry.
    pub(super) host: String,
    /// Who made the pass when not the host (a butler for an elder).
    pub(super) created_by: Option<String>,
}

#[derive(Deserialize)]
struct ElderRow {
    id: UserId,
}

/// A schedule as sent, checked against today (Shanghai) and put in order;
/// 422 naming the field otherwise.
pub(super) fn checked_schedule(schedule: Schedule, now: DateTime<Utc>) -> Result<Schedule> {
    let schedule = schedule.normalized();
    schedule.validate(shanghai_local(now).date()).map_err(|(field, msg)| bad(field, msg))?;
    Ok(schedule)
}

impl Backend {
    /// Whose home a new pass is for: a resident's own (`unit` absent or
    /// their own); for a butler, the elder's home `unit` in one of their
    /// buildings, and only a recurring pass. 403 for other roles, 404 for a
    /// home the caller does not see, 422 for a home without an elder.
    pub(super) async fn pass_home(&self, actor: &Actor, unit: Option<&str>, recurring: bool) -> Result<Home> {
        let unit = unit.map(str::trim).filter(|u| !u.is_empty());
        if actor.may(Permission::InviteVisitor) {
            let home = actor.unit.clone().ok_or_else(AppError::forbidden)?;
            if unit.is_some_and(|u| u != home.id) {
                return Err(AppError::not_found().into());
            }
            return Ok(Home {
                community: actor.community_id().to_string(),
                building: home.building.id,
                unit: home.id,
                host: actor.user_id.clone(),
                created_by: None,
            });
        }
        actor.require(Permission::InviteForElder)?;
        if !recurring {
            return Err(bad("schedule", Msg::ErrScheduleFields));
        }
        let unit = unit.ok_or_else(|| bad("unit", Msg::ErrRequired))?;
        if !ids::is_plausible_key(unit) {
            return Err(AppError::not_found().into());
        }
        let mut res = run(self.db.query(UNIT_AT_GATE).bind(("u", UnitId::record_of(unit)))).await?;
        let place = row::<UnitPlace>(&mut res, 0)?.ok_or_else(AppError::not_found)?;
        actor.check_sees(Scope {
            community: place.community.key(),
            building: Some(place.building.key()),
            unit: Some(place.id.key()),
            assignee: None,
        })?;
        let mut res = run(self
            .db
            .query(ELDER_OF_UNIT)
            .bind(("u", UnitId::record_of(place.id.key())))
            .bind(("c", CommunityId::record_of(place.community.key()))))
        .await?;
        let elder = row::<ElderRow>(&mut res, 0)?.ok_or_else(|| bad("unit", Msg::ErrNotElderHome))?;
        Ok(Home {
            community: place.community.key().to_string(),
            building: place.building.key().to_string(),
            unit: place.id.key().to_string(),
            host: elder.id.key().to_string(),
            created_by: Some(actor.user_id.clone()),
        })
    }

    /// A pass the caller may pause, resume or revoke
    /// ([`Actor::manages_pass`]); 403 for a role that manages none, 404
    /// for one they do not see.
    pub(super) async fn managed_pass(&self, actor: &Actor, id: &str) -> Result<PassRow> {
        if !(actor.may(Permission::ManageOwnPasses)
            || actor.may(Permission::InviteForElder)
            || actor.may(Permission::ManageLongTermPasses))
        {
            return Err(AppError::forbidden().into());
        }
        let pass = self.load_pass(id).await?.ok_or_else(AppError::not_found)?;
        let scope = Scope {
            community: pass.community.key(),
            building: Some(pass.building.key()),
            unit: Some(pass.unit.key()),
            assignee: None,
        };
        if actor.manages_pass(scope, pass.schedule.is_some(), pass.created_by.is_some()) {
            Ok(pass)
        } else {
            Err(AppError::not_found().into())
        }
    }

    /// Pauses (`paused`) or resumes a recurring pass: while paused the gate
    /// refuses it with `paused`. The household and the elder's butler
    /// (403 for the manager); 422 for a single pass, 409 for a revoked one.
    pub async fn set_pass_paused(&self, actor: &Actor, id: &str, paused: bool) -> Result<Pass> {
        let pass = self.managed_pass(actor, id).await?;
        let scope = Scope {
            community: pass.community.key(),
            building: Some(pass.building.key()),
            unit: Some(pass.unit.key()),
            assignee: None,
        };
        if !actor.may_pause_pass(scope, pass.created_by.is_some()) {
            return Err(AppError::forbidden().into());
        }
        if pass.schedule.is_none() {
            return Err(bad("id", Msg::ErrNotRecurring));
        }
        if pass.revoked_at.is_some() {
            return Err(AppError::new(ErrorCode::Conflict, Reason::Revoked.label())
                .with_detail(Reason::Revoked.as_str())
                .into());
        }
        run(self
            .db
            .query(SET_PAUSED)
            .bind(("pass", PassId::record_of(pass.id.key())))
            .bind(("paused", paused))
            .bind(("now", self.now())))
        .await?;
        tracing::info!(pass = %pass.id, paused, "recurring pass paused or resumed");
        let pass = self.load_pass(pass.id.key()).await?.ok_or_else(AppError::not_found)?;
        Ok(pass.view(Vec::new(), self.now()))
    }

    /// The community's recurring passes still to run (not revoked, end
    /// date not past), newest first, a page at a time (list
    /// `recurring_passes`, keyset `(created_at, id)`). The manager sees all; a
    /// butler those of their own buildings.
    pub async fn long_term_passes(
        &self,
        actor: &Actor,
        page: &linli_model::PageRequest,
    ) -> Result<linli_model::Page<Pass>> {
        if !(actor.may(Permission::ManageLongTermPasses) || actor.may(Permission::InviteForElder)) {
            return Err(AppError::forbidden().into());
        }
        let (at, after) = match page.after.as_ref() {
            None => (None, None),
            Some(c) if c.keys.len() == 1 => (c.instant(0), Some(crate::record::PassId::record_of(&c.id))),
            Some(_) => return Err(AppError::invalid("cursor", linli_model::Msg::ErrBadCursor).into()),
        };
        let own: Vec<&str> = actor.buildings.iter().map(|b| b.id.as_str()).collect();
        let buildings = actor.limited_to_own_buildings().then(|| BuildingId::records_of(&own));
        let now = self.now();
        let mut res = run(self
            .db
            .query(LONG_TERM_PASSES)
            .bind(("c", CommunityId::record_of(actor.community_id())))
            .bind(("now", now))
            .bind(("at", at))
            .bind(("after", after))
            .bind(("buildings", buildings))
            .bind(("fetch", page.fetch())))
        .await?;
        let passes: Vec<PassRow> = rows(&mut res, 0)?;
        let items: Vec<Pass> = passes.iter().map(|p| p.view(Vec::new(), now)).collect();
        Ok(page.cut(items, "recurring_passes", |p| linli_model::Cursor::at(p.created_at, p.id.clone())))
    }
}
