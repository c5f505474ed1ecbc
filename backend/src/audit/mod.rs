//! The audit log of staff actions: append-only, one row per action that
//! changes how the community is run (assignments, settings, elder mode...).
//! Job transitions are audited by their own immutable timeline.

use super::{Backend, db::run, error::Result, policy::Actor};
use crate::record::{CommunityId, UserId};
use linli_model::keys::AuditAction;

pub(crate) mod store;

impl Backend {
    /// Records `action` on `target` by `actor`; `detail` is free text.
    pub async fn audit(&self, actor: &Actor, action: AuditAction, target: &str, detail: &str) -> Result<()> {
        run(self
            .db
            .query(store::AUDIT)
            .bind(("community", CommunityId::record_of(actor.community_id())))
            .bind(("actor", UserId::record_of(&actor.user_id)))
            .bind(("action", action.as_str()))
            .bind(("target", target.to_string()))
            .bind(("detail", detail.to_string()))
            .bind(("now", self.now())))
        .await?;
        Ok(())
    }

    /// Records an operator's action (a backup) that belongs to no
    /// community, with the client address it came from.
    pub async fn audit_operator(&self, action: &str, client: &str) -> Result<()> {
        run(self
            .db
            .query(store::AUDIT_OPERATOR)
            .bind(("action", action.to_string()))
            .bind(("client", client.to_string())))
        .await?;
        Ok(())
    }
}
