//! Who is told: the audience of every live event, next to the rules of
//! who may see (the parent module), so that changing one makes the other
//! visible. An event is a hint to reload; what a person then reads is
//! checked again by the services.

use linli_model::Role;
use serde::{Deserialize, Serialize};

use super::Actor;

/// Who may receive an event. Everyone matching any part receives it, and
/// only within the event's community. Built by the named constructors
/// below, one per kind of change.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Audience {
    /// These people.
    pub users: Vec<String>,
    /// The residents of these units.
    pub units: Vec<String>,
    /// The butlers of these buildings.
    pub buildings: Vec<String>,
    /// Every signed-in person of the community with one of these roles.
    pub roles: Vec<Role>,
    /// Residents living in these buildings (announcements).
    pub residents_of: Vec<String>,
}

/// One part of an audience within a community, and so one live channel
/// of the event hub: a stream listens on the topics of its caller
/// ([`Topic::of`]), an event goes to the topics of its audience
/// ([`Audience::topics`]). The two are built so that an audience
/// [includes](Audience::includes) a person exactly when they share a topic,
/// so the hub never wakes a stream for an event its person may not see and
/// never misses one they may.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Topic {
    /// One person.
    User(String),
    /// The residents of one unit (a household).
    Unit(String),
    /// The butler of one building.
    Butler(String),
    /// Everyone with one role.
    Role(Role),
    /// The residents living in one building.
    ResidentsOf(String),
}

impl Topic {
    /// The topics `actor` listens on, within their own community.
    pub fn of(actor: &Actor) -> Vec<Topic> {
        let mut topics = vec![Topic::User(actor.user_id.clone()), Topic::Role(actor.role)];
        if let Some(unit) = actor.unit_id() {
            topics.push(Topic::Unit(unit.to_string()));
        }
        if let Some(building) = actor.home_building_id() {
            topics.push(Topic::ResidentsOf(building.to_string()));
        }
        if actor.limited_to_own_buildings() {
            for b in &actor.buildings {
                let topic = Topic::Butler(b.id.clone());
                if !topics.contains(&topic) {
                    topics.push(topic);
                }
            }
        }
        topics
    }
}

impl Audience {
    /// The topics an event for this audience goes to (within its community).
    pub fn topics(&self) -> impl Iterator<Item = Topic> + '_ {
        self.users
            .iter()
            .map(|u| Topic::User(u.clone()))
            .chain(self.units.iter().map(|u| Topic::Unit(u.clone())))
            .chain(self.buildings.iter().map(|b| Topic::Butler(b.clone())))
            .chain(self.roles.iter().map(|r| Topic::Role(*r)))
            .chain(self.residents_of.iter().map(|b| Topic::ResidentsOf(b.clone())))
    }

    /// Whether `actor` is in it.
    pub fn includes(&self, actor: &Actor) -> bool {
        self.users.contains(&actor.user_id)
            || actor.unit_id().is_some_and(|u| self.units.iter().any(|x| x == u))
            || (actor.limited_to_own_buildings() && self.buildings.iter().any(|b| actor.owns_building(b)))
            || self.roles.contains(&actor.role)
            || actor.home_building_id().is_some_and(|b| self.residents_of.iter().any(|x| x == b))
    }

    /// Everyone of the community (a notice to all, a new event).
    pub fn everyone() -> Self {
        Self { roles: Role::ALL.to_vec(), ..Self::default() }
    }

    /// These people only (moved up from an event's waiting list).
    pub fn people(users: Vec<String>) -> Self {
        Self { users, ..Self::default() }
    }

    /// A household (a visitor let in on its pass).
    pub fn household(unit: &str) -> Self {
        Self { units: vec![unit.to_string()], ..Self::default() }
    }

    /// A change to a repair job: its household, its building's butler, its
    /// assignee, the manager, and the duty room for a critical job.
    pub fn of_job(unit: &str, building: &str, assignee: Option<&str>, critical: bool) -> Self {
        let mut roles = vec![Role::Admin];
        if critical {
            roles.push(Role::Duty);
        }
        Self {
            users: assignee.map(str::to_string).into_iter().collect(),
            units: vec![unit.to_string()],
            buildings: vec![building.to_string()],
            roles,
            residents_of: vec![],
        }
    }

    /// A change to a complaint or suggestion: its household (the
    /// complainant's, never the household it concerns), its building's
    /// butler and the manager.
    pub fn of_complaint(unit: &str, building: &str) -> Self {
        Self {
            units: vec![unit.to_string()],
            buildings: vec![building.to_string()],
            roles: vec![Role::Admin],
            ..Self::default()
        }
    }

    /// A resident urged a job (催一下): its building's butler (the owner)
    /// and its assignee.
    pub fn of_urge(building: &str, assignee: Option<&str>) -> Self {
        Self {
            users: assignee.map(str::to_string).into_iter().collect(),
            buildings: vec![building.to_string()],
            ..Self::default()
        }
    }

    /// A job's SLA alert: a warning to its building's butler; a breach
    /// escalates to the manager too.
    pub fn of_sla_alert(building: &str, breach: bool) -> Self {
        Self {
            buildings: vec![building.to_string()],
            roles: if breach { vec![Role::Admin] } else { vec![] },
            ..Self::default()
        }
    }

    /// A help call: the elder and their household, the butler of their
    /// building, the duty room and the manager, and (once escalated) the
    /// staff on duty in `on_duty`.
    pub fn of_help_call(elder: &str, unit: &str, building: &str, on_duty: Vec<String>) -> Self {
        let mut users = on_duty;
        users.push(elder.to_string());
        Self {
            users,
            units: vec![unit.to_string()],
            buildings: vec![building.to_string()],
            roles: vec![Role::Duty, Role::Admin],
            residents_of: vec![],
        }
    }

    /// An elder's own check-in: the elder and their building's butler.
    pub fn of_check_in(elder: &str, building: &str) -> Self {
        Self { users: vec![elder.to_string()], buildings: vec![building.to_string()], ..Self::default() }
    }

    /// A follow-up recorded on an elder's missed check-in: their building's butler.
    pub fn of_check_in_follow_up(building: &str) -> Self {
        Self { buildings: vec![building.to_string()], ..Self::default() }
    }

    /// The day's missed check-ins: the butlers of those elders' buildings
    /// and the duty room.
    pub fn of_missed_check_ins(buildings: Vec<String>) -> Self {
        Self { buildings, roles: vec![Role::Duty], ..Self::default() }
    }

    /// A notice to `buildings` (empty: everyone): their residents and
    /// butlers, the duty room and the manager.
    pub fn of_notice(buildings: Vec<String>) -> Self {
        if buildings.is_empty() {
            return Self::everyone();
        }
        Self { residents_of: buildings.clone(), buildings, roles: vec![Role::Admin, Role::Duty], ..Self::default() }
    }

    /// An outage notice changed (ended, extended, past its expected end, a
    /// household marked affected): the butlers of its buildings (every
    /// butler for a community-wide outage) and the manager.
    pub fn of_outage(buildings: Vec<String>) -> Self {
        let mut roles = vec![Role::Admin];
        if buildings.is_empty() {
            roles.push(Role::Butler);
        }
        Self { buildings, roles, ..Self::default() }
    }

    /// A household read a notice: its building's butler and the manager,
    /// who watch the receipts.
    pub fn of_notice_read(building: Option<&str>) -> Self {
        Self {
            buildings: building.map(str::to_string).into_iter().collect(),
            roles: vec![Role::Admin],
            ..Self::default()
        }
    }

    /// Someone signed up for or left an event: them, and the organisers
    /// (butlers and the manager).
    pub fn of_rsvp(user: &str) -> Self {
        Self { users: vec![user.to_string()], roles: vec![Role::Butler, Role::Admin], ..Self::default() }
    }

    /// A walk-in visitor asking for a home: the household and the guard
    /// who registered them; once decided, every guard (any gate may let
    /// them in).
    pub fn of_walk_in(unit: &str, guard: &str, decided: bool) -> Self {
        Self {
            units: vec![unit.to_string()],
            users: vec![guard.to_string()],
            roles: if decided { vec![Role::Guard] } else { vec![] },
            ..Self::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{super::tests::actor, *};
    use crate::policy::{Permission, Scope};

    /// The hub routes by topics and the stream filters by `includes`: for
    /// every audience the services build and every kind of person, the two
    /// agree, so routing neither wakes a stream for nothing nor loses an
    /// event.
    #[test]
    fn topics_route_exactly_the_audience() {
        let audiences = [
            Audience::everyone(),
            Audience::people(vec!["u1".into()]),
            Audience::household("unit1"),
            Audience::household("unit2"),
            Audience::of_job("unit1", "b1", Some("u1"), false),
            Audience::of_job("unit2", "b2", None, true),
            Audience::of_complaint("unit1", "b1"),
            Audience::of_urge("b2", Some("w9")),
            Audience::of_sla_alert("b1", false),
            Audience::of_sla_alert("b2", true),
            Audience::of_help_call("elder", "unit1", "b1", vec!["u1".into()]),
            Audience::of_check_in("elder", "b2"),
            Audience::of_missed_check_ins(vec!["b1".into()]),
            Audience::of_notice(vec![]),
            Audience::of_notice(vec!["b1".into()]),
            Audience::of_notice(vec!["b2".into()]),
            Audience::of_outage(vec![]),
            Audience::of_outage(vec!["b1".into()]),
            Audience::of_notice_read(Some("b1")),
            Audience::of_rsvp("someone"),
            Audience::of_walk_in("unit1", "g1", false),
            Audience::of_walk_in("unit2", "g1", true),
        ];
        let mut people = Vec::new();
        for role in Role::ALL {
            for user in ["u1", "other"] {
                let mut a = actor(role);
                a.user_id = user.into();
                people.push(a.clone());
                a.unit = None;
                a.buildings.clear();
                people.push(a);
            }
        }
        for audience in &audiences {
            let sent: Vec<Topic> = audience.topics().collect();
            for a in &people {
                let shared = Topic::of(a).iter().any(|t| sent.contains(t));
                assert_eq!(shared, audience.includes(a), "{audience:?} for {a:?}");
            }
        }
    }

    #[test]
    fn who_is_told_of_a_job_may_see_it() {
        // The test actors: a resident of unit1 in b1, the butler of b1, a
        // worker u1 (the assignee), and the community-wide roles; every test
        // actor is user u1, so only the worker keeps that id here.
        let scope = Scope { community: "c1", building: Some("b1"), unit: Some("unit1"), assignee: Some("u1") };
        for critical in [false, true] {
            let audience = Audience::of_job("unit1", "b1", Some("u1"), critical);
            for role in Role::ALL {
                let mut a = actor(role);
                if role != Role::Worker {
                    a.user_id = "someone-else".into();
                }
                if audience.includes(&a) {
                    assert!(a.sees(scope), "{role:?} is told of a job it may not see");
                }
            }
            assert!(audience.includes(&actor(Role::Butler)) && audience.includes(&actor(Role::Resident)));
            let mut duty = actor(Role::Duty);
            duty.user_id = "duty-1".into();
            assert_eq!(audience.includes(&duty), critical);
        }
    }

    #[test]
    fn a_complaint_is_told_to_its_household_butler_and_manager_only() {
        // A complaint of unit1 (b1) about another household: only those who
        // may see it are told; the duty room, workers and guards are not.
        let audience = Audience::of_complaint("unit1", "b1");
        for role in Role::ALL {
            let a = actor(role);
            let expected = matches!(role, Role::Resident | Role::Butler | Role::Admin);
            assert_eq!(audience.includes(&a), expected, "{role:?}");
            if expected {
                assert!(a.may(Permission::FileComplaint) || a.may(Permission::SeeComplaints), "{role:?}");
            }
        }
        let mut neighbour = actor(Role::Resident);
        if let Some(u) = neighbour.unit.as_mut() {
            u.id = "unit2".into();
        }
        assert!(!audience.includes(&neighbour), "the household concerned is never told");
    }

    #[test]
    fn who_is_told_of_a_help_call_may_see_it() {
        for level in 0..=2u8 {
            let audience = Audience::of_help_call("elder", "unit1", "b1", Vec::new());
            for role in Role::ALL {
                let a = actor(role);
                if audience.includes(&a) {
                    let p = a.help_party("c1", "b1", "unit1", level);
                    assert!(p.caller || p.responder || p.escalated_staff, "{role:?} at level {level}");
                }
            }
        }
    }
}
