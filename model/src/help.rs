//! The elderly one-button help call: its states, who may move it, and the
//! escalation clock. The most important path in the product, so its rules
//! are small, total and tested on every combination.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{
    i18n::Msg,
    job::PersonRef,
    keys::{CheckInResult, HelpEntryAction},
    people::{Role, StaffRef, UnitRef},
    time::local_date,
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

    /// Whether the call's own page shows this party the elder's whole
    /// phone number (to call back; each such view is audited): first
    /// responders always, staff reached by escalation only while the call
    /// is `open`. Once it is over they keep the call's record, masked.
    pub const fn sees_whole_phone(self, open: bool) -> bool {
        self.responder || (self.escalated_staff && open)
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
    /// How it came in: `app` for a pressed button, else the channel staff
    /// recorded when entering it for the elder.
    #[serde(default)]
    pub channel: crate::staff_entry::Channel,
    /// The staff member who entered it (代录), if not pressed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entered_by: Option<PersonRef>,
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
    /// Whether a follow-up with this result settles a missed check-in for
    /// the day: the elder was reached or visited and is fine. Not reached,
    /// or needing help, keeps them among those to call first.
    pub const fn settles(self) -> bool {
        matches!(self, Self::ReachedOk | Self::VisitedOk)
    }

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
            Self::PressedAgain => Msg::HelpEvPressedAgain,
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
    /// The regular-visit schedule and where it stands (elders only): the
    /// board lists those `overdue`.
    #[serde(default)]
    pub visits: Option<VisitStatus>,
}

impl ElderInfo {
    /// Whether the elder is among those to call first as things stood at
    /// `at`, given today's check-in `deadline`: in elder mode, past the
    /// deadline without an "I'm OK" by `at`, and no follow-up by `at`
    /// that settled it ([`CheckInResult::settles`]).
    pub fn to_call_first(&self, deadline: DateTime<Utc>, at: DateTime<Utc>) -> bool {
        let checked_in = self.checked_in_at.is_some_and(|c| c <= at);
        let settled = self.follow_up.as_ref().is_some_and(|f| f.at <= at && f.result.settles());
        self.elder_mode && at >= deadline && !checked_in && !settled
    }

    /// The list's order as things stood at `at` ("those to call first"
    /// first, then elders before other residents, then by unit), ending
    /// in the id so that no two rows tie.
    pub fn call_order(&self, deadline: DateTime<Utc>, at: DateTime<Utc>) -> (bool, bool, &str, &str) {
        (!self.to_call_first(deadline, at), !self.elder_mode, self.unit.label.as_str(), self.id.as_str())
    }
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
    /// When the next regular visit is due (Shanghai day); shown as
    /// "下次探访：周四".
    #[serde(default)]
    pub next_visit: Option<NaiveDate>,
}

/// `POST /api/v1/help-calls`: the help button.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PressBody {
    /// Made once per press by the client: 8–64 printable ASCII characters
    /// (a UUID, base64…); repeating it while the call is open returns
    /// that call. Missing, empty or malformed, the press is still taken
    /// under a key the server makes (its retries then join the open call
    /// rather than being known as the same press).
    #[serde(default)]
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

// --- Regular visits (定期探访, issue 18) -----------------------------------
//
// Beyond the daily check-in, staff visit (or phone) each elder on a
// schedule: every `every_days` days (default weekly). The rule is on
// Shanghai calendar days, so "due Thursday" means "by the end of
// Thursday", the same on the elder's screen, the butler's board, the
// scorecard and the server:
// - the next visit is due on the local day of the last visit (or of the
//   day the elder was registered, if never visited) plus `every_days`;
// - a visit is overdue once that day has ended;
// - a visit is on time when made on or before the day it was due.

crate::closed_set! {
    /// How a regular visit was made.
    pub enum VisitMode {
        /// Someone went to the elder's home.
        InPerson = "in_person",
        /// A phone call.
        Phone = "phone",
    }
}

crate::closed_set! {
    /// How the elder was found on a visit.
    pub enum ElderCondition {
        Well = "well",
        Unwell = "unwell",
        /// Needs someone to act (see the visit's follow-up text).
        NeedsHelp = "needs_help",
    }
}

impl VisitMode {
    pub const fn label(self) -> Msg {
        match self {
            Self::InPerson => Msg::VisitInPerson,
            Self::Phone => Msg::VisitByPhone,
        }
    }
}

impl ElderCondition {
    pub const fn label(self) -> Msg {
        match self {
            Self::Well => Msg::ConditionWell,
            Self::Unwell => Msg::ConditionUnwell,
            Self::NeedsHelp => Msg::ConditionNeedsHelp,
        }
    }
}

/// The schedule of an elder who has none set: weekly.
pub const DEFAULT_VISIT_EVERY_DAYS: u8 = 7;
/// The shortest schedule: daily.
pub const MIN_VISIT_EVERY_DAYS: i64 = 1;
/// The longest schedule: every 90 days.
pub const MAX_VISIT_EVERY_DAYS: i64 = 90;
/// How far back a visit may be recorded (a visit written up late, or a
/// phone call made from outside the office): 14 days.
pub const VISIT_BACKDATE_DAYS: i64 = 14;
/// How far ahead of the server's clock a visit's time may lie (a phone's
/// clock a little fast); never more.
pub const VISIT_CLOCK_SKEW_SECS: i64 = 300;

/// The schedule in days, if `days` is one (1–90).
pub fn visit_interval(days: i64) -> Option<u8> {
    if (MIN_VISIT_EVERY_DAYS..=MAX_VISIT_EVERY_DAYS).contains(&days) { u8::try_from(days).ok() } else { None }
}

/// The local (Shanghai) day the next visit is due: the day of the last
/// visit, or of `since` (when the elder was registered) if never visited,
/// plus `every_days`.
pub fn next_visit_due(last_visit: Option<DateTime<Utc>>, since: DateTime<Utc>, every_days: u8) -> NaiveDate {
    let from = local_date(last_visit.unwrap_or(since));
    from.checked_add_signed(Duration::days(i64::from(every_days))).unwrap_or(from)
}

/// Whether a visit due on `due` is overdue at `now`: its day has ended.
pub fn visit_overdue(due: NaiveDate, now: DateTime<Utc>) -> bool {
    local_date(now) > due
}

/// Whether a visit made at `visited_at` was on time for one due on `due`.
pub fn visit_on_time(visited_at: DateTime<Utc>, due: NaiveDate) -> bool {
    local_date(visited_at) <= due
}

/// Whether a visit's time may be recorded at `now`: at most
/// [`VISIT_BACKDATE_DAYS`] back, never in the future (beyond
/// [`VISIT_CLOCK_SKEW_SECS`] of clock difference).
pub fn visit_time_allowed(visited_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    let earliest = now.checked_sub_signed(Duration::days(VISIT_BACKDATE_DAYS));
    let latest = now.checked_add_signed(Duration::seconds(VISIT_CLOCK_SKEW_SECS));
    matches!((earliest, latest), (Some(e), Some(l)) if e <= visited_at && visited_at <= l)
}

/// An elder's visit schedule and where it stands, as staff and the elder
/// see it. Days are Shanghai calendar days.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitStatus {
    /// A visit every this many days (1–90; 7 unless set).
    pub every_days: u8,
    /// The latest visit, if any (UTC).
    #[serde(default)]
    pub last_visit_at: Option<DateTime<Utc>>,
    /// The local day the next visit is due, `YYYY-MM-DD`.
    pub next_due: NaiveDate,
    /// The due day has ended without a visit.
    pub overdue: bool,
    /// Due today (and not yet overdue): the board lists it too.
    #[serde(default)]
    pub due_today: bool,
}

impl VisitStatus {
    /// The status at `now` by the rule above.
    pub fn at(every_days: u8, last_visit_at: Option<DateTime<Utc>>, since: DateTime<Utc>, now: DateTime<Utc>) -> Self {
        let next_due = next_visit_due(last_visit_at, since, every_days);
        let overdue = visit_overdue(next_due, now);
        Self { every_days, last_visit_at, next_due, overdue, due_today: !overdue && next_due == local_date(now) }
    }
}

/// One entry of an elder's visit log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ElderVisit {
    pub id: String,
    /// When the visit or call was made (UTC).
    pub visited_at: DateTime<Utc>,
    pub mode: VisitMode,
    pub condition: ElderCondition,
    /// How the elder is, in the visitor's words.
    #[serde(default)]
    pub note: String,
    /// Anything to follow up (empty: nothing).
    #[serde(default)]
    pub follow_up: String,
    /// Who visited (the staff member who recorded it).
    pub by: PersonRef,
    /// The local day this visit was due when it was recorded.
    pub due: NaiveDate,
    /// Made on or before the day it was due.
    pub on_time: bool,
    /// When it was written down (UTC).
    pub recorded_at: DateTime<Utc>,
}

/// `POST /api/v1/elders/{id}/visits`: a visit made or a call placed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitBody {
    #[cfg_attr(feature = "openapi", schema(value_type = crate::help::VisitMode))]
    pub mode: String,
    #[cfg_attr(feature = "openapi", schema(value_type = crate::help::ElderCondition))]
    pub condition: String,
    /// How the elder is, at most 500 characters.
    #[serde(default)]
    pub note: Option<String>,
    /// Anything to follow up, at most 500 characters.
    #[serde(default)]
    pub follow_up: Option<String>,
    /// When it happened (RFC 3339); now if left out. At most 14 days back,
    /// never in the future.
    #[serde(default)]
    pub visited_at: Option<DateTime<Utc>>,
}

/// `PUT /api/v1/elders/{id}/visit-schedule`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitScheduleBody {
    /// A visit every this many days, 1–90 (422 otherwise).
    pub every_days: i64,
}

/// How the elder's screen names the day of the next visit: today,
/// tomorrow, a weekday within the coming week, else the date; "soon"
/// once it is overdue (the butler has been told).
pub fn next_visit_text(due: NaiveDate, now: DateTime<Utc>, lang: super::Lang) -> String {
    use chrono::Datelike;
    let today = local_date(now);
    let days = (due - today).num_days();
    let weekday = match due.weekday() {
        chrono::Weekday::Mon => Msg::VisitDayMon,
        chrono::Weekday::Tue => Msg::VisitDayTue,
        chrono::Weekday::Wed => Msg::VisitDayWed,
        chrono::Weekday::Thu => Msg::VisitDayThu,
        chrono::Weekday::Fri => Msg::VisitDayFri,
        chrono::Weekday::Sat => Msg::VisitDaySat,
        chrono::Weekday::Sun => Msg::VisitDaySun,
    };
    match days {
        ..0 => Msg::VisitSoon.text(lang).to_string(),
        0 => Msg::VisitToday.text(lang).to_string(),
        1 => Msg::VisitTomorrow.text(lang).to_string(),
        2..=6 => weekday.text(lang).to_string(),
        _ => match lang {
            super::Lang::Zh => format!("{}月{}日（{}）", due.month(), due.day(), weekday.text(lang)),
            super::Lang::En => format!("{}, {} {}", weekday.text(lang), due.day(), due.format("%b")),
        },
    }
}

#[cfg(test)]
mod visit_tests {
    use super::*;
    use crate::Lang;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).map(|d| d.with_timezone(&Utc)).unwrap_or_default()
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    #[test]
    fn intervals_are_one_to_ninety_days() {
        assert_eq!(visit_interval(0), None);
        assert_eq!(visit_interval(-7), None);
        assert_eq!(visit_interval(1), Some(1));
        assert_eq!(visit_interval(7), Some(7));
        assert_eq!(visit_interval(90), Some(90));
        assert_eq!(visit_interval(91), None);
        assert_eq!(visit_interval(1000), None);
    }

    #[test]
    fn next_visit_counts_from_the_last_visit_or_registration_in_shanghai_days() {
        let registered = utc("2026-11-02T02:00:00Z"); // Mon 10:00 Shanghai
        assert_eq!(next_visit_due(None, registered, 7), day("2026-11-09"));
        // 23:30 UTC on Tuesday is 07:30 on Wednesday in Shanghai.
        let visit = utc("2026-11-03T23:30:00Z");
        assert_eq!(next_visit_due(Some(visit), registered, 7), day("2026-11-11"));
        assert_eq!(next_visit_due(Some(visit), registered, 1), day("2026-11-05"));
    }

    #[test]
    fn overdue_once_the_due_day_has_ended() {
        let due = day("2026-11-09");
        assert!(!visit_overdue(due, utc("2026-11-09T15:59:59Z")), "23:59:59 on the due day");
        assert!(visit_overdue(due, utc("2026-11-09T16:00:00Z")), "00:00 the day after");
        assert!(!visit_overdue(due, utc("2026-11-01T00:00:00Z")));
        assert!(visit_on_time(utc("2026-11-09T15:59:59Z"), due));
        assert!(!visit_on_time(utc("2026-11-09T16:00:00Z"), due));
        let status = VisitStatus::at(7, None, utc("2026-11-02T02:00:00Z"), utc("2026-11-10T01:00:00Z"));
        assert_eq!((status.next_due, status.overdue, status.due_today), (day("2026-11-09"), true, false));
        let today = VisitStatus::at(7, None, utc("2026-11-02T02:00:00Z"), utc("2026-11-09T15:00:00Z"));
        assert_eq!((today.overdue, today.due_today), (false, true), "due today, not yet overdue");
        let visited = VisitStatus::at(
            7,
            Some(utc("2026-11-10T01:00:00Z")),
            utc("2026-11-02T02:00:00Z"),
            utc("2026-11-10T01:00:00Z"),
        );
        assert_eq!((visited.next_due, visited.overdue), (day("2026-11-17"), false), "a visit clears it");
    }

    #[test]
    fn visits_may_be_back_dated_two_weeks_but_not_put_ahead() {
        let now = utc("2026-11-30T08:00:00Z");
        assert!(visit_time_allowed(now, now));
        assert!(visit_time_allowed(now - Duration::days(14), now));
        assert!(!visit_time_allowed(now - Duration::days(14) - Duration::seconds(1), now));
        assert!(visit_time_allowed(now + Duration::seconds(300), now), "a phone a little fast");
        assert!(!visit_time_allowed(now + Duration::minutes(6), now));
        assert!(!visit_time_allowed(DateTime::<Utc>::MAX_UTC, now));
        assert!(!visit_time_allowed(DateTime::<Utc>::MIN_UTC, now));
    }

    #[test]
    fn the_elder_reads_the_day_of_the_next_visit() {
        let now = utc("2026-11-30T08:00:00Z"); // Monday 16:00 Shanghai
        assert_eq!(next_visit_text(day("2026-11-30"), now, Lang::Zh), "今天");
        assert_eq!(next_visit_text(day("2026-12-01"), now, Lang::En), "Tomorrow");
        assert_eq!(next_visit_text(day("2026-12-03"), now, Lang::Zh), "周四");
        assert_eq!(next_visit_text(day("2026-12-03"), now, Lang::En), "Thursday");
        assert_eq!(next_visit_text(day("2026-12-10"), now, Lang::Zh), "12月10日（周四）");
        assert_eq!(next_visit_text(day("2026-12-10"), now, Lang::En), "Thursday, 10 Dec");
        assert_eq!(next_visit_text(day("2026-11-28"), now, Lang::Zh), "很快");
        // Late on Monday in UTC is already Tuesday in Shanghai.
        assert_eq!(next_visit_text(day("2026-12-01"), utc("2026-11-30T16:30:00Z"), Lang::En), "Today");
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
    fn escalated_staff_lose_the_whole_number_when_the_call_is_over() {
        assert!(RESPONDER.sees_whole_phone(true) && RESPONDER.sees_whole_phone(false));
        assert!(ESCALATED.sees_whole_phone(true));
        assert!(!ESCALATED.sees_whole_phone(false));
        assert!(!CALLER.sees_whole_phone(true) && !NOBODY.sees_whole_phone(true));
    }

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
