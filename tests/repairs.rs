//! Repairs over HTTP on a real embedded database: the whole life of a job,
//! refusals that change nothing, access between units and buildings,
//! photos (EXIF, bombs, fakes), SLA alerts, auto-confirmation and the
//! live stream.

use std::time::{Duration, Instant};

use crate::common::*;
use chrono::Utc;
use linli_model::{
    ErrorCode,
    keys::{ActorRole, TimelineAction as Step},
    repair::{JobAction, JobStatus, Urgency},
    sla::ClockState,
};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn the_whole_life_of_a_job_from_report_with_a_photo_to_rating() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let butler = s.user(BUTLER).await;
    let worker = s.user(WORKER).await;

    let photo = resident.upload("leak.jpg", jpeg(800, 600)).await.unwrap();
    assert_eq!((photo.width, photo.height), (800, 600));

    let job = resident
        .report(&json!({
            "category": "leak", "description": "厨房水龙头一直滴水", "photo_ids": [photo.id],
        }))
        .await
        .unwrap();
    let id = job.id.clone();
    assert_eq!(job.status, JobStatus::Submitted);
    assert_eq!(job.urgency, Urgency::Normal, "suggested by the category");
    assert_eq!(job.unit.number, "101");
    assert_eq!(job.butler.as_ref().unwrap().name, "李明", "lands with the building's butler");
    assert_eq!(job.photos[0].id, photo.id);
    assert_eq!(job.allowed_actions, vec![JobAction::Cancel]);
    assert_eq!((job.sla.respond_by - job.created_at).num_seconds(), 2 * 3600, "normal: respond within 2 h");
    assert_eq!(job.sla.state, ClockState::OnTrack);

    let seen = butler.job(&id).await.unwrap();
    assert_eq!(seen.allowed_actions, vec![JobAction::Acknowledge, JobAction::Assign, JobAction::Cancel]);
    let job = butler.act(&id, JobAction::Acknowledge).await.unwrap();
    assert_eq!(job.status, JobStatus::Acknowledged);
    assert_eq!(job.sla.respond, ClockState::Met);

    let people = butler.assignable(&id).await.unwrap();
    let worker_id = people.iter().find(|p| p.name == "刘强").unwrap().id.clone();
    assert_eq!(people[0].name, "刘强", "a plumber first for a leak");
    let job = butler.assign(&id, &worker_id).await.unwrap();
    assert_eq!(job.status, JobStatus::Assigned);
    assert_eq!(job.assignee.as_ref().unwrap().name, "刘强");

    let mine = worker.jobs("?scope=assigned&status=open").await.unwrap();
    assert_eq!(mine.items[0].id, id, "the worker sees the job assigned to them");
    for (action, expect) in
        [(JobAction::StartTravel, JobStatus::EnRoute), (JobAction::StartWork, JobStatus::InProgress)]
    {
        assert_eq!(worker.act(&id, action).await.unwrap().status, expect);
    }
    let after = worker.upload("fixed.jpg", jpeg(400, 300)).await.unwrap();
    let job = worker
        .act_with(&id, &json!({ "action": "resolve", "note": "换了阀芯", "photo_ids": [after.id] }))
        .await
        .unwrap();
    assert_eq!(job.status, JobStatus::Resolved);
    let last = job.timeline.last().unwrap();
    assert_eq!(last.photos[0].id, after.id, "after-photos are on the timeline entry");

    let job = resident.job(&id).await.unwrap();
    assert_eq!(job.allowed_actions, vec![JobAction::Confirm, JobAction::Reopen]);
    assert!(job.can_rate);
    let rating =
        resident.rate(&id, &json!({ "stars": 5, "tags": ["fast", "tidy"], "comment": "很及时" })).await.unwrap();
    assert_eq!(rating.stars, 5);

    let job = resident.job(&id).await.unwrap();
    assert_eq!(job.status, JobStatus::Rated);
    assert_eq!(job.rating.as_ref().unwrap().stars, 5);
    let steps: Vec<Step> = job.timeline.iter().map(|e| e.action).collect();
    let expected = [
        Step::Submitted,
        Step::Acknowledge,
        Step::Assign,
        Step::StartTravel,
        Step::StartWork,
        Step::Resolve,
        Step::Rated,
    ];
    assert_eq!(steps, expected);
    assert!(job.timeline.iter().all(|e| !e.actor_name.is_empty()));

    let err = resident.rate(&id, &json!({ "stars": 1 })).await.unwrap_err();
    assert_eq!((err.status, err.code), (StatusCode::CONFLICT, ErrorCode::Conflict), "rated once");
}

#[tokio::test]
async fn illegal_actions_get_409_or_403_and_change_nothing() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let butler = s.user(BUTLER).await;
    let job = resident.report(&json!({ "category": "light" })).await.unwrap();
    let id = &job.id;

    let err = butler.act(id, JobAction::Confirm).await.unwrap_err();
    assert_eq!((err.status, err.code), (StatusCode::CONFLICT, ErrorCode::Conflict));
    assert_eq!(err.detail.as_deref(), Some("submitted"));
    let err = butler.act(id, JobAction::StartWork).await.unwrap_err();
    assert_eq!(err.status, StatusCode::CONFLICT, "{err}");
    let err = resident.act(id, JobAction::Acknowledge).await.unwrap_err();
    assert_eq!((err.status, err.code), (StatusCode::FORBIDDEN, ErrorCode::Forbidden), "not the resident's to do");
    let err = butler.act_with(id, &json!({ "action": "fly_away" })).await.unwrap_err();
    assert_eq!((err.status, err.code), (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::Invalid));
    let err = butler.act_with(id, &json!({ "action": "assign" })).await.unwrap_err();
    assert_eq!((err.status, err.detail.as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("assignee_id")));
    let err = butler.assign(id, "nobodyatall").await.unwrap_err();
    assert_eq!(err.status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    let err = resident.rate(id, &json!({ "stars": 4 })).await.unwrap_err();
    assert_eq!(err.status, StatusCode::CONFLICT, "not rateable before it is resolved");

    let after = resident.job(id).await.unwrap();
    assert_eq!(after.status, JobStatus::Submitted);
    assert_eq!(after.timeline.len(), 1);
    assert!(after.assignee.is_none());
}

#[tokio::test]
async fn bad_reports_are_refused_with_the_field_named() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    for (body, field) in [
        (json!({ "category": "teleporter" }), "category"),
        (json!({ "category": "leak", "urgency": "whenever" }), "urgency"),
        (json!({ "category": "flooding", "urgency": "normal" }), "urgency"),
        (json!({ "category": "leak", "description": "水".repeat(1001) }), "description"),
        (json!({ "category": "leak", "photo_ids": ["a", "b", "c", "d", "e", "f", "g"] }), "photo_ids"),
        (json!({ "category": "leak", "photo_ids": ["notmyphoto123"] }), "photo_ids"),
    ] {
        let err = resident.report(&body).await.unwrap_err();
        assert_eq!(err.status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
        assert_eq!(err.detail.as_deref(), Some(field));
    }
    let butler = s.user(BUTLER).await;
    let err = butler.report(&json!({ "category": "leak" })).await.unwrap_err();
    assert_eq!(err.status, StatusCode::FORBIDDEN, "staff do not report for a unit");
    assert!(resident.jobs("").await.unwrap().items.is_empty(), "nothing was stored");

    // Someone else's photo cannot be attached.
    let neighbour = s.user(RESIDENT_B2).await;
    let photo = neighbour.upload("p.jpg", jpeg(100, 100)).await.unwrap();
    let err = resident.report(&json!({ "category": "leak", "photo_ids": [photo.id] })).await.unwrap_err();
    assert_eq!(err.status, StatusCode::UNPROCESSABLE_ENTITY);
    let urgent = resident.report(&json!({ "category": "leak", "urgency": "critical" })).await.unwrap();
    assert_eq!(urgent.urgency, Urgency::Critical, "a resident may raise the urgency");
}

#[tokio::test]
async fn other_units_and_buildings_cannot_see_or_touch_a_job_or_its_photos() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let photo = resident.upload("p.jpg", jpeg(300, 200)).await.unwrap();
    let job = resident.report(&json!({ "category": "drain", "photo_ids": [photo.id] })).await.unwrap();
    let id = &job.id;

    for phone in [RESIDENT_B2, BUTLER_B3, OTHER_RESIDENT, OTHER_ADMIN, WORKER, GUARD] {
        let user = s.user(phone).await;
        let err = user.job(id).await.unwrap_err();
        assert_eq!(err.status, StatusCode::NOT_FOUND, "{phone} must not see the job: {err}");
        let err = user.act(id, JobAction::Acknowledge).await.unwrap_err();
        assert_eq!(err.status, StatusCode::NOT_FOUND, "{phone} cannot act");
        let err = user.rate(id, &json!({ "stars": 1 })).await.unwrap_err();
        assert_eq!(err.status, StatusCode::NOT_FOUND, "{phone} cannot rate");
        for url in [&photo.url, &photo.thumb_url] {
            let res = s.req(reqwest::Method::GET, url, Some(user.token())).send().await.unwrap();
            assert_eq!(res.status(), StatusCode::NOT_FOUND, "{phone} cannot fetch {url}");
        }
    }
    assert!(s.user(BUTLER_B3).await.jobs("?scope=buildings").await.unwrap().items.is_empty());
    let err = resident.jobs("?scope=all").await.unwrap_err();
    assert_eq!(err.status, StatusCode::FORBIDDEN, "a resident cannot list the community");

    // Those who may, can.
    for phone in [RESIDENT, BUTLER, DUTY, ADMIN] {
        let user = s.user(phone).await;
        user.job(id).await.unwrap_or_else(|e| panic!("{phone}: {e}"));
        let res = s.req(reqwest::Method::GET, &photo.url, Some(user.token())).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{phone} sees the photo");
    }
}

#[tokio::test]
async fn photos_are_served_upright_and_without_exif_or_gps() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let upload = jpeg_with_exif_gps(400, 200);
    assert!(upload.windows(4).any(|w| w == b"Exif"), "the test photo carries EXIF");
    let photo = resident.upload("IMG_0001.jpg", upload).await.unwrap();
    assert_eq!((photo.width, photo.height), (200, 400), "rotated upright");

    for url in [&photo.url, &photo.thumb_url] {
        let res = s.req(reqwest::Method::GET, url, Some(resident.token())).send().await.unwrap();
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
    let res = s.req(reqwest::Method::GET, &photo.url, None).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "photos need a session");
}

#[tokio::test]
async fn fake_broken_and_oversized_uploads_are_refused_and_nothing_is_stored() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let mut truncated = jpeg(640, 480);
    truncated.truncate(truncated.len() / 3);
    let heic = {
        let mut b = vec![0, 0, 0, 0x18];
        b.extend_from_slice(b"ftypheic");
        b.extend_from_slice(&[0; 32]);
        b
    };
    let cases: Vec<(&str, Vec<u8>, StatusCode, ErrorCode)> = vec![
        (
            "notes.jpg",
            b"this is a text file, not a photo".to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::UnsupportedMedia,
        ),
        ("broken.jpg", truncated, StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::Invalid),
        ("bomb.png", png_header_only(20_000, 20_000), StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::PayloadTooLarge),
        ("IMG_1.heic", heic, StatusCode::UNSUPPORTED_MEDIA_TYPE, ErrorCode::UnsupportedMedia),
        ("empty.jpg", Vec::new(), StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::Invalid),
        (
            "huge.jpg",
            vec![0xFF; linli_media::MAX_BYTES + 1024 * 1024],
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::PayloadTooLarge,
        ),
    ];
    for (name, bytes, status, code) in cases {
        let err = resident.upload(name, bytes).await.unwrap_err();
        assert_eq!(err.status, status, "{name}: {err}");
        assert_eq!(err.code, code, "{name}");
        assert!(!err.message.is_empty());
    }
    let err = resident
        .upload("IMG_1.heic", {
            let mut b = vec![0, 0, 0, 0x18];
            b.extend_from_slice(b"ftypheic");
            b.extend_from_slice(&[0; 32]);
            b
        })
        .await
        .unwrap_err();
    assert!(err.message.contains("HEIC"), "HEIC gets its own explanation");
    assert_eq!(s.media_files(), 0, "no file was written");
    let mut res = s.backend.db().query("SELECT count() AS n FROM photo GROUP ALL").await.unwrap();
    let n: Option<i64> = res.take((0, "n")).unwrap();
    assert_eq!(n.unwrap_or(0), 0, "no photo row was stored");
}

#[tokio::test]
async fn the_live_stream_delivers_updates_and_replays_what_a_reconnecting_client_missed() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let butler = s.user(BUTLER).await;
    let neighbour = s.user(RESIDENT_B2).await;
    let mut resident_stream = s.stream(resident.token(), None).await;
    let ready = resident_stream.next(Duration::from_secs(2)).await.expect("ready event");
    assert_eq!(ready.event, "ready");
    let mut neighbour_stream = s.stream(neighbour.token(), None).await;
    neighbour_stream.next(Duration::from_secs(2)).await;

    let job = resident.report(&json!({ "category": "no_power" })).await.unwrap();
    let id = job.id.clone();
    let created = resident_stream.next_of("repair.updated", Duration::from_secs(2)).await.expect("own report");
    assert_eq!(created.data["id"], id.as_str());

    let sent = Instant::now();
    butler.act(&id, JobAction::Acknowledge).await.unwrap();
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
    let people = butler.assignable(&id).await.unwrap();
    butler.assign(&id, &people[0].id).await.unwrap();
    butler.act(&id, JobAction::StartWork).await.unwrap();

    let mut back = s.stream(resident.token(), Some(&last_id)).await;
    let first = back.next(Duration::from_secs(2)).await.unwrap();
    let second = back.next(Duration::from_secs(2)).await.unwrap();
    assert_eq!((first.event.as_str(), first.data["status"].as_str()), ("repair.updated", Some("assigned")));
    assert_eq!(second.data["status"], "in_progress");

    let mut stale = s.stream(resident.token(), Some("deadbeef-3")).await;
    assert_eq!(stale.next(Duration::from_secs(2)).await.unwrap().event, "resync", "an id from before a restart");
}

#[tokio::test]
async fn sla_warnings_go_to_the_butler_and_breaches_escalate_to_the_admin() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let mut butler = s.stream(&s.login(BUTLER).await, None).await;
    let mut admin = s.stream(&s.login(ADMIN).await, None).await;
    let job = resident.report(&json!({ "category": "elevator_entrapment" })).await.unwrap();
    assert_eq!(job.urgency, Urgency::Critical);
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
    let resident = s.user(RESIDENT).await;
    let butler = s.user(BUTLER).await;
    let job = resident.report(&json!({ "category": "light" })).await.unwrap();
    let id = &job.id;
    let me = butler.me().await.unwrap();
    butler.assign(id, &me.id).await.unwrap();
    butler.act(id, JobAction::StartWork).await.unwrap();
    butler.act(id, JobAction::Resolve).await.unwrap();
    s.backend.sweep_repairs(Utc::now() + chrono::Duration::hours(71)).await.unwrap();
    assert_eq!(resident.job(id).await.unwrap().status, JobStatus::Resolved);
    s.backend.sweep_repairs(Utc::now() + chrono::Duration::hours(73)).await.unwrap();
    let job = resident.job(id).await.unwrap();
    assert_eq!(job.status, JobStatus::Confirmed);
    assert_eq!(job.timeline.last().unwrap().actor_role, ActorRole::System);
    assert!(job.can_rate, "still rateable after auto-confirmation");
}

#[tokio::test]
async fn a_rejected_fix_reopens_and_a_low_rating_opens_a_follow_up() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let butler = s.user(BUTLER).await;
    let admin = s.user(ADMIN).await;
    let job = resident.report(&json!({ "category": "door_lock" })).await.unwrap();
    let id = job.id.as_str();
    let me = butler.me().await.unwrap();
    butler.assign(id, &me.id).await.unwrap();
    butler.act(id, JobAction::StartWork).await.unwrap();
    butler.act(id, JobAction::Resolve).await.unwrap();
    let job = resident.act_with(id, &json!({ "action": "reopen", "note": "还是打不开" })).await.unwrap();
    assert_eq!((job.status, job.reopen_count), (JobStatus::Reopened, 1));
    butler.assign(id, &me.id).await.unwrap();
    butler.act_with(id, &json!({ "action": "hold", "note": "等配件" })).await.unwrap();
    let held = resident.job(id).await.unwrap();
    assert_eq!((held.status, held.hold_reason.as_deref()), (JobStatus::OnHold, Some("等配件")));
    assert_eq!(held.sla.resolve, ClockState::Paused);
    butler.act(id, JobAction::Resume).await.unwrap();
    butler.act(id, JobAction::StartWork).await.unwrap();
    butler.act(id, JobAction::Resolve).await.unwrap();
    resident.rate(id, &json!({ "stars": 2, "tags": ["slow"] })).await.unwrap();

    // A low rating and (issue 17) the closing of a reopened job each open one.
    let follow_ups = admin.follow_ups().await.unwrap();
    let item = follow_ups.items.iter().find(|f| f.reason.as_str() == "low_rating").unwrap();
    assert_eq!((item.reason.as_str(), item.repair_id.as_deref(), item.stars), ("low_rating", Some(id), Some(2)));
    assert!(follow_ups.items.iter().any(|f| f.reason.as_str() == "reopened" && f.repair_id.as_deref() == Some(id)));
    let own = butler.follow_ups().await.unwrap();
    assert_eq!(own.items.len(), 2, "the butler sees the follow-ups on their own work");
    let other = s.user(BUTLER_B3).await.follow_ups().await.unwrap();
    assert!(other.items.is_empty(), "another butler does not");
    assert_eq!(resident.follow_ups().await.unwrap_err().status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn moving_a_building_to_another_butler_moves_its_open_jobs() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT_B2).await;
    let admin = s.user(ADMIN).await;
    let other_butler = s.user(BUTLER_B3).await;
    let job = resident.report(&json!({ "category": "no_water" })).await.unwrap();
    let id = &job.id;
    let b2 = admin.building_id("2").await;
    let me = other_butler.me().await.unwrap();

    admin.assign_butler(&b2, &me.id).await.unwrap();
    let seen = other_butler.job(id).await.unwrap();
    assert_eq!(seen.butler.as_ref().unwrap().name, "陈静", "the job moved with the building");
    assert!(seen.allowed_actions.contains(&JobAction::Acknowledge));
    let err = s.user(BUTLER).await.job(id).await.unwrap_err();
    assert_eq!(err.status, StatusCode::NOT_FOUND, "the previous butler no longer sees it");

    let err = other_butler.assign_butler(&b2, &me.id).await.unwrap_err();
    assert_eq!(err.status, StatusCode::FORBIDDEN, "only the manager reassigns");
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
