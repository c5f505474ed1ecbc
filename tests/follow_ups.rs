//! Routine follow-up visits (回访, issue 17): which closed work gets one
//! (critical, reopened, one in five of the rest, low ratings), the task
//! with its script and due time, its outcome reopening the work or opening
//! a new linked request, and the scorecard's on time / late / overdue.

use crate::common::*;
use chrono::{Duration, Utc};
use linli_model::{
    follow_up::{FollowUpOutcome, FollowUpTiming},
    job::FollowUp,
    keys::{ActorRole, FollowUpReason, FollowUpStatus, TimelineAction},
    repair::{JobAction, JobStatus},
    staff_entry::Channel,
};
use reqwest::StatusCode;
use serde_json::json;

/// Reports a job of `category` as `resident`, has `butler` fix it, and the
/// resident confirm it (closing it); answers its id.
async fn closed_job(resident: &User<'_>, butler: &User<'_>, category: &str) -> String {
    let job = resident.report(&json!({ "category": category })).await.unwrap();
    fix(butler, &job.id).await;
    resident.act(&job.id, JobAction::Confirm).await.unwrap();
    job.id
}

/// The butler assigns themself, works and resolves.
async fn fix(butler: &User<'_>, id: &str) {
    let me = butler.me().await.unwrap();
    butler.assign(id, &me.id).await.unwrap();
    butler.act(id, JobAction::StartWork).await.unwrap();
    butler.act(id, JobAction::Resolve).await.unwrap();
}

fn of_job<'a>(list: &'a [FollowUp], job: &str) -> Vec<&'a FollowUp> {
    list.iter().filter(|f| f.repair_id.as_deref() == Some(job)).collect()
}

async fn set_follow_up_due(s: &TestServer, job: &str, due: chrono::DateTime<Utc>) {
    s.backend
        .db()
        .query("UPDATE follow_up SET due_at = $d WHERE repair = type::record('repair', $id)")
        .bind(("id", job.to_string()))
        .bind(("d", due))
        .await
        .unwrap()
        .check()
        .unwrap();
}

#[tokio::test]
async fn a_dissatisfied_follow_up_reopens_the_work() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let butler = s.user(BUTLER).await;
    let id = closed_job(&resident, &butler, "elevator_entrapment").await;

    let open = butler.follow_ups_where("?status=open").await.unwrap();
    let mine = of_job(&open.items, &id);
    assert_eq!(mine.len(), 1, "one follow-up for a closed critical job: {mine:?}");
    let f = mine[0].clone();
    assert_eq!((f.reason, f.status, f.timing), (FollowUpReason::Critical, FollowUpStatus::Open, FollowUpTiming::Due));
    assert!(f.script.contains("紧急维修"), "the script by reason: {}", f.script);
    assert_eq!(f.due_at.map(|d| d - f.created_at), Some(Duration::hours(48)));
    assert_eq!(f.resident.as_ref().map(|r| r.name.as_str()), Some("张伟"));
    // Only the building's butler and the manager have it.
    assert!(of_job(&s.user(BUTLER_B3).await.follow_ups_where("").await.unwrap().items, &id).is_empty());
    assert_eq!(of_job(&s.user(ADMIN).await.follow_ups_where("").await.unwrap().items, &id).len(), 1);
    assert_eq!(resident.follow_up_outcome(&f.id, "satisfied", "").await.unwrap_err().status, StatusCode::FORBIDDEN);
    let err = s.user(BUTLER_B3).await.follow_up_outcome(&f.id, "satisfied", "").await.unwrap_err();
    assert_eq!(err.status, StatusCode::NOT_FOUND);
    let err = s.user(OTHER_ADMIN).await.follow_up_outcome(&f.id, "satisfied", "").await.unwrap_err();
    assert_eq!(err.status, StatusCode::NOT_FOUND);

    // Not satisfied needs a note; with one it reopens the job.
    let err = butler.follow_up_outcome(&f.id, "unsatisfied", "").await.unwrap_err();
    assert_eq!((err.status, err.detail.as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("note")));
    let done = butler.follow_up_outcome(&f.id, "unsatisfied", "电梯还是偶尔卡住").await.unwrap();
    assert_eq!(
        (done.status, done.outcome, done.timing),
        (FollowUpStatus::Done, Some(FollowUpOutcome::Unsatisfied), FollowUpTiming::OnTime)
    );
    let job = resident.job(&id).await.unwrap();
    assert_eq!((job.status, job.reopen_count), (JobStatus::Reopened, 1));
    let last = job.timeline.last().unwrap();
    assert_eq!(
        (last.action, last.actor_role, last.note.as_str()),
        (TimelineAction::Reopen, ActorRole::Butler, "电梯还是偶尔卡住")
    );
    let err = butler.follow_up_outcome(&f.id, "satisfied", "").await.unwrap_err();
    assert_eq!(err.status, StatusCode::CONFLICT, "done once");

    // Fixed again and confirmed: a reopened job gets its own follow-up,
    // the critical one is not opened twice.
    fix(&butler, &id).await;
    resident.act(&id, JobAction::Confirm).await.unwrap();
    let all = butler.follow_ups_where("").await.unwrap();
    let mut reasons: Vec<FollowUpReason> = of_job(&all.items, &id).iter().map(|f| f.reason).collect();
    reasons.sort_by_key(|r| r.as_str());
    assert_eq!(reasons, vec![FollowUpReason::Critical, FollowUpReason::Reopened]);
    let again = of_job(&all.items, &id).into_iter().find(|f| f.status == FollowUpStatus::Open).unwrap().clone();
    butler.follow_up_outcome(&again.id, "satisfied", "").await.unwrap();
    assert_eq!(resident.job(&id).await.unwrap().status, JobStatus::Confirmed, "satisfied leaves the job closed");
}

#[tokio::test]
async fn work_closed_too_long_ago_gets_a_new_linked_request() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let butler = s.user(BUTLER).await;
    let id = closed_job(&resident, &butler, "gas_leak").await;
    s.backend
        .db()
        .query("UPDATE type::record('repair', $id) SET closed_at = time::now() - 40d")
        .bind(("id", id.clone()))
        .await
        .unwrap()
        .check()
        .unwrap();
    let f = of_job(&butler.follow_ups_where("?status=open").await.unwrap().items, &id)[0].clone();
    let done = butler.follow_up_outcome(&f.id, "unsatisfied", "还有煤气味").await.unwrap();
    let new_id = done.new_repair_id.expect("a new request");
    assert_eq!(resident.job(&id).await.unwrap().status, JobStatus::Confirmed, "the old job stays closed");
    let new = resident.job(&new_id).await.unwrap();
    assert_eq!(new.follow_up_of.as_deref(), Some(id.as_str()));
    assert_eq!(
        (new.channel, new.description.as_str(), new.status),
        (Channel::Phone, "还有煤气味", JobStatus::Submitted)
    );
    assert_eq!(new.reporter.name, "张伟");
}

#[tokio::test]
async fn one_in_five_of_the_rest_is_visited_and_every_low_rating() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let butler = s.user(BUTLER).await;
    let mut rest = Vec::new();
    for i in 1..=10 {
        if i == 3 {
            // A critical job between: picked by its own rule, not counted.
            let critical = closed_job(&resident, &butler, "fire").await;
            let list = butler.follow_ups_where("").await.unwrap();
            assert_eq!(of_job(&list.items, &critical)[0].reason, FollowUpReason::Critical);
        }
        if i == 4 {
            // Rated 2★ straight from resolved: closes it (counted) and opens
            // a low-rating follow-up.
            let job = resident.report(&json!({ "category": "drain" })).await.unwrap();
            fix(&butler, &job.id).await;
            resident.rate(&job.id, &json!({ "stars": 2, "comment": "太慢" })).await.unwrap();
            rest.push(job.id);
            continue;
        }
        rest.push(closed_job(&resident, &butler, "light").await);
    }
    // Cancelled work never closes for this purpose.
    let cancelled = resident.report(&json!({ "category": "light" })).await.unwrap();
    resident.act(&cancelled.id, JobAction::Cancel).await.unwrap();

    let list = butler.follow_ups_where("").await.unwrap().items;
    let sampled: Vec<usize> = rest
        .iter()
        .enumerate()
        .filter(|(_, id)| of_job(&list, id).iter().any(|f| f.reason == FollowUpReason::Sampled))
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(sampled, vec![5, 10], "the 5th and the 10th closing no other rule picked");
    // A low rating of a sampled closing: its open follow-up becomes the
    // low-rating one, so that the household is called once, not twice.
    resident.rate(&rest[4], &json!({ "stars": 1, "comment": "没修好" })).await.unwrap();
    let after = butler.follow_ups_where("").await.unwrap().items;
    let one = of_job(&after, &rest[4]);
    assert_eq!(one.len(), 1, "{one:?}");
    assert_eq!((one[0].reason, one[0].stars), (FollowUpReason::LowRating, Some(1)));
    let low = of_job(&list, &rest[3]);
    assert_eq!(low.len(), 1);
    assert_eq!(
        (low[0].reason, low[0].stars, low[0].comment.as_deref()),
        (FollowUpReason::LowRating, Some(2), Some("太慢"))
    );
    assert!(of_job(&list, &cancelled.id).is_empty());

    // The rules are a community setting: no sample, 3★ counts as low.
    let admin = s.user(ADMIN).await;
    let mut settings = admin.settings().await.unwrap();
    let mut rules = settings.follow_up.expect("the rules are in the settings");
    assert_eq!((rules.sample_every, rules.low_rating_stars, rules.due_hours), (5, 2, 48));
    rules.sample_every = 0;
    rules.low_rating_stars = 3;
    rules.due_hours = 24;
    settings.follow_up = Some(rules);
    assert_eq!(admin.put_settings(&settings).await.unwrap().follow_up, Some(rules));
    rules.due_hours = 0;
    settings.follow_up = Some(rules);
    assert_eq!(admin.put_settings(&settings).await.unwrap_err().status, StatusCode::UNPROCESSABLE_ENTITY);
    let job = resident.report(&json!({ "category": "light" })).await.unwrap();
    fix(&butler, &job.id).await;
    resident.rate(&job.id, &json!({ "stars": 3 })).await.unwrap();
    let list = butler.follow_ups_where("").await.unwrap().items;
    let f = of_job(&list, &job.id);
    assert_eq!(f.len(), 1);
    assert_eq!(
        (f[0].reason, f[0].due_at.map(|d| d - f[0].created_at)),
        (FollowUpReason::LowRating, Some(Duration::hours(24)))
    );
}

#[tokio::test]
async fn follow_ups_done_late_and_overdue_count_on_the_scorecard() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let butler = s.user(BUTLER).await;
    let admin = s.user(ADMIN).await;
    let on_time = closed_job(&resident, &butler, "flooding").await;
    let late = closed_job(&resident, &butler, "fire").await;
    let overdue = closed_job(&resident, &butler, "gas_leak").await;
    set_follow_up_due(&s, &late, Utc::now() - Duration::hours(1)).await;
    set_follow_up_due(&s, &overdue, Utc::now() - Duration::hours(1)).await;

    let list = butler.follow_ups_where("?status=open").await.unwrap().items;
    assert_eq!(
        list.first().and_then(|f| f.repair_id.clone()).map(|r| r == late || r == overdue),
        Some(true),
        "the most overdue first"
    );
    assert_eq!(of_job(&list, &overdue)[0].timing, FollowUpTiming::Overdue);
    for job in [&on_time, &late] {
        let f = of_job(&list, job)[0].clone();
        butler.follow_up_outcome(&f.id, "satisfied", "").await.unwrap();
    }
    let done = butler.follow_ups_where("?status=done").await.unwrap().items;
    assert_eq!(of_job(&done, &late)[0].timing, FollowUpTiming::Late);
    assert_eq!(of_job(&done, &on_time)[0].timing, FollowUpTiming::OnTime);

    let cards = admin.scorecards().await.unwrap();
    let li = cards.items.iter().find(|c| c.butler_name == "李明").unwrap();
    assert_eq!((li.follow_ups_opened, li.follow_ups_on_time, li.follow_ups_late, li.follow_ups_overdue), (3, 1, 1, 1));
    let err = butler.follow_ups_where("?status=later").await.unwrap_err();
    assert_eq!(err.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn parallel_closings_and_ratings_lose_no_follow_up() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let butler = s.user(BUTLER).await;
    // Ten jobs resolved, then confirmed all at once: the 5th and 10th
    // closing are sampled, whatever the order.
    let mut ids = Vec::new();
    for _ in 0..10 {
        let job = resident.report(&json!({ "category": "light" })).await.unwrap();
        fix(&butler, &job.id).await;
        ids.push(job.id);
    }
    let confirms = ids.iter().map(|id| resident.act(id, JobAction::Confirm));
    for r in futures::future::join_all(confirms).await {
        r.unwrap();
    }
    let list = butler.follow_ups_where("").await.unwrap().items;
    let sampled = list.iter().filter(|f| f.reason == FollowUpReason::Sampled).count();
    assert_eq!(sampled, 2, "two in ten closings sampled: {list:?}");

    // Six resolved jobs rated 1★ at once: six low-rating follow-ups, and
    // the six closings counted exactly (the 15th is sampled, and its
    // low-rating follow-up stands for the sample: one call, not two).
    let mut rated = Vec::new();
    for _ in 0..6 {
        let job = resident.report(&json!({ "category": "light" })).await.unwrap();
        fix(&butler, &job.id).await;
        rated.push(job.id);
    }
    let low = json!({ "stars": 1, "comment": "差" });
    let ratings = rated.iter().map(|id| resident.rate(id, &low));
    for r in futures::future::join_all(ratings).await {
        r.unwrap();
    }
    let list = butler.follow_ups_where("").await.unwrap().items;
    for id in &rated {
        let all = of_job(&list, id);
        assert!(
            all.len() == 1 && all[0].reason == FollowUpReason::LowRating,
            "one low-rating follow-up for {id}: {all:?}"
        );
    }
    assert_eq!(list.iter().filter(|f| f.reason == FollowUpReason::Sampled).count(), 2, "the 15th is the low rating's");
    let counted: Vec<Option<i64>> = {
        let mut res = s
            .backend
            .db()
            .query("SELECT VALUE follow_up_sample FROM repair WHERE follow_up_sample != NONE ORDER BY follow_up_sample")
            .await
            .unwrap();
        res.take(0).unwrap()
    };
    assert_eq!(counted, (1..=16).map(Some).collect::<Vec<_>>(), "16 closings counted once each");
}

#[tokio::test]
async fn a_dissatisfied_complaint_follow_up_opens_a_linked_complaint_and_hides_the_complainant() {
    use linli_model::complaint::{ComplaintAction as A, JobKind};
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let butler = s.user(BUTLER).await;
    let c = resident.complain(&json!({ "category": "noise", "text": "楼上晚上很吵" })).await.unwrap();
    butler.step(&c.id, A::Listen, "已致歉").await.unwrap();
    butler.step(&c.id, A::Act, "约谈楼上住户").await.unwrap();
    butler.step(&c.id, A::Notify, "已处理").await.unwrap();
    resident.step_with(&c.id, &json!({ "action": "confirm" })).await.unwrap();

    let list = butler.follow_ups_where("?status=open").await.unwrap().items;
    let f = of_job(&list, &c.id)[0].clone();
    // The list names the building only, and no complainant; the kind
    // says the job's page is the complaint's.
    assert_eq!(f.kind, JobKind::Complaint);
    assert_eq!(f.unit.as_deref(), Some("1号楼"), "the building only: {f:?}");
    assert!(f.resident.is_none(), "no complainant in the list: {f:?}");

    let done = butler.follow_up_outcome(&f.id, "unsatisfied", "still loud").await.unwrap();
    assert!(!done.reopened);
    let new_id = done.new_repair_id.clone().expect("a new complaint");
    assert_eq!(resident.complaint(&c.id).await.unwrap().status, JobStatus::Confirmed, "the old one stays closed");
    let new = resident.complaint(&new_id).await.unwrap();
    assert_eq!((new.text.as_str(), new.channel, new.status), ("still loud", Channel::Phone, JobStatus::Submitted));
    assert_eq!(new.complainant.name, "张伟");
    let linked: Option<String> = s
        .backend
        .db()
        .query("SELECT VALUE record::id(follow_up_of) FROM ONLY type::record('repair', $id)")
        .bind(("id", new_id.clone()))
        .await
        .unwrap()
        .take(0)
        .unwrap();
    assert_eq!(linked.as_deref(), Some(c.id.as_str()), "linked to the old complaint");
    // A repair's follow-up still links to the repair and names the unit.
    let id = closed_job(&resident, &butler, "fire").await;
    let list = butler.follow_ups_where("").await.unwrap().items;
    let r = of_job(&list, &id)[0];
    assert_eq!((r.kind, r.unit.as_deref()), (JobKind::Repair, Some("1号楼 101")));
}

#[tokio::test]
async fn the_follow_up_page_links_a_complaint_to_its_own_page() {
    use linli_model::complaint::ComplaintAction as A;
    use reqwest::{Method, header};
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let butler = s.user(BUTLER).await;
    let c = resident.complain(&json!({ "category": "noise", "text": "楼上晚上很吵" })).await.unwrap();
    butler.step(&c.id, A::Listen, "已致歉").await.unwrap();
    butler.step(&c.id, A::Act, "约谈").await.unwrap();
    butler.step(&c.id, A::Notify, "已处理").await.unwrap();
    resident.step_with(&c.id, &json!({ "action": "confirm" })).await.unwrap();
    let cookie = s.web_login(BUTLER).await;
    let html = s
        .req(Method::GET, "/follow-ups", None)
        .header(header::COOKIE, &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains(&format!("/complaints/{}", c.id)), "the complaint's page");
    assert!(!html.contains(&format!("/repairs/{}", c.id)), "not a repair page");
    assert!(!html.contains("张伟"), "no complainant on the list");
    // The workspace's follow-up list links the same way.
    let html =
        s.req(Method::GET, "/", None).header(header::COOKIE, &cookie).send().await.unwrap().text().await.unwrap();
    assert!(html.contains(&format!("/complaints/{}", c.id)), "the workspace links the complaint's page");
    assert!(!html.contains(&format!("/repairs/{}", c.id)), "not a repair page");
}

#[tokio::test]
async fn a_complaint_confirmed_by_the_sweep_gets_its_follow_up() {
    use linli_model::complaint::ComplaintAction as A;
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let butler = s.user(BUTLER).await;
    let c = resident.complain(&json!({ "category": "noise", "text": "楼上晚上很吵" })).await.unwrap();
    butler.step(&c.id, A::Listen, "已致歉").await.unwrap();
    butler.step(&c.id, A::Act, "约谈楼上住户").await.unwrap();
    butler.step(&c.id, A::Notify, "已处理").await.unwrap();
    s.backend.sweep_repairs(Utc::now() + Duration::hours(73)).await.unwrap();
    assert_eq!(resident.complaint(&c.id).await.unwrap().status, JobStatus::Confirmed, "auto-confirmed");
    let list = butler.follow_ups_where("?status=open").await.unwrap().items;
    let f = of_job(&list, &c.id);
    assert_eq!(f.len(), 1, "every closed complaint gets a follow-up: {list:?}");
    assert_eq!(f[0].reason, FollowUpReason::Complaint);
}
