//! A help call entered by staff for an elder who phoned or was found
//! needing help (代录, issue 17): stored as a press of the elder's button
//! with the channel and the staff member on it, so the help chain
//! (escalation to all staff on duty, then the emergency contacts) runs
//! from the stored state exactly as for a pressed button. With
//! `notify_family`, the elder's emergency contacts are texted at once
//! through the outbox, in the same transaction as the call.

use crate::record::{BuildingId, CommunityId, HelpCallId, OpenHelpCallId, UnitId, UserId};

use super::super::{
    Backend, clean,
    db::{self, row, run},
    error::{Error, Result},
    ids,
    notify::outbox_rows,
    policy::Actor,
    staff_entry::Filer,
};
use super::{PhoneView, contact_messages, store, store::CallRow};
use linli_model::{AppError, Msg, help::HelpCall, staff_entry::StaffHelpCall};

impl Backend {
    /// Enters a help call for a resident of a unit the caller may act for
    /// (`staff_entry::filer_for`: 403 without `EnterForResident`, 404 for
    /// a unit out of the caller's scope, 422 for a bad channel, person or
    /// `client_key`). Answers the call and whether it is new (`false`:
    /// the same `client_key` was entered before, or the unit already has
    /// an open call; that call is answered and the family is not texted
    /// again).
    ///
    /// Entries racing for one unit give one call: an entry without a key
    /// of its own is keyed by the elder's latest call, so two of them
    /// share a key and the unique index `help_call_key` keeps one; a write
    /// conflict runs the entry again, which then finds the open call.
    pub async fn enter_help_call(&self, actor: &Actor, input: StaffHelpCall) -> Result<(HelpCall, bool)> {
        let filer = self.filer_for(actor, &input.on_behalf).await?;
        let note = clean::optional_block("note", input.note.as_deref(), 1000)?;
        let client_key = match input.client_key.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
            Some(k) if !super::valid_client_key(k) => {
                return Err(AppError::invalid("client_key", Msg::ErrClientKey).into());
            }
            k => k.map(|k| format!("staff-{k}")),
        };
        let (call, new) =
            db::retrying(|| self.enter_help_call_once(actor, &filer, client_key.as_deref(), note.clone())).await?;
        if !new {
            return Ok((self.call_view(actor, call, PhoneView::Masked).await?, false));
        }
        let id = call.id.key().to_string();
        let (staff_id, staff_name, _) = filer.stamp();
        tracing::warn!(call = %id, unit = %filer.unit.label, channel = filer.channel.as_str(), "HELP CALL entered by staff");
        if input.notify_family {
            let messages = contact_messages(&call);
            run(self
                .db
                .query(store::TELL_FAMILY_NOW)
                .bind(("call", HelpCallId::record_of(&id)))
                .bind(("community", CommunityId::record_of(actor.community_id())))
                .bind(("staff", UserId::record_of(&staff_id)))
                .bind(("name", staff_name))
                .bind(("now", self.now()))
                .bind(("messages", outbox_rows(self.notifier.channel(), messages))))
            .await?;
        }
        self.announce_call(&call, "pressed").await?;
        Ok((self.call_view(actor, call, PhoneView::Masked).await?, true))
    }

    /// One attempt of [`Backend::enter_help_call`]: the call already there
    /// (`false`) or the one stored now (`true`).
    async fn enter_help_call_once(
        &self,
        actor: &Actor,
        filer: &Filer,
        client_key: Option<&str>,
        note: String,
    ) -> Result<(CallRow, bool)> {
        if let Some(key) = client_key
            && let Some(existing) = self.call_by_key(&filer.resident_id, key).await?
        {
            return Ok((existing, false));
        }
        let mut res =
            run(self.db.query(store::OPEN_CALL_OF_UNIT).bind(("unit", UnitId::record_of(&filer.unit.id)))).await?;
        if let Some(open) = row::<CallRow>(&mut res, 0)? {
            return Ok((open, false));
        }
        let key = match client_key {
            Some(k) => k.to_string(),
            None => {
                let mut res = run(self
                    .db
                    .query(store::LATEST_CALL_OF_ELDER)
                    .bind(("elder", UserId::record_of(&filer.resident_id))))
                .await?;
                let latest = row::<serde_json::Value>(&mut res, 0)?
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                    .unwrap_or_default();
                format!("staff-after-{latest}")
            }
        };
        let id = ids::new_key();
        let (staff_id, staff_name, _) = filer.stamp();
        let created = run(self
            .db
            .query(store::ENTER_HELP_CALL)
            .bind(("call", HelpCallId::record_of(&id)))
            .bind(("community", CommunityId::record_of(actor.community_id())))
            .bind(("building", BuildingId::record_of(&filer.unit.building.id)))
            .bind(("unit", UnitId::record_of(&filer.unit.id)))
            .bind(("elder", UserId::record_of(&filer.resident_id)))
            .bind(("open_mark", OpenHelpCallId::record_of(&filer.resident_id)))
            .bind(("key", key.clone()))
            .bind(("channel", filer.channel.as_str()))
            .bind(("staff", UserId::record_of(&staff_id)))
            .bind(("name", staff_name))
            .bind(("note", note))
            .bind(("now", self.now())))
        .await;
        match created {
            Ok(_) => {}
            // The elder pressed, or another entry opened a call, a moment
            // ago: run again and answer that call.
            Err(e) if db::thrown(&e, "already_open") => return Err(Error::Raced("help call opened")),
            // The same entry stored at the same moment by another request.
            Err(e) if e.violates("help_call_key") => {
                let existing =
                    self.call_by_key(&filer.resident_id, &key).await?.ok_or_else(|| Error::internal("lost call"))?;
                return Ok((existing, false));
            }
            Err(e) => return Err(e),
        }
        let call = self.load_call(&id).await?.ok_or_else(|| Error::internal("call vanished after create"))?;
        Ok((call, true))
    }
}
