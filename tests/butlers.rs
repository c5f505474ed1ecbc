//! The butler-per-building model: exact scorecards from scripted jobs, who
//! sees which scorecard, reassignment (audited), and the manager's console.

use crate::common::*;
use chrono::{DateTime, Duration, Utc};
use linli_model::{keys::AuditAction, repair::JobAction};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Reports and drives a job through the API, then pins its timestamps so
/// the figures are exact: reported at `t0`, responded `respond` minutes
/// later, resolved `resolve` minutes later.
async fn scripted_job(
    s: &TestServer,
    resident: &User<'_>,
    butler: &User<'_>,
    t0: DateTime<Utc>,
    respond: i64,
    resolve: i64,
) -> String {
    let job = resident.report(&json!({ "category": "leak" })).await.unwrap();
    let me = butler.me().await.unwrap();
    butler.assign(&job.id, &me.id).await.unwrap();
    butler.act(&job.id, JobAction::StartWork).await.unwrap();
    butler.act(&job.id, JobAction::Resolve).await.unwrap();
    s.backend
        .db()
        .query("UPDATE type::record('repair', $id) SET created_at = $c, responded_at = $r, resolved_at = $z")
        .bind(("id", job.id.clone()))
        .bind(("c", t0))
        .bind(("r", t0 + Duration::minutes(respond)))
        .bind(("z", t0 + Duration::minutes(resolve)))
        .await
        .unwrap()
        .check()
        .unwrap();
    job.id
}

#[tokio::test]
async fn scorecards_give_exactly_the_expected_figures() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let butler = s.user(BUTLER).await;
    let admin = s.user(ADMIN).await;
    let t0 = Utc::now() - Duration::days(3);

    // A: answered in 10 min, fixed in 1 h, 5 stars.
    let a = scripted_job(&s, &resident, &butler, t0, 10, 60).await;
    resident.rate(&a, &json!({ "stars": 5 })).await.unwrap();
    // B: answered after 3 h, fixed after 30 h, reopened once, 2 stars (a follow-up).
    let b = scripted_job(&s, &resident, &butler, t0, 180, 1800).await;
    s.backend
        .db()
        .query("UPDATE type::record('repair', $id) SET reopen_count = 1")
        .bind(("id", b.clone()))
        .await
        .unwrap();
    resident.rate(&b, &json!({ "stars": 2 })).await.unwrap();
    // C: cancelled: counts nowhere.
    let c = resident.report(&json!({ "category": "light" })).await.unwrap();
    resident.act(&c.id, JobAction::Cancel).await.unwrap();
    // D: building 3's butler's job: not 李明's.
    let other = s.user(BUTLER_B3).await;
    other.me().await.unwrap();
    let b3_resident = {
        // building 3 has no demo resident: make one through the console.
        let units = admin.gate_units().await.unwrap();
        let unit = units.iter().find(|u| u.building.number == "3").unwrap().id.clone();
        admin.create_person(&json!({ "name": "三号楼住户", "phone": "13811110003", "role": "resident", "password": "password-3", "unit_id": unit })).await.unwrap();
        s.sign_in("13811110003", "password-3").await.unwrap()
    };
    scripted_job(&s, &b3_resident, &other, t0, 5, 30).await;

    let cards = admin.scorecards().await.unwrap();
    let li = cards.items.iter().find(|c| c.butler_name == "李明").unwrap();
    assert_eq!(li.jobs, 2);
    assert_eq!(li.respond_median_secs, Some(600));
    assert_eq!(li.respond_p90_secs, Some(10800));
    assert_eq!(li.responded_in_sla_pct, Some(50.0));
    assert_eq!(li.resolved_in_sla_pct, Some(50.0));
    assert_eq!(li.first_time_fix_pct, Some(50.0));
    assert_eq!(li.reopen_rate_pct, Some(50.0));
    assert_eq!((li.rating_count, li.rating_avg), (2, Some(3.5)));
    // B's 2 stars and B's closing after a reopen (issue 17's rules).
    assert_eq!(li.follow_ups_opened, 2);
    let chen = cards.items.iter().find(|c| c.butler_name == "陈静").unwrap();
    assert_eq!((chen.jobs, chen.responded_in_sla_pct), (1, Some(100.0)));

    let me = butler.me().await.unwrap();
    let one = butler.butler_scorecard(&me.id).await.unwrap();
    assert_eq!(one.scorecard.jobs, 2);
    let series: Vec<u32> = one.daily.iter().map(|d| d.jobs).collect();
    assert_eq!(series.iter().sum::<u32>(), 2, "the daily series adds up");
    assert!(series.len() >= 29);

    // A butler sees only their own.
    assert_eq!(butler.scorecards().await.unwrap().items.len(), 1);
    let err = butler.butler_scorecard(&chen.butler_id).await.unwrap_err();
    assert_eq!(err.status, StatusCode::NOT_FOUND);
    assert_eq!(resident.scorecards().await.unwrap_err().status, StatusCode::FORBIDDEN);

    // The resident's butler card.
    let card = resident.my_butler().await.unwrap().expect("a butler card");
    assert_eq!((card.name.as_str(), card.rating_avg, card.rating_count), ("李明", Some(3.5), 2));
}

#[tokio::test]
async fn reassigning_a_building_is_audited() {
    let s = TestServer::start().await;
    let admin = s.user(ADMIN).await;
    let b2 = admin.building_id("2").await;
    let chen = s.user(BUTLER_B3).await.me().await.unwrap();
    admin.assign_butler(&b2, &chen.id).await.unwrap();
    let log = admin.audit("?action=building").await.unwrap();
    let entry = &log.items[0];
    assert_eq!((entry.action, entry.actor.as_str()), (AuditAction::BuildingAssignButler, "周建国"));
    assert!(entry.detail.contains("陈静"));
    assert_eq!(s.user(BUTLER).await.audit("").await.unwrap_err().status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_console_manages_buildings_units_staff_and_settings() {
    let s = TestServer::start().await;
    let admin = s.user(ADMIN).await;
    let b4 = admin.create_building(&json!({ "number": "4" })).await.unwrap();
    assert_eq!(b4.name, "4号楼");
    let err = admin.create_building(&json!({ "number": "4" })).await.unwrap_err();
    assert_eq!(err.status, StatusCode::CONFLICT, "numbers are unique");

    let err = admin.import_units("楼号,房号\n4,101\n9,101\n").await.unwrap_err();
    assert_eq!((err.status, err.detail.as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("line 3")));
    let units = admin.gate_units().await.unwrap();
    assert!(units.iter().all(|u| u.building.number != "4"), "a bad file changes nothing");
    let res = admin.import_units("楼号,房号\n4,101\n4,102\n1,101\n").await.unwrap();
    assert_eq!((res.created, res.skipped), (2, 1), "1-101 exists already");

    let guard = admin.create_person(&json!({ "name": "钱门卫", "phone": "13622223333", "role": "guard", "password": "gatekeeper1", "gate": "south" })).await.unwrap();
    let new_guard = s.sign_in("13622223333", "gatekeeper1").await.unwrap();
    assert_eq!(new_guard.me().await.unwrap().gate.as_deref(), Some("south"));
    admin.change_staff(&guard.id, &json!({ "active": false })).await.unwrap();
    let err = new_guard.me().await.unwrap_err();
    assert_eq!(err.status, StatusCode::UNAUTHORIZED, "a deactivated account is out at once");
    admin.change_staff(&guard.id, &json!({ "active": true })).await.unwrap();
    let err = new_guard.me().await.unwrap_err();
    assert_eq!(err.status, StatusCode::UNAUTHORIZED, "made active again, the old token stays revoked");
    let again = s.sign_in("13622223333", "gatekeeper1").await.unwrap();
    assert_eq!(again.me().await.unwrap().gate.as_deref(), Some("south"), "a new sign-in works");
    let err = admin.change_staff(&guard.id, &json!({ "gate": "门".repeat(21) })).await.unwrap_err();
    assert_eq!((err.status, err.detail.as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("gate")));
    assert_eq!(again.me().await.unwrap().gate.as_deref(), Some("south"), "a refused change changes nothing");
    admin.change_staff(&guard.id, &json!({ "gate": "north" })).await.unwrap();
    assert_eq!(again.me().await.unwrap().gate.as_deref(), Some("north"));
    admin.change_staff(&guard.id, &json!({ "gate": "" })).await.unwrap();
    assert_eq!(again.me().await.unwrap().gate, None, "an empty gate takes it away");

    let mut settings = admin.settings().await.unwrap();
    assert_eq!((settings.help_staff_secs, settings.check_in_by.as_str()), (60, "10:00"));
    settings.sla.normal.respond_secs = 3600;
    admin.put_settings(&settings).await.unwrap();
    let job = s.user(RESIDENT).await.report(&json!({ "category": "leak" })).await.unwrap();
    assert_eq!((job.sla.respond_by - job.created_at).num_seconds(), 3600, "new jobs use the new target");
    settings.help_staff_secs = 1;
    let err = admin.put_settings(&settings).await.unwrap_err();
    assert_eq!(err.status, StatusCode::UNPROCESSABLE_ENTITY);

    let butler = s.user(BUTLER).await;
    let valid_settings = serde_json::to_value(admin.settings().await.unwrap()).unwrap();
    for (method, path, body) in [
        (Method::POST, "/api/v1/buildings", json!({ "number": "9" })),
        (Method::GET, "/api/v1/staff", Value::Null),
        (Method::PUT, "/api/v1/settings", valid_settings),
        (Method::POST, "/api/v1/units/import", json!({ "csv": "1,999" })),
    ] {
        let (status, _) = butler.send::<Value>(method.clone(), path, Some(&body)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}");
    }
}
