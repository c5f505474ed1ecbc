//! The butler-per-building model: exact scorecards from scripted jobs, who
//! sees which scorecard, reassignment (audited), and the manager's console.

use crate::common::*;
use chrono::{DateTime, Duration, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Reports and drives a job through the API, then pins its timestamps so
/// the figures are exact: reported at `t0`, responded `respond` minutes
/// later, resolved `resolve` minutes later.
async fn scripted_job(
    s: &TestServer,
    resident: &str,
    butler: &str,
    t0: DateTime<Utc>,
    respond: i64,
    resolve: i64,
) -> String {
    let (_, job) = s.post("/api/v1/repairs", resident, json!({ "category": "leak" })).await;
    let id = job["id"].as_str().unwrap().to_string();
    let (_, me) = s.get("/api/v1/me", butler).await;
    for body in [
        json!({ "action": "assign", "assignee_id": me["id"] }),
        json!({ "action": "start_work" }),
        json!({ "action": "resolve" }),
    ] {
        let (status, res) = s.post(&format!("/api/v1/repairs/{id}/actions"), butler, body).await;
        assert_eq!(status, StatusCode::OK, "{res}");
    }
    s.backend
        .db()
        .query("UPDATE type::record('repair', $id) SET created_at = $c, responded_at = $r, resolved_at = $z")
        .bind(("id", id.clone()))
        .bind(("c", t0))
        .bind(("r", t0 + Duration::minutes(respond)))
        .bind(("z", t0 + Duration::minutes(resolve)))
        .await
        .unwrap()
        .check()
        .unwrap();
    id
}

#[tokio::test]
async fn scorecards_give_exactly_the_expected_figures() {
    let s = TestServer::start().await;
    let resident = s.login(RESIDENT).await;
    let butler = s.login(BUTLER).await;
    let admin = s.login(ADMIN).await;
    let t0 = Utc::now() - Duration::days(3);

    // A: answered in 10 min, fixed in 1 h, 5 stars.
    let a = scripted_job(&s, &resident, &butler, t0, 10, 60).await;
    s.post(&format!("/api/v1/repairs/{a}/rating"), &resident, json!({ "stars": 5 })).await;
    // B: answered after 3 h, fixed after 30 h, reopened once, 2 stars (a follow-up).
    let b = scripted_job(&s, &resident, &butler, t0, 180, 1800).await;
    s.backend
        .db()
        .query("UPDATE type::record('repair', $id) SET reopen_count = 1")
        .bind(("id", b.clone()))
        .await
        .unwrap();
    s.post(&format!("/api/v1/repairs/{b}/rating"), &resident, json!({ "stars": 2 })).await;
    // C: cancelled: counts nowhere.
    let (_, c) = s.post("/api/v1/repairs", &resident, json!({ "category": "light" })).await;
    s.post(&format!("/api/v1/repairs/{}/actions", c["id"].as_str().unwrap()), &resident, json!({ "action": "cancel" }))
        .await;
    // D: building 3's butler's job: not 李明's.
    let other = s.login(BUTLER_B3).await;
    let (_, me3) = s.get("/api/v1/me", &other).await;
    let b3_resident = {
        // building 3 has no demo resident: make one through the console.
        let (_, units) = s.get("/api/v1/gate/units", &admin).await;
        let unit = units.as_array().unwrap().iter().find(|u| u["building"]["number"] == "3").unwrap()["id"].clone();
        let (status, p) = s.post("/api/v1/staff", &admin, json!({ "name": "三号楼住户", "phone": "13811110003", "role": "resident", "password": "password-3", "unit_id": unit })).await;
        assert_eq!(status, StatusCode::CREATED, "{p}");
        let res = s
            .req(Method::POST, "/api/v1/auth/login", None)
            .json(&json!({ "phone": "13811110003", "password": "password-3" }))
            .send()
            .await
            .unwrap();
        split(res).await.1["token"].as_str().unwrap().to_string()
    };
    let _ = me3;
    scripted_job(&s, &b3_resident, &other, t0, 5, 30).await;

    let (status, cards) = s.get("/api/v1/scorecards", &admin).await;
    assert_eq!(status, StatusCode::OK, "{cards}");
    let li = cards["items"].as_array().unwrap().iter().find(|c| c["butler_name"] == "李明").unwrap().clone();
    assert_eq!(li["jobs"], 2);
    assert_eq!(li["respond_median_secs"], 600);
    assert_eq!(li["respond_p90_secs"], 10800);
    assert_eq!(li["responded_in_sla_pct"], 50.0);
    assert_eq!(li["resolved_in_sla_pct"], 50.0);
    assert_eq!(li["first_time_fix_pct"], 50.0);
    assert_eq!(li["reopen_rate_pct"], 50.0);
    assert_eq!((li["rating_count"].as_u64(), li["rating_avg"].as_f64()), (Some(2), Some(3.5)));
    assert_eq!(li["follow_ups_opened"], 1);
    let chen = cards["items"].as_array().unwrap().iter().find(|c| c["butler_name"] == "陈静").unwrap().clone();
    assert_eq!((chen["jobs"].as_u64(), chen["responded_in_sla_pct"].as_f64()), (Some(1), Some(100.0)));

    let (_, me) = s.get("/api/v1/me", &butler).await;
    let (status, one) = s.get(&format!("/api/v1/butlers/{}/scorecard", me["id"].as_str().unwrap()), &butler).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(one["scorecard"]["jobs"], 2);
    let series: Vec<u64> = one["daily"].as_array().unwrap().iter().map(|d| d["jobs"].as_u64().unwrap()).collect();
    assert_eq!(series.iter().sum::<u64>(), 2, "the daily series adds up");
    assert!(series.len() >= 29);

    // A butler sees only their own.
    let (_, mine) = s.get("/api/v1/scorecards", &butler).await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    let (status, _) =
        s.get(&format!("/api/v1/butlers/{}/scorecard", chen["butler_id"].as_str().unwrap()), &butler).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = s.get("/api/v1/scorecards", &resident).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The resident's butler card.
    let (_, card) = s.get("/api/v1/my-butler", &resident).await;
    assert_eq!(
        (card["name"].as_str(), card["rating_avg"].as_f64(), card["rating_count"].as_u64()),
        (Some("李明"), Some(3.5), Some(2))
    );
}

#[tokio::test]
async fn reassigning_a_building_is_audited() {
    let s = TestServer::start().await;
    let admin = s.login(ADMIN).await;
    let (_, buildings) = s.get("/api/v1/buildings", &admin).await;
    let b2 =
        buildings.as_array().unwrap().iter().find(|b| b["number"] == "2").unwrap()["id"].as_str().unwrap().to_string();
    let (_, chen) = s.get("/api/v1/me", &s.login(BUTLER_B3).await).await;
    let res = s
        .req(Method::PUT, &format!("/api/v1/buildings/{b2}/butler"), Some(&admin))
        .json(&json!({ "butler_id": chen["id"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let (_, log) = s.get("/api/v1/audit?action=building", &admin).await;
    let entry = &log["items"][0];
    assert_eq!((entry["action"].as_str(), entry["actor"].as_str()), (Some("building.assign_butler"), Some("周建国")));
    assert!(entry["detail"].as_str().unwrap().contains("陈静"));
    let (status, _) = s.get("/api/v1/audit", &s.login(BUTLER).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_console_manages_buildings_units_staff_and_settings() {
    let s = TestServer::start().await;
    let admin = s.login(ADMIN).await;
    let (status, b4) = s.post("/api/v1/buildings", &admin, json!({ "number": "4" })).await;
    assert_eq!((status, b4["name"].as_str()), (StatusCode::CREATED, Some("4号楼")));
    let (status, _) = s.post("/api/v1/buildings", &admin, json!({ "number": "4" })).await;
    assert_eq!(status, StatusCode::CONFLICT, "numbers are unique");

    let (status, err) = s.post("/api/v1/units/import", &admin, json!({ "csv": "楼号,房号\n4,101\n9,101\n" })).await;
    assert_eq!((status, err["error"]["detail"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("line 3")));
    let (_, units) = s.get("/api/v1/gate/units", &admin).await;
    assert!(units.as_array().unwrap().iter().all(|u| u["building"]["number"] != "4"), "a bad file changes nothing");
    let (status, res) =
        s.post("/api/v1/units/import", &admin, json!({ "csv": "楼号,房号\n4,101\n4,102\n1,101\n" })).await;
    assert_eq!(status, StatusCode::OK, "{res}");
    assert_eq!((res["created"].as_u64(), res["skipped"].as_u64()), (Some(2), Some(1)), "1-101 exists already");

    let (status, guard) = s.post("/api/v1/staff", &admin, json!({ "name": "钱门卫", "phone": "13622223333", "role": "guard", "password": "gatekeeper1", "gate": "south" })).await;
    assert_eq!(status, StatusCode::CREATED, "{guard}");
    let res = s
        .req(Method::POST, "/api/v1/auth/login", None)
        .json(&json!({ "phone": "13622223333", "password": "gatekeeper1" }))
        .send()
        .await
        .unwrap();
    let token = split(res).await.1["token"].as_str().unwrap().to_string();
    assert_eq!(s.get("/api/v1/me", &token).await.1["gate"], "south");
    let res = s
        .req(Method::PATCH, &format!("/api/v1/staff/{}", guard["id"].as_str().unwrap()), Some(&admin))
        .json(&json!({ "active": false }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(s.get("/api/v1/me", &token).await.0, StatusCode::UNAUTHORIZED, "a deactivated account is out at once");

    let (_, mut settings) = s.get("/api/v1/settings", &admin).await;
    assert_eq!((settings["help_staff_secs"].as_i64(), settings["check_in_by"].as_str()), (Some(60), Some("10:00")));
    settings["sla"]["normal"]["respond_secs"] = json!(3600);
    let res = s.req(Method::PUT, "/api/v1/settings", Some(&admin)).json(&settings).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let (_, job) = s.post("/api/v1/repairs", &s.login(RESIDENT).await, json!({ "category": "leak" })).await;
    let created = DateTime::parse_from_rfc3339(job["created_at"].as_str().unwrap()).unwrap();
    let due = DateTime::parse_from_rfc3339(job["sla"]["respond_by"].as_str().unwrap()).unwrap();
    assert_eq!((due - created).num_seconds(), 3600, "new jobs use the new target");
    settings["help_staff_secs"] = json!(1);
    let res = s.req(Method::PUT, "/api/v1/settings", Some(&admin)).json(&settings).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let butler = s.login(BUTLER).await;
    let (_, valid_settings) = s.get("/api/v1/settings", &admin).await;
    for (method, path, body) in [
        (Method::POST, "/api/v1/buildings", json!({ "number": "9" })),
        (Method::GET, "/api/v1/staff", Value::Null),
        (Method::PUT, "/api/v1/settings", valid_settings),
        (Method::POST, "/api/v1/units/import", json!({ "csv": "1,999" })),
    ] {
        let res = s.req(method.clone(), path, Some(&butler)).json(&body).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{method} {path}");
    }
}
