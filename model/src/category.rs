//! What a resident reports and how they rate it: repair categories (with
//! the urgency and trade each suggests), urgencies, and rating tags.

use super::{i18n::Msg, people::Trade};

crate::closed_set! {
    /// How fast a job must be handled (SPEC §2). Ordered: a resident may raise
    /// the suggested urgency, never lower it.
    #[derive(PartialOrd, Ord)]
    pub enum Urgency {
        Normal = "normal",
        Urgent = "urgent",
        Critical = "critical",
    }
}

impl Urgency {
    pub const fn label(self) -> Msg {
        match self {
            Self::Normal => Msg::UrgencyNormal,
            Self::Urgent => Msg::UrgencyUrgent,
            Self::Critical => Msg::UrgencyCritical,
        }
    }
}

crate::closed_set! {
    /// What is broken. Each category suggests an urgency and the trade that
    /// fixes it.
    pub enum Category {
        ElevatorEntrapment = "elevator_entrapment",
        GasLeak = "gas_leak",
        Fire = "fire",
        Flooding = "flooding",
        NoWater = "no_water",
        NoPower = "no_power",
        DoorLock = "door_lock",
        Elevator = "elevator",
        Leak = "leak",
        Drain = "drain",
        Light = "light",
        Other = "other",
    }
}

impl Category {
    pub const fn default_urgency(self) -> Urgency {
        match self {
            Self::ElevatorEntrapment | Self::GasLeak | Self::Fire | Self::Flooding => Urgency::Critical,
            Self::NoWater | Self::NoPower | Self::DoorLock | Self::Elevator => Urgency::Urgent,
            Self::Leak | Self::Drain | Self::Light | Self::Other => Urgency::Normal,
        }
    }

    pub const fn trade(self) -> Trade {
        match self {
            Self::ElevatorEntrapment | Self::Elevator => Trade::Elevator,
            Self::Flooding | Self::NoWater | Self::Leak | Self::Drain => Trade::Plumbing,
            Self::NoPower | Self::Light => Trade::Electric,
            Self::GasLeak | Self::Fire | Self::DoorLock | Self::Other => Trade::General,
        }
    }

    pub const fn icon(self) -> &'static str {
        match self {
            Self::ElevatorEntrapment => "🆘",
            Self::GasLeak => "⚠️",
            Self::Fire => "🔥",
            Self::Flooding => "🌊",
            Self::NoWater => "🚱",
            Self::NoPower => "⚡",
            Self::DoorLock => "🔒",
            Self::Elevator => "🛗",
            Self::Leak => "💧",
            Self::Drain => "🚽",
            Self::Light => "💡",
            Self::Other => "🔧",
        }
    }

    pub const fn label(self) -> Msg {
        match self {
            Self::ElevatorEntrapment => Msg::CatElevatorEntrapment,
            Self::GasLeak => Msg::CatGasLeak,
            Self::Fire => Msg::CatFire,
            Self::Flooding => Msg::CatFlooding,
            Self::NoWater => Msg::CatNoWater,
            Self::NoPower => Msg::CatNoPower,
            Self::DoorLock => Msg::CatDoorLock,
            Self::Elevator => Msg::CatElevator,
            Self::Leak => Msg::CatLeak,
            Self::Drain => Msg::CatDrain,
            Self::Light => Msg::CatLight,
            Self::Other => Msg::CatOther,
        }
    }
}

crate::closed_set! {
    /// Quick tags a resident can add to a rating (`GET /api/v1/rating-tags`
    /// lists them with their labels).
    pub enum RatingTag {
        Fast = "fast",
        Polite = "polite",
        Tidy = "tidy",
        FixedFirstTime = "fixed_first_time",
        Slow = "slow",
        NotFixed = "not_fixed",
    }
}

impl RatingTag {
    /// A tag as a client may send it: its key, or its label in either
    /// language (`响应快`, `Quick`), as a mini-program showing the labels
    /// would.
    pub fn from_input(s: &str) -> Option<Self> {
        let folded = super::text::nfkc(&super::text::line(s));
        let s = folded.as_str();
        Self::parse(s).or_else(|| {
            Self::ALL.into_iter().find(|t| {
                [super::Lang::Zh, super::Lang::En].into_iter().any(|l| t.label().text(l).eq_ignore_ascii_case(s))
            })
        })
    }

    pub const fn label(self) -> Msg {
        match self {
            Self::Fast => Msg::TagFast,
            Self::Polite => Msg::TagPolite,
            Self::Tidy => Msg::TagTidy,
            Self::FixedFirstTime => Msg::TagFixedFirstTime,
            Self::Slow => Msg::TagSlow,
            Self::NotFixed => Msg::TagNotFixed,
        }
    }
}
