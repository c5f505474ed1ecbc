//! The passes store: rows as stored and their projections into the
//! model's views, and the queries that load passes and their entries.

use crate::record::{BuildingId, CommunityId, PassEntryId, PassId, UnitId, UserId, WalkInId};
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::super::{
    Backend,
    db::{row, rows, run},
    error::Result,
    ids,
    people::unit_label,
};
use linli_model::{
    BuildingRef, UnitRef,
    pass::{self, Entry, Pass, PassFacts},
    phone,
};

macro_rules! pass_select {
    () => {
        "SELECT *, unit.number AS unit_number, building.number AS building_number,
                building.name AS building_name, community.name AS community_name,
                community.address AS community_address"
    };
}

#[derive(Deserialize, Clone)]
pub(super) struct PassRow {
    pub(super) id: PassId,
    pub(super) community: CommunityId,
    pub(super) building: BuildingId,
    pub(super) unit: UnitId,
    pub(super) host: UserId,
    pub(super) visitor_name: String,
    #[serde(default)]
    pub(super) visitor_phone: Option<String>,
    #[serde(default)]
    pub(super) purpose: String,
    #[serde(default)]
    pub(super) plate: Option<String>,
    pub(super) valid_from: DateTime<Utc>,
    pub(super) valid_until: DateTime<Utc>,
    pub(super) max_entries: u32,
    pub(super) entries_used: u32,
    #[serde(default)]
    pub(super) revoked_at: Option<DateTime<Utc>>,
    pub(super) created_at: DateTime<Utc>,
    pub(super) unit_number: String,
    pub(super) building_number: String,
    pub(super) building_name: String,
    pub(super) community_name: String,
    #[serde(default)]
    pub(super) community_address: String,
}

#[derive(Deserialize)]
pub(super) struct EntryRow {
    pub(super) id: PassEntryId,
    #[serde(default)]
    pub(super) pass: Option<PassId>,
    pub(super) gate: String,
    pub(super) guard_name: String,
    pub(super) at: DateTime<Utc>,
    #[serde(default)]
    pub(super) visitor_name: Option<String>,
    #[serde(default)]
    pub(super) walk_in_name: Option<String>,
    #[serde(default)]
    pub(super) unit_number: Option<String>,
    #[serde(default)]
    pub(super) building_name: Option<String>,
    #[serde(default)]
    pub(super) plate: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct WalkInRow {
    pub(super) id: WalkInId,
    pub(super) community: CommunityId,
    pub(super) building: BuildingId,
    pub(super) unit: UnitId,
    pub(super) guard: UserId,
    pub(super) visitor_name: String,
    #[serde(default)]
    pub(super) visitor_phone: Option<String>,
    #[serde(default)]
    pub(super) purpose: String,
    pub(super) gate: String,
    pub(super) status: String,
    #[serde(default)]
    pub(super) decided_by_name: Option<String>,
    pub(super) created_at: DateTime<Utc>,
    pub(super) unit_number: String,
    pub(super) building_number: String,
    pub(super) building_name: String,
}

#[derive(Deserialize)]
pub(super) struct UnitPlace {
    pub(super) id: UnitId,
    pub(super) community: CommunityId,
    pub(super) building: BuildingId,
    pub(super) number: String,
    pub(super) building_number: String,
    pub(super) building_name: String,
}

impl PassRow {
    pub(super) fn facts(&self) -> PassFacts {
        PassFacts {
            valid_from: self.valid_from,
            valid_until: self.valid_until,
            max_entries: self.max_entries,
            entries_used: self.entries_used,
            revoked: self.revoked_at.is_some(),
        }
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

    pub(super) fn view(&self, entries: Vec<Entry>, now: DateTime<Utc>) -> Pass {
        Pass {
            id: String::from(self.id.clone()),
            visitor_name: self.visitor_name.clone(),
            visitor_phone: self.visitor_phone.as_deref().map(phone::mask),
            purpose: self.purpose.clone(),
            plate: self.plate.clone(),
            unit: self.unit_ref(),
            valid_from: self.valid_from,
            valid_until: self.valid_until,
            max_entries: self.max_entries,
            entries_used: self.entries_used,
            revoked: self.revoked_at.is_some(),
            reason: pass::check(self.facts(), now).err(),
            entries,
            created_at: self.created_at,
        }
    }
}

pub(super) fn entry_view(e: EntryRow) -> Entry {
    Entry {
        id: String::from(e.id),
        gate: e.gate,
        guard: e.guard_name,
        at: e.at,
        visitor_name: e.visitor_name.or(e.walk_in_name),
        plate: e.plate,
        unit: match (e.building_name, e.unit_number) {
            (Some(b), Some(u)) => Some(unit_label(&b, &u)),
            _ => None,
        },
    }
}

impl Backend {
    pub(super) async fn load_pass(&self, id: &str) -> Result<Option<PassRow>> {
        if !ids::is_plausible_key(id) {
            return Ok(None);
        }
        let mut res =
            run(self.db.query(concat!(pass_select!(), " FROM type::record('pass', $id)")).bind(("id", id.to_string())))
                .await?;
        row(&mut res, 0)
    }

    pub(super) async fn entries_of(&self, pass_ids: &[String]) -> Result<Vec<(String, Entry)>> {
        let mut res = run(self
            .db
            .query(
                "SELECT id, pass, gate, guard.name AS guard_name, at FROM pass_entry
                 WHERE pass IN $passes ORDER BY at",
            )
            .bind(("passes", crate::record::PassId::records_of(pass_ids))))
        .await?;
        Ok(rows::<EntryRow>(&mut res, 0)?
            .into_iter()
            .map(|e| (e.pass.clone().map(String::from).unwrap_or_default(), entry_view(e)))
            .collect())
    }
}
