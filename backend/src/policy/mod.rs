//! The authorisation policy: role × community × building × owner, in one
//! place. Every service asks these questions before it reads or changes
//! anything, so REST handlers, server functions and form handlers cannot
//! disagree about who may do what.
//!
//! Two answers matter to clients: an object the caller may not *see* is
//! reported as 404 (so an id changed in a URL never reveals that another
//! unit's object exists); an object they see but may not *change* in this
//! way is 403.

mod audience;

pub use audience::{Audience, Topic};
pub use linli_model::permission::Permission;
use linli_model::{
    AppError, BuildingRef, CommunityRef, Me, Role, Trade, UnitRef, help::HelpParty, keys::JobListScope, phone,
    repair::Party,
};

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

    /// Whether the caller's role may do `what` at all ([`Permission::roles`]).
    pub fn may(&self, what: Permission) -> bool {
        self.role.may(what)
    }

    /// 403 unless the caller's role may do `what`.
    pub fn require(&self, what: Permission) -> Result<(), AppError> {
        if self.may(what) { Ok(()) } else { Err(AppError::forbidden()) }
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

    /// Whether the caller may pause, resume or revoke a pass at `scope`
    /// (`recurring`: it has a schedule; `for_elder`: a butler made it for
    /// an elder's home): a household its own passes, a butler the
    /// recurring passes made for elders in their buildings, the manager
    /// every recurring pass of the community. Nothing outside the caller's
    /// community.
    pub fn manages_pass(&self, scope: Scope<'_>, recurring: bool, for_elder: bool) -> bool {
        if !self.sees(scope) {
            return false;
        }
        match self.role {
            Role::Resident => self.may(Permission::ManageOwnPasses),
            Role::Butler => recurring && for_elder && self.may(Permission::InviteForElder),
            Role::Admin => recurring && self.may(Permission::ManageLongTermPasses),
            _ => false,
        }
    }

    /// Whether the caller may pause or resume a recurring pass at `scope`:
    /// as [`Actor::manages_pass`], but not the manager, who only revokes.
    pub fn may_pause_pass(&self, scope: Scope<'_>, for_elder: bool) -> bool {
        self.role != Role::Admin && self.manages_pass(scope, true, for_elder)
    }

    /// The caller's relation to a job, for the state machine in
    /// `linli_model::repair`: its reporter, the butler owning its building,
    /// its assignee, the duty room or the manager.
    pub fn job_party(&self, reporter: &str, building: &str, assignee: Option<&str>) -> Party {
        Party {
            reporter: self.user_id == reporter,
            owner: self.role == Role::Butler && self.owns_building(building),
            assignee: assignee == Some(self.user_id.as_str()),
            admin: self.role == Role::Admin,
            duty: self.role == Role::Duty,
            system: false,
        }
    }

    /// The job list the caller opens on ([`Role::natural_job_list`]).
    pub const fn natural_job_list(&self) -> Option<JobListScope> {
        self.role.natural_job_list()
    }

    /// Whether the caller may ask for the job list `scope` ([`Role::may_list_jobs`]).
    pub const fn may_list_jobs(&self, scope: JobListScope) -> bool {
        self.role.may_list_jobs(scope)
    }

    /// Whether the full phone numbers of the staff on a job may be shown
    /// to the caller: staff see them all; a household those on its own jobs.
    pub fn may_call_staff_of(&self, unit: &str) -> bool {
        self.role.is_staff() || self.unit_id() == Some(unit)
    }

    /// Whether a building's butler's full phone number may be shown to the
    /// caller: staff, and the households of that building.
    pub fn may_call_butler_of(&self, building: &str) -> bool {
        self.role.is_staff() || self.home_building_id() == Some(building)
    }

    /// Whether the caller's view of a community-wide list reaches building
    /// `building`: a butler's stops at their own buildings; other roles
    /// that may see the list at all see every building.
    pub fn covers_building(&self, building: &str) -> bool {
        self.role != Role::Butler || self.owns_building(building)
    }

    /// Whether lists of the caller's community are cut to the buildings
    /// they own (a butler's), rather than shown whole.
    pub fn limited_to_own_buildings(&self) -> bool {
        self.role == Role::Butler
    }

    /// The caller's relation to a help call of `community`, in `building`
    /// and `unit`, escalated to `level` (the rule is
    /// `linli_model::help::HelpParty::for_role`; nothing outside the
    /// caller's community). A call is visible to its household, its first
    /// responders and, once escalated, every staff member.
    pub fn help_party(&self, community: &str, building: &str, unit: &str, level: u8) -> HelpParty {
        if community != self.community.id {
            return HelpParty::default();
        }
        HelpParty::for_role(self.role, self.owns_building(building), self.unit_id() == Some(unit), level)
    }

    /// For the help-call list's query (which narrows what is read before
    /// [`Actor::help_party`] decides): whether the caller is a first
    /// responder for every call of the community (the duty room and the
    /// manager) rather than for those of their buildings or home.
    pub fn sees_every_help_call(&self) -> bool {
        matches!(self.role, Role::Duty | Role::Admin)
    }

    /// For the same query: whether calls escalated beyond their building
    /// reach the caller (every staff member).
    pub fn sees_escalated_help_calls(&self) -> bool {
        self.role.is_staff()
    }

    /// Whether a notice of `community` addressed to `buildings` (empty: the
    /// whole community) reaches the caller: residents of those buildings,
    /// butlers owning one of them, every other staff member of the community.
    pub fn is_addressed_by<B: AsRef<str>>(&self, community: &str, buildings: &[B]) -> bool {
        if community != self.community.id {
            return false;
        }
        if buildings.is_empty() {
            return true;
        }
        if self.role.is_staff() {
            return buildings.iter().any(|b| self.covers_building(b.as_ref()));
        }
        self.home_building_id().is_some_and(|home| buildings.iter().any(|b| b.as_ref() == home))
    }

    /// The buildings whose notices reach the caller besides the
    /// community-wide ones, for a notice query to narrow its read before
    /// [`Self::is_addressed_by`] decides: `None` when every building's
    /// notices reach them (staff other than butlers), a butler's own
    /// buildings, a resident's home building (none without a home). A
    /// notice of the caller's community reaches them exactly when it is
    /// addressed to no building or to one of these (test
    /// `notice_reach_agrees_with_the_audience_check`).
    pub fn notice_reach(&self) -> Option<Vec<&str>> {
        if self.role.is_staff() {
            return (self.role == Role::Butler).then(|| self.buildings.iter().map(|b| b.id.as_str()).collect());
        }
        Some(self.home_building_id().into_iter().collect())
    }

    /// Whether the caller may end an outage of `buildings` (empty: the
    /// whole community) or extend it: the manager any, a butler one of
    /// their own buildings only (never a community-wide one).
    pub fn may_manage_outage<B: AsRef<str>>(&self, buildings: &[B]) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Butler => !buildings.is_empty() && buildings.iter().all(|b| self.owns_building(b.as_ref())),
            _ => false,
        }
    }

    /// Whether the caller sees how many households marked an outage
    /// affected and which reports are linked to it (staff).
    pub fn sees_outage_counts(&self) -> bool {
        self.role.is_staff()
    }

    /// Whether the caller still sees notices past their expiry: those who
    /// publish and manage them (butlers, the manager). Guards, workers and
    /// the duty room read notices as residents do, current ones only.
    pub fn sees_expired_notices(&self) -> bool {
        self.may(Permission::PublishNotice)
    }

    /// Whether the caller's reading of a notice counts for their household.
    pub fn reads_for_household(&self) -> bool {
        self.may(Permission::MarkNoticeRead)
    }

    /// Whether the caller sees how many households a notice reached.
    pub fn sees_notice_reach(&self) -> bool {
        self.role.is_staff()
    }

    /// Whether the caller may see butler `butler_id`'s scorecard: the
    /// manager every butler's, a butler their own.
    pub fn sees_scorecard_of(&self, butler_id: &str) -> bool {
        self.role == Role::Admin || (self.role == Role::Butler && self.user_id == butler_id)
    }

    /// Whether the caller is an elder at home (a resident in elder mode),
    /// the only person a help device may be paired to or act for.
    pub fn is_elder(&self) -> bool {
        self.role == Role::Resident && self.elder_mode
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
    fn notice_reach_agrees_with_the_audience_check() {
        let lists: [&[&str]; 5] = [&[], &["b1"], &["b2"], &["b1", "b2"], &["b3", "b2"]];
        let mut homeless = actor(Role::Resident);
        homeless.unit = None;
        let callers = [
            actor(Role::Resident),
            homeless,
            actor(Role::Butler),
            actor(Role::Worker),
            actor(Role::Guard),
            actor(Role::Admin),
        ];
        for a in callers {
            for buildings in lists {
                let narrowed =
                    buildings.is_empty() || a.notice_reach().is_none_or(|r| buildings.iter().any(|b| r.contains(b)));
                assert_eq!(narrowed, a.is_addressed_by("c1", buildings), "{:?} and {buildings:?}", a.role);
            }
        }
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
        assert_eq!(a.require(Permission::Administer).err().map(|e| e.code), Some(linli_model::ErrorCode::Forbidden));
        assert!(a.require(Permission::ReportRepair).is_ok());
    }

    #[test]
    fn notices_reach_their_buildings_households_and_staff() {
        let resident = actor(Role::Resident);
        let butler = actor(Role::Butler);
        let duty = actor(Role::Duty);
        let none: [&str; 0] = [];
        for a in [&resident, &butler, &duty] {
            assert!(a.is_addressed_by("c1", &none), "{:?}: a notice to everyone", a.role);
            assert!(!a.is_addressed_by("c2", &none), "{:?}: another community's notice", a.role);
        }
        assert!(resident.is_addressed_by("c1", &["b1"]) && !resident.is_addressed_by("c1", &["b2"]));
        assert!(butler.is_addressed_by("c1", &["b2", "b1"]) && !butler.is_addressed_by("c1", &["b2"]));
        assert!(duty.is_addressed_by("c1", &["b2"]));
    }

    #[test]
    fn job_lists_and_scorecards_follow_the_role() {
        use linli_model::keys::JobListScope;
        for role in Role::ALL {
            let a = actor(role);
            if let Some(natural) = a.natural_job_list() {
                assert!(a.may_list_jobs(natural), "{role:?} may open its own list");
            }
        }
        assert!(actor(Role::Guard).natural_job_list().is_none());
        assert!(!actor(Role::Resident).may_list_jobs(JobListScope::All));
        assert!(actor(Role::Butler).may_list_jobs(JobListScope::Assigned));
        assert!(actor(Role::Butler).sees_scorecard_of("u1") && !actor(Role::Butler).sees_scorecard_of("u2"));
        assert!(actor(Role::Admin).sees_scorecard_of("u2") && !actor(Role::Duty).sees_scorecard_of("u1"));
    }

    #[test]
    fn passes_are_managed_by_their_household_the_elders_butler_and_the_manager() {
        let own = scope("c1", "b1", "unit1");
        let other_unit = scope("c1", "b1", "unit2");
        let other_building = scope("c1", "b2", "unit7");
        let resident = actor(Role::Resident);
        assert!(resident.manages_pass(own, false, false) && resident.manages_pass(own, true, true));
        assert!(!resident.manages_pass(other_unit, true, false), "not another unit's");
        let butler = actor(Role::Butler);
        assert!(butler.manages_pass(other_unit, true, true), "an elder's recurring pass in their building");
        assert!(!butler.manages_pass(other_unit, true, false), "not a household's own pass");
        assert!(!butler.manages_pass(other_unit, false, true), "not a single pass");
        assert!(!butler.manages_pass(other_building, true, true), "not another building's");
        let admin = actor(Role::Admin);
        assert!(admin.manages_pass(other_building, true, false) && !admin.manages_pass(other_building, false, false));
        assert!(!admin.manages_pass(scope("c2", "b1", "unit1"), true, false), "not another community's");
        assert!(!admin.may_pause_pass(other_building, false), "the manager revokes, never pauses");
        assert!(resident.may_pause_pass(own, false) && butler.may_pause_pass(other_unit, true));
        for role in [Role::Guard, Role::Duty, Role::Worker] {
            assert!(!actor(role).manages_pass(own, true, true), "{role:?}");
        }
    }

    #[test]
    fn the_help_button_and_repairs_are_a_households_own() {
        for role in Role::ALL {
            let a = actor(role);
            assert_eq!(a.may(Permission::PressHelp), role == Role::Resident);
            assert_eq!(a.may(Permission::ReportRepair), role == Role::Resident);
            assert_eq!(a.may(Permission::VerifyPass), matches!(role, Role::Guard | Role::Duty | Role::Admin));
        }
    }
}
