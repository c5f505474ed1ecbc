//! Regular visits to elders (定期探访) over HTTP: the schedule's rule as the
//! board, the elder's screen and the scorecard see it; back-dating within
//! 14 days (how a missed visit is made in a test: a visit recorded 8 days
//! back under the weekly default was due yesterday); validation; and a
//! butler's reach.
//!
//! The demo's only elder may carry seeded history, so these tests switch
//! elder mode on for 张伟 (building 1, butler 李明), who starts with none,
//! and compare scorecard figures before and after.

use chrono::{Duration, Utc};

use crate::common::*;
use linli_model::{
    ErrorCode,
    help::{ElderCondition, ElderInfo, VisitBody, VisitMode},
    scorecard::Scorecard,
    time::local_date,
};
use reqwest::StatusCode;
use serde_json::json;

/// 张伟 (a resident of building 1) made an elder by his butler; his id.
async fn new_elder(butler: &User<'_>) -> String {
    let all = butler.elders(true).await.unwrap();
    let id = all.items.iter().find(|e| e.name == "张伟").expect("张伟 in building 1").id.clone();
    let info = butler.set_elder(&id, &json!({ "elder_mode": true, "emergency_contacts": [] })).await.unwrap();
    assert!(info.elder_mode);
    id
}

/// The elder `id` on the butler's board (`GET /elders`).
async fn on_board(butler: &User<'_>, id: &str) -> ElderInfo {
    let list = butler.elders(false).await.unwrap();
    list.items.into_iter().find(|e| e.id == id).unwrap_or_else(|| panic!("{id} on the board"))
}

fn visit(mode: VisitMode, condition: ElderCondition, days_ago: i64) -> VisitBody {
    VisitBody {
        mode: mode.as_str().into(),
        condition: condition.as_str().into(),
        note: Some("精神不错".into()),
        follow_up: None,
        visited_at: Some(Utc::now() - Duration::days(days_ago)),
    }
}

async fn card_of(admin: &User<'_>, butler_name: &str) -> Scorecard {
    let cards = admin.scorecards().await.unwrap();
    cards.items.into_iter().find(|c| c.butler_name == butler_name).expect("the butler's card")
}

#[tokio::test]
async fn a_missed_weekly_visit_appears_on_the_board_and_leaves_it_when_recorded() {
    let s = TestServer::start().await;
    let butler = s.user(BUTLER).await;
    let admin = s.user(ADMIN).await;
    let id = new_elder(&butler).await;
    let today = local_date(Utc::now());

    // Just registered: weekly, due in 7 days, not overdue.
    let fresh = on_board(&butler, &id).await.visits.expect("an elder has a schedule");
    assert_eq!((fresh.every_days, fresh.overdue, fresh.last_visit_at), (7, false, None));
    assert_eq!(fresh.next_due, today + Duration::days(7));
    let before = card_of(&admin, "李明").await;

    // A visit 8 days ago: the next one was due yesterday, and is overdue.
    let old = butler.record_visit(&id, &visit(VisitMode::InPerson, ElderCondition::Well, 8)).await.unwrap();
    assert!(old.on_time, "made before anything was due");
    let missed = on_board(&butler, &id).await.visits.unwrap();
    assert_eq!(missed.next_due, today - Duration::days(1));
    assert!(missed.overdue, "{missed:?}");
    let duty_sees = on_board(&s.user(DUTY).await, &id).await.visits.unwrap();
    assert!(duty_sees.overdue, "the duty room's board too");
    let mid = card_of(&admin, "李明").await;
    assert_eq!(mid.visits_on_time, before.visits_on_time + 1);
    assert_eq!(mid.visits_overdue_now, before.visits_overdue_now + 1);

    // A phone call now: late (due yesterday), and the elder leaves the list.
    let mut call = visit(VisitMode::Phone, ElderCondition::Unwell, 0);
    call.visited_at = None;
    call.follow_up = Some("送降压药".into());
    let late = butler.record_visit(&id, &call).await.unwrap();
    assert_eq!((late.on_time, late.due, late.mode), (false, today - Duration::days(1), VisitMode::Phone));
    assert_eq!((late.condition, late.follow_up.as_str()), (ElderCondition::Unwell, "送降压药"));
    assert_eq!(late.by.name, "李明");
    let cleared = on_board(&butler, &id).await.visits.unwrap();
    assert!(!cleared.overdue);
    assert_eq!(cleared.next_due, today + Duration::days(7));
    assert_eq!(cleared.last_visit_at, Some(late.visited_at));
    let after = card_of(&admin, "李明").await;
    assert_eq!(after.visits_on_time, before.visits_on_time + 1);
    assert_eq!(after.visits_late, before.visits_late + 1);
    assert_eq!(after.visits_overdue_now, before.visits_overdue_now);
    let own = s.user(BUTLER).await.butler_scorecard(&late.by.id).await.unwrap();
    assert_eq!(own.scorecard.visits_late, after.visits_late, "the butler's own card agrees");

    // The log, newest first, one per page.
    let page = butler.elder_visits(&id, "?limit=1").await.unwrap();
    assert_eq!(page.items.iter().map(|v| v.id.as_str()).collect::<Vec<_>>(), [late.id.as_str()]);
    let cursor = page.next_cursor.expect("a second page");
    let rest = butler.elder_visits(&id, &format!("?limit=1&cursor={}", urlencode(&cursor))).await.unwrap();
    assert_eq!(rest.items.iter().map(|v| v.id.as_str()).collect::<Vec<_>>(), [old.id.as_str()]);
    assert_eq!(rest.next_cursor, None);
    let err = butler.elder_visits(&id, "?cursor=yesterday").await.unwrap_err();
    assert_eq!((err.status, err.detail.as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("cursor")));

    // The elder's own screen shows the day of the next visit.
    let elder = s.user(RESIDENT).await;
    let home = elder.elder_home().await.unwrap();
    assert_eq!(home.next_visit, Some(today + Duration::days(7)));
}

#[tokio::test]
async fn the_schedule_is_one_to_ninety_days_and_moves_the_due_day() {
    let s = TestServer::start().await;
    let butler = s.user(BUTLER).await;
    let id = new_elder(&butler).await;
    let today = local_date(Utc::now());
    for bad in [0, -1, 91, 1000] {
        let err = butler.set_visit_schedule(&id, bad).await.unwrap_err();
        assert_eq!(
            (err.status, err.code, err.detail.as_deref()),
            (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::Invalid, Some("every_days")),
            "{bad}"
        );
    }
    assert_eq!(on_board(&butler, &id).await.visits.unwrap().every_days, 7, "nothing was stored");

    let set = butler.set_visit_schedule(&id, 3).await.unwrap();
    assert_eq!((set.every_days, set.next_due, set.overdue), (3, today + Duration::days(3), false));
    // A visit 5 days back under a 3-day schedule was due 2 days ago.
    butler.record_visit(&id, &visit(VisitMode::InPerson, ElderCondition::Well, 5)).await.unwrap();
    let board = on_board(&butler, &id).await.visits.unwrap();
    assert_eq!((board.every_days, board.next_due, board.overdue), (3, today - Duration::days(2), true));
    assert_eq!(s.user(RESIDENT).await.elder_home().await.unwrap().next_visit, Some(today - Duration::days(2)));
    let admin = s.user(ADMIN).await;
    // Five days on from that visit: due today, on the board but not yet overdue.
    let today_due = butler.set_visit_schedule(&id, 5).await.unwrap();
    assert_eq!((today_due.next_due, today_due.overdue, today_due.due_today), (today, false, true));
    assert!(on_board(&butler, &id).await.visits.unwrap().due_today);
    assert_eq!(admin.set_visit_schedule(&id, 90).await.unwrap().every_days, 90, "the manager may set it");

    // Who may not: the duty room and residents (by role), a resident who
    // is not an elder (422), and visits dated ahead or too far back.
    for phone in [DUTY, RESIDENT_B2, ELDER] {
        let err = s.user(phone).await.set_visit_schedule(&id, 7).await.unwrap_err();
        assert_eq!(err.status, StatusCode::FORBIDDEN, "{phone}");
    }
    let plain = butler.elders(true).await.unwrap().items.into_iter().find(|e| !e.elder_mode).unwrap();
    let err = butler.set_visit_schedule(&plain.id, 7).await.unwrap_err();
    assert_eq!((err.status, err.detail.as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("id")));
    for days_ago in [-1, 15] {
        let err = butler.record_visit(&id, &visit(VisitMode::Phone, ElderCondition::Well, days_ago)).await.unwrap_err();
        assert_eq!((err.status, err.detail.as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("visited_at")));
    }
    let mut bad = visit(VisitMode::Phone, ElderCondition::Well, 0);
    bad.mode = "carrier_pigeon".into();
    let err = butler.record_visit(&id, &bad).await.unwrap_err();
    assert_eq!((err.status, err.detail.as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("mode")));
    let mut bad = visit(VisitMode::Phone, ElderCondition::Well, 0);
    bad.condition = "fine".into();
    let err = butler.record_visit(&id, &bad).await.unwrap_err();
    assert_eq!((err.status, err.detail.as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("condition")));
    assert_eq!(butler.elder_visits(&id, "").await.unwrap().items.len(), 1, "only the one good visit");
    assert_eq!(admin.set_visit_schedule(&id, 90).await.unwrap().every_days, 90, "the refusals changed nothing");
}

#[tokio::test]
async fn a_butler_of_another_building_or_community_reaches_nothing_and_nothing_is_stored() {
    let s = TestServer::start().await;
    let butler = s.user(BUTLER).await;
    let id = new_elder(&butler).await;
    let stored_before = count_rows(&s, "elder_visit").await;
    let good = visit(VisitMode::InPerson, ElderCondition::Well, 0);
    for phone in [BUTLER_B3, OTHER_BUTLER, OTHER_ADMIN] {
        let other = s.user(phone).await;
        let err = other.record_visit(&id, &good).await.unwrap_err();
        assert_eq!(err.status, StatusCode::NOT_FOUND, "{phone} records");
        let err = other.set_visit_schedule(&id, 1).await.unwrap_err();
        assert_eq!(err.status, StatusCode::NOT_FOUND, "{phone} schedules");
        let err = other.elder_visits(&id, "").await.unwrap_err();
        assert_eq!(err.status, StatusCode::NOT_FOUND, "{phone} reads the log");
        let board = other.elders(false).await.unwrap();
        assert!(board.items.iter().all(|e| e.id != id), "{phone}'s board");
    }
    for phone in [RESIDENT, RESIDENT_B2, WORKER, GUARD] {
        let err = s.user(phone).await.record_visit(&id, &good).await.unwrap_err();
        assert_eq!(err.status, StatusCode::FORBIDDEN, "{phone} records");
    }
    // Made-up and other-table ids reveal nothing either.
    for fake in ["nobody1234", "building:x", "../admin"] {
        let err = butler.record_visit(fake, &good).await.unwrap_err();
        assert_eq!(err.status, StatusCode::NOT_FOUND, "{fake}");
    }
    assert!(butler.elder_visits(&id, "").await.unwrap().items.is_empty(), "nothing was stored");
    let status = on_board(&butler, &id).await.visits.unwrap();
    assert_eq!((status.every_days, status.last_visit_at), (7, None), "the schedule is untouched");
    assert_eq!(count_rows(&s, "elder_visit").await, stored_before, "no row for any elder");
    // The duty room of the same community may record (and the butler sees it).
    s.user(DUTY).await.record_visit(&id, &good).await.unwrap();
    assert_eq!(butler.elder_visits(&id, "").await.unwrap().items.len(), 1);
}

/// How many rows `table` holds now, whatever their elder (the demo seed
/// included).
async fn count_rows(s: &TestServer, table: &str) -> usize {
    dump(s.backend.db()).await.into_iter().find(|(t, _)| t == table).map_or(0, |(_, rows)| rows.len())
}

fn urlencode(s: &str) -> String {
    s.replace('+', "%2B").replace(':', "%3A")
}

#[tokio::test]
async fn the_board_records_a_visit_without_javascript_and_the_elder_sees_the_day() {
    let s = TestServer::start().await;
    let butler = s.user(BUTLER).await;
    let id = new_elder(&butler).await;
    butler.record_visit(&id, &visit(VisitMode::InPerson, ElderCondition::Well, 9)).await.unwrap();
    let cookie = s.web_login(BUTLER).await;
    let page = |cookie: String| {
        let s = &s;
        async move {
            let res = s.req(reqwest::Method::GET, "/", None).header(reqwest::header::COOKIE, cookie).send().await;
            res.unwrap().text().await.unwrap()
        }
    };
    let marker = format!("data-elder=\"{id}\"");
    let board = page(cookie.clone()).await;
    assert!(board.contains("visits-overdue") && board.contains(&marker), "the board lists the overdue visit");

    let res = s
        .req(reqwest::Method::POST, &format!("/forms/elders/{id}/visits"), None)
        .header(reqwest::header::COOKIE, &cookie)
        .form(&[
            ("mode", "in_person"),
            ("condition", "needs_help"),
            ("note", ""),
            ("follow_up", "修扶手"),
            ("back", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()[reqwest::header::LOCATION], "/");
    let log = butler.elder_visits(&id, "").await.unwrap();
    assert_eq!((log.items[0].condition, log.items[0].follow_up.as_str()), (ElderCondition::NeedsHelp, "修扶手"));
    let board = page(cookie.clone()).await;
    assert!(!board.contains(&marker), "recorded: off the board");

    // A refused form goes back with the reason, and stores nothing.
    let res = s
        .req(reqwest::Method::POST, &format!("/forms/elders/{id}/visit-schedule"), None)
        .header(reqwest::header::COOKIE, &cookie)
        .form(&[("every_days", "1000"), ("back", &format!("/elders/{id}"))])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = res.headers()[reqwest::header::LOCATION].to_str().unwrap().to_string();
    assert_eq!(to, format!("/elders/{id}?error=err_visit_interval"));
    assert_eq!(on_board(&butler, &id).await.visits.unwrap().every_days, 7);
    let staff_page = s
        .req(reqwest::Method::GET, &format!("/elders/{id}"), None)
        .header(reqwest::header::COOKIE, &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(staff_page.contains("修扶手"), "the elder's page shows the log");

    // The elder's own screen: "下次探访：" and the day, a week from today.
    let elder = s.web_login(RESIDENT).await;
    let screen = page(elder).await;
    let due = (local_date(Utc::now()) + Duration::days(7)).to_string();
    assert!(screen.contains("id=\"next-visit\"") && screen.contains("下次探访"), "{screen}");
    assert!(screen.contains(&format!("data-due=\"{due}\"")));
}
