//! The elderly help call over HTTP on a real database: stored before the
//! answer, idempotent, visible to the right people only, escalated on time
//! (also across a restart), contacts notified through a (fake) SMS
//! gateway, handled to the end, and pressable without JavaScript.

use std::time::{Duration, Instant};

use crate::common::*;
use linli_model::{
    ErrorCode, Page,
    help::{HelpAction, HelpCall, HelpStatus, Outcome},
    keys::HelpEntryAction as Step,
};
use reqwest::{Method, StatusCode, header};
use serde_json::json;

fn ids(list: &Page<HelpCall>) -> Vec<String> {
    list.items.iter().map(|c| c.id.clone()).collect()
}

#[tokio::test]
async fn a_call_is_stored_once_per_key_and_reaches_only_the_right_people() {
    let s = TestServer::start().await;
    let elder = s.user(ELDER).await;
    let (status, call) = elder.press("press-0001-abcdef").await;
    let call = call.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{call:?}");
    assert_eq!((call.status, call.escalation_level), (HelpStatus::Sent, 0));
    assert_eq!(call.unit.number, "102");
    assert_eq!(call.timeline[0].action, Step::Pressed);
    let id = call.id.clone();

    let (status, again) = elder.press("press-0001-abcdef").await;
    assert_eq!((status, again.unwrap().id), (StatusCode::OK, id.clone()), "a retry is the same call");

    // Pressed again with another key (a reloaded page, a second device)
    // while the call is open: the same call, the press a step of it.
    let (status, again) = elder.press("press-0003-another").await;
    let again = again.unwrap();
    assert_eq!((status, again.id.as_str()), (StatusCode::OK, id.as_str()), "one call for the duty room");
    let steps: Vec<Step> = again.timeline.iter().map(|e| e.action).collect();
    assert_eq!(steps, vec![Step::Pressed, Step::PressedAgain]);
    let (_, retry) = elder.press("press-0003-another").await;
    assert_eq!(retry.unwrap().timeline.len(), 2, "a retry of that press adds nothing");

    // A double tap on two connections at the same moment: still one call,
    // one step.
    let key = "press-0002-racing";
    let (a, b) = tokio::join!(elder.press(key), elder.press(key));
    let (a, b) = (a.1.unwrap(), b.1.unwrap());
    assert_eq!((a.id.as_str(), b.id.as_str()), (id.as_str(), id.as_str()));
    let call = s.user(BUTLER).await.help_call(&id).await.unwrap();
    assert_eq!(call.timeline.iter().filter(|e| e.action == Step::PressedAgain).count(), 2, "{:?}", call.timeline);

    for phone in [BUTLER, DUTY, ADMIN] {
        let list = s.user(phone).await.help_calls(true).await.unwrap();
        assert!(ids(&list).contains(&id), "{phone} sees the call");
    }
    for phone in [BUTLER_B3, WORKER, GUARD, RESIDENT_B2, OTHER_ADMIN] {
        let user = s.user(phone).await;
        let list = user.help_calls(true).await.unwrap();
        assert!(!ids(&list).contains(&id), "{phone} is not alerted before escalation");
        assert_eq!(user.help_call(&id).await.unwrap_err().status, StatusCode::NOT_FOUND, "{phone}");
    }
    let (status, _) = s.user(BUTLER).await.press("staff-press-123").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "help is pressed from a home");

    // The key of a call that has ended, pressed again (an app that kept its
    // key, a tablet that missed the update): a new call, never the old one.
    let butler = s.user(BUTLER).await;
    butler.help_act(&id, HelpAction::Acknowledge).await.unwrap();
    butler.help_act_with(&id, &json!({ "action": "resolve", "outcome": "resolved" })).await.unwrap();
    let (status, fresh) = elder.press("press-0001-abcdef").await;
    let fresh = fresh.unwrap();
    assert_eq!((status, fresh.status), (StatusCode::CREATED, HelpStatus::Sent), "{fresh:?}");
    assert_ne!(fresh.id, id);
    let (status, retry) = elder.press("press-0001-abcdef").await;
    assert_eq!((status, retry.unwrap().id), (StatusCode::OK, fresh.id.clone()), "its retry is that call");
    let list = butler.help_calls(true).await.unwrap();
    assert!(ids(&list).contains(&fresh.id), "the butler is alerted again");
    // A press without a usable key (a buggy client) is never lost: it is
    // taken under a key the server makes, and joins the open call.
    for key in ["bad key!", ""] {
        let (status, call) = elder.press(key).await;
        assert_eq!((status, call.map(|c| c.id).ok()), (StatusCode::OK, Some(fresh.id.clone())), "{key:?}");
    }
    let res = s.req(Method::POST, "/api/v1/help-calls", Some(elder.token())).json(&json!({})).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "no key at all: the open call");
    // The key formats clients use: braced UUIDs, base64 (presses of the
    // open call).
    for key in ["{21bf6647-7ef3-412a-8634-b54bbe487ac7}", "key+/=base64AAAA"] {
        let (status, call) = elder.press(key).await;
        assert_eq!((status, call.map(|c| c.id).ok()), (StatusCode::OK, Some(fresh.id.clone())), "{key}");
    }
}

#[tokio::test]
async fn the_stream_tells_the_elder_and_the_butler_and_not_another_building() {
    let s = TestServer::start().await;
    let elder = s.user(ELDER).await;
    let butler = s.user(BUTLER).await;
    let mut elder_stream = s.stream(elder.token(), None).await;
    let mut butler_stream = s.stream(butler.token(), None).await;
    let mut other_stream = s.stream(&s.login(BUTLER_B3).await, None).await;

    let call = elder.press("stream-press-0001").await.1.unwrap();
    let id = call.id.as_str();
    let alert = butler_stream.next_of("help_call.updated", Duration::from_secs(1)).await.expect("butler alerted");
    assert_eq!((alert.data["id"].as_str(), alert.data["status"].as_str()), (Some(id), Some("sent")));
    assert_eq!(alert.data["unit"], "1号楼 102");
    assert!(other_stream.next_of("help_call.updated", Duration::from_millis(300)).await.is_none());
    elder_stream.next_of("help_call.updated", Duration::from_secs(1)).await.expect("elder sees sent");

    // Pressed again from another device: announced again, on the same call.
    let again = elder.press("stream-press-0002").await.1.unwrap();
    assert_eq!(again.id, id);
    let alert = butler_stream.next_of("help_call.updated", Duration::from_secs(1)).await.expect("announced again");
    assert_eq!((alert.data["id"].as_str(), alert.data["action"].as_str()), (Some(id), Some("pressed_again")));
    assert!(other_stream.next_of("help_call.updated", Duration::from_millis(300)).await.is_none());
    elder_stream.next_of("help_call.updated", Duration::from_secs(1)).await.expect("the elder's other screens too");

    let call = butler.help_act(id, HelpAction::Acknowledge).await.unwrap();
    assert_eq!(call.responder.unwrap().name, "李明");
    let update =
        elder_stream.next_of("help_call.updated", Duration::from_secs(1)).await.expect("elder told who is coming");
    assert_eq!(
        (update.data["status"].as_str(), update.data["responder"].as_str()),
        (Some("acknowledged"), Some("李明"))
    );
    let seen = elder.help_call(id).await.unwrap();
    assert_eq!(seen.allowed_actions, vec![HelpAction::FalseAlarm], "the elder can only say it was a mistake");
}

#[tokio::test]
async fn staff_handle_a_call_to_the_end_and_bad_handling_is_refused() {
    let s = TestServer::start().await;
    let elder = s.user(ELDER).await;
    let butler = s.user(BUTLER).await;
    let call = elder.press("handle-press-0001").await.1.unwrap();
    let id = call.id.as_str();

    let err = elder.help_act(id, HelpAction::Acknowledge).await.unwrap_err();
    assert_eq!((err.status, err.code), (StatusCode::FORBIDDEN, ErrorCode::Forbidden));
    let err = butler.help_act(id, HelpAction::Resolve).await.unwrap_err();
    assert_eq!((err.status, err.detail.as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("outcome")));
    butler.help_act(id, HelpAction::Arrive).await.expect("arriving implies acknowledging");
    let done = butler
        .help_act_with(id, &json!({ "action": "resolve", "outcome": "ambulance", "note": "送医院" }))
        .await
        .unwrap();
    assert_eq!((done.status, done.outcome), (HelpStatus::Closed, Some(Outcome::Ambulance)));
    let steps: Vec<Step> = done.timeline.iter().map(|e| e.action).collect();
    assert_eq!(steps, vec![Step::Pressed, Step::Arrive, Step::Resolve]);
    let err = butler.help_act(id, HelpAction::Acknowledge).await.unwrap_err();
    assert_eq!((err.status, err.code), (StatusCode::CONFLICT, ErrorCode::Conflict), "a closed call stays closed");

    // Pressed by mistake: closed by the elder, still on the staff's list.
    let call = elder.press("mistake-press-001").await.1.unwrap();
    let call = elder.help_act(&call.id, HelpAction::FalseAlarm).await.unwrap();
    assert_eq!(call.outcome, Some(Outcome::FalseAlarm));
    let all = butler.help_calls(false).await.unwrap();
    assert!(ids(&all).contains(&call.id), "staff still see a false alarm");
}

#[tokio::test]
async fn unanswered_calls_escalate_to_all_staff_then_to_the_emergency_contacts() {
    let gateway = FakeGateway::start().await;
    let (mut c, tmp) = config();
    c.help_escalate_secs = Some(2);
    c.help_contacts_secs = Some(4);
    c.sms_url = Some(gateway.url.clone());
    let s = TestServer::start_with(c, tmp).await;
    let butler = s.user(BUTLER).await;
    let elder_id = butler.elder_id("李秀英").await;
    butler
        .set_elder(&elder_id, &json!({ "elder_mode": true, "emergency_contacts": [{ "name": "李华", "phone": "13812345678", "relation": "儿子" }] }))
        .await
        .unwrap();

    let worker = s.user(WORKER).await;
    let mut worker_stream = s.stream(worker.token(), None).await;
    let elder = s.user(ELDER).await;
    let pressed = Instant::now();
    let call = elder.press("escalate-press-01").await.1.unwrap();
    let id = call.id.clone();

    let alert = worker_stream
        .next_of("help_call.updated", Duration::from_secs(4))
        .await
        .expect("every on-duty staff member is alerted");
    let at = alert.received - pressed;
    assert_eq!(alert.data["escalation_level"], 1);
    assert!(
        at >= Duration::from_millis(1900) && at < Duration::from_secs(3),
        "level 1 within a second of 2 s, got {at:?}"
    );
    let list = worker.help_calls(true).await.unwrap();
    assert!(ids(&list).contains(&id), "an escalated call is visible to all staff");
    let open = worker.help_call(&id).await.unwrap();
    assert!(!open.elder_phone.contains('*'), "reached by escalation, the worker calls back: {}", open.elder_phone);

    let level2 = worker_stream.next_of("help_call.updated", Duration::from_secs(4)).await.expect("contacts step");
    let at = level2.received - pressed;
    assert_eq!(level2.data["escalation_level"], 2);
    assert!(
        at >= Duration::from_millis(3900) && at < Duration::from_secs(5),
        "level 2 within a second of 4 s, got {at:?}"
    );
    let deadline = Instant::now() + Duration::from_secs(5);
    while gateway.messages().is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let sms = gateway.messages();
    assert_eq!(sms.len(), 1, "{sms:?}");
    assert_eq!((sms[0]["to"].as_str(), sms[0]["template"].as_str()), (Some("13812345678"), Some("help_call_contact")));
    assert_eq!(sms[0]["params"]["elder"], "李秀英");
    let call = butler.help_call(&id).await.unwrap();
    let steps: Vec<Step> = call.timeline.iter().map(|e| e.action).collect();
    assert_eq!(steps, vec![Step::Pressed, Step::EscalatedStaff, Step::NotifiedContacts]);

    // Acknowledged calls do not escalate (a new call: the first is closed).
    butler.help_act_with(&id, &json!({ "action": "resolve", "outcome": "resolved" })).await.unwrap();
    let over = worker.help_call(&id).await.unwrap();
    assert!(over.elder_phone.contains('*'), "over, the number is the responders' again: {}", over.elder_phone);
    let other = elder.press("escalate-press-02").await.1.unwrap();
    assert_ne!(other.id, id);
    butler.help_act(&other.id, HelpAction::Acknowledge).await.unwrap();
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(butler.help_call(&other.id).await.unwrap().escalation_level, 0);
}

#[tokio::test]
async fn escalation_survives_a_server_restart() {
    let dir = tempfile::tempdir().unwrap();
    let (mut c, tmp) = config();
    c.db = format!("surrealkv://{}", dir.path().join("db").display());
    c.help_escalate_secs = Some(2);
    c.help_contacts_secs = Some(60);
    let s = TestServer::start_with(c.clone(), tmp).await;
    let id = s.user(ELDER).await.press("restart-press-001").await.1.unwrap().id;
    s.stop().await;

    // Down past the deadline; the new process must catch up at once.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let tmp = tempfile::tempdir().unwrap();
    let s = TestServer::start_with(c, tmp).await;
    let started = Instant::now();
    let butler = s.user(BUTLER).await;
    loop {
        let call = butler.help_call(&id).await.unwrap();
        if call.escalation_level == 1 {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(2), "escalated within a second or so of restart: {call:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn the_help_button_works_without_javascript() {
    let s = TestServer::start().await;
    let res = s
        .req(Method::POST, "/forms/login", None)
        .form(&[("phone", ELDER), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    let cookie = res.headers()[header::SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_string();

    let html =
        s.req(Method::GET, "/", None).header(header::COOKIE, &cookie).send().await.unwrap().text().await.unwrap();
    assert!(html.contains(r#"action="/forms/help""#), "the elder's home is a plain form");
    let key = html
        .split(r#"name="client_key" value=""#)
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("the form carries a client key")
        .to_string();
    assert!(key.len() >= 16);

    // A browser without scripts posts the form, and maybe posts it again.
    for _ in 0..2 {
        let res = s
            .req(Method::POST, "/forms/help", None)
            .header(header::COOKIE, &cookie)
            .form(&[("client_key", key.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
    }
    let calls = s.user(DUTY).await.help_calls(true).await.unwrap();
    assert_eq!(calls.items.len(), 1, "one call, stored");
    let html =
        s.req(Method::GET, "/", None).header(header::COOKIE, &cookie).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("求助已发出"), "the elder's page says it was sent");
    assert!(html.contains(r#"http-equiv="refresh""#), "and refreshes itself without scripts");
}

#[tokio::test]
async fn daily_check_ins_show_on_the_butlers_list() {
    let s = TestServer::start().await;
    let elder = s.user(ELDER).await;
    let butler = s.user(BUTLER).await;
    let before = butler.elders(false).await.unwrap();
    let row = before.items.iter().find(|e| e.name == "李秀英").unwrap();
    assert!(row.checked_in_at.is_none());
    let first = elder.check_in().await.unwrap();
    let second = elder.check_in().await.unwrap();
    assert_eq!(first.at, second.at, "once a day");
    let after = butler.elders(false).await.unwrap();
    let row = after.items.iter().find(|e| e.name == "李秀英").unwrap();
    assert_eq!(row.checked_in_at, Some(first.at));
    assert!(!row.overdue);
    assert_eq!(elder.elders(false).await.unwrap_err().status, StatusCode::FORBIDDEN);
    let other = s.user(BUTLER_B3).await.elders(false).await.unwrap();
    assert!(other.items.iter().all(|e| e.name != "李秀英"), "another building's butler");
}

/// What the butler found when calling an elder shows on the list, on that
/// elder's row only (the day's follow-ups are read for the community and
/// matched to the elders).
#[tokio::test]
async fn a_check_in_follow_up_shows_on_that_elders_row_of_the_list() {
    let s = TestServer::start().await;
    let butler = s.user(BUTLER).await;
    let list = butler.elders(false).await.unwrap();
    let elder = list.items.iter().find(|e| e.name == "李秀英").unwrap();
    assert!(list.items.iter().all(|e| e.follow_up.is_none()), "none recorded yet");
    let path = format!("/api/v1/elders/{}/check-in-follow-up", elder.id);
    let (status, _) = s.post(&path, butler.token(), json!({ "result": "reached_ok", "note": "电话已接通" })).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let list = butler.elders(false).await.unwrap();
    let row = list.items.iter().find(|e| e.id == elder.id).unwrap();
    let follow_up = row.follow_up.as_ref().expect("the follow-up on the elder's row");
    assert_eq!((follow_up.result.as_str(), follow_up.note.as_str()), ("reached_ok", "电话已接通"));
    assert!(list.items.iter().filter(|e| e.id != elder.id).all(|e| e.follow_up.is_none()), "only on that row");
}

/// The elders' list pages in the order as it stood at the first page: an
/// elder reached between pages (who drops to the end of the present
/// order) neither hides the rest nor shows twice. A follow-up that did
/// not reach the elder keeps them among those to call first.
#[tokio::test]
async fn the_elders_list_pages_without_loss_while_elders_are_reached() {
    let s = TestServer::start().await;
    let admin = s.user(ADMIN).await;
    // Past the check-in time all day: every elder not checked in is to call.
    let mut settings: serde_json::Value = admin.get("/api/v1/settings").await.unwrap();
    settings["check_in_by"] = json!("00:00");
    admin.put::<serde_json::Value>("/api/v1/settings", &settings).await.unwrap();
    let token = admin.token().to_string();
    let ids_of = |page: &serde_json::Value| -> Vec<String> {
        page["items"].as_array().into_iter().flatten().filter_map(|e| e["id"].as_str().map(str::to_string)).collect()
    };
    // More residents in elder mode (the resident of RESIDENT stays one).
    let (_, everyone) = s.get("/api/v1/elders?all=true", &token).await;
    let residents: Vec<String> = everyone["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["elder_mode"] == false)
        .filter_map(|e| e["id"].as_str().map(str::to_string))
        .collect();
    let (_, me) = s.get("/api/v1/me", &s.login(RESIDENT).await).await;
    let resident = me["id"].as_str().expect("the resident's id").to_string();
    for id in residents.iter().filter(|id| **id != resident).take(2) {
        admin.set_elder(id, &json!({ "elder_mode": true, "emergency_contacts": [] })).await.unwrap();
    }
    let (_, whole) = s.get("/api/v1/elders", &token).await;
    let before = ids_of(&whole);
    assert!(before.len() >= 2, "{whole}");
    assert!(whole["items"].as_array().into_iter().flatten().all(|e| e["overdue"] == true), "{whole}");

    let duty = s.user(DUTY).await;
    let (mut seen, mut cursor) = (Vec::new(), None::<String>);
    for step in 0..10 {
        let path = cursor
            .as_ref()
            .map_or("/api/v1/elders?limit=1".to_string(), |c| format!("/api/v1/elders?limit=1&cursor={c}"));
        let (status, page) = s.get(&path, &token).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let shown = ids_of(&page);
        // The elder just shown is reached: in the present order they go last.
        if step == 0 {
            let path = format!("/api/v1/elders/{}/check-in-follow-up", shown[0]);
            let (status, _) = s.post(&path, duty.token(), json!({ "result": "reached_ok" })).await;
            assert_eq!(status, StatusCode::NO_CONTENT);
        }
        seen.extend(shown);
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert_eq!(seen, before, "every elder once, in the first page's order");

    // A new walk: the reached elder last; one not reached stays first.
    let path = format!("/api/v1/elders/{}/check-in-follow-up", before[1]);
    let (status, _) = s.post(&path, duty.token(), json!({ "result": "not_reached" })).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, now) = s.get("/api/v1/elders", &token).await;
    let now = ids_of(&now);
    assert_eq!(now.first(), Some(&before[1]), "not reached: still the first to call");
    assert_eq!(now.last(), Some(&before[0]), "reached: after those still to call");

    // Only elders are followed up on a missed check-in.
    let path = format!("/api/v1/elders/{resident}/check-in-follow-up");
    let (status, body) = s.post(&path, duty.token(), json!({ "result": "reached_ok" })).await;
    assert_eq!((status, body["error"]["detail"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("id")), "{body}");
}

/// Not a pass/fail check on time: prints the press → butler delay.
#[tokio::test]
async fn measure_press_to_butler_delay_over_100_presses() {
    let s = TestServer::start().await;
    let elder = s.user(ELDER).await;
    let mut butler = s.stream(&s.login(BUTLER).await, None).await;
    let mut delays = Vec::new();
    for i in 0..100 {
        let sent = Instant::now();
        let (status, call) = elder.press(&format!("measure-press-{i:04}")).await;
        assert_eq!(status, StatusCode::CREATED);
        let id = call.unwrap().id;
        loop {
            let e = butler.next_of("help_call.updated", Duration::from_secs(2)).await.expect("delivered");
            if e.data["id"] == id.as_str() {
                delays.push(e.received - sent);
                break;
            }
        }
        // Closed, so that the next press is a new call.
        elder.help_act(&id, HelpAction::FalseAlarm).await.unwrap();
    }
    delays.sort();
    println!(
        "press → butler's stream over {} presses: median {:?}, p90 {:?}, worst {:?} (debug build, in-memory db)",
        delays.len(),
        delays[delays.len() / 2],
        delays[delays.len() * 9 / 10],
        delays[delays.len() - 1]
    );
}

/// The help-call list narrows what it reads in SQL before the policy rule
/// (`Actor::help_party`) decides; this checks the two agree for every demo
/// account of both communities, for calls in two buildings, one escalated:
/// the list shows exactly the calls the rule allows, hiding none.
#[tokio::test]
async fn the_help_call_list_shows_exactly_what_the_policy_allows() {
    let s = TestServer::start().await;
    let elder = s.user(ELDER).await;
    let in_building_1 = elder.press("policy-agree-01").await.1.unwrap();
    let neighbour = s.user(RESIDENT_B2).await;
    let in_building_2 = neighbour.press("policy-agree-02").await.1.unwrap();
    let _other_community = s.user(OTHER_RESIDENT).await.press("policy-agree-03").await.1.unwrap();
    s.backend
        .db()
        .query("UPDATE type::record('help_call', $id) SET escalation_level = 1")
        .bind(("id", in_building_2.id.clone()))
        .await
        .unwrap()
        .check()
        .unwrap();

    let mut res = s
        .backend
        .db()
        .query(
            "SELECT record::id(id) AS id, record::id(community) AS community, record::id(building) AS building,
                    record::id(unit) AS unit, escalation_level FROM help_call",
        )
        .await
        .unwrap();
    let calls: Vec<serde_json::Value> = res.take(0).unwrap();
    assert_eq!(calls.len(), 3);
    let accounts = [
        RESIDENT,
        RESIDENT_B2,
        ELDER,
        BUTLER,
        BUTLER_B3,
        WORKER,
        GUARD,
        DUTY,
        ADMIN,
        OTHER_RESIDENT,
        OTHER_BUTLER,
        OTHER_GUARD,
        OTHER_ADMIN,
    ];
    for phone in accounts {
        let user = s.user(phone).await;
        let actor = s.backend.authenticate(user.token()).await.unwrap();
        let mut expected: Vec<String> = calls
            .iter()
            .filter(|c| {
                let text = |k: &str| c[k].as_str().unwrap().to_string();
                let level = u8::try_from(c["escalation_level"].as_u64().unwrap()).unwrap();
                let p = actor.help_party(&text("community"), &text("building"), &text("unit"), level);
                p.caller || p.responder || p.escalated_staff
            })
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect();
        let mut shown = match user.help_calls(false).await {
            Ok(page) => ids(&page),
            Err(e) => {
                assert_eq!(e.status, StatusCode::FORBIDDEN, "{phone}: {e}");
                Vec::new()
            }
        };
        expected.sort();
        shown.sort();
        assert_eq!(shown, expected, "{phone} ({:?})", actor.role);
        if phone == DUTY {
            assert_eq!(shown.len(), 2, "the duty room sees both calls of its community");
        }
        if phone == BUTLER {
            assert!(shown.contains(&in_building_1.id), "the butler sees the call of their building");
        }
    }
}

/// Four presses of the same key at the same instant (a double tap on two
/// connections and the app's retries): every one is answered with the one
/// call, none with "try again", whatever the engine refused in the race.
#[tokio::test]
async fn simultaneous_presses_of_one_key_all_get_the_one_call() {
    let s = TestServer::start().await;
    let elder = s.user(ELDER).await;
    for round in 0..5 {
        let key = format!("race-press-{round:02}");
        let presses = (0..4).map(|_| elder.press(&key));
        let answers = futures::future::join_all(presses).await;
        let mut ids: Vec<String> = answers
            .into_iter()
            .map(|(status, call)| {
                let call = call.unwrap_or_else(|e| panic!("round {round}: {status} {e}"));
                call.id
            })
            .collect();
        ids.dedup();
        assert_eq!(ids.len(), 1, "round {round}: one call for one key");
        elder.help_act(&ids[0], HelpAction::FalseAlarm).await.unwrap();
    }
}

/// Presses with different keys at the same instant (the elder's phone and
/// bedside tablet, a page reloaded, the duty room entering the call the
/// elder phoned in): one call, each press a step of it, never a second
/// call that escalates and texts the family again. Run over several
/// rounds, each closed, so the next round opens a new call.
#[tokio::test]
async fn presses_from_every_device_at_one_instant_are_one_call() {
    let s = TestServer::start().await;
    let elder = s.user(ELDER).await;
    let duty = s.user(DUTY).await;
    let elder_id = s.user(BUTLER).await.elder_id("李秀英").await;
    let mut on_behalf = duty.on_behalf("1", "102", "phone").await;
    on_behalf.resident_id = Some(elder_id);
    let entry = json!({ "on_behalf": on_behalf });
    let mut seen = Vec::new();
    for round in 0..4 {
        let keys: Vec<String> = (0..12).map(|i| format!("burst-{round}-{i:02}-device")).collect();
        let presses = keys.iter().map(|key| elder.press(key));
        let entering = duty.send(Method::POST, "/api/v1/entry/help-calls", Some(&entry));
        let (answers, (status, entered)) = tokio::join!(futures::future::join_all(presses), entering);
        let entered: HelpCall = entered.unwrap_or_else(|e| panic!("round {round}: the entry: {status} {e}"));
        let mut ids: Vec<String> = answers
            .into_iter()
            .map(|(status, call)| call.unwrap_or_else(|e| panic!("round {round}: {status} {e}")).id)
            .collect();
        ids.push(entered.id);
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 1, "round {round}: one call, not {ids:?}");
        let open = elder.help_calls(true).await.unwrap();
        assert_eq!(self::ids(&open), ids, "round {round}: one open call");
        let call = s.user(BUTLER).await.help_call(&ids[0]).await.unwrap();
        let pressed = call.timeline.iter().filter(|e| e.action == Step::Pressed).count();
        let again = call.timeline.iter().filter(|e| e.action == Step::PressedAgain).count();
        assert_eq!(pressed, 1, "round {round}: {:?}", call.timeline);
        // Every press is on the call: the first opened it, the others are
        // steps (the entry, if it came first, opened it instead).
        assert!(again >= 11, "round {round}: {again} presses again: {:?}", call.timeline);
        assert!(!seen.contains(&ids[0]), "round {round}: a new call after the last one closed");
        seen.push(ids[0].clone());
        elder.help_act(&ids[0], HelpAction::FalseAlarm).await.unwrap();
    }
}

/// An elder pressing again and again (or a client pressing in a loop)
/// while the call is open: each press is a step of the call up to
/// `MAX_PRESSES_AGAIN`, then the call is answered without growing.
#[tokio::test]
async fn presses_again_are_recorded_up_to_a_bound() {
    let s = TestServer::start().await;
    let elder = s.user(ELDER).await;
    let max = linli_backend::help::MAX_PRESSES_AGAIN;
    let first = elder.press("bound-press-first").await.1.unwrap();
    for i in 0..max + 10 {
        let (status, call) = elder.press(&format!("bound-press-{i:04}")).await;
        assert_eq!((status, call.map(|c| c.id).ok()), (StatusCode::OK, Some(first.id.clone())), "press {i}");
    }
    let call = s.user(BUTLER).await.help_call(&first.id).await.unwrap();
    let again = call.timeline.iter().filter(|e| e.action == Step::PressedAgain).count();
    assert_eq!(again, max, "{} steps", call.timeline.len());
}

/// An elder with no emergency contact on file: the contacts' step says
/// nobody could be told, never a bare "family notified".
#[tokio::test]
async fn the_contacts_step_says_so_when_there_is_nobody_to_tell() {
    let (mut c, tmp) = config();
    c.help_escalate_secs = Some(1);
    c.help_contacts_secs = Some(2);
    let s = TestServer::start_with(c, tmp).await;
    let butler = s.user(BUTLER).await;
    let elder_id = butler.elder_id("李秀英").await;
    butler.set_elder(&elder_id, &json!({ "elder_mode": true, "emergency_contacts": [] })).await.unwrap();
    let call = s.user(ELDER).await.press("nobody-to-tell-01").await.1.unwrap();
    let deadline = Instant::now() + Duration::from_secs(8);
    loop {
        let now = butler.help_call(&call.id).await.unwrap();
        if let Some(step) = now.timeline.iter().find(|e| e.action == Step::NotifiedContacts) {
            assert!(step.note.contains("没有可通知的紧急联系人"), "{step:?}");
            break;
        }
        assert!(Instant::now() < deadline, "no contacts step: {:?}", now.timeline);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
