//! Probe faults in the live stream and in urging complaints: events whose
//! JSON held a key twice (the envelope's `kind`/`at` next to a payload's
//! own `kind`/`at`), complaint SLA alerts named `repair.updated`, urging a
//! complaint from its own endpoint, page and form, and a suggestion's low
//! rating opening no follow-up.

use std::time::Duration;

use crate::common::*;
use linli_model::{complaint::ComplaintAction as A, keys::FollowUpReason};
use reqwest::{Method, StatusCode, header};
use serde_json::json;

/// Every event read so far on `stream` (until it is quiet for `quiet`).
async fn drain(stream: &mut SseClient, quiet: Duration) -> Vec<SseEvent> {
    let mut all = Vec::new();
    while let Some(e) = stream.next(quiet).await {
        all.push(e);
    }
    all
}

#[tokio::test]
async fn every_event_is_json_with_each_key_once() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let butler = s.user(BUTLER).await;
    let guard = s.user(GUARD).await;
    let admin = s.user(ADMIN).await;
    let elder = s.user(ELDER).await;
    let mut streams = vec![
        s.stream(resident.token(), None).await,
        s.stream(butler.token(), None).await,
        s.stream(guard.token(), None).await,
        s.stream(admin.token(), None).await,
    ];

    // A realistic morning: a repair, a complaint handled and urged, a
    // visitor admitted, a walk-in answered, a notice, a help call.
    let job = resident.report(&json!({ "category": "leak", "description": "厨房水管漏水" })).await.unwrap();
    butler.act_with(&job.id, &json!({ "action": "acknowledge" })).await.unwrap();
    let c = resident.complain(&json!({ "kind": "complaint", "category": "noise", "text": "夜里装修" })).await.unwrap();
    butler.step(&c.id, A::Listen, "已了解").await.unwrap();
    resident.urge_complaint(&c.id).await.unwrap();
    let pass = resident.invite(&json!({ "visitor_name": "王小明", "purpose": "送货" })).await.unwrap();
    guard.admit(&json!({ "code": pass.code, "gate": "north" })).await.unwrap();
    let units = guard.gate_units().await.unwrap();
    let unit = &units.iter().find(|u| u.label == "1号楼 101").unwrap().id;
    let walk_in = guard.walk_in(&json!({ "visitor_name": "快递员", "unit": unit, "purpose": "送快递" })).await.unwrap();
    resident.decide(&walk_in.id, true).await.unwrap();
    admin.publish(&json!({ "title": "停水", "body": "明天停水", "category": "outage", "urgent": true })).await.unwrap();
    elder.press("strict-json-0001").await.1.unwrap();

    let mut kinds = std::collections::BTreeSet::new();
    for stream in &mut streams {
        for e in drain(stream, Duration::from_millis(700)).await {
            if e.event == "ready" || e.event == "resync" {
                continue; // the stream's own markers, not events
            }
            let flat = strict_json(&e.raw).unwrap_or_else(|err| panic!("{}: {err} in {}", e.event, e.raw));
            assert_eq!(flat["kind"], e.event.as_str(), "the envelope's kind is the event's: {}", e.raw);
            assert!(flat["at"].is_string(), "{}", e.raw);
            kinds.insert(e.event.clone());
            match e.event.as_str() {
                "complaint.updated" => assert_eq!(e.data["job_kind"], "complaint", "the job's kind as job_kind"),
                "repair.updated" => assert_eq!(e.data["job_kind"], "repair", "{}", e.raw),
                "pass.admitted" => {
                    assert_eq!(e.data["visitor_name"], "王小明");
                    assert!(e.data["time"].is_string(), "the admission's local time: {}", e.raw);
                }
                _ => {}
            }
        }
    }
    for kind in [
        "repair.updated",
        "complaint.updated",
        "pass.admitted",
        "walk_in.requested",
        "walk_in.decided",
        "announcement.published",
        "help_call.updated",
    ] {
        assert!(kinds.contains(kind), "{kind} seen (saw {kinds:?})");
    }
}

#[tokio::test]
async fn a_complaints_sla_alerts_and_urges_are_complaint_events() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let mut butler_stream = s.stream(s.user(BUTLER).await.token(), None).await;
    let id = resident.complain(&json!({ "category": "sanitation", "text": "垃圾两天没清" })).await.unwrap().id;
    resident.urge_complaint(&id).await.unwrap();
    // 80 % of the respond target, then past it.
    s.backend.sweep_repairs(chrono::Utc::now() + chrono::Duration::minutes(100)).await.unwrap();
    s.backend.sweep_repairs(chrono::Utc::now() + chrono::Duration::minutes(130)).await.unwrap();
    let events = drain(&mut butler_stream, Duration::from_millis(700)).await;
    let about: Vec<(String, String)> = events
        .iter()
        .filter(|e| e.data["id"].as_str().is_some_and(|i| i.ends_with(id.as_str())))
        .map(|e| (e.event.clone(), e.data["action"].as_str().unwrap_or_default().to_string()))
        .collect();
    assert!(about.iter().all(|(event, _)| event == "complaint.updated"), "{about:?}");
    let alerts: Vec<&str> = events
        .iter()
        .filter(|e| e.data["action"] == "sla_alert")
        .map(|e| e.data["alert"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(alerts, vec!["respond_warn", "respond_breach"], "{about:?}");
    assert!(about.contains(&("complaint.updated".into(), "urged".into())), "{about:?}");
}

#[tokio::test]
async fn a_complaint_is_urged_from_its_own_endpoint_page_and_form() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let c = resident
        .complain(&json!({ "kind": "suggestion", "category": "facilities", "text": "加装快递柜" }))
        .await
        .unwrap();
    assert!(c.may_urge && c.urge_next_at.is_none() && c.urge_count == 0, "{c:?}");
    let cookie = s.web_login(RESIDENT).await;
    let page = |path: String| {
        let req = s.req(Method::GET, &path, None).header(header::COOKIE, &cookie);
        async move { req.send().await.unwrap().text().await.unwrap() }
    };
    let html = page(format!("/complaints/{}", c.id)).await;
    assert!(html.contains(&format!("/forms/complaints/{}/urge", c.id)), "the page offers 催一下");

    let urged = resident.urge_complaint(&c.id).await.unwrap();
    assert_eq!((urged.urge_count, urged.may_urge), (1, true));
    assert!(urged.urge_next_at.is_some_and(|t| t > chrono::Utc::now()), "{urged:?}");
    let err = resident.urge_complaint(&c.id).await.unwrap_err();
    assert_eq!(err.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(err.retry_after.is_some_and(|secs| secs > 0), "{err:?}");
    assert_eq!(resident.complaint(&c.id).await.unwrap().urge_count, 1);
    let html = page(format!("/complaints/{}", c.id)).await;
    assert!(html.contains("urge-wait"), "the page counts down to the next urge");
    assert_eq!(s.user(BUTLER).await.urge_complaint(&c.id).await.unwrap_err().status, StatusCode::NOT_FOUND);
    let job = resident.report(&json!({ "category": "light" })).await.unwrap();
    assert_eq!(resident.urge_complaint(&job.id).await.unwrap_err().status, StatusCode::NOT_FOUND, "not a complaint");

    // Without scripts: both urge forms come back to the complaint's page.
    for form in [format!("/forms/complaints/{}/urge", c.id), format!("/forms/repairs/{}/urge", c.id)] {
        let res = s.req(Method::POST, &form, None).header(header::COOKIE, &cookie).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{form}");
        let to = res.headers()[header::LOCATION].to_str().unwrap().to_string();
        assert!(to.starts_with(&format!("/complaints/{}?", c.id)) && to.contains("error="), "{form} → {to}");
    }
    let res = s
        .req(Method::POST, &format!("/forms/repairs/{}/urge", job.id), None)
        .header(header::COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()[header::LOCATION].to_str().unwrap(),
        format!("/repairs/{}", job.id),
        "a repair's own page"
    );
}

#[tokio::test]
async fn a_low_rating_of_a_suggestion_opens_a_follow_up_and_a_good_one_none() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let butler = s.user(BUTLER).await;
    let mut ids = Vec::new();
    for stars in [1, 5] {
        let c = resident
            .complain(&json!({ "kind": "suggestion", "category": "facilities", "text": "建议" }))
            .await
            .unwrap();
        butler.step(&c.id, A::Answer, "谢谢建议").await.unwrap();
        resident.rate_complaint(&c.id, &json!({ "stars": stars, "comment": "敷衍" })).await.unwrap();
        ids.push(c.id);
    }
    let list = butler.follow_ups_where("").await.unwrap().items;
    let of = |id: &str| list.iter().filter(|f| f.repair_id.as_deref() == Some(id)).collect::<Vec<_>>();
    let low = of(&ids[0]);
    assert_eq!(low.len(), 1, "{list:?}");
    assert_eq!((low[0].reason, low[0].stars), (FollowUpReason::LowRating, Some(1)));
    assert!(of(&ids[1]).is_empty(), "no routine follow-up for a suggestion: {list:?}");
}
