//! Requests taken for a resident (代客报修/代录): who the request is for
//! and how it came in, decided once here for every kind of request (a
//! repair through `create_repair`, a help call through
//! `enter_help_call`), and the picker's lookup of units and residents.
//!
//! The scope rule is the policy's: a unit the caller may not see
//! ([`Actor::check_sees`]: a butler only their own buildings, the duty room
//! and the manager their own community) is "not found", so a changed id
//! never reaches another community's unit and reveals nothing.

use crate::record::{BuildingId, UnitId};
use serde::Deserialize;

use super::{
    Backend,
    db::{self, rows, run},
    error::Result,
    ids,
    people::{natural_cmp, unit_label},
    policy::{Actor, Permission, Scope},
};
use linli_model::{
    AppError, BuildingRef, Msg, ResidentInfo, UnitInfo, UnitRef,
    keys::ActorRole,
    phone,
    staff_entry::{Channel, OnBehalf},
};

pub(crate) mod store;

/// Who files a request and how it came in: the caller themselves from the
/// app, or a resident for whom a staff member enters it.
#[derive(Clone, Debug)]
pub(crate) struct Filer {
    /// The home the request is for.
    pub(crate) unit: UnitRef,
    /// The resident who is its reporter (or the elder of a help call).
    pub(crate) resident_id: String,
    pub(crate) resident_name: String,
    /// How it came in.
    pub(crate) channel: Channel,
    /// The staff member who entered it: id, name, role.
    pub(crate) entered_by: Option<(String, String, ActorRole)>,
}

impl Filer {
    /// The caller filing for their own home (the app); 403 without one.
    pub(crate) fn own(actor: &Actor) -> std::result::Result<Self, AppError> {
        let unit = actor.unit.clone().ok_or_else(AppError::forbidden)?;
        Ok(Self {
            unit,
            resident_id: actor.user_id.clone(),
            resident_name: actor.name.clone(),
            channel: Channel::App,
            entered_by: None,
        })
    }

    /// Who the first timeline entry names: the staff member who entered
    /// it, else the resident.
    pub(crate) fn stamp(&self) -> (String, String, ActorRole) {
        self.entered_by
            .clone()
            .unwrap_or_else(|| (self.resident_id.clone(), self.resident_name.clone(), ActorRole::Resident))
    }

    /// Whose uploads a report may attach: the person at the keyboard.
    pub(crate) fn uploader(&self) -> &str {
        self.entered_by.as_ref().map_or(self.resident_id.as_str(), |(id, _, _)| id.as_str())
    }
}

#[derive(Deserialize)]
struct UnitListRow {
    id: UnitId,
    number: String,
    #[serde(default)]
    residents: Vec<store::ResidentRow>,
}

impl Backend {
    /// Who a staff member enters a request for: 403 without
    /// `EnterForResident`, 422 for a bad channel, 404 for a unit the
    /// caller may not see (another community's, or a building a butler
    /// does not own), 422 for a person not living there or a unit with no
    /// one registered.
    pub(crate) async fn filer_for(&self, actor: &Actor, on_behalf: &OnBehalf) -> Result<Filer> {
        actor.require(Permission::EnterForResident)?;
        let channel =
            Channel::staff_channel(&on_behalf.channel).ok_or_else(|| AppError::invalid("channel", Msg::ErrChannel))?;
        let unit = self.unit(actor, &on_behalf.unit_id).await?;
        let resident = match on_behalf.resident_id.as_deref().filter(|r| !r.is_empty()) {
            Some(id) => unit
                .residents
                .iter()
                .find(|r| r.id == id)
                .ok_or_else(|| AppError::invalid("resident_id", Msg::ErrResidentNotInUnit))?,
            None => unit.residents.first().ok_or_else(|| AppError::invalid("unit_id", Msg::ErrUnitNoResident))?,
        };
        Ok(Filer {
            resident_id: resident.id.clone(),
            resident_name: resident.name.clone(),
            unit: UnitRef {
                id: unit.id.clone(),
                number: unit.number.clone(),
                building: unit.building.clone(),
                label: unit.label.clone(),
            },
            channel,
            entered_by: Some((actor.user_id.clone(), actor.name.clone(), actor.role.into())),
        })
    }

    /// The picker of the staff entry page: the units of building
    /// `building_id` with the people living there (phones masked), in
    /// door order. 403 without `EnterForResident`; 404 for a building the
    /// caller may not see (a butler's is their own).
    pub async fn entry_units(&self, actor: &Actor, building_id: &str) -> Result<Vec<UnitInfo>> {
        actor.require(Permission::EnterForResident)?;
        if !ids::is_plausible_key(building_id) {
            return Err(AppError::not_found().into());
        }
        let mut res = run(self.db.query(store::ENTRY_UNITS).bind(("b", BuildingId::record_of(building_id)))).await?;
        let building: store::BuildingRow = db::row(&mut res, 0)?.ok_or_else(AppError::not_found)?;
        actor.check_sees(Scope {
            community: building.community.key(),
            building: Some(building.id.key()),
            unit: None,
            assignee: None,
        })?;
        let bref = BuildingRef { id: String::from(building.id), number: building.number, name: building.name };
        let mut units: Vec<UnitInfo> = rows::<UnitListRow>(&mut res, 1)?
            .into_iter()
            .map(|u| UnitInfo {
                label: unit_label(&bref.name, &u.number),
                id: String::from(u.id),
                number: u.number,
                building: bref.clone(),
                residents: u
                    .residents
                    .into_iter()
                    .map(|r| ResidentInfo {
                        id: String::from(r.id),
                        name: r.name,
                        phone: phone::mask(&r.phone),
                        elder_mode: r.elder_mode,
                    })
                    .collect(),
            })
            .collect();
        units.sort_by(|a, b| natural_cmp(&a.number, &b.number));
        Ok(units)
    }
}
