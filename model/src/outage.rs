//! Outages (停水, 停电, 电梯停运, 燃气): an announcement of the `outage`
//! category that names the kind of outage, the affected buildings and when
//! it is expected to end. A resident of an affected building who starts a
//! repair of a matching category is shown the outage first and may mark
//! their household "affected" instead of reporting; reports filed anyway
//! are linked to the outage and resolved with it.
//!
//! Which repair categories match which outage is decided here, once
//! ([`relation`]):
//!
//! | outage | duplicates (shown first, "affected" offered, reports linked) | shown beside (critical: never in the way) |
//! |---|---|---|
//! | water 停水 | `no_water` | `flooding` |
//! | power 停电 | `no_power`, `light`, `elevator` (lifts stop with the power) | `elevator_entrapment` |
//! | elevator 电梯停运 | `elevator` | `elevator_entrapment` |
//! | gas 燃气 | none (there is no "no gas" category) | `gas_leak` |
//!
//! A critical category (entrapment, gas leak, fire, flooding) is never a
//! duplicate: the outage is shown next to the one-tap report, never in
//! front of it, and such a report is never linked to the outage nor closed
//! with it. A leak is not a water outage (it needs its own visit), so it is
//! not matched either.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{
    Lang,
    category::{Category, Urgency},
    i18n::Msg,
};

crate::closed_set! {
    /// What is out.
    pub enum OutageKind {
        Water = "water",
        Power = "power",
        Elevator = "elevator",
        Gas = "gas",
    }
}

impl OutageKind {
    pub const fn label(self) -> Msg {
        match self {
            Self::Water => Msg::OutageWater,
            Self::Power => Msg::OutagePower,
            Self::Elevator => Msg::OutageElevator,
            Self::Gas => Msg::OutageGas,
        }
    }

    /// The repair categories that report the outage itself: a report of
    /// one of these from an affected building is a duplicate.
    pub const fn duplicates(self) -> &'static [Category] {
        match self {
            Self::Water => &[Category::NoWater],
            Self::Power => &[Category::NoPower, Category::Light, Category::Elevator],
            Self::Elevator => &[Category::Elevator],
            Self::Gas => &[],
        }
    }

    /// The critical categories the outage is worth showing beside (never
    /// instead of) the report.
    pub const fn beside(self) -> &'static [Category] {
        match self {
            Self::Water => &[Category::Flooding],
            Self::Power | Self::Elevator => &[Category::ElevatorEntrapment],
            Self::Gas => &[Category::GasLeak],
        }
    }
}

crate::closed_set! {
    /// How a known outage relates to the repair a resident is starting.
    pub enum OutageRelation {
        /// The repair reports the outage itself: the outage is shown first
        /// and "affected" is offered instead of a report.
        Duplicate = "duplicate",
        /// A critical repair near the outage: shown beside the report,
        /// which stays one tap.
        Beside = "beside",
    }
}

/// How an outage of `kind` relates to a repair of `category`; `None`: not
/// at all. A critical category is never a duplicate.
pub fn relation(kind: OutageKind, category: Category) -> Option<OutageRelation> {
    if category.default_urgency() == Urgency::Critical {
        return kind.beside().contains(&category).then_some(OutageRelation::Beside);
    }
    kind.duplicates().contains(&category).then_some(OutageRelation::Duplicate)
}

/// The line a resident reads: `1号楼停水，预计 18:00 恢复` (time in
/// Asia/Shanghai; the date is added when the end is not today there).
/// `place`: the affected buildings' names joined, or empty for the whole
/// community.
pub fn line(place: &str, kind: OutageKind, expected_end: DateTime<Utc>, now: DateTime<Utc>, lang: Lang) -> String {
    let place = if place.is_empty() { Msg::OutageWholeCommunity.text(lang) } else { place };
    let time = if crate::time::local_date(expected_end) == crate::time::local_date(now) {
        crate::time::format_local_hm(expected_end)
    } else {
        crate::time::format_local(expected_end)
    };
    Msg::OutageLine
        .text(lang)
        .replace("{place}", place)
        .replace("{kind}", kind.label().text(lang))
        .replace("{time}", &time)
}

/// The outage part of an announcement (`Announcement.outage`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutageInfo {
    pub kind: OutageKind,
    /// When it is expected to be over (UTC; shown in Asia/Shanghai).
    pub expected_end: DateTime<Utc>,
    /// When staff ended it; `None` while it is still on.
    #[serde(default)]
    pub ended_at: Option<DateTime<Utc>>,
    /// Whether the caller's household marked itself affected.
    #[serde(default)]
    pub affected_by_me: bool,
    /// Staff only: households that marked themselves affected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affected_households: Option<u32>,
    /// Staff only: open reports linked to it (resolved when it ends).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linked_jobs: Option<u32>,
}

/// An outage as the repair form shows it (`GET /api/v1/outages/active`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActiveOutage {
    /// The announcement's id (`GET /api/v1/announcements/{id}`).
    pub id: String,
    pub title: String,
    pub kind: OutageKind,
    /// Affected building ids; empty: the whole community.
    pub building_ids: Vec<String>,
    pub expected_end: DateTime<Utc>,
    /// Ready to show, in the caller's language: `1号楼停水，预计 18:00 恢复`.
    pub line: String,
    /// With `?category=`: how it relates to that repair (`duplicate`: show it
    /// first and offer "affected"; `beside`: a critical repair, show it next
    /// to the report). Without: `None`.
    #[serde(default)]
    pub relation: Option<OutageRelation>,
    /// Whether the caller's household already marked itself affected.
    pub affected_by_me: bool,
}

/// `POST /api/v1/outages/{id}/affected` answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AffectedMark {
    /// Always `true`: the household is counted (once, however often asked).
    pub affected: bool,
}

/// `POST /api/v1/outages/{id}/extend`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExtendOutage {
    /// The new expected end; in the future. The butler is alerted again if
    /// the outage is still on then.
    pub expected_end: DateTime<Utc>,
}

/// `POST /api/v1/outages/{id}/end` answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutageEnded {
    pub ended_at: DateTime<Utc>,
    /// Linked open reports resolved with it.
    pub resolved_jobs: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn critical_categories_are_never_duplicates() {
        for kind in OutageKind::ALL {
            for c in Category::ALL {
                if c.default_urgency() == Urgency::Critical {
                    assert_ne!(relation(kind, c), Some(OutageRelation::Duplicate), "{kind:?} {c:?}");
                }
            }
        }
        assert_eq!(relation(OutageKind::Water, Category::NoWater), Some(OutageRelation::Duplicate));
        assert_eq!(relation(OutageKind::Water, Category::Leak), None);
        assert_eq!(relation(OutageKind::Elevator, Category::ElevatorEntrapment), Some(OutageRelation::Beside));
        assert_eq!(relation(OutageKind::Gas, Category::GasLeak), Some(OutageRelation::Beside));
        assert_eq!(relation(OutageKind::Power, Category::NoWater), None);
    }

    #[test]
    fn the_line_is_in_shanghai_time() {
        let now: DateTime<Utc> = "2026-11-30T02:00:00Z".parse().unwrap_or_default();
        let end: DateTime<Utc> = "2026-11-30T10:00:00Z".parse().unwrap_or_default();
        assert_eq!(line("1号楼", OutageKind::Water, end, now, Lang::Zh), "1号楼停水，预计 18:00 恢复");
        let tomorrow: DateTime<Utc> = "2026-11-30T17:00:00Z".parse().unwrap_or_default();
        assert_eq!(line("", OutageKind::Power, tomorrow, now, Lang::Zh), "全小区停电，预计 2026-12-01 01:00 恢复");
    }
}
