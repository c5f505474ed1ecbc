//! Announcements and events over HTTP: audiences, read receipts, capacity
//! under concurrent RSVPs, the waitlist, deadlines, roles, CSV.

use std::time::Duration;

use crate::common::*;
use chrono::{Duration as Span, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn building_id(s: &TestServer, token: &str, number: &str) -> String {
    let (_, list) = s.get("/api/v1/buildings", token).await;
    list.as_array().unwrap().iter().find(|b| b["number"] == number).unwrap()["id"].as_str().unwrap().to_string()
}

fn ids(list: &Value) -> Vec<String> {
    list["items"].as_array().unwrap().iter().map(|x| x["id"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn a_notice_for_building_1_reaches_only_building_1() {
    let s = TestServer::start().await;
    let admin = s.login(ADMIN).await;
    let b1 = building_id(&s, &admin, "1").await;
    let mut r1_stream = s.stream(&s.login(RESIDENT).await, None).await;
    let (status, notice) = s
        .post("/api/v1/announcements", &admin, json!({ "title": "1号楼停水", "body": "明天 9:00-12:00 停水。\n\n详情 https://example.com", "category": "outage", "building_ids": [b1], "urgent": true }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{notice}");
    let id = notice["id"].as_str().unwrap().to_string();
    let live = r1_stream.next_of("announcement.published", Duration::from_secs(1)).await.expect("banner live");
    assert_eq!(live.data["urgent"], true);

    let r1 = s.login(RESIDENT).await;
    let (_, list) = s.get("/api/v1/announcements", &r1).await;
    assert_eq!(ids(&list), vec![id.clone()]);
    assert_eq!(list["items"][0]["read"], false);
    let r2 = s.login(RESIDENT_B2).await;
    let (_, list) = s.get("/api/v1/announcements", &r2).await;
    assert!(ids(&list).is_empty(), "building 2 does not get it");
    let (status, _) = s.get(&format!("/api/v1/announcements/{id}"), &r2).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "nor by its id");
    let (status, _) = s.get(&format!("/api/v1/announcements/{id}"), &s.login(OTHER_ADMIN).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn read_receipts_list_households_that_have_not_read_elders_first() {
    let s = TestServer::start().await;
    let butler = s.login(BUTLER).await;
    let b1 = building_id(&s, &butler, "1").await;
    let (_, notice) = s.post("/api/v1/announcements", &butler, json!({ "title": "燃气检修", "body": "请在家等候", "category": "safety", "building_ids": [b1], "urgent": true })).await;
    let id = notice["id"].as_str().unwrap();
    let (status, unread) = s.get(&format!("/api/v1/announcements/{id}/unread"), &butler).await;
    assert_eq!(status, StatusCode::OK);
    let labels: Vec<&str> =
        unread["items"].as_array().unwrap().iter().map(|h| h["unit"]["label"].as_str().unwrap()).collect();
    assert_eq!(labels, vec!["1号楼 102", "1号楼 101"], "the elder's household first; only households with residents");
    assert_eq!(unread["items"][0]["has_elder"], true);
    assert_eq!(unread["items"][0]["residents"][0]["phone"], "138****0003", "masked in the list");

    let resident = s.login(RESIDENT).await;
    let mut butler_stream = s.stream(&butler, None).await;
    let (status, _) = s.post(&format!("/api/v1/announcements/{id}/read"), &resident, json!({})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    s.post(&format!("/api/v1/announcements/{id}/read"), &resident, json!({})).await;
    butler_stream.next_of("announcement.read", Duration::from_secs(1)).await.expect("the butler sees it live");
    let (_, unread) = s.get(&format!("/api/v1/announcements/{id}/unread"), &butler).await;
    let labels: Vec<&str> =
        unread["items"].as_array().unwrap().iter().map(|h| h["unit"]["label"].as_str().unwrap()).collect();
    assert_eq!(labels, vec!["1号楼 102"]);
    let (_, detail) = s.get(&format!("/api/v1/announcements/{id}"), &butler).await;
    assert_eq!((detail["households"].as_u64(), detail["households_read"].as_u64()), (Some(2), Some(1)));

    let (status, _) = s.get(&format!("/api/v1/announcements/{id}/unread"), &resident).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn who_may_publish_and_to_whom() {
    let s = TestServer::start().await;
    let resident = s.login(RESIDENT).await;
    let (status, _) = s
        .post("/api/v1/announcements", &resident, json!({ "title": "我也要发", "body": "", "category": "notice" }))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a resident cannot publish");
    let butler_b3 = s.login(BUTLER_B3).await;
    let b1 = building_id(&s, &butler_b3, "1").await;
    let (status, err) = s
        .post(
            "/api/v1/announcements",
            &butler_b3,
            json!({ "title": "越权", "body": "", "category": "notice", "building_ids": [b1] }),
        )
        .await;
    assert_eq!((status, err["error"]["detail"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("building_ids")));
    let (status, notice) = s
        .post("/api/v1/announcements", &butler_b3, json!({ "title": "3号楼通知", "body": "", "category": "notice" }))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(notice["building_ids"].as_array().unwrap().len(), 1, "a butler's notice goes to their buildings");
    let (status, err) = s
        .post("/api/v1/announcements", &s.login(ADMIN).await, json!({ "title": "", "body": "", "category": "notice" }))
        .await;
    assert_eq!((status, err["error"]["detail"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("title")));
}

async fn event(s: &TestServer, token: &str, capacity: u32, deadline: Option<chrono::DateTime<Utc>>) -> String {
    let starts = Utc::now() + Span::days(2);
    let (status, e) = s
        .post("/api/v1/events", token, json!({ "title": "中秋晚会", "description": "一起赏月", "place": "会所", "starts_at": starts, "ends_at": starts + Span::hours(2), "capacity": capacity, "rsvp_deadline": deadline }))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{e}");
    e["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn eight_concurrent_rsvps_for_five_places_give_five_going_and_three_waitlisted() {
    let s = TestServer::start().await;
    let admin = s.login(ADMIN).await;
    let id = event(&s, &admin, 5, None).await;
    // Eight different residents: the demo's three plus five created here.
    let mut tokens = vec![s.login(RESIDENT).await, s.login(RESIDENT_B2).await, s.login(ELDER).await];
    let (_, buildings) = s.get("/api/v1/buildings", &admin).await;
    let b3 = buildings.as_array().unwrap().iter().find(|b| b["number"] == "3").unwrap()["id"].clone();
    for i in 0..5 {
        let phone = format!("1880000000{i}");
        let hash = linli_backend::auth::hash_password(PASSWORD.to_string()).await.unwrap();
        s.backend
            .db()
            .query(
                "LET $unit = (SELECT VALUE id FROM unit WHERE building = type::record('building', $b) LIMIT 1)[0];
             CREATE user SET community = $unit.community, name = $name, phone = $phone, password_hash = $hash,
                 role = 'resident', unit = $unit;",
            )
            .bind(("b", b3.as_str().unwrap().to_string()))
            .bind(("name", format!("住户{i}")))
            .bind(("phone", phone.clone()))
            .bind(("hash", hash))
            .await
            .unwrap()
            .check()
            .unwrap();
        tokens.push(s.login(&phone).await);
    }
    let url = format!("/api/v1/events/{id}/rsvp");
    let answers = futures::future::join_all(tokens.iter().map(|t| s.post(&url, t, json!({ "headcount": 1 })))).await;
    let mut going = 0;
    let mut waitlisted = 0;
    for (status, body) in &answers {
        assert_eq!(*status, StatusCode::OK, "{body}");
        match body["status"].as_str() {
            Some("going") => going += 1,
            Some("waitlisted") => waitlisted += 1,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!((going, waitlisted), (5, 3));
    let (_, e) = s.get(&format!("/api/v1/events/{id}"), &admin).await;
    assert_eq!((e["going"].as_u64(), e["waitlisted"].as_u64()), (Some(5), Some(3)), "capacity never exceeded");

    // A cancellation promotes the first on the waitlist.
    let (_, attendees) = s.get(&format!("/api/v1/events/{id}/attendees"), &admin).await;
    let first_waiting =
        attendees["items"].as_array().unwrap().iter().find(|a| a["status"] == "waitlisted").unwrap()["name"].clone();
    let goer = answers.iter().position(|(_, b)| b["status"] == "going").unwrap();
    let res = s.req(Method::DELETE, &url, Some(&tokens[goer])).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let (_, attendees) = s.get(&format!("/api/v1/events/{id}/attendees"), &admin).await;
    let promoted = attendees["items"].as_array().unwrap().iter().find(|a| a["name"] == first_waiting).unwrap().clone();
    assert_eq!(promoted["status"], "going", "the first waitlisted moves up");
    let (_, e) = s.get(&format!("/api/v1/events/{id}"), &admin).await;
    assert_eq!((e["going"].as_u64(), e["waitlisted"].as_u64()), (Some(5), Some(2)));
}

#[tokio::test]
async fn rsvp_rules_deadlines_roles_and_the_csv_export() {
    let s = TestServer::start().await;
    let admin = s.login(ADMIN).await;
    let resident = s.login(RESIDENT).await;
    let closed = event(&s, &admin, 10, Some(Utc::now() + Span::milliseconds(200))).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (status, err) = s.post(&format!("/api/v1/events/{closed}/rsvp"), &resident, json!({ "headcount": 1 })).await;
    assert_eq!((status, err["error"]["detail"].as_str()), (StatusCode::CONFLICT, Some("rsvp_closed")));
    assert!(err["error"]["message"].as_str().unwrap().contains("截止"));

    let id = event(&s, &admin, 10, None).await;
    let (status, _) = s.post(&format!("/api/v1/events/{id}/rsvp"), &resident, json!({ "headcount": 11 })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, r) = s.post(&format!("/api/v1/events/{id}/rsvp"), &resident, json!({ "headcount": 3 })).await;
    assert_eq!((r["status"].as_str(), r["headcount"].as_u64()), (Some("going"), Some(3)));
    let (_, r) = s.post(&format!("/api/v1/events/{id}/rsvp"), &resident, json!({ "headcount": 2 })).await;
    assert_eq!(r["headcount"], 2, "changing the head count");
    let (_, e) = s.get(&format!("/api/v1/events/{id}"), &resident).await;
    assert_eq!((e["going"].as_u64(), e["my_status"].as_str()), (Some(2), Some("going")));

    let (status, _) = s
        .post(
            "/api/v1/events",
            &resident,
            json!({ "title": "x", "starts_at": Utc::now(), "ends_at": Utc::now() + Span::hours(1), "capacity": 5 }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "residents do not create events");
    let (status, _) = s.get(&format!("/api/v1/events/{id}/attendees"), &resident).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = s.get(&format!("/api/v1/events/{id}"), &s.login(OTHER_RESIDENT).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another community's event");

    let res =
        s.req(Method::GET, &format!("/api/v1/events/{id}/attendees?format=csv"), Some(&admin)).send().await.unwrap();
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let bytes = res.bytes().await.unwrap();
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "UTF-8 with BOM for Excel");
    let csv = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "姓名,房号,电话,人数,状态,报名时间");
    assert!(lines[1].starts_with("张伟,1号楼 101,138****0001,2,已报名,"), "{}", lines[1]);
    assert_eq!(lines.len(), 2);
}
