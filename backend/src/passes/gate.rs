//! The gate: checking and admitting a pass, today's expected visitors,
//! the entry log and its CSV export.

use crate::record::{CommunityId, PassEntryId, PassId, UnitId, UserId};
use chrono::{DateTime, Utc};
use serde_json::json;

use super::super::{
    Backend,
    db::{rows, run, thrown},
    error::{Error, Result},
    events::Audience,
    ids,
    notify::Lane,
    people::unit_label,
    policy::{Actor, Permission},
    wechat::SubscribeMessage,
};
use super::{codes::*, store::*};
use linli_model::{
    AppError, BuildingRef, ErrorCode, Msg, UnitRef,
    live::EventKind,
    pass::{Entry, Pass, Reason, Verdict, gate_label, schedule::shanghai_local},
    time::{end_of_local_day, format_local_hm},
};

use super::*;

/// The gate's refusal of `pass` for `reason` (409, the reason as
/// `detail`); outside its schedule, the message says when the next window
/// opens (Shanghai time).
fn refusal(pass: &PassRow, reason: Reason, now: DateTime<Utc>) -> Error {
    let error = AppError::new(ErrorCode::Conflict, reason.label()).with_detail(reason.as_str());
    let next = pass.schedule.as_ref().and_then(|s| s.next_opening(now));
    match (reason, next) {
        (Reason::OutsideSchedule, Some(w)) => {
            let mut error = error.with_arg("when", shanghai_local(w.start).format("%Y-%m-%d %H:%M").to_string());
            error.msg = Msg::RefusedOutsideSchedule;
            error.into()
        }
        (Reason::OutsideSchedule, None) => {
            let mut error = error;
            error.msg = Msg::RefusedNoWindowLeft;
            error.into()
        }
        _ => error.into(),
    }
}

/// CSV cell: quoted when it holds a separator, quote or line break, and
/// defused when a spreadsheet would read it as a formula.
pub fn csv_cell(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s.to_string() };
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s }
}

impl Backend {
    /// The pass a scanned link, token or typed code stands for, within the
    /// guard's community only.
    pub(super) async fn find_pass(&self, community: &str, input: &str) -> Result<Option<PassRow>> {
        let (query, [h0, h1]) = match credential(input) {
            None => return Ok(None),
            // A token names one pass by its hash (`$h0`; `$h1` unused).
            Some(Credential::Token(t)) => (super::store::PASS_BY_TOKEN, [crate::ids::token_hash(&t), String::new()]),
            Some(Credential::Code(c)) => (super::store::PASS_BY_CODE, code_hash_pair(&self.config.code_key, &c)),
        };
        // From memory when nothing was written since (`Db::read_through`):
        // the row does not depend on the clock; its verdict does.
        let key = format!("{community}|{h0}|{h1}");
        let found: std::sync::Arc<Vec<PassRow>> = self
            .db
            .read_through(query, key, |q| {
                q.bind(("h0", h0)).bind(("h1", h1)).bind(("c", CommunityId::record_of(community)))
            })
            .await?;
        // The latest of a code's passes (an old one may share it).
        Ok(found.iter().max_by_key(|p| p.valid_until).cloned())
    }

    pub(super) fn gate_limit(&self, actor: &Actor, client: &str) -> Result<()> {
        let by_guard = self.gate_by_guard.hit(&actor.user_id);
        let by_client = self.gate_by_client.hit(client);
        if by_guard && by_client {
            Ok(())
        } else {
            Err(AppError::new(ErrorCode::RateLimited, Msg::ErrRateLimited).into())
        }
    }

    /// Checks a pass at the gate; changes nothing.
    pub async fn verify_pass(&self, actor: &Actor, input: &str, client: &str) -> Result<Verdict> {
        actor.require(Permission::VerifyPass)?;
        self.gate_limit(actor, client)?;
        let now = self.now();
        Ok(match self.find_pass(actor.community_id(), input).await? {
            None => Verdict { valid: false, reason: Some(Reason::Unknown), pass: None },
            Some(p) => {
                let reason = p.reason(now);
                Verdict { valid: reason.is_none(), reason, pass: Some(p.view(Vec::new(), now)) }
            }
        })
    }

    /// Lets the visitor in: counts the entry and records who, where, when.
    /// Refused with 409 and the reason when the pass does not open the gate.
    pub async fn admit(&self, actor: &Actor, input: &str, gate: Option<&str>, client: &str) -> Result<Entry> {
        actor.require(Permission::AdmitVisitor)?;
        self.gate_limit(actor, client)?;
        let gate = gate.filter(|g| !g.is_empty()).or(actor.gate.as_deref()).unwrap_or("main").to_string();
        if !linli_model::pass::is_gate_code(&gate) {
            return Err(bad("gate", Msg::ErrGateCode));
        }
        let refused =
            |r: Reason| -> Error { AppError::new(ErrorCode::Conflict, r.label()).with_detail(r.as_str()).into() };
        let pass = self.find_pass(actor.community_id(), input).await?.ok_or_else(|| refused(Reason::Unknown))?;
        let now = self.now();
        if let Some(r) = pass.reason(now) {
            return Err(refusal(&pass, r, now));
        }
        let entry_id = ids::new_key();
        let message = SubscribeMessage {
            community: pass.community.key(),
            user: pass.host.key(),
            key: "visitor_arrived",
            data: json!({ "thing1": pass.visitor_name, "thing2": gate_label(&gate).text(linli_model::Lang::Zh), "time3": format_local_hm(now) }),
            lane: Lane::Normal,
        };
        let query = self.db.query(super::store::ADMIT);
        let taken = run(self
            .bind_subscribe_message(query, Some(message))
            .bind(("pass", PassId::record_of(&pass.id)))
            .bind(("entry", PassEntryId::record_of(&entry_id)))
            .bind(("community", CommunityId::record_of(&pass.community)))
            .bind(("unit", UnitId::record_of(&pass.unit)))
            .bind(("gate", gate.clone()))
            .bind(("guard", UserId::record_of(&actor.user_id)))
            .bind(("now", now)))
        .await;
        match taken {
            Ok(_) => {}
            // Someone admitted the last entry a moment earlier (or the pass
            // changed): report the state as it is now.
            Err(e) if thrown(&e, "refused") || e.is_retryable() => {
                let now = self.now();
                let fresh = self.load_pass(pass.id.key()).await?.ok_or_else(|| refused(Reason::Unknown))?;
                return Err(refusal(&fresh, fresh.reason(now).unwrap_or(Reason::UsedUp), now));
            }
            Err(e) => return Err(e),
        }
        tracing::info!(pass = %pass.id, gate = %gate, "visitor admitted");
        self.events.publish(
            EventKind::PassAdmitted,
            pass.community.key(),
            Audience::household(&pass.unit),
            json!({
                "pass": pass.id, "visitor_name": pass.visitor_name, "gate": gate,
                "time": format_local_hm(now),
            }),
        );
        Ok(Entry {
            id: entry_id,
            gate,
            guard: actor.name.clone(),
            at: now,
            visitor_name: Some(pass.visitor_name.clone()),
            plate: pass.plate.clone(),
            unit: Some(unit_label(&pass.building_name, &pass.unit_number)),
        })
    }

    /// Today's expected visitors at the guard's community: passes still
    /// usable that are valid at some moment today.
    pub async fn expected_today(&self, actor: &Actor) -> Result<Vec<Pass>> {
        actor.require(Permission::SeeExpectedVisitors)?;
        let now = self.now();
        let mut res = run(self
            .db
            .query(super::store::EXPECTED_TODAY)
            .bind(("c", CommunityId::record_of(actor.community_id())))
            .bind(("now", now))
            .bind(("end", end_of_local_day(now))))
        .await?;
        let today = shanghai_local(now).date();
        Ok(rows::<PassRow>(&mut res, 0)?
            .iter()
            // A butler sees the visitors of their own buildings.
            .filter(|p| actor.covers_building(p.building.key()))
            // A recurring visitor is expected on the days of their schedule.
            .filter(|p| p.schedule.as_ref().is_none_or(|s| s.has_day(today)))
            .map(|p| p.view(Vec::new(), now))
            .collect())
    }

    /// The entry log (manager, duty room): newest first, optionally one gate
    /// and a period; a page at a time (list `entries`, keyset `(at, id)`).
    pub async fn entry_log(
        &self,
        actor: &Actor,
        gate: Option<&str>,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
        page: &linli_model::PageRequest,
    ) -> Result<linli_model::Page<Entry>> {
        actor.require(Permission::SeeEntryLog)?;
        let (at, after) = match page.after.as_ref() {
            None => (None, None),
            Some(c) if c.keys.len() == 1 => (c.instant(0), Some(crate::record::PassEntryId::record_of(&c.id))),
            Some(_) => return Err(AppError::invalid("cursor", linli_model::Msg::ErrBadCursor).into()),
        };
        let mut res = run(self
            .db
            .query(super::store::ENTRY_LOG)
            .bind(("c", CommunityId::record_of(actor.community_id())))
            .bind(("gate", gate.filter(|g| !g.is_empty()).map(str::to_string)))
            .bind(("from", from))
            .bind(("to", to))
            .bind(("at", at))
            .bind(("after", after))
            .bind(("fetch", page.fetch())))
        .await?;
        let items: Vec<Entry> = rows::<EntryRow>(&mut res, 0)?.into_iter().map(entry_view).collect();
        Ok(page.cut(items, "entries", |e| linli_model::Cursor::at(e.at, e.id.clone())))
    }

    /// The whole entry log of a period (the CSV export), read page by page.
    pub async fn entry_log_all(
        &self,
        actor: &Actor,
        gate: Option<&str>,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
    ) -> Result<Vec<Entry>> {
        let mut page = linli_model::PageRequest { limit: linli_model::page::MAX_LIMIT, after: None };
        let mut all = Vec::new();
        loop {
            let got = self.entry_log(actor, gate, from, to, &page).await?;
            all.extend(got.items);
            match got.next_cursor {
                Some(c) => page.after = Some(linli_model::Cursor::decode(&c, "entries")?),
                None => return Ok(all),
            }
        }
    }

    /// The entry log as CSV, UTF-8 with a byte-order mark so that Excel
    /// opens Chinese names correctly.
    pub fn entries_csv(entries: &[Entry], lang: linli_model::Lang) -> String {
        let mut out = String::from("\u{feff}");
        let header = match lang {
            linli_model::Lang::Zh => "时间,门岗,访客,房号,车牌,门卫\r\n",
            linli_model::Lang::En => "time,gate,visitor,unit,plate,guard\r\n",
        };
        out.push_str(header);
        for e in entries {
            let cells = [
                linli_model::time::format_local(e.at),
                gate_label(&e.gate).text(lang).to_string(),
                e.visitor_name.clone().unwrap_or_default(),
                e.unit.clone().unwrap_or_default(),
                e.plate.clone().unwrap_or_default(),
                e.guard.clone(),
            ];
            out.push_str(&cells.iter().map(|c| csv_cell(c)).collect::<Vec<_>>().join(","));
            out.push_str("\r\n");
        }
        out
    }

    /// The community's units, for the guard's walk-in form.
    pub async fn gate_units(&self, actor: &Actor) -> Result<Vec<UnitRef>> {
        actor.require(Permission::ListGateUnits)?;
        let mut res =
            run(self.db.query(super::store::GATE_UNITS).bind(("c", CommunityId::record_of(actor.community_id()))))
                .await?;
        let mut units: Vec<UnitRef> = rows::<UnitPlace>(&mut res, 0)?
            .into_iter()
            .map(|u| UnitRef {
                label: unit_label(&u.building_name, &u.number),
                id: String::from(u.id),
                number: u.number,
                building: BuildingRef {
                    id: String::from(u.building),
                    number: u.building_number,
                    name: u.building_name,
                },
            })
            .collect();
        units.sort_by(|a, b| {
            crate::people::natural_cmp(&a.building.number, &b.building.number)
                .then(crate::people::natural_cmp(&a.number, &b.number))
        });
        Ok(units)
    }
}
