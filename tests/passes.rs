//! Visitor passes over HTTP: invite → verify → admit, every refusal
//! reason, a race between two guards, privacy between units and
//! communities, the visitor's page and its QR code, walk-ins, the entry
//! log as CSV, and the rate limit on guessing.

use std::time::Duration;

use crate::common::*;
use chrono::{Duration as Days, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn invite(s: &TestServer, token: &str, body: Value) -> Value {
    let (status, pass) = s.post("/api/v1/passes", token, body).await;
    assert_eq!(status, StatusCode::CREATED, "{pass}");
    pass
}

fn token_of(pass: &Value) -> String {
    pass["url"].as_str().unwrap().rsplit('/').next().unwrap().to_string()
}

#[tokio::test]
async fn invite_verify_admit_and_a_single_entry_pass_is_then_used_up() {
    let s = TestServer::start().await;
    let resident = s.login(RESIDENT).await;
    let guard = s.login(GUARD).await;
    let mut stream = s.stream(&resident, None).await;
    let pass = invite(
        &s,
        &resident,
        json!({ "visitor_name": "王小明", "visitor_phone": "13912341234", "purpose": "送货", "plate": "粤b 12345" }),
    )
    .await;
    assert!(pass["url"].as_str().unwrap().contains("/v/"));
    assert_eq!(token_of(&pass).len(), 43, "256-bit token");
    let code = pass["code"].as_str().unwrap().to_string();
    assert_eq!(code.len(), 8);
    assert_eq!(pass["visitor_phone"], "139****1234", "masked");
    assert_eq!(pass["plate"], "粤B12345");
    assert_eq!(pass["max_entries"], 1);
    let until = chrono::DateTime::parse_from_rfc3339(pass["valid_until"].as_str().unwrap()).unwrap();
    assert_eq!(
        until.with_timezone(&Utc),
        linli_model::time::end_of_local_day(Utc::now()) + Days::seconds(1),
        "default: until the end of today"
    );

    let (status, verdict) = s.post("/api/v1/gate/verify", &guard, json!({ "code": code.to_lowercase() })).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((verdict["valid"].as_bool(), verdict["pass"]["visitor_name"].as_str()), (Some(true), Some("王小明")));
    assert_eq!(verdict["pass"]["unit"]["label"], "1号楼 101");
    let (_, again) = s.post("/api/v1/gate/verify", &guard, json!({ "token": pass["url"] })).await;
    assert_eq!(again["valid"], true, "verifying twice changes nothing; the QR link works too");

    let (status, entry) = s.post("/api/v1/gate/admit", &guard, json!({ "code": code, "gate": "north" })).await;
    assert_eq!(status, StatusCode::OK, "{entry}");
    assert_eq!(entry["gate"], "north");
    let arrived = stream.next_of("pass.admitted", Duration::from_secs(1)).await.expect("the resident is told");
    assert_eq!((arrived.data["visitor_name"].as_str(), arrived.data["gate"].as_str()), (Some("王小明"), Some("north")));

    let (_, verdict) = s.post("/api/v1/gate/verify", &guard, json!({ "code": code })).await;
    assert_eq!((verdict["valid"].as_bool(), verdict["reason"].as_str()), (Some(false), Some("used_up")));
    let (status, body) = s.post("/api/v1/gate/admit", &guard, json!({ "code": code })).await;
    assert_eq!((status, body["error"]["detail"].as_str()), (StatusCode::CONFLICT, Some("used_up")));

    let (_, mine) = s.get("/api/v1/passes", &resident).await;
    assert_eq!(mine["items"][0]["entries"][0]["gate"], "north", "the resident sees the entry");
}

#[tokio::test]
async fn every_refusal_has_its_reason() {
    let s = TestServer::start().await;
    let resident = s.login(RESIDENT).await;
    let guard = s.login(GUARD).await;
    let now = Utc::now();
    let future = invite(
        &s,
        &resident,
        json!({ "visitor_name": "明天来", "valid_from": now + Days::hours(20), "valid_until": now + Days::hours(30) }),
    )
    .await;
    let revoked = invite(&s, &resident, json!({ "visitor_name": "取消了" })).await;
    let (status, _) = s.delete(&format!("/api/v1/passes/{}", revoked["id"].as_str().unwrap()), &resident).await;
    assert_eq!(status, StatusCode::OK);
    // An expired pass, made by moving a real one's window into the past.
    let expired = invite(&s, &resident, json!({ "visitor_name": "来晚了" })).await;
    s.backend
        .db()
        .query("UPDATE type::record('pass', $id) SET valid_from = $f, valid_until = $u")
        .bind(("id", expired["id"].as_str().unwrap().to_string()))
        .bind(("f", now - Days::hours(5)))
        .bind(("u", now - Days::hours(1)))
        .await
        .unwrap();

    for (input, reason) in [
        (json!({ "code": future["code"] }), "not_yet_valid"),
        (json!({ "code": revoked["code"] }), "revoked"),
        (json!({ "token": expired["url"] }), "expired"),
        (json!({ "code": "ZZZZZZZZ" }), "unknown"),
        (json!({ "token": format!("{}/v/{}", s.base, "x".repeat(43)) }), "unknown"),
        (json!({ "code": "not a code" }), "unknown"),
    ] {
        let (status, verdict) = s.post("/api/v1/gate/verify", &guard, input.clone()).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!((verdict["valid"].as_bool(), verdict["reason"].as_str()), (Some(false), Some(reason)), "{input}");
        let (status, body) = s.post("/api/v1/gate/admit", &guard, input).await;
        assert_eq!((status, body["error"]["detail"].as_str()), (StatusCode::CONFLICT, Some(reason)));
    }
}

#[tokio::test]
async fn two_guards_admitting_a_single_entry_pass_at_once_admit_it_once() {
    let s = TestServer::start().await;
    let resident = s.login(RESIDENT).await;
    let guard = s.login(GUARD).await;
    let duty = s.login(DUTY).await;
    for _ in 0..5 {
        let pass = invite(&s, &resident, json!({ "visitor_name": "抢先" })).await;
        let body = json!({ "code": pass["code"] });
        let (a, b) =
            tokio::join!(s.post("/api/v1/gate/admit", &guard, body.clone()), s.post("/api/v1/gate/admit", &duty, body));
        let mut statuses = [a.0, b.0];
        statuses.sort();
        assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT]);
        let (_, mine) = s.get("/api/v1/passes", &resident).await;
        let row = mine["items"].as_array().unwrap().iter().find(|p| p["id"] == pass["id"]).unwrap().clone();
        assert_eq!((row["entries_used"].as_u64(), row["entries"].as_array().unwrap().len()), (Some(1), 1));
    }
}

#[tokio::test]
async fn passes_stay_within_their_unit_and_community() {
    let s = TestServer::start().await;
    let resident = s.login(RESIDENT).await;
    let pass = invite(&s, &resident, json!({ "visitor_name": "私密" })).await;
    let id = pass["id"].as_str().unwrap();
    let neighbour = s.login(RESIDENT_B2).await;
    let (_, theirs) = s.get("/api/v1/passes", &neighbour).await;
    assert!(theirs["items"].as_array().unwrap().is_empty());
    let (status, body) = s.delete(&format!("/api/v1/passes/{id}"), &neighbour).await;
    assert_eq!((status, error_code(&body)), (StatusCode::NOT_FOUND, "not_found"));
    let (status, _) = s.delete(&format!("/api/v1/passes/{id}"), &s.login(OTHER_RESIDENT).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, verdict) =
        s.post("/api/v1/gate/verify", &s.login(OTHER_GUARD).await, json!({ "code": pass["code"] })).await;
    assert_eq!(verdict["reason"], "unknown", "a guard of another community knows nothing of it");
    let (status, _) = s.post("/api/v1/gate/verify", &resident, json!({ "code": pass["code"] })).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "residents are not guards");
    let (_, mine) = s.get("/api/v1/passes", &resident).await;
    assert_eq!(mine["items"][0]["revoked"], false, "nothing changed");
}

#[tokio::test]
async fn bad_invitations_are_refused_with_the_field_named() {
    let s = TestServer::start().await;
    let resident = s.login(RESIDENT).await;
    let now = Utc::now();
    for (body, field) in [
        (json!({ "visitor_name": "" }), "visitor_name"),
        (json!({ "visitor_name": "名".repeat(31) }), "visitor_name"),
        (json!({ "visitor_name": "a", "visitor_phone": "12345" }), "visitor_phone"),
        (json!({ "visitor_name": "a", "plate": "ABC123" }), "plate"),
        (json!({ "visitor_name": "a", "max_entries": 0 }), "max_entries"),
        (json!({ "visitor_name": "a", "max_entries": 99 }), "max_entries"),
        (
            json!({ "visitor_name": "a", "valid_from": now + Days::hours(2), "valid_until": now + Days::hours(1) }),
            "valid_until",
        ),
        (
            json!({ "visitor_name": "a", "valid_until": now - Days::hours(1), "valid_from": now - Days::hours(2) }),
            "valid_until",
        ),
        (json!({ "visitor_name": "a", "valid_until": now + Days::days(30) }), "valid_until"),
    ] {
        let (status, err) = s.post("/api/v1/passes", &resident, body).await;
        assert_eq!((status, err["error"]["detail"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some(field)), "{err}");
    }
    let (_, mine) = s.get("/api/v1/passes", &resident).await;
    assert!(mine["items"].as_array().unwrap().is_empty(), "nothing stored");
}

#[tokio::test]
async fn the_visitors_page_shows_the_qr_and_code_and_nothing_private() {
    let s = TestServer::start().await;
    let resident = s.login(RESIDENT).await;
    let pass = invite(&s, &resident, json!({ "visitor_name": "访客甲", "visitor_phone": "13912341234" })).await;
    let url = pass["url"].as_str().unwrap().to_string();
    let page = s.client.get(&url).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK, "no login needed");
    let html = page.text().await.unwrap();
    assert!(html.contains("阳光花园") && html.contains("1号楼") && html.contains(pass["code"].as_str().unwrap()));
    for private in ["张伟", "101", "13800000001", "13912341234", "139****1234"] {
        assert!(!html.contains(private), "the visitor page leaks {private}");
    }

    let png = s.client.get(pass["qr_png_url"].as_str().unwrap()).send().await.unwrap();
    assert_eq!(png.headers()["content-type"], "image/png");
    let img = image::load_from_memory(&png.bytes().await.unwrap()).unwrap().to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(img);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1);
    let (_, content) = grids[0].decode().unwrap();
    assert_eq!(content, url, "the QR code decodes to the pass link");
    let svg = s.client.get(pass["qr_svg_url"].as_str().unwrap()).send().await.unwrap();
    assert!(svg.headers()["content-type"].to_str().unwrap().starts_with("image/svg+xml"));

    let missing = s.client.get(format!("{}/v/{}", s.base, "y".repeat(43))).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let missing_qr = s.client.get(format!("{}/v/{}/qr.png", s.base, "y".repeat(43))).send().await.unwrap();
    assert_eq!(missing_qr.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_walk_in_is_approved_by_the_unit_live() {
    let s = TestServer::start().await;
    let guard = s.login(GUARD).await;
    let resident = s.login(RESIDENT).await;
    let mut resident_stream = s.stream(&resident, None).await;
    let mut guard_stream = s.stream(&guard, None).await;
    let (_, units) = s.get("/api/v1/gate/units", &guard).await;
    let unit = units.as_array().unwrap().iter().find(|u| u["label"] == "1号楼 101").unwrap()["id"].clone();
    let (status, walk_in) = s
        .post("/api/v1/gate/walk-ins", &guard, json!({ "visitor_name": "快递员", "unit": unit, "purpose": "送快递" }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{walk_in}");
    let asked =
        resident_stream.next_of("walk_in.requested", Duration::from_secs(1)).await.expect("the unit is asked live");
    assert_eq!(asked.data["visitor_name"], "快递员");
    let id = walk_in["id"].as_str().unwrap();

    let (status, _) = s
        .post(&format!("/api/v1/walk-ins/{id}/decision"), &s.login(RESIDENT_B2).await, json!({ "approve": true }))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "only that unit decides");
    let (status, decided) =
        s.post(&format!("/api/v1/walk-ins/{id}/decision"), &resident, json!({ "approve": true })).await;
    assert_eq!((status, decided["status"].as_str()), (StatusCode::OK, Some("approved")));
    let answer =
        guard_stream.next_of("walk_in.decided", Duration::from_secs(1)).await.expect("the guard sees the answer live");
    assert_eq!(answer.data["status"], "approved");
    let (status, _) = s.post(&format!("/api/v1/walk-ins/{id}/decision"), &resident, json!({ "approve": false })).await;
    assert_eq!(status, StatusCode::CONFLICT, "answered once");
}

#[tokio::test]
async fn the_entry_log_exports_as_utf8_csv_and_personal_data_is_purged() {
    let s = TestServer::start().await;
    let resident = s.login(RESIDENT).await;
    let guard = s.login(GUARD).await;
    let admin = s.login(ADMIN).await;
    let pass = invite(&s, &resident, json!({ "visitor_name": "李四,\"老李\"", "visitor_phone": "13912341234" })).await;
    s.post("/api/v1/gate/admit", &guard, json!({ "code": pass["code"] })).await;
    let res = s.req(Method::GET, "/api/v1/gate/entries?format=csv", Some(&admin)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let bytes = res.bytes().await.unwrap();
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "UTF-8 with BOM");
    let csv = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "时间,门岗,访客,房号,车牌,门卫");
    assert!(
        lines[1].contains("北门")
            && lines[1].contains("\"李四,\"\"老李\"\"\"")
            && lines[1].contains("1号楼 101")
            && lines[1].contains("赵刚"),
        "{}",
        lines[1]
    );
    assert_eq!(lines.len(), 2);
    let (status, _) = s.get("/api/v1/gate/entries", &guard).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the log is the manager's");

    // After the retention period the visitor's name and phone are gone.
    s.backend.db().query("UPDATE pass SET valid_until = $t").bind(("t", Utc::now() - Days::days(91))).await.unwrap();
    s.backend.purge_visitors(Days::days(90)).await.unwrap();
    let (_, mine) = s.get("/api/v1/passes", &resident).await;
    assert_eq!(mine["items"][0]["visitor_name"], "（已清除）");
    assert!(mine["items"][0]["visitor_phone"].is_null());
    assert_eq!(mine["items"][0]["entries"].as_array().unwrap().len(), 1, "the entry itself stays");
}

#[tokio::test]
async fn guessing_codes_hits_the_rate_limit() {
    let s = TestServer::start().await;
    let guard = s.login(GUARD).await;
    let mut limited = false;
    for i in 0..80 {
        let (status, _) = s.post("/api/v1/gate/verify", &guard, json!({ "code": format!("ABCD{:04}", i) })).await;
        if status == StatusCode::TOO_MANY_REQUESTS {
            limited = true;
            assert!(i >= 50, "not before a guard's normal pace");
            break;
        }
    }
    assert!(limited, "guessing is throttled");
}
