//! Outage notices over HTTP (issue 18): a matching repair started in an
//! affected building offers the known outage, "affected" is counted once
//! per household for staff, reports filed anyway are linked and resolved
//! when the outage ends, the butler is alerted once when the expected end
//! passes, and a butler posts outages for their own buildings only.

use std::time::Duration;

use crate::common::*;
use chrono::{Duration as Span, Utc};
use linli_model::{
    keys::ActorRole,
    outage::{OutageKind, OutageRelation},
    repair::{JobAction, JobStatus},
};
use reqwest::{Method, StatusCode, header};
use serde_json::json;

/// Building 1's butler posts a water outage for building 1, ending in `ends_in`.
async fn water_outage(s: &TestServer, ends_in: Span) -> String {
    let butler = s.user(BUTLER).await;
    let b1 = butler.building_id("1").await;
    let notice = butler
        .publish(&json!({
            "title": "1号楼停水检修", "body": "水泵检修。", "category": "outage", "building_ids": [b1],
            "outage_kind": "water", "expected_end": Utc::now() + ends_in,
        }))
        .await
        .unwrap();
    let outage = notice.outage.expect("an outage notice carries its outage");
    assert_eq!((outage.kind, outage.ended_at), (OutageKind::Water, None));
    notice.id
}

#[tokio::test]
async fn a_matching_repair_in_an_affected_building_offers_the_outage_and_no_other_does() {
    let s = TestServer::start().await;
    let id = water_outage(&s, Span::hours(2)).await;
    let resident = s.user(RESIDENT).await;

    let offered = resident.active_outages(Some("no_water")).await.unwrap();
    assert_eq!(offered.items.len(), 1);
    let o = &offered.items[0];
    assert_eq!((o.id.as_str(), o.relation, o.affected_by_me), (id.as_str(), Some(OutageRelation::Duplicate), false));
    assert!(o.line.starts_with("1号楼停水，预计 ") && o.line.ends_with(" 恢复"), "{}", o.line);

    assert!(resident.active_outages(Some("leak")).await.unwrap().items.is_empty(), "a leak is not the outage");
    assert!(resident.active_outages(Some("no_power")).await.unwrap().items.is_empty(), "nor is a power cut");
    let flooding = resident.active_outages(Some("flooding")).await.unwrap();
    assert_eq!(
        flooding.items.iter().map(|o| o.relation).collect::<Vec<_>>(),
        vec![Some(OutageRelation::Beside)],
        "a critical category sees it beside, never as a duplicate"
    );
    assert!(
        s.user(RESIDENT_B2).await.active_outages(Some("no_water")).await.unwrap().items.is_empty(),
        "building 2 is not affected"
    );
    let err = resident.active_outages(Some("bogus")).await.unwrap_err();
    assert_eq!((err.status, err.detail.as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("category")));

    // English callers get the line in English.
    let res = s
        .req(Method::GET, "/api/v1/outages/active?category=no_water", Some(resident.token()))
        .header(header::ACCEPT_LANGUAGE, "en")
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = res.json().await.unwrap();
    assert!(body["items"][0]["line"].as_str().unwrap().contains("water outage, expected back by"), "{body}");

    // The no-script repair form shows it, server-rendered.
    let cookie = s.web_login(RESIDENT).await;
    let res = s.req(Method::GET, "/repairs/new", None).header(header::COOKIE, &cookie).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains("1号楼停水，预计"), "the outage is on the page without scripts");
    assert!(html.contains(&format!("/forms/outages/{id}/affected")), "with its no-script 'affected' button");
}

#[tokio::test]
async fn affected_is_counted_once_per_household_and_shown_to_staff_only() {
    let s = TestServer::start().await;
    let id = water_outage(&s, Span::hours(2)).await;
    let admin = s.user(ADMIN).await;
    let butler = s.user(BUTLER).await;
    // A second resident of 张伟's household (1号楼 101).
    let unit = s.user(RESIDENT).await.me().await.unwrap().unit.unwrap().id;
    admin
        .create_person(&json!({ "name": "张伟家人", "phone": "13811112222", "role": "resident", "password": "family-pass-1", "unit_id": unit }))
        .await
        .unwrap();
    let family = s.sign_in("13811112222", "family-pass-1").await.unwrap();
    let resident = s.user(RESIDENT).await;

    let mut butler_stream = s.stream(butler.token(), None).await;
    assert!(resident.mark_affected(&id).await.unwrap().affected);
    butler_stream.next_of("outage.updated", Duration::from_secs(2)).await.expect("the butler sees it live");
    resident.mark_affected(&id).await.unwrap();
    family.mark_affected(&id).await.unwrap();
    let notice = butler.announcement(&id).await.unwrap();
    assert_eq!(notice.outage.unwrap().affected_households, Some(1), "one household however many times and people");

    // The no-script button of another household (the elder's, 1号楼 102).
    let cookie = s.web_login(ELDER).await;
    let res = s
        .req(Method::POST, &format!("/forms/outages/{id}/affected"), None)
        .header(header::COOKIE, &cookie)
        .form(&[("x", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[header::LOCATION], "/repairs/new");
    assert_eq!(admin.announcement(&id).await.unwrap().outage.unwrap().affected_households, Some(2));

    let seen_by_resident = resident.announcement(&id).await.unwrap().outage.unwrap();
    assert_eq!(seen_by_resident.affected_households, None, "residents do not see the count");
    assert!(seen_by_resident.affected_by_me);
    assert!(resident.active_outages(Some("no_water")).await.unwrap().items[0].affected_by_me);
    let raw = s.get(&format!("/api/v1/announcements/{id}"), resident.token()).await.1;
    assert!(raw["outage"].get("affected_households").is_none(), "not even as null: {raw}");

    assert_eq!(s.user(RESIDENT_B2).await.mark_affected(&id).await.unwrap_err().status, StatusCode::NOT_FOUND);
    assert_eq!(butler.mark_affected(&id).await.unwrap_err().status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_report_filed_anyway_is_linked_and_resolved_when_the_outage_ends() {
    let s = TestServer::start().await;
    let id = water_outage(&s, Span::hours(2)).await;
    let resident = s.user(RESIDENT).await;
    let butler = s.user(BUTLER).await;

    let linked = resident.report(&json!({ "category": "no_water", "description": "没水了" })).await.unwrap();
    assert_eq!(linked.outage.as_ref().map(|o| o.id.as_str()), Some(id.as_str()), "linked to the outage");
    let leak = resident.report(&json!({ "category": "leak" })).await.unwrap();
    assert!(leak.outage.is_none(), "another category is not linked");
    let flood = s.user(ELDER).await.report(&json!({ "category": "flooding" })).await.unwrap();
    assert!(flood.outage.is_none(), "a critical report is never linked, so never closed with the outage");
    let b2 = s.user(RESIDENT_B2).await.report(&json!({ "category": "no_water" })).await.unwrap();
    assert!(b2.outage.is_none(), "building 2 is not affected");
    butler.act(&linked.id, JobAction::Acknowledge).await.unwrap();
    assert_eq!(butler.announcement(&id).await.unwrap().outage.unwrap().linked_jobs, Some(1));

    assert_eq!(s.user(BUTLER_B3).await.end_outage(&id).await.unwrap_err().status, StatusCode::NOT_FOUND);
    assert_eq!(resident.end_outage(&id).await.unwrap_err().status, StatusCode::FORBIDDEN);
    let mut resident_stream = s.stream(resident.token(), None).await;
    let ended = butler.end_outage(&id).await.unwrap();
    assert_eq!(ended.resolved_jobs, 1);
    resident_stream.next_of("repair.updated", Duration::from_secs(2)).await.expect("the household is told");

    let job = resident.job(&linked.id).await.unwrap();
    assert_eq!(job.status, JobStatus::Resolved);
    let last = job.timeline.last().unwrap();
    assert_eq!((last.to_status, last.actor_role), (JobStatus::Resolved, ActorRole::System));
    assert!(last.note.contains("停运已结束"), "the timeline says why: {}", last.note);
    assert!(job.outage.unwrap().ended_at.is_some());
    assert!(job.allowed_actions.contains(&JobAction::Reopen), "the resident can still reopen");
    assert_eq!(resident.act(&linked.id, JobAction::Reopen).await.unwrap().status, JobStatus::Reopened);

    for (other, status) in
        [(&leak.id, JobStatus::Submitted), (&flood.id, JobStatus::Submitted), (&b2.id, JobStatus::Submitted)]
    {
        assert_eq!(butler.job(other).await.unwrap().status, status, "unlinked reports stay as they were");
    }
    assert_eq!(butler.end_outage(&id).await.unwrap_err().status, StatusCode::CONFLICT, "ended once");
    assert!(resident.active_outages(Some("no_water")).await.unwrap().items.is_empty(), "no longer offered");
    let later = resident.report(&json!({ "category": "no_water" })).await.unwrap();
    assert!(later.outage.is_none(), "a report after the end is not linked");
    assert_eq!(resident.mark_affected(&id).await.unwrap_err().status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn the_butler_is_alerted_once_when_the_expected_end_passes() {
    let s = TestServer::start().await;
    let butler = s.user(BUTLER).await;
    let mut stream = s.stream(butler.token(), None).await;
    let mut other_stream = s.stream(s.user(BUTLER_B3).await.token(), None).await;
    let id = water_outage(&s, Span::seconds(3)).await;
    let event = stream.next_of("outage.updated", Duration::from_secs(15)).await.expect("alerted at the expected end");
    assert_eq!((event.data["action"].as_str(), event.data["id"].as_str()), (Some("overdue"), Some(id.as_str())));
    assert!(stream.next_of("outage.updated", Duration::from_secs(5)).await.is_none(), "only once");
    assert!(other_stream.next_of("outage.updated", Duration::from_millis(200)).await.is_none(), "not other butlers");
    assert_eq!(s.backend.sweep_outages(Utc::now() + Span::hours(1)).await.unwrap(), 0, "nothing left to alert");
    let subject = format!("outage:{id}");
    let queued = dump(s.backend.db())
        .await
        .into_iter()
        .filter(|(table, _)| table == "notification")
        .flat_map(|(_, rows)| rows)
        .filter(|r| r["subject"] == subject.as_str())
        .count();
    assert_eq!(queued, 1, "one message queued for the butler");

    // Extended: alerted again at the new end, once.
    let admin = s.user(ADMIN).await;
    admin.extend_outage(&id, Utc::now() + Span::seconds(2)).await.unwrap();
    let again = stream.next_of("outage.updated", Duration::from_secs(15)).await.unwrap();
    let again = if again.data["action"] == "extended" {
        stream.next_of("outage.updated", Duration::from_secs(15)).await.unwrap()
    } else {
        again
    };
    assert_eq!(again.data["action"], "overdue");
    // Ended: nothing more.
    admin.end_outage(&id).await.unwrap();
    let err = admin.extend_outage(&id, Utc::now() + Span::hours(1)).await.unwrap_err();
    assert_eq!(err.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn a_butler_posts_outages_for_their_own_buildings_only_and_bad_fields_are_422() {
    let s = TestServer::start().await;
    let butler_b3 = s.user(BUTLER_B3).await;
    let b1 = butler_b3.building_id("1").await;
    let end = Utc::now() + Span::hours(2);
    let err = butler_b3
        .publish(&json!({ "title": "1号楼停电", "body": "", "category": "outage", "building_ids": [b1], "outage_kind": "power", "expected_end": end }))
        .await
        .unwrap_err();
    assert_eq!((err.status, err.detail.as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("building_ids")));

    let butler = s.user(BUTLER).await;
    for (body, field) in [
        (
            json!({ "title": "t", "body": "", "category": "notice", "building_ids": [b1], "outage_kind": "water", "expected_end": end }),
            "outage_kind",
        ),
        (
            json!({ "title": "t", "body": "", "category": "outage", "building_ids": [b1], "outage_kind": "lava", "expected_end": end }),
            "outage_kind",
        ),
        (
            json!({ "title": "t", "body": "", "category": "outage", "building_ids": [b1], "outage_kind": "water" }),
            "expected_end",
        ),
        (
            json!({ "title": "t", "body": "", "category": "outage", "building_ids": [b1], "outage_kind": "water", "expected_end": Utc::now() - Span::hours(1) }),
            "expected_end",
        ),
    ] {
        let err = butler.publish(&body).await.unwrap_err();
        assert_eq!((err.status, err.detail.as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some(field)), "{body}");
    }
    assert!(butler.announcements().await.unwrap().items.is_empty(), "nothing was published");

    // An outage notice without a kind stays a plain notice, as before.
    let plain = butler
        .publish(&json!({ "title": "停水提醒", "body": "", "category": "outage", "building_ids": [b1] }))
        .await
        .unwrap();
    assert!(plain.outage.is_none());

    // A community-wide outage is the manager's to end, not a butler's.
    let admin = s.user(ADMIN).await;
    let all = admin
        .publish(&json!({ "title": "全小区停电", "body": "", "category": "outage", "outage_kind": "power", "expected_end": end }))
        .await
        .unwrap();
    assert_eq!(butler.end_outage(&all.id).await.unwrap_err().status, StatusCode::FORBIDDEN);
    let on_b2 = s.user(RESIDENT_B2).await.active_outages(Some("elevator")).await.unwrap();
    assert_eq!(on_b2.items.len(), 1, "power cuts stop lifts: an elevator report is a duplicate");
    assert!(on_b2.items[0].line.starts_with("全小区停电"), "{}", on_b2.items[0].line);
    assert_eq!(admin.end_outage(&all.id).await.unwrap().resolved_jobs, 0);
}

#[tokio::test]
async fn the_no_script_notice_form_posts_an_outage_and_its_page_ends_it() {
    let s = TestServer::start().await;
    let butler = s.user(BUTLER).await;
    let b1 = butler.building_id("1").await;
    let cookie = s.web_login(BUTLER).await;
    // datetime-local, Shanghai time: three hours from now.
    let end = (Utc::now() + Span::hours(3)).with_timezone(&linli_model::time::shanghai());
    let local = end.format("%Y-%m-%dT%H:%M").to_string();
    let res = s
        .req(Method::POST, "/forms/notices", None)
        .header(header::COOKIE, &cookie)
        .form(&[
            ("title", "1号楼电梯检修"),
            ("body", ""),
            ("category", "outage"),
            ("building_ids", b1.as_str()),
            ("outage_kind", "elevator"),
            ("outage_end", local.as_str()),
            ("days", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = res.headers()[header::LOCATION].to_str().unwrap().to_string();
    let id = to.strip_prefix("/notices/").unwrap_or_else(|| panic!("to the notice: {to}")).to_string();
    let outage = butler.announcement(&id).await.unwrap().outage.unwrap();
    assert_eq!(outage.kind, OutageKind::Elevator);
    assert_eq!(outage.expected_end.timestamp() / 60, end.timestamp() / 60, "read as Shanghai time");

    let page =
        s.req(Method::GET, &to, None).header(header::COOKIE, &cookie).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(&format!("/forms/outages/{id}/end")), "staff get the end button");
    let res = s
        .req(Method::POST, &format!("/forms/outages/{id}/end"), None)
        .header(header::COOKIE, &cookie)
        .form(&[("x", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!((res.status(), res.headers()[header::LOCATION].to_str().unwrap()), (StatusCode::SEE_OTHER, to.as_str()));
    assert!(butler.announcement(&id).await.unwrap().outage.unwrap().ended_at.is_some());
}
