//! The manager's console: buildings and units, staff, settings, the audit
//! log. Every change here is audited.

use crate::record::{AuditId, BuildingId, CommunityId, UnitId, UserId};
use chrono::{DateTime, NaiveTime, Utc};
use serde::Deserialize;
use serde_json::json;

use super::{
    Backend,
    auth::hash_password,
    clean,
    db::{row, rows, run},
    error::{Error, Result},
    ids,
    policy::{Actor, Permission},
    unit_import,
};
use linli_model::{
    AppError, BuildingInfo, Cursor, Msg, Page, PageRequest, Role, Trade,
    admin::{AuditEntry, ImportResult, ImportSkip, NewPerson, Settings, SkippedLine, StaffChange, StaffMember},
    keys::AuditAction,
    phone,
};
pub(crate) mod store;

use store::*;

impl From<StaffRow> for StaffMember {
    /// What the console shows: the phone number masked, as everywhere.
    fn from(s: StaffRow) -> Self {
        StaffMember {
            id: String::from(s.id),
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

/// The 422 for a file with bad lines: the first problem's message, every
/// bad line in `detail` (at most 20 named).
fn import_refusal(bad: &[unit_import::BadLine]) -> Error {
    use unit_import::Problem;
    let msg = match bad.first().map(|b| b.problem) {
        Some(Problem::UnknownBuilding) => Msg::ErrCsvBuilding,
        Some(Problem::BadUnit) => Msg::ErrCsvUnit,
        Some(Problem::HeaderIncomplete) => Msg::ErrCsvHeader,
        Some(Problem::TooManyRows) => Msg::ErrTooLong,
        Some(Problem::Unreadable) => Msg::ErrCsvUnreadable,
        Some(Problem::Shape) | None => Msg::ErrCsvLine,
    };
    let lines: Vec<String> = bad.iter().take(20).map(|b| b.line.to_string()).collect();
    let detail = match lines.as_slice() {
        [one] => format!("line {one}"),
        more => format!("lines {}", more.join(", ")),
    };
    AppError::invalid("csv", msg).with_detail(detail).into()
}

fn admin(actor: &Actor) -> Result<()> {
    actor.require(Permission::Administer).map_err(Into::into)
}

fn short_text(field: &str, value: &str, max: usize) -> Result<String> {
    clean::required_line(field, value, max)
}

impl Backend {
    /// Adds a building (manager).
    pub async fn create_building(&self, actor: &Actor, number: &str, name: Option<&str>) -> Result<BuildingInfo> {
        admin(actor)?;
        let number = short_text("number", number, 20)?;
        let name = match clean::optional_line("name", name, 50)? {
            n if n.is_empty() => format!("{number}号楼"),
            n => n,
        };
        let id = ids::new_key();
        let created = run(self
            .db
            .query(store::CREATE_BUILDING)
            .bind(("b", BuildingId::record_of(&id)))
            .bind(("c", CommunityId::record_of(actor.community_id())))
            .bind(("number", number.clone()))
            .bind(("name", name.clone())))
        .await;
        match created {
            Ok(_) => {}
            Err(e) if e.violates("building_number") => {
                return Err(AppError::conflict(Msg::ErrDuplicate).with_detail("number").into());
            }
            Err(e) => return Err(e),
        }
        self.audit(actor, AuditAction::BuildingCreate, &id, &name).await?;
        self.buildings(actor)
            .await?
            .into_iter()
            .find(|b| b.id == id)
            .ok_or_else(|| Error::internal("building vanished"))
    }

    /// Imports units from a CSV file (see [`unit_import`] for what is
    /// read). A bad line (unknown building, blank or too long unit, no
    /// second cell) refuses the whole file and changes nothing: 422 with
    /// `detail` naming every bad line (`line 3` or `lines 3, 7`). Units
    /// that exist already and lines repeating an earlier one are skipped
    /// and listed in the result with why.
    pub async fn import_units(&self, actor: &Actor, csv: &str) -> Result<ImportResult> {
        admin(actor)?;
        let mut res =
            run(self.db.query(store::BUILDINGS_OF_COMMUNITY).bind(("c", CommunityId::record_of(actor.community_id()))))
                .await?;
        let stored: Vec<BuildingKey> = rows(&mut res, 0)?;
        let known: Vec<unit_import::KnownBuilding<'_>> = stored
            .iter()
            .map(|b| unit_import::KnownBuilding { id: b.id.key(), number: &b.number, name: &b.name })
            .collect();
        let parsed = unit_import::parse(csv, &known).map_err(|bad| import_refusal(&bad))?;
        let mut res =
            run(self.db.query(store::UNIT_KEYS_OF_COMMUNITY).bind(("c", CommunityId::record_of(actor.community_id()))))
                .await?;
        let existing: std::collections::HashSet<(String, String)> = res.take::<Vec<_>>(0)?.into_iter().collect();
        let (new, exist): (Vec<_>, Vec<_>) =
            parsed.units.into_iter().partition(|(_, b, u)| !existing.contains(&(b.clone(), u.clone())));
        let wanted: Vec<serde_json::Value> =
            new.iter().map(|(_, b, u)| json!({ "building": b, "number": u })).collect();
        // The check inside the transaction keeps a unit imported twice at
        // the same moment from being created twice.
        run(self
            .db
            .query(store::IMPORT_UNITS)
            .bind(("units", wanted))
            .bind(("c", CommunityId::record_of(actor.community_id()))))
        .await?;
        let mut skipped_lines: Vec<SkippedLine> = exist
            .iter()
            .map(|(line, b, u)| SkippedLine {
                line: *line,
                reason: ImportSkip::Exists,
                text: format!("{},{u}", stored.iter().find(|x| x.id == *b).map_or("", |x| x.number.as_str())),
            })
            .chain(parsed.skipped)
            .collect();
        skipped_lines.sort_by_key(|s| s.line);
        let created = u32::try_from(new.len()).unwrap_or(u32::MAX);
        let skipped = u32::try_from(skipped_lines.len()).unwrap_or(u32::MAX);
        self.audit(actor, AuditAction::UnitsImport, "", &format!("{created} new, {skipped} skipped")).await?;
        Ok(ImportResult { created, skipped, header_line: parsed.header_line, skipped_lines })
    }

    /// Staff of the community (and, for the manager's lists, all roles but residents).
    pub async fn staff(&self, actor: &Actor) -> Result<Vec<StaffMember>> {
        admin(actor)?;
        let mut res =
            run(self.db.query(store::STAFF).bind(("c", CommunityId::record_of(actor.community_id())))).await?;
        Ok(rows::<StaffRow>(&mut res, 0)?.into_iter().map(StaffMember::from).collect())
    }

    /// Creates an account: staff with their role, trades and gate, or a
    /// resident with their unit.
    pub async fn create_person(&self, actor: &Actor, p: NewPerson) -> Result<StaffMember> {
        admin(actor)?;
        let name = short_text("name", &p.name, 50)?;
        let phone = clean::mobile("phone", &p.phone)?;
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
                    .query(store::UNIT_IN_COMMUNITY)
                    .bind(("u", UnitId::record_of(u)))
                    .bind(("c", CommunityId::record_of(actor.community_id()))))
                .await?;
                row::<serde_json::Value>(&mut res, 0)?
                    .ok_or_else(|| AppError::invalid("unit_id", Msg::ErrUnitUnknown))?;
                Some(u.to_string())
            }
            (Role::Resident, _) => return Err(AppError::invalid("unit_id", Msg::ErrUnitUnknown).into()),
            _ => None,
        };
        let gate = Some(clean::optional_line("gate", p.gate.as_deref(), 20)?).filter(|g| !g.is_empty());
        if gate.as_deref().is_some_and(|g| !linli_model::pass::is_gate_code(g)) {
            return Err(AppError::invalid("gate", Msg::ErrGateCode).into());
        }
        let hash = hash_password(p.password.clone()).await?;
        let id = ids::new_key();
        let created = run(self
            .db
            .query(store::CREATE_PERSON)
            .bind(("u", UserId::record_of(&id)))
            .bind(("c", CommunityId::record_of(actor.community_id())))
            .bind(("name", name.clone()))
            .bind(("phone", phone))
            .bind(("hash", hash))
            .bind(("role", role.as_str()))
            .bind(("unit", unit.as_deref().map(UnitId::record_of)))
            .bind(("trades", p.trades.clone()))
            .bind(("gate", gate)))
        .await;
        match created {
            Ok(_) => {}
            Err(e) if e.violates("user_phone") => {
                return Err(AppError::conflict(Msg::ErrDuplicate).with_detail("phone").into());
            }
            Err(e) => return Err(e),
        }
        self.audit(actor, AuditAction::PersonCreate, &id, &format!("{name} ({})", role.as_str())).await?;
        let mut res = run(self.db.query(store::STAFF_MEMBER).bind(("id", UserId::record_of(id.clone())))).await?;
        let s: StaffRow = row(&mut res, 0)?.ok_or_else(|| Error::internal("person vanished"))?;
        Ok(s.into())
    }

    /// Changes a staff member: deactivate (their sessions are revoked at
    /// once, and stay revoked if they are made active again: they sign in
    /// anew), on/off duty, trades, gate.
    pub async fn change_staff(&self, actor: &Actor, id: &str, change: StaffChange) -> Result<StaffMember> {
        admin(actor)?;
        if !ids::is_plausible_key(id) || id == actor.user_id && change.active == Some(false) {
            return Err(AppError::invalid("active", Msg::ErrBadRequest).into());
        }
        if change.trades.as_ref().is_some_and(|t| t.iter().any(|x| Trade::parse(x).is_none())) {
            return Err(AppError::invalid("trades", Msg::ErrBadRequest).into());
        }
        // The same rule as at creation; `""` takes the gate away.
        let gate = match change.gate.as_deref() {
            None => None,
            Some(g) => Some(clean::optional_line("gate", Some(g), 20)?),
        };
        if gate.as_deref().is_some_and(|g| !g.is_empty() && !linli_model::pass::is_gate_code(g)) {
            return Err(AppError::invalid("gate", Msg::ErrGateCode).into());
        }
        let mut res = run(self
            .db
            .query(store::CHANGE_STAFF)
            .bind(("id", UserId::record_of(id)))
            .bind(("c", CommunityId::record_of(actor.community_id())))
            .bind(("active", change.active))
            .bind(("on_duty", change.on_duty))
            .bind(("trades", change.trades.clone()))
            .bind(("gate", gate)))
        .await?;
        let s: StaffRow = row(&mut res, 0)?.ok_or_else(AppError::not_found)?;
        if change.active == Some(false) {
            run(self.db.query(store::REVOKE_SESSIONS_OF).bind(("id", UserId::record_of(id))).bind(("now", self.now())))
                .await?;
        }
        // A deactivated account's sessions must stop at once.
        self.sessions.forget_all();
        self.audit(actor, AuditAction::StaffChange, id, &serde_json::to_string(&change)?).await?;
        Ok(s.into())
    }

    /// The community's settings (defaults where never set).
    pub async fn settings(&self, actor: &Actor) -> Result<Settings> {
        actor.require(Permission::ReadSettings)?;
        let esc = self.escalation_settings(actor.community_id()).await?;
        let by = self.check_in_deadline(actor.community_id()).await?;
        let clock = self.clock_settings(actor.community_id()).await?;
        Ok(Settings {
            sla: clock.sla,
            business_hours: clock.business_hours,
            urge_interval_mins: clock.urge_interval_mins,
            help_staff_secs: esc.staff_secs,
            help_contacts_secs: esc.contacts_secs,
            check_in_by: by.format("%H:%M").to_string(),
            follow_up: Some(self.follow_up_settings(actor.community_id()).await?),
            complaint: Some(self.complaint_targets(actor.community_id()).await?),
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
        if s.business_hours.is_some_and(|h| !h.is_valid()) {
            return Err(AppError::invalid("business_hours", Msg::ErrBusinessHours).into());
        }
        if !linli_model::repair::URGE_INTERVAL_MINS.contains(&s.urge_interval_mins) {
            return Err(AppError::invalid("urge_interval_mins", Msg::ErrSettings).into());
        }
        if s.complaint.is_some_and(|t| !linli_model::complaint::targets_valid(t)) {
            return Err(AppError::invalid("complaint", Msg::ErrSettings).into());
        }
        if s.follow_up.is_some_and(|f| !f.is_valid()) {
            return Err(AppError::invalid("follow_up", Msg::ErrSettings).into());
        }
        let by = NaiveTime::parse_from_str(&s.check_in_by, "%H:%M")
            .map_err(|_| AppError::invalid("check_in_by", Msg::ErrSettings))?;
        run(self
            .db
            .query(store::UPDATE_SETTINGS)
            .bind(("c", CommunityId::record_of(actor.community_id())))
            .bind(("sla", serde_json::to_value(s.sla)?))
            .bind(("staff", s.help_staff_secs))
            .bind(("contacts", s.help_contacts_secs))
            .bind(("by", by.format("%H:%M").to_string())))
        .await?;
        if let Some(complaint) = s.complaint {
            self.store_complaint_targets(actor.community_id(), complaint).await?;
        }
        if let Some(follow_up) = s.follow_up {
            self.store_follow_up_settings(actor.community_id(), follow_up).await?;
        }
        self.store_clock_settings(actor.community_id(), s.business_hours, s.urge_interval_mins).await?;
        self.audit(actor, AuditAction::SettingsUpdate, "", &serde_json::to_string(&s)?).await?;
        self.settings(actor).await
    }

    /// The audit log, newest first, optionally one kind of action and a
    /// period; a page at a time (list `audit`, keyset `(at, id)`).
    pub async fn audit_log(
        &self,
        actor: &Actor,
        action: Option<&str>,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
        page: &PageRequest,
    ) -> Result<Page<AuditEntry>> {
        admin(actor)?;
        let (at, after) = match page.after.as_ref() {
            None => (None, None),
            Some(c) if c.keys.len() == 1 => (c.instant(0), Some(AuditId::record_of(&c.id))),
            Some(_) => return Err(AppError::invalid("cursor", Msg::ErrBadCursor).into()),
        };
        let mut res = run(self
            .db
            .query(store::AUDIT_LOG)
            .bind(("c", CommunityId::record_of(actor.community_id())))
            .bind(("action", action.filter(|a| !a.is_empty()).map(str::to_string)))
            .bind(("from", from))
            .bind(("to", to))
            .bind(("at", at))
            .bind(("after", after))
            .bind(("fetch", page.fetch())))
        .await?;
        let found: Vec<(String, AuditEntry)> = rows::<AuditRow>(&mut res, 0)?
            .into_iter()
            .map(|a| {
                let entry = AuditEntry {
                    actor: a.actor_name.unwrap_or_default(),
                    action: a.action,
                    target: a.target,
                    detail: a.detail,
                    at: a.at,
                };
                (a.key, entry)
            })
            .collect();
        let cut = page.cut(found, "audit", |(key, e)| Cursor::at(e.at, key.clone()));
        Ok(Page::new(cut.items.into_iter().map(|(_, e)| e).collect(), cut.next_cursor))
    }
}
