//! A help call entered by staff for an elder who phoned or was found
//! needing help (代录, issue 17): stored as a press of the elder's button
//! with the channel and the staff member on it, so the help chain
//! (escalation to all staff on duty, then the emergency contacts) runs
//! from the stored state exactly as for a pressed button. With
//! `notify_family`, the elder's emergency contacts are texted at once
//! through the outbox, in the same transaction as the call.

use crate::record::{BuildingId, CommunityId, HelpCallId, UnitId, UserId};

use super::super::{
    Backend, clean,
    db::run,
    error::{Error, Result},
    ids,
    notify::outbox_rows,
    policy::Actor,
};
use super::{PhoneView, contact_messages, store};
use linli_model::{help::HelpCall, staff_entry::StaffHelpCall};

impl Backend {
    /// Enters a help call for a resident of a unit the caller may act for
    /// (`staff_entry::filer_for`: 403 without `EnterForResident`, 404 for
    /// a unit out of the caller's scope, 422 for a bad channel or person).
    /// Answers the new call.
    pub async fn enter_help_call(&self, actor: &Actor, input: StaffHelpCall) -> Result<HelpCall> {
        let filer = self.filer_for(actor, &input.on_behalf).await?;
        let note = clean::optional_block("note", input.note.as_deref(), 1000)?;
        let id = ids::new_key();
        let now = self.now();
        let (staff_id, staff_name, _) = filer.stamp();
        // The contacts are read with the call's other facts; texting them
        // now needs the elder's row, so the call is stored first and the
        // messages queued with their timeline entry right after.
        run(self
            .db
            .query(store::ENTER_HELP_CALL)
            .bind(("call", HelpCallId::record_of(&id)))
            .bind(("community", CommunityId::record_of(actor.community_id())))
            .bind(("building", BuildingId::record_of(&filer.unit.building.id)))
            .bind(("unit", UnitId::record_of(&filer.unit.id)))
            .bind(("elder", UserId::record_of(&filer.resident_id)))
            .bind(("key", format!("staff-{id}")))
            .bind(("channel", filer.channel.as_str()))
            .bind(("staff", UserId::record_of(&staff_id)))
            .bind(("name", staff_name.clone()))
            .bind(("note", note))
            .bind(("now", now)))
        .await?;
        let call = self.load_call(&id).await?.ok_or_else(|| Error::internal("call vanished after create"))?;
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
        self.call_view(actor, call, PhoneView::Masked).await
    }
}
