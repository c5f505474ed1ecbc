//! The manager's console: buildings and units, staff, settings, the audit
//! log. Every change here is audited.

use chrono::{DateTime, NaiveTime, Utc};
use serde::Deserialize;
use serde_json::json;

use super::{
    Backend,
    auth::hash_password,
    db::{rid, row, rows, run},
    error::{Error, Result},
    ids,
    people::key,
    policy::Actor,
};
use crate::model::{
    AppError, BuildingInfo, Msg, Role, Trade,
    admin::{AuditEntry, ImportResult, NewPerson, Settings, StaffChange, StaffMember},
    phone,
};

#[derive(Deserialize)]
struct StaffRow {
    #[serde(deserialize_with = "key::de")]
    id: String,
    name: String,
    phone: String,
    role: String,
    #[serde(default)]
    trades: Vec<String>,
    #[serde(default)]
    gate: Option<String>,
    on_duty: bool,
    active: bool,
}

impl From<StaffRow> for StaffMember {
    /// What the console shows: the phone number masked, as everywhere.
    fn from(s: StaffRow) -> Self {
        StaffMember {
            id: s.id,
            name: s.name,
            phone: phone::mask(&s.phone),
            role: s.role,
            trades: s.trades,
            gate: s.gate,
            on_duty: s.on_duty,
            active: s.active,
        }
    }
}

#[derive(Deserialize)]
struct AuditRow {
    #[serde(default)]
    actor_name: Option<String>,
    action: String,
    target: String,
    detail: String,
    at: DateTime<Utc>,
}

#[derive(Deserialize)]
struct BuildingKey {
    #[serde(deserialize_with = "key::de")]
    id: String,
    number: String,
}

fn admin(actor: &Actor) -> Result<()> {
    actor.require(&[Role::Admin]).map_err(Into::into)
}

fn short_text(field: &str, value: &str, max: usize) -> Result<String> {
    let v = value.trim().to_string();
    if v.is_empty() {
        return Err(AppError::invalid(field, Msg::ErrRequired).into());
    }
    if v.chars().count() > max {
        return Err(AppError::invalid(field, Msg::ErrTooLong).into());
    }
    Ok(v)
}

impl Backend {
    /// Adds a building (manager).
    pub async fn create_building(&self, actor: &Actor, number: &str, name: Option<&str>) -> Result<BuildingInfo> {
        admin(actor)?;
        let number = short_text("number", number, 20)?;
        let name = match name.map(str::trim).filter(|n| !n.is_empty()) {
            Some(n) => short_text("name", n, 50)?,
            None => format!("{number}号楼"),
        };
        let id = ids::new_key();
        let created = run(self
            .db
            .query("CREATE $b SET community = $c, number = $number, name = $name")
            .bind(("b", rid("building", &id)))
            .bind(("c", rid("community", actor.community_id())))
            .bind(("number", number.clone()))
            .bind(("name", name.clone())))
        .await;
        match created {
            Ok(_) => {}
            Err(e) if e.is_unique_violation() => {
                return Err(AppError::conflict(Msg::ErrDuplicate).with_detail("number").into());
            }
            Err(e) => return Err(e),
        }
        self.audit(actor, "building.create", &id, &name).await?;
        self.buildings(actor)
            .await?
            .into_iter()
            .find(|b| b.id == id)
            .ok_or_else(|| Error::internal("building vanished"))
    }

    /// Imports units from CSV lines `building number,unit number` (a header
    /// line is allowed). All or nothing: an unknown building or a bad line
    /// refuses the whole file, naming the line; units that already exist
    /// are skipped.
    pub async fn import_units(&self, actor: &Actor, csv: &str) -> Result<ImportResult> {
        admin(actor)?;
        let mut res = run(self
            .db
            .query("SELECT id, number FROM building WHERE community = $c")
            .bind(("c", rid("community", actor.community_id()))))
        .await?;
        let buildings: Vec<BuildingKey> = rows(&mut res, 0)?;
        let mut wanted: Vec<serde_json::Value> = Vec::new();
        for (n, line) in csv.lines().enumerate() {
            let line = line.trim().trim_start_matches('\u{feff}');
            if line.is_empty() || (n == 0 && !line.chars().next().is_some_and(|c| c.is_ascii_digit())) {
                continue;
            }
            let mut cells = line.split([',', '\t']).map(str::trim);
            let (Some(b), Some(u)) = (cells.next(), cells.next()) else {
                return Err(AppError::invalid("csv", Msg::ErrCsvLine).with_detail(format!("line {}", n + 1)).into());
            };
            let building = buildings
                .iter()
                .find(|x| x.number == b)
                .ok_or_else(|| AppError::invalid("csv", Msg::ErrCsvBuilding).with_detail(format!("line {}", n + 1)))?;
            if u.is_empty() || u.chars().count() > 20 {
                return Err(AppError::invalid("csv", Msg::ErrCsvLine).with_detail(format!("line {}", n + 1)).into());
            }
            wanted.push(json!({ "building": building.id, "number": u }));
        }
        if wanted.len() > 5000 {
            return Err(AppError::invalid("csv", Msg::ErrTooLong).into());
        }
        let before = self.unit_count(actor.community_id()).await?;
        run(self
            .db
            .query(
                "BEGIN TRANSACTION;
                 FOR $u IN $units {
                     LET $b = type::record('building', $u.building);
                     IF count((SELECT id FROM unit WHERE building = $b AND number = $u.number)) = 0 {
                         CREATE unit SET community = $c, building = $b, number = $u.number;
                     };
                 };
                 COMMIT TRANSACTION;",
            )
            .bind(("units", wanted.clone()))
            .bind(("c", rid("community", actor.community_id()))))
        .await?;
        let created = (self.unit_count(actor.community_id()).await? - before).clamp(0, wanted.len() as i64) as u32;
        self.audit(actor, "units.import", "", &format!("{} lines, {created} new", wanted.len())).await?;
        Ok(ImportResult { created, skipped: wanted.len() as u32 - created })
    }

    async fn unit_count(&self, community: &str) -> Result<i64> {
        let mut res = run(self
            .db
            .query("SELECT count() AS n FROM unit WHERE community = $c GROUP ALL")
            .bind(("c", rid("community", community))))
        .await?;
        Ok(rows::<serde_json::Value>(&mut res, 0)?.first().and_then(|v| v["n"].as_i64()).unwrap_or(0))
    }

    /// Staff of the community (and, for the manager's lists, all roles but residents).
    pub async fn staff(&self, actor: &Actor) -> Result<Vec<StaffMember>> {
        admin(actor)?;
        let mut res = run(self
            .db
            .query(
                "SELECT id, name, phone, role, trades, gate, on_duty, active FROM user
                 WHERE community = $c AND role != 'resident' ORDER BY role, name",
            )
            .bind(("c", rid("community", actor.community_id()))))
        .await?;
        Ok(rows::<StaffRow>(&mut res, 0)?.into_iter().map(StaffMember::from).collect())
    }

    /// Creates an account: staff with their role, trades and gate, or a
    /// resident with their unit.
    pub async fn create_person(&self, actor: &Actor, p: NewPerson) -> Result<StaffMember> {
        admin(actor)?;
        let name = short_text("name", &p.name, 50)?;
        let phone = phone::normalize(&p.phone);
        if !phone::is_valid_mobile(&phone) {
            return Err(AppError::invalid("phone", Msg::ErrPhoneInvalid).into());
        }
        let role = Role::parse(&p.role).ok_or_else(|| AppError::invalid("role", Msg::ErrBadRequest))?;
        if p.password.chars().count() < 8 || p.password.len() > 256 {
            return Err(AppError::invalid("password", Msg::ErrPasswordWeak).into());
        }
        if p.trades.iter().any(|t| Trade::parse(t).is_none()) {
            return Err(AppError::invalid("trades", Msg::ErrBadRequest).into());
        }
        let unit = match (role, p.unit_id.as_deref().filter(|u| !u.is_empty())) {
            (Role::Resident, Some(u)) if ids::is_plausible_key(u) => {
                let mut res = run(self
                    .db
                    .query("SELECT id FROM unit WHERE id = type::record('unit', $u) AND community = $c")
                    .bind(("u", u.to_string()))
                    .bind(("c", rid("community", actor.community_id()))))
                .await?;
                row::<serde_json::Value>(&mut res, 0)?
                    .ok_or_else(|| AppError::invalid("unit_id", Msg::ErrUnitUnknown))?;
                Some(u.to_string())
            }
            (Role::Resident, _) => return Err(AppError::invalid("unit_id", Msg::ErrUnitUnknown).into()),
            _ => None,
        };
        let gate =
            p.gate.as_deref().map(str::trim).filter(|g| !g.is_empty()).map(|g| g.chars().take(20).collect::<String>());
        let hash = hash_password(p.password.clone()).await?;
        let id = ids::new_key();
        let created = run(self
            .db
            .query(
                "CREATE $u SET community = $c, name = $name, phone = $phone, password_hash = $hash, role = $role,
                     unit = $unit, trades = $trades, gate = $gate",
            )
            .bind(("u", rid("user", &id)))
            .bind(("c", rid("community", actor.community_id())))
            .bind(("name", name.clone()))
            .bind(("phone", phone))
            .bind(("hash", hash))
            .bind(("role", role.as_str()))
            .bind(("unit", unit.as_deref().map(|u| rid("unit", u))))
            .bind(("trades", p.trades.clone()))
            .bind(("gate", gate)))
        .await;
        match created {
            Ok(_) => {}
            Err(e) if e.is_unique_violation() => {
                return Err(AppError::conflict(Msg::ErrDuplicate).with_detail("phone").into());
            }
            Err(e) => return Err(e),
        }
        self.audit(actor, "person.create", &id, &format!("{name} ({})", role.as_str())).await?;
        let mut res = run(self
            .db
            .query("SELECT id, name, phone, role, trades, gate, on_duty, active FROM type::record('user', $id)")
            .bind(("id", id.clone())))
        .await?;
        let s: StaffRow = row(&mut res, 0)?.ok_or_else(|| Error::internal("person vanished"))?;
        Ok(s.into())
    }

    /// Changes a staff member: deactivate (their sessions stop working at
    /// once), on/off duty, trades, gate.
    pub async fn change_staff(&self, actor: &Actor, id: &str, change: StaffChange) -> Result<StaffMember> {
        admin(actor)?;
        if !ids::is_plausible_key(id) || id == actor.user_id && change.active == Some(false) {
            return Err(AppError::invalid("active", Msg::ErrBadRequest).into());
        }
        if change.trades.as_ref().is_some_and(|t| t.iter().any(|x| Trade::parse(x).is_none())) {
            return Err(AppError::invalid("trades", Msg::ErrBadRequest).into());
        }
        let mut res = run(self
            .db
            .query(
                "UPDATE type::record('user', $id) SET
                     active = $active ?? active, on_duty = $on_duty ?? on_duty,
                     trades = $trades ?? trades, gate = $gate ?? gate
                 WHERE community = $c AND role != 'resident'
                 RETURN id, name, phone, role, trades, gate, on_duty, active",
            )
            .bind(("id", id.to_string()))
            .bind(("c", rid("community", actor.community_id())))
            .bind(("active", change.active))
            .bind(("on_duty", change.on_duty))
            .bind(("trades", change.trades.clone()))
            .bind(("gate", change.gate.clone())))
        .await?;
        let s: StaffRow = row(&mut res, 0)?.ok_or_else(AppError::not_found)?;
        // A deactivated account's sessions must stop at once.
        self.sessions.forget_all();
        self.audit(actor, "staff.change", id, &serde_json::to_string(&change)?).await?;
        Ok(s.into())
    }

    /// The community's settings (defaults where never set).
    pub async fn settings(&self, actor: &Actor) -> Result<Settings> {
        actor.require(&[Role::Admin, Role::Butler, Role::Duty])?;
        let esc = self.escalation_settings(actor.community_id()).await?;
        let by = self.check_in_deadline(actor.community_id()).await?;
        Ok(Settings {
            sla: self.sla_settings(actor.community_id()).await?,
            help_staff_secs: esc.staff_secs,
            help_contacts_secs: esc.contacts_secs,
            check_in_by: by.format("%H:%M").to_string(),
        })
    }

    /// Changes the SLA targets, help-call timings and check-in time (manager).
    pub async fn update_settings(&self, actor: &Actor, s: Settings) -> Result<Settings> {
        admin(actor)?;
        if !s.sla.is_valid() {
            return Err(AppError::invalid("sla", Msg::ErrSettings).into());
        }
        if !(5..=600).contains(&s.help_staff_secs) || !(s.help_staff_secs + 5..=3600).contains(&s.help_contacts_secs) {
            return Err(AppError::invalid("help_staff_secs", Msg::ErrSettings).into());
        }
        let by = NaiveTime::parse_from_str(&s.check_in_by, "%H:%M")
            .map_err(|_| AppError::invalid("check_in_by", Msg::ErrSettings))?;
        run(self
            .db
            .query(
                "UPDATE type::record('community', $c) SET sla = $sla,
                     help = { staff_secs: $staff, contacts_secs: $contacts, check_in_by: $by }",
            )
            .bind(("c", actor.community_id().to_string()))
            .bind(("sla", serde_json::to_value(s.sla)?))
            .bind(("staff", s.help_staff_secs))
            .bind(("contacts", s.help_contacts_secs))
            .bind(("by", by.format("%H:%M").to_string())))
        .await?;
        self.audit(actor, "settings.update", "", &serde_json::to_string(&s)?).await?;
        self.settings(actor).await
    }

    /// The audit log, newest first, optionally one kind of action and a period.
    pub async fn audit_log(
        &self,
        actor: &Actor,
        action: Option<&str>,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
    ) -> Result<Vec<AuditEntry>> {
        admin(actor)?;
        let mut res = run(self
            .db
            .query(
                "SELECT actor.name AS actor_name, action, target, detail, at FROM audit
                 WHERE community = $c AND ($action = NONE OR string::starts_with(action, $action))
                   AND ($from = NONE OR at >= $from) AND ($to = NONE OR at < $to)
                 ORDER BY at DESC LIMIT 500",
            )
            .bind(("c", rid("community", actor.community_id())))
            .bind(("action", action.filter(|a| !a.is_empty()).map(str::to_string)))
            .bind(("from", from))
            .bind(("to", to)))
        .await?;
        Ok(rows::<AuditRow>(&mut res, 0)?
            .into_iter()
            .map(|a| AuditEntry {
                actor: a.actor_name.unwrap_or_default(),
                action: a.action,
                target: a.target,
                detail: a.detail,
                at: a.at,
            })
            .collect())
    }
}
