//! Who may do what: one line per operation with the roles that may do it
//! at all, and the job list each role opens on. The server enforces these
//! (`linli_backend::policy`, which adds where the object is: community,
//! building, unit, assignee); the browser uses the same table to decide
//! which buttons and pages to show, so the two cannot disagree.

use super::{
    keys::JobListScope,
    people::{Me, Role},
};

crate::closed_set! {
    /// Everything a role decides, one line per operation: which roles may do
    /// it at all. Where the object is (community, building, unit, assignee)
    /// is decided on the server (`linli_backend::policy::Actor`); an operation
    /// the caller's role may not do is 403 there.
    pub enum Permission {
        /// Report a repair for one's own home.
        ReportRepair = "report_repair",
        /// Invite a visitor (create a pass) to one's own home.
        InviteVisitor = "invite_visitor",
        /// List and revoke one's own household's passes.
        ManageOwnPasses = "manage_own_passes",
        /// Create, pause, resume and revoke recurring passes (长期访客) for
        /// elders' homes in one's own buildings.
        InviteForElder = "invite_for_elder",
        /// See every active recurring pass of the community and revoke one.
        ManageLongTermPasses = "manage_long_term_passes",
        /// Let in or turn away a walk-in visitor asking for one's home.
        DecideWalkIn = "decide_walk_in",
        /// Press the help button.
        PressHelp = "press_help",
        /// Check in as "I am fine today".
        CheckIn = "check_in",
        /// The elder's home screen (next steps, contacts).
        ElderHome = "elder_home",
        /// Mark a notice read for one's household.
        MarkNoticeRead = "mark_notice_read",
        /// Sign up for or leave a community event.
        Rsvp = "rsvp",
        /// See and rate one's own building's butler.
        RateOwnButler = "rate_own_butler",
        /// Assign a job to a worker (and list who can take it).
        AssignJob = "assign_job",
        /// Publish a notice.
        PublishNotice = "publish_notice",
        /// Publish a community event.
        PublishActivity = "publish_activity",
        /// See who signed up for an event.
        SeeAttendees = "see_attendees",
        /// See which households have not read a notice.
        SeeUnreadHouseholds = "see_unread_households",
        /// See the elders of one's buildings (or community) and their check-ins.
        SeeElders = "see_elders",
        /// Reveal an elder's or emergency contact's full phone number to call it.
        CallElder = "call_elder",
        /// Switch a resident's elder mode on or off.
        SetElderMode = "set_elder_mode",
        /// Record the follow-up of a missed check-in.
        FollowUpCheckIn = "follow_up_check_in",
        /// Record a regular visit (or phone call) to an elder and read their visit log.
        RecordElderVisit = "record_elder_visit",
        /// Set how often an elder is visited (every N days).
        SetVisitSchedule = "set_visit_schedule",
        /// See the help devices paired to elders' homes.
        SeeHelpDevices = "see_help_devices",
        /// Unpair a help device.
        RevokeHelpDevice = "revoke_help_device",
        /// See follow-up visits (回访) due after low ratings.
        SeeFollowUps = "see_follow_ups",
        /// See butlers' scorecards (a butler only their own).
        SeeScorecards = "see_scorecards",
        /// Check a visitor's pass at the gate.
        VerifyPass = "verify_pass",
        /// Let a visitor in on a pass.
        AdmitVisitor = "admit_visitor",
        /// Register a walk-in visitor at the gate.
        RegisterWalkIn = "register_walk_in",
        /// List the units a guard can ring for a walk-in.
        ListGateUnits = "list_gate_units",
        /// See today's expected visitors.
        SeeExpectedVisitors = "see_expected_visitors",
        /// See the gate's entry log.
        SeeEntryLog = "see_entry_log",
        /// Read the community's settings (SLA targets, escalation clock).
        ReadSettings = "read_settings",
        /// Everything of the admin console: accounts, buildings, imports, settings.
        Administer = "administer",
        /// Make a butler the owner of a building.
        AssignButler = "assign_butler",
        /// File a complaint or suggestion about one's community.
        FileComplaint = "file_complaint",
        /// See and handle the complaints and suggestions of one's buildings
        /// (the manager: the community's), with their counts.
        SeeComplaints = "see_complaints",
        /// Record a repair or a help call for a resident who phoned or
        /// walked in (代客报修; a butler only for their own buildings).
        EnterForResident = "enter_for_resident",
        /// Record the outcome of a follow-up visit (回访).
        RecordFollowUp = "record_follow_up",
        /// Mark one's household affected by a known outage instead of reporting it.
        MarkOutageAffected = "mark_outage_affected",
        /// End an outage or extend its expected end (a butler for their own buildings).
        ManageOutage = "manage_outage",
    }
}

impl Permission {
    /// The roles that may do it.
    pub const fn roles(self) -> &'static [Role] {
        use Role::{Admin, Butler, Duty, Guard, Resident};
        match self {
            Self::ReportRepair
            | Self::InviteVisitor
            | Self::ManageOwnPasses
            | Self::DecideWalkIn
            | Self::PressHelp
            | Self::CheckIn
            | Self::ElderHome
            | Self::MarkNoticeRead
            | Self::Rsvp
            | Self::RateOwnButler
            | Self::MarkOutageAffected
            | Self::FileComplaint => &[Resident],
            Self::AssignJob
            | Self::PublishNotice
            | Self::PublishActivity
            | Self::SetElderMode
            | Self::SetVisitSchedule
            | Self::RevokeHelpDevice
            | Self::SeeFollowUps
            | Self::RecordFollowUp
            | Self::SeeScorecards
            | Self::ManageOutage
            | Self::SeeComplaints => &[Butler, Admin],
            Self::SeeAttendees
            | Self::SeeUnreadHouseholds
            | Self::SeeElders
            | Self::CallElder
            | Self::FollowUpCheckIn
            | Self::RecordElderVisit
            | Self::SeeHelpDevices
            | Self::ReadSettings
            | Self::EnterForResident => &[Butler, Duty, Admin],
            Self::VerifyPass | Self::AdmitVisitor | Self::RegisterWalkIn | Self::ListGateUnits => &[Guard, Duty, Admin],
            Self::SeeExpectedVisitors => &[Butler, Guard, Duty, Admin],
            Self::SeeEntryLog => &[Duty, Admin],
            Self::Administer | Self::AssignButler | Self::ManageLongTermPasses => &[Admin],
            Self::InviteForElder => &[Butler],
        }
    }
}

impl Role {
    /// Whether this role may do `what` at all.
    pub fn may(self, what: Permission) -> bool {
        what.roles().contains(&self)
    }

    /// The job list this role opens on (`GET /repairs` without `scope`);
    /// `None` for a role that has none (guards).
    pub const fn natural_job_list(self) -> Option<JobListScope> {
        match self {
            Role::Resident => Some(JobListScope::Mine),
            Role::Butler => Some(JobListScope::Buildings),
            Role::Worker => Some(JobListScope::Assigned),
            Role::Duty | Role::Admin => Some(JobListScope::All),
            Role::Guard => None,
        }
    }

    /// Whether this role may ask for the job list `scope`: a household its
    /// own, a butler their buildings' (and what is assigned to them), a
    /// worker what is assigned to them, the duty room and the manager all.
    pub const fn may_list_jobs(self, scope: JobListScope) -> bool {
        match scope {
            JobListScope::Mine => matches!(self, Role::Resident),
            JobListScope::Buildings => matches!(self, Role::Butler),
            JobListScope::Assigned => matches!(self, Role::Worker | Role::Butler),
            JobListScope::All => matches!(self, Role::Admin | Role::Duty),
        }
    }
}

/// Whether `role` may open the page at `path` (a path of the web app,
/// without query): a page whose data only other roles may read is
/// answered 403 on the server, before its content streams, instead of a
/// 200 page of empty lists. Each page follows the permission its data
/// needs (the same table the server enforces on every call the page
/// makes); pages every signed-in person may open, and paths that are no
/// page, are `true` here (detail pages are then decided by their data).
pub fn may_open(role: Role, path: &str) -> bool {
    use Permission as P;
    let path = path.trim_end_matches('/');
    let any = |ps: &[Permission]| ps.iter().any(|p| role.may(*p));
    match path {
        "/repairs/new" => any(&[P::ReportRepair]),
        "/complaints/new" => any(&[P::FileComplaint]),
        "/complaints" => any(&[P::FileComplaint, P::SeeComplaints]),
        "/board" => role.may_list_jobs(JobListScope::Buildings),
        "/admin/jobs" | "/duty/critical" => role.may_list_jobs(JobListScope::All),
        "/jobs" => role.may_list_jobs(JobListScope::Assigned),
        "/repairs" => role.natural_job_list().is_some(),
        "/duty" => matches!(role, Role::Duty | Role::Admin),
        "/elders" => any(&[P::SeeElders]),
        "/passes" => any(&[P::ManageOwnPasses]),
        "/passes/new" => any(&[P::InviteVisitor]),
        "/gate" => any(&[P::VerifyPass]),
        "/gate/walk-in" => any(&[P::RegisterWalkIn]),
        "/gate/expected" => any(&[P::SeeExpectedVisitors]),
        "/admin/entries" => any(&[P::SeeEntryLog]),
        "/admin/passes" => any(&[P::ManageLongTermPasses, P::InviteForElder]),
        "/admin/scorecards" => any(&[P::SeeScorecards]),
        "/butler" => any(&[P::RateOwnButler]),
        "/entry" => any(&[P::EnterForResident]),
        "/follow-ups" => any(&[P::SeeFollowUps]),
        "/notices/new" => any(&[P::PublishNotice]),
        "/events/new" => any(&[P::PublishActivity]),
        _ if path.starts_with("/elders/") => any(&[P::SeeElders]),
        _ if path.starts_with("/complaints/") => any(&[P::FileComplaint, P::SeeComplaints]),
        _ if path.starts_with("/admin/") => any(&[P::Administer]),
        _ => true,
    }
}

impl Me {
    /// Whether the signed-in person's role may do `what` (what the server
    /// will check; the browser shows a button or a page only then).
    pub fn may(&self, what: Permission) -> bool {
        self.role.may(what)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_opens_its_own_screens_and_not_the_others() {
        let opens = |role, paths: &[&str]| paths.iter().all(|p| may_open(role, p));
        let refused = |role, paths: &[&str]| paths.iter().all(|p| !may_open(role, p));
        assert!(opens(Role::Resident, &["/", "/repairs/new", "/repairs", "/passes/new", "/butler", "/complaints"]));
        assert!(refused(Role::Resident, &["/gate", "/duty", "/board", "/admin/staff", "/admin/scorecards", "/entry"]));
        assert!(opens(Role::Guard, &["/gate", "/gate/expected", "/gate/walk-in"]));
        assert!(refused(Role::Guard, &["/repairs", "/duty", "/elders", "/repairs/new", "/admin/audit/"]));
        assert!(opens(
            Role::Butler,
            &["/board", "/jobs", "/entry", "/elders/u1", "/admin/passes", "/admin/scorecards"]
        ));
        assert!(refused(Role::Butler, &["/admin/staff", "/gate", "/duty", "/admin/entries"]));
        assert!(opens(Role::Duty, &["/duty", "/duty/critical", "/gate", "/elders", "/entry", "/admin/entries"]));
        assert!(refused(Role::Duty, &["/board", "/complaints", "/admin/settings"]));
        assert!(opens(Role::Worker, &["/jobs", "/repairs", "/repairs/r1", "/notices", "/help/h1"]));
        assert!(refused(Role::Worker, &["/board", "/gate", "/elders"]));
        let admin = ["/admin/jobs", "/admin/staff", "/admin/settings", "/admin/audit", "/admin/buildings", "/duty"];
        assert!(opens(Role::Admin, &admin));
    }

    #[test]
    fn every_operation_is_someones_and_each_role_can_open_its_list() {
        for p in Permission::ALL {
            assert!(!p.roles().is_empty(), "{p:?} belongs to no role");
        }
        for role in Role::ALL {
            if let Some(scope) = role.natural_job_list() {
                assert!(role.may_list_jobs(scope), "{role:?}");
            }
        }
    }
}
