//! Visitor passes over HTTP: invite → verify → admit, every refusal
//! reason, a race between two guards, privacy between units and
//! communities, the visitor's page and its QR code, walk-ins, the entry
//! log as CSV, and the rate limit on guessing.

use std::time::Duration;

use crate::common::*;
use chrono::{Duration as Days, Utc};
use linli_model::{
    ErrorCode,
    keys::WalkInStatus,
    pass::{CreatedPass, Reason},
};
use reqwest::{Method, StatusCode};
use serde_json::json;

fn token_of(pass: &CreatedPass) -> String {
    pass.url.rsplit('/').next().unwrap().to_string()
}

#[tokio::test]
async fn invite_verify_admit_and_a_single_entry_pass_is_then_used_up() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let guard = s.user(GUARD).await;
    let mut stream = s.stream(resident.token(), None).await;
    let pass = resident
        .invite(&json!({ "visitor_name": "王小明", "visitor_phone": "13912341234", "purpose": "送货", "plate": "粤b 12345" }))
        .await
        .unwrap();
    assert!(pass.url.contains("/v/"));
    assert_eq!(token_of(&pass).len(), 43, "256-bit token");
    let code = pass.code.clone();
    assert_eq!(code.len(), 8);
    assert_eq!(pass.pass.visitor_phone.as_deref(), Some("139****1234"), "masked");
    assert_eq!(pass.pass.plate.as_deref(), Some("粤B12345"));
    assert_eq!(pass.pass.max_entries, 1);
    assert_eq!(
        pass.pass.valid_until,
        linli_model::time::end_of_local_day(Utc::now()) + Days::seconds(1),
        "default: until the end of today"
    );

    let verdict = guard.verify(&json!({ "code": code.to_lowercase() })).await.unwrap();
    let seen = verdict.pass.as_ref().unwrap();
    assert_eq!((verdict.valid, seen.visitor_name.as_str()), (true, "王小明"));
    assert_eq!(seen.unit.label, "1号楼 101");
    let again = guard.verify(&json!({ "token": pass.url })).await.unwrap();
    assert!(again.valid, "verifying twice changes nothing; the QR link works too");

    let entry = guard.admit(&json!({ "code": code, "gate": "north" })).await.unwrap();
    assert_eq!(entry.gate, "north");
    let arrived = stream.next_of("pass.admitted", Duration::from_secs(1)).await.expect("the resident is told");
    assert_eq!((arrived.data["visitor_name"].as_str(), arrived.data["gate"].as_str()), (Some("王小明"), Some("north")));

    let verdict = guard.verify(&json!({ "code": code })).await.unwrap();
    assert_eq!((verdict.valid, verdict.reason), (false, Some(Reason::UsedUp)));
    let err = guard.admit(&json!({ "code": code })).await.unwrap_err();
    assert_eq!((err.status, err.detail.as_deref()), (StatusCode::CONFLICT, Some("used_up")));

    let mine = resident.passes().await.unwrap();
    assert_eq!(mine.items[0].entries[0].gate, "north", "the resident sees the entry");
}

#[tokio::test]
async fn every_refusal_has_its_reason() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let guard = s.user(GUARD).await;
    let now = Utc::now();
    let future = resident
        .invite(&json!({ "visitor_name": "明天来", "valid_from": now + Days::hours(20), "valid_until": now + Days::hours(30) }))
        .await
        .unwrap();
    let revoked = resident.invite(&json!({ "visitor_name": "取消了" })).await.unwrap();
    resident.revoke_pass(&revoked.pass.id).await.unwrap();
    // An expired pass, made by moving a real one's window into the past.
    let expired = resident.invite(&json!({ "visitor_name": "来晚了" })).await.unwrap();
    s.backend
        .db()
        .query("UPDATE type::record('pass', $id) SET valid_from = $f, valid_until = $u")
        .bind(("id", expired.pass.id.clone()))
        .bind(("f", now - Days::hours(5)))
        .bind(("u", now - Days::hours(1)))
        .await
        .unwrap();

    for (input, reason) in [
        (json!({ "code": future.code }), Reason::NotYetValid),
        (json!({ "code": revoked.code }), Reason::Revoked),
        (json!({ "token": expired.url }), Reason::Expired),
        (json!({ "code": "ZZZZZZZZ" }), Reason::Unknown),
        (json!({ "token": format!("{}/v/{}", s.base, "x".repeat(43)) }), Reason::Unknown),
        (json!({ "code": "not a code" }), Reason::Unknown),
    ] {
        let verdict = guard.verify(&input).await.unwrap();
        assert_eq!((verdict.valid, verdict.reason), (false, Some(reason)), "{input}");
        let err = guard.admit(&input).await.unwrap_err();
        assert_eq!((err.status, err.detail.as_deref()), (StatusCode::CONFLICT, Some(reason.as_str())));
    }
}

#[tokio::test]
async fn two_guards_admitting_a_single_entry_pass_at_once_admit_it_once() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let guard = s.user(GUARD).await;
    let duty = s.user(DUTY).await;
    for _ in 0..5 {
        let pass = resident.invite(&json!({ "visitor_name": "抢先" })).await.unwrap();
        let body = json!({ "code": pass.code });
        let (a, b) = tokio::join!(guard.admit(&body), duty.admit(&body));
        // `admit` answers 200 when it succeeds.
        let mut statuses = [a, b].map(|r| r.map_or_else(|e| e.status, |_| StatusCode::OK));
        statuses.sort();
        assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT]);
        let mine = resident.passes().await.unwrap();
        let row = mine.items.iter().find(|p| p.id == pass.pass.id).unwrap();
        assert_eq!((row.entries_used, row.entries.len()), (1, 1));
    }
}

#[tokio::test]
async fn passes_stay_within_their_unit_and_community() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let pass = resident.invite(&json!({ "visitor_name": "私密" })).await.unwrap();
    let id = &pass.pass.id;
    let neighbour = s.user(RESIDENT_B2).await;
    assert!(neighbour.passes().await.unwrap().items.is_empty());
    let err = neighbour.revoke_pass(id).await.unwrap_err();
    assert_eq!((err.status, err.code), (StatusCode::NOT_FOUND, ErrorCode::NotFound));
    let err = s.user(OTHER_RESIDENT).await.revoke_pass(id).await.unwrap_err();
    assert_eq!(err.status, StatusCode::NOT_FOUND);
    let verdict = s.user(OTHER_GUARD).await.verify(&json!({ "code": pass.code })).await.unwrap();
    assert_eq!(verdict.reason, Some(Reason::Unknown), "a guard of another community knows nothing of it");
    let err = resident.verify(&json!({ "code": pass.code })).await.unwrap_err();
    assert_eq!(err.status, StatusCode::FORBIDDEN, "residents are not guards");
    let mine = resident.passes().await.unwrap();
    assert!(!mine.items[0].revoked, "nothing changed");
}

#[tokio::test]
async fn bad_invitations_are_refused_with_the_field_named() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
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
        let err = resident.invite(&body).await.unwrap_err();
        assert_eq!((err.status, err.detail.as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some(field)), "{err}");
    }
    assert!(resident.passes().await.unwrap().items.is_empty(), "nothing stored");
}

#[tokio::test]
async fn the_visitors_page_shows_the_qr_and_code_and_nothing_private() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let pass = resident.invite(&json!({ "visitor_name": "访客甲", "visitor_phone": "13912341234" })).await.unwrap();
    let url = pass.url.clone();
    let page = s.client.get(&url).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK, "no login needed");
    let html = page.text().await.unwrap();
    assert!(html.contains("阳光花园") && html.contains("1号楼") && html.contains(&pass.code));
    // The unit number as it would be shown (the bare digits "101" can occur
    // by chance inside the random code and token of the page's own links).
    for private in ["张伟", "1号楼 101", "101室", ">101<", "13800000001", "13912341234", "139****1234"] {
        assert!(!html.contains(private), "the visitor page leaks {private}");
    }

    let png = s.client.get(&pass.qr_png_url).send().await.unwrap();
    assert_eq!(png.headers()["content-type"], "image/png");
    let img = image::load_from_memory(&png.bytes().await.unwrap()).unwrap().to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(img);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1);
    let (_, content) = grids[0].decode().unwrap();
    assert_eq!(content, url, "the QR code decodes to the pass link");
    let svg = s.client.get(&pass.qr_svg_url).send().await.unwrap();
    assert!(svg.headers()["content-type"].to_str().unwrap().starts_with("image/svg+xml"));

    let missing = s.client.get(format!("{}/v/{}", s.base, "y".repeat(43))).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let missing_qr = s.client.get(format!("{}/v/{}/qr.png", s.base, "y".repeat(43))).send().await.unwrap();
    assert_eq!(missing_qr.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_walk_in_is_approved_by_the_unit_live() {
    let s = TestServer::start().await;
    let guard = s.user(GUARD).await;
    let resident = s.user(RESIDENT).await;
    let mut resident_stream = s.stream(resident.token(), None).await;
    let mut guard_stream = s.stream(guard.token(), None).await;
    let units = guard.gate_units().await.unwrap();
    let unit = &units.iter().find(|u| u.label == "1号楼 101").unwrap().id;
    let walk_in = guard.walk_in(&json!({ "visitor_name": "快递员", "unit": unit, "purpose": "送快递" })).await.unwrap();
    let asked =
        resident_stream.next_of("walk_in.requested", Duration::from_secs(1)).await.expect("the unit is asked live");
    assert_eq!(asked.data["visitor_name"], "快递员");
    let id = &walk_in.id;

    let err = s.user(RESIDENT_B2).await.decide(id, true).await.unwrap_err();
    assert_eq!(err.status, StatusCode::NOT_FOUND, "only that unit decides");
    let decided = resident.decide(id, true).await.unwrap();
    assert_eq!(decided.status, WalkInStatus::Approved);
    let answer =
        guard_stream.next_of("walk_in.decided", Duration::from_secs(1)).await.expect("the guard sees the answer live");
    assert_eq!(answer.data["status"], "approved");
    let err = resident.decide(id, false).await.unwrap_err();
    assert_eq!(err.status, StatusCode::CONFLICT, "answered once");
}

#[tokio::test]
async fn the_entry_log_exports_as_utf8_csv_and_personal_data_is_purged() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let guard = s.user(GUARD).await;
    let admin = s.user(ADMIN).await;
    let pass =
        resident.invite(&json!({ "visitor_name": "李四,\"老李\"", "visitor_phone": "13912341234" })).await.unwrap();
    guard.admit(&json!({ "code": pass.code })).await.unwrap();
    let res = s.req(Method::GET, "/api/v1/gate/entries?format=csv", Some(admin.token())).send().await.unwrap();
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
    let err = guard.entries().await.unwrap_err();
    assert_eq!(err.status, StatusCode::FORBIDDEN, "the log is the manager's");

    // After the retention period the visitor's name and phone are gone.
    s.backend.db().query("UPDATE pass SET valid_until = $t").bind(("t", Utc::now() - Days::days(91))).await.unwrap();
    s.backend.purge_visitors(Days::days(90)).await.unwrap();
    let mine = resident.passes().await.unwrap();
    assert_eq!(mine.items[0].visitor_name, "（已清除）");
    assert!(mine.items[0].visitor_phone.is_none());
    assert_eq!(mine.items[0].entries.len(), 1, "the entry itself stays");
}

#[tokio::test]
async fn guessing_codes_hits_the_rate_limit() {
    let s = TestServer::start().await;
    let guard = s.user(GUARD).await;
    let mut limited = false;
    for i in 0..80 {
        let verdict = guard.verify(&json!({ "code": format!("ABCD{:04}", i) })).await;
        if verdict.is_err_and(|e| e.status == StatusCode::TOO_MANY_REQUESTS) {
            limited = true;
            assert!(i >= 50, "not before a guard's normal pace");
            break;
        }
    }
    assert!(limited, "guessing is throttled");
}

/// A page longer than the entries are read at a time (32 passes, see
/// `IN_LIST_MAX` in backend/src/record.rs) shows every pass with its own
/// entries, those of the passes read in the second batch too.
#[tokio::test]
async fn a_long_page_of_passes_shows_each_pass_with_its_own_entries() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let guard = s.user(GUARD).await;
    let mut codes = Vec::new();
    for i in 0..40 {
        let pass = resident.invite(&json!({ "visitor_name": format!("访客{i}"), "max_entries": 3 })).await.unwrap();
        codes.push(pass.code);
    }
    // The first pass made is last on the page (newest first): read in the
    // second batch; the newest in the first.
    guard.admit(&json!({ "code": codes[0], "gate": "north" })).await.unwrap();
    guard.admit(&json!({ "code": codes[0], "gate": "south" })).await.unwrap();
    guard.admit(&json!({ "code": codes[39], "gate": "east" })).await.unwrap();
    let page = resident.passes_page(50).await.unwrap();
    assert_eq!(page.items.len(), 40);
    for pass in &page.items {
        let gates: Vec<&str> = pass.entries.iter().map(|e| e.gate.as_str()).collect();
        let want: &[&str] = match pass.visitor_name.as_str() {
            "访客0" => &["north", "south"],
            "访客39" => &["east"],
            _ => &[],
        };
        assert_eq!(gates, want, "{}'s entries, oldest first", pass.visitor_name);
        assert_eq!(pass.entries_used as usize, want.len());
    }
}
