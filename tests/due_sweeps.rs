//! Background duties that follow the work, not the data (issue 19): the
//! repairs sweep reads only the jobs whose indexed `next_due` has come, acts
//! on each once and moves its `next_due` on; and every kind of change keeps
//! the stored `next_due` equal to the model's recomputation
//! (`linli_model::due::next_due`).

use crate::common::*;
use chrono::{DateTime, Duration, Utc};
use linli_model::{
    complaint::ComplaintAction,
    job::Job,
    repair::{JobAction, JobStatus},
};
use serde_json::json;

/// The job's stored `next_due` equals the model's recomputation.
async fn assert_due_consistent(s: &TestServer, id: &str, after: &str) -> Option<DateTime<Utc>> {
    let check = s.backend.next_due_check(id).await.unwrap();
    let (stored, model) = check.unwrap_or_else(|| panic!("job {id} exists"));
    assert_eq!(stored, model, "after {after}: stored next_due of {id} is the model's");
    stored
}

async fn alerts_of(s: &TestServer, id: &str) -> Vec<String> {
    let mut res = s
        .backend
        .db()
        .query("SELECT VALUE alerts FROM type::record('repair', $id)")
        .bind(("id", id.to_string()))
        .await
        .unwrap();
    let alerts: Vec<Vec<String>> = res.take(0).unwrap();
    alerts.into_iter().next().unwrap_or_default()
}

/// Sweeps at `at` until a round reads nothing (other work due by then,
/// e.g. demo jobs, is done too); answers the jobs read in all.
async fn sweep_until_idle(s: &TestServer, at: DateTime<Utc>) -> usize {
    let mut read = 0;
    for _ in 0..10 {
        let n = s.backend.sweep_due_jobs(at).await.unwrap();
        if n == 0 {
            return read;
        }
        read += n;
    }
    panic!("the sweep at {at} still finds due jobs after ten rounds");
}

#[tokio::test]
async fn the_sweep_reads_no_job_that_is_not_due_however_many_are_stored() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let template = resident.report(&json!({ "category": "leak", "description": "模板" })).await.unwrap().id;
    let now = Utc::now();
    sweep_until_idle(&s, now).await;

    // 1,000 closed jobs and 200 open ones not due for a day, written
    // directly (copies of a real row).
    let mut res = s
        .backend
        .db()
        .query(
            "LET $t = (SELECT * OMIT id FROM ONLY type::record('repair', $id));
             FOR $i IN 0..1000 {
                 LET $r = (CREATE ONLY repair CONTENT $t RETURN VALUE id);
                 UPDATE $r SET status = 'confirmed', open = false, next_due = NONE;
             };
             FOR $i IN 0..200 {
                 LET $r = (CREATE ONLY repair CONTENT $t RETURN VALUE id);
                 UPDATE $r SET next_due = $later;
             };
             RETURN count((SELECT id FROM repair));",
        )
        .bind(("id", template.clone()))
        .bind(("later", now + Duration::days(1)))
        .await
        .unwrap();
    let count: Option<i64> = res.take(3).unwrap();
    assert!(count.is_some_and(|c| c > 1200), "{count:?}");

    assert_eq!(s.backend.sweep_due_jobs(now).await.unwrap(), 0, "nothing is due: the sweep reads no job");
    assert_eq!(s.backend.sweep_due_jobs(now + Duration::seconds(5)).await.unwrap(), 0);
    // The template job itself warns within two hours (normal urgency);
    // the 200 copies are due tomorrow and the 1,000 closed ones never.
    let due = assert_due_consistent(&s, &template, "report").await.unwrap();
    assert!(due > now && due < now + Duration::hours(2), "{due}");
    let mut res = s
        .backend
        .db()
        .query("RETURN count((SELECT id FROM repair WHERE next_due >= $since AND next_due <= $due))")
        .bind(("since", DateTime::<Utc>::UNIX_EPOCH))
        .bind(("due", due))
        .await
        .unwrap();
    let due_then: Option<usize> = res.take(0).unwrap();
    let due_then = due_then.unwrap_or(0);
    assert!((1..50).contains(&due_then), "the template and at most a few demo jobs: {due_then}");
    let read = s.backend.sweep_due_jobs(due).await.unwrap();
    assert_eq!(read, due_then, "the sweep reads exactly the jobs due");
    assert_eq!(alerts_of(&s, &template).await, vec!["respond_warn"]);
    assert_eq!(s.backend.sweep_due_jobs(due).await.unwrap(), 0, "picked once: its next_due moved on");
    s.stop().await;
}

#[tokio::test]
async fn a_job_is_swept_once_at_its_warning_then_at_its_breach() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let job = resident
        .report(&json!({ "category": "leak", "urgency": "critical", "description": "水管爆裂" }))
        .await
        .unwrap();
    let id = job.id.clone();
    let created = job.created_at;
    let due = assert_due_consistent(&s, &id, "report").await;
    assert_eq!(due, Some(created + Duration::seconds(240)), "critical: warned at 80 % of 5 minutes");

    sweep_until_idle(&s, created + Duration::seconds(239)).await;
    assert!(alerts_of(&s, &id).await.is_empty(), "not before its time");
    assert_eq!(assert_due_consistent(&s, &id, "an early sweep").await, due);

    let read = s.backend.sweep_due_jobs(created + Duration::seconds(240)).await.unwrap();
    assert!(read >= 1);
    assert_eq!(alerts_of(&s, &id).await, vec!["respond_warn"]);
    assert_eq!(
        assert_due_consistent(&s, &id, "the warning").await,
        Some(created + Duration::seconds(300)),
        "next: the breach"
    );
    assert_eq!(s.backend.sweep_due_jobs(created + Duration::seconds(240)).await.unwrap(), 0, "picked exactly once");

    // A sweep that comes late raises what is due then, once.
    sweep_until_idle(&s, created + Duration::seconds(1500)).await;
    assert_eq!(alerts_of(&s, &id).await, vec!["respond_warn", "respond_breach", "resolve_warn"]);
    assert_eq!(assert_due_consistent(&s, &id, "a late sweep").await, Some(created + Duration::seconds(1800)));

    // Acknowledged: the respond clock stops; the resolve breach is next.
    s.user(BUTLER).await.act(&id, JobAction::Acknowledge).await.unwrap();
    assert_eq!(assert_due_consistent(&s, &id, "acknowledge").await, Some(created + Duration::seconds(1800)));
    s.stop().await;
}

#[tokio::test]
async fn a_held_job_is_due_at_its_resume_at_and_resumes_then() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let butler = s.user(BUTLER).await;
    let worker = s.user(WORKER).await;
    let id = resident.report(&json!({ "category": "leak", "description": "阳台漏水" })).await.unwrap().id;
    let worker_id = butler.assignable(&id).await.unwrap().into_iter().find(|p| p.name == "刘强").unwrap().id;
    butler.assign(&id, &worker_id).await.unwrap();
    worker.act(&id, JobAction::StartWork).await.unwrap();
    let resume_at = Utc::now() + Duration::hours(30);
    let held = worker
        .act_with(&id, &json!({ "action": "hold", "hold_reason": "waiting_parts", "resume_at": resume_at }))
        .await
        .unwrap();
    assert_eq!(held.status, JobStatus::OnHold);
    let due = assert_due_consistent(&s, &id, "hold").await.unwrap();
    assert_eq!(due.timestamp(), resume_at.timestamp(), "held: due only at its planned resumption");

    sweep_until_idle(&s, due - Duration::seconds(1)).await;
    assert_eq!(butler.job(&id).await.unwrap().status, JobStatus::OnHold);
    s.backend.sweep_due_jobs(due).await.unwrap();
    let job: Job = butler.job(&id).await.unwrap();
    assert_eq!(job.status, JobStatus::InProgress, "resumed by the sweep at resume_at");
    let next = assert_due_consistent(&s, &id, "resume by the sweep").await.unwrap();
    assert!(next > due, "its next deadline is after the resumption: {next}");
    s.stop().await;
}

/// A small deterministic generator for the walk below.
struct Walk(u64);
impl Walk {
    fn pick(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// Random walks over every kind of change of repairs and complaints —
/// every transition by whoever may take it (refused ones too), holds with
/// and without a planned resumption, urges, ratings, sweeps at later and
/// later instants (alerts, resumption, confirmation by silence) — with the
/// stored `next_due` compared to the model's recomputation after each.
#[tokio::test]
async fn next_due_stays_the_models_after_every_kind_of_change() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let butler = s.user(BUTLER).await;
    let worker = s.user(WORKER).await;
    let mut rng = Walk(0x2545_f491_4f6c_dd1d);
    let mut clock = Utc::now();
    let urgencies = ["normal", "urgent", "critical"];

    // Repairs.
    let mut id = String::new();
    let mut steps = 0;
    while steps < 70 {
        let closed = id.is_empty() || {
            let st = butler.job(&id).await.unwrap().status;
            st.is_closed() && !(st == JobStatus::Confirmed && rng.pick(2) == 0)
        };
        if closed {
            let urgency = urgencies[rng.pick(urgencies.len())];
            id = resident
                .report(&json!({ "category": "leak", "urgency": urgency, "description": "走一遍" }))
                .await
                .unwrap()
                .id;
            assert_due_consistent(&s, &id, "report").await;
            let worker_id = butler.assignable(&id).await.unwrap().into_iter().find(|p| p.name == "刘强").unwrap().id;
            if rng.pick(2) == 0 {
                butler.assign(&id, &worker_id).await.unwrap();
                assert_due_consistent(&s, &id, "assign").await;
            }
        }
        let what = match rng.pick(14) {
            0 => butler.act(&id, JobAction::Acknowledge).await.map(|_| "acknowledge"),
            1 => {
                let worker_id =
                    butler.assignable(&id).await.unwrap().into_iter().find(|p| p.name == "刘强").unwrap().id;
                butler.assign(&id, &worker_id).await.map(|_| "assign")
            }
            2 => worker.act(&id, JobAction::StartTravel).await.map(|_| "start_travel"),
            3 | 4 => worker.act(&id, JobAction::StartWork).await.map(|_| "start_work"),
            5 => {
                let body = if rng.pick(2) == 0 {
                    json!({ "action": "hold", "hold_reason": "waiting_parts", "resume_at": clock + Duration::hours(1 + rng.pick(40) as i64) })
                } else {
                    json!({ "action": "hold", "hold_reason": "waiting_resident" })
                };
                worker.act_with(&id, &body).await.map(|_| "hold")
            }
            6 => worker.act(&id, JobAction::Resume).await.map(|_| "resume"),
            7 | 8 => worker.act(&id, JobAction::Resolve).await.map(|_| "resolve"),
            9 => resident.act(&id, JobAction::Reopen).await.map(|_| "reopen"),
            10 => resident.act(&id, JobAction::Confirm).await.map(|_| "confirm"),
            11 => resident.rate(&id, &json!({ "stars": 5 })).await.map(|_| "rate"),
            12 => {
                if rng.pick(3) == 0 {
                    resident.act_with(&id, &json!({ "action": "cancel", "note": "不用了" })).await.map(|_| "cancel")
                } else {
                    resident.urge(&id).await.map(|_| "urge")
                }
            }
            _ => {
                clock += Duration::minutes([1, 10, 45, 300, 1500, 4400][rng.pick(6)]);
                s.backend.sweep_due_jobs(clock).await.unwrap();
                Ok("sweep")
            }
        };
        let label = what.unwrap_or("a refused step");
        assert_due_consistent(&s, &id, label).await;
        steps += 1;
    }

    // Complaints and suggestions (no holds; the same sweep).
    let mut id = String::new();
    for step in 0..40 {
        let fresh = id.is_empty() || s.backend.next_due_check(&id).await.unwrap().is_some_and(|(d, _)| d.is_none());
        if fresh {
            let kind = if rng.pick(2) == 0 { "complaint" } else { "suggestion" };
            let c = resident.complain(&json!({ "kind": kind, "category": "noise", "text": "楼道太吵" })).await.unwrap();
            id = c.id;
            assert_due_consistent(&s, &id, "complaint filed").await;
        }
        let action = [
            ComplaintAction::Listen,
            ComplaintAction::Act,
            ComplaintAction::Respond,
            ComplaintAction::Notify,
            ComplaintAction::Answer,
            ComplaintAction::Adopt,
        ][rng.pick(6)];
        let what: Result<&str, _> = match rng.pick(9) {
            0..=4 => butler.step(&id, action, "已处理").await.map(|_| action.as_str()),
            5 => resident.step(&id, ComplaintAction::Reopen, "没解决").await.map(|_| "reopen"),
            6 => resident.step(&id, ComplaintAction::Confirm, "好").await.map(|_| "confirm"),
            7 => resident.rate_complaint(&id, &json!({ "stars": 4 })).await.map(|_| "rate"),
            _ => {
                clock += Duration::minutes([30, 200, 3000, 4400][rng.pick(4)]);
                s.backend.sweep_due_jobs(clock).await.unwrap();
                Ok("sweep")
            }
        };
        let label = format!("complaint step {step}: {}", what.unwrap_or("a refused step"));
        assert_due_consistent(&s, &id, &label).await;
    }
    s.stop().await;
}

/// After a community's check-in deadline, its announcement is claimed once
/// and then the day is settled in this process: later rounds of the day
/// make no claim at all (the row is taken away here to show it: were it
/// claimed again, the elders would be announced a second time), and the
/// next day is claimed afresh.
#[tokio::test]
async fn a_settled_check_in_day_is_not_claimed_again_until_the_next() {
    let s = TestServer::start().await;
    let tomorrow = linli_model::time::local_date(Utc::now()).succ_opt().unwrap();
    let late = linli_model::time::local_instant(tomorrow, chrono::NaiveTime::from_hms_opt(23, 0, 0).unwrap());
    assert_eq!(s.backend.sweep_check_ins(late).await.unwrap(), 1, "the demo elder has not checked in");
    s.backend.db().query("DELETE check_in_alert").await.unwrap();
    for round in 1..=3 {
        let at = late + chrono::Duration::seconds(15 * round);
        assert_eq!(s.backend.sweep_check_ins(at).await.unwrap(), 0, "round {round}: the day is settled");
    }
    let count: Option<i64> =
        s.backend.db().query("RETURN count(SELECT * FROM check_in_alert)").await.unwrap().take(0).unwrap();
    assert_eq!(count, Some(0), "no claim was made for a settled day");
    let next_day = late + chrono::Duration::days(1);
    assert_eq!(s.backend.sweep_check_ins(next_day).await.unwrap(), 1, "the next day is announced");
}
