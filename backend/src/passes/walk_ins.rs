//! Visitors who came without a pass: the guard registers them, a
//! resident of the unit lets them in or not, live.

use crate::record::{BuildingId, CommunityId, UnitId, UserId, WalkInId};
use chrono::Duration;

use super::super::{
    Backend,
    db::{row, rows, run, thrown},
    error::{Error, Result},
    events::Audience,
    ids,
    people::unit_label,
    policy::{Actor, Permission},
};
use super::store::*;
use linli_model::{AppError, BuildingRef, Msg, UnitRef, live::EventKind, pass::WalkIn, phone};

use super::*;

impl Backend {
    pub(super) async fn load_walk_in(&self, id: &str) -> Result<Option<WalkInRow>> {
        if !ids::is_plausible_key(id) {
            return Ok(None);
        }
        let mut res = run(self.db.query(super::store::LOAD_WALK_IN).bind(("id", WalkInId::record_of(id)))).await?;
        row(&mut res, 0)
    }

    pub(super) fn walk_in_view(w: &WalkInRow) -> WalkIn {
        WalkIn {
            id: String::from(w.id.clone()),
            visitor_name: w.visitor_name.clone(),
            visitor_phone: w.visitor_phone.as_deref().map(phone::mask),
            purpose: w.purpose.clone(),
            unit: UnitRef {
                id: String::from(w.unit.clone()),
                number: w.unit_number.clone(),
                label: unit_label(&w.building_name, &w.unit_number),
                building: BuildingRef {
                    id: String::from(w.building.clone()),
                    number: w.building_number.clone(),
                    name: w.building_name.clone(),
                },
            },
            gate: w.gate.clone(),
            status: w.status,
            decided_by: w.decided_by_name.clone(),
            created_at: w.created_at,
        }
    }

    /// A guard registers a visitor who came without a pass; the unit's
    /// residents are asked, live, to let them in or not.
    pub async fn register_walk_in(
        &self,
        actor: &Actor,
        visitor_name: &str,
        visitor_phone: Option<&str>,
        unit_id: &str,
        purpose: Option<&str>,
    ) -> Result<WalkIn> {
        actor.require(Permission::RegisterWalkIn)?;
        let name = clean_name(visitor_name)?;
        let visitor_phone = clean_phone(visitor_phone)?;
        let purpose = clean_purpose(purpose)?;
        if !ids::is_plausible_key(unit_id) {
            return Err(bad("unit", Msg::ErrUnitUnknown));
        }
        let mut res = run(self.db.query(super::store::UNIT_AT_GATE).bind(("u", UnitId::record_of(unit_id)))).await?;
        let unit = row::<UnitPlace>(&mut res, 0)?
            .filter(|u| u.community == actor.community.id)
            .ok_or_else(|| bad("unit", Msg::ErrUnitUnknown))?;
        let id = ids::new_key();
        let gate = actor.gate.clone().unwrap_or_else(|| "main".to_string());
        run(self
            .db
            .query(super::store::REGISTER_WALK_IN)
            .bind(("w", WalkInId::record_of(&id)))
            .bind(("c", CommunityId::record_of(&unit.community)))
            .bind(("b", BuildingId::record_of(&unit.building)))
            .bind(("u", UnitId::record_of(&unit.id)))
            .bind(("name", name))
            .bind(("phone", visitor_phone))
            .bind(("purpose", purpose))
            .bind(("gate", gate))
            .bind(("guard", UserId::record_of(&actor.user_id)))
            .bind(("now", self.now())))
        .await?;
        let w = self.load_walk_in(&id).await?.ok_or_else(|| Error::internal("walk-in vanished"))?;
        let view = Self::walk_in_view(&w);
        self.events.publish(
            EventKind::WalkInRequested,
            w.community.key(),
            Audience::of_walk_in(&w.unit, &w.guard, false),
            serde_json::to_value(&view)?,
        );
        Ok(view)
    }

    /// A resident of the unit lets the walk-in visitor in, or not. Once.
    pub async fn decide_walk_in(&self, actor: &Actor, id: &str, approve: bool) -> Result<WalkIn> {
        actor.require(Permission::DecideWalkIn)?;
        let w = self
            .load_walk_in(id)
            .await?
            .filter(|w| Some(w.unit.as_str()) == actor.unit_id())
            .ok_or_else(AppError::not_found)?;
        let decided = run(self
            .db
            .query(super::store::DECIDE_WALK_IN)
            .bind(("w", WalkInId::record_of(&w.id)))
            .bind(("status", if approve { "approved" } else { "denied" }))
            .bind(("me", UserId::record_of(&actor.user_id)))
            .bind(("approve", approve))
            .bind(("c", CommunityId::record_of(&w.community)))
            .bind(("u", UnitId::record_of(&w.unit)))
            .bind(("gate", w.gate.clone()))
            .bind(("guard", UserId::record_of(&w.guard)))
            .bind(("now", self.now())))
        .await;
        match decided {
            Ok(_) => {}
            Err(e) if thrown(&e, "decided") => return Err(AppError::conflict(Msg::ErrAlreadyDecided).into()),
            Err(e) => return Err(e),
        }
        let w = self.load_walk_in(id).await?.ok_or_else(|| Error::internal("walk-in vanished"))?;
        let view = Self::walk_in_view(&w);
        self.events.publish(
            EventKind::WalkInDecided,
            w.community.key(),
            Audience::of_walk_in(&w.unit, &w.guard, true),
            serde_json::to_value(&view)?,
        );
        Ok(view)
    }

    /// Walk-ins: a resident's pending requests, or a guard's today.
    pub async fn walk_ins(&self, actor: &Actor) -> Result<Vec<WalkIn>> {
        let mut res = if actor.may(Permission::DecideWalkIn) {
            run(self
                .db
                .query(super::store::WALK_INS_OF_UNIT)
                .bind(("u", UnitId::record_of(actor.unit_id().unwrap_or("-"))))
                .bind(("since", self.now() - Duration::days(1))))
            .await?
        } else if actor.may(Permission::RegisterWalkIn) {
            run(self
                .db
                .query(super::store::WALK_INS_OF_COMMUNITY)
                .bind(("c", CommunityId::record_of(actor.community_id())))
                .bind(("since", self.now() - Duration::days(1))))
            .await?
        } else {
            return Err(AppError::forbidden().into());
        };
        Ok(rows::<WalkInRow>(&mut res, 0)?.iter().map(Self::walk_in_view).collect())
    }
}
