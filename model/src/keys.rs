//! Closed sets of keys the API accepts or returns that have no richer
//! type of their own, declared once with [`closed_set!`] so that their
//! list (`ALL`), wire form (`as_str`), parser (`parse`) and the OpenAPI
//! `enum` all come from the same lines.

/// Declares a closed set of snake_case keys: the enum (serde and OpenAPI
/// use the given keys), `ALL`, `as_str` and `parse`.
#[macro_export]
macro_rules! closed_set {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $key:tt),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        $vis enum $name {
            $($(#[$vmeta])* #[serde(rename = $key)] $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: [Self; [$($key),+].len()] = [$(Self::$variant),+];

            /// The key on the wire and in the database.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $key),+
                }
            }

            /// The value of a key; `None` for anything else.
            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.into_iter().find(|v| v.as_str() == s)
            }
        }
    };
}

closed_set! {
    /// What happened at a step of a repair's timeline: the report, an
    /// action (see `JobAction`), the rating, or confirmation by silence.
    pub enum TimelineAction {
        Submitted = "submitted",
        Acknowledge = "acknowledge",
        Assign = "assign",
        StartTravel = "start_travel",
        StartWork = "start_work",
        Hold = "hold",
        Resume = "resume",
        Resolve = "resolve",
        Confirm = "confirm",
        Reopen = "reopen",
        Cancel = "cancel",
        Rated = "rated",
        AutoConfirm = "auto_confirm",
        /// The reporter urged the job (催一下); no change of status.
        Urged = "urged",
        // Complaints and suggestions (`complaint::ComplaintAction`).
        Listen = "listen",
        Act = "act",
        Respond = "respond",
        Notify = "notify",
        Answer = "answer",
        Adopt = "adopt",
    }
}

closed_set! {
    /// Who acted at a step: a role, or the system itself (timers).
    pub enum ActorRole {
        Resident = "resident",
        Butler = "butler",
        Worker = "worker",
        Guard = "guard",
        Duty = "duty",
        Admin = "admin",
        System = "system",
    }
}

impl From<crate::Role> for ActorRole {
    /// The role a person acted in.
    fn from(role: crate::Role) -> Self {
        use crate::Role;
        match role {
            Role::Resident => Self::Resident,
            Role::Butler => Self::Butler,
            Role::Worker => Self::Worker,
            Role::Guard => Self::Guard,
            Role::Duty => Self::Duty,
            Role::Admin => Self::Admin,
        }
    }
}

closed_set! {
    /// What happened at a step of a help call's timeline.
    pub enum HelpEntryAction {
        Pressed = "pressed",
        /// The elder pressed again (another `client_key`) while the call
        /// was open: the same call, announced again to its responders.
        PressedAgain = "pressed_again",
        Acknowledge = "acknowledge",
        Arrive = "arrive",
        Resolve = "resolve",
        FalseAlarm = "false_alarm",
        EscalatedStaff = "escalated_staff",
        NotifiedContacts = "notified_contacts",
    }
}

closed_set! {
    /// A household's answer to an event.
    pub enum RsvpState {
        Going = "going",
        Waitlisted = "waitlisted",
        Cancelled = "cancelled",
    }
}

closed_set! {
    /// Where a visitor who came without a pass stands.
    pub enum WalkInStatus {
        Pending = "pending",
        Approved = "approved",
        Denied = "denied",
    }
}

closed_set! {
    /// What the butler found when following up a missed check-in.
    pub enum CheckInResult {
        ReachedOk = "reached_ok",
        VisitedOk = "visited_ok",
        NotReached = "not_reached",
        NeedsHelp = "needs_help",
    }
}

closed_set! {
    /// Why a follow-up visit (回访) was opened.
    pub enum FollowUpReason {
        /// A rating at or below the community's threshold.
        LowRating = "low_rating",
        /// A critical job closed.
        Critical = "critical",
        /// A job that had been reopened closed.
        Reopened = "reopened",
        /// A complaint closed.
        Complaint = "complaint",
        /// Picked by the one-in-N sample of the rest (`model::follow_up`).
        Sampled = "sampled",
    }
}

closed_set! {
    /// Where a follow-up stands.
    pub enum FollowUpStatus {
        Open = "open",
        Done = "done",
    }
}

closed_set! {
    /// The WeChat subscribe messages a person can consent to.
    pub enum TemplateKey {
        JobAssigned = "job_assigned",
        JobResolved = "job_resolved",
        VisitorArrived = "visitor_arrived",
        HelpAcknowledged = "help_acknowledged",
        /// To the butler: a resident urged a job.
        JobUrged = "job_urged",
    }
}

closed_set! {
    /// Which jobs a list shows (`GET /repairs?scope=`).
    pub enum JobListScope {
        Mine = "mine",
        Assigned = "assigned",
        Buildings = "buildings",
        All = "all",
    }
}

closed_set! {
    /// Open or closed jobs (`GET /repairs?status=`).
    pub enum JobListStatus {
        All = "all",
        Open = "open",
        Closed = "closed",
    }
}

closed_set! {
    /// What the audit log records.
    pub enum AuditAction {
        AnnouncementPublish = "announcement.publish",
        BuildingAssignButler = "building.assign_butler",
        BuildingCreate = "building.create",
        EventCreate = "event.create",
        HelpCallViewPhone = "help_call.view_phone",
        HelpDeviceRevoke = "help_device.revoke",
        PersonCreate = "person.create",
        ResidentSetElder = "resident.set_elder",
        ResidentViewPhone = "resident.view_phone",
        SettingsUpdate = "settings.update",
        StaffChange = "staff.change",
        UnitsImport = "units.import",
        OutageEnd = "outage.end",
        OutageExtend = "outage.extend",
    }
}

closed_set! {
    /// What a rating is of.
    pub enum RatingSubject {
        Repair = "repair",
        HelpCall = "help_call",
    }
}

closed_set! {
    /// Where a queued message (SMS, WeChat) stands in the outbox.
    pub enum NotificationStatus {
        Pending = "pending",
        Sent = "sent",
        Failed = "failed",
        Skipped = "skipped",
    }
}

closed_set! {
    /// Where a session is used.
    pub enum SessionKindKey {
        Web = "web",
        Api = "api",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        Role,
        help::{HelpAction, Outcome},
        repair::JobAction,
    };

    #[test]
    fn keys_round_trip_through_serde_and_parse() {
        for a in AuditAction::ALL {
            assert_eq!(serde_json::to_value(a).ok(), Some(serde_json::json!(a.as_str())));
            assert_eq!(AuditAction::parse(a.as_str()), Some(a));
        }
        assert_eq!(TemplateKey::parse("spam"), None);
    }

    #[test]
    fn timeline_sets_include_every_action() {
        for a in JobAction::ALL {
            assert!(TimelineAction::parse(a.as_str()).is_some(), "{a:?}");
        }
        for a in HelpAction::ALL {
            assert!(HelpEntryAction::parse(a.as_str()).is_some(), "{a:?}");
        }
        for r in Role::ALL {
            assert_eq!(ActorRole::parse(r.as_str()), Some(ActorRole::from(r)), "{r:?}");
        }
        assert_eq!(Outcome::ALL.len(), 3);
    }
}
