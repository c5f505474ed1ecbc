//! The security suite: every endpoint that takes an object id, tried by
//! every role of another community and by same-community people who do not
//! own the object, is refused with 403/404 and changes nothing stored;
//! session fixation; injection strings stored as text; markup rendered as
//! text; polyglot uploads re-encoded.

use linli_model::{ErrorCode, Role};
use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};

use crate::common::*;

/// The objects of the first community that the attackers aim at.
struct Targets {
    job: String,
    call: String,
    pass: String,
    notice: String,
    event: String,
    walk_in: String,
    unit: String,
    building: String,
    butler: String,
    worker: String,
    elder: String,
    device: String,
    complaint: String,
    follow_up: String,
    outage: String,
    recurring: String,
}

impl Targets {
    async fn create(s: &TestServer) -> Self {
        let resident = s.user(RESIDENT).await;
        let admin = s.user(ADMIN).await;
        let guard = s.user(GUARD).await;
        let me = |phone: &'static str| async move { s.user(phone).await.me().await.unwrap().id };

        let job = resident.report(&json!({ "category": "leak" })).await.unwrap();
        let elder = s.user(ELDER).await;
        let call = elder.press_new("security-0001").await;
        let device = elder.pair_device(&json!({ "label": "平板" })).await.unwrap();
        let pass = resident.invite(&json!({ "visitor_name": "王五" })).await.unwrap();
        let building = admin.building_id("1").await;
        let notice = admin
            .publish(&json!({ "title": "1号楼停水", "body": "停水", "category": "outage", "building_ids": [building], "urgent": true }))
            .await
            .unwrap();
        let starts = chrono::Utc::now() + chrono::Duration::days(2);
        let event = admin
            .create_event(&json!({ "title": "晚会", "description": "", "place": "会所", "starts_at": starts, "ends_at": starts + chrono::Duration::hours(2), "capacity": 10 }))
            .await
            .unwrap();
        let unit = resident.me().await.unwrap().unit.unwrap().id;
        let walk_in =
            guard.walk_in(&json!({ "visitor_name": "快递员", "unit": unit, "purpose": "送快递" })).await.unwrap();
        let complaint = resident.complain(&json!({ "category": "noise", "text": "楼上夜里装修" })).await.unwrap().id;
        // A closed critical job always gets a follow-up (回访).
        let butler = s.user(BUTLER).await;
        let critical = resident.report(&json!({ "category": "elevator_entrapment" })).await.unwrap().id;
        butler.assign(&critical, me(BUTLER).await).await.unwrap();
        butler.act(&critical, linli_model::repair::JobAction::StartWork).await.unwrap();
        butler.act(&critical, linli_model::repair::JobAction::Resolve).await.unwrap();
        resident.act(&critical, linli_model::repair::JobAction::Confirm).await.unwrap();
        let follow_up = butler
            .follow_ups()
            .await
            .unwrap()
            .items
            .into_iter()
            .find(|f| f.repair_id.as_deref() == Some(critical.as_str()))
            .expect("a follow-up for the closed critical job")
            .id;
        let outage = admin
            .publish(&json!({
                "title": "1号楼停电", "body": "检修", "category": "outage", "building_ids": [building],
                "outage_kind": "power", "expected_end": chrono::Utc::now() + chrono::Duration::hours(3),
            }))
            .await
            .unwrap()
            .id;
        let today = chrono::Utc::now().date_naive();
        let recurring = resident
            .invite(&json!({
                "visitor_name": "保姆刘阿姨",
                "schedule": {
                    "weekdays": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "time_from": "08:00",
                    "time_until": "12:00", "start_date": today.to_string(),
                    "end_date": (today + chrono::Duration::days(60)).to_string(),
                },
            }))
            .await
            .unwrap()
            .pass
            .id;
        Self {
            job: job.id,
            call: call.id,
            pass: pass.pass.id,
            notice: notice.id,
            event: event.id,
            walk_in: walk_in.id,
            unit,
            building,
            butler: me(BUTLER).await,
            worker: me(WORKER).await,
            elder: me(ELDER).await,
            device: device.id,
            complaint,
            follow_up,
            outage,
            recurring,
        }
    }
}

/// Every operation of the API that names an object in its path, with a
/// body that would be valid for the object's owner.
fn operations(t: &Targets) -> Vec<(Method, String, Option<Value>)> {
    let op = |m: Method, path: &str, id: &str, body: Option<Value>| (m, path.replace("{id}", id), body);
    vec![
        op(Method::GET, "/api/v1/repairs/{id}", &t.job, None),
        op(Method::POST, "/api/v1/repairs/{id}/actions", &t.job, Some(json!({ "action": "cancel" }))),
        op(Method::GET, "/api/v1/repairs/{id}/assignable", &t.job, None),
        op(Method::POST, "/api/v1/repairs/{id}/rating", &t.job, Some(json!({ "stars": 1 }))),
        op(Method::POST, "/api/v1/repairs/{id}/urge", &t.job, None),
        op(Method::GET, "/api/v1/help-calls/{id}", &t.call, None),
        op(Method::POST, "/api/v1/help-calls/{id}/actions", &t.call, Some(json!({ "action": "acknowledge" }))),
        op(Method::DELETE, "/api/v1/passes/{id}", &t.pass, None),
        op(Method::GET, "/api/v1/announcements/{id}", &t.notice, None),
        op(Method::POST, "/api/v1/announcements/{id}/read", &t.notice, Some(json!({}))),
        op(Method::GET, "/api/v1/announcements/{id}/unread", &t.notice, None),
        op(Method::GET, "/api/v1/events/{id}", &t.event, None),
        op(Method::GET, "/api/v1/events/{id}/attendees", &t.event, None),
        op(Method::POST, "/api/v1/events/{id}/rsvp", &t.event, Some(json!({ "headcount": 1 }))),
        op(Method::DELETE, "/api/v1/events/{id}/rsvp", &t.event, None),
        op(Method::POST, "/api/v1/walk-ins/{id}/decision", &t.walk_in, Some(json!({ "approve": true }))),
        op(Method::GET, "/api/v1/units/{id}", &t.unit, None),
        op(Method::PUT, "/api/v1/buildings/{id}/butler", &t.building, Some(json!({ "butler_id": t.butler }))),
        op(Method::GET, "/api/v1/butlers/{id}/scorecard", &t.butler, None),
        op(Method::PATCH, "/api/v1/staff/{id}", &t.worker, Some(json!({ "active": false }))),
        op(Method::PUT, "/api/v1/residents/{id}/elder", &t.elder, Some(json!({ "elder_mode": false }))),
        op(Method::POST, "/api/v1/elders/{id}/check-in-follow-up", &t.elder, Some(json!({ "result": "reached_ok" }))),
        op(Method::GET, "/api/v1/elders/{id}/devices", &t.elder, None),
        op(Method::GET, "/api/v1/elders/{id}/visits", &t.elder, None),
        op(Method::POST, "/api/v1/elders/{id}/visits", &t.elder, Some(json!({ "mode": "phone", "condition": "well" }))),
        op(Method::PUT, "/api/v1/elders/{id}/visit-schedule", &t.elder, Some(json!({ "every_days": 3 }))),
        op(Method::GET, "/api/v1/residents/{id}/phone", &t.elder, None),
        op(Method::DELETE, &format!("/api/v1/elders/{{id}}/devices/{}", t.device), &t.elder, None),
        op(Method::GET, "/api/v1/complaints/{id}", &t.complaint, None),
        op(Method::POST, "/api/v1/complaints/{id}/actions", &t.complaint, Some(json!({ "action": "cancel" }))),
        op(Method::POST, "/api/v1/complaints/{id}/rating", &t.complaint, Some(json!({ "stars": 1 }))),
        op(Method::POST, "/api/v1/complaints/{id}/urge", &t.complaint, None),
        op(Method::POST, "/api/v1/follow-ups/{id}/outcome", &t.follow_up, Some(json!({ "outcome": "satisfied" }))),
        op(Method::POST, "/api/v1/outages/{id}/affected", &t.outage, None),
        op(Method::POST, "/api/v1/outages/{id}/end", &t.outage, None),
        op(
            Method::POST,
            "/api/v1/outages/{id}/extend",
            &t.outage,
            Some(json!({ "expected_end": chrono::Utc::now() + chrono::Duration::hours(6) })),
        ),
        op(Method::POST, "/api/v1/passes/{id}/pause", &t.recurring, None),
        op(Method::POST, "/api/v1/passes/{id}/resume", &t.recurring, None),
    ]
}

/// What may legitimately be reached inside the community by someone who
/// does not own the object: events are for the whole community (their
/// attendee lists for its staff), every notice may be read by the staff
/// who work across buildings, and a guard looks units up at the gate.
fn allowed_in_community(phone: &str, method: &Method, path: &str) -> bool {
    let events = path.contains("/events/") && (!path.ends_with("/attendees") || phone != RESIDENT_B2);
    let cross_building_staff = phone == WORKER || phone == GUARD;
    let notices = cross_building_staff && path.contains("/announcements/") && !path.ends_with("/unread");
    events || notices || phone == GUARD && path.contains("/units/") && method == Method::GET
}

async fn stored(s: &TestServer) -> Vec<(String, Vec<Value>)> {
    // Sessions change with every request (last use); they are not data.
    dump(s.backend.db()).await.into_iter().filter(|(t, _)| t != "session").collect()
}

#[tokio::test]
async fn no_one_reaches_another_units_or_communitys_objects_and_nothing_changes() {
    let s = TestServer::start().await;
    let t = Targets::create(&s).await;
    let ops = operations(&t);

    // Every documented path with an id is in the matrix.
    let doc: Value = s.req(Method::GET, "/api/v1/openapi.json", None).send().await.unwrap().json().await.unwrap();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if path.contains("{id}") {
                let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
                let covered = ops.iter().any(|(om, p, _)| {
                    *om == m && path.split('/').zip(p.split('/')).all(|(a, b)| a.starts_with('{') || a == b)
                });
                assert!(covered, "{method} {path} is in the authorisation matrix");
            }
        }
    }

    let mut attackers = Vec::new();
    for phone in [OTHER_RESIDENT, OTHER_BUTLER, OTHER_GUARD, OTHER_ADMIN, RESIDENT_B2, BUTLER_B3, WORKER, GUARD] {
        attackers.push((phone, s.user(phone).await));
    }
    let before = stored(&s).await;
    let mut tried = 0;
    for (phone, attacker) in &attackers {
        let foreign = phone.ends_with("11"); // the second community's accounts
        for (method, path, body) in &ops {
            if !foreign && allowed_in_community(phone, method, path) {
                continue;
            }
            let (status, answer) = attacker.send::<Value>(method.clone(), path, body.as_ref()).await;
            assert!(
                status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND,
                "{phone} {method} {path}: {status} {answer:?}"
            );
            let err = answer.unwrap_err();
            assert!(matches!(err.code, ErrorCode::Forbidden | ErrorCode::NotFound), "{phone} {method} {path}: {err}");
            tried += 1;
        }
    }
    assert!(tried > 120, "{tried} attempts");
    assert_eq!(stored(&s).await, before, "no refused attempt changed anything");
}

#[tokio::test]
async fn a_session_id_planted_before_login_is_never_adopted() {
    let s = TestServer::start().await;
    let planted = "linli_session=attacker-chosen-value";
    let res = s
        .req(Method::POST, "/forms/login", None)
        .header(header::COOKIE, planted)
        .form(&[("phone", RESIDENT), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let issued = res.headers()[header::SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_string();
    assert_ne!(issued, planted, "a fresh session id is issued at login");
    let page = s.req(Method::GET, "/", None).header(header::COOKIE, planted).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::SEE_OTHER, "the planted id signs no one in");

    // Two logins give two different sessions; logging one out leaves the other.
    let (a, b) = (s.user(RESIDENT).await, s.user(RESIDENT).await);
    assert_ne!(a.token(), b.token());
    a.sign_out().await.unwrap();
    assert_eq!(a.me().await.unwrap_err().status, StatusCode::UNAUTHORIZED);
    b.me().await.unwrap();
}

/// Strings that would change a query if it were built by formatting.
const INJECTIONS: [&str; 5] = [
    "'; DELETE repair; --",
    "\"; REMOVE TABLE user; \"",
    "$session.id } RETURN 1; {",
    "⟨user⟩:⟨1⟩ OR 1=1",
    "1;UPDATE user SET role='admin'",
];

#[tokio::test]
async fn injection_strings_in_text_fields_are_stored_as_text() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let admin = s.user(ADMIN).await;
    for text in INJECTIONS {
        let job = resident
            .report(&json!({ "category": "leak", "description": text }))
            .await
            .unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(resident.job(&job.id).await.unwrap().description, text);

        let pass = resident.invite(&json!({ "visitor_name": text })).await.unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(pass.pass.visitor_name, text);

        let notice = admin
            .publish(&json!({ "title": text, "body": text, "category": "notice" }))
            .await
            .unwrap_or_else(|e| panic!("{text}: {e}"));
        let back = resident.announcement(&notice.id).await.unwrap();
        assert_eq!((back.title.as_str(), back.body.as_str()), (text, text));

        // The login form's phone field is a text field too.
        let err = s.sign_in(text, text).await.err().unwrap_or_else(|| panic!("{text}: signed in"));
        assert!(err.status.is_client_error(), "{text}: {}", err.status);
    }
    let list = resident.jobs("").await.unwrap();
    assert_eq!(list.items.len(), INJECTIONS.len(), "every job is there, none deleted");
    assert_eq!(resident.me().await.unwrap().role, Role::Resident, "no statement ran");
}

async fn web_session(s: &TestServer, phone: &str) -> String {
    let res = s
        .req(Method::POST, "/forms/login", None)
        .form(&[("phone", phone), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    res.headers()[header::SET_COOKIE].to_str().unwrap().split(';').next().unwrap().to_string()
}

#[tokio::test]
async fn markup_in_names_notices_and_comments_is_rendered_as_text() {
    let s = TestServer::start().await;
    let payload = r#"<script>alert("x")</script><img src=x onerror=alert(1)>"#;
    let admin = s.user(ADMIN).await;
    let notice = admin.publish(&json!({ "title": payload, "body": payload, "category": "notice" })).await.unwrap();
    let resident = s.user(RESIDENT).await;
    let job = resident.report(&json!({ "category": "leak", "description": payload })).await.unwrap();

    let cookie = web_session(&s, RESIDENT).await;
    for page in [format!("/notices/{}", notice.id), format!("/repairs/{}", job.id)] {
        let html =
            s.req(Method::GET, &page, None).header(header::COOKIE, &cookie).send().await.unwrap().text().await.unwrap();
        assert!(!html.contains("<script>alert"), "{page} renders the payload as markup");
        assert!(!html.contains("<img src=x"), "{page} renders the payload as markup");
        assert!(html.contains("&lt;script&gt;alert") || html.contains("&lt;script>alert"), "{page} shows it as text");
    }
}

#[tokio::test]
async fn polyglot_uploads_are_re_encoded_and_carry_no_payload() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    // A valid JPEG with an HTML page appended: browsers sniffing it would
    // find a script; the stored photo must not contain it.
    let before = s.media_files();
    let mut polyglot = jpeg(64, 48);
    polyglot.extend_from_slice(b"<html><script>alert(1)</script></html>");
    let photo = resident.upload("x.jpg", polyglot).await.unwrap();
    for (key, url) in [("url", &photo.url), ("thumb_url", &photo.thumb_url)] {
        let res = s.req(Method::GET, url, Some(resident.token())).send().await.unwrap();
        assert_eq!(res.headers()[header::CONTENT_TYPE], "image/jpeg");
        assert_eq!(res.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        let bytes = res.bytes().await.unwrap();
        assert!(!bytes.windows(7).any(|w| w == b"<script"), "{key} still carries the payload");
    }

    // HTML, SVG (script-capable) and a PNG header on a text body are refused.
    for (name, body) in [
        ("a.html", b"<html><script>alert(1)</script></html>".to_vec()),
        ("a.svg", br#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>"#.to_vec()),
        ("a.png", [b"\x89PNG\r\n\x1a\n".as_slice(), b"<script>alert(1)</script>"].concat()),
    ] {
        let err = resident.upload(name, body).await.unwrap_err();
        assert!(err.status.is_client_error(), "{name}: {}", err.status);
    }
    assert_eq!(s.media_files(), before + 2, "only the polyglot's display and thumbnail were stored");
}

/// Web pages answer with the status their content deserves, the same on
/// every request: another role's screen is 403, an item that does not
/// exist or is another unit's (or community's) is 404, one's own is 200.
#[tokio::test]
async fn pages_of_other_roles_and_other_units_items_answer_403_and_404() {
    let s = TestServer::start().await;
    let t = Targets::create(&s).await;
    let page = |cookie: String, path: String| {
        let s = &s;
        async move {
            let res = s.req(Method::GET, &path, None).header(header::COOKIE, &cookie).send().await.unwrap();
            let status = res.status();
            let body = res.text().await.unwrap();
            (status, body)
        }
    };
    let resident = s.web_login(RESIDENT).await;
    let neighbour = s.web_login(RESIDENT_B2).await;
    let guard = s.web_login(GUARD).await;
    let foreign = s.web_login(OTHER_ADMIN).await;
    for round in 0..3 {
        for (who, cookie, path, want) in [
            ("resident", &resident, "/gate".to_string(), StatusCode::FORBIDDEN),
            ("resident", &resident, "/duty".to_string(), StatusCode::FORBIDDEN),
            ("resident", &resident, "/board".to_string(), StatusCode::FORBIDDEN),
            ("resident", &resident, "/admin/staff".to_string(), StatusCode::FORBIDDEN),
            ("guard", &guard, "/gate".to_string(), StatusCode::OK),
            ("guard", &guard, "/repairs/new".to_string(), StatusCode::FORBIDDEN),
            ("resident", &resident, format!("/repairs/{}", t.job), StatusCode::OK),
            ("neighbour", &neighbour, format!("/repairs/{}", t.job), StatusCode::NOT_FOUND),
            ("foreign admin", &foreign, format!("/repairs/{}", t.job), StatusCode::NOT_FOUND),
            ("resident", &resident, "/repairs/no-such-job-000".to_string(), StatusCode::NOT_FOUND),
            ("neighbour", &neighbour, format!("/complaints/{}", t.complaint), StatusCode::NOT_FOUND),
            ("foreign admin", &foreign, format!("/help/{}", t.call), StatusCode::NOT_FOUND),
            ("foreign admin", &foreign, format!("/notices/{}", t.notice), StatusCode::NOT_FOUND),
            ("foreign admin", &foreign, format!("/events/{}", t.event), StatusCode::NOT_FOUND),
            ("resident", &resident, format!("/notices/{}", t.notice), StatusCode::OK),
        ] {
            let (status, body) = page(cookie.clone(), path.clone()).await;
            assert_eq!(status, want, "round {round}: {who} GET {path}");
            assert!(body.contains("</html>"), "round {round}: {who} GET {path}: a whole page");
        }
    }
}
