//! Visitor passes: invitations, the visitor's page, the gate, walk-ins and
//! the privacy clock.
//!
//! A pass is a 256-bit random token (the link and the QR code) and an
//! 8-character code derived from it for typing at the gate. Only the
//! SHA-256 of each is stored: a copy of the database lets nobody in. The
//! visitor's page can show the code because it is computed from the token
//! in its URL. Admitting is one conditional update, so two guards
//! admitting a single-entry pass at the same moment admit it once.

use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest as _, Sha256};

use super::{
    Backend, clean,
    db::{rid, row, rows, run, thrown},
    error::{Error, Result},
    events::Audience,
    ids,
    notify::{Lane, subscribe_message_create},
    people::{key, unit_label},
    policy::Actor,
    wechat::SubscribeMessage,
};
use linli_model::{
    AppError, BuildingRef, ErrorCode, Msg, Role, UnitRef,
    live::EventKind,
    pass::{
        self, CODE_ALPHABET, CODE_LEN, CreatedPass, Entry, MAX_ENTRIES, MAX_WINDOW_DAYS, NewPass, Pass, PassFacts,
        Reason, Verdict, VisitorView, WalkIn, gate_label,
    },
    phone,
    time::{end_of_local_day, format_local_hm},
};

macro_rules! pass_select {
    () => {
        "SELECT *, unit.number AS unit_number, building.number AS building_number,
                building.name AS building_name, community.name AS community_name,
                community.address AS community_address"
    };
}

#[derive(Deserialize, Clone)]
struct PassRow {
    #[serde(deserialize_with = "key::de")]
    id: String,
    #[serde(deserialize_with = "key::de")]
    community: String,
    #[serde(deserialize_with = "key::de")]
    building: String,
    #[serde(deserialize_with = "key::de")]
    unit: String,
    #[serde(deserialize_with = "key::de")]
    host: String,
    visitor_name: String,
    #[serde(default)]
    visitor_phone: Option<String>,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    plate: Option<String>,
    valid_from: DateTime<Utc>,
    valid_until: DateTime<Utc>,
    max_entries: u32,
    entries_used: u32,
    #[serde(default)]
    revoked_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    unit_number: String,
    building_number: String,
    building_name: String,
    community_name: String,
    #[serde(default)]
    community_address: String,
}

#[derive(Deserialize)]
struct EntryRow {
    #[serde(deserialize_with = "key::de")]
    id: String,
    #[serde(default, deserialize_with = "key::de_opt")]
    pass: Option<String>,
    gate: String,
    guard_name: String,
    at: DateTime<Utc>,
    #[serde(default)]
    visitor_name: Option<String>,
    #[serde(default)]
    walk_in_name: Option<String>,
    #[serde(default)]
    unit_number: Option<String>,
    #[serde(default)]
    building_name: Option<String>,
    #[serde(default)]
    plate: Option<String>,
}

#[derive(Deserialize)]
struct WalkInRow {
    #[serde(deserialize_with = "key::de")]
    id: String,
    #[serde(deserialize_with = "key::de")]
    community: String,
    #[serde(deserialize_with = "key::de")]
    building: String,
    #[serde(deserialize_with = "key::de")]
    unit: String,
    #[serde(deserialize_with = "key::de")]
    guard: String,
    visitor_name: String,
    #[serde(default)]
    visitor_phone: Option<String>,
    #[serde(default)]
    purpose: String,
    gate: String,
    status: String,
    #[serde(default)]
    decided_by_name: Option<String>,
    created_at: DateTime<Utc>,
    unit_number: String,
    building_number: String,
    building_name: String,
}

#[derive(Deserialize)]
struct UnitPlace {
    #[serde(deserialize_with = "key::de")]
    id: String,
    #[serde(deserialize_with = "key::de")]
    community: String,
    #[serde(deserialize_with = "key::de")]
    building: String,
    number: String,
    building_number: String,
    building_name: String,
}

fn sha256_hex(s: &str) -> String {
    Sha256::digest(s.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// The stored form of a pass code: HMAC-SHA256 under the deployment's
/// code key (RFC 2104). A code has only ~40 bits, so an unkeyed hash in a
/// stolen backup could be reversed by trying every code; without the key,
/// which is never stored in the database, it cannot.
fn code_hash(key: &[u8], code: &str) -> String {
    use hmac::{Hmac, Mac as _};
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else { return sha256_hex(code) };
    mac.update(code.as_bytes());
    mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

/// The hashes a code may be stored under: keyed, and (for passes made
/// before codes were keyed, all expired within [`MAX_WINDOW_DAYS`] of the
/// change) the plain SHA-256 they were stored with then.
fn code_hashes(key: &[u8], code: &str) -> Vec<String> {
    vec![code_hash(key, code), sha256_hex(code)]
}

/// The short code of a token: deterministic, so the visitor's page can show
/// it without it being stored, and as unpredictable as the token itself.
pub fn code_for(token: &str) -> String {
    let digest = Sha256::digest(format!("linli-pass-code:{token}").as_bytes());
    digest
        .chunks(2)
        .take(CODE_LEN)
        .map(|c| CODE_ALPHABET[(usize::from(c[0]) << 8 | usize::from(c[1])) % CODE_ALPHABET.len()] as char)
        .collect()
}

/// What a guard scanned or typed: a link (from the QR), a bare token, or a code.
enum Credential {
    Token(String),
    Code(String),
}

fn credential(input: &str) -> Option<Credential> {
    // What a scanner or a paste hands over may carry invisible characters.
    let input = linli_model::text::line(input);
    let input = input.as_str();
    let token = input.rsplit_once("/v/").map_or(input, |(_, t)| t);
    let token = token.split(['?', '#', '/']).next().unwrap_or("");
    if token.len() >= 40 && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return Some(Credential::Token(token.to_string()));
    }
    let code = pass::normalize_code(input);
    pass::is_code(&code).then_some(Credential::Code(code))
}

impl PassRow {
    fn facts(&self) -> PassFacts {
        PassFacts {
            valid_from: self.valid_from,
            valid_until: self.valid_until,
            max_entries: self.max_entries,
            entries_used: self.entries_used,
            revoked: self.revoked_at.is_some(),
        }
    }

    fn unit_ref(&self) -> UnitRef {
        UnitRef {
            id: self.unit.clone(),
            number: self.unit_number.clone(),
            label: unit_label(&self.building_name, &self.unit_number),
            building: BuildingRef {
                id: self.building.clone(),
                number: self.building_number.clone(),
                name: self.building_name.clone(),
            },
        }
    }

    fn view(&self, entries: Vec<Entry>, now: DateTime<Utc>) -> Pass {
        Pass {
            id: self.id.clone(),
            visitor_name: self.visitor_name.clone(),
            visitor_phone: self.visitor_phone.as_deref().map(phone::mask),
            purpose: self.purpose.clone(),
            plate: self.plate.clone(),
            unit: self.unit_ref(),
            valid_from: self.valid_from,
            valid_until: self.valid_until,
            max_entries: self.max_entries,
            entries_used: self.entries_used,
            revoked: self.revoked_at.is_some(),
            reason: pass::check(self.facts(), now).err(),
            entries,
            created_at: self.created_at,
        }
    }
}

fn entry_view(e: EntryRow) -> Entry {
    Entry {
        id: e.id,
        gate: e.gate,
        guard: e.guard_name,
        at: e.at,
        visitor_name: e.visitor_name.or(e.walk_in_name),
        plate: e.plate,
        unit: match (e.building_name, e.unit_number) {
            (Some(b), Some(u)) => Some(unit_label(&b, &u)),
            _ => None,
        },
    }
}

fn bad(field: &str, msg: Msg) -> Error {
    AppError::invalid(field, msg).into()
}

/// A visitor's name: 1–30 visible characters.
fn clean_name(name: &str) -> Result<String> {
    clean::required_line("visitor_name", name, 30)
}

fn clean_phone(phone: Option<&str>) -> Result<Option<String>> {
    clean::optional_mobile("visitor_phone", phone)
}

fn clean_purpose(purpose: Option<&str>) -> Result<String> {
    clean::optional_line("purpose", purpose, 100)
}

/// CSV cell: quoted when it holds a separator, quote or line break, and
/// defused when a spreadsheet would read it as a formula.
pub fn csv_cell(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s.to_string() };
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s }
}

impl Backend {
    /// Invites a visitor to the caller's home. Default window: now to the
    /// end of today (Shanghai); one entry. `base_url` is where the link points.
    pub async fn create_pass(&self, actor: &Actor, input: NewPass, base_url: &str) -> Result<CreatedPass> {
        actor.require(&[Role::Resident])?;
        let unit = actor.unit.clone().ok_or_else(AppError::forbidden)?;
        let visitor_name = clean_name(&input.visitor_name)?;
        let visitor_phone = clean_phone(input.visitor_phone.as_deref())?;
        let purpose = clean_purpose(input.purpose.as_deref())?;
        let plate = clean::optional_plate("plate", input.plate.as_deref())?;
        let now = Utc::now();
        for (field, at) in [("valid_from", input.valid_from), ("valid_until", input.valid_until)] {
            if at.is_some_and(|at| !linli_model::time::is_plausible_client_date(at, now)) {
                return Err(bad(field, Msg::ErrDateOutOfRange));
            }
        }
        let valid_from = input.valid_from.unwrap_or(now);
        let valid_until = input.valid_until.unwrap_or_else(|| end_of_local_day(valid_from) + Duration::seconds(1));
        if valid_until <= valid_from {
            return Err(bad("valid_until", Msg::ErrWindowOrder));
        }
        if valid_until <= now {
            return Err(bad("valid_until", Msg::ErrWindowPast));
        }
        if valid_until - valid_from > Duration::days(MAX_WINDOW_DAYS) || valid_from > now + Duration::days(30) {
            return Err(bad("valid_until", Msg::ErrWindowTooLong));
        }
        let max_entries = input.max_entries.unwrap_or(1);
        if !(1..=MAX_ENTRIES).contains(&max_entries) {
            return Err(bad("max_entries", Msg::ErrEntries));
        }

        // A code must be unique among the community's passes that are still
        // usable; a clash (about 1 in 10^11) just draws a new token.
        let (token, code) = loop {
            let token = ids::new_token();
            let code = code_for(&token);
            let mut res = run(self
                .db
                .query("SELECT id FROM pass WHERE community = $c AND code_hash IN $h AND valid_until > $now")
                .bind(("c", rid("community", actor.community_id())))
                .bind(("h", code_hashes(&self.config.code_key, &code)))
                .bind(("now", now)))
            .await?;
            if rows::<serde_json::Value>(&mut res, 0)?.is_empty() {
                break (token, code);
            }
        };
        let id = ids::new_key();
        run(self
            .db
            .query(
                "CREATE $pass SET community = $community, building = $building, unit = $unit, host = $host,
                     visitor_name = $name, visitor_phone = $phone, purpose = $purpose, plate = $plate,
                     valid_from = $from, valid_until = $until, max_entries = $max, entries_used = 0,
                     token_hash = $token_hash, code_hash = $code_hash, created_at = $now",
            )
            .bind(("pass", rid("pass", &id)))
            .bind(("community", rid("community", actor.community_id())))
            .bind(("building", rid("building", &unit.building.id)))
            .bind(("unit", rid("unit", &unit.id)))
            .bind(("host", rid("user", &actor.user_id)))
            .bind(("name", visitor_name))
            .bind(("phone", visitor_phone))
            .bind(("purpose", purpose))
            .bind(("plate", plate))
            .bind(("from", valid_from))
            .bind(("until", valid_until))
            .bind(("max", i64::from(max_entries)))
            .bind(("token_hash", sha256_hex(&token)))
            .bind(("code_hash", code_hash(&self.config.code_key, &code)))
            .bind(("now", now)))
        .await?;
        let row = self.load_pass(&id).await?.ok_or_else(|| Error::internal("pass vanished"))?;
        let base = base_url.trim_end_matches('/');
        Ok(CreatedPass {
            pass: row.view(Vec::new(), now),
            url: format!("{base}/v/{token}"),
            code,
            qr_svg_url: format!("{base}/v/{token}/qr.svg"),
            qr_png_url: format!("{base}/v/{token}/qr.png"),
        })
    }

    async fn load_pass(&self, id: &str) -> Result<Option<PassRow>> {
        if !ids::is_plausible_key(id) {
            return Ok(None);
        }
        let mut res =
            run(self.db.query(concat!(pass_select!(), " FROM type::record('pass', $id)")).bind(("id", id.to_string())))
                .await?;
        row(&mut res, 0)
    }

    async fn entries_of(&self, pass_ids: &[String]) -> Result<Vec<(String, Entry)>> {
        let mut res = run(self
            .db
            .query(
                "SELECT id, pass, gate, guard.name AS guard_name, at FROM pass_entry
                 WHERE pass IN $passes ORDER BY at",
            )
            .bind(("passes", super::db::rids("pass", pass_ids))))
        .await?;
        Ok(rows::<EntryRow>(&mut res, 0)?
            .into_iter()
            .map(|e| (e.pass.clone().unwrap_or_default(), entry_view(e)))
            .collect())
    }

    /// The passes of the caller's home, newest first, with their entries.
    pub async fn my_passes(&self, actor: &Actor) -> Result<Vec<Pass>> {
        actor.require(&[Role::Resident])?;
        let unit = actor.unit_id().ok_or_else(AppError::forbidden)?;
        let mut res = run(self
            .db
            .query(concat!(pass_select!(), " FROM pass WHERE unit = $unit ORDER BY created_at DESC LIMIT 100"))
            .bind(("unit", rid("unit", unit))))
        .await?;
        let passes: Vec<PassRow> = rows(&mut res, 0)?;
        let ids: Vec<String> = passes.iter().map(|p| p.id.clone()).collect();
        let entries = self.entries_of(&ids).await?;
        let now = Utc::now();
        Ok(passes
            .iter()
            .map(|p| p.view(entries.iter().filter(|(id, _)| *id == p.id).map(|(_, e)| e.clone()).collect(), now))
            .collect())
    }

    /// Revokes a pass of the caller's home (404 for anyone else's).
    pub async fn revoke_pass(&self, actor: &Actor, id: &str) -> Result<Pass> {
        actor.require(&[Role::Resident])?;
        let pass = self
            .load_pass(id)
            .await?
            .filter(|p| Some(p.unit.as_str()) == actor.unit_id())
            .ok_or_else(AppError::not_found)?;
        run(self
            .db
            .query("UPDATE $pass SET revoked_at = revoked_at ?? time::now()")
            .bind(("pass", rid("pass", &pass.id))))
        .await?;
        let pass = self.load_pass(id).await?.ok_or_else(AppError::not_found)?;
        Ok(pass.view(Vec::new(), Utc::now()))
    }

    /// The pass a scanned link, token or typed code stands for, within the
    /// guard's community only.
    async fn find_pass(&self, community: &str, input: &str) -> Result<Option<PassRow>> {
        let (query, hash) = match credential(input) {
            None => return Ok(None),
            Some(Credential::Token(t)) => {
                (concat!(pass_select!(), " FROM pass WHERE token_hash IN $h AND community = $c"), vec![sha256_hex(&t)])
            }
            Some(Credential::Code(c)) => (
                concat!(
                    pass_select!(),
                    " FROM pass WHERE community = $c AND code_hash IN $h ORDER BY valid_until DESC LIMIT 1"
                ),
                code_hashes(&self.config.code_key, &c),
            ),
        };
        let mut res = run(self.db.query(query).bind(("h", hash)).bind(("c", rid("community", community)))).await?;
        row(&mut res, 0)
    }

    fn gate_limit(&self, actor: &Actor, client: &str) -> Result<()> {
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
        actor.require(&[Role::Guard, Role::Duty, Role::Admin])?;
        self.gate_limit(actor, client)?;
        let now = Utc::now();
        Ok(match self.find_pass(actor.community_id(), input).await? {
            None => Verdict { valid: false, reason: Some(Reason::Unknown), pass: None },
            Some(p) => {
                let reason = pass::check(p.facts(), now).err();
                Verdict { valid: reason.is_none(), reason, pass: Some(p.view(Vec::new(), now)) }
            }
        })
    }

    /// Lets the visitor in: counts the entry and records who, where, when.
    /// Refused with 409 and the reason when the pass does not open the gate.
    pub async fn admit(&self, actor: &Actor, input: &str, gate: Option<&str>, client: &str) -> Result<Entry> {
        actor.require(&[Role::Guard, Role::Duty, Role::Admin])?;
        self.gate_limit(actor, client)?;
        let gate = gate.filter(|g| !g.is_empty()).or(actor.gate.as_deref()).unwrap_or("main").to_string();
        if gate.len() > 20 {
            return Err(bad("gate", Msg::ErrTooLong));
        }
        let refused =
            |r: Reason| -> Error { AppError::new(ErrorCode::Conflict, r.label()).with_detail(r.as_str()).into() };
        let pass = self.find_pass(actor.community_id(), input).await?.ok_or_else(|| refused(Reason::Unknown))?;
        let now = Utc::now();
        if let Err(r) = pass::check(pass.facts(), now) {
            return Err(refused(r));
        }
        let entry_id = ids::new_key();
        let message = SubscribeMessage {
            community: &pass.community,
            user: &pass.host,
            key: "visitor_arrived",
            data: json!({ "thing1": pass.visitor_name, "thing2": gate_label(&gate).text(linli_model::Lang::Zh), "time3": format_local_hm(now) }),
            lane: Lane::Normal,
        };
        let query = self.db.query(concat!(
            "BEGIN TRANSACTION;
             LET $won = (UPDATE $pass SET entries_used = entries_used + 1
                 WHERE entries_used < max_entries AND revoked_at = NONE
                   AND valid_from <= $now AND valid_until > $now RETURN AFTER);
             IF array::len($won) = 0 { THROW 'refused' };
             CREATE $entry SET community = $community, pass = $pass, unit = $unit, gate = $gate,
                 guard = $guard, at = $now;",
            subscribe_message_create!(),
            "COMMIT TRANSACTION;"
        ));
        let taken = run(self
            .bind_subscribe_message(query, Some(message))
            .bind(("pass", rid("pass", &pass.id)))
            .bind(("entry", rid("pass_entry", &entry_id)))
            .bind(("community", rid("community", &pass.community)))
            .bind(("unit", rid("unit", &pass.unit)))
            .bind(("gate", gate.clone()))
            .bind(("guard", rid("user", &actor.user_id)))
            .bind(("now", now)))
        .await;
        match taken {
            Ok(_) => {}
            // Someone admitted the last entry a moment earlier (or the pass
            // changed): report the state as it is now.
            Err(e) if thrown(&e, "refused") || e.is_retryable() => {
                let now = Utc::now();
                let fresh = self.load_pass(&pass.id).await?.ok_or_else(|| refused(Reason::Unknown))?;
                return Err(refused(pass::check(fresh.facts(), now).err().unwrap_or(Reason::UsedUp)));
            }
            Err(e) => return Err(e),
        }
        tracing::info!(pass = %pass.id, gate = %gate, "visitor admitted");
        self.events.publish(
            EventKind::PassAdmitted,
            &pass.community,
            Audience { units: vec![pass.unit.clone()], ..Audience::default() },
            json!({
                "pass": pass.id, "visitor_name": pass.visitor_name, "gate": gate,
                "time": format_local_hm(now), "at": now,
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
        actor.require(&[Role::Guard, Role::Duty, Role::Admin, Role::Butler])?;
        let now = Utc::now();
        let mut res = run(self
            .db
            .query(concat!(
                pass_select!(),
                " FROM pass WHERE community = $c AND valid_until > $now AND valid_from <= $end
                   AND revoked_at = NONE AND entries_used < max_entries ORDER BY valid_from"
            ))
            .bind(("c", rid("community", actor.community_id())))
            .bind(("now", now))
            .bind(("end", end_of_local_day(now))))
        .await?;
        Ok(rows::<PassRow>(&mut res, 0)?
            .iter()
            // A butler sees the visitors of their own buildings.
            .filter(|p| actor.role != Role::Butler || actor.owns_building(&p.building))
            .map(|p| p.view(Vec::new(), now))
            .collect())
    }

    /// The entry log (manager, duty room): newest first, optionally one gate
    /// and a period.
    pub async fn entry_log(
        &self,
        actor: &Actor,
        gate: Option<&str>,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
    ) -> Result<Vec<Entry>> {
        actor.require(&[Role::Admin, Role::Duty])?;
        let mut res = run(self
            .db
            .query(
                "SELECT id, pass, gate, guard.name AS guard_name, at, pass.visitor_name AS visitor_name,
                        walk_in.visitor_name AS walk_in_name, pass.plate AS plate,
                        unit.number AS unit_number, unit.building.name AS building_name
                 FROM pass_entry WHERE community = $c AND ($gate = NONE OR gate = $gate)
                   AND ($from = NONE OR at >= $from) AND ($to = NONE OR at < $to)
                 ORDER BY at DESC LIMIT 5000",
            )
            .bind(("c", rid("community", actor.community_id())))
            .bind(("gate", gate.filter(|g| !g.is_empty()).map(str::to_string)))
            .bind(("from", from))
            .bind(("to", to)))
        .await?;
        Ok(rows::<EntryRow>(&mut res, 0)?.into_iter().map(entry_view).collect())
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

    /// What the visitor's page shows for a token (no login): nothing about
    /// the resident beyond the building to go to.
    pub async fn visitor_view(&self, token: &str) -> Result<Option<VisitorView>> {
        let Some(Credential::Token(token)) = credential(token) else { return Ok(None) };
        let mut res = run(self
            .db
            .query(concat!(pass_select!(), " FROM pass WHERE token_hash = $h"))
            .bind(("h", sha256_hex(&token))))
        .await?;
        let Some(p) = row::<PassRow>(&mut res, 0)? else { return Ok(None) };
        Ok(Some(VisitorView {
            visitor_name: p.visitor_name.clone(),
            community: p.community_name.clone(),
            address: p.community_address.clone(),
            building: p.building_name.clone(),
            code: code_for(&token),
            valid_from: p.valid_from,
            valid_until: p.valid_until,
            entries_left: p.max_entries.saturating_sub(p.entries_used),
            reason: pass::check(p.facts(), Utc::now()).err(),
        }))
    }

    /// Whether a token belongs to some pass (the QR images are served only then).
    pub async fn pass_token_exists(&self, token: &str) -> Result<bool> {
        Ok(self.visitor_view(token).await?.is_some())
    }

    // ------------------------------------------------------------ walk-ins

    /// The community's units, for the guard's walk-in form.
    pub async fn gate_units(&self, actor: &Actor) -> Result<Vec<UnitRef>> {
        actor.require(&[Role::Guard, Role::Duty, Role::Admin])?;
        let mut res = run(self
            .db
            .query(
                "SELECT id, community, building, number, building.number AS building_number,
                        building.name AS building_name FROM unit WHERE community = $c",
            )
            .bind(("c", rid("community", actor.community_id()))))
        .await?;
        let mut units: Vec<UnitRef> = rows::<UnitPlace>(&mut res, 0)?
            .into_iter()
            .map(|u| UnitRef {
                label: unit_label(&u.building_name, &u.number),
                id: u.id,
                number: u.number,
                building: BuildingRef { id: u.building, number: u.building_number, name: u.building_name },
            })
            .collect();
        units.sort_by(|a, b| {
            super::people::natural_cmp(&a.building.number, &b.building.number)
                .then(super::people::natural_cmp(&a.number, &b.number))
        });
        Ok(units)
    }

    async fn load_walk_in(&self, id: &str) -> Result<Option<WalkInRow>> {
        if !ids::is_plausible_key(id) {
            return Ok(None);
        }
        let mut res = run(self
            .db
            .query(
                "SELECT *, decided_by.name AS decided_by_name, unit.number AS unit_number,
                        building.number AS building_number, building.name AS building_name
                 FROM type::record('walk_in', $id)",
            )
            .bind(("id", id.to_string())))
        .await?;
        row(&mut res, 0)
    }

    fn walk_in_view(w: &WalkInRow) -> WalkIn {
        WalkIn {
            id: w.id.clone(),
            visitor_name: w.visitor_name.clone(),
            visitor_phone: w.visitor_phone.as_deref().map(phone::mask),
            purpose: w.purpose.clone(),
            unit: UnitRef {
                id: w.unit.clone(),
                number: w.unit_number.clone(),
                label: unit_label(&w.building_name, &w.unit_number),
                building: BuildingRef {
                    id: w.building.clone(),
                    number: w.building_number.clone(),
                    name: w.building_name.clone(),
                },
            },
            gate: w.gate.clone(),
            status: w.status.clone(),
            decided_by: w.decided_by_name.clone(),
            created_at: w.created_at,
        }
    }

    /// A guard registers a visitor who came without a pass; the unit's
    /// residents are asked, live, to let them in or not.
    pub async fn register_walk_in(
        &self,
        actor: &Actor,
        visitor_name: &str,
        visitor_phone: Option<&str>,
        unit_id: &str,
        purpose: Option<&str>,
    ) -> Result<WalkIn> {
        actor.require(&[Role::Guard, Role::Duty, Role::Admin])?;
        let name = clean_name(visitor_name)?;
        let visitor_phone = clean_phone(visitor_phone)?;
        let purpose = clean_purpose(purpose)?;
        if !ids::is_plausible_key(unit_id) {
            return Err(bad("unit", Msg::ErrUnitUnknown));
        }
        let mut res = run(self
            .db
            .query(
                "SELECT id, community, building, number, building.number AS building_number,
                        building.name AS building_name FROM type::record('unit', $u)",
            )
            .bind(("u", unit_id.to_string())))
        .await?;
        let unit = row::<UnitPlace>(&mut res, 0)?
            .filter(|u| u.community == actor.community.id)
            .ok_or_else(|| bad("unit", Msg::ErrUnitUnknown))?;
        let id = ids::new_key();
        let gate = actor.gate.clone().unwrap_or_else(|| "main".to_string());
        run(self
            .db
            .query(
                "CREATE $w SET community = $c, building = $b, unit = $u, visitor_name = $name, visitor_phone = $phone,
                     purpose = $purpose, gate = $gate, guard = $guard, status = 'pending', created_at = time::now()",
            )
            .bind(("w", rid("walk_in", &id)))
            .bind(("c", rid("community", &unit.community)))
            .bind(("b", rid("building", &unit.building)))
            .bind(("u", rid("unit", &unit.id)))
            .bind(("name", name))
            .bind(("phone", visitor_phone))
            .bind(("purpose", purpose))
            .bind(("gate", gate))
            .bind(("guard", rid("user", &actor.user_id))))
        .await?;
        let w = self.load_walk_in(&id).await?.ok_or_else(|| Error::internal("walk-in vanished"))?;
        let view = Self::walk_in_view(&w);
        self.events.publish(
            EventKind::WalkInRequested,
            &w.community,
            Audience { units: vec![w.unit.clone()], users: vec![w.guard.clone()], ..Audience::default() },
            serde_json::to_value(&view)?,
        );
        Ok(view)
    }

    /// A resident of the unit lets the walk-in visitor in, or not. Once.
    pub async fn decide_walk_in(&self, actor: &Actor, id: &str, approve: bool) -> Result<WalkIn> {
        actor.require(&[Role::Resident])?;
        let w = self
            .load_walk_in(id)
            .await?
            .filter(|w| Some(w.unit.as_str()) == actor.unit_id())
            .ok_or_else(AppError::not_found)?;
        let decided = run(self
            .db
            .query(
                "BEGIN TRANSACTION;
                 LET $won = (UPDATE $w SET status = $status, decided_by = $me, decided_at = time::now()
                     WHERE status = 'pending' RETURN AFTER);
                 IF array::len($won) = 0 { THROW 'decided' };
                 IF $approve {
                     CREATE pass_entry SET community = $c, walk_in = $w, unit = $u, gate = $gate,
                         guard = $guard, at = time::now()
                 };
                 COMMIT TRANSACTION;",
            )
            .bind(("w", rid("walk_in", &w.id)))
            .bind(("status", if approve { "approved" } else { "denied" }))
            .bind(("me", rid("user", &actor.user_id)))
            .bind(("approve", approve))
            .bind(("c", rid("community", &w.community)))
            .bind(("u", rid("unit", &w.unit)))
            .bind(("gate", w.gate.clone()))
            .bind(("guard", rid("user", &w.guard))))
        .await;
        match decided {
            Ok(_) => {}
            Err(e) if thrown(&e, "decided") => return Err(AppError::conflict(Msg::ErrAlreadyDecided).into()),
            Err(e) => return Err(e),
        }
        let w = self.load_walk_in(id).await?.ok_or_else(|| Error::internal("walk-in vanished"))?;
        let view = Self::walk_in_view(&w);
        self.events.publish(
            EventKind::WalkInDecided,
            &w.community,
            Audience {
                units: vec![w.unit.clone()],
                users: vec![w.guard.clone()],
                roles: vec![Role::Guard],
                ..Audience::default()
            },
            serde_json::to_value(&view)?,
        );
        Ok(view)
    }

    /// Walk-ins: a resident's pending requests, or a guard's today.
    pub async fn walk_ins(&self, actor: &Actor) -> Result<Vec<WalkIn>> {
        let mut res = match actor.role {
            Role::Resident => {
                run(self
                    .db
                    .query(
                        "SELECT *, decided_by.name AS decided_by_name, unit.number AS unit_number,
                                building.number AS building_number, building.name AS building_name
                         FROM walk_in WHERE unit = $u AND created_at > $since ORDER BY created_at DESC",
                    )
                    .bind(("u", rid("unit", actor.unit_id().unwrap_or("-"))))
                    .bind(("since", Utc::now() - Duration::days(1))))
                .await?
            }
            Role::Guard | Role::Duty | Role::Admin => {
                run(self
                    .db
                    .query(
                        "SELECT *, decided_by.name AS decided_by_name, unit.number AS unit_number,
                                building.number AS building_number, building.name AS building_name
                         FROM walk_in WHERE community = $c AND created_at > $since ORDER BY created_at DESC",
                    )
                    .bind(("c", rid("community", actor.community_id())))
                    .bind(("since", Utc::now() - Duration::days(1))))
                .await?
            }
            _ => return Err(AppError::forbidden().into()),
        };
        Ok(rows::<WalkInRow>(&mut res, 0)?.iter().map(Self::walk_in_view).collect())
    }

    /// Erases visitors' personal data (name, phone, plate) from passes and
    /// walk-ins that ended more than `retention` ago, and the "visitor
    /// arrived" messages that carried a visitor's name. Entries keep their
    /// time and gate, so the counts stay true.
    pub async fn purge_visitors(&self, retention: Duration) -> Result<()> {
        let cutoff = Utc::now() - retention;
        run(self
            .db
            .query(
                "UPDATE pass SET visitor_name = '（已清除）', visitor_phone = NONE, plate = NONE, purpose = '',
                     purged = true WHERE purged = false AND valid_until < $cutoff;
                 UPDATE walk_in SET visitor_name = '（已清除）', visitor_phone = NONE, purpose = '', purged = true
                     WHERE purged = false AND created_at < $cutoff;
                 DELETE notification WHERE template = 'visitor_arrived' AND created_at < $cutoff;",
            )
            .bind(("cutoff", cutoff)))
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stored_under_a_keyed_hash() {
        let code = "AB3D5F7H";
        assert_ne!(code_hash(b"key-one-0123456789abcdef0123456", code), sha256_hex(code));
        assert_ne!(code_hash(b"key-one-0123456789abcdef0123456", code), code_hash(b"key-two", code));
        assert_eq!(code_hash(b"k", code), code_hash(b"k", code));
        assert_eq!(code_hashes(b"k", code)[1], sha256_hex(code), "passes from before keep working");
    }

    #[test]
    fn codes_are_derived_from_tokens_and_well_formed() {
        let t = ids::new_token();
        assert_eq!(code_for(&t), code_for(&t));
        assert!(pass::is_code(&code_for(&t)));
        assert_ne!(code_for(&t), code_for(&ids::new_token()));
    }

    #[test]
    fn credentials_from_links_tokens_and_codes() {
        let t = "a".repeat(43);
        assert!(matches!(credential(&format!("https://x.example/v/{t}")), Some(Credential::Token(x)) if x == t));
        assert!(
            matches!(credential(&format!("http://127.0.0.1:3000/v/{t}?from=wechat")), Some(Credential::Token(x)) if x == t)
        );
        assert!(matches!(credential(" ab3d-7k9m "), Some(Credential::Code(c)) if c == "AB3D7K9M"));
        assert!(credential("hello").is_none());
        assert!(credential("").is_none());
    }

    #[test]
    fn csv_cells_are_quoted_and_defused() {
        assert_eq!(csv_cell("张三"), "张三");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=HYPERLINK(1)"), "'=HYPERLINK(1)");
    }
}
