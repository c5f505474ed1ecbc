//! People and places: community → building → unit, and the roles people
//! hold in them. These are the shapes the client receives; the server keeps
//! its own rows (with password hashes and the like) out of this module.

use serde::{Deserialize, Serialize};

use super::i18n::Msg;

crate::closed_set! {
    /// What a person does in the community. An elder is a resident with the
    /// simplified screen switched on (`Me::elder_mode`), not a separate role.
    pub enum Role {
        Resident = "resident",
        Butler = "butler",
        Worker = "worker",
        Guard = "guard",
        Duty = "duty",
        Admin = "admin",
    }
}

impl Role {
    /// Everyone but residents works for the property company.
    pub const fn is_staff(self) -> bool {
        !matches!(self, Self::Resident)
    }

    pub const fn label(self) -> Msg {
        match self {
            Self::Resident => Msg::RoleResident,
            Self::Butler => Msg::RoleButler,
            Self::Worker => Msg::RoleWorker,
            Self::Guard => Msg::RoleGuard,
            Self::Duty => Msg::RoleDuty,
            Self::Admin => Msg::RoleAdmin,
        }
    }
}

crate::closed_set! {
    /// A worker's trade decides which jobs they can be assigned.
    pub enum Trade {
        Plumbing = "plumbing",
        Electric = "electric",
        General = "general",
        Elevator = "elevator",
    }
}

impl Trade {
    pub const fn label(self) -> Msg {
        match self {
            Self::Plumbing => Msg::TradePlumbing,
            Self::Electric => Msg::TradeElectric,
            Self::General => Msg::TradeGeneral,
            Self::Elevator => Msg::TradeElevator,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommunityRef {
    pub id: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BuildingRef {
    pub id: String,
    /// The number painted on the building, e.g. `1`.
    pub number: String,
    /// Display name, e.g. `1号楼`.
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitRef {
    pub id: String,
    /// Door number within the building, e.g. `101`.
    pub number: String,
    pub building: BuildingRef,
    /// `1号楼 101`, ready to show.
    pub label: String,
}

/// The signed-in person, as `GET /api/v1/me` returns it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    pub id: String,
    pub name: String,
    pub role: Role,
    /// Own number, masked: the full number is never needed on screen.
    pub phone: String,
    pub community: CommunityRef,
    /// The home of a resident.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<UnitRef>,
    /// The buildings a butler owns (empty for other roles).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub buildings: Vec<BuildingRef>,
    /// The simplified one-button screen is on.
    pub elder_mode: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trades: Vec<Trade>,
    /// The gate a guard works at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gate: Option<String>,
}

impl Me {
    pub fn is_elder(&self) -> bool {
        self.role == Role::Resident && self.elder_mode
    }

    /// The label shown under the name: 长者 for elders, the role otherwise.
    pub fn role_label(&self) -> Msg {
        if self.is_elder() { Msg::RoleElder } else { self.role.label() }
    }
}

/// A staff member as others see them: name and a masked phone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffRef {
    pub id: String,
    pub name: String,
    /// Masked (`139****0001`) in lists; the `tel:` link uses `phone_full`
    /// only where the viewer is entitled to call (their own butler).
    pub phone: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_full: Option<String>,
}

/// A building with its butler, as `GET /api/v1/buildings` lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BuildingInfo {
    pub id: String,
    pub number: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub butler: Option<StaffRef>,
    pub unit_count: u32,
}

/// A person living in a unit, as staff and housemates see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResidentInfo {
    pub id: String,
    pub name: String,
    pub phone: String,
    pub elder_mode: bool,
}

/// A unit with its residents (`GET /api/v1/units/{id}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitInfo {
    pub id: String,
    pub number: String,
    pub label: String,
    pub building: BuildingRef,
    pub residents: Vec<ResidentInfo>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
            let json = serde_json::to_string(&role).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", role.as_str()));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn only_residents_are_not_staff() {
        assert!(!Role::Resident.is_staff());
        assert!(Role::Guard.is_staff());
        assert!(Role::Admin.is_staff());
    }

    #[test]
    fn trades_round_trip() {
        for t in Trade::ALL {
            assert_eq!(Trade::parse(t.as_str()), Some(t));
        }
    }
}
