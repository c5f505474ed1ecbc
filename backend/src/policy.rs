//! The authorisation policy: role × community × building × owner, in one
//! place. Every service asks these questions before it reads or changes
//! anything, so REST handlers, server functions and form handlers cannot
//! disagree about who may do what.
//!
//! Two answers matter to clients: an object the caller may not *see* is
//! reported as 404 (so an id changed in a URL never reveals that another
//! unit's object exists); an object they see but may not *change* in this
//! way is 403.

use linli_model::{AppError, BuildingRef, CommunityRef, Me, Role, Trade, UnitRef, phone};

/// Who is making a request, as established from their session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub user_id: String,
    pub session_id: String,
    pub name: String,
    pub phone: String,
    pub role: Role,
    pub community: CommunityRef,
    /// A resident's home (with its building).
    pub unit: Option<UnitRef>,
    /// The buildings a butler owns.
    pub buildings: Vec<BuildingRef>,
    pub elder_mode: bool,
    pub trades: Vec<Trade>,
    pub gate: Option<String>,
}

/// Where an object lives and who it belongs to, as far as access goes.
#[derive(Clone, Copy, Debug, Default)]
pub struct Scope<'a> {
    pub community: &'a str,
    pub building: Option<&'a str>,
    pub unit: Option<&'a str>,
    /// The worker an object (a job) is assigned to.
    pub assignee: Option<&'a str>,
}

impl Actor {
    pub fn community_id(&self) -> &str {
        &self.community.id
    }

    pub fn unit_id(&self) -> Option<&str> {
        self.unit.as_ref().map(|u| u.id.as_str())
    }

    /// The building of a resident's home.
    pub fn home_building_id(&self) -> Option<&str> {
        self.unit.as_ref().map(|u| u.building.id.as_str())
    }

    pub fn owns_building(&self, building_id: &str) -> bool {
        self.buildings.iter().any(|b| b.id == building_id)
    }

    /// 403 unless the caller holds one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), AppError> {
        if roles.contains(&self.role) { Ok(()) } else { Err(AppError::forbidden()) }
    }

    /// Whether the caller may see an object at `scope`:
    /// a resident their own unit's, a butler their buildings', a worker
    /// what is assigned to them, duty room and admin the whole community.
    /// Guards see no unit's objects through this rule; the gate services
    /// give them what a gate needs.
    pub fn sees(&self, scope: Scope<'_>) -> bool {
        if scope.community != self.community.id {
            return false;
        }
        match self.role {
            Role::Resident => scope.unit.is_some() && scope.unit == self.unit_id(),
            Role::Butler => scope.building.is_some_and(|b| self.owns_building(b)),
            Role::Worker => scope.assignee.is_some_and(|a| a == self.user_id),
            Role::Duty | Role::Admin => true,
            Role::Guard => false,
        }
    }

    /// `Ok` when the caller [`sees`](Self::sees) the object, else 404.
    pub fn check_sees(&self, scope: Scope<'_>) -> Result<(), AppError> {
        if self.sees(scope) { Ok(()) } else { Err(AppError::not_found()) }
    }

    /// The client's view of the caller.
    pub fn me(&self) -> Me {
        Me {
            id: self.user_id.clone(),
            name: self.name.clone(),
            role: self.role,
            phone: phone::mask(&self.phone),
            community: self.community.clone(),
            unit: self.unit.clone(),
            buildings: self.buildings.clone(),
            elder_mode: self.elder_mode,
            trades: self.trades.clone(),
            gate: self.gate.clone(),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn building(id: &str) -> BuildingRef {
        BuildingRef { id: id.into(), number: id.into(), name: id.into() }
    }

    /// A made-up caller of each role, for tests here and elsewhere.
    pub(crate) fn actor(role: Role) -> Actor {
        Actor {
            user_id: "u1".into(),
            session_id: "s1".into(),
            name: "n".into(),
            phone: "13800000001".into(),
            role,
            community: CommunityRef { id: "c1".into(), name: "c".into() },
            unit: (role == Role::Resident).then(|| UnitRef {
                id: "unit1".into(),
                number: "101".into(),
                building: building("b1"),
                label: "1 101".into(),
            }),
            buildings: if role == Role::Butler { vec![building("b1")] } else { vec![] },
            elder_mode: false,
            trades: vec![],
            gate: None,
        }
    }

    fn scope<'a>(community: &'a str, building: &'a str, unit: &'a str) -> Scope<'a> {
        Scope { community, building: Some(building), unit: Some(unit), assignee: None }
    }

    #[test]
    fn residents_see_only_their_unit() {
        let a = actor(Role::Resident);
        assert!(a.sees(scope("c1", "b1", "unit1")));
        assert!(!a.sees(scope("c1", "b1", "unit2")));
        assert!(!a.sees(scope("c2", "b1", "unit1")));
        assert!(!a.sees(Scope { community: "c1", ..Default::default() }));
    }

    #[test]
    fn butlers_see_their_buildings_only() {
        let a = actor(Role::Butler);
        assert!(a.sees(scope("c1", "b1", "unit9")));
        assert!(!a.sees(scope("c1", "b2", "unit1")));
        assert!(!a.sees(scope("c2", "b1", "unit1")));
    }

    #[test]
    fn workers_see_what_is_assigned_to_them() {
        let a = actor(Role::Worker);
        let mut s = scope("c1", "b1", "unit1");
        assert!(!a.sees(s));
        s.assignee = Some("u1");
        assert!(a.sees(s));
        s.community = "c2";
        assert!(!a.sees(s));
    }

    #[test]
    fn duty_and_admin_see_their_community_only() {
        for role in [Role::Duty, Role::Admin] {
            let a = actor(role);
            assert!(a.sees(scope("c1", "b3", "unit7")));
            assert!(!a.sees(scope("c2", "b3", "unit7")));
        }
        assert!(!actor(Role::Guard).sees(scope("c1", "b1", "unit1")));
    }

    #[test]
    fn unseen_is_not_found_and_wrong_role_is_forbidden() {
        let a = actor(Role::Resident);
        assert_eq!(
            a.check_sees(scope("c1", "b1", "unit2")).err().map(|e| e.code),
            Some(linli_model::ErrorCode::NotFound)
        );
        assert_eq!(a.require(&[Role::Admin]).err().map(|e| e.code), Some(linli_model::ErrorCode::Forbidden));
        assert!(a.require(&[Role::Resident, Role::Admin]).is_ok());
    }
}
