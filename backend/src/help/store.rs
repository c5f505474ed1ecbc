//! The help-call store: rows as stored, what they mean for a caller
//! (party, visibility, audience), and the loads.

use crate::record::{BuildingId, CommunityId, HelpCallId, UnitId, UserId};
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::super::{
    Backend,
    db::{row, run},
    error::Result,
    events::Audience,
    ids,
    people::unit_label,
    policy::Actor,
};
use linli_model::{
    BuildingRef, Role, UnitRef,
    help::{EmergencyContact, HelpParty, HelpStatus, Outcome},
};
macro_rules! call_select {
    () => {
        "SELECT *, elder.name AS elder_name, elder.phone AS elder_phone,
                elder.emergency_contacts AS contacts,
                unit.number AS unit_number, building.number AS building_number,
                building.name AS building_name, building.butler AS butler,
                building.butler.name AS butler_name, building.butler.phone AS butler_phone,
                acknowledged_by.name AS acknowledged_by_name"
    };
}

#[derive(Deserialize, Clone)]
pub(super) struct CallRow {
    pub(super) id: HelpCallId,
    pub(super) community: CommunityId,
    pub(super) building: BuildingId,
    pub(super) unit: UnitId,
    pub(super) elder: UserId,
    pub(super) status: HelpStatus,
    #[serde(default)]
    pub(super) outcome: Option<Outcome>,
    pub(super) escalation_level: i64,
    pub(super) created_at: DateTime<Utc>,
    #[serde(default)]
    pub(super) acknowledged_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub(super) acknowledged_by: Option<UserId>,
    #[serde(default)]
    pub(super) acknowledged_by_name: Option<String>,
    #[serde(default)]
    pub(super) arrived_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub(super) closed_at: Option<DateTime<Utc>>,
    pub(super) version: i64,
    pub(super) elder_name: String,
    pub(super) elder_phone: String,
    #[serde(default)]
    pub(super) contacts: Vec<EmergencyContact>,
    pub(super) unit_number: String,
    pub(super) building_number: String,
    pub(super) building_name: String,
    #[serde(default)]
    pub(super) butler: Option<UserId>,
    #[serde(default)]
    pub(super) butler_name: Option<String>,
    #[serde(default)]
    pub(super) butler_phone: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct EntryRow {
    pub(super) seq: i64,
    pub(super) action: String,
    pub(super) actor_name: String,
    #[serde(default)]
    pub(super) note: String,
    pub(super) at: DateTime<Utc>,
}

#[derive(Deserialize)]
pub(super) struct HelpSettingsRow {
    #[serde(default)]
    pub(super) help: Option<HelpSettingsStored>,
}

#[derive(Deserialize)]
pub(super) struct HelpSettingsStored {
    pub(super) staff_secs: Option<i64>,
    pub(super) contacts_secs: Option<i64>,
}

#[derive(Deserialize)]
pub(super) struct StaffRow {
    pub(super) id: UserId,
}

impl CallRow {
    pub(super) fn status(&self) -> HelpStatus {
        self.status
    }

    pub(super) fn level(&self) -> u8 {
        self.escalation_level.clamp(0, 2) as u8
    }

    pub(super) fn party(&self, actor: &Actor) -> HelpParty {
        if actor.community.id != self.community {
            return HelpParty::default();
        }
        let mut party = HelpParty::for_role(
            actor.role,
            actor.owns_building(self.building.key()),
            actor.unit_id() == Some(self.unit.as_str()),
            self.level(),
        );
        // Only staff on duty are alerted (and may step in) on escalation.
        party.escalated_staff &= actor.role.is_staff();
        party
    }

    /// Who may see the call: the elder's household, the first responders,
    /// and, once escalated, every staff member of the community.
    pub(super) fn visible_to(&self, actor: &Actor) -> bool {
        let p = self.party(actor);
        p.caller || p.responder || p.escalated_staff
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

    /// First responders and the household; everyone on duty once escalated.
    pub(super) fn audience(&self, on_duty: Vec<String>) -> Audience {
        let mut users = on_duty;
        users.push(String::from(self.elder.clone()));
        Audience {
            users,
            units: vec![String::from(self.unit.clone())],
            buildings: vec![String::from(self.building.clone())],
            roles: vec![Role::Duty, Role::Admin],
            residents_of: vec![],
        }
    }
}

impl Backend {
    pub(super) async fn call_by_key(&self, elder: &str, client_key: &str) -> Result<Option<CallRow>> {
        let mut res = run(self
            .db
            .query(concat!(call_select!(), " FROM help_call WHERE elder = $elder AND client_key = $key"))
            .bind(("elder", UserId::record_of(elder)))
            .bind(("key", client_key.to_string())))
        .await?;
        row(&mut res, 0)
    }

    pub(super) async fn load_call(&self, id: &str) -> Result<Option<CallRow>> {
        if !ids::is_plausible_key(id) {
            return Ok(None);
        }
        let mut res = run(self
            .db
            .query(concat!(call_select!(), " FROM type::record('help_call', $id)"))
            .bind(("id", id.to_string())))
        .await?;
        row(&mut res, 0)
    }
}
