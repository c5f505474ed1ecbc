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
