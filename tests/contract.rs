//! The API contract: the served OpenAPI document covers every operation of
//! `../shared/API.md`, and every documented operation answers without a
//! server error, for a resident and for the manager. (The fuzzer run by
//! `scripts/test.sh` then checks every answer against its schema.)

use crate::common::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// The map of `../shared/API.md`.
const API_MD: &[(&str, &str)] = &[
    ("POST", "/api/v1/auth/login"),
    ("POST", "/api/v1/auth/wechat"),
    ("POST", "/api/v1/auth/wechat/bind"),
    ("POST", "/api/v1/auth/logout"),
    ("GET", "/api/v1/me"),
    ("POST", "/api/v1/uploads"),
    ("GET", "/api/v1/repair-categories"),
    ("POST", "/api/v1/repairs"),
    ("GET", "/api/v1/repairs"),
    ("GET", "/api/v1/repairs/{id}"),
    ("POST", "/api/v1/repairs/{id}/actions"),
    ("POST", "/api/v1/repairs/{id}/rating"),
    ("POST", "/api/v1/passes"),
    ("GET", "/api/v1/passes"),
    ("DELETE", "/api/v1/passes/{id}"),
    ("POST", "/api/v1/gate/verify"),
    ("POST", "/api/v1/gate/admit"),
    ("GET", "/api/v1/gate/expected"),
    ("POST", "/api/v1/gate/walk-ins"),
    ("POST", "/api/v1/walk-ins/{id}/decision"),
    ("POST", "/api/v1/help-calls"),
    ("GET", "/api/v1/help-calls"),
    ("GET", "/api/v1/help-calls/{id}"),
    ("POST", "/api/v1/help-calls/{id}/actions"),
    ("POST", "/api/v1/check-ins"),
    ("GET", "/api/v1/announcements"),
    ("POST", "/api/v1/announcements"),
    ("POST", "/api/v1/announcements/{id}/read"),
    ("GET", "/api/v1/announcements/{id}/unread"),
    ("GET", "/api/v1/events"),
    ("POST", "/api/v1/events"),
    ("POST", "/api/v1/events/{id}/rsvp"),
    ("DELETE", "/api/v1/events/{id}/rsvp"),
    ("GET", "/api/v1/events/{id}/attendees"),
    ("GET", "/api/v1/buildings"),
    ("PUT", "/api/v1/buildings/{id}/butler"),
    ("GET", "/api/v1/scorecards"),
    ("GET", "/api/v1/butlers/{id}/scorecard"),
    ("GET", "/api/v1/stream"),
];

async fn document(s: &TestServer) -> Value {
    let res = s.req(Method::GET, "/api/v1/openapi.json", None).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            ops.push((method.to_uppercase(), path.clone(), op.clone()));
        }
    }
    ops
}

#[tokio::test]
async fn the_document_covers_the_api_map_with_schemas_and_errors() {
    let s = TestServer::start().await;
    let doc = document(&s).await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let ops = operations(&doc);
    for (method, path) in API_MD {
        assert!(ops.iter().any(|(m, p, _)| m == method && p == path), "{method} {path} is documented");
    }
    for (method, path, op) in &ops {
        let responses = op["responses"].as_object().unwrap();
        assert!(responses.keys().any(|k| k.starts_with('2')), "{method} {path} documents its success");
        for code in ["400", "401", "403", "404", "422"] {
            assert!(responses.contains_key(code), "{method} {path} documents {code}");
        }
        assert!(op["tags"].as_array().is_some_and(|t| !t.is_empty()), "{method} {path} is tagged");
    }
    assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    let login = ops.iter().find(|(m, p, _)| m == "POST" && p == "/api/v1/auth/login").unwrap();
    assert_eq!(login.2["security"], json!([{}]), "signing in needs no token");
    let res = s.req(Method::GET, "/api/docs/", None).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "the interactive page is served");
}

#[tokio::test]
async fn every_documented_operation_answers_without_a_server_error() {
    let s = TestServer::start().await;
    let doc = document(&s).await;
    let tokens = [s.login(RESIDENT).await, s.login(ADMIN).await];
    let mut calls = 0;
    for (method, path, _) in operations(&doc) {
        if path.ends_with("/auth/logout") || path.ends_with("/stream") {
            continue; // would revoke the token / never ends: tested elsewhere
        }
        let url = path.replace("{id}", "zzzzzzzzzzzzzzzzzzzz");
        for token in &tokens {
            let mut req = s.req(Method::from_bytes(method.as_bytes()).unwrap(), &url, Some(token));
            if matches!(method.as_str(), "POST" | "PUT" | "PATCH") {
                req = req.json(&json!({}));
            }
            let res = req.send().await.unwrap();
            let status = res.status();
            assert!(status.as_u16() < 500, "{method} {path}: {status}");
            if !status.is_success() {
                let body: Value = res.json().await.unwrap_or(Value::Null);
                error_code(&body);
            }
            calls += 1;
        }
    }
    assert!(calls >= 100, "{calls} calls");
}
