//! Repairs over HTTP on a real embedded database: the whole life of a job,
//! refusals that change nothing, access between units and buildings,
//! photos (EXIF, bombs, fakes), SLA alerts, auto-confirmation and the
//! live stream.

use std::time::{Duration, Instant};

use crate::common::*;
use chrono::Utc;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn report(s: &TestServer, token: &str, body: Value) -> Value {
    let (status, job) = s.post("/api/v1/repairs", token, body).await;
    assert_eq!(status, StatusCode::CREATED, "{job}");
    job
}

async fn act(s: &TestServer, token: &str, id: &str, body: Value) -> (StatusCode, Value) {
    s.post(&format!("/api/v1/repairs/{id}/actions"), token, body).await
}

fn actions(job: &Value) -> Vec<&str> {
    job["allowed_actions"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect()
}

#[tokio::test]
async fn the_whole_life_of_a_job_from_report_with_a_photo_to_rating() {
    let s = TestServer::start().await;
    let resident = s.login(RESIDENT).await;
    let butler = s.login(BUTLER).await;
    let worker = s.login(WORKER).await;

    let (status, photo) = s.upload(&resident, "leak.jpg", jpeg(800, 600)).await;
    assert_eq!(status, StatusCode::CREATED, "{photo}");
    assert_eq!((photo["width"].as_u64(), photo["height"].as_u64()), (Some(800), Some(600)));

    let job = report(
        &s,
        &resident,
        json!({
            "category": "leak", "description": "厨房水龙头一直滴水", "photo_ids": [photo["id"]],
        }),
    )
    .await;
    let id = job["id"].as_str().unwrap().to_string();
    assert_eq!(job["status"], "submitted");
    assert_eq!(job["urgency"], "normal", "suggested by the category");
    assert_eq!(job["unit"]["number"], "101");
    assert_eq!(job["butler"]["name"], "李明", "lands with the building's butler");
    assert_eq!(job["photos"][0]["id"], photo["id"]);
    assert_eq!(actions(&job), vec!["cancel"]);
    let created = chrono::DateTime::parse_from_rfc3339(job["created_at"].as_str().unwrap()).unwrap();
    let respond_by = chrono::DateTime::parse_from_rfc3339(job["sla"]["respond_by"].as_str().unwrap()).unwrap();
    assert_eq!((respond_by - created).num_seconds(), 2 * 3600, "normal: respond within 2 h");
    assert_eq!(job["sla"]["state"], "on_track");

    let (_, seen) = s.get(&format!("/api/v1/repairs/{id}"), &butler).await;
    assert_eq!(actions(&seen), vec!["acknowledge", "assign", "cancel"]);
    let (status, job) = act(&s, &butler, &id, json!({ "action": "acknowledge" })).await;
    assert_eq!((status, job["status"].as_str()), (StatusCode::OK, Some("acknowledged")));
    assert_eq!(job["sla"]["respond"], "met");

    let (_, people) = s.get(&format!("/api/v1/repairs/{id}/assignable"), &butler).await;
    let worker_id = people.as_array().unwrap().iter().find(|p| p["name"] == "刘强").unwrap()["id"].clone();
    assert_eq!(people[0]["name"], "刘强", "a plumber first for a leak");
    let (status, job) = act(&s, &butler, &id, json!({ "action": "assign", "assignee_id": worker_id })).await;
    assert_eq!((status, job["status"].as_str()), (StatusCode::OK, Some("assigned")));
    assert_eq!(job["assignee"]["name"], "刘强");

    let (_, mine) = s.get("/api/v1/repairs?scope=assigned&status=open", &worker).await;
    assert_eq!(mine["items"][0]["id"], id.as_str(), "the worker sees the job assigned to them");
    for (action, expect) in [("start_travel", "en_route"), ("start_work", "in_progress")] {
        let (status, job) = act(&s, &worker, &id, json!({ "action": action })).await;
        assert_eq!((status, job["status"].as_str()), (StatusCode::OK, Some(expect)));
    }
    let (_, after) = s.upload(&worker, "fixed.jpg", jpeg(400, 300)).await;
    let (status, job) =
        act(&s, &worker, &id, json!({ "action": "resolve", "note": "换了阀芯", "photo_ids": [after["id"]] })).await;
    assert_eq!((status, job["status"].as_str()), (StatusCode::OK, Some("resolved")));
    let last = job["timeline"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["photos"][0]["id"], after["id"], "after-photos are on the timeline entry");

    let (_, job) = s.get(&format!("/api/v1/repairs/{id}"), &resident).await;
    assert_eq!(actions(&job), vec!["confirm", "reopen"]);
    assert_eq!(job["can_rate"], true);
    let (status, rating) = s
        .post(
            &format!("/api/v1/repairs/{id}/rating"),
            &resident,
            json!({ "stars": 5, "tags": ["fast", "tidy"], "comment": "很及时" }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{rating}");
    assert_eq!(rating["stars"], 5);

    let (_, job) = s.get(&format!("/api/v1/repairs/{id}"), &resident).await;
    assert_eq!(job["status"], "rated");
    assert_eq!(job["rating"]["stars"], 5);
    let steps: Vec<&str> = job["timeline"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(steps, vec!["submitted", "acknowledge", "assign", "start_travel", "start_work", "resolve", "rated"]);
    assert!(
        job["timeline"].as_array().unwrap().iter().all(|e| e["actor_name"].as_str().is_some_and(|n| !n.is_empty()))
    );

    let (status, body) = s.post(&format!("/api/v1/repairs/{id}/rating"), &resident, json!({ "stars": 1 })).await;
    assert_eq!((status, error_code(&body)), (StatusCode::CONFLICT, "conflict"), "rated once");
}

#[tokio::test]
async fn illegal_actions_get_409_or_403_and_change_nothing() {
    let s = TestServer::start().await;
    let resident = s.login(RESIDENT).await;
    let butler = s.login(BUTLER).await;
    let job = report(&s, &resident, json!({ "category": "light" })).await;
    let id = job["id"].as_str().unwrap();

    let (status, body) = act(&s, &butler, id, json!({ "action": "confirm" })).await;
    assert_eq!((status, error_code(&body)), (StatusCode::CONFLICT, "conflict"));
    assert_eq!(body["error"]["detail"], "submitted");
    let (status, body) = act(&s, &butler, id, json!({ "action": "start_work" })).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let (status, body) = act(&s, &resident, id, json!({ "action": "acknowledge" })).await;
    assert_eq!((status, error_code(&body)), (StatusCode::FORBIDDEN, "forbidden"), "not the resident's to do");
    let (status, body) = act(&s, &butler, id, json!({ "action": "fly_away" })).await;
    assert_eq!((status, error_code(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid"));
    let (status, body) = act(&s, &butler, id, json!({ "action": "assign" })).await;
    assert_eq!((status, body["error"]["detail"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("assignee_id")));
    let (status, body) = act(&s, &butler, id, json!({ "action": "assign", "assignee_id": "nobodyatall" })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, _) = s.post(&format!("/api/v1/repairs/{id}/rating"), &resident, json!({ "stars": 4 })).await;
    assert_eq!(status, StatusCode::CONFLICT, "not rateable before it is resolved");

    let (_, after) = s.get(&format!("/api/v1/repairs/{id}"), &resident).await;
    assert_eq!(after["status"], "submitted");
    assert_eq!(after["timeline"].as_array().unwrap().len(), 1);
    assert!(after["assignee"].is_null());
}

#[tokio::test]
async fn bad_reports_are_refused_with_the_field_named() {
    let s = TestServer::start().await;
    let resident = s.login(RESIDENT).await;
    for (body, field) in [
        (json!({ "category": "teleporter" }), "category"),
        (json!({ "category": "leak", "urgency": "whenever" }), "urgency"),
        (json!({ "category": "flooding", "urgency": "normal" }), "urgency"),
        (json!({ "category": "leak", "description": "水".repeat(1001) }), "description"),
        (json!({ "category": "leak", "photo_ids": ["a", "b", "c", "d", "e", "f", "g"] }), "photo_ids"),
        (json!({ "category": "leak", "photo_ids": ["notmyphoto123"] }), "photo_ids"),
    ] {
        let (status, err) = s.post("/api/v1/repairs", &resident, body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
        assert_eq!(err["error"]["detail"], field);
    }
    let butler = s.login(BUTLER).await;
    let (status, _) = s.post("/api/v1/repairs", &butler, json!({ "category": "leak" })).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "staff do not report for a unit");
    let (_, list) = s.get("/api/v1/repairs", &resident).await;
    assert!(list["items"].as_array().unwrap().is_empty(), "nothing was stored");

    // Someone else's photo cannot be attached.
    let neighbour = s.login(RESIDENT_B2).await;
    let (_, photo) = s.upload(&neighbour, "p.jpg", jpeg(100, 100)).await;
    let (status, _) =
        s.post("/api/v1/repairs", &resident, json!({ "category": "leak", "photo_ids": [photo["id"]] })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, urgent) = s.post("/api/v1/repairs", &resident, json!({ "category": "leak", "urgency": "critical" })).await;
    assert_eq!(urgent["urgency"], "critical", "a resident may raise the urgency");
}

#[tokio::test]
async fn other_units_and_buildings_cannot_see_or_touch_a_job_or_its_photos() {
    let s = TestServer::start().await;
    let resident = s.login(RESIDENT).await;
    let (_, photo) = s.upload(&resident, "p.jpg", jpeg(300, 200)).await;
    let job = report(&s, &resident, json!({ "category": "drain", "photo_ids": [photo["id"]] })).await;
    let id = job["id"].as_str().unwrap();
    let photo_url = photo["url"].as_str().unwrap().to_string();
    let thumb_url = photo["thumb_url"].as_str().unwrap().to_string();

    for phone in [RESIDENT_B2, BUTLER_B3, OTHER_RESIDENT, OTHER_ADMIN, WORKER, GUARD] {
        let token = s.login(phone).await;
        let (status, body) = s.get(&format!("/api/v1/repairs/{id}"), &token).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{phone} must not see the job: {body}");
        let (status, _) = act(&s, &token, id, json!({ "action": "acknowledge" })).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{phone} cannot act");
        let (status, _) = s.post(&format!("/api/v1/repairs/{id}/rating"), &token, json!({ "stars": 1 })).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{phone} cannot rate");
        for url in [&photo_url, &thumb_url] {
            let res = s.req(reqwest::Method::GET, url, Some(&token)).send().await.unwrap();
            assert_eq!(res.status(), StatusCode::NOT_FOUND, "{phone} cannot fetch {url}");
        }
    }
    let (_, list) = s.get("/api/v1/repairs?scope=buildings", &s.login(BUTLER_B3).await).await;
    assert!(list["items"].as_array().unwrap().is_empty());
    let (status, _) = s.get("/api/v1/repairs?scope=all", &resident).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a resident cannot list the community");

    // Those who may, can.
    for phone in [RESIDENT, BUTLER, DUTY, ADMIN] {
        let token = s.login(phone).await;
        assert_eq!(s.get(&format!("/api/v1/repairs/{id}"), &token).await.0, StatusCode::OK, "{phone}");
        let res = s.req(reqwest::Method::GET, &photo_url, Some(&token)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{phone} sees the photo");
    }
}

#[tokio::test]
async fn photos_are_served_upright_and_without_exif_or_gps() {
    let s = TestServer::start().await;
    let resident = s.login(RESIDENT).await;
    let upload = jpeg_with_exif_gps(400, 200);
    assert!(upload.windows(4).any(|w| w == b"Exif"), "the test photo carries EXIF");
    let (status, photo) = s.upload(&resident, "IMG_0001.jpg", upload).await;
    assert_eq!(status, StatusCode::CREATED, "{photo}");
    assert_eq!((photo["width"].as_u64(), photo["height"].as_u64()), (Some(200), Some(400)), "rotated upright");

    for url in [photo["url"].as_str().unwrap(), photo["thumb_url"].as_str().unwrap()] {
        let res = s.req(reqwest::Method::GET, url, Some(&resident)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["content-type"], "image/jpeg");
        let bytes = res.bytes().await.unwrap();
        assert!(!bytes.windows(4).any(|w| w == b"Exif"), "no EXIF block in {url}");
        assert!(!bytes.windows(2).any(|w| w == [0xFF, 0xE1]), "no APP1 segment in {url}");
        let img = image::load_from_memory(&bytes).unwrap().to_rgb8();
        assert!(img.height() > img.width(), "portrait after rotation");
        // Orientation 6 turns the left (red) half to the top.
        let top = img.get_pixel(img.width() / 2, img.height() / 8);
        let bottom = img.get_pixel(img.width() / 2, img.height() * 7 / 8);
        assert!(top[0] > 150 && top[2] < 100, "red on top, got {top:?}");
        assert!(bottom[2] > 150 && bottom[0] < 100, "blue at the bottom, got {bottom:?}");
    }
    let res = s.req(reqwest::Method::GET, photo["url"].as_str().unwrap(), None).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "photos need a session");
}

#[tokio::test]
async fn fake_broken_and_oversized_uploads_are_refused_and_nothing_is_stored() {
    let s = TestServer::start().await;
    let resident = s.login(RESIDENT).await;
    let mut truncated = jpeg(640, 480);
    truncated.truncate(truncated.len() / 3);
    let heic = {
        let mut b = vec![0, 0, 0, 0x18];
        b.extend_from_slice(b"ftypheic");
        b.extend_from_slice(&[0; 32]);
        b
    };
    let cases: Vec<(&str, Vec<u8>, StatusCode, &str)> = vec![
        (
            "notes.jpg",
            b"this is a text file, not a photo".to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media",
        ),
        ("broken.jpg", truncated, StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
        ("bomb.png", png_header_only(20_000, 20_000), StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
        ("IMG_1.heic", heic, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media"),
        ("empty.jpg", Vec::new(), StatusCode::UNPROCESSABLE_ENTITY, "invalid"),
        (
            "huge.jpg",
            vec![0xFF; linli_media::MAX_BYTES + 1024 * 1024],
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        ),
    ];
    for (name, bytes, status, code) in cases {
        let (got, body) = s.upload(&resident, name, bytes).await;
        assert_eq!(got, status, "{name}: {body}");
        assert_eq!(error_code(&body), code, "{name}");
        assert!(!body["error"]["message"].as_str().unwrap().is_empty());
    }
    let (_, body) = s
        .upload(&resident, "IMG_1.heic", {
            let mut b = vec![0, 0, 0, 0x18];
            b.extend_from_slice(b"ftypheic");
            b.extend_from_slice(&[0; 32]);
            b
        })
        .await;
    assert!(body["error"]["message"].as_str().unwrap().contains("HEIC"), "HEIC gets its own explanation");
    assert_eq!(s.media_files(), 0, "no file was written");
    let mut res = s.backend.db().query("SELECT count() AS n FROM photo GROUP ALL").await.unwrap();
    let n: Option<i64> = res.take((0, "n")).unwrap();
    assert_eq!(n.unwrap_or(0), 0, "no photo row was stored");
}

#[tokio::test]
async fn the_live_stream_delivers_updates_and_replays_what_a_reconnecting_client_missed() {
    let s = TestServer::start().await;
    let resident = s.login(RESIDENT).await;
    let butler = s.login(BUTLER).await;
    let neighbour = s.login(RESIDENT_B2).await;
    let mut resident_stream = s.stream(&resident, None).await;
    let ready = resident_stream.next(Duration::from_secs(2)).await.expect("ready event");
    assert_eq!(ready.event, "ready");
    let mut neighbour_stream = s.stream(&neighbour, None).await;
    neighbour_stream.next(Duration::from_secs(2)).await;

    let job = report(&s, &resident, json!({ "category": "no_power" })).await;
    let id = job["id"].as_str().unwrap().to_string();
    let created = resident_stream.next_of("repair.updated", Duration::from_secs(2)).await.expect("own report");
    assert_eq!(created.data["id"], id.as_str());

    let sent = Instant::now();
    let (status, _) = act(&s, &butler, &id, json!({ "action": "acknowledge" })).await;
    assert_eq!(status, StatusCode::OK);
    let update = resident_stream.next_of("repair.updated", Duration::from_secs(1)).await.expect("within a second");
    assert_eq!(update.data["status"], "acknowledged");
    println!("SSE delivery: butler action answered → resident event in {:?}", update.received - sent);
    let last_id = update.id.clone().expect("events carry ids");

    assert!(
        neighbour_stream.next_of("repair.updated", Duration::from_millis(300)).await.is_none(),
        "another unit hears nothing"
    );
    drop(resident_stream);

    // While the resident is away, two more changes happen.
    let (_, people) = s.get(&format!("/api/v1/repairs/{id}/assignable"), &butler).await;
    act(&s, &butler, &id, json!({ "action": "assign", "assignee_id": people[0]["id"] })).await;
    act(&s, &butler, &id, json!({ "action": "start_work" })).await;

    let mut back = s.stream(&resident, Some(&last_id)).await;
    let first = back.next(Duration::from_secs(2)).await.unwrap();
    let second = back.next(Duration::from_secs(2)).await.unwrap();
    assert_eq!((first.event.as_str(), first.data["status"].as_str()), ("repair.updated", Some("assigned")));
    assert_eq!(second.data["status"], "in_progress");

    let mut stale = s.stream(&resident, Some("deadbeef-3")).await;
    assert_eq!(stale.next(Duration::from_secs(2)).await.unwrap().event, "resync", "an id from before a restart");
}

#[tokio::test]
async fn sla_warnings_go_to_the_butler_and_breaches_escalate_to_the_admin() {
    let s = TestServer::start().await;
    let resident = s.login(RESIDENT).await;
    let mut butler = s.stream(&s.login(BUTLER).await, None).await;
    let mut admin = s.stream(&s.login(ADMIN).await, None).await;
    let job = report(&s, &resident, json!({ "category": "elevator_entrapment" })).await;
    assert_eq!(job["urgency"], "critical");
    butler.next_of("repair.updated", Duration::from_secs(1)).await;
    admin.next_of("repair.updated", Duration::from_secs(1)).await;

    s.backend.sweep_repairs(Utc::now() + chrono::Duration::seconds(250)).await.unwrap();
    let warn = butler.next_of("repair.updated", Duration::from_secs(1)).await.expect("warning at 80 %");
    assert_eq!((warn.data["action"].as_str(), warn.data["alert"].as_str()), (Some("sla_alert"), Some("respond_warn")));
    assert!(admin.next_of("repair.updated", Duration::from_millis(300)).await.is_none(), "a warning is the butler's");

    s.backend.sweep_repairs(Utc::now() + chrono::Duration::seconds(310)).await.unwrap();
    let breach = admin.next_of("repair.updated", Duration::from_secs(1)).await.expect("escalated at breach");
    assert_eq!(breach.data["alert"], "respond_breach");
    s.backend.sweep_repairs(Utc::now() + chrono::Duration::seconds(320)).await.unwrap();
    assert!(admin.next_of("repair.updated", Duration::from_millis(300)).await.is_none(), "raised once");
}

#[tokio::test]
async fn silence_for_72_hours_confirms_a_resolved_job() {
    let s = TestServer::start().await;
    let resident = s.login(RESIDENT).await;
    let butler = s.login(BUTLER).await;
    let job = report(&s, &resident, json!({ "category": "light" })).await;
    let id = job["id"].as_str().unwrap();
    let (_, me) = s.get("/api/v1/me", &butler).await;
    for body in [
        json!({ "action": "assign", "assignee_id": me["id"] }),
        json!({ "action": "start_work" }),
        json!({ "action": "resolve" }),
    ] {
        let (status, res) = act(&s, &butler, id, body).await;
        assert_eq!(status, StatusCode::OK, "{res}");
    }
    s.backend.sweep_repairs(Utc::now() + chrono::Duration::hours(71)).await.unwrap();
    assert_eq!(s.get(&format!("/api/v1/repairs/{id}"), &resident).await.1["status"], "resolved");
    s.backend.sweep_repairs(Utc::now() + chrono::Duration::hours(73)).await.unwrap();
    let (_, job) = s.get(&format!("/api/v1/repairs/{id}"), &resident).await;
    assert_eq!(job["status"], "confirmed");
    assert_eq!(job["timeline"].as_array().unwrap().last().unwrap()["actor_role"], "system");
    assert_eq!(job["can_rate"], true, "still rateable after auto-confirmation");
}

#[tokio::test]
async fn a_rejected_fix_reopens_and_a_low_rating_opens_a_follow_up() {
    let s = TestServer::start().await;
    let resident = s.login(RESIDENT).await;
    let butler = s.login(BUTLER).await;
    let admin = s.login(ADMIN).await;
    let job = report(&s, &resident, json!({ "category": "door_lock" })).await;
    let id = job["id"].as_str().unwrap();
    let (_, me) = s.get("/api/v1/me", &butler).await;
    act(&s, &butler, id, json!({ "action": "assign", "assignee_id": me["id"] })).await;
    act(&s, &butler, id, json!({ "action": "start_work" })).await;
    act(&s, &butler, id, json!({ "action": "resolve" })).await;
    let (status, job) = act(&s, &resident, id, json!({ "action": "reopen", "note": "还是打不开" })).await;
    assert_eq!(
        (status, job["status"].as_str(), job["reopen_count"].as_u64()),
        (StatusCode::OK, Some("reopened"), Some(1))
    );
    act(&s, &butler, id, json!({ "action": "assign", "assignee_id": me["id"] })).await;
    act(&s, &butler, id, json!({ "action": "hold", "note": "等配件" })).await;
    let (_, held) = s.get(&format!("/api/v1/repairs/{id}"), &resident).await;
    assert_eq!((held["status"].as_str(), held["hold_reason"].as_str()), (Some("on_hold"), Some("等配件")));
    assert_eq!(held["sla"]["resolve"], "paused");
    act(&s, &butler, id, json!({ "action": "resume" })).await;
    act(&s, &butler, id, json!({ "action": "start_work" })).await;
    act(&s, &butler, id, json!({ "action": "resolve" })).await;
    let (status, _) =
        s.post(&format!("/api/v1/repairs/{id}/rating"), &resident, json!({ "stars": 2, "tags": ["slow"] })).await;
    assert_eq!(status, StatusCode::CREATED);

    let (status, follow_ups) = s.get("/api/v1/follow-ups", &admin).await;
    assert_eq!(status, StatusCode::OK, "{follow_ups}");
    let item = &follow_ups["items"][0];
    assert_eq!(
        (item["reason"].as_str(), item["repair_id"].as_str(), item["stars"].as_u64()),
        (Some("low_rating"), Some(id), Some(2))
    );
    let (_, own) = s.get("/api/v1/follow-ups", &butler).await;
    assert_eq!(own["items"].as_array().unwrap().len(), 1, "the butler sees the follow-up on their own work");
    let (_, other) = s.get("/api/v1/follow-ups", &s.login(BUTLER_B3).await).await;
    assert!(other["items"].as_array().unwrap().is_empty(), "another butler does not");
    let (status, _) = s.get("/api/v1/follow-ups", &resident).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn moving_a_building_to_another_butler_moves_its_open_jobs() {
    let s = TestServer::start().await;
    let resident = s.login(RESIDENT_B2).await;
    let admin = s.login(ADMIN).await;
    let other_butler = s.login(BUTLER_B3).await;
    let job = report(&s, &resident, json!({ "category": "no_water" })).await;
    let id = job["id"].as_str().unwrap();
    let (_, buildings) = s.get("/api/v1/buildings", &admin).await;
    let b2 =
        buildings.as_array().unwrap().iter().find(|b| b["number"] == "2").unwrap()["id"].as_str().unwrap().to_string();
    let (_, me) = s.get("/api/v1/me", &other_butler).await;

    let res = s
        .req(reqwest::Method::PUT, &format!("/api/v1/buildings/{b2}/butler"), Some(&admin))
        .json(&json!({ "butler_id": me["id"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let (status, seen) = s.get(&format!("/api/v1/repairs/{id}"), &other_butler).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(seen["butler"]["name"], "陈静", "the job moved with the building");
    assert!(actions(&seen).contains(&"acknowledge"));
    let (status, _) = s.get(&format!("/api/v1/repairs/{id}"), &s.login(BUTLER).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "the previous butler no longer sees it");

    let res = s
        .req(reqwest::Method::PUT, &format!("/api/v1/buildings/{b2}/butler"), Some(&other_butler))
        .json(&json!({ "butler_id": me["id"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "only the manager reassigns");
}

/// Not a pass/fail check on time: prints how long one 12-megapixel phone
/// photo takes to check, decode, orient, strip and resize (display size and
/// thumbnail), the way an upload is processed.
#[tokio::test]
async fn measure_processing_a_12_megapixel_photo() {
    // A 4000 × 3000 photo with real detail (not a flat colour that would
    // compress to nothing), as a phone camera makes.
    let img = image::RgbImage::from_fn(4000, 3000, |x, y| {
        let texture = (((x / 3) ^ (y / 3)) & 0x1f) as u8;
        image::Rgb([
            ((x * 200 / 4000) as u8).saturating_add(texture),
            (y * 255 / 3000) as u8,
            (((x / 40) ^ (y / 40)) & 0xff) as u8,
        ])
    });
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
        .encode(img.as_raw(), 4000, 3000, image::ExtendedColorType::Rgb8)
        .unwrap();
    let mut times = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        let out = linli_media::process(&jpeg).unwrap_or_else(|e| panic!("{e:?} ({} bytes)", jpeg.len()));
        times.push(started.elapsed());
        assert_eq!((out.width, out.height), (1600, 1200));
    }
    times.sort();
    println!(
        "12-megapixel JPEG ({:.1} MB) → 1600 px display + 320 px thumbnail: median {:?}, best {:?}",
        jpeg.len() as f64 / 1e6,
        times[1],
        times[0]
    );
}
