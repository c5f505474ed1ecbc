//! Requests taken for a resident (代客报修/代录): the butler (for units in
//! buildings they own), the duty room or the manager records a repair or a
//! help call for a resident who phoned, walked in or was met on a patrol.
//! Everything else then works as if the resident had filed it: the
//! resident is the reporter; the staff member who entered it is named on
//! the timeline (`entered_by`). Where it came from (the channel) is stored
//! on the job or call and counted on the scorecards.

use serde::{Deserialize, Serialize};

use super::i18n::Msg;

crate::closed_set! {
    /// How a request reached the property office.
    pub enum Channel {
        /// Filed by the resident in the app (or the mini program).
        App = "app",
        /// The resident phoned; staff entered it (电话).
        Phone = "phone",
        /// The resident came to the office or the desk (到访).
        WalkIn = "walk_in",
        /// Found or reported on a staff patrol (巡查).
        Patrol = "patrol",
    }
}

impl Channel {
    /// The channels a staff member may record (every one but `app`).
    pub const STAFF: [Channel; 3] = [Channel::Phone, Channel::WalkIn, Channel::Patrol];

    /// Its name in the reader's language.
    pub const fn label(self) -> Msg {
        match self {
            Self::App => Msg::ChannelApp,
            Self::Phone => Msg::ChannelPhone,
            Self::WalkIn => Msg::ChannelWalkIn,
            Self::Patrol => Msg::ChannelPatrol,
        }
    }

    /// A channel staff may record, from its key; `None` for `app` or an
    /// unknown key.
    pub fn staff_channel(key: &str) -> Option<Self> {
        Self::parse(key).filter(|c| *c != Self::App)
    }
}

impl Default for Channel {
    /// Rows stored before channels existed were filed in the app.
    fn default() -> Self {
        Self::App
    }
}

/// `on_behalf` in `POST /api/v1/repairs` (and the staff help-call entry):
/// whose request a staff member is recording. Only staff with
/// `Permission::EnterForResident` may send it; a butler only for units of
/// buildings they own (else 404: the unit is not theirs to see).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OnBehalf {
    /// The unit (opaque id from `GET /api/v1/entry/units`).
    pub unit_id: String,
    /// The person living there who asked; by default the unit's first
    /// resident as `GET /api/v1/units/{id}` lists them. Must live in
    /// `unit_id` (else 422).
    #[serde(default)]
    pub resident_id: Option<String>,
    /// `phone`, `walk_in` or `patrol` (422 otherwise).
    #[cfg_attr(feature = "openapi", schema(value_type = Channel))]
    pub channel: String,
}

/// `POST /api/v1/entry/help-calls`: a help call taken for an elder who
/// phoned or was found needing help. The help chain then runs as for a
/// pressed button.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffHelpCall {
    pub on_behalf: OnBehalf,
    /// Also text the elder's emergency contacts now (SMS through the
    /// outbox), without waiting for the chain's last step.
    #[serde(default)]
    pub notify_family: bool,
    /// What the caller said (on the call's timeline, at most 1000 characters).
    #[serde(default)]
    pub note: Option<String>,
    /// The entry's own key (8–64 printable ASCII characters, made once per
    /// form or request): the same key is the same call, so a double submit
    /// or a retry never raises a second one. Optional; without it, an open
    /// call of the unit is still answered instead of a new one.
    #[serde(default)]
    pub client_key: Option<String>,
}

/// The figures of one butler by channel (scorecards, `jobs_by_channel`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChannelCounts {
    pub app: u32,
    pub phone: u32,
    pub walk_in: u32,
    pub patrol: u32,
}

impl ChannelCounts {
    /// Counts one more of `channel`.
    pub fn add(&mut self, channel: Channel) {
        let slot = match channel {
            Channel::App => &mut self.app,
            Channel::Phone => &mut self.phone,
            Channel::WalkIn => &mut self.walk_in,
            Channel::Patrol => &mut self.patrol,
        };
        *slot = slot.saturating_add(1);
    }

    /// The count of `channel`.
    pub const fn of(&self, channel: Channel) -> u32 {
        match channel {
            Channel::App => self.app,
            Channel::Phone => self.phone,
            Channel::WalkIn => self.walk_in,
            Channel::Patrol => self.patrol,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_record_every_channel_but_the_app() {
        assert_eq!(Channel::staff_channel("phone"), Some(Channel::Phone));
        assert_eq!(Channel::staff_channel("app"), None);
        assert_eq!(Channel::staff_channel("fax"), None);
        let mut c = ChannelCounts::default();
        c.add(Channel::WalkIn);
        c.add(Channel::WalkIn);
        assert_eq!((c.of(Channel::WalkIn), c.of(Channel::App)), (2, 0));
    }
}
