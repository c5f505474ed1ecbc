//! The elderly help call over HTTP on a real database: stored before the
//! answer, idempotent, visible to the right people only, escalated on time
//! (also across a restart), contacts notified through a (fake) SMS
//! gateway, handled to the end, and pressable without JavaScript.

use std::time::{Duration, Instant};

use crate::common::*;
use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};

async fn press(s: &TestServer, token: &str, key: &str) -> (StatusCode, Value) {
    s.post("/api/v1/help-calls", token, json!({ "client_key": key })).await
}

async fn act(s: &TestServer, token: &str, id: &str, body: Value) -> (StatusCode, Value) {
    s.post(&format!("/api/v1/help-calls/{id}/actions"), token, body).await
}

fn ids(list: &Value) -> Vec<String> {
    list["items"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn a_call_is_stored_once_per_key_and_reaches_only_the_right_people() {
    let s = TestServer::start().await;
    let elder = s.login(ELDER).await;
    let (status, call) = press(&s, &elder, "press-0001-abcdef").await;
    assert_eq!(status, StatusCode::CREATED, "{call}");
    assert_eq!((call["status"].as_str(), call["escalation_level"].as_u64()), (Some("sent"), Some(0)));
    assert_eq!(call["unit"]["number"], "102");
    assert_eq!(call["timeline"][0]["action"], "pressed");
    let id = call["id"].as_str().unwrap().to_string();

    let (status, again) = press(&s, &elder, "press-0001-abcdef").await;
    assert_eq!((status, again["id"].as_str()), (StatusCode::OK, Some(id.as_str())), "a retry is the same call");

    // A double tap on two connections at the same moment: still one call.
    let key = "press-0002-racing";
    let (a, b) = tokio::join!(press(&s, &elder, key), press(&s, &elder, key));
    assert_eq!(a.1["id"], b.1["id"]);
    let mut codes = [a.0, b.0];
    codes.sort();
    assert_eq!(codes, [StatusCode::OK, StatusCode::CREATED]);

    for phone in [BUTLER, DUTY, ADMIN] {
        let (_, list) = s.get("/api/v1/help-calls?open=true", &s.login(phone).await).await;
        assert!(ids(&list).contains(&id), "{phone} sees the call");
    }
    for phone in [BUTLER_B3, WORKER, GUARD, RESIDENT_B2, OTHER_ADMIN] {
        let token = s.login(phone).await;
        let (_, list) = s.get("/api/v1/help-calls?open=true", &token).await;
        assert!(!ids(&list).contains(&id), "{phone} is not alerted before escalation");
        assert_eq!(s.get(&format!("/api/v1/help-calls/{id}"), &token).await.0, StatusCode::NOT_FOUND, "{phone}");
    }
    let (status, _) = press(&s, &s.login(BUTLER).await, "staff-press-123").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "help is pressed from a home");

    // The key of a call that has ended, pressed again (an app that kept its
    // key, a tablet that missed the update): a new call, never the old one.
    let butler = s.login(BUTLER).await;
    for body in [json!({ "action": "acknowledge" }), json!({ "action": "resolve", "outcome": "resolved" })] {
        let (status, res) = s.post(&format!("/api/v1/help-calls/{id}/actions"), &butler, body).await;
        assert_eq!(status, StatusCode::OK, "{res}");
    }
    let (status, fresh) = press(&s, &elder, "press-0001-abcdef").await;
    assert_eq!((status, fresh["status"].as_str()), (StatusCode::CREATED, Some("sent")), "{fresh}");
    let fresh_id = fresh["id"].as_str().unwrap().to_string();
    assert_ne!(fresh_id, id);
    let (status, retry) = press(&s, &elder, "press-0001-abcdef").await;
    assert_eq!((status, retry["id"].as_str()), (StatusCode::OK, Some(fresh_id.as_str())), "its retry is that call");
    let (_, list) = s.get("/api/v1/help-calls?open=true", &butler).await;
    assert!(ids(&list).contains(&fresh_id), "the butler is alerted again");
    let (status, body) = press(&s, &elder, "bad key!").await;
    assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid"));
    // The key formats clients use: braced UUIDs, base64.
    for key in ["{21bf6647-7ef3-412a-8634-b54bbe487ac7}", "key+/=base64AAAA"] {
        let (status, body) = press(&s, &elder, key).await;
        assert_eq!(status, StatusCode::CREATED, "{key}: {body}");
    }
}

#[tokio::test]
async fn the_stream_tells_the_elder_and_the_butler_and_not_another_building() {
    let s = TestServer::start().await;
    let elder = s.login(ELDER).await;
    let butler = s.login(BUTLER).await;
    let mut elder_stream = s.stream(&elder, None).await;
    let mut butler_stream = s.stream(&butler, None).await;
    let mut other_stream = s.stream(&s.login(BUTLER_B3).await, None).await;

    let (_, call) = press(&s, &elder, "stream-press-0001").await;
    let id = call["id"].as_str().unwrap();
    let alert = butler_stream.next_of("help_call.updated", Duration::from_secs(1)).await.expect("butler alerted");
    assert_eq!((alert.data["id"].as_str(), alert.data["status"].as_str()), (Some(id), Some("sent")));
    assert_eq!(alert.data["unit"], "1号楼 102");
    assert!(other_stream.next_of("help_call.updated", Duration::from_millis(300)).await.is_none());
    elder_stream.next_of("help_call.updated", Duration::from_secs(1)).await.expect("elder sees sent");

    let (status, call) = act(&s, &butler, id, json!({ "action": "acknowledge" })).await;
    assert_eq!(status, StatusCode::OK, "{call}");
    assert_eq!(call["responder"]["name"], "李明");
    let update =
        elder_stream.next_of("help_call.updated", Duration::from_secs(1)).await.expect("elder told who is coming");
    assert_eq!(
        (update.data["status"].as_str(), update.data["responder"].as_str()),
        (Some("acknowledged"), Some("李明"))
    );
    let (_, seen) = s.get(&format!("/api/v1/help-calls/{id}"), &elder).await;
    assert_eq!(seen["allowed_actions"], json!(["false_alarm"]), "the elder can only say it was a mistake");
}

#[tokio::test]
async fn staff_handle_a_call_to_the_end_and_bad_handling_is_refused() {
    let s = TestServer::start().await;
    let elder = s.login(ELDER).await;
    let butler = s.login(BUTLER).await;
    let (_, call) = press(&s, &elder, "handle-press-0001").await;
    let id = call["id"].as_str().unwrap();

    let (status, body) = act(&s, &elder, id, json!({ "action": "acknowledge" })).await;
    assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, "forbidden"));
    let (status, body) = act(&s, &butler, id, json!({ "action": "resolve" })).await;
    assert_eq!((status, body["error"]["detail"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("outcome")));
    let (status, _) = act(&s, &butler, id, json!({ "action": "arrive" })).await;
    assert_eq!(status, StatusCode::OK, "arriving implies acknowledging");
    let (status, done) =
        act(&s, &butler, id, json!({ "action": "resolve", "outcome": "ambulance", "note": "送医院" })).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((done["status"].as_str(), done["outcome"].as_str()), (Some("closed"), Some("ambulance")));
    let steps: Vec<&str> = done["timeline"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(steps, vec!["pressed", "arrive", "resolve"]);
    let (status, body) = act(&s, &butler, id, json!({ "action": "acknowledge" })).await;
    assert_eq!((status, error_code(&body)), (StatusCode::CONFLICT, "conflict"), "a closed call stays closed");

    // Pressed by mistake: closed by the elder, still on the staff's list.
    let (_, call) = press(&s, &elder, "mistake-press-001").await;
    let id = call["id"].as_str().unwrap();
    let (status, call) = act(&s, &elder, id, json!({ "action": "false_alarm" })).await;
    assert_eq!((status, call["outcome"].as_str()), (StatusCode::OK, Some("false_alarm")));
    let (_, all) = s.get("/api/v1/help-calls", &butler).await;
    assert!(ids(&all).contains(&id.to_string()), "staff still see a false alarm");
}

#[tokio::test]
async fn unanswered_calls_escalate_to_all_staff_then_to_the_emergency_contacts() {
    let gateway = FakeGateway::start().await;
    let (mut c, tmp) = config();
    c.help_escalate_secs = Some(2);
    c.help_contacts_secs = Some(4);
    c.sms_url = Some(gateway.url.clone());
    let s = TestServer::start_with(c, tmp).await;
    let butler = s.login(BUTLER).await;
    let (_, elders) = s.get("/api/v1/elders", &butler).await;
    let elder_id = elders["items"].as_array().unwrap().iter().find(|e| e["name"] == "李秀英").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let res = s
        .req(Method::PUT, &format!("/api/v1/residents/{elder_id}/elder"), Some(&butler))
        .json(&json!({ "elder_mode": true, "emergency_contacts": [{ "name": "李华", "phone": "13812345678", "relation": "儿子" }] }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);

    let worker = s.login(WORKER).await;
    let mut worker_stream = s.stream(&worker, None).await;
    let elder = s.login(ELDER).await;
    let pressed = Instant::now();
    let (_, call) = press(&s, &elder, "escalate-press-01").await;
    let id = call["id"].as_str().unwrap().to_string();

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
    let (_, list) = s.get("/api/v1/help-calls?open=true", &worker).await;
    assert!(ids(&list).contains(&id), "an escalated call is visible to all staff");

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
    let (_, call) = s.get(&format!("/api/v1/help-calls/{id}"), &butler).await;
    let steps: Vec<&str> = call["timeline"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(steps, vec!["pressed", "escalated_staff", "notified_contacts"]);

    // Acknowledged calls do not escalate.
    let (_, other) = press(&s, &elder, "escalate-press-02").await;
    act(&s, &butler, other["id"].as_str().unwrap(), json!({ "action": "acknowledge" })).await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let (_, other) = s.get(&format!("/api/v1/help-calls/{}", other["id"].as_str().unwrap()), &butler).await;
    assert_eq!(other["escalation_level"], 0);
}

#[tokio::test]
async fn escalation_survives_a_server_restart() {
    let dir = tempfile::tempdir().unwrap();
    let (mut c, tmp) = config();
    c.db = format!("surrealkv://{}", dir.path().join("db").display());
    c.help_escalate_secs = Some(2);
    c.help_contacts_secs = Some(60);
    let s = TestServer::start_with(c.clone(), tmp).await;
    let elder = s.login(ELDER).await;
    let (_, call) = press(&s, &elder, "restart-press-001").await;
    let id = call["id"].as_str().unwrap().to_string();
    s.stop().await;

    // Down past the deadline; the new process must catch up at once.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let tmp = tempfile::tempdir().unwrap();
    let s = TestServer::start_with(c, tmp).await;
    let started = Instant::now();
    let butler = s.login(BUTLER).await;
    loop {
        let (_, call) = s.get(&format!("/api/v1/help-calls/{id}"), &butler).await;
        if call["escalation_level"] == 1 {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(2), "escalated within a second or so of restart: {call}");
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
    let (_, calls) = s.get("/api/v1/help-calls?open=true", &s.login(DUTY).await).await;
    assert_eq!(calls["items"].as_array().unwrap().len(), 1, "one call, stored");
    let html =
        s.req(Method::GET, "/", None).header(header::COOKIE, &cookie).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("求助已发出"), "the elder's page says it was sent");
    assert!(html.contains(r#"http-equiv="refresh""#), "and refreshes itself without scripts");
}

#[tokio::test]
async fn daily_check_ins_show_on_the_butlers_list() {
    let s = TestServer::start().await;
    let elder = s.login(ELDER).await;
    let butler = s.login(BUTLER).await;
    let (_, before) = s.get("/api/v1/elders", &butler).await;
    let row = before["items"].as_array().unwrap().iter().find(|e| e["name"] == "李秀英").unwrap().clone();
    assert!(row["checked_in_at"].is_null());
    let (status, first) = s.post("/api/v1/check-ins", &elder, json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let (_, second) = s.post("/api/v1/check-ins", &elder, json!({})).await;
    assert_eq!(first["at"], second["at"], "once a day");
    let (_, after) = s.get("/api/v1/elders", &butler).await;
    let row = after["items"].as_array().unwrap().iter().find(|e| e["name"] == "李秀英").unwrap().clone();
    assert_eq!(row["checked_in_at"], first["at"]);
    assert_eq!(row["overdue"], false);
    let (status, _) = s.get("/api/v1/elders", &elder).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, other) = s.get("/api/v1/elders", &s.login(BUTLER_B3).await).await;
    assert!(other["items"].as_array().unwrap().iter().all(|e| e["name"] != "李秀英"), "another building's butler");
}

/// Not a pass/fail check on time: prints the press → butler delay.
#[tokio::test]
async fn measure_press_to_butler_delay_over_100_presses() {
    let s = TestServer::start().await;
    let elder = s.login(ELDER).await;
    let mut butler = s.stream(&s.login(BUTLER).await, None).await;
    let mut delays = Vec::new();
    for i in 0..100 {
        let sent = Instant::now();
        let (status, call) = press(&s, &elder, &format!("measure-press-{i:04}")).await;
        assert_eq!(status, StatusCode::CREATED);
        let id = call["id"].as_str().unwrap().to_string();
        loop {
            let e = butler.next_of("help_call.updated", Duration::from_secs(2)).await.expect("delivered");
            if e.data["id"] == id.as_str() {
                delays.push(e.received - sent);
                break;
            }
        }
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
