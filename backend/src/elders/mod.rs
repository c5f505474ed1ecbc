//! Elders: switching the simplified screen on, emergency contacts, and the
//! daily check-in as the butler sees it.

use crate::record::{BuildingId, CommunityId, ElderVisitId, IN_LIST_MAX, UnitId, UserId};
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use serde::Deserialize;
use serde_json::json;

use super::{
    Backend, clean,
    db::{row, rows, run},
    error::Result,
    ids,
    people::unit_label,
    policy::{Actor, Permission, Scope},
};
use linli_model::{
    AppError, BuildingRef, Msg, Page, PageRequest, StaffRef, UnitRef,
    help::{
        CheckInFollowUp, DEFAULT_VISIT_EVERY_DAYS, ElderCondition, ElderHome, ElderInfo, ElderSettings, ElderVisit,
        EmergencyContact, VisitMode, VisitStatus, visit_interval,
    },
    job::PersonRef,
    keys::{AuditAction, CheckInResult},
    phone,
    time::{local_date, local_instant},
};
pub(crate) mod store;
mod visits;

use store::*;

/// The contacts to store. A number sent back masked, as the elders list
/// shows it (`139****2222`), keeps the number on file (`stored`).
fn validate_contacts(contacts: &[EmergencyContact], stored: &[EmergencyContact]) -> Result<Vec<EmergencyContact>> {
    if contacts.len() > 5 {
        return Err(AppError::invalid("emergency_contacts", Msg::ErrTooLong).into());
    }
    contacts
        .iter()
        .map(|c| {
            let name = clean::required_line("emergency_contacts", &c.name, 50)?;
            let phone = match phone::unmask(&c.phone, stored.iter().map(|s| s.phone.as_str())) {
                Some(on_file) => on_file.to_string(),
                None => clean::mobile("emergency_contacts", &c.phone)?,
            };
            let relation = clean::optional_line("emergency_contacts", Some(&c.relation), 20)?;
            Ok(EmergencyContact { name, phone, relation })
        })
        .collect()
}

impl Backend {
    /// The local time by which elders should have checked in (default 10:00).
    pub(crate) async fn check_in_deadline(&self, community: &str) -> Result<NaiveTime> {
        let mut res =
            run(self.db.query(store::CHECK_IN_DEADLINE).bind(("c", CommunityId::record_of(community)))).await?;
        let stored = row::<DeadlineRow>(&mut res, 0)?.and_then(|r| r.check_in_by);
        Ok(stored
            .and_then(|s| NaiveTime::parse_from_str(&s, "%H:%M").ok())
            .unwrap_or(NaiveTime::from_hms_opt(10, 0, 0).unwrap_or(NaiveTime::MIN)))
    }

    /// The elders the caller looks after, with today's check-in: a butler's
    /// buildings; the whole community for the duty room and the manager.
    /// `all_residents` lists everyone (to switch elder mode on). Those to
    /// call first first (`ElderInfo::call_order`).
    pub async fn elders(&self, actor: &Actor, all_residents: bool) -> Result<Vec<ElderInfo>> {
        let (mut list, deadline) = self.elders_unordered(actor, all_residents).await?;
        let now = self.now();
        list.sort_by(|a, b| a.call_order(deadline, now).cmp(&b.call_order(deadline, now)));
        Ok(list)
    }

    /// [`Self::elders`] a page at a time (list `elders`), with `total`. The
    /// order is taken as things stood at the first page (the cursor carries
    /// that instant): an elder who checks in or is reached between pages
    /// keeps their place, so that no row is lost or shown twice. The rows
    /// show the present. 422 `cursor` once the cursor's row has left the
    /// list.
    pub async fn elders_page(&self, actor: &Actor, all_residents: bool, page: &PageRequest) -> Result<Page<ElderInfo>> {
        let (mut list, deadline) = self.elders_unordered(actor, all_residents).await?;
        let snapshot = match page.after.as_ref() {
            None => self.now(),
            Some(c) => c
                .instant(0)
                .filter(|_| c.keys.len() == 1)
                .ok_or_else(|| AppError::invalid("cursor", Msg::ErrBadCursor))?,
        };
        list.sort_by(|a, b| a.call_order(deadline, snapshot).cmp(&b.call_order(deadline, snapshot)));
        let at = linli_model::page::nanos(snapshot);
        Ok(page.page_of_with(list, "elders", |e| e.id.as_str(), &[at])?)
    }

    /// The rows of [`Self::elders`] in no order, and today's check-in
    /// deadline.
    async fn elders_unordered(&self, actor: &Actor, all_residents: bool) -> Result<(Vec<ElderInfo>, DateTime<Utc>)> {
        actor.require(Permission::SeeElders)?;
        let buildings: Vec<String> = actor.buildings.iter().map(|b| b.id.clone()).collect();
        let mut res = run(self
            .db
            .query(if all_residents { store::RESIDENTS } else { store::ELDERS })
            .bind(("community", CommunityId::record_of(actor.community_id())))
            .bind(("butler", actor.limited_to_own_buildings()))
            .bind(("buildings", BuildingId::records_of(&buildings))))
        .await?;
        let people: Vec<ResidentRow> = rows(&mut res, 0)?;
        let now = self.now();
        let today = local_date(now);
        let deadline = local_instant(today, self.check_in_deadline(actor.community_id()).await?);
        let ids: Vec<String> = people.iter().map(|p| p.id.to_string()).collect();
        let mut res = run(self
            .db
            .query(store::CHECK_INS_OF_DAY)
            .bind(("c", CommunityId::record_of(actor.community_id())))
            .bind(("day", today.to_string())))
        .await?;
        let check_ins: Vec<CheckInRow> = rows(&mut res, 0)?;
        let mut res = run(self
            .db
            .query(store::FOLLOW_UPS_OF_DAY)
            .bind(("c", CommunityId::record_of(actor.community_id())))
            .bind(("day", today.to_string())))
        .await?;
        let follow_ups: Vec<FollowUpRow> = rows(&mut res, 0)?;
        // A longer `IN` list would scan the table (see `IN_LIST_MAX`).
        let mut devices: Vec<super::devices::store::DeviceRow> = Vec::new();
        for chunk in ids.chunks(IN_LIST_MAX) {
            let mut res =
                run(self.db.query(store::DEVICES_OF).bind(("ids", UserId::records_of(chunk))).bind(("now", now)))
                    .await?;
            devices.extend(rows::<super::devices::store::DeviceRow>(&mut res, 0)?);
        }
        // Latest used first, as the elder's own list shows them.
        devices.sort_by_key(|d| std::cmp::Reverse(d.last_used_at));
        let list: Vec<ElderInfo> = people
            .into_iter()
            .map(|p| {
                let checked_in_at = check_ins.iter().find(|c| c.elder == p.id).map(|c| c.at);
                let paired =
                    devices.iter().filter(|d| d.elder == p.id).map(super::devices::store::DeviceRow::view).collect();
                let follow_up = follow_ups.iter().find(|f| f.elder == p.id).map(|f| CheckInFollowUp {
                    result: f.result,
                    note: f.note.clone(),
                    by: f.by_name.clone(),
                    at: f.at,
                });
                ElderInfo {
                    visits: p.elder_mode.then(|| p.visit_status(now)),
                    unit: p.unit_ref(),
                    overdue: p.elder_mode && checked_in_at.is_none() && now >= deadline,
                    id: String::from(p.id),
                    name: p.name,
                    phone: phone::mask(&p.phone),
                    elder_mode: p.elder_mode,
                    // Masked like every number in a list; the help
                    // chain texts them from the stored row.
                    emergency_contacts: p
                        .emergency_contacts
                        .into_iter()
                        .map(|c| EmergencyContact { phone: phone::mask(&c.phone), ..c })
                        .collect(),
                    checked_in_at,
                    follow_up,
                    devices: paired,
                }
            })
            .collect();
        Ok((list, deadline))
    }

    pub(super) async fn resident_in_reach(&self, actor: &Actor, user_id: &str) -> Result<ResidentRow> {
        if !ids::is_plausible_key(user_id) {
            return Err(AppError::not_found().into());
        }
        let mut res = run(self.db.query(store::RESIDENT_IN_REACH).bind(("id", UserId::record_of(user_id)))).await?;
        let person: ResidentRow = row(&mut res, 0)?.ok_or_else(AppError::not_found)?;
        actor.check_sees(person.scope())?;
        Ok(person)
    }

    /// A resident's whole phone number, for a staff member who looks after
    /// them to call (butler of the building, duty room, manager). Lists
    /// show numbers masked; each number handed out here is an audit entry.
    pub async fn phone_to_call(&self, actor: &Actor, user_id: &str) -> Result<String> {
        actor.require(Permission::CallElder)?;
        let person = self.resident_in_reach(actor, user_id).await?;
        self.audit(actor, AuditAction::ResidentViewPhone, user_id, &person.name).await?;
        Ok(person.phone)
    }

    /// Turns the simplified screen on or off for a resident and records
    /// their emergency contacts (butler of their building, or manager).
    pub async fn set_elder(&self, actor: &Actor, user_id: &str, settings: ElderSettings) -> Result<ElderInfo> {
        actor.require(Permission::SetElderMode)?;
        let person = self.resident_in_reach(actor, user_id).await?;
        let contacts = validate_contacts(&settings.emergency_contacts, &person.emergency_contacts)?;
        run(self
            .db
            .query(store::SET_ELDER)
            .bind(("id", UserId::record_of(user_id)))
            .bind(("on", settings.elder_mode))
            .bind(("now", self.now()))
            .bind(("contacts", serde_json::to_value(&contacts)?)))
        .await?;
        // The resident's next page is the elder screen (or no longer is).
        self.sessions.forget_all();
        let detail = format!("{} elder_mode={} contacts={}", person.name, settings.elder_mode, contacts.len());
        self.audit(actor, AuditAction::ResidentSetElder, user_id, &detail).await?;
        self.elders(actor, true)
            .await?
            .into_iter()
            .find(|e| e.id == user_id)
            .ok_or_else(|| AppError::not_found().into())
    }

    /// Records what the butler found when calling or visiting an elder
    /// who had not checked in today.
    pub async fn record_check_in_follow_up(
        &self,
        actor: &Actor,
        user_id: &str,
        result: &str,
        note: &str,
    ) -> Result<()> {
        actor.require(Permission::FollowUpCheckIn)?;
        let person = self.resident_in_reach(actor, user_id).await?;
        // Only an elder is expected to check in.
        if !person.elder_mode {
            return Err(AppError::invalid("id", Msg::ErrNotElder).into());
        }
        if linli_model::keys::CheckInResult::parse(result).is_none() {
            return Err(AppError::invalid("result", Msg::ErrBadRequest).into());
        }
        let note = clean::optional_block("note", Some(note), 500)?;
        run(self
            .db
            .query(store::RECORD_CHECK_IN_FOLLOW_UP)
            .bind(("community", CommunityId::record_of(&person.community)))
            .bind(("elder", UserId::record_of(user_id)))
            .bind(("day", local_date(self.now()).to_string()))
            .bind(("result", result.to_string()))
            .bind(("note", note))
            .bind(("by", UserId::record_of(&actor.user_id)))
            .bind(("now", self.now())))
        .await?;
        self.events.publish(
            linli_model::live::EventKind::CheckInUpdated,
            person.community.key(),
            super::events::Audience::of_check_in_follow_up(&person.building),
            json!({ "elder": user_id, "follow_up": result }),
        );
        Ok(())
    }

    /// Everything the elder's one-button screen shows.
    pub async fn elder_home(&self, actor: &Actor) -> Result<ElderHome> {
        actor.require(Permission::ElderHome)?;
        let building = actor.home_building_id().unwrap_or("-").to_string();
        let mut res = run(self
            .db
            .query(store::ELDER_HOME)
            .bind(("b", BuildingId::record_of(building)))
            .bind(("me", UserId::record_of(&actor.user_id)))
            .bind(("day", local_date(self.now()).to_string())))
        .await?;
        let butler = row::<ButlerRow>(&mut res, 0)?.and_then(|b| match (b.id, b.name, b.phone) {
            (Some(id), Some(name), Some(full)) => {
                Some(StaffRef { id: String::from(id), name, phone: phone::mask(&full), phone_full: Some(full) })
            }
            _ => None,
        });
        let checked_in_at: Option<DateTime<Utc>> = rows::<DateTime<Utc>>(&mut res, 1)?.into_iter().next();
        let next_visit: Option<NaiveDate> = row::<ScheduleRow>(&mut res, 2)?
            .filter(|_| actor.is_elder())
            .map(|s| schedule_status(s.visit_every_days, s.since, s.last_visit, self.now()).next_due);
        let recent = self.now() - Duration::minutes(30);
        let call =
            self.help_calls(actor, false).await?.into_iter().find(|c| {
                c.elder.id == actor.user_id && (c.status.is_open() || c.closed_at.is_some_and(|t| t > recent))
            });
        Ok(ElderHome { butler, checked_in_at, call, client_key: ids::new_token(), next_visit })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contacts_are_normalised_and_checked() {
        let ok = validate_contacts(
            &[EmergencyContact {
                name: " 李华 ".into(), phone: "+86 138-0000-0099".into(), relation: "儿子".into()
            }],
            &[],
        );
        assert!(matches!(ok.as_deref(), Ok([c]) if c.phone == "13800000099" && c.name == "李华"));
        assert!(
            validate_contacts(
                &[EmergencyContact { name: "x".into(), phone: "123".into(), relation: String::new() }],
                &[]
            )
            .is_err()
        );
        assert!(
            validate_contacts(
                &[EmergencyContact { name: "".into(), phone: "13800000099".into(), relation: String::new() }],
                &[]
            )
            .is_err()
        );
        let on_file =
            [EmergencyContact { name: "李华".into(), phone: "13911112222".into(), relation: String::new() }];
        let back = |phone: &str| {
            validate_contacts(
                &[EmergencyContact { name: "李华".into(), phone: phone.into(), relation: String::new() }],
                &on_file,
            )
        };
        assert_eq!(
            back("139****2222").unwrap()[0].phone,
            "13911112222",
            "the masked number sent back keeps the one on file"
        );
        assert!(back("139****3333").is_err(), "a mask of no number on file is refused");
    }
}
