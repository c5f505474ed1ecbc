//! Communities, buildings, units and the people in them.

use crate::record::{BuildingId, CommunityId, UnitId, UserId};
use serde::Deserialize;

use super::{
    Backend,
    db::{self, rows, run},
    error::Result,
    policy::{Actor, Permission},
};
use super::{ids, policy::Scope};
use linli_model::{
    AppError, BuildingInfo, BuildingRef, CommunityRef, ErrorCode, Msg, ResidentInfo, Role, StaffRef, Trade, UnitInfo,
    UnitRef, keys::AuditAction, phone,
};
pub(crate) mod store;

use store::*;

impl From<BuildingRow> for BuildingRef {
    fn from(b: BuildingRow) -> Self {
        BuildingRef { id: String::from(b.id), number: b.number, name: b.name }
    }
}

/// `1号楼 101`: the label printed on letters and work orders.
pub fn unit_label(building_name: &str, unit_number: &str) -> String {
    format!("{building_name} {unit_number}")
}

/// Sorts building or unit numbers as people expect: 2 before 10, 12 before
/// 12A before 13, `B2` before `B10`.
///
/// The text is compared run by run: a run of digits against a run of
/// digits by value (any length: by its length without leading zeros, then
/// digit by digit), a digit run before a text run, text runs as text; the
/// whole strings break a tie. That is a total order (sorting with an order
/// that is not one panics), whatever mix of numbers and names is stored.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    fn runs(s: &str) -> impl Iterator<Item = (bool, &str)> {
        let mut rest = s;
        std::iter::from_fn(move || {
            let first = rest.chars().next()?;
            let digits = first.is_ascii_digit();
            let end = rest.find(|c: char| c.is_ascii_digit() != digits).unwrap_or(rest.len());
            let (run, tail) = rest.split_at(end);
            rest = tail;
            Some((digits, run))
        })
    }
    let mut x = runs(a);
    let mut y = runs(b);
    loop {
        let order = match (x.next(), y.next()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => Ordering::Less,
            (Some(_), None) => Ordering::Greater,
            (Some((true, m)), Some((true, n))) => {
                let (m, n) = (m.trim_start_matches('0'), n.trim_start_matches('0'));
                m.len().cmp(&n.len()).then_with(|| m.cmp(n))
            }
            (Some((true, _)), Some((false, _))) => Ordering::Less,
            (Some((false, _)), Some((true, _))) => Ordering::Greater,
            (Some((false, m)), Some((false, n))) => m.cmp(n),
        };
        if order != Ordering::Equal {
            return order;
        }
    }
}

impl Backend {
    /// The buildings of the caller's community, each with its butler.
    /// Everyone in the community may see this (residents see who their
    /// butler is); the full phone number is given only to staff and to the
    /// residents of that butler's buildings, who may need to call.
    pub async fn buildings(&self, actor: &Actor) -> Result<Vec<BuildingInfo>> {
        let mut res =
            run(self.db.query(store::BUILDINGS).bind(("community", CommunityId::record_of(actor.community_id()))))
                .await?;
        let mut list: Vec<BuildingInfo> = rows::<BuildingListRow>(&mut res, 0)?
            .into_iter()
            .map(|b| {
                let callable = actor.may_call_butler_of(b.id.as_str());
                let butler = match (b.butler, b.butler_name, b.butler_phone) {
                    (Some(id), Some(name), Some(full)) => Some(StaffRef {
                        id: String::from(id),
                        name,
                        phone: phone::mask(&full),
                        phone_full: callable.then_some(full),
                    }),
                    _ => None,
                };
                BuildingInfo {
                    id: String::from(b.id),
                    number: b.number,
                    name: b.name,
                    butler,
                    unit_count: b.unit_count,
                }
            })
            .collect();
        list.sort_by(|a, b| natural_cmp(&a.number, &b.number));
        Ok(list)
    }

    /// One unit with its residents; 404 unless the caller may see that unit.
    pub async fn unit(&self, actor: &Actor, unit_id: &str) -> Result<UnitInfo> {
        if !ids::is_plausible_key(unit_id) {
            return Err(AppError::not_found().into());
        }
        let mut res = run(self.db.query(store::UNIT).bind(("id", UnitId::record_of(unit_id)))).await?;
        let unit: UnitRow = db::row(&mut res, 0)?.ok_or_else(AppError::not_found)?;
        actor.check_sees(Scope {
            community: unit.community.key(),
            building: Some(unit.building.key()),
            unit: Some(unit.id.key()),
            assignee: None,
        })?;
        let residents = rows::<ResidentRow>(&mut res, 1)?
            .into_iter()
            .map(|r| ResidentInfo {
                id: String::from(r.id),
                name: r.name,
                phone: phone::mask(&r.phone),
                elder_mode: r.elder_mode,
            })
            .collect();
        Ok(UnitInfo {
            label: unit_label(&unit.building_name, &unit.number),
            id: String::from(unit.id),
            number: unit.number,
            building: BuildingRef {
                id: String::from(unit.building),
                number: unit.building_number,
                name: unit.building_name,
            },
            residents,
        })
    }

    /// Gives a building to another butler (manager only). Its open jobs
    /// move with it: the new butler owns them from now on. Audited.
    pub async fn assign_butler(&self, actor: &Actor, building_id: &str, butler_id: &str) -> Result<BuildingInfo> {
        actor.require(Permission::AssignButler)?;
        if !ids::is_plausible_key(building_id) {
            return Err(AppError::not_found().into());
        }
        let mut res = run(self
            .db
            .query(store::BUILDING_AND_BUTLER)
            .bind(("b", BuildingId::record_of(building_id)))
            .bind(("u", if ids::is_plausible_key(butler_id) { butler_id.to_string() } else { "-".to_string() }))
            .bind(("c", CommunityId::record_of(actor.community_id()))))
        .await?;
        let building: Option<serde_json::Value> = db::row(&mut res, 0)?;
        let butler: Option<serde_json::Value> = db::row(&mut res, 1)?;
        let building = building.ok_or_else(AppError::not_found)?;
        let butler = butler.ok_or_else(|| AppError::invalid("butler_id", Msg::ErrButlerInvalid))?;
        run(self
            .db
            .query(store::ASSIGN_BUTLER)
            .bind(("building", BuildingId::record_of(building_id)))
            .bind(("butler", UserId::record_of(butler_id))))
        .await?;
        // Both butlers' reach changes now, not when their sessions refresh.
        self.sessions.forget_all();
        let detail = format!(
            "{} → {}",
            crate::convert::str_field(&building, "name"),
            crate::convert::str_field(&butler, "name")
        );
        self.audit(actor, AuditAction::BuildingAssignButler, building_id, &detail).await?;
        tracing::info!(building = building_id, butler = butler_id, "building reassigned");
        self.buildings(actor)
            .await?
            .into_iter()
            .find(|b| b.id == building_id)
            .ok_or_else(|| AppError::not_found().into())
    }

    /// Builds the [`Actor`] for a user: who they are and where they belong.
    /// A deactivated account gets no actor (its sessions stop working).
    pub(crate) async fn load_actor(&self, user_id: &str, session_id: &str) -> Result<Actor> {
        let mut res = run(self.db.query(store::LOAD_ACTOR).bind(("id", UserId::record_of(user_id)))).await?;
        let row: ActorRow =
            db::row(&mut res, 0)?.ok_or_else(|| AppError::new(ErrorCode::SessionExpired, Msg::ErrSessionExpired))?;
        if !row.active {
            return Err(AppError::new(ErrorCode::SessionExpired, Msg::ErrAccountDisabled).into());
        }
        let mut buildings: Vec<BuildingRef> = rows::<BuildingRow>(&mut res, 1)?.into_iter().map(Into::into).collect();
        buildings.sort_by(|a, b| natural_cmp(&a.number, &b.number));
        let role = row.role;
        let unit = match (row.unit, row.unit_number, row.building, row.building_number, row.building_name) {
            (Some(id), Some(number), Some(bid), Some(bnum), Some(bname)) => Some(UnitRef {
                label: unit_label(&bname, &number),
                id: String::from(id),
                number,
                building: BuildingRef { id: String::from(bid), number: bnum, name: bname },
            }),
            _ => None,
        };
        Ok(Actor {
            user_id: String::from(row.id),
            session_id: session_id.to_string(),
            name: row.name,
            phone: row.phone,
            role,
            community: CommunityRef { id: String::from(row.community), name: row.community_name },
            unit,
            buildings: if role == Role::Butler { buildings } else { Vec::new() },
            elder_mode: row.elder_mode,
            trades: row.trades.iter().filter_map(|t| Trade::parse(t)).collect(),
            gate: row.gate,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_sort_naturally() {
        let mut v = vec!["10", "2", "1", "B"];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(v, vec!["1", "2", "10", "B"]);
        let mut v = vec!["12A", "9", "12", "3A", "20", "B10", "B2", "007", "7", "-7", "7号楼"];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(v, vec!["3A", "007", "7", "7号楼", "9", "12", "12A", "20", "-7", "B2", "B10"]);
    }

    #[test]
    fn the_natural_order_is_total_for_any_mix_of_numbers_and_names() {
        // Sorting panics on an order that is not total (9 < 12 < 12A < 9
        // did, with the old number-or-text rule); check the laws on a mix.
        let items =
            ["2", "20", "12A", "3A", "9", "12", "5B", "30", "", "0", "00", "A", "a1", "a01", "１２", "x9y", "x10y"];
        for a in items {
            assert_eq!(natural_cmp(a, a), std::cmp::Ordering::Equal);
            for b in items {
                assert_eq!(natural_cmp(a, b), natural_cmp(b, a).reverse(), "{a} {b}");
                for c in items {
                    if natural_cmp(a, b).is_le() && natural_cmp(b, c).is_le() {
                        assert!(natural_cmp(a, c).is_le(), "{a} <= {b} <= {c}");
                    }
                }
            }
        }
        let mut v = items.to_vec();
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(&v[..4], ["", "0", "00", "2"]);
    }
}
