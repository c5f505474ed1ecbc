//! One transition of a job: who the caller is to the job, what the rules'
//! answer means for the caller, and the patch of stored fields it makes.

use chrono::{DateTime, Utc};

use super::super::{
    clean,
    error::{Error, Result},
    events::Audience,
    ids,
    policy::Actor,
};
use linli_model::{
    AppError, ErrorCode, Msg,
    job::ActionInput,
    repair::{self, HoldReason, JobAction, JobStatus, MAX_DESCRIPTION, MAX_PHOTOS, Party, Refusal, Urgency},
};

use super::store::*;

/// The caller's relation to a job, for the state machine (the rule is
/// [`Actor::job_party`]).
pub(super) fn party(actor: &Actor, job: &JobRow) -> Party {
    actor.job_party(job.reporter.as_str(), job.building.as_str(), job.assignee.as_deref())
}

/// Who hears about a change to this job ([`Audience::of_job`]).
pub(super) fn audience(job: &JobRow) -> Audience {
    Audience::of_job(&job.unit, &job.building, job.assignee.as_deref(), job.urgency == Urgency::Critical)
}

pub(super) fn refusal(r: Refusal, status: JobStatus) -> Error {
    match r {
        Refusal::NotNow => {
            AppError::new(ErrorCode::Conflict, Msg::ErrIllegalTransition).with_detail(status.as_str()).into()
        }
        Refusal::NotYou => AppError::forbidden().into(),
    }
}

pub(super) fn clean_note(note: Option<&str>) -> Result<String> {
    clean::optional_block("note", note, MAX_DESCRIPTION)
}

/// The distinct photo keys of a request, in order; linear in the input,
/// which parsing already capped (`model::bounded`).
pub(super) fn photo_keys(ids_in: &[String]) -> Result<Vec<String>> {
    let mut seen = std::collections::HashSet::with_capacity(ids_in.len());
    let mut keys: Vec<String> = Vec::new();
    for id in ids_in {
        if !ids::is_plausible_key(id) {
            return Err(AppError::invalid("photo_ids", Msg::ErrPhotoNotYours).into());
        }
        if seen.insert(id.as_str()) {
            keys.push(id.clone());
        }
    }
    if keys.len() > MAX_PHOTOS {
        return Err(AppError::invalid("photo_ids", Msg::ErrTooManyPhotos).into());
    }
    Ok(keys)
}

/// The stored fields a transition changes, computed in Rust from the rules.
pub(super) struct Patch {
    pub(super) status: JobStatus,
    pub(super) assignee: Option<String>,
    pub(super) owner: Option<String>,
    pub(super) held_from: Option<JobStatus>,
    pub(super) held_since: Option<DateTime<Utc>>,
    pub(super) held_secs: i64,
    pub(super) hold_reason: Option<String>,
    pub(super) hold_code: Option<HoldReason>,
    pub(super) resume_at: Option<DateTime<Utc>>,
    /// When this step ends a hold: its reason and how long it lasted
    /// (wall-clock seconds), for the timeline and the scorecard.
    pub(super) ended_hold: Option<(HoldReason, i64)>,
    pub(super) eta: Option<DateTime<Utc>>,
    pub(super) responded_at: Option<DateTime<Utc>>,
    pub(super) resolved_at: Option<DateTime<Utc>>,
    pub(super) closed_at: Option<DateTime<Utc>>,
    pub(super) reopen_count: i64,
}

pub(super) fn patch(
    job: &JobRow,
    action: JobAction,
    next: JobStatus,
    input: &ActionInput,
    now: DateTime<Utc>,
) -> Patch {
    let was = job.status();
    let mut p = Patch {
        status: next,
        assignee: job.assignee.clone().map(String::from),
        owner: job.owner.clone().map(String::from),
        held_from: job.held_from,
        held_since: job.held_since,
        held_secs: job.held_secs,
        hold_reason: job.hold_reason.clone(),
        hold_code: job.hold_code,
        resume_at: job.resume_at,
        ended_hold: None,
        eta: job.eta,
        responded_at: job.responded_at,
        resolved_at: job.resolved_at,
        closed_at: job.closed_at,
        reopen_count: job.reopen_count,
    };
    // Leaving a hold (resume, or reassignment while held) stops the pause;
    // the time it adds counts as the job's clock counts (business hours).
    if was == JobStatus::OnHold && next != JobStatus::OnHold {
        if let Some(since) = p.held_since {
            p.held_secs += job.clock().facts().working_secs(since, now);
            p.ended_hold = Some((job.hold_code.unwrap_or(HoldReason::Other), (now - since).num_seconds().max(0)));
        }
        p.held_since = None;
        p.held_from = None;
        p.hold_reason = None;
        p.hold_code = None;
        p.resume_at = None;
    }
    match action {
        JobAction::Acknowledge | JobAction::Assign => {
            p.responded_at = p.responded_at.or(Some(now));
            if action == JobAction::Assign {
                p.assignee = input.assignee_id.clone();
            }
        }
        JobAction::Hold => {
            p.held_from = Some(was);
            p.held_since = Some(now);
            let note = clean::optional_block("note", input.note.as_deref(), MAX_DESCRIPTION).unwrap_or_default();
            // Checked before (`check_action_input`); `other` if it were not.
            p.hold_code = Some(repair::hold_reason(input.hold_reason.as_deref(), &note).unwrap_or(HoldReason::Other));
            p.hold_reason = Some(note).filter(|n| !n.is_empty());
            p.resume_at = input.resume_at;
            p.eta = input.eta;
        }
        JobAction::StartTravel => p.eta = input.eta.or(p.eta),
        JobAction::Resolve => p.resolved_at = Some(now),
        JobAction::Reopen => {
            p.resolved_at = None;
            p.reopen_count += 1;
        }
        JobAction::Confirm | JobAction::Cancel => p.closed_at = Some(now),
        JobAction::StartWork | JobAction::Resume => {}
    }
    p
}

/// Attempts at a transition before giving up on a busy job.
pub(super) const RETRIES: usize = 3;
