//! The elderly one-button help call: its states, who may move it, and the
//! escalation clock. The most important path in the product, so its rules
//! are small, total and tested on every combination.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::{
    i18n::Msg,
    job::PersonRef,
    keys::{CheckInResult, HelpEntryAction},
    people::{Role, StaffRef, UnitRef},
};

crate::closed_set! {
    pub enum HelpStatus {
        /// Stored; staff are being alerted.
        Sent = "sent",
        /// Someone has it and is coming.
        Acknowledged = "acknowledged",
        /// Someone is with the elder.
        Arrived = "arrived",
        /// Over (see the outcome).
        Closed = "closed",
    }
}

impl HelpStatus {
    pub const fn is_open(self) -> bool {
        !matches!(self, Self::Closed)
    }
}

crate::closed_set! {
    /// How a call ended.
    pub enum Outcome {
        Resolved = "resolved",
        Ambulance = "ambulance",
        FalseAlarm = "false_alarm",
    }
}

impl Outcome {
    pub const fn label(self) -> Msg {
        match self {
            Self::Resolved => Msg::OutcomeResolved,
            Self::Ambulance => Msg::OutcomeAmbulance,
            Self::FalseAlarm => Msg::OutcomeFalseAlarm,
        }
    }
}

crate::closed_set! {
    pub enum HelpAction {
        Acknowledge = "acknowledge",
        Arrive = "arrive",
        Resolve = "resolve",
        /// "Pressed by mistake" (the elder), or staff closing it as such.
        FalseAlarm = "false_alarm",
    }
}

impl HelpAction {
    pub const fn label(self) -> Msg {
        match self {
            Self::Acknowledge => Msg::HelpActAcknowledge,
            Self::Arrive => Msg::HelpActArrive,
            Self::Resolve => Msg::HelpActResolve,
            Self::FalseAlarm => Msg::HelpActFalseAlarm,
        }
    }
}

/// The caller's relation to one call.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HelpParty {
    /// The elder who pressed (or a housemate in the same unit).
    pub caller: bool,
    /// The butler of the elder's building, the duty room or the manager:
    /// first responders for every call.
    pub responder: bool,
    /// Any other on-duty staff member, once the call has escalated to them.
    pub escalated_staff: bool,
}

impl HelpParty {
    pub fn for_role(role: Role, owns_building: bool, same_unit: bool, level: u8) -> Self {
        Self {
            caller: role == Role::Resident && same_unit,
            responder: (role == Role::Butler && owns_building) || matches!(role, Role::Duty | Role::Admin),
            escalated_staff: role.is_staff() && level >= 1,
        }
    }

    const fn staff(self) -> bool {
        self.responder || self.escalated_staff
    }
}

/// The status `action` leads to, or `None` when it is not allowed.
pub fn transition(status: HelpStatus, party: HelpParty, action: HelpAction) -> Option<HelpStatus> {
    use HelpAction as A;
    use HelpStatus as S;
    let next = match (action, status) {
        (A::Acknowledge, S::Sent) => S::Acknowledged,
        (A::Arrive, S::Sent | S::Acknowledged) => S::Arrived,
        (A::Resolve | A::FalseAlarm, S::Sent | S::Acknowledged | S::Arrived) => S::Closed,
        _ => return None,
    };
    let allowed = match action {
        A::FalseAlarm => party.caller || party.staff(),
        _ => party.staff(),
    };
    allowed.then_some(next)
}

pub fn allowed_actions(status: HelpStatus, party: HelpParty) -> Vec<HelpAction> {
    HelpAction::ALL.into_iter().filter(|a| transition(status, party, *a).is_some()).collect()
}

/// One of an elder's help devices (a tablet or phone left on the help
/// screen), as the butler sees it. Times are UTC.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HelpDevice {
    pub id: String,
    /// What kind of device, e.g. "平板 tablet".
    pub label: String,
    pub created_at: DateTime<Utc>,
    /// Last press, check-in or screen view (recorded at most hourly).
    pub last_used_at: DateTime<Utc>,
    /// Stops working then unless used before (each use moves it ahead).
    pub expires_at: DateTime<Utc>,
    /// Set once revoked: refused from then on.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// When a call escalates, per community (SPEC §5 defaults: 60 s, 3 min).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EscalationSettings {
    /// Unacknowledged this long: alert every on-duty staff member.
    pub staff_secs: i64,
    /// Unacknowledged this long: notify the elder's emergency contacts.
    pub contacts_secs: i64,
}

impl Default for EscalationSettings {
    fn default() -> Self {
        Self { staff_secs: 60, contacts_secs: 180 }
    }
}

/// The escalation level a call should have reached at `now`: 0 when
/// pressed, 1 once every on-duty staff member must be alerted, 2 once the
/// emergency contacts must be notified. Acknowledging stops the clock (the
/// level reached stays).
pub fn due_level(created_at: DateTime<Utc>, acknowledged: bool, now: DateTime<Utc>, s: EscalationSettings) -> u8 {
    if acknowledged {
        return 0;
    }
    let waited = now - created_at;
    if waited >= Duration::seconds(s.contacts_secs) {
        2
    } else if waited >= Duration::seconds(s.staff_secs) {
        1
    } else {
        0
    }
}

/// The moment the next escalation step is due, if any.
pub fn next_deadline(created_at: DateTime<Utc>, level: u8, s: EscalationSettings) -> Option<DateTime<Utc>> {
    match level {
        0 => Some(created_at + Duration::seconds(s.staff_secs)),
        1 => Some(created_at + Duration::seconds(s.contacts_secs)),
        _ => None,
    }
}

/// A help call as clients see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HelpCall {
    pub id: String,
    pub status: HelpStatus,
    #[serde(default)]
    pub outcome: Option<Outcome>,
    pub escalation_level: u8,
    pub elder: PersonRef,
    pub unit: UnitRef,
    /// The elder's phone, for staff to call back (masked for others).
    pub elder_phone: String,
    #[serde(default)]
    pub butler: Option<StaffRef>,
    /// Who acknowledged ("李明 has it, coming").
    #[serde(default)]
    pub responder: Option<PersonRef>,
    pub created_at: DateTime<Utc>,
    #[serde(default)]
    pub acknowledged_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub arrived_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub closed_at: Option<DateTime<Utc>>,
    pub timeline: Vec<HelpEntry>,
    pub allowed_actions: Vec<HelpAction>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HelpEntry {
    pub seq: u32,
    /// `pressed`, an action name, `escalated_staff`, `notified_contacts`.
    pub action: HelpEntryAction,
    pub actor_name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    pub at: DateTime<Utc>,
}

/// `POST /api/v1/help-calls/{id}/actions`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HelpActionInput {
    #[cfg_attr(feature = "openapi", schema(value_type = crate::help::HelpAction))]
    pub action: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::help::Outcome>))]
    pub outcome: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// Who to call when the butler does not answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmergencyContact {
    pub name: String,
    pub phone: String,
    #[serde(default)]
    pub relation: String,
}

/// What the butler recorded after an elder missed the daily check-in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckInFollowUp {
    /// `reached_ok`, `visited_ok`, `not_reached`, `needs_help`.
    pub result: CheckInResult,
    #[serde(default)]
    pub note: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

impl CheckInResult {
    pub const fn label(self) -> Msg {
        match self {
            Self::ReachedOk => Msg::FuReachedOk,
            Self::VisitedOk => Msg::FuVisitedOk,
            Self::NotReached => Msg::FuNotReached,
            Self::NeedsHelp => Msg::FuNeedsHelp,
        }
    }
}

impl HelpEntryAction {
    /// What the timeline says about the step: an action as its button
    /// names it, the other steps in their own words.
    pub const fn label(self) -> Msg {
        match self {
            Self::Pressed => Msg::HelpEvPressed,
            Self::Acknowledge => HelpAction::Acknowledge.label(),
            Self::Arrive => HelpAction::Arrive.label(),
            Self::Resolve => HelpAction::Resolve.label(),
            Self::FalseAlarm => HelpAction::FalseAlarm.label(),
            Self::EscalatedStaff => Msg::HelpEvEscalated,
            Self::NotifiedContacts => Msg::HelpEvContacts,
        }
    }
}

/// A resident as the butler's elder list shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ElderInfo {
    pub id: String,
    pub name: String,
    pub unit: UnitRef,
    /// Masked, as in every list; staff call through
    /// `GET /api/v1/residents/{id}/phone` (audited) or the web's `/call/{id}`.
    pub phone: String,
    pub elder_mode: bool,
    pub emergency_contacts: Vec<EmergencyContact>,
    /// Today's "I'm OK", if pressed.
    #[serde(default)]
    pub checked_in_at: Option<DateTime<Utc>>,
    /// Not checked in and the community's check-in time has passed.
    pub overdue: bool,
    #[serde(default)]
    pub follow_up: Option<CheckInFollowUp>,
    /// Paired help devices still in force (tablets left on the help screen).
    #[serde(default)]
    pub devices: Vec<HelpDevice>,
}

/// `PUT /api/v1/residents/{id}/elder`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ElderSettings {
    pub elder_mode: bool,
    #[serde(default, deserialize_with = "super::bounded::at_most::<_, _, { super::bounded::MAX_CONTACTS }>")]
    #[cfg_attr(feature = "openapi", schema(max_items = 10))]
    pub emergency_contacts: Vec<EmergencyContact>,
}

/// The elder's own screen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ElderHome {
    #[serde(default)]
    pub butler: Option<StaffRef>,
    #[serde(default)]
    pub checked_in_at: Option<DateTime<Utc>>,
    /// The call to follow: open, or closed within the last half hour.
    #[serde(default)]
    pub call: Option<HelpCall>,
    /// A fresh key for the no-script help form.
    pub client_key: String,
}

/// `POST /api/v1/help-calls`: the help button.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PressBody {
    /// Made once per press by the client: 8–64 printable ASCII characters
    /// (a UUID, base64…); repeating it while the call is open returns
    /// that call.
    pub client_key: String,
}

/// `POST /api/v1/check-ins`: today's "I'm OK".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckIn {
    /// The local (Shanghai) day it counts for, `YYYY-MM-DD`.
    pub day: String,
    /// When it was pressed (RFC 3339, UTC).
    pub at: DateTime<Utc>,
}

/// `POST /api/v1/help-devices`: pairs the signed-in elder's device.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PairBody {
    /// What the device is, e.g. "卧室平板" (at most 40 characters).
    #[serde(default)]
    pub label: Option<String>,
}

/// A new help device credential, shown once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PairedDevice {
    /// The device's id, as its elder's device list shows it.
    pub id: String,
    /// Send as `Authorization: Bearer <token>` to `POST /help-calls` and
    /// `POST /check-ins` only; it works after the session has expired.
    pub token: String,
    /// Moves ahead with every use (180 days).
    pub expires_at: DateTime<Utc>,
}

/// `GET /api/v1/residents/{id}/phone`: a resident's whole number, to call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PhoneToCall {
    /// The whole number, unmasked.
    pub phone: String,
}

/// `POST /api/v1/elders/{id}/check-in-follow-up`: what the butler found
/// after a missed check-in.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowUpBody {
    /// What the butler found.
    #[cfg_attr(feature = "openapi", schema(value_type = crate::keys::CheckInResult))]
    pub result: String,
    /// At most 500 characters.
    pub note: Option<String>,
}

/// What the elder's screen says about a call.
pub fn elder_status_text(call: &HelpCall, lang: super::Lang) -> String {
    let who = call.responder.as_ref().map(|r| r.name.clone()).unwrap_or_default();
    match call.status {
        HelpStatus::Sent => Msg::HelpSent.text(lang).to_string(),
        HelpStatus::Acknowledged => Msg::HelpComing.text(lang).replace("{name}", &who),
        HelpStatus::Arrived => Msg::HelpArrived.text(lang).replace("{name}", &who),
        HelpStatus::Closed => Msg::HelpClosed.text(lang).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use HelpAction as A;
    use HelpStatus as S;

    const CALLER: HelpParty = HelpParty { caller: true, responder: false, escalated_staff: false };
    const RESPONDER: HelpParty = HelpParty { caller: false, responder: true, escalated_staff: false };
    const ESCALATED: HelpParty = HelpParty { caller: false, responder: false, escalated_staff: true };
    const NOBODY: HelpParty = HelpParty { caller: false, responder: false, escalated_staff: false };

    #[test]
    fn timeline_steps_of_actions_read_as_their_buttons() {
        for a in HelpAction::ALL {
            let step = HelpEntryAction::parse(a.as_str());
            assert_eq!(step.map(HelpEntryAction::label), Some(a.label()), "{a:?}");
        }
    }

    #[test]
    fn every_status_action_party_combination() {
        for status in HelpStatus::ALL {
            for action in HelpAction::ALL {
                for (name, party) in
                    [("caller", CALLER), ("responder", RESPONDER), ("escalated", ESCALATED), ("nobody", NOBODY)]
                {
                    let expected = match (action, status) {
                        (_, S::Closed) => None,
                        (A::Acknowledge, S::Sent) if name == "responder" || name == "escalated" => {
                            Some(S::Acknowledged)
                        }
                        (A::Arrive, S::Sent | S::Acknowledged) if name == "responder" || name == "escalated" => {
                            Some(S::Arrived)
                        }
                        (A::Resolve, _) if name == "responder" || name == "escalated" => Some(S::Closed),
                        (A::FalseAlarm, _) if name != "nobody" => Some(S::Closed),
                        _ => None,
                    };
                    assert_eq!(transition(status, party, action), expected, "{status:?} {action:?} by {name}");
                }
            }
        }
    }

    #[test]
    fn parties_follow_role_building_unit_and_escalation() {
        assert!(HelpParty::for_role(Role::Resident, false, true, 0).caller);
        assert!(!HelpParty::for_role(Role::Resident, false, false, 2).caller);
        assert!(HelpParty::for_role(Role::Butler, true, false, 0).responder);
        assert!(!HelpParty::for_role(Role::Butler, false, false, 0).responder);
        assert!(HelpParty::for_role(Role::Butler, false, false, 1).escalated_staff);
        assert!(HelpParty::for_role(Role::Duty, false, false, 0).responder);
        assert!(!HelpParty::for_role(Role::Guard, false, false, 0).escalated_staff);
        assert!(HelpParty::for_role(Role::Guard, false, false, 1).escalated_staff);
        assert!(!HelpParty::for_role(Role::Resident, false, false, 2).escalated_staff);
    }

    #[test]
    fn escalation_levels_follow_the_clock_until_acknowledged() {
        let t0 =
            DateTime::parse_from_rfc3339("2026-11-27T02:00:00Z").map(|d| d.with_timezone(&Utc)).unwrap_or_default();
        let s = EscalationSettings::default();
        assert_eq!(due_level(t0, false, t0 + Duration::seconds(59), s), 0);
        assert_eq!(due_level(t0, false, t0 + Duration::seconds(60), s), 1);
        assert_eq!(due_level(t0, false, t0 + Duration::seconds(179), s), 1);
        assert_eq!(due_level(t0, false, t0 + Duration::seconds(180), s), 2);
        assert_eq!(due_level(t0, true, t0 + Duration::seconds(600), s), 0);
        assert_eq!(next_deadline(t0, 0, s), Some(t0 + Duration::seconds(60)));
        assert_eq!(next_deadline(t0, 2, s), None);
    }
}
