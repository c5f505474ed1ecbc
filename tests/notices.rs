//! Announcements and events over HTTP: audiences, read receipts, capacity
//! under concurrent RSVPs, the waitlist, deadlines, roles, CSV.

use std::time::Duration;

use crate::common::*;
use chrono::{Duration as Span, Utc};
use linli_model::{Page, keys::RsvpState, notice::Announcement};
use reqwest::{Method, StatusCode};
use serde_json::json;

fn ids(list: &Page<Announcement>) -> Vec<String> {
    list.items.iter().map(|x| x.id.clone()).collect()
}

#[tokio::test]
async fn a_notice_for_building_1_reaches_only_building_1() {
    let s = TestServer::start().await;
    let admin = s.user(ADMIN).await;
    let b1 = admin.building_id("1").await;
    let mut r1_stream = s.stream(&s.login(RESIDENT).await, None).await;
    let notice = admin
        .publish(&json!({ "title": "1号楼停水", "body": "明天 9:00-12:00 停水。\n\n详情 https://example.com", "category": "outage", "building_ids": [b1], "urgent": true }))
        .await
        .unwrap();
    let id = notice.id.clone();
    let live = r1_stream.next_of("announcement.published", Duration::from_secs(1)).await.expect("banner live");
    assert_eq!(live.data["urgent"], true);

    let r1 = s.user(RESIDENT).await;
    let list = r1.announcements().await.unwrap();
    assert_eq!(ids(&list), vec![id.clone()]);
    assert!(!list.items[0].read);
    let r2 = s.user(RESIDENT_B2).await;
    assert!(ids(&r2.announcements().await.unwrap()).is_empty(), "building 2 does not get it");
    assert_eq!(r2.announcement(&id).await.unwrap_err().status, StatusCode::NOT_FOUND, "nor by its id");
    let err = s.user(OTHER_ADMIN).await.announcement(&id).await.unwrap_err();
    assert_eq!(err.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn read_receipts_list_households_that_have_not_read_elders_first() {
    let s = TestServer::start().await;
    let butler = s.user(BUTLER).await;
    let b1 = butler.building_id("1").await;
    let notice = butler.publish(&json!({ "title": "燃气检修", "body": "请在家等候", "category": "safety", "building_ids": [b1], "urgent": true })).await.unwrap();
    let id = notice.id.as_str();
    let unread = butler.unread(id).await.unwrap();
    let labels: Vec<&str> = unread.items.iter().map(|h| h.unit.label.as_str()).collect();
    assert_eq!(labels, vec!["1号楼 102", "1号楼 101"], "the elder's household first; only households with residents");
    assert!(unread.items[0].has_elder);
    assert_eq!(unread.items[0].residents[0].phone, "138****0003", "masked in the list");

    let resident = s.user(RESIDENT).await;
    let mut butler_stream = s.stream(butler.token(), None).await;
    resident.mark_read(id).await.unwrap();
    resident.mark_read(id).await.unwrap();
    butler_stream.next_of("announcement.read", Duration::from_secs(1)).await.expect("the butler sees it live");
    let unread = butler.unread(id).await.unwrap();
    let labels: Vec<&str> = unread.items.iter().map(|h| h.unit.label.as_str()).collect();
    assert_eq!(labels, vec!["1号楼 102"]);
    let detail = butler.announcement(id).await.unwrap();
    assert_eq!((detail.households, detail.households_read), (Some(2), Some(1)));

    assert_eq!(resident.unread(id).await.unwrap_err().status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn who_may_publish_and_to_whom() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let err = resident.publish(&json!({ "title": "我也要发", "body": "", "category": "notice" })).await.unwrap_err();
    assert_eq!(err.status, StatusCode::FORBIDDEN, "a resident cannot publish");
    let butler_b3 = s.user(BUTLER_B3).await;
    let b1 = butler_b3.building_id("1").await;
    let err = butler_b3
        .publish(&json!({ "title": "越权", "body": "", "category": "notice", "building_ids": [b1] }))
        .await
        .unwrap_err();
    assert_eq!((err.status, err.detail.as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("building_ids")));
    let notice = butler_b3.publish(&json!({ "title": "3号楼通知", "body": "", "category": "notice" })).await.unwrap();
    assert_eq!(notice.building_ids.len(), 1, "a butler's notice goes to their buildings");
    let err = s.user(ADMIN).await.publish(&json!({ "title": "", "body": "", "category": "notice" })).await.unwrap_err();
    assert_eq!((err.status, err.detail.as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("title")));
}

/// A resident's expired notice is gone by its id as it is from the list
/// (no reading, no read receipt), for guards, workers and the duty room
/// too; those who publish notices still see it. An empty building id
/// is refused rather than read as "everyone", and a building given twice
/// is kept once.
#[tokio::test]
async fn an_expired_notice_is_gone_for_residents_by_id_too() {
    let s = TestServer::start().await;
    let admin = s.user(ADMIN).await;
    let expires = Utc::now() + Span::seconds(2);
    let notice = admin
        .publish(&json!({ "title": "限时通知", "body": "", "category": "notice", "expires_at": expires }))
        .await
        .unwrap();
    let resident = s.user(RESIDENT).await;
    assert!(resident.announcement(&notice.id).await.is_ok(), "shown before it expires");
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert!(!ids(&resident.announcements().await.unwrap()).contains(&notice.id), "gone from the list");
    assert_eq!(resident.announcement(&notice.id).await.unwrap_err().status, StatusCode::NOT_FOUND, "and by its id");
    assert_eq!(resident.mark_read(&notice.id).await.unwrap_err().status, StatusCode::NOT_FOUND, "and unreadable");
    assert!(admin.announcement(&notice.id).await.is_ok(), "those who publish notices still see it");
    assert!(s.user(BUTLER).await.announcement(&notice.id).await.is_ok(), "a butler too");
    for (who, phone) in [("a guard", GUARD), ("a worker", WORKER), ("the duty room", DUTY)] {
        let staff = s.user(phone).await;
        let status = staff.announcement(&notice.id).await.err().map(|e| e.status);
        assert_eq!(status, Some(StatusCode::NOT_FOUND), "{who} reads current notices only");
        assert!(!ids(&staff.announcements().await.unwrap()).contains(&notice.id), "{who}'s list leaves it out");
    }

    let err = admin
        .publish(&json!({ "title": "空楼栋", "body": "", "category": "notice", "building_ids": [""] }))
        .await
        .unwrap_err();
    assert_eq!((err.status, err.detail.as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("building_ids")));
    let (b1, b2) = (admin.building_id("1").await, admin.building_id("2").await);
    let twice = admin
        .publish(&json!({ "title": "两栋", "body": "", "category": "notice", "building_ids": [b1, b2, b1] }))
        .await
        .unwrap();
    assert_eq!(twice.building_ids, vec![b1, b2]);
}

async fn event(staff: &User<'_>, capacity: u32, deadline: Option<chrono::DateTime<Utc>>) -> String {
    let starts = Utc::now() + Span::days(2);
    let e = staff
        .create_event(&json!({ "title": "中秋晚会", "description": "一起赏月", "place": "会所", "starts_at": starts, "ends_at": starts + Span::hours(2), "capacity": capacity, "rsvp_deadline": deadline }))
        .await
        .unwrap();
    e.id
}

#[tokio::test]
async fn eight_concurrent_rsvps_for_five_places_give_five_going_and_three_waitlisted() {
    let s = TestServer::start().await;
    let admin = s.user(ADMIN).await;
    let id = event(&admin, 5, None).await;
    // Eight different residents: the demo's three plus five created here.
    let mut users = vec![s.user(RESIDENT).await, s.user(RESIDENT_B2).await, s.user(ELDER).await];
    let b3 = admin.building_id("3").await;
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
            .bind(("b", b3.clone()))
            .bind(("name", format!("住户{i}")))
            .bind(("phone", phone.clone()))
            .bind(("hash", hash))
            .await
            .unwrap()
            .check()
            .unwrap();
        users.push(s.user(&phone).await);
    }
    let answers: Vec<_> =
        futures::future::join_all(users.iter().map(|u| u.rsvp(&id, 1))).await.into_iter().map(Result::unwrap).collect();
    let mut going = 0;
    let mut waitlisted = 0;
    for answer in &answers {
        match answer.status {
            RsvpState::Going => going += 1,
            RsvpState::Waitlisted => waitlisted += 1,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!((going, waitlisted), (5, 3));
    let e = admin.event(&id).await.unwrap();
    assert_eq!((e.going, e.waitlisted), (5, 3), "capacity never exceeded");

    // A cancellation promotes the first on the waitlist.
    let attendees = admin.attendees(&id).await.unwrap();
    let first_waiting = attendees.items.iter().find(|a| a.status == RsvpState::Waitlisted).unwrap().name.clone();
    let goer = answers.iter().position(|a| a.status == RsvpState::Going).unwrap();
    users[goer].cancel_rsvp(&id).await.unwrap();
    let attendees = admin.attendees(&id).await.unwrap();
    let promoted = attendees.items.iter().find(|a| a.name == first_waiting).unwrap();
    assert_eq!(promoted.status, RsvpState::Going, "the first waitlisted moves up");
    let e = admin.event(&id).await.unwrap();
    assert_eq!((e.going, e.waitlisted), (5, 2));
}

#[tokio::test]
async fn rsvp_rules_deadlines_roles_and_the_csv_export() {
    let s = TestServer::start().await;
    let admin = s.user(ADMIN).await;
    let resident = s.user(RESIDENT).await;
    let closed = event(&admin, 10, Some(Utc::now() + Span::milliseconds(200))).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let err = resident.rsvp(&closed, 1).await.unwrap_err();
    assert_eq!((err.status, err.detail.as_deref()), (StatusCode::CONFLICT, Some("rsvp_closed")));
    assert!(err.message.contains("截止"));

    let id = event(&admin, 10, None).await;
    assert_eq!(resident.rsvp(&id, 11).await.unwrap_err().status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = resident.rsvp(&id, 3).await.unwrap();
    assert_eq!((r.status, r.headcount), (RsvpState::Going, 3));
    let r = resident.rsvp(&id, 2).await.unwrap();
    assert_eq!(r.headcount, 2, "changing the head count");
    let e = resident.event(&id).await.unwrap();
    assert_eq!((e.going, e.my_status), (2, Some(RsvpState::Going)));

    let err = resident
        .create_event(
            &json!({ "title": "x", "starts_at": Utc::now(), "ends_at": Utc::now() + Span::hours(1), "capacity": 5 }),
        )
        .await
        .unwrap_err();
    assert_eq!(err.status, StatusCode::FORBIDDEN, "residents do not create events");
    let over = json!({ "title": "x", "starts_at": Utc::now() - Span::hours(3), "ends_at": Utc::now() - Span::hours(1), "capacity": 5 });
    let err = admin.create_event(&over).await.unwrap_err();
    assert_eq!(
        (err.status, err.detail.as_deref()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("ends_at")),
        "an event already over"
    );
    let on = json!({ "title": "x", "starts_at": Utc::now() - Span::hours(1), "ends_at": Utc::now() + Span::hours(1), "capacity": 5 });
    admin.create_event(&on).await.expect("an event still on may be announced");

    // Both counts are of people: a household of two waiting is two.
    let small = event(&admin, 3, None).await;
    resident.rsvp(&small, 2).await.unwrap();
    let waiting = s.user(RESIDENT_B2).await.rsvp(&small, 2).await.unwrap();
    assert_eq!(waiting.status, RsvpState::Waitlisted);
    let e = resident.event(&small).await.unwrap();
    assert_eq!((e.going, e.waitlisted), (2, 2), "people going and people waiting");
    assert_eq!(resident.attendees(&id).await.unwrap_err().status, StatusCode::FORBIDDEN);
    let err = s.user(OTHER_RESIDENT).await.event(&id).await.unwrap_err();
    assert_eq!(err.status, StatusCode::NOT_FOUND, "another community's event");

    let res = s
        .req(Method::GET, &format!("/api/v1/events/{id}/attendees?format=csv"), Some(admin.token()))
        .send()
        .await
        .unwrap();
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let bytes = res.bytes().await.unwrap();
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "UTF-8 with BOM for Excel");
    let csv = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "姓名,房号,电话,人数,状态,报名时间");
    assert!(lines[1].starts_with("张伟,1号楼 101,138****0001,2,已报名,"), "{}", lines[1]);
    assert_eq!(lines.len(), 2);
}

/// The pages a resident walks, `limit` at a time: each page's ids and
/// whether it gave a next cursor.
async fn notice_pages(user: &User<'_>, limit: usize) -> Vec<(Vec<String>, bool)> {
    let mut pages = Vec::new();
    let mut path = format!("/api/v1/announcements?limit={limit}");
    for _ in 0..100 {
        let page: Page<Announcement> = user.get(&path).await.unwrap();
        pages.push((ids(&page), page.next_cursor.is_some()));
        match page.next_cursor {
            Some(c) => path = format!("/api/v1/announcements?limit={limit}&cursor={c}"),
            None => return pages,
        }
    }
    panic!("the walk did not end");
}

/// Notices for another building, ranked above the resident's own, are left
/// out of the read (the query narrows to the caller's reach): pages are
/// full until the last, even where a page's rows read would all have been
/// hidden, and the walk reaches every notice once.
#[tokio::test]
async fn notice_pages_fill_past_notices_for_other_buildings() {
    let s = TestServer::start().await;
    let admin = s.user(ADMIN).await;
    let b2 = admin.building_id("2").await;
    for i in 0..4 {
        admin.publish(&json!({ "title": format!("全体 {i}"), "body": "", "category": "notice" })).await.unwrap();
    }
    let mut others = Vec::new();
    for i in 0..12 {
        let n = admin
            .publish(&json!({ "title": format!("2号楼 {i}"), "body": "", "category": "notice", "building_ids": [b2],
                            "pinned": true, "urgent": true }))
            .await
            .unwrap();
        others.push(n.id);
    }
    let resident = s.user(RESIDENT).await;
    let whole: Vec<String> = notice_pages(&resident, 200).await.into_iter().flat_map(|(p, _)| p).collect();
    assert!(whole.len() >= 4 && whole.iter().all(|id| !others.contains(id)), "{whole:?}");

    // 12 hidden rows on top (pinned and urgent), limit 5.
    let pages = notice_pages(&resident, 5).await;
    let walked: Vec<String> = pages.iter().flat_map(|(p, _)| p.clone()).collect();
    assert_eq!(walked, whole, "the same notices in the same order, none lost or repeated");
    for (page, more) in &pages {
        assert!(!more || page.len() == 5, "only the last page is short: {pages:?}");
    }

    // Limit 1: 4 × 2 rows a page would not get past the 12 hidden ones if
    // they were read; the query skips them, so every page holds a notice.
    let pages = notice_pages(&resident, 1).await;
    assert!(pages.iter().all(|(p, _)| p.len() == 1), "{pages:?}");
    let walked: Vec<String> = pages.iter().flat_map(|(p, _)| p.clone()).collect();
    assert_eq!(walked, whole);
}
