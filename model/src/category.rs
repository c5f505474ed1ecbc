//! What a resident reports and how they rate it: repair categories (with
//! the urgency and trade each suggests), urgencies, and rating tags.

use serde::{Deserialize, Serialize};

use super::{i18n::Msg, people::Trade};

/// How fast a job must be handled (SPEC §2). Ordered: a resident may raise
/// the suggested urgency, never lower it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    Normal,
    Urgent,
    Critical,
}

impl Urgency {
    pub const ALL: [Urgency; 3] = [Urgency::Normal, Urgency::Urgent, Urgency::Critical];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Normal => "normal",
            Self::Urgent => "urgent",
            Self::Critical => "critical",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|u| u.as_str() == s)
    }

    pub const fn label(self) -> Msg {
        match self {
            Self::Normal => Msg::UrgencyNormal,
            Self::Urgent => Msg::UrgencyUrgent,
            Self::Critical => Msg::UrgencyCritical,
        }
    }
}

/// What is broken. Each category suggests an urgency and the trade that
/// fixes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Category {
    ElevatorEntrapment,
    GasLeak,
    Fire,
    Flooding,
    NoWater,
    NoPower,
    DoorLock,
    Elevator,
    Leak,
    Drain,
    Light,
    Other,
}

impl Category {
    /// In the order shown on the report screen: the most common first,
    /// emergencies grouped at the end where they are not tapped by mistake.
    pub const ALL: [Category; 12] = [
        Category::Leak,
        Category::Drain,
        Category::Light,
        Category::NoWater,
        Category::NoPower,
        Category::DoorLock,
        Category::Elevator,
        Category::Other,
        Category::Flooding,
        Category::ElevatorEntrapment,
        Category::GasLeak,
        Category::Fire,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::ElevatorEntrapment => "elevator_entrapment",
            Self::GasLeak => "gas_leak",
            Self::Fire => "fire",
            Self::Flooding => "flooding",
            Self::NoWater => "no_water",
            Self::NoPower => "no_power",
            Self::DoorLock => "door_lock",
            Self::Elevator => "elevator",
            Self::Leak => "leak",
            Self::Drain => "drain",
            Self::Light => "light",
            Self::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

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

/// Quick tags a resident can add to a rating (`GET /api/v1/rating-tags`
/// lists them with their labels).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RatingTag {
    Fast,
    Polite,
    Tidy,
    FixedFirstTime,
    Slow,
    NotFixed,
}

impl RatingTag {
    pub const ALL: [RatingTag; 6] =
        [Self::Fast, Self::Polite, Self::Tidy, Self::FixedFirstTime, Self::Slow, Self::NotFixed];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Fast => "fast",
            Self::Polite => "polite",
            Self::Tidy => "tidy",
            Self::FixedFirstTime => "fixed_first_time",
            Self::Slow => "slow",
            Self::NotFixed => "not_fixed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

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
