//! One filing per request key (`client_key`, or the `Idempotency-Key`
//! header): the repeat of a report — a retry after a timeout whose first
//! attempt did arrive, a double tap, a no-script form sent again with the
//! back button — answers the job the first stored and does nothing else
//! (no second alert, no second clock, no second set of photos).
//!
//! The key is its filer's: the resident who filed it, or the staff member
//! who entered it for them (`client_key_by`); the same key from someone
//! else is another request. Repairs, complaints and suggestions are rows
//! of one table with one unique index (`repair_client_key`, migration
//! 0019), so a key names one request of either kind.
//!
//! A repeat must be the same request: the same kind, category and
//! description (its photos may differ, since a retry uploads them again).
//! A key sent again with another report is refused with 422 `client_key`
//! and stores nothing, as the IETF's Idempotency-Key draft
//! (draft-ietf-httpapi-idempotency-key-header, "reuse of the key with a
//! different payload": 422) asks; before, it silently answered the first
//! report.

use std::future::Future;

use crate::record::UserId;

use super::super::{
    Backend,
    db::{self, row, run, thrown},
    error::Result,
    ratelimit::RateLimiter,
};
use super::store::{self, KeyedRow};
use linli_model::{AppError, Msg, complaint::JobKind};

/// A report as filed with a request key: what a repeat must match.
#[derive(Clone, Copy, Debug)]
pub(crate) struct KeyedRequest<'a> {
    /// The key, already checked (`linli_model::client_key`); `None` files
    /// without one.
    pub key: Option<&'a str>,
    /// The kinds the key may name (a repair; a complaint or suggestion).
    pub family: &'a [JobKind],
    /// The report's category as stored (a repair's or a complaint's).
    pub category: &'a str,
    /// Its description as stored (cleaned; empty when none was given).
    pub description: &'a str,
}

/// What filing a report did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Filed {
    /// Stored it now: announce it.
    New,
    /// Found the job (its id) that the same filer's same key stored
    /// before; nothing was stored.
    Repeat(String),
}

impl Backend {
    /// The job `by` filed with `request`'s key, if any (none without a
    /// key). 422 `client_key`
    /// when that job is not the same request: not of its `family` (a key
    /// sent with a repair, then with a complaint), or of another category
    /// or description. One key is one request.
    async fn stored_twin(&self, by: &str, request: &KeyedRequest<'_>) -> Result<Option<String>> {
        let Some(key) = request.key else { return Ok(None) };
        let mut res = run(self
            .db
            .query(store::JOB_BY_CLIENT_KEY)
            .bind(("by", UserId::record_of(by)))
            .bind(("key", key.to_string())))
        .await?;
        let Some(found) = row::<KeyedRow>(&mut res, 0)? else { return Ok(None) };
        let kind = found.kind.unwrap_or(JobKind::Repair);
        let category = if kind == JobKind::Repair { found.category } else { found.complaint_category };
        let same = request.family.contains(&kind)
            && category.as_deref() == Some(request.category)
            && found.description.as_deref().unwrap_or_default() == request.description;
        if !same {
            return Err(AppError::invalid("client_key", Msg::ErrClientKeyReused).into());
        }
        Ok(Some(found.id.key().to_string()))
    }

    /// Files a report with `store` (one transaction that creates the job
    /// with `client_key = key, client_key_by = by` and attaches
    /// `photo_ids`) unless `by` already filed the same request with its
    /// key (`request.key`); the key is
    /// already checked (`linli_model::client_key`), `None` files without
    /// a key.
    ///
    /// A new report spends one of `by`'s [`Allowance`] in its `lane`: a
    /// resident's ([`crate::BackendConfig::filings_per_hour`]), or with
    /// `by_staff` a staff member's entries for residents (ten times as
    /// many); past it, 429 with `retry_after` and nothing stored. A repeat
    /// spends none. Each lane counts on its own, so twenty complaints do
    /// not stop a repair, and no flood of everyday reports stops a gas
    /// leak or a fire ([`FilingLane::Critical`]).
    ///
    /// Repeats racing each other (8 at once) store one job: a write
    /// conflict runs the attempt again, which then finds the stored job;
    /// the unique index refusing the write, or the photo check failing
    /// because the twin that won took the same photos, answers the twin's
    /// job. A repeat discards the uploads it brought that no job took
    /// (`discard_uploads`), so a resent form leaves no files behind.
    pub(crate) async fn file_keyed<F, Fut>(
        &self,
        by: &str,
        Allowance { by_staff, lane }: Allowance,
        request: KeyedRequest<'_>,
        photo_ids: &[String],
        store: F,
    ) -> Result<Filed>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<()>>,
    {
        if let Some(id) = self.stored_twin(by, &request).await? {
            return self.repeated(by, id, photo_ids).await;
        }
        let allowance = if by_staff { &self.filings_by_staff } else { &self.filings_by_resident };
        let counted = format!("{}:{by}", lane.as_str());
        if !allowance.hit(&counted) {
            // Twins sent together each hold a place while in flight; one
            // that finds the allowance spent looks for the stored twin
            // again before it refuses, so a retry is not told to wait an
            // hour for a report already filed.
            if let Some(id) = self.stored_twin(by, &request).await? {
                return self.repeated(by, id, photo_ids).await;
            }
            tracing::warn!(by = %by, by_staff, lane = lane.as_str(), "report refused: too many in the hour");
            return Err(AppError::too_soon(Msg::ErrTooManyReports, allowance_wait(allowance, &counted)).into());
        }
        let store = &store;
        let filed = db::retrying(move || async move {
            if let Some(id) = self.stored_twin(by, &request).await? {
                return Ok(Filed::Repeat(id));
            }
            match store().await {
                Ok(()) => Ok(Filed::New),
                Err(e) => {
                    if (e.violates("repair_client_key") || thrown(&e, "photo_not_yours"))
                        && let Some(id) = self.stored_twin(by, &request).await?
                    {
                        return Ok(Filed::Repeat(id));
                    }
                    Err(e)
                }
            }
        })
        .await;
        match filed {
            Ok(Filed::New) => Ok(Filed::New),
            Ok(Filed::Repeat(id)) => {
                allowance.refund(&counted);
                self.repeated(by, id, photo_ids).await
            }
            Err(e) => {
                allowance.refund(&counted);
                Err(e)
            }
        }
    }

    /// Answers a repeat with the stored job `id`, discarding the uploads
    /// it brought that no job took.
    async fn repeated(&self, by: &str, id: String, photo_ids: &[String]) -> Result<Filed> {
        tracing::info!(job = %id, "repeated report answered with the stored job");
        self.discard_uploads(by, photo_ids).await?;
        Ok(Filed::Repeat(id))
    }
}

/// Whose hourly allowance a new report spends, and in which lane.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Allowance {
    /// A staff member entering a report for a resident (代客报修), who has
    /// ten times a resident's allowance.
    pub by_staff: bool,
    pub lane: FilingLane,
}

/// Which hourly allowance a new report spends: each is counted apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FilingLane {
    /// Repairs of normal and urgent urgency.
    Repair,
    /// Repairs of critical urgency (gas, fire, someone trapped): never
    /// held back by the reports of the other lanes.
    Critical,
    /// Complaints and suggestions.
    Complaint,
}

impl FilingLane {
    fn as_str(self) -> &'static str {
        match self {
            Self::Repair => "repair",
            Self::Critical => "critical",
            Self::Complaint => "complaint",
        }
    }
}

/// Seconds until `by` may file again under `allowance`.
fn allowance_wait(allowance: &RateLimiter, by: &str) -> i64 {
    i64::try_from(allowance.retry_after(by)).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::{db::Db, list_plans::plan};

    /// Every keyed report looks its key up first: that lookup must not
    /// scan a table that grows with the years of jobs stored.
    #[tokio::test]
    async fn a_key_is_looked_up_through_its_unique_index() {
        let Ok(db) = Db::connect("mem://", "request_key_plan").await else { panic!("a migrated in-memory database") };
        let vars = json!({ "by": "user:u1", "key": "0f8fa8d2-6c5b-4c52" });
        let p = plan(&db, super::store::JOB_BY_CLIENT_KEY, vars).await;
        assert!(
            p.contains("IndexScan") && p.contains("repair_client_key"),
            "the lookup reads through repair_client_key: {p}"
        );
    }
}
