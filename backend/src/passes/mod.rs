//! Visitor passes: invitations, the visitor's page, the gate, walk-ins and
//! the privacy clock.
//!
//! A pass is a 256-bit random token (the link and the QR code) and an
//! 8-character code derived from it for typing at the gate. Only the
//! SHA-256 of each is stored: a copy of the database lets nobody in. The
//! visitor's page can show the code because it is computed from the token
//! in its URL. Admitting is one conditional update, so two guards
//! admitting a single-entry pass at the same moment admit it once.

#[macro_use]
pub(crate) mod store;
pub(crate) mod codes;
mod gate;
mod recurring;
mod walk_ins;

use crate::record::{BuildingId, CommunityId, PassId, UnitId, UserId};
use chrono::{DateTime, Duration, Utc};

use super::{
    Backend, clean,
    db::{row, rows, run},
    error::{Error, Result},
    ids,
    policy::{Actor, Permission},
};
pub use codes::code_for;
use codes::*;
pub use gate::csv_cell;
use linli_model::{
    AppError, Msg,
    pass::{CreatedPass, MAX_ENTRIES, MAX_WINDOW_DAYS, NewPass, Pass, VisitorView},
    time::end_of_local_day,
};
use store::*;

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

impl Backend {
    /// Invites a visitor to the caller's home. Default window: now to the
    /// end of today (Shanghai); one entry. With a `schedule`, a recurring
    /// pass (长期访客): every window of the schedule from its start to its
    /// end date, no entry limit; a butler may make one for an elder's home
    /// (`unit`) in their buildings. `base_url` is where the link points.
    /// 429 with `retry_after` past three times
    /// [`crate::BackendConfig::filings_per_hour`] passes a person in the
    /// hour (checked after the input, so a refused form costs nothing).
    pub async fn create_pass(&self, actor: &Actor, input: NewPass, base_url: &str) -> Result<CreatedPass> {
        let home = self.pass_home(actor, input.unit.as_deref(), input.schedule.is_some()).await?;
        let visitor_name = clean_name(&input.visitor_name)?;
        let visitor_phone = clean_phone(input.visitor_phone.as_deref())?;
        let purpose = clean_purpose(input.purpose.as_deref())?;
        let plate = clean::optional_plate("plate", input.plate.as_deref())?;
        let now = self.now();
        let (valid_from, valid_until, max_entries, schedule) = match input.schedule.clone() {
            Some(schedule) => {
                let schedule = recurring::checked_schedule(schedule, now)?;
                (schedule.first_instant(), schedule.last_instant(), 1, Some(schedule))
            }
            None => {
                let (from, until, max) = single_window(&input, now)?;
                (from, until, max, None)
            }
        };
        let schedule_value = schedule.as_ref().map(serde_json::to_value).transpose()?;

        // A code must be unique among the community's passes that are still
        // usable; a clash (about 1 in 10^11) just draws a new token.
        let (token, code) = loop {
            let token = ids::new_token();
            let code = code_for(&token);
            let [h0, h1] = code_hash_pair(&self.config.code_key, &code);
            let mut res = run(self
                .db
                .query(store::LIVE_CODE_HASHES)
                .bind(("c", CommunityId::record_of(&home.community)))
                .bind(("h0", h0))
                .bind(("h1", h1))
                .bind(("now", now)))
            .await?;
            if rows::<serde_json::Value>(&mut res, 0)?.is_empty() {
                break (token, code);
            }
        };
        if !self.passes_by_person.hit(&actor.user_id) {
            tracing::warn!(by = %actor.user_id, "pass refused: too many in the hour");
            let wait = i64::try_from(self.passes_by_person.retry_after(&actor.user_id)).unwrap_or(i64::MAX);
            return Err(AppError::too_soon(Msg::ErrTooManyPasses, wait).into());
        }
        let id = ids::new_key();
        run(self
            .db
            .query(store::CREATE_PASS)
            .bind(("pass", PassId::record_of(&id)))
            .bind(("community", CommunityId::record_of(&home.community)))
            .bind(("building", BuildingId::record_of(&home.building)))
            .bind(("unit", UnitId::record_of(&home.unit)))
            .bind(("host", UserId::record_of(&home.host)))
            .bind(("by", home.created_by.as_deref().map(UserId::record_of)))
            .bind(("schedule", schedule_value))
            .bind(("name", visitor_name))
            .bind(("phone", visitor_phone))
            .bind(("purpose", purpose))
            .bind(("plate", plate))
            .bind(("from", valid_from))
            .bind(("until", valid_until))
            .bind(("max", i64::from(max_entries)))
            .bind(("token_hash", crate::ids::token_hash(&token)))
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

    /// The passes of the caller's home, newest first, with their entries;
    /// a page at a time (list `passes`, keyset `(created_at, id)`).
    pub async fn my_passes(&self, actor: &Actor, page: &linli_model::PageRequest) -> Result<linli_model::Page<Pass>> {
        actor.require(Permission::ManageOwnPasses)?;
        let unit = actor.unit_id().ok_or_else(AppError::forbidden)?;
        let (at, after) = match page.after.as_ref() {
            None => (None, None),
            Some(c) if c.keys.len() == 1 => (c.instant(0), Some(PassId::record_of(&c.id))),
            Some(_) => return Err(AppError::invalid("cursor", linli_model::Msg::ErrBadCursor).into()),
        };
        let mut res = run(self
            .db
            .query(store::MY_PASSES)
            .bind(("unit", UnitId::record_of(unit)))
            .bind(("at", at))
            .bind(("after", after))
            .bind(("fetch", page.fetch())))
        .await?;
        let passes: Vec<PassRow> = rows(&mut res, 0)?;
        let ids: Vec<String> = passes.iter().map(|p| p.id.to_string()).collect();
        let entries = self.entries_of(&ids).await?;
        let now = self.now();
        let items: Vec<Pass> = passes
            .iter()
            .map(|p| p.view(entries.iter().filter(|(id, _)| *id == p.id).map(|(_, e)| e.clone()).collect(), now))
            .collect();
        Ok(page.cut(items, "passes", |p| linli_model::Cursor::at(p.created_at, p.id.clone())))
    }

    /// Revokes a pass: the household its own, a butler a recurring pass
    /// made for an elder in their buildings, the manager any recurring pass
    /// of the community (404 for any other).
    pub async fn revoke_pass(&self, actor: &Actor, id: &str) -> Result<Pass> {
        let pass = self.managed_pass(actor, id).await?;
        tracing::info!(pass = %pass.id, by = %actor.user_id, "pass revoked");
        run(self.db.query(store::REVOKE_PASS).bind(("pass", PassId::record_of(&pass.id)))).await?;
        let pass = self.load_pass(id).await?.ok_or_else(AppError::not_found)?;
        Ok(pass.view(Vec::new(), self.now()))
    }

    /// What the visitor's page shows for a token (no login): nothing about
    /// the resident beyond the building to go to.
    pub async fn visitor_view(&self, token: &str) -> Result<Option<VisitorView>> {
        let Some(Credential::Token(token)) = credential(token) else { return Ok(None) };
        let mut res = run(self.db.query(store::VISITOR_VIEW).bind(("h", crate::ids::token_hash(&token)))).await?;
        let Some(p) = row::<PassRow>(&mut res, 0)? else { return Ok(None) };
        let now = self.now();
        Ok(Some(VisitorView {
            visitor_name: p.visitor_name.clone(),
            community: p.community_name.clone(),
            address: p.community_address.clone(),
            building: p.building_name.clone(),
            code: code_for(&token),
            valid_from: p.valid_from,
            valid_until: p.valid_until,
            // A recurring pass has no entry limit: its schedule says when.
            entries_left: if p.schedule.is_some() { 0 } else { p.max_entries.saturating_sub(p.entries_used) },
            reason: p.reason(now),
            next_window: p.schedule.as_ref().and_then(|s| s.current_or_next(now)),
            schedule: p.schedule.clone(),
        }))
    }

    /// Whether a token belongs to some pass (the QR images are served only then).
    pub async fn pass_token_exists(&self, token: &str) -> Result<bool> {
        Ok(self.visitor_view(token).await?.is_some())
    }

    // ------------------------------------------------------------ walk-ins

    /// Erases visitors' personal data (name, phone, plate) from passes and
    /// walk-ins that ended more than `retention` ago, and the "visitor
    /// arrived" messages that carried a visitor's name. Entries keep their
    /// time and gate, so the counts stay true.
    pub async fn purge_visitors(&self, retention: Duration) -> Result<()> {
        let cutoff = self.now() - retention;
        run(self.db.query(store::PURGE_VISITORS).bind(("cutoff", cutoff))).await?;
        Ok(())
    }
}

/// A single pass's window and entry count as asked: default now to the
/// end of today (Shanghai), one entry; at most a week, starting within 30 days.
fn single_window(input: &NewPass, now: DateTime<Utc>) -> Result<(DateTime<Utc>, DateTime<Utc>, u32)> {
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
    Ok((valid_from, valid_until, max_entries))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stored_under_a_keyed_hash() {
        let code = "AB3D5F7H";
        assert_ne!(code_hash(b"key-one-0123456789abcdef0123456", code), crate::ids::token_hash(code));
        assert_ne!(code_hash(b"key-one-0123456789abcdef0123456", code), code_hash(b"key-two", code));
        assert_eq!(code_hash(b"k", code), code_hash(b"k", code));
        assert_eq!(code_hash_pair(b"k", code)[1], crate::ids::token_hash(code), "passes from before keep working");
    }

    #[test]
    fn codes_are_derived_from_tokens_and_well_formed() {
        let t = ids::new_token();
        assert_eq!(code_for(&t), code_for(&t));
        assert!(linli_model::pass::is_code(&code_for(&t)));
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
