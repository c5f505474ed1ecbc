//! Recurring passes (长期访客) over HTTP: admitted inside the schedule's
//! window and refused outside it with `outside_schedule` (saying when the
//! next window opens), the Shanghai day, pause and resume, revocation by
//! the household and by the manager, today's expected visitors, the
//! butler's pass for an elder, and who may touch whose pass.
//!
//! Windows are built from the current Shanghai time so that they are
//! inside or outside "now" whenever the test runs.

use std::time::Duration;

use crate::common::*;
use chrono::{Datelike, Duration as Days, NaiveDate, NaiveTime, Timelike, Utc};
use linli_model::{
    ErrorCode,
    pass::{
        CreatedPass, Reason, Weekday,
        schedule::{shanghai_instant, shanghai_local},
    },
};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn shanghai_now() -> chrono::NaiveDateTime {
    shanghai_local(Utc::now())
}

fn hm(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn weekday(d: NaiveDate) -> &'static str {
    Weekday::of(d.weekday()).as_str()
}

/// A window today (Shanghai) around now: an hour either side, kept within the day.
fn window_around_now() -> (NaiveTime, NaiveTime) {
    let now = shanghai_now().time();
    let from = if now.hour() < 1 { NaiveTime::MIN } else { now - Days::hours(1) };
    let until = if now.hour() >= 22 { NaiveTime::from_hms_opt(23, 59, 0).unwrap() } else { now + Days::hours(1) };
    (from.with_second(0).unwrap(), until.with_second(0).unwrap())
}

/// A window today (Shanghai) that does not hold now: 12:00–13:00 in the
/// morning, 01:00–02:00 in the afternoon and evening.
fn window_not_now() -> (NaiveTime, NaiveTime) {
    let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
    if shanghai_now().hour() < 12 { (t(12), t(13)) } else { (t(1), t(2)) }
}

fn schedule(days: &[&str], (from, until): (NaiveTime, NaiveTime), start: NaiveDate, end: NaiveDate) -> Value {
    json!({
        "weekdays": days, "time_from": hm(from), "time_until": hm(until),
        "start_date": day(start), "end_date": day(end),
    })
}

/// A recurring pass on today's weekday (Shanghai) with `window`, for three months.
async fn recurring(user: &User<'_>, name: &str, window: (NaiveTime, NaiveTime)) -> CreatedPass {
    let today = shanghai_now().date();
    user.invite(&json!({
        "visitor_name": name, "visitor_phone": "13912341234", "plate": "沪a 12345",
        "schedule": schedule(&[weekday(today)], window, today, today + Days::days(90)),
    }))
    .await
    .unwrap()
}

#[tokio::test]
async fn admitted_inside_its_window_every_time_and_refused_outside_it() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let guard = s.user(GUARD).await;
    let mut stream = s.stream(resident.token(), None).await;
    let inside = recurring(&resident, "保姆张阿姨", window_around_now()).await;
    let sched = inside.pass.schedule.as_ref().expect("the pass answers its schedule");
    assert_eq!(sched.weekdays, vec![Weekday::of(shanghai_now().date().weekday())]);
    assert_eq!(inside.pass.plate.as_deref(), Some("沪A12345"), "the plate parser");
    assert_eq!(inside.pass.reason, None);
    let open = inside.pass.next_window.expect("the window open now");
    assert!(open.start <= Utc::now() && Utc::now() < open.end, "{open:?}");

    // The same code and link serve every visit, each notifying the household.
    for (n, body) in [json!({ "code": inside.code }), json!({ "token": inside.url }), json!({ "code": inside.code })]
        .into_iter()
        .enumerate()
    {
        let verdict = guard.verify(&body).await.unwrap();
        assert!(verdict.valid, "visit {n}: {verdict:?}");
        guard.admit(&body).await.unwrap();
        let arrived = stream.next_of("pass.admitted", Duration::from_secs(2)).await;
        assert_eq!(arrived.expect("each entry is told").data["visitor_name"], "保姆张阿姨", "visit {n}");
    }
    let mine = resident.passes().await.unwrap();
    let row = mine.items.iter().find(|p| p.id == inside.pass.id).unwrap();
    assert_eq!((row.entries_used, row.entries.len()), (3, 3), "no entry limit");

    // Outside the window: refused, saying when the next window opens.
    let outside = recurring(&resident, "家教王老师", window_not_now()).await;
    let verdict = guard.verify(&json!({ "code": outside.code })).await.unwrap();
    assert_eq!((verdict.valid, verdict.reason), (false, Some(Reason::OutsideSchedule)));
    let next = verdict.pass.unwrap().next_window.expect("a next window");
    let today = shanghai_now().date();
    let (from, _) = window_not_now();
    let expected_start = if from.hour() == 12 { today } else { today + Days::days(7) };
    assert_eq!(next.start, shanghai_instant(expected_start, from), "today at noon, or next week's same day");
    let err = guard.admit(&json!({ "code": outside.code })).await.unwrap_err();
    assert_eq!((err.status, err.detail.as_deref()), (StatusCode::CONFLICT, Some("outside_schedule")));
    let when = format!("{} {}", day(expected_start), hm(from));
    assert!(err.message.contains("下次可通行") && err.message.contains(&when), "{}", err.message);
    let mine = resident.passes().await.unwrap();
    assert_eq!(mine.items.iter().find(|p| p.id == outside.pass.id).unwrap().entries_used, 0);
}

#[tokio::test]
async fn the_day_is_the_shanghai_day() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let guard = s.user(GUARD).await;
    let today = shanghai_now().date();
    let all_day = (NaiveTime::MIN, NaiveTime::from_hms_opt(23, 59, 0).unwrap());
    let on_shanghai_day = recurring(&resident, "沪日", all_day).await;
    if shanghai_now().time() < NaiveTime::from_hms_opt(23, 59, 0).unwrap() {
        assert!(guard.verify(&json!({ "code": on_shanghai_day.code })).await.unwrap().valid);
    }
    // Between 16:00 and 24:00 UTC, Shanghai is already on the next day:
    // a pass for the UTC weekday alone is then refused.
    let utc_day = Utc::now().date_naive();
    if utc_day != today {
        let pass = resident
            .invite(&json!({
                "visitor_name": "UTC日",
                "schedule": schedule(&[weekday(utc_day)], all_day, today, today + Days::days(30)),
            }))
            .await
            .unwrap();
        let verdict = guard.verify(&json!({ "code": pass.code })).await.unwrap();
        assert_eq!(verdict.reason, Some(Reason::OutsideSchedule), "the UTC date's weekday is not today in Shanghai");
    }
}

#[tokio::test]
async fn paused_it_is_refused_until_resumed_and_revoked_it_is_refused_for_good() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let guard = s.user(GUARD).await;
    let pass = recurring(&resident, "护工", window_around_now()).await;
    let body = json!({ "code": pass.code });

    let paused = resident.pause_pass(&pass.pass.id).await.unwrap();
    assert!(paused.paused);
    assert_eq!(paused.reason, Some(Reason::Paused));
    let err = guard.admit(&body).await.unwrap_err();
    assert_eq!((err.status, err.detail.as_deref()), (StatusCode::CONFLICT, Some("paused")));
    let resumed = resident.resume_pass(&pass.pass.id).await.unwrap();
    assert!(!resumed.paused && resumed.reason.is_none());
    guard.admit(&body).await.unwrap();

    // Only a recurring pass pauses.
    let single = resident.invite(&json!({ "visitor_name": "单次" })).await.unwrap();
    let err = resident.pause_pass(&single.pass.id).await.unwrap_err();
    assert_eq!((err.status, err.detail.as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("id")));

    resident.revoke_pass(&pass.pass.id).await.unwrap();
    let err = guard.admit(&body).await.unwrap_err();
    assert_eq!(err.detail.as_deref(), Some("revoked"));
    let err = resident.resume_pass(&pass.pass.id).await.unwrap_err();
    assert_eq!(err.status, StatusCode::CONFLICT, "a revoked pass stays revoked");
}

#[tokio::test]
async fn nobody_else_may_pause_or_revoke_it() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let pass = recurring(&resident, "钟点工", window_around_now()).await;
    let id = &pass.pass.id;
    for phone in [RESIDENT_B2, OTHER_RESIDENT, OTHER_ADMIN, BUTLER] {
        let user = s.user(phone).await;
        let err = user.pause_pass(id).await.unwrap_err();
        assert_eq!((err.status, err.code), (StatusCode::NOT_FOUND, ErrorCode::NotFound), "{phone} pauses");
        let err = user.revoke_pass(id).await.unwrap_err();
        assert_eq!(err.status, StatusCode::NOT_FOUND, "{phone} revokes");
    }
    for phone in [GUARD, DUTY, ADMIN] {
        let err = s.user(phone).await.pause_pass(id).await.unwrap_err();
        assert_eq!(err.status, StatusCode::FORBIDDEN, "{phone}: the manager revokes, never pauses");
    }
    let err = s.user(RESIDENT).await.recurring_passes("").await;
    assert_eq!(err.unwrap_err().status, StatusCode::FORBIDDEN, "the community's list is the manager's");
    let mine = resident.passes().await.unwrap();
    let row = mine.items.iter().find(|p| p.id == *id).unwrap();
    assert!(!row.paused && row.reason != Some(Reason::Revoked), "nothing changed");
}

#[tokio::test]
async fn the_guard_expects_a_recurring_visitor_on_their_days_only() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let guard = s.user(GUARD).await;
    let today = shanghai_now().date();
    let tomorrow = today + Days::days(1);
    let later_today = recurring(&resident, "今天来", window_not_now()).await;
    let not_today = resident
        .invite(&json!({
            "visitor_name": "明天来",
            "schedule": schedule(&[weekday(tomorrow)], window_around_now(), today, today + Days::days(60)),
        }))
        .await
        .unwrap();
    let expected = guard.expected().await.unwrap();
    let row = expected.items.iter().find(|p| p.id == later_today.pass.id).expect("today's recurring visitor");
    assert!(row.schedule.is_some(), "marked as recurring");
    assert!(!expected.items.iter().any(|p| p.id == not_today.pass.id), "not on a day outside the schedule");
    resident.pause_pass(&later_today.pass.id).await.unwrap();
    let expected = guard.expected().await.unwrap();
    assert!(!expected.items.iter().any(|p| p.id == later_today.pass.id), "not while paused");
}

#[tokio::test]
async fn the_manager_lists_every_active_recurring_pass_and_revokes_one() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let neighbour = s.user(RESIDENT_B2).await;
    let admin = s.user(ADMIN).await;
    let guard = s.user(GUARD).await;
    let a = recurring(&resident, "甲", window_around_now()).await;
    let b = recurring(&neighbour, "乙", window_around_now()).await;
    let single = resident.invite(&json!({ "visitor_name": "单次" })).await.unwrap();
    let other = recurring(&s.user(OTHER_RESIDENT).await, "别的小区", window_around_now()).await;

    // Paged: one at a time, newest first, through the cursor.
    let mut seen = Vec::new();
    let mut cursor = String::new();
    for _ in 0..50 {
        let page = admin.recurring_passes(&format!("?limit=1{cursor}")).await.unwrap();
        assert!(page.items.len() <= 1);
        seen.extend(page.items.into_iter().map(|p| p.id));
        match page.next_cursor {
            Some(c) => cursor = format!("&cursor={}", urlencoding(&c)),
            None => break,
        }
    }
    let pos = |id: &str| seen.iter().position(|x| x == id);
    assert!(pos(&b.pass.id).unwrap() < pos(&a.pass.id).unwrap(), "newest first: {seen:?}");
    assert_eq!(pos(&single.pass.id), None, "single passes are not long-term");
    assert_eq!(pos(&other.pass.id), None, "nor another community's");

    let err = s.user(OTHER_ADMIN).await.revoke_pass(&a.pass.id).await.unwrap_err();
    assert_eq!(err.status, StatusCode::NOT_FOUND);
    let err = admin.revoke_pass(&single.pass.id).await.unwrap_err();
    assert_eq!(err.status, StatusCode::NOT_FOUND, "the manager revokes long-term passes, not a household's visit");
    let revoked = admin.revoke_pass(&a.pass.id).await.unwrap();
    assert_eq!(revoked.reason, Some(Reason::Revoked));
    assert_eq!(guard.admit(&json!({ "code": a.code })).await.unwrap_err().detail.as_deref(), Some("revoked"));
    let list = admin.recurring_passes("").await.unwrap();
    assert!(!list.items.iter().any(|p| p.id == a.pass.id), "no longer active");
    assert!(list.items.iter().any(|p| p.id == b.pass.id));
}

#[tokio::test]
async fn the_butler_makes_one_for_an_elder_in_their_buildings_only() {
    let s = TestServer::start().await;
    let elder = s.user(ELDER).await;
    let elder_unit = elder.me().await.unwrap().unit.unwrap().id;
    let resident_unit = s.user(RESIDENT).await.me().await.unwrap().unit.unwrap().id;
    let butler = s.user(BUTLER).await;
    let today = shanghai_now().date();
    let body = |unit: &str| {
        json!({
            "visitor_name": "护工刘姐", "unit": unit,
            "schedule": schedule(&[weekday(today)], window_around_now(), today, today + Days::days(180)),
        })
    };
    let pass = butler.invite(&body(&elder_unit)).await.unwrap();
    assert_eq!(pass.pass.unit.id, elder_unit);
    let mine = elder.passes().await.unwrap();
    assert!(mine.items.iter().any(|p| p.id == pass.pass.id), "the elder's household sees it");
    let err = butler.invite(&body(&resident_unit)).await.unwrap_err();
    assert_eq!((err.status, err.detail.as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("unit")), "no elder there");
    let err = s.user(BUTLER_B3).await.invite(&body(&elder_unit)).await.unwrap_err();
    assert_eq!(err.status, StatusCode::NOT_FOUND, "not the butler's building");
    let err = butler.invite(&json!({ "visitor_name": "单次", "unit": elder_unit })).await.unwrap_err();
    assert_eq!(err.status, StatusCode::UNPROCESSABLE_ENTITY, "a butler makes recurring passes only");
    butler.pause_pass(&pass.pass.id).await.unwrap();
    assert!(butler.recurring_passes("").await.unwrap().items.iter().any(|p| p.id == pass.pass.id && p.paused));
    let err = s.user(BUTLER_B3).await.pause_pass(&pass.pass.id).await.unwrap_err();
    assert_eq!(err.status, StatusCode::NOT_FOUND);
    let listed = elder.passes().await.unwrap();
    assert!(listed.items.iter().any(|p| p.id == pass.pass.id && p.paused && p.for_elder), "paused by the butler");
    let revoked = butler.revoke_pass(&pass.pass.id).await.unwrap();
    assert_eq!(revoked.reason, Some(Reason::Revoked));
}

#[tokio::test]
async fn a_bad_schedule_is_refused_on_its_field() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let today = shanghai_now().date();
    let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
    for (sched, field) in [
        (schedule(&[], (t(8), t(12)), today, today + Days::days(30)), "weekdays"),
        (schedule(&["mon"], (t(12), t(8)), today, today + Days::days(30)), "time_until"),
        (schedule(&["mon"], (t(8), t(12)), today, today - Days::days(1)), "end_date"),
        (schedule(&["mon"], (t(8), t(12)), today, today + Days::days(400)), "end_date"),
    ] {
        let err = resident.invite(&json!({ "visitor_name": "x", "schedule": sched })).await.unwrap_err();
        assert_eq!((err.status, err.detail.as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some(field)), "{sched}");
    }
    let bad_time = json!({ "weekdays": ["mon"], "time_from": "8点", "time_until": "12:00",
        "start_date": day(today), "end_date": day(today) });
    let err = resident.invite(&json!({ "visitor_name": "x", "schedule": bad_time })).await.unwrap_err();
    assert!(err.status.is_client_error(), "{err}");
}

/// Without JavaScript: the invitation form's "长期访客" fields make a
/// recurring pass, the pause and resume buttons work, and the guard's
/// refusal outside the window goes back to the gate with its next window.
#[tokio::test]
async fn the_plain_forms_make_pause_and_resume_a_recurring_pass() {
    let s = TestServer::start().await;
    let cookie = s.web_login(RESIDENT).await;
    let post = |path: String, body: String| {
        s.req(reqwest::Method::POST, &path, None)
            .header(reqwest::header::COOKIE, &cookie)
            .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body)
    };
    let today = shanghai_now().date();
    let (from, until) = window_not_now();
    let body = format!(
        "visitor_name=%E5%AE%B6%E6%95%99&kind=recurring&weekdays=mon&weekdays={}&time_from={}&time_until={}\
         &start_date={}&end_date={}&days=0&max_entries=1",
        weekday(today),
        hm(from).replace(':', "%3A"),
        hm(until).replace(':', "%3A"),
        day(today),
        day(today + Days::days(60)),
    );
    let res = post("/forms/passes".into(), body).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = res.headers()[reqwest::header::LOCATION].to_str().unwrap().to_string();
    assert!(to.starts_with("/v/") && to.ends_with("?new=1"), "to the visitor's page: {to}");
    let resident = s.user(RESIDENT).await;
    let mine = resident.passes().await.unwrap();
    let pass = mine.items.iter().find(|p| p.visitor_name == "家教").expect("made");
    let sched = pass.schedule.as_ref().expect("recurring");
    assert!(sched.weekdays.contains(&Weekday::of(today.weekday())) && sched.time_from == from);

    let res = post(format!("/forms/passes/{}/pause", pass.id), String::new()).send().await.unwrap();
    assert_eq!(res.headers()[reqwest::header::LOCATION], "/passes");
    assert!(resident.passes().await.unwrap().items.iter().any(|p| p.id == pass.id && p.paused));
    post(format!("/forms/passes/{}/resume", pass.id), String::new()).send().await.unwrap();
    assert!(resident.passes().await.unwrap().items.iter().any(|p| p.id == pass.id && !p.paused));

    // A form with the recurring kind but no days goes back with the field's error.
    let body = format!(
        "visitor_name=x&kind=recurring&time_from=08%3A00&time_until=12%3A00&start_date={}&end_date={}",
        day(today),
        day(today + Days::days(6))
    );
    let res = post("/forms/passes".into(), body).send().await.unwrap();
    let to = res.headers()[reqwest::header::LOCATION].to_str().unwrap().to_string();
    assert_eq!(to, "/passes/new?error=err_schedule_no_days");

    // The guard's plain admit form, outside the window: back with the next window.
    let guard_cookie = s.web_login(GUARD).await;
    let code = {
        let created = recurring(&resident, "门卫看", window_not_now()).await;
        created.code
    };
    let res = s
        .req(reqwest::Method::POST, "/forms/gate/admit", None)
        .header(reqwest::header::COOKIE, &guard_cookie)
        .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(format!("q={code}"))
        .send()
        .await
        .unwrap();
    let to = res.headers()[reqwest::header::LOCATION].to_str().unwrap().to_string();
    assert!(to.starts_with("/gate?error=refused_outside_schedule&when="), "{to}");
}

/// A cursor (an RFC 3339 instant with `+`) in a query string.
fn urlencoding(s: &str) -> String {
    s.replace('+', "%2B").replace(':', "%3A")
}
