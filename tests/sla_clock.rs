//! The SLA clock that tells the truth (issue 17) over HTTP: holds with a
//! reason that resume by themselves at `resume_at` (also across a
//! restart), business hours moving a normal job's deadline over the
//! night, and urging (催一下) limited in time, heard live by the butler and
//! counted on their scorecard.

use std::time::{Duration, Instant};

use crate::common::*;
use chrono::{DateTime, Timelike, Utc};
use linli_model::{
    ErrorCode,
    job::Job,
    keys::{ActorRole, TimelineAction as Step},
    repair::{HoldReason, JobAction, JobStatus},
    scorecard::Scorecard,
    sla::{BusinessHours, ClockState},
};
use reqwest::StatusCode;
use serde_json::json;

/// A leak reported by the demo resident, taken on by the butler and being
/// worked on by the worker: ready to be put on hold.
async fn job_in_progress(s: &TestServer) -> String {
    let resident = s.user(RESIDENT).await;
    let butler = s.user(BUTLER).await;
    let worker = s.user(WORKER).await;
    let id = resident.report(&json!({ "category": "leak", "description": "阳台漏水" })).await.unwrap().id;
    let people = butler.assignable(&id).await.unwrap();
    let worker_id = people.iter().find(|p| p.name == "刘强").unwrap().id.clone();
    butler.assign(&id, &worker_id).await.unwrap();
    assert_eq!(worker.act(&id, JobAction::StartWork).await.unwrap().status, JobStatus::InProgress);
    id
}

/// Polls the job until it leaves `on_hold`, for at most `within`.
async fn until_resumed(s: &TestServer, id: &str, within: Duration) -> Job {
    let butler = s.user(BUTLER).await;
    let deadline = Instant::now() + within;
    loop {
        let job = butler.job(id).await.unwrap();
        if job.status != JobStatus::OnHold || Instant::now() > deadline {
            return job;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

fn card_of<'a>(cards: &'a [Scorecard], name: &str) -> &'a Scorecard {
    cards.iter().find(|c| c.butler_name == name).unwrap()
}

#[tokio::test]
async fn a_hold_takes_a_reason_from_the_list_and_old_clients_still_hold_with_a_note() {
    let s = TestServer::start().await;
    let worker = s.user(WORKER).await;
    let id = job_in_progress(&s).await;

    for (body, field) in [
        (json!({ "action": "hold" }), "note"),
        (json!({ "action": "hold", "hold_reason": "other" }), "note"),
        (json!({ "action": "hold", "hold_reason": "lunch_break" }), "hold_reason"),
        (
            json!({ "action": "hold", "hold_reason": "waiting_parts", "resume_at": Utc::now() - chrono::Duration::minutes(5) }),
            "resume_at",
        ),
        (
            json!({ "action": "hold", "hold_reason": "waiting_parts", "resume_at": Utc::now() + chrono::Duration::days(31) }),
            "resume_at",
        ),
    ] {
        let err = worker.act_with(&id, &body).await.unwrap_err();
        assert_eq!((err.status, err.detail.as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some(field)), "{body}");
    }
    assert_eq!(worker.job(&id).await.unwrap().status, JobStatus::InProgress, "refusals change nothing");

    // As before reasons existed: a note alone is `other` with that note.
    let job = worker.act_with(&id, &json!({ "action": "hold", "note": "业主不在家" })).await.unwrap();
    let hold = job.hold.clone().unwrap();
    assert_eq!((hold.reason, hold.note.as_str(), hold.resume_at), (HoldReason::Other, "业主不在家", None));
    assert_eq!(job.hold_reason.as_deref(), Some("业主不在家"), "the old field keeps its meaning");
    assert_eq!(job.sla.resolve, ClockState::Paused);
    let job = worker.act(&id, JobAction::Resume).await.unwrap();
    assert_eq!((job.status, job.hold.is_none()), (JobStatus::InProgress, true));
    let ended = job.timeline.last().unwrap();
    assert_eq!((ended.action, ended.hold_reason), (Step::Resume, Some(HoldReason::Other)));
    assert!(ended.held_secs.is_some(), "the step that ended the hold says how long it lasted");

    let resume_at = Utc::now() + chrono::Duration::days(2);
    let job = worker
        .act_with(&id, &json!({ "action": "hold", "hold_reason": "waiting_vendor", "resume_at": resume_at }))
        .await
        .unwrap();
    let hold = job.hold.clone().unwrap();
    assert_eq!(hold.reason, HoldReason::WaitingVendor);
    assert_eq!(job.hold_reason.as_deref(), Some("等供应商/厂家"), "old clients read the reason's name");
    assert_eq!(hold.resume_at.map(|t| t.timestamp()), Some(resume_at.timestamp()));
    let step = job.timeline.last().unwrap();
    assert_eq!((step.action, step.hold_reason), (Step::Hold, Some(HoldReason::WaitingVendor)));
    assert_eq!(step.resume_at.map(|t| t.timestamp()), Some(resume_at.timestamp()));
    // The resident sees the same hold on their job.
    let seen = s.user(RESIDENT).await.job(&id).await.unwrap();
    assert_eq!(seen.hold.map(|h| h.reason), Some(HoldReason::WaitingVendor));
}

#[tokio::test]
async fn a_hold_resumes_by_itself_at_resume_at_even_across_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let (mut c, tmp) = config();
    c.db = format!("surrealkv://{}", dir.path().join("db").display());
    let s = TestServer::start_with(c.clone(), tmp).await;
    let id = job_in_progress(&s).await;
    let worker = s.user(WORKER).await;

    // The repairs sweep runs every 5 s (server/src/duties.rs).
    let job = worker
        .act_with(
            &id,
            &json!({ "action": "hold", "hold_reason": "waiting_parts", "resume_at": Utc::now() + chrono::Duration::seconds(2) }),
        )
        .await
        .unwrap();
    assert_eq!((job.status, job.sla.resolve), (JobStatus::OnHold, ClockState::Paused));
    let job = until_resumed(&s, &id, Duration::from_secs(15)).await;
    assert_eq!(job.status, JobStatus::InProgress, "back to where it was held");
    assert!(job.hold.is_none());
    let step = job.timeline.last().unwrap();
    assert_eq!(
        (step.action, step.actor_role, step.hold_reason),
        (Step::Resume, ActorRole::System, Some(HoldReason::WaitingParts))
    );
    assert!(step.held_secs.is_some_and(|h| h >= 1), "{step:?}");
    assert!(job.clock.held_secs >= 1, "the pause moved the resolve deadline: {:?}", job.clock);
    assert_ne!(job.sla.resolve, ClockState::Paused);

    // Held again, and the server stops before the planned time: the
    // restarted server resumes it from what is stored.
    worker
        .act_with(
            &id,
            &json!({ "action": "hold", "hold_reason": "waiting_resident", "resume_at": Utc::now() + chrono::Duration::seconds(2) }),
        )
        .await
        .unwrap();
    s.stop().await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let s = TestServer::start_with(c, tempfile::tempdir().unwrap()).await;
    let job = until_resumed(&s, &id, Duration::from_secs(15)).await;
    assert_eq!(job.status, JobStatus::InProgress, "resumed after the restart");
    let step = job.timeline.last().unwrap();
    assert_eq!((step.action, step.hold_reason), (Step::Resume, Some(HoldReason::WaitingResident)));
}

/// Walks from `from` second by second, counting only seconds inside the
/// daily window (Shanghai is UTC+8 all year), until `secs` have counted.
fn simulate(from: DateTime<Utc>, secs: i64, start_min: u32, end_min: u32) -> DateTime<Utc> {
    let mut t = from;
    let mut left = secs;
    while left > 0 {
        let local = t + chrono::Duration::hours(8);
        let minute = local.hour() * 60 + local.minute();
        if (start_min..end_min).contains(&minute) {
            left -= 1;
        }
        t += chrono::Duration::seconds(1);
    }
    t
}

#[tokio::test]
async fn business_hours_move_a_normal_deadline_over_the_night() {
    let s = TestServer::start().await;
    let admin = s.user(ADMIN).await;
    let resident = s.user(RESIDENT).await;

    // A window that closes 30 minutes from now, so a 2-hour respond target
    // must run on into tomorrow's window (08:00-20:00 when too close to
    // midnight for that).
    let local = Utc::now() + chrono::Duration::hours(8);
    let now_min = local.hour() * 60 + local.minute();
    let (start, end) = if (60..=1380).contains(&now_min) { (now_min - 60, now_min + 30) } else { (480, 1200) };
    let hours = BusinessHours { start: start as u16, end: end as u16 };

    let mut settings = admin.settings().await.unwrap();
    assert_eq!((settings.business_hours, settings.urge_interval_mins), (None, 30), "off by default");
    settings.business_hours = Some(hours);
    let saved = admin.put_settings(&settings).await.unwrap();
    assert_eq!(saved.business_hours, Some(hours));
    let raw: serde_json::Value = admin.get("/api/v1/settings").await.unwrap();
    assert_eq!(raw["business_hours"]["end"], json!(format!("{:02}:{:02}", end / 60, end % 60)));
    let mut spanning = raw.clone();
    spanning["business_hours"] = json!({ "start": "20:00", "end": "08:00" });
    let bad = admin.put::<serde_json::Value>("/api/v1/settings", &spanning).await.unwrap_err();
    assert_eq!((bad.status, bad.detail.as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("business_hours")));

    let job = resident.report(&json!({ "category": "leak" })).await.unwrap();
    assert_eq!(job.clock.business_hours, Some(hours), "the window is frozen on the job");
    let expected = simulate(job.created_at, 2 * 3600, start, end);
    let off = (job.sla.respond_by - expected).num_seconds().abs();
    assert!(off <= 2, "respond_by {} expected {expected}", job.sla.respond_by);
    if (60..=1380).contains(&now_min) {
        assert!(job.sla.respond_by - job.created_at > chrono::Duration::hours(20), "moved over the night");
    }

    // Critical and urgent jobs run around the clock.
    let critical = resident.report(&json!({ "category": "gas_leak" })).await.unwrap();
    assert_eq!(critical.clock.business_hours, None);
    assert_eq!((critical.sla.respond_by - critical.created_at).num_seconds(), 5 * 60);

    // Changing the setting later does not move the job reported before.
    settings.business_hours = None;
    admin.put_settings(&settings).await.unwrap();
    let again = resident.job(&job.id).await.unwrap();
    assert_eq!(again.sla.respond_by, job.sla.respond_by);
}

#[tokio::test]
async fn urging_is_limited_heard_live_by_the_butler_and_counted_on_the_scorecard() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let butler = s.user(BUTLER).await;
    let admin = s.user(ADMIN).await;
    let before = card_of(&admin.scorecards().await.unwrap().items, "李明").urges_received;

    let job = resident.report(&json!({ "category": "light", "description": "楼道灯不亮" })).await.unwrap();
    assert!(job.may_urge && job.urge_next_at.is_none(), "the reporter may urge at once");
    assert!(!butler.job(&job.id).await.unwrap().may_urge, "only the reporter urges");
    assert_eq!(butler.urge(&job.id).await.unwrap_err().status, StatusCode::FORBIDDEN);

    let mut stream = s.stream(butler.token(), None).await;
    let urged = resident.urge(&job.id).await.unwrap();
    assert_eq!((urged.status, urged.urge_count), (JobStatus::Submitted, 1), "no change of status");
    let step = urged.timeline.last().unwrap();
    assert_eq!(
        (step.action, step.from_status, step.to_status),
        (Step::Urged, Some(JobStatus::Submitted), JobStatus::Submitted)
    );
    let next = urged.urge_next_at.unwrap();
    let wait = (next - Utc::now()).num_seconds();
    assert!((29 * 60..=30 * 60).contains(&wait), "next urge in 30 minutes, not {wait} s");

    let deadline = Instant::now() + Duration::from_secs(3);
    let mut heard = false;
    while !heard && Instant::now() < deadline {
        if let Some(e) = stream.next_of("repair.updated", Duration::from_millis(500)).await {
            heard = e.data["action"] == "urged" && e.data["id"].as_str().is_some_and(|i| i.ends_with(&job.id));
        }
    }
    assert!(heard, "the butler's live stream heard the urge");

    let err = resident.urge(&job.id).await.unwrap_err();
    assert_eq!((err.status, err.code), (StatusCode::TOO_MANY_REQUESTS, ErrorCode::RateLimited));
    let retry = err.retry_after.unwrap();
    assert!((29 * 60..=30 * 60).contains(&retry), "retry_after {retry}");
    assert_eq!(resident.job(&job.id).await.unwrap().urge_count, 1, "the refused urge changed nothing");

    // Refused once the job is closed.
    resident.act_with(&job.id, &json!({ "action": "cancel" })).await.unwrap();
    let closed = resident.job(&job.id).await.unwrap();
    assert!(!closed.may_urge);
    assert_eq!(resident.urge(&job.id).await.unwrap_err().status, StatusCode::CONFLICT);

    let after = card_of(&admin.scorecards().await.unwrap().items, "李明").urges_received;
    assert_eq!(after, before + 1, "the butler's scorecard counts the urge");
}

#[tokio::test]
async fn holds_count_on_the_scorecard_by_reason() {
    let s = TestServer::start().await;
    let admin = s.user(ADMIN).await;
    let worker = s.user(WORKER).await;
    let by =
        |c: &Scorecard, r: HoldReason| c.holds_by_reason.iter().find(|h| h.reason == r).map(|h| (h.holds, h.held_secs));
    let before = card_of(&admin.scorecards().await.unwrap().items, "李明").clone();
    let id = job_in_progress(&s).await;
    worker.act_with(&id, &json!({ "action": "hold", "hold_reason": "waiting_parts" })).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    worker.act(&id, JobAction::Resume).await.unwrap();
    let after = card_of(&admin.scorecards().await.unwrap().items, "李明").clone();
    assert_eq!(after.holds, before.holds + 1);
    let (b, a) = (by(&before, HoldReason::WaitingParts).unwrap(), by(&after, HoldReason::WaitingParts).unwrap());
    assert_eq!(a.0, b.0 + 1);
    assert!(a.1 > b.1, "time held by reason grew: {b:?} → {a:?}");
}

#[tokio::test]
async fn a_complaint_is_urged_like_a_repair() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let filed = resident
        .complain(&json!({ "kind": "complaint", "category": "noise", "text": "楼上每晚十一点后还在装修" }))
        .await
        .unwrap();
    let urged = resident.urge(&filed.id).await.unwrap();
    assert_eq!(urged.urge_count, 1);
    let err = resident.urge(&filed.id).await.unwrap_err();
    assert_eq!(err.status, StatusCode::TOO_MANY_REQUESTS);
    let seen = resident.complaint(&filed.id).await.unwrap();
    assert_eq!(seen.timeline.last().map(|e| e.action), Some(Step::Urged), "on the complaint's own timeline");
    assert_eq!(s.user(BUTLER).await.urge(&filed.id).await.unwrap_err().status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_hold_form_works_without_javascript_with_a_local_resume_time() {
    let s = TestServer::start().await;
    let id = job_in_progress(&s).await;
    let cookie = s.web_login(WORKER).await;
    // `datetime-local` sends Shanghai wall time without a zone.
    let resume = Utc::now() + chrono::Duration::days(1);
    let local = (resume + chrono::Duration::hours(8)).format("%Y-%m-%dT%H:%M").to_string();
    let res = s
        .req(reqwest::Method::POST, &format!("/forms/repairs/{id}/action"), None)
        .header(reqwest::header::COOKIE, &cookie)
        .form(&[("action", "hold"), ("hold_reason", "waiting_parts"), ("note", ""), ("resume_at", local.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let job = s.user(WORKER).await.job(&id).await.unwrap();
    let hold = job.hold.unwrap();
    assert_eq!(hold.reason, HoldReason::WaitingParts);
    let off = (hold.resume_at.unwrap() - resume).num_seconds().abs();
    assert!(off < 60, "read as Shanghai time: {:?} vs {resume}", hold.resume_at);
}
