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

    let bind = |password: &'static str| {
        s.req(Method::POST, "/api/v1/auth/wechat/bind", None)
            .json(&json!({ "binding_token": ticket, "phone": RESIDENT, "password": password }))
            .send()
    };
    let (status, body) = split(bind("wrong").await.unwrap()).await;
    assert_eq!((status, error_code(&body)), (StatusCode::UNAUTHORIZED, "invalid_credentials"));
    let (status, bound) = split(bind(PASSWORD).await.unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{bound}");
    assert_eq!(bound["user"]["name"], "张伟");
    let (status, _) = split(bind(PASSWORD).await.unwrap()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a ticket is used once");

    let (status, again) = wechat(&s, "code-zhang").await;
    assert_eq!(status, StatusCode::OK);
    let token = again["token"].as_str().expect("a session straight away").to_string();
    assert_eq!(s.get("/api/v1/me", &token).await.1["name"], "张伟");
}

#[tokio::test]
async fn bad_codes_and_a_silent_provider_become_clear_errors() {
    let fake = fake_wechat().await;
    let s = server(&fake).await;
    let (status, body) = wechat(&s, "bad").await;
    assert_eq!((status, error_code(&body)), (StatusCode::UNAUTHORIZED, "unauthenticated"));
    let (status, body) = wechat(&s, "").await;
    assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid"));
    let started = Instant::now();
    let (status, body) = wechat(&s, "slow").await;
    assert_eq!((status, error_code(&body)), (StatusCode::SERVICE_UNAVAILABLE, "unavailable"));
    assert!(started.elapsed() < Duration::from_secs(10), "no hang: {:?}", started.elapsed());
}

#[tokio::test]
async fn a_subscribe_message_goes_out_on_assignment_only_with_a_consent() {
    let fake = fake_wechat().await;
    let s = server(&fake).await;
    // The resident uses the mini-program: bind their open id.
    let (_, first) = wechat(&s, "code-resident").await;
    let (_, bound) = split(
        s.req(Method::POST, "/api/v1/auth/wechat/bind", None)
            .json(&json!({ "binding_token": first["binding_token"], "phone": RESIDENT, "password": PASSWORD }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let resident = bound["token"].as_str().unwrap().to_string();
    let butler = s.login(BUTLER).await;
    let (_, me) = s.get("/api/v1/me", &butler).await;

    let assign = |id: String| {
        let butler = butler.clone();
        let me = me.clone();
        let s = &s;
        async move {
            s.post(
                &format!("/api/v1/repairs/{id}/actions"),
                &butler,
                json!({ "action": "assign", "assignee_id": me["id"] }),
            )
            .await
        }
    };
    // Without a consent: nothing is sent.
    let (_, job) = s.post("/api/v1/repairs", &resident, json!({ "category": "leak" })).await;
    assert_eq!(assign(job["id"].as_str().unwrap().to_string()).await.0, StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert!(fake.sent.lock().unwrap().is_empty(), "no consent, no message");

    // With one consent: one message, and the consent is spent.
    let (status, consents) = s.post("/api/v1/subscriptions", &resident, json!({ "templates": ["job_assigned"] })).await;
    assert_eq!(status, StatusCode::OK, "{consents}");
    let (_, job) = s.post("/api/v1/repairs", &resident, json!({ "category": "light" })).await;
    assert_eq!(assign(job["id"].as_str().unwrap().to_string()).await.0, StatusCode::OK);
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
    let (_, left) = s.get("/api/v1/subscriptions", &resident).await;
    assert_eq!(left["job_assigned"], 0, "the consent was spent");

    let (status, _) = s.post("/api/v1/subscriptions", &resident, json!({ "templates": ["spam"] })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// Binds the demo resident's WeChat and returns their token.
async fn bound_resident(s: &TestServer) -> String {
    let (_, first) = wechat(s, "code-resident").await;
    let (_, bound) = split(
        s.req(Method::POST, "/api/v1/auth/wechat/bind", None)
            .json(&json!({ "binding_token": first["binding_token"], "phone": RESIDENT, "password": PASSWORD }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    bound["token"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_visitor_with_a_long_name_still_gets_the_arrival_message_through() {
    let fake = fake_wechat().await;
    let s = server(&fake).await;
    let resident = bound_resident(&s).await;
    let (status, _) = s.post("/api/v1/subscriptions", &resident, json!({ "templates": ["visitor_arrived"] })).await;
    assert_eq!(status, StatusCode::OK);
    // 22 characters: over the 20 a `thing` value may hold.
    let name = "阿卜杜热合曼·买买提江·艾合买提江·阿不都拉";
    assert_eq!(name.chars().count(), 22);
    let (status, pass) = s.post("/api/v1/passes", &resident, json!({ "visitor_name": name })).await;
    assert_eq!(status, StatusCode::CREATED, "{pass}");
    assert_eq!(pass["visitor_name"], name, "the name is stored whole");
    let guard = s.login(GUARD).await;
    let (status, _) = s.post("/api/v1/gate/admit", &guard, json!({ "code": pass["code"] })).await;
    assert_eq!(status, StatusCode::OK);
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
