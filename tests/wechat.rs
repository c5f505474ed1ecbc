//! The mini-program backend against a fake identity provider and message
//! API on loopback: first login → bind → login again; a bad code; a
//! provider that does not answer; subscribe messages sent only with a
//! consent.

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use crate::common::*;
use axum::{
    Json, Router,
    extract::Query,
    routing::{get, post},
};
use linli_model::ErrorCode;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// A fake WeChat: codes `code-*` map to open ids `openid-*`, except
/// `bad` (invalid code) and `slow` (never answers in time).
struct FakeWeChat {
    base: String,
    sent: Arc<Mutex<Vec<Value>>>,
}

async fn fake_wechat() -> FakeWeChat {
    let sent = Arc::new(Mutex::new(Vec::new()));
    let store = sent.clone();
    let app = Router::new()
        .route(
            "/sns/jscode2session",
            get(|Query(q): Query<std::collections::HashMap<String, String>>| async move {
                assert_eq!(q.get("appid").map(String::as_str), Some("wx-test-app"));
                assert_eq!(q.get("secret").map(String::as_str), Some("test-secret"));
                let code = q.get("js_code").cloned().unwrap_or_default();
                match code.as_str() {
                    "bad" => Json(json!({ "errcode": 40029, "errmsg": "invalid code" })),
                    "slow" => {
                        tokio::time::sleep(Duration::from_secs(30)).await;
                        Json(json!({}))
                    }
                    c => Json(json!({ "openid": c.replace("code-", "openid-"), "session_key": "SECRET-SESSION-KEY" })),
                }
            }),
        )
        .route("/cgi-bin/stable_token", post(|| async { Json(json!({ "access_token": "AT", "expires_in": 7200 })) }))
        .route(
            "/cgi-bin/message/subscribe/send",
            post(move |Json(body): Json<Value>| {
                let store = store.clone();
                async move {
                    // Values are checked as WeChat documents them: a value
                    // that breaks its field's rule is refused with 47003.
                    let refused = linli_bench::fakes::invalid_subscribe_value(&body["data"]);
                    let errcode = if refused.is_some() { 47003 } else { 0 };
                    let mut body = body;
                    body["answered_errcode"] = json!(errcode);
                    store.lock().unwrap().push(body);
                    Json(json!({ "errcode": errcode, "errmsg": refused.map_or("ok".to_string(), |k| format!("argument invalid! data.{k}.value invalid")) }))
                }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    FakeWeChat { base, sent }
}

async fn server(fake: &FakeWeChat) -> TestServer {
    let (mut c, tmp) = config();
    c.wechat_api_base = fake.base.clone();
    c.wechat_appid = Some("wx-test-app".into());
    c.wechat_secret = Some("test-secret".into());
    c.wechat_templates = Some("job_assigned=TPL-ASSIGNED,job_resolved=TPL-RESOLVED,visitor_arrived=TPL-ARRIVED".into());
    TestServer::start_with(c, tmp).await
}

/// `POST /api/v1/auth/wechat` as raw JSON, for what must not be in it.
async fn wechat(s: &TestServer, code: &str) -> (StatusCode, Value) {
    split(s.req(Method::POST, "/api/v1/auth/wechat", None).json(&json!({ "code": code })).send().await.unwrap()).await
}

#[tokio::test]
async fn first_login_binds_then_the_open_id_signs_in_directly() {
    let fake = fake_wechat().await;
    let s = server(&fake).await;
    let (status, first) = wechat(&s, "code-zhang").await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(first["binding_required"], true);
    assert!(first.get("token").is_none());
    assert!(!first.to_string().contains("SECRET-SESSION-KEY"), "the provider's session key never leaves the server");
    let ticket = first["binding_token"].as_str().unwrap().to_string();

    let err = s.wechat_bind(&ticket, RESIDENT, "wrong").await.1.unwrap_err();
    assert_eq!((err.status, err.code), (StatusCode::UNAUTHORIZED, ErrorCode::InvalidCredentials));
    let (status, bound) = s.wechat_bind(&ticket, RESIDENT, PASSWORD).await;
    let bound = bound.unwrap();
    assert_eq!(status, StatusCode::OK, "{bound:?}");
    assert_eq!(bound.user.unwrap().name, "张伟");
    let (status, _) = s.wechat_bind(&ticket, RESIDENT, PASSWORD).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a ticket is used once");

    let (status, again) = s.wechat_login("code-zhang").await;
    assert_eq!(status, StatusCode::OK);
    let token = again.unwrap().token.expect("a session straight away");
    assert_eq!(s.with_token(token).me().await.unwrap().name, "张伟");
}

#[tokio::test]
async fn bad_codes_and_a_silent_provider_become_clear_errors() {
    let fake = fake_wechat().await;
    let s = server(&fake).await;
    let err = s.wechat_login("bad").await.1.unwrap_err();
    assert_eq!((err.status, err.code), (StatusCode::UNAUTHORIZED, ErrorCode::Unauthenticated));
    let err = s.wechat_login("").await.1.unwrap_err();
    assert_eq!((err.status, err.code), (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::Invalid));
    let started = Instant::now();
    let err = s.wechat_login("slow").await.1.unwrap_err();
    assert_eq!((err.status, err.code), (StatusCode::SERVICE_UNAVAILABLE, ErrorCode::Unavailable));
    assert!(started.elapsed() < Duration::from_secs(10), "no hang: {:?}", started.elapsed());
}

#[tokio::test]
async fn a_subscribe_message_goes_out_on_assignment_only_with_a_consent() {
    let fake = fake_wechat().await;
    let s = server(&fake).await;
    // The resident uses the mini-program: bind their open id.
    let resident = bound_resident(&s).await;
    let resident = s.with_token(resident);
    let butler = s.user(BUTLER).await;
    let me = butler.me().await.unwrap();

    // Without a consent: nothing is sent.
    let job = resident.report(&json!({ "category": "leak" })).await.unwrap();
    butler.assign(&job.id, &me.id).await.unwrap();
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert!(fake.sent.lock().unwrap().is_empty(), "no consent, no message");

    // With one consent: one message, and the consent is spent.
    resident.subscribe(&["job_assigned"]).await.unwrap();
    let job = resident.report(&json!({ "category": "light" })).await.unwrap();
    butler.assign(&job.id, &me.id).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while fake.sent.lock().unwrap().is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let sent = fake.sent.lock().unwrap().clone();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(
        (sent[0]["touser"].as_str(), sent[0]["template_id"].as_str()),
        (Some("openid-resident"), Some("TPL-ASSIGNED"))
    );
    let left = resident.consents().await.unwrap();
    assert_eq!(left.get("job_assigned"), Some(&0), "the consent was spent");

    let err = resident.subscribe(&["spam"]).await.unwrap_err();
    assert_eq!(err.status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// Binds the demo resident's WeChat and returns their token.
async fn bound_resident(s: &TestServer) -> String {
    let first = s.wechat_login("code-resident").await.1.unwrap();
    let ticket = first.binding_token.expect("binding needed");
    s.wechat_bind(&ticket, RESIDENT, PASSWORD).await.1.unwrap().token.expect("a session")
}

#[tokio::test]
async fn a_visitor_with_a_long_name_still_gets_the_arrival_message_through() {
    let fake = fake_wechat().await;
    let s = server(&fake).await;
    let resident = s.with_token(bound_resident(&s).await);
    resident.subscribe(&["visitor_arrived"]).await.unwrap();
    // 22 characters: over the 20 a `thing` value may hold.
    let name = "阿卜杜热合曼·买买提江·艾合买提江·阿不都拉";
    assert_eq!(name.chars().count(), 22);
    let pass = resident.invite(&json!({ "visitor_name": name })).await.unwrap();
    assert_eq!(pass.pass.visitor_name, name, "the name is stored whole");
    s.user(GUARD).await.admit(&json!({ "code": pass.code })).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while fake.sent.lock().unwrap().is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let sent = fake.sent.lock().unwrap().clone();
    assert_eq!(sent.len(), 1, "sent once, not retried: {sent:?}");
    assert_eq!(sent[0]["answered_errcode"], 0, "WeChat took it: {}", sent[0]);
    let thing = sent[0]["data"]["thing1"]["value"].as_str().unwrap();
    assert_eq!(thing.chars().count(), 20, "{thing}");
    assert!(thing.starts_with("阿卜杜热合曼") && thing.ends_with('…'), "{thing}");
    let time = sent[0]["data"]["time3"]["value"].as_str().unwrap();
    assert_eq!(time.len(), 5, "a time of day: {time}");
}
