//! Requests taken for a resident (代客报修/代录, issue 17): a repair a
//! butler enters for a resident who phoned reaches that resident live and
//! is theirs to confirm and rate; the channel shows on the job, its
//! timeline and the scorecard; a butler cannot reach a unit outside their
//! buildings nor another community's; a help call taken for an elder runs
//! the help chain and can text the family at once.

use std::time::Duration;

use crate::common::*;
use linli_bench::fakes::FakeSms;
use linli_model::{
    keys::{ActorRole, HelpEntryAction, TimelineAction},
    repair::{JobAction, JobStatus},
    staff_entry::{Channel, OnBehalf},
};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_repair_taken_by_phone_reaches_the_resident_live_and_counts_by_channel() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let butler = s.user(BUTLER).await;
    let admin = s.user(ADMIN).await;
    let me = resident.me().await.unwrap();
    let mut stream = s.stream(resident.token(), None).await;

    let on_behalf = butler.on_behalf("1", "101", "phone").await;
    let job = butler.report_for(&on_behalf, "leak").await.unwrap();
    assert_eq!(job.reporter.id, me.id, "the resident is the reporter");
    assert_eq!(job.channel, Channel::Phone);
    assert_eq!(job.entered_by.as_ref().map(|p| p.name.as_str()), Some("李明"));
    let first = &job.timeline[0];
    assert_eq!(
        (first.action, first.actor_role, first.actor_name.as_str()),
        (TimelineAction::Submitted, ActorRole::Butler, "李明")
    );
    assert_eq!(first.channel, Some(Channel::Phone), "the channel is on the timeline");
    assert!(job.butler.is_some(), "first-contact ownership: the building's butler owns it");

    // The resident hears of it and of every change the butler makes.
    let seen = stream.next_of("repair.updated", Duration::from_secs(2)).await.expect("the report reaches the resident");
    assert_eq!(seen.data["id"].as_str().map(|i| i.ends_with(&job.id)), Some(true), "{:?}", seen.data);
    let bme = butler.me().await.unwrap();
    butler.assign(&job.id, &bme.id).await.unwrap();
    let seen =
        stream.next_of("repair.updated", Duration::from_secs(2)).await.expect("the assignment reaches the resident");
    assert_eq!(seen.data["action"], "assign");
    butler.act(&job.id, JobAction::StartWork).await.unwrap();
    butler.act(&job.id, JobAction::Resolve).await.unwrap();

    // It is the resident's: in their list, theirs to confirm and rate.
    let mine = resident.jobs("").await.unwrap();
    assert!(mine.items.iter().any(|j| j.id == job.id && j.channel == Channel::Phone));
    let seen = resident.job(&job.id).await.unwrap();
    assert!(seen.allowed_actions.contains(&JobAction::Confirm) && seen.can_rate);
    resident.rate(&job.id, &json!({ "stars": 5 })).await.unwrap();
    assert_eq!(resident.job(&job.id).await.unwrap().status, JobStatus::Rated);

    // A report filed in the app is `app`; the scorecard counts both.
    let own = resident.report(&json!({ "category": "light" })).await.unwrap();
    assert_eq!((own.channel, own.entered_by.is_none()), (Channel::App, true));
    let cards = admin.scorecards().await.unwrap();
    let li = cards.items.iter().find(|c| c.butler_name == "李明").unwrap();
    assert_eq!((li.jobs_by_channel.phone, li.jobs_by_channel.app, li.jobs_by_channel.walk_in), (1, 1, 0));
    // ... and so does the export.
    let res = s
        .req(reqwest::Method::GET, "/api/v1/scorecards?format=csv", Some(admin.token()))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let csv = res.text().await.unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().trim_start_matches('\u{feff}').split(',').collect();
    let row: Vec<&str> = csv.lines().find(|l| l.starts_with("李明")).expect("李明's row").split(',').collect();
    let cell = |name: &str| row[header.iter().position(|h| *h == name).unwrap()];
    assert_eq!((cell("phone"), cell("app"), cell("patrol")), ("1", "1", "0"), "{csv}");
}

#[tokio::test]
async fn staff_cannot_enter_requests_beyond_their_scope_and_nothing_is_stored() {
    let s = TestServer::start().await;
    let butler = s.user(BUTLER).await;
    let other_building = s.user(BUTLER_B3).await;
    let other_community = s.user(OTHER_BUTLER).await;
    let resident = s.user(RESIDENT).await;
    let admin = s.user(ADMIN).await;
    let duty = s.user(DUTY).await;
    let before = admin.jobs("?scope=all").await.unwrap().items.len();

    let on_behalf = butler.on_behalf("1", "101", "walk_in").await;
    // A butler of building 3 only: building 1's unit is not theirs to see.
    let err = other_building.report_for(&on_behalf, "leak").await.unwrap_err();
    assert_eq!(err.status, StatusCode::NOT_FOUND);
    let b1 = butler.building_id("1").await;
    assert_eq!(other_building.entry_units(&b1).await.unwrap_err().status, StatusCode::NOT_FOUND);
    // Another community's butler, with a changed id: not found either.
    assert_eq!(other_community.report_for(&on_behalf, "leak").await.unwrap_err().status, StatusCode::NOT_FOUND);
    assert_eq!(other_community.entry_units(&b1).await.unwrap_err().status, StatusCode::NOT_FOUND);
    // A resident may not file for someone else; nor a worker or a guard.
    assert_eq!(resident.report_for(&on_behalf, "leak").await.unwrap_err().status, StatusCode::FORBIDDEN);
    assert_eq!(s.user(GUARD).await.report_for(&on_behalf, "leak").await.unwrap_err().status, StatusCode::FORBIDDEN);
    assert_eq!(resident.entry_units(&b1).await.unwrap_err().status, StatusCode::FORBIDDEN);
    // `app` is no staff channel; a person must live in the unit.
    let app = OnBehalf { channel: "app".into(), ..on_behalf.clone() };
    let err = butler.report_for(&app, "leak").await.unwrap_err();
    assert_eq!((err.status, err.detail.as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("channel")));
    let neighbour = s.user(RESIDENT_B2).await.me().await.unwrap();
    let wrong = OnBehalf { resident_id: Some(neighbour.id), ..on_behalf.clone() };
    let err = butler.report_for(&wrong, "leak").await.unwrap_err();
    assert_eq!((err.status, err.detail.as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("resident_id")));
    // A help call by an unrelated butler: not found.
    let err =
        other_building.enter_help_call(&json!({ "on_behalf": on_behalf, "notify_family": true })).await.unwrap_err();
    assert_eq!(err.status, StatusCode::NOT_FOUND);

    assert_eq!(admin.jobs("?scope=all").await.unwrap().items.len(), before, "nothing was stored");
    assert!(resident.help_calls(false).await.unwrap().items.is_empty(), "no call was stored");
    // The duty room may enter for any unit of its community.
    let job = duty.report_for(&on_behalf, "door_lock").await.unwrap();
    assert_eq!((job.channel, job.timeline[0].actor_role), (Channel::WalkIn, ActorRole::Duty));
}

#[tokio::test]
async fn a_help_call_taken_for_an_elder_runs_the_chain_and_tells_the_family() {
    let sms = FakeSms::start().await.unwrap();
    let (mut c, tmp) = config();
    c.help_escalate_secs = Some(1);
    c.help_contacts_secs = Some(60);
    c.sms_url = Some(sms.url());
    let s = TestServer::start_with(c, tmp).await;
    let butler = s.user(BUTLER).await;
    let elder_id = butler.elder_id("李秀英").await;
    let contacts = json!([{ "name": "女儿", "phone": "13912345001", "relation": "子女" }]);
    butler.set_elder(&elder_id, &json!({ "elder_mode": true, "emergency_contacts": contacts })).await.unwrap();
    let elder = s.user(ELDER).await;
    let duty = s.user(DUTY).await;

    let mut on_behalf = duty.on_behalf("1", "102", "phone").await;
    on_behalf.resident_id = Some(elder_id.clone());
    let call = duty
        .enter_help_call(&json!({ "on_behalf": on_behalf, "notify_family": true, "note": "老人来电说胸口闷" }))
        .await
        .unwrap();
    assert_eq!((call.elder.id.as_str(), call.channel), (elder_id.as_str(), Channel::Phone));
    assert!(call.entered_by.is_some());
    assert_eq!(call.timeline[0].action, HelpEntryAction::Pressed);
    assert_eq!(call.timeline[0].note, "老人来电说胸口闷");
    // The elder's household sees it as their own call.
    assert!(elder.help_calls(true).await.unwrap().items.iter().any(|c| c.id == call.id));

    // The family is texted now, through the outbox.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while sms.accepted().iter().all(|m| m.to() != Some("13912345001")) {
        assert!(std::time::Instant::now() < deadline, "no SMS to the family: {:?}", sms.received());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // And the chain runs as for a pressed button: nobody acknowledged, so
    // every staff member on duty is alerted.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let now = butler.help_call(&call.id).await.unwrap();
        if now.escalation_level >= 1 {
            assert!(now.timeline.iter().any(|e| e.action == HelpEntryAction::EscalatedStaff));
            break;
        }
        assert!(std::time::Instant::now() < deadline, "not escalated: {now:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_complaint_taken_by_phone_is_the_residents_and_gets_a_follow_up() {
    use linli_model::{complaint::ComplaintAction as A, keys::FollowUpReason};
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let butler = s.user(BUTLER).await;
    let me = resident.me().await.unwrap();
    let on_behalf = butler.on_behalf("1", "101", "phone").await;
    let body = json!({ "category": "noise", "text": "楼上晚上很吵", "on_behalf": on_behalf });
    let c = butler.complain(&body).await.unwrap();
    assert_eq!((c.complainant.id.as_str(), c.channel), (me.id.as_str(), Channel::Phone));
    assert_eq!(c.timeline[0].actor_role, ActorRole::Butler);
    // The duty room takes repairs and help calls, not complaints; another
    // building's butler cannot reach the unit.
    assert_eq!(s.user(DUTY).await.complain(&body).await.unwrap_err().status, StatusCode::FORBIDDEN);
    assert_eq!(s.user(BUTLER_B3).await.complain(&body).await.unwrap_err().status, StatusCode::NOT_FOUND);

    // The resident sees it as their own, follows it and confirms it.
    assert_eq!(resident.complaint(&c.id).await.unwrap().channel, Channel::Phone);
    butler.step(&c.id, A::Listen, "已致歉").await.unwrap();
    butler.step(&c.id, A::Act, "约谈楼上住户").await.unwrap();
    butler.step(&c.id, A::Notify, "已处理").await.unwrap();
    resident.step_with(&c.id, &json!({ "action": "confirm" })).await.unwrap();
    // Every closed complaint gets a follow-up (the default rule).
    let list = butler.follow_ups_where("?status=open").await.unwrap();
    let f: Vec<_> = list.items.iter().filter(|f| f.repair_id.as_deref() == Some(c.id.as_str())).collect();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].reason, FollowUpReason::Complaint);
}

#[tokio::test]
async fn the_entry_page_and_the_follow_up_outcome_work_without_javascript() {
    use linli_model::keys::FollowUpStatus;
    use reqwest::{Method, header};
    let s = TestServer::start().await;
    let butler = s.user(BUTLER).await;
    let resident = s.user(RESIDENT).await;
    let cookie = s.web_login(BUTLER).await;
    let on_behalf = butler.on_behalf("1", "101", "patrol").await;
    let me = resident.me().await.unwrap();

    // The page renders the picker for a building chosen by a GET form.
    let b1 = butler.building_id("1").await;
    let page = s
        .req(Method::GET, &format!("/entry?building={b1}"), None)
        .header(header::COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    let target = format!("{}:{}", on_behalf.unit_id, me.id);
    assert!(html.contains(&target) && html.contains("action=\"/forms/entry\""), "the picker lists 101 · 张伟");

    // One multipart post files the repair for the resident.
    let form = reqwest::multipart::Form::new()
        .text("target", target.clone())
        .text("channel", "patrol")
        .text("kind", "repair")
        .text("category", "light")
        .text("description", "巡查发现楼道灯不亮");
    let res =
        s.req(Method::POST, "/forms/entry", None).header(header::COOKIE, &cookie).multipart(form).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = res.headers()[header::LOCATION].to_str().unwrap().to_string();
    let id = to.strip_prefix("/repairs/").expect("to the new job").to_string();
    let job = resident.job(&id).await.unwrap();
    assert_eq!((job.channel, job.reporter.id.as_str()), (Channel::Patrol, me.id.as_str()));
    // A refusal comes back to the form with its message, nothing stored.
    let form = reqwest::multipart::Form::new().text("target", target).text("channel", "app").text("category", "light");
    let res =
        s.req(Method::POST, "/forms/entry", None).header(header::COOKIE, &cookie).multipart(form).send().await.unwrap();
    assert_eq!(res.headers()[header::LOCATION].to_str().unwrap(), "/entry?error=err_channel");
    assert_eq!(resident.jobs("").await.unwrap().items.len(), 1);

    // Closed as a critical job, its follow-up is recorded with a plain form.
    let critical = butler.report_for(&on_behalf, "fire").await.unwrap();
    let bme = butler.me().await.unwrap();
    butler.assign(&critical.id, &bme.id).await.unwrap();
    butler.act(&critical.id, JobAction::StartWork).await.unwrap();
    butler.act(&critical.id, JobAction::Resolve).await.unwrap();
    resident.act(&critical.id, JobAction::Confirm).await.unwrap();
    let f = butler
        .follow_ups_where("?status=open")
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|f| f.repair_id.as_deref() == Some(critical.id.as_str()))
        .unwrap();
    let page = s.req(Method::GET, "/follow-ups", None).header(header::COOKIE, &cookie).send().await.unwrap();
    let html = page.text().await.unwrap();
    assert!(html.contains(&format!("/forms/follow-ups/{}/outcome", f.id)), "the outcome form is on the page");
    let res = s
        .req(Method::POST, &format!("/forms/follow-ups/{}/outcome", f.id), None)
        .header(header::COOKIE, &cookie)
        .form(&[("outcome", "satisfied"), ("note", "一切正常")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()[header::LOCATION].to_str().unwrap(), "/follow-ups");
    let done = butler.follow_ups_where("?status=done").await.unwrap();
    assert!(done.items.iter().any(|d| d.id == f.id && d.status == FollowUpStatus::Done && d.note == "一切正常"));
}

#[tokio::test]
async fn a_help_entry_twice_or_in_parallel_is_one_call_and_one_text_to_the_family() {
    use reqwest::{Method, header};
    let sms = FakeSms::start().await.unwrap();
    let (mut c, tmp) = config();
    c.sms_url = Some(sms.url());
    let s = TestServer::start_with(c, tmp).await;
    let butler = s.user(BUTLER).await;
    let elder_id = butler.elder_id("李秀英").await;
    let contacts = json!([{ "name": "女儿", "phone": "13912345001", "relation": "子女" }]);
    butler.set_elder(&elder_id, &json!({ "elder_mode": true, "emergency_contacts": contacts })).await.unwrap();
    let elder = s.user(ELDER).await;
    let duty = s.user(DUTY).await;
    let mut on_behalf = duty.on_behalf("1", "102", "phone").await;
    on_behalf.resident_id = Some(elder_id.clone());
    let body = json!({ "on_behalf": on_behalf, "notify_family": true });

    // The same entry twice: one call; the second answers it with 200.
    let first = duty.enter_help_call_expect(&body, StatusCode::CREATED).await.unwrap();
    let again = duty.enter_help_call_expect(&body, StatusCode::OK).await.unwrap();
    assert_eq!(again.id, first.id);
    // Entries in parallel while it is open: the same call each time.
    let answers = futures::future::join_all((0..8).map(|_| duty.enter_help_call_expect(&body, StatusCode::OK))).await;
    assert!(answers.into_iter().all(|a| a.unwrap().id == first.id));
    assert_eq!(elder.help_calls(true).await.unwrap().items.len(), 1, "one open call");
    // The family is texted once.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while sms.accepted().iter().all(|m| m.to() != Some("13912345001")) {
        assert!(std::time::Instant::now() < deadline, "no SMS to the family: {:?}", sms.received());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let texts = sms.accepted().iter().filter(|m| m.to() == Some("13912345001")).count();
    assert_eq!(texts, 1, "texted once: {:?}", sms.received());
    // A bad key is refused.
    let bad = json!({ "on_behalf": on_behalf, "client_key": "short" });
    assert_eq!(duty.enter_help_call(&bad).await.unwrap_err().status, StatusCode::UNPROCESSABLE_ENTITY);

    // Closed, the next entry is a new call.
    s.backend.db().query("UPDATE help_call SET open = false, status = 'closed'").await.unwrap().check().unwrap();

    // From the page: 24 posts of one form at once (a double submit, the
    // session due its refresh so they race on it too) are one call, and
    // none is sent to the sign-in page.
    let cookie = s.web_login(DUTY).await;
    let b1 = duty.building_id("1").await;
    let page = s
        .req(Method::GET, &format!("/entry?building={b1}"), None)
        .header(header::COOKIE, &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let key = page
        .split("name=\"client_key\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the form carries a hidden key")
        .to_string();
    s.backend.db().query("UPDATE session SET last_seen_at = time::now() - 5m").await.unwrap().check().unwrap();
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let target = format!("{}:{}", on_behalf.unit_id, elder_id);
    let posts = (0..24).map(|_| {
        let form = reqwest::multipart::Form::new()
            .text("target", target.clone())
            .text("channel", "walk_in")
            .text("kind", "help")
            .text("client_key", key.clone());
        s.req(Method::POST, "/forms/entry", None).header(header::COOKIE, &cookie).multipart(form).send()
    });
    let mut to: Vec<String> = futures::future::join_all(posts)
        .await
        .into_iter()
        .map(|r| r.unwrap().headers()[header::LOCATION].to_str().unwrap().to_string())
        .collect();
    to.dedup();
    assert_eq!(to.len(), 1, "one call, nobody sent to /login: {to:?}");
    let id = to[0].strip_prefix("/help/").expect("to the call");
    assert_ne!(id, first.id);
    assert_eq!(elder.help_calls(true).await.unwrap().items.len(), 1, "one open call");
}

#[tokio::test]
async fn the_scorecard_counts_complaints_by_channel_apart_from_repairs() {
    let s = TestServer::start().await;
    let butler = s.user(BUTLER).await;
    let resident = s.user(RESIDENT).await;
    let admin = s.user(ADMIN).await;
    let on_behalf = butler.on_behalf("1", "101", "phone").await;
    butler.report_for(&on_behalf, "light").await.unwrap();
    resident.report(&json!({ "category": "drain" })).await.unwrap();
    let body = json!({ "category": "noise", "text": "楼上晚上很吵", "on_behalf": on_behalf });
    butler.complain(&body).await.unwrap();
    butler.complain(&body).await.unwrap();
    resident.complain(&json!({ "category": "noise", "text": "又吵了" })).await.unwrap();

    let cards = admin.scorecards().await.unwrap();
    let li = cards.items.iter().find(|c| c.butler_name == "李明").unwrap();
    let by = |c: &linli_model::staff_entry::ChannelCounts| c.app + c.phone + c.walk_in + c.patrol;
    assert_eq!((li.jobs, by(&li.jobs_by_channel)), (2, 2), "the repairs' channels add up to jobs");
    assert_eq!((li.jobs_by_channel.phone, li.jobs_by_channel.app), (1, 1));
    assert_eq!((li.complaints, li.complaints_by_channel.phone, li.complaints_by_channel.app), (3, 2, 1));
    // The export agrees: its channel columns add up to its jobs column.
    let res = s
        .req(reqwest::Method::GET, "/api/v1/scorecards?format=csv", Some(admin.token()))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    let csv = res.text().await.unwrap();
    let mut lines = csv.trim_start_matches('\u{feff}').lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let row: Vec<&str> = lines.find(|l| l.starts_with("李明")).unwrap().split(',').collect();
    let col = |name: &str| row[header.iter().position(|h| *h == name).unwrap()].parse::<u32>().unwrap();
    assert_eq!(col("jobs"), col("app") + col("phone") + col("walk_in") + col("patrol"));
    assert_eq!((col("complaints"), col("complaints_phone"), col("complaints_app")), (3, 2, 1));
}

#[tokio::test]
async fn a_fault_while_reading_the_session_returns_to_the_form_not_to_sign_in() {
    use reqwest::{Method, header};
    let s = TestServer::start().await;
    let butler = s.user(BUTLER).await;
    let on_behalf = butler.on_behalf("1", "101", "phone").await;
    let cookie = s.web_login(BUTLER).await;
    // The session is due its refresh, and the refresh fails (as a write
    // conflict that outlasts the retries would).
    s.backend
        .db()
        .query(
            "UPDATE session SET last_seen_at = time::now() - 5m;
             DEFINE EVENT OVERWRITE refuse_touch ON session WHEN $event = 'UPDATE' THEN { THROW 'busy' };",
        )
        .await
        .unwrap()
        .check()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let post = |cookie: String| {
        let form = reqwest::multipart::Form::new()
            .text("target", format!("{}:", on_behalf.unit_id))
            .text("channel", "phone")
            .text("category", "light");
        s.req(Method::POST, "/forms/entry", None)
            .header(header::COOKIE, cookie)
            .header(header::REFERER, s.url("/entry?building=b"))
            .multipart(form)
            .send()
    };
    let res = post(cookie.clone()).await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = res.headers()[header::LOCATION].to_str().unwrap().to_string();
    assert!(to.starts_with("/entry?error="), "back to the form, not to sign in: {to}");
    // Without a session at all it is the sign-in page.
    let res = post("linli_session=nope".to_string()).await.unwrap();
    assert_eq!(res.headers()[header::LOCATION].to_str().unwrap(), "/login");
    // Once the refresh works, the same post files the repair.
    s.backend.db().query("REMOVE EVENT refuse_touch ON session").await.unwrap().check().unwrap();
    let res = post(cookie).await.unwrap();
    assert!(res.headers()[header::LOCATION].to_str().unwrap().starts_with("/repairs/"));
}
