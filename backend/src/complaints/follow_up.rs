//! A complaint's side of follow-up visits (回访, `crate::follow_ups`):
//! every complaint that closes (confirmed or rated) gets one when the
//! community's rules say so; suggestions get no routine one; a low rating
//! of the handling opens one for either kind.

use super::super::{Backend, follow_ups::Closing};
use super::store::ComplaintRow;
use linli_model::{complaint::JobKind, follow_up::ClosedJob, repair::JobStatus};

impl Backend {
    /// Opens the follow-ups a complaint's closing or rating calls for;
    /// after the change is committed, a fault is logged, never answered.
    pub(super) async fn follow_ups_of_complaint(&self, row: &ComplaintRow, rating: Option<(u8, &str)>) {
        let complaint = row.kind == JobKind::Complaint;
        // A suggestion's closing calls for nothing (it counts as not closed
        // here); its low rating does.
        let closed = complaint && matches!(row.status, JobStatus::Confirmed | JobStatus::Rated);
        if !closed && rating.is_none() {
            return;
        }
        let closing = Closing {
            job: row.id.key(),
            community: row.community.key(),
            building: row.building.key(),
            closed,
            round: row.reopen_count,
            facts: ClosedJob { critical: false, reopened: row.reopen_count > 0, complaint },
            rating,
        };
        if let Err(e) = self.open_follow_ups(closing).await {
            tracing::error!(job = %row.id, error = %e, "follow-ups not opened");
        }
    }
}
