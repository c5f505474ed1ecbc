//! The help chain under the faults a deployment meets: a slow SMS gateway
//! does not hold up anyone's escalation; an escalation step and its
//! messages are one; WeChat's refusals and token rejections are handled
//! as WeChat documents them; no secret is logged or stored; live streams
//! follow sign-outs, deactivations and butler changes while open; and an
//! elder's tablet presses help long after its session has expired.

use std::time::{Duration, Instant};

use crate::common::*;
use chrono::{DateTime, Utc};
use linli_bench::fakes::{FakeSms, FakeWeChat, SmsMode, WeChatMode};
use linli_model::{
    ErrorCode,
    help::{HelpAction, HelpCall, HelpStatus, Outcome},
    keys::HelpEntryAction as Step,
};
use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};

const APPID: &str = "wx-chain-test";
const SECRET: &str = "chain-test-app-secret-5f0c2e";

/// Gives the demo elder (李秀英, building 1) `n` emergency contacts.
async fn give_contacts(s: &TestServer, n: usize) -> String {
    let butler = s.user(BUTLER).await;
    let id = butler.elder_id("李秀英").await;
    let contacts: Vec<Value> = (0..n)
        .map(|i| json!({ "name": format!("家属{i}"), "phone": format!("1391234500{i}"), "relation": "子女" }))
        .collect();
    butler.set_elder(&id, &json!({ "elder_mode": true, "emergency_contacts": contacts })).await.unwrap();
    id
}

/// A server with drill timings (`staff`, `contacts` seconds), its SMS
/// gateway `sms`, and the demo elder given `contacts` emergency contacts.
async fn sms_server(sms: &FakeSms, timings: (i64, i64), contacts: usize) -> TestServer {
    let (mut c, tmp) = config();
    c.help_escalate_secs = Some(timings.0);
    c.help_contacts_secs = Some(timings.1);
    c.sms_url = Some(sms.url());
    let s = TestServer::start_with(c, tmp).await;
    give_contacts(&s, contacts).await;
    s
}

/// When step `action` of a call's timeline happened, if it did.
fn step_at(call: &HelpCall, action: Step) -> Option<DateTime<Utc>> {
    call.timeline.iter().find(|e| e.action == action).map(|e| e.at)
}

/// Waits (at most `within`) until the call reaches `level`; returns it.
async fn until_level(staff: &User<'_>, id: &str, level: u8, within: Duration) -> HelpCall {
    let started = Instant::now();
    loop {
        let call = staff.help_call(id).await.unwrap();
        if call.escalation_level >= level {
            return call;
        }
        assert!(started.elapsed() < within, "level {level} not reached within {within:?}: {call:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Lateness of a step against its deadline, `secs` after the press.
fn lateness(call: &HelpCall, action: Step, secs: i64) -> chrono::Duration {
    step_at(call, action).unwrap() - (call.created_at + chrono::Duration::seconds(secs))
}

async fn notifications(s: &TestServer, subject: &str) -> Vec<Value> {
    let mut res = s
        .backend
        .db()
        .query("SELECT channel, recipient, status, attempts, error FROM notification WHERE subject = $s")
        .bind(("s", subject.to_string()))
        .await
        .unwrap();
    res.take(0).unwrap()
}

#[tokio::test]
async fn a_slow_gateway_does_not_delay_another_calls_escalation() {
    let sms = FakeSms::start().await.unwrap();
    sms.set_mode(SmsMode::Slow(Duration::from_secs(30))).await.unwrap();
    let s = sms_server(&sms, (1, 2), 5).await;
    let elder = s.user(ELDER).await;
    let duty = s.user(DUTY).await;

    // Four calls reach their contacts: twenty messages that each hang.
    // (One at a time: an elder's presses while a call is open are that
    // call; each is closed once its contacts were texted.)
    for i in 0..4 {
        let call = elder.press_new(&format!("slow-gateway-{i:04}")).await;
        until_level(&duty, &call.id, 2, Duration::from_secs(6)).await;
        duty.help_act_with(&call.id, &json!({ "action": "resolve", "outcome": "resolved" })).await.unwrap();
    }
    assert!(!sms.received().is_empty(), "the gateway is being waited on");

    let call = elder.press_new("slow-gateway-late").await;
    let id = call.id.as_str();
    let call = until_level(&duty, id, 2, Duration::from_secs(6)).await;
    for (action, secs) in [(Step::EscalatedStaff, 1), (Step::NotifiedContacts, 2)] {
        let late = lateness(&call, action, secs);
        assert!(
            late >= chrono::Duration::zero() && late < chrono::Duration::seconds(2),
            "{action:?} {late:?} after its deadline while the gateway hangs"
        );
    }
    assert_eq!(notifications(&s, &format!("help_call:{id}")).await.len(), 5, "one message per contact, queued");
}

#[tokio::test]
async fn an_escalation_step_and_its_messages_are_stored_together_and_survive_a_restart() {
    let sms = FakeSms::start().await.unwrap();
    sms.set_mode(SmsMode::Down).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (mut c, tmp) = config();
    c.db = format!("surrealkv://{}", dir.path().join("db").display());
    c.help_escalate_secs = Some(1);
    c.help_contacts_secs = Some(2);
    c.sms_url = Some(sms.url());
    let s = TestServer::start_with(c.clone(), tmp).await;
    give_contacts(&s, 3).await;
    let id = s.user(ELDER).await.press_new("atomic-step-0001").await.id;
    let subject = format!("help_call:{id}");

    // Whenever level 2 can be seen, its messages are there too.
    let duty = s.user(DUTY).await;
    until_level(&duty, &id, 2, Duration::from_secs(5)).await;
    let queued = notifications(&s, &subject).await;
    assert_eq!(queued.len(), 3, "{queued:?}");
    s.stop().await;

    // The gateway comes back while the server is down; the restarted
    // server delivers each message once.
    sms.set_mode(SmsMode::Ok).await.unwrap();
    let s = TestServer::start_with(c, tempfile::tempdir().unwrap()).await;
    let deadline = Instant::now() + Duration::from_secs(15);
    while sms.distinct_accepted_ids().len() < 3 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(sms.distinct_accepted_ids().len(), 3, "every contact message delivered");
    assert!(sms.resent_ids().is_empty(), "none accepted twice: {:?}", sms.resent_ids());
    assert!(sms.accepted().iter().all(|r| r.reference() == Some(subject.as_str())));
    let stored = notifications(&s, &subject).await;
    assert!(stored.iter().all(|n| n["status"] == "sent"), "{stored:?}");
}

#[tokio::test]
async fn a_refused_text_message_is_recorded_and_not_retried() {
    let sms = FakeSms::start().await.unwrap();
    sms.set_mode(SmsMode::Reject).await.unwrap();
    let s = sms_server(&sms, (1, 1), 1).await;
    let call = s.user(ELDER).await.press_new("rejected-sms-0001").await;
    tokio::time::sleep(Duration::from_secs(6)).await;
    assert_eq!(sms.received().len(), 1, "a 400 is final");
    let stored = notifications(&s, &format!("help_call:{}", call.id)).await;
    assert_eq!(stored[0]["status"], "failed");
    assert!(stored[0]["error"].as_str().unwrap().contains("400"), "{stored:?}");
}

/// A server talking to `wechat`, with the demo elder bound to WeChat and
/// holding one consent for "help is coming"; and the elder's token.
async fn wechat_server(wechat: &FakeWeChat) -> (TestServer, String) {
    let (mut c, tmp) = config();
    c.wechat_api_base = wechat.base();
    c.wechat_appid = Some(APPID.into());
    c.wechat_secret = Some(SECRET.into());
    c.wechat_templates = Some("help_acknowledged=TPL-HELP".into());
    let s = TestServer::start_with(c, tmp).await;
    let (status, answer) = s.wechat_login("elder-code-1").await;
    let answer = answer.unwrap();
    assert_eq!(status, StatusCode::OK, "{answer:?}");
    let ticket = answer.binding_token.expect("binding needed");
    let (status, answer) = s.wechat_bind(&ticket, ELDER, PASSWORD).await;
    let answer = answer.unwrap();
    assert_eq!(status, StatusCode::OK, "{answer:?}");
    let elder = answer.token.unwrap();
    s.with_token(elder.as_str()).subscribe(&["help_acknowledged"]).await.unwrap();
    (s, elder)
}

/// The elder presses, the butler acknowledges: a "help is coming" message.
async fn acknowledged_call(s: &TestServer, elder: &str, key: &str) {
    let call = s.with_token(elder).press_new(key).await;
    s.user(BUTLER).await.help_act(&call.id, HelpAction::Acknowledge).await.unwrap();
}

async fn wechat_rows(s: &TestServer) -> Vec<Value> {
    let mut res = s
        .backend
        .db()
        .query("SELECT status, attempts, error FROM notification WHERE channel = 'wechat'")
        .await
        .unwrap();
    res.take(0).unwrap()
}

#[tokio::test]
async fn a_message_the_user_refused_is_not_retried() {
    let wechat = FakeWeChat::start(APPID, SECRET).await.unwrap();
    wechat.set_mode(WeChatMode::Errcode(43101));
    let (s, elder) = wechat_server(&wechat).await;
    acknowledged_call(&s, &elder, "refused-wechat-01").await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(wechat.sends().len(), 1, "43101 is final: no retry");
    let rows = wechat_rows(&s).await;
    assert_eq!((rows[0]["status"].as_str(), rows[0]["attempts"].as_i64()), (Some("failed"), Some(1)));
    assert!(rows[0]["error"].as_str().unwrap().contains("43101"), "{rows:?}");
}

#[tokio::test]
async fn a_rejected_access_token_is_replaced_at_once() {
    let wechat = FakeWeChat::start(APPID, SECRET).await.unwrap();
    let (s, elder) = wechat_server(&wechat).await;
    wechat.set_mode(WeChatMode::InvalidateTokenOnce);
    acknowledged_call(&s, &elder, "token-rejected-01").await;
    let deadline = Instant::now() + Duration::from_secs(5);
    while wechat.delivered().is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let sends = wechat.sends();
    assert_eq!(sends.len(), 2, "one rejected send, one retried at once: {sends:?}");
    assert_eq!(sends[0].errcode, Some(40001));
    assert!(sends[1].delivered() && sends[1].token != sends[0].token, "the retry used a new token");
    assert!(wechat.token_fetches().iter().all(|f| f.endpoint == "stable_token"), "the stable-token endpoint");
    assert_eq!(wechat_rows(&s).await[0]["status"], "sent");
}

#[tokio::test]
async fn no_secret_reaches_a_log_line_or_a_stored_row_after_failed_wechat_calls() {
    let wechat = FakeWeChat::start(APPID, SECRET).await.unwrap();
    let (s, elder) = wechat_server(&wechat).await;
    // Sends time out (the client gives up after 5 s): the error carries
    // the URL, and with it the access token.
    wechat.set_mode(WeChatMode::Slow(Duration::from_secs(20)));
    acknowledged_call(&s, &elder, "secret-check-0001").await;
    tokio::time::sleep(Duration::from_secs(7)).await;
    assert!(!wechat.sends().is_empty());
    // The identity provider unreachable: the login URL carries the secret
    // and the code.
    let (mut c, tmp) = config();
    c.wechat_api_base = "http://127.0.0.1:9".into();
    c.wechat_appid = Some(APPID.into());
    c.wechat_secret = Some(SECRET.into());
    let down = TestServer::start_with(c, tmp).await;
    let (status, _) = down.wechat_login("login-code-7f3a").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);

    let mut secrets = vec![SECRET.to_string(), "login-code-7f3a".to_string()];
    secrets.extend(wechat.token_fetches().into_iter().filter_map(|f| f.token));
    let logs = logged();
    let rows = serde_json::to_string(&dump(s.backend.db()).await).unwrap();
    for secret in &secrets {
        assert!(!logs.contains(secret.as_str()), "a log line holds a secret");
        assert!(!rows.contains(secret.as_str()), "a stored row holds a secret");
    }
    assert!(wechat_rows(&s).await.iter().any(|r| r["error"].as_str().is_some_and(|e| !e.is_empty())));
}

#[tokio::test]
async fn a_stream_ends_after_sign_out_and_after_deactivation() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let mut stream = s.stream(resident.token(), None).await;
    resident.sign_out().await.unwrap();
    assert!(stream.ends_within(Duration::from_secs(5)).await, "the stream ends after sign-out");

    let worker = s.login(WORKER).await;
    let mut stream = s.stream(&worker, None).await;
    let admin = s.user(ADMIN).await;
    let staff = admin.staff().await.unwrap();
    let id = &staff.items.iter().find(|p| p.name == "刘强").unwrap().id;
    admin.change_staff(id, &json!({ "active": false })).await.unwrap();
    assert!(stream.ends_within(Duration::from_secs(5)).await, "the stream ends after deactivation");
}

/// The `live.callers` figure of `/healthz`: sign-ins checked for open streams.
async fn callers_checked(s: &TestServer) -> u64 {
    let health: Value = s.req(Method::GET, "/healthz", None).send().await.unwrap().json().await.unwrap();
    health["live"]["callers"].as_u64().expect("live.callers")
}

#[tokio::test]
async fn the_streams_of_one_sign_in_share_one_check_and_all_end_with_it() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let mut tabs = Vec::new();
    for _ in 0..3 {
        tabs.push(s.stream(resident.token(), None).await);
    }
    let butler = s.login(BUTLER).await;
    let mut other = s.stream(&butler, None).await;
    other.next_of("ready", Duration::from_secs(2)).await.expect("the butler's stream opens");
    assert_eq!(callers_checked(&s).await, 2, "three tabs of one sign-in and one butler");

    resident.sign_out().await.unwrap();
    for tab in &mut tabs {
        assert!(tab.ends_within(Duration::from_secs(5)).await, "every stream of the signed-out session ends");
    }
    assert!(!other.ends_within(Duration::from_millis(300)).await, "another sign-in's stream stays open");
    let deadline = Instant::now() + Duration::from_secs(5);
    while callers_checked(&s).await != 1 {
        assert!(Instant::now() < deadline, "the ended sign-in is no longer checked");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_reassigned_building_reaches_the_new_butlers_open_stream_only() {
    let s = TestServer::start().await;
    let admin = s.user(ADMIN).await;
    let mut old = s.stream(&s.login(BUTLER).await, None).await;
    let mut new = s.stream(&s.login(BUTLER_B3).await, None).await;
    let b1 = admin.building_id("1").await;
    let staff = admin.staff().await.unwrap();
    let chen = &staff.items.iter().find(|p| p.name == "陈静").unwrap().id;
    admin.assign_butler(&b1, chen).await.unwrap();

    let call = s.user(ELDER).await.press_new("reassigned-0001").await;
    let got = new.next_of("help_call.updated", Duration::from_secs(1)).await.expect("the new butler is alerted");
    assert_eq!(got.data["id"], call.id.as_str());
    assert!(old.next_of("help_call.updated", Duration::from_millis(800)).await.is_none(), "not the former butler");
}

/// The cookies a response sets, as one `Cookie` header value.
fn cookies_of(res: &reqwest::Response) -> String {
    res.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok()?.split(';').next().map(str::to_string))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The help button's form posted with `cookies` and request key `key`.
async fn press_by_form(s: &TestServer, cookies: &str, key: &str) -> reqwest::Response {
    let req = s.req(Method::POST, "/forms/help", None).header(header::COOKIE, cookies);
    req.form(&[("client_key", key)]).send().await.unwrap()
}

/// Signing in again and again on the elder's own screen keeps its help
/// device: no second device is paired, so the ten-device limit never
/// revokes a paired tablet, and the screen's button keeps working.
#[tokio::test]
async fn signing_in_again_on_a_paired_screen_keeps_its_device() {
    let s = TestServer::start().await;
    let sign_in = |cookies: Option<String>| {
        let mut req = s
            .req(Method::POST, "/forms/login", None)
            .header(header::USER_AGENT, "Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X)")
            .form(&[("phone", ELDER), ("password", PASSWORD)]);
        if let Some(c) = cookies {
            req = req.header(header::COOKIE, c);
        }
        async move { cookies_of(&req.send().await.unwrap()) }
    };
    let first = sign_in(None).await;
    let device = first.split("; ").find(|c| c.contains("linli_device=")).expect("paired").to_string();
    for _ in 0..12 {
        let again = sign_in(Some(device.clone())).await;
        assert!(!again.contains("linli_device="), "no new device for the same screen: {again}");
    }
    let butler = s.user(BUTLER).await;
    let elders = butler.elders(false).await.unwrap();
    let elder = elders.items.iter().find(|e| e.name == "李秀英").unwrap();
    let devices = butler.devices(elder.id.as_str()).await.unwrap();
    assert_eq!(devices.items.len(), 1, "one device, still live");
    let res = press_by_form(&s, &device, "kept-device-0001").await;
    assert!(res.headers()[header::LOCATION].to_str().unwrap().starts_with("/?call="), "the screen's button works");
}

#[tokio::test]
async fn an_elders_tablet_presses_help_after_its_session_has_expired() {
    let (mut c, tmp) = config();
    c.session_max_secs = 2;
    let s = TestServer::start_with(c, tmp).await;
    let res = s
        .req(Method::POST, "/forms/login", None)
        .header(header::USER_AGENT, "Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X)")
        .form(&[("phone", ELDER), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    let cookies = cookies_of(&res);
    assert!(cookies.contains("linli_device="), "the elder's screen is paired: {cookies}");
    tokio::time::sleep(Duration::from_millis(2500)).await;

    // The session is over; the screen still opens and the button works,
    // without scripts.
    let res = s.req(Method::GET, "/", None).header(header::COOKIE, &cookies).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "no redirect to the sign-in page");
    let html = res.text().await.unwrap();
    let key = html
        .split(r#"name="client_key" value=""#)
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("the help form")
        .to_string();
    let res = press_by_form(&s, &cookies, &key).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(res.headers()[header::LOCATION].to_str().unwrap().starts_with("/?call="), "stored, not sent to sign in");
    assert_eq!(s.user(DUTY).await.help_calls(true).await.unwrap().items.len(), 1);

    // The device can do nothing else.
    let res = s.req(Method::GET, "/repairs", None).header(header::COOKIE, &cookies).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "other pages need a session");
    let res = s.req(Method::GET, "/api/v1/repairs", None).header(header::COOKIE, &cookies).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "the device is known: signing in again is not the answer");
    let err: Value = res.json().await.unwrap();
    assert_eq!(err["error"]["code"], "forbidden", "{err}");

    // "按错了" works from the tablet too: the call is closed as a false
    // alarm, and the screen is not sent to the sign-in page.
    let call = s.user(DUTY).await.help_calls(true).await.unwrap().items.remove(0);
    let res = s
        .req(Method::POST, &format!("/forms/help/{}/action", call.id), None)
        .header(header::COOKIE, &cookies)
        .form(&[("action", "false_alarm"), ("back", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[header::LOCATION], "/", "back to the help screen");
    let closed = s.user(DUTY).await.help_call(&call.id).await.unwrap();
    assert_eq!((closed.status, closed.outcome), (HelpStatus::Closed, Some(Outcome::FalseAlarm)));

    // The butler sees the tablet and revokes it; it is refused at once.
    let butler = s.user(BUTLER).await;
    let elders = butler.elders(false).await.unwrap();
    let elder = elders.items.iter().find(|e| e.name == "李秀英").unwrap();
    let elder_id = elder.id.as_str();
    assert_eq!(elder.devices[0].label, "平板 tablet");
    let devices = butler.devices(elder_id).await.unwrap();
    let device = &devices.items[0].id;
    let err = s.user(BUTLER_B3).await.devices(elder_id).await.unwrap_err();
    assert_eq!(err.status, StatusCode::NOT_FOUND, "another building's butler");
    butler.revoke_device(elder_id, device).await.unwrap();
    let res = press_by_form(&s, &cookies, "after-revoke-0001").await;
    assert_eq!(res.headers()[header::LOCATION], "/login", "a revoked device is refused");
}

#[tokio::test]
async fn a_mini_program_pairs_a_help_device_that_only_presses_help() {
    let (mut c, tmp) = config();
    c.session_max_secs = 2;
    let s = TestServer::start_with(c, tmp).await;
    let elder = s.user(ELDER).await;
    let device = elder.pair_device(&json!({ "label": "卧室平板" })).await.unwrap();
    let tablet = s.with_token(device.token);
    let err = s.user(RESIDENT).await.pair_device(&json!({})).await.unwrap_err();
    assert_eq!(err.status, StatusCode::FORBIDDEN, "only elders pair help devices");
    tokio::time::sleep(Duration::from_millis(2500)).await;

    let (status, call) = tablet.press("device-press-0001").await;
    assert_eq!(status, StatusCode::CREATED, "{call:?}");
    tablet.check_in().await.unwrap();
    for path in ["/api/v1/me", "/api/v1/repairs", "/api/v1/help-calls", "/api/v1/passes"] {
        let err = tablet.get::<Value>(path).await.unwrap_err();
        assert_eq!((err.status, err.code), (StatusCode::FORBIDDEN, ErrorCode::Forbidden), "{path}");
    }
    // Only the elder's own "pressed by mistake": not a staff action.
    let call = call.unwrap();
    let err = tablet.help_act(&call.id, HelpAction::Acknowledge).await.unwrap_err();
    assert_eq!(err.status, StatusCode::FORBIDDEN);
    // The device follows its call live, by its bearer as by its cookie.
    let mut live = s.stream(tablet.token(), None).await;
    s.user(BUTLER).await.help_act(&call.id, HelpAction::Acknowledge).await.unwrap();
    let update = live.next_of("help_call.updated", Duration::from_secs(5)).await.expect("the tablet hears it");
    assert_eq!(update.data["id"], call.id.as_str());
    let closed = tablet.help_act(&call.id, HelpAction::FalseAlarm).await.unwrap();
    assert_eq!((closed.status, closed.outcome), (HelpStatus::Closed, Some(Outcome::FalseAlarm)));
    // A stranger's token, or a revoked device's, is still 401.
    let stranger = s.with_token("not-a-token-of-anyone-0000000000");
    assert_eq!(stranger.get::<Value>("/api/v1/me").await.unwrap_err().status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn health_shows_every_duty_and_a_failing_channel() {
    let sms = FakeSms::start().await.unwrap();
    sms.set_mode(SmsMode::Down).await.unwrap();
    let s = sms_server(&sms, (1, 1), 1).await;
    s.user(ELDER).await.press_new("health-press-0001").await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let res = s.req(Method::GET, "/healthz", None).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "a failing channel does not take the server out");
    let health: Value = res.json().await.unwrap();
    assert_eq!(health["status"], "degraded");
    let names: Vec<&str> = health["duties"].as_array().unwrap().iter().filter_map(|d| d["name"].as_str()).collect();
    for duty in ["help", "repairs", "purge", "delivery:sms:urgent", "delivery:wechat:normal"] {
        assert!(names.contains(&duty), "{duty} in {names:?}");
    }
    assert!(health["duties"].as_array().unwrap().iter().all(|d| d["healthy"] == true));
    let sms_state = health["channels"].as_array().unwrap().iter().find(|c| c["name"] == "sms").unwrap().clone();
    assert!(sms_state["failing_in_a_row"].as_u64() >= Some(1), "{sms_state}");
    assert_eq!(sms_state["last_failure"], "gateway answered 503");
}

#[tokio::test]
async fn the_check_in_deadline_is_announced_to_the_butler_once() {
    let s = TestServer::start().await;
    let mut butler = s.stream(&s.login(BUTLER).await, None).await;
    let mut other = s.stream(&s.login(BUTLER_B3).await, None).await;
    // Tomorrow at 23:00 (Shanghai), well past the default 10:00: a day the
    // duty running in the background has not announced yet.
    let tomorrow = linli_model::time::local_date(chrono::Utc::now()).succ_opt().unwrap();
    let late = linli_model::time::local_instant(tomorrow, chrono::NaiveTime::from_hms_opt(23, 0, 0).unwrap());
    let announced = s.backend.sweep_check_ins(late).await.unwrap();
    assert_eq!(announced, 1, "the demo elder of 阳光花园 has not checked in");
    let e = butler.next_of("check_in.updated", Duration::from_secs(2)).await.expect("the butler is told");
    assert_eq!(e.data["overdue"], 1);
    assert!(other.next_of("check_in.updated", Duration::from_millis(500)).await.is_none(), "not building 3's butler");
    assert_eq!(s.backend.sweep_check_ins(late).await.unwrap(), 0, "once a day");
    let early = linli_model::time::local_instant(tomorrow, chrono::NaiveTime::from_hms_opt(9, 0, 0).unwrap());
    let (_, fresh) = (s.stop().await, TestServer::start().await);
    assert_eq!(fresh.backend.sweep_check_ins(early).await.unwrap(), 0, "not before the check-in time");
}
