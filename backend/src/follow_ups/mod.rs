//! Follow-up visits (回访) for the manager, opened by low ratings.

use crate::record::{CommunityId, FollowUpId, JobId, UserId};
use chrono::{DateTime, Utc};
use linli_model::{
    job::FollowUp,
    keys::{FollowUpReason, FollowUpStatus},
};
use serde::Deserialize;

use super::{
    Backend,
    db::{rows, run},
    error::Result,
    people::unit_label,
    policy::{Actor, Permission},
};
pub(crate) mod store;

use store::*;

impl Backend {
    /// The community's follow-ups, open ones first: the manager's, and a
    /// butler's own (the low ratings of their work).
    pub async fn follow_ups(&self, actor: &Actor) -> Result<Vec<FollowUp>> {
        actor.require(Permission::SeeFollowUps)?;
        let mut res = run(self
            .db
            .query(store::FOLLOW_UPS)
            .bind(("community", CommunityId::record_of(actor.community_id())))
            .bind(("butler", actor.limited_to_own_buildings().then(|| UserId::record_of(&actor.user_id)))))
        .await?;
        let mut list: Vec<FollowUp> = rows::<Row>(&mut res, 0)?
            .into_iter()
            .map(|r| FollowUp {
                id: String::from(r.id),
                reason: r.reason,
                status: r.status,
                repair_id: r.repair.map(String::from),
                unit: match (r.building_name, r.unit_number) {
                    (Some(b), Some(u)) => Some(unit_label(&b, &u)),
                    _ => None,
                },
                butler: r.butler_name,
                stars: r.stars,
                comment: r.comment,
                created_at: r.created_at,
            })
            .collect();
        list.sort_by_key(|f| f.status != FollowUpStatus::Open);
        Ok(list)
    }
}
