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
        // A parameter in the path is one of the template's `{name}`s, and
        // each of those is declared; the rest are query or header
        // parameters (generated clients put them where this says).
        let params = op["parameters"].as_array().cloned().unwrap_or_default();
        for p in &params {
            let (name, place) = (p["name"].as_str().unwrap_or(""), p["in"].as_str().unwrap_or(""));
            assert_eq!(place == "path", path.contains(&format!("{{{name}}}")), "{method} {path}: {name} in {place}");
        }
        // A page's `limit` declares the range the server takes.
        for p in params.iter().filter(|p| p["name"] == "limit" && p["in"] == "query") {
            let range = (&p["schema"]["minimum"], &p["schema"]["maximum"]);
            assert_eq!(range, (&json!(1), &json!(linli_model::page::MAX_LIMIT)), "{method} {path}: limit's range");
        }
        for name in path.split('{').skip(1).filter_map(|r| r.split('}').next()) {
            assert!(
                params.iter().any(|p| p["name"] == name && p["in"] == "path"),
                "{method} {path}: {{{name}}} declared"
            );
        }
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

/// Names of properties and parameters that hold a value from a closed set
/// (a key the API defines), wherever they occur in the document.
const CLOSED_SETS: &[&str] = &[
    "status",
    "from_status",
    "to_status",
    "category",
    "urgency",
    "action",
    "reason",
    "role",
    "actor_role",
    "tags",
    "trades",
    "outcome",
    "templates",
    "template",
    "kind",
    "state",
    "result",
    "lang",
    "channel",
    "priority",
    "weekdays",
    "audience",
    "my_status",
    "default_urgency",
    "key",
    "scope",
    // regular visits to elders (定期探访)
    "mode",
    "condition",
    // outage notices (issue 18; an outage's `relation` is an enum too, but
    // the name is also an emergency contact's free text)
    "outage_kind",
];

/// Whether `schema` (after `$ref`, `allOf`/`oneOf`/`anyOf`, array items and
/// map values) lists its values.
fn lists_values(doc: &Value, schema: &Value) -> bool {
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.trim_start_matches("#/components/schemas/");
        return lists_values(doc, &doc["components"]["schemas"][name]);
    }
    if schema["enum"].is_array() || schema["const"].is_string() {
        return true;
    }
    for combo in ["allOf", "oneOf", "anyOf"] {
        if let Some(parts) = schema[combo].as_array() {
            let typed: Vec<&Value> = parts.iter().filter(|p| p["type"] != "null").collect();
            return !typed.is_empty() && typed.iter().all(|p| lists_values(doc, p));
        }
    }
    if schema["items"].is_object() {
        return lists_values(doc, &schema["items"]);
    }
    if schema["additionalProperties"].is_object() {
        return lists_values(doc, &schema["additionalProperties"]);
    }
    false
}

#[tokio::test]
async fn every_closed_set_is_listed_as_an_enum() {
    let s = TestServer::start().await;
    let doc = document(&s).await;
    let mut missing = Vec::new();
    for (name, schema) in doc["components"]["schemas"].as_object().unwrap() {
        for (prop, p) in schema["properties"].as_object().into_iter().flatten() {
            if CLOSED_SETS.contains(&prop.as_str()) && !lists_values(&doc, p) {
                missing.push(format!("{name}.{prop}"));
            }
        }
    }
    for (method, path, op) in operations(&doc) {
        for param in op["parameters"].as_array().into_iter().flatten() {
            let name = param["name"].as_str().unwrap_or("");
            if CLOSED_SETS.contains(&name) && !lists_values(&doc, &param["schema"]) {
                missing.push(format!("{method} {path} ?{name}"));
            }
        }
    }
    assert!(missing.is_empty(), "closed sets without an enum: {missing:#?}");
    // The listed values are the wire values (lower-case keys), not the
    // Rust variant names.
    for (name, schema) in doc["components"]["schemas"].as_object().unwrap() {
        for v in schema["enum"].as_array().into_iter().flatten().filter_map(Value::as_str) {
            assert!(!v.chars().any(|c| c.is_ascii_uppercase()), "{name} lists {v:?}, not a wire value");
        }
    }
    // The accepted rating tags are listed, with their labels, by the API.
    let (status, tags) = s.get("/api/v1/rating-tags", &s.login(RESIDENT).await).await;
    assert_eq!(status, StatusCode::OK, "{tags}");
    let keys: Vec<&str> = tags.as_array().unwrap().iter().filter_map(|t| t["key"].as_str()).collect();
    assert!(keys.contains(&"on_time") || !keys.is_empty(), "{tags}");
    assert!(tags.as_array().unwrap().iter().all(|t| t["name"].is_string()), "{tags}");
    let listed = &doc["components"]["schemas"]["RatingTag"]["enum"];
    assert_eq!(
        listed.as_array().map(|a| a.iter().filter_map(Value::as_str).collect::<Vec<_>>()),
        Some(keys),
        "the document and the endpoint list the same tags"
    );
}

/// The shapes the typed client reads through, checked as raw JSON: the
/// model's types default missing fields, so a key the server stopped
/// sending would go unnoticed there. A job carries every field of the
/// route map (`null` where empty), a list is exactly `{items,
/// next_cursor}`, an error exactly `{error: {code, message}}`.
#[tokio::test]
async fn jobs_lists_and_errors_have_the_documented_shape() {
    let s = TestServer::start().await;
    let token = s.login(RESIDENT).await;
    let (status, job) = s.post("/api/v1/repairs", &token, json!({ "category": "leak" })).await;
    assert_eq!(status, StatusCode::CREATED, "{job}");
    let keys =
        ["id", "status", "urgency", "unit", "butler", "assignee", "photos", "timeline", "sla", "allowed_actions"];
    for key in keys {
        assert!(job.get(key).is_some(), "a job has {key}: {job}");
    }
    for key in ["respond_by", "resolve_by", "state"] {
        assert!(job["sla"].get(key).is_some(), "a job's sla has {key}: {job}");
    }
    assert!(job["assignee"].is_null(), "sent as null while nobody is assigned");

    let (status, list) = s.get("/api/v1/repairs", &token).await;
    assert_eq!(status, StatusCode::OK);
    let mut keys: Vec<&str> = list.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["items", "next_cursor"], "{list}");

    let (status, err) = s.get("/api/v1/repairs/no-such-job", &token).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let top: Vec<&str> = err.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(top, ["error"], "{err}");
    let mut keys: Vec<&str> = err["error"].as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["code", "message"], "{err}");
}
