//! Complaints and suggestions (投诉建议) over HTTP: the five LEARN steps to
//! a rating, a suggestion adopted, the complainant's identity kept from the
//! household concerned and from every list, the counts by category and
//! building, and the scorecard counting complaints apart from repairs.

use std::time::Duration;

use crate::common::*;
use linli_model::{
    ErrorCode,
    complaint::{ComplaintAction as A, ComplaintCategory, JobKind},
    keys::TimelineAction as Step,
    repair::JobStatus,
    sla::ClockState,
};
use reqwest::StatusCode;
use serde_json::json;

/// The demo's neighbour of `RESIDENT` (1-101): the elder in 1-102.
const NEIGHBOUR: &str = ELDER;

#[tokio::test]
async fn a_complaint_goes_through_the_five_learn_steps_to_a_rating() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let butler = s.user(BUTLER).await;
    let neighbour_unit = s.user(NEIGHBOUR).await.me().await.unwrap().unit.unwrap();

    let photo = resident.upload("dog.jpg", jpeg(640, 480)).await.unwrap();
    let c = resident
        .complain(&json!({
            "category": "noise", "text": "楼上每晚十二点后还在拖椅子",
            "photo_ids": [photo.id], "concerns_unit_id": neighbour_unit.id,
        }))
        .await
        .unwrap();
    let id = c.id.clone();
    assert_eq!((c.kind, c.category, c.status), (JobKind::Complaint, ComplaintCategory::Noise, JobStatus::Submitted));
    assert_eq!(c.owner.as_ref().unwrap().name, "李明", "lands with the building's butler");
    assert_eq!(c.concerns.as_ref().unwrap().unit.as_deref(), Some(neighbour_unit.label.as_str()));
    assert_eq!(c.photos[0].id, photo.id);
    assert_eq!(c.allowed_actions, vec![A::Cancel]);
    assert_eq!((c.sla.respond_by - c.created_at).num_seconds(), 2 * 3600, "respond within 2 h by default");
    assert_eq!((c.sla.resolve_by - c.created_at).num_seconds(), 3 * 24 * 3600, "resolve within 3 days by default");

    // The butler sees who complained, on the complaint itself.
    let seen = butler.complaint(&id).await.unwrap();
    assert_eq!(seen.complainant.name, "张伟");
    assert_eq!(seen.complainant.unit.number, "101");
    assert_eq!(seen.complainant.phone, "138****0001", "masked on the complaint, as in every list");
    let call = butler.phone_to_call(&seen.complainant.id).await.unwrap();
    assert_eq!(call.phone, RESIDENT, "the whole number through the audited reveal");
    assert_eq!(seen.allowed_actions, vec![A::Listen, A::Cancel]);

    // Every handling step says something to the resident.
    let err = butler.step_with(&id, &json!({ "action": "listen" })).await.unwrap_err();
    assert_eq!((err.status, err.detail.as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("note")));
    let err = resident.step(&id, A::Listen, "我自己听").await.unwrap_err();
    assert_eq!((err.status, err.code), (StatusCode::FORBIDDEN, ErrorCode::Forbidden));
    let err = butler.step(&id, A::Notify, "太早").await.unwrap_err();
    assert_eq!((err.status, err.detail.as_deref()), (StatusCode::CONFLICT, Some("submitted")));

    let c = butler.step(&id, A::Listen, "已电话了解情况，向您致歉").await.unwrap();
    assert_eq!(c.status, JobStatus::Acknowledged);
    assert_eq!(c.sla.respond, ClockState::Met, "listening stops the respond clock");
    let c = butler.step(&id, A::Act, "今晚上门与1-102沟通，张贴文明公约").await.unwrap();
    assert_eq!(c.status, JobStatus::InProgress);
    for note in ["已上门沟通，对方表示会注意", "已在电梯张贴提示"] {
        let c = butler.step(&id, A::Respond, note).await.unwrap();
        assert_eq!(c.status, JobStatus::InProgress, "a progress reply changes no status");
    }
    let err = resident.step(&id, A::Notify, "我说好了").await.unwrap_err();
    assert_eq!(err.status, StatusCode::FORBIDDEN);
    let c = butler.step(&id, A::Notify, "连续三晚回访无噪音，办结").await.unwrap();
    assert_eq!(c.status, JobStatus::Resolved);
    assert_eq!(c.sla.resolve, ClockState::Met);

    let c = resident.complaint(&id).await.unwrap();
    assert_eq!(c.allowed_actions, vec![A::Confirm, A::Reopen]);
    assert!(c.can_rate);
    let c = resident.step_with(&id, &json!({ "action": "confirm" })).await.unwrap();
    assert_eq!(c.status, JobStatus::Confirmed);
    let rating = resident.rate_complaint(&id, &json!({ "stars": 4, "comment": "处理及时" })).await.unwrap();
    assert_eq!(rating.stars, 4);
    let err = resident.rate_complaint(&id, &json!({ "stars": 5 })).await.unwrap_err();
    assert_eq!(err.status, StatusCode::CONFLICT, "rated once");

    let c = resident.complaint(&id).await.unwrap();
    assert_eq!(c.status, JobStatus::Rated);
    assert_eq!(c.rating.as_ref().map(|r| r.stars), Some(4));
    let steps: Vec<Step> = c.timeline.iter().map(|e| e.action).collect();
    assert_eq!(
        steps,
        vec![
            Step::Submitted,
            Step::Listen,
            Step::Act,
            Step::Respond,
            Step::Respond,
            Step::Notify,
            Step::Confirm,
            Step::Rated
        ]
    );
    assert_eq!(c.timeline[3].note, "已上门沟通，对方表示会注意", "the resident reads the replies");

    // The same table as repairs, but not a repair.
    assert!(butler.jobs("").await.unwrap().items.iter().all(|j| j.id != id), "not on the repair list");
    assert_eq!(butler.job(&id).await.unwrap_err().status, StatusCode::NOT_FOUND, "not a repair");
    let err = butler.act_with(&id, &json!({ "action": "acknowledge" })).await.unwrap_err();
    assert_eq!(err.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_suggestion_is_answered_and_adopted() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT_B2).await;
    let admin = s.user(ADMIN).await;
    let butler_b3 = s.user(BUTLER_B3).await;

    let c = resident
        .complain(&json!({ "kind": "suggestion", "category": "facilities", "text": "建议在2号楼门口加装快递柜" }))
        .await
        .unwrap();
    let id = c.id.clone();
    assert_eq!((c.kind, c.status, c.adopted), (JobKind::Suggestion, JobStatus::Submitted, false));
    assert_eq!(
        butler_b3.complaint(&id).await.unwrap_err().status,
        StatusCode::NOT_FOUND,
        "another building's butler does not see it"
    );

    let seen = admin.complaint(&id).await.unwrap();
    assert_eq!(seen.allowed_actions, vec![A::Answer, A::Adopt, A::Cancel], "the manager may act as owner");
    let err = admin.step(&id, A::Listen, "听").await.unwrap_err();
    assert_eq!(err.status, StatusCode::CONFLICT, "a suggestion has no LEARN steps");
    let c = admin.step(&id, A::Answer, "感谢建议，下月业主大会讨论").await.unwrap();
    assert_eq!(c.status, JobStatus::Resolved);
    assert_eq!(c.sla.respond, ClockState::Met, "an answer is a response");
    let c = admin.step_with(&id, &json!({ "action": "adopt" })).await.unwrap();
    assert!(c.adopted);
    assert_eq!(c.status, JobStatus::Resolved, "adopting keeps the status");
    let err = admin.step_with(&id, &json!({ "action": "adopt" })).await.unwrap_err();
    assert_eq!(err.status, StatusCode::CONFLICT, "adopted once");

    let mine = resident.complaints("?kind=suggestion").await.unwrap();
    assert_eq!(mine.items.len(), 1);
    assert!(mine.items[0].adopted, "the resident's list shows it adopted");
    resident.rate_complaint(&id, &json!({ "stars": 5 })).await.unwrap();
    let steps: Vec<Step> = resident.complaint(&id).await.unwrap().timeline.iter().map(|e| e.action).collect();
    assert_eq!(steps, vec![Step::Submitted, Step::Answer, Step::Adopt, Step::Rated]);
}

#[tokio::test]
async fn the_household_concerned_never_learns_who_complained() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let neighbour = s.user(NEIGHBOUR).await;
    let butler = s.user(BUTLER).await;
    let admin = s.user(ADMIN).await;
    let neighbour_unit = neighbour.me().await.unwrap().unit.unwrap();
    let mut neighbour_stream = s.stream(neighbour.token(), None).await;
    let mut butler_stream = s.stream(butler.token(), None).await;
    let mut own_stream = s.stream(resident.token(), None).await;

    let photo = resident.upload("noise.jpg", jpeg(320, 240)).await.unwrap();
    let c = resident
        .complain(&json!({
            "category": "pets", "text": "1-102的狗在走廊便溺", "photo_ids": [photo.id],
            "concerns_unit_id": neighbour_unit.id, "concerns_place": "1号楼一楼走廊",
        }))
        .await
        .unwrap();
    let id = c.id.clone();
    butler.step(&id, A::Listen, "已了解").await.unwrap();

    // The complainant's household and the butler hear of it...
    let e = own_stream.next_of("complaint.updated", Duration::from_secs(5)).await.expect("own household is told");
    assert_eq!(e.data["id"], id.as_str());
    let e = butler_stream.next_of("complaint.updated", Duration::from_secs(5)).await.expect("the butler is told");
    let raw = e.data.to_string();
    for secret in ["张伟", RESIDENT, "101"] {
        assert!(!raw.contains(secret), "live event names no complainant: {raw}");
    }
    // ... the household concerned hears nothing, and reads nothing.
    assert!(neighbour_stream.next_of("complaint.updated", Duration::from_secs(2)).await.is_none());
    assert!(neighbour.complaints("").await.unwrap().items.is_empty());
    assert_eq!(neighbour.complaint(&id).await.unwrap_err().status, StatusCode::NOT_FOUND);
    let err = neighbour.step(&id, A::Cancel, "不是我").await.unwrap_err();
    assert_eq!(err.status, StatusCode::NOT_FOUND);
    let (status, _) = s.get(&format!("/media/{}", photo.id), neighbour.token()).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "nor its photos");
    let (status, _) = s.get(&format!("/media/{}", photo.id), butler.token()).await;
    assert_eq!(status, StatusCode::OK, "the butler sees its photos");
    assert!(neighbour.jobs("").await.unwrap().items.iter().all(|j| j.id != id));

    // Staff lists and counts carry the building, never the complainant.
    for staff in [&butler, &admin] {
        let (page, raw) = staff
            .get_with_json::<linli_model::Page<linli_model::complaint::ComplaintSummary>>("/api/v1/complaints")
            .await
            .unwrap();
        assert_eq!(page.items[0].id, id);
        assert_eq!(page.items[0].building.number, "1");
        let raw = raw.to_string();
        for secret in ["张伟", RESIDENT, "\"101\"", "1号楼 101", &resident.me().await.unwrap().id] {
            assert!(!raw.contains(secret), "{secret} in a staff list: {raw}");
        }
        let (_, raw) = staff.get_with_json::<serde_json::Value>("/api/v1/complaints/stats").await.unwrap();
        assert!(!raw.to_string().contains("张伟"));
    }
    // ... and only on the complaint itself.
    assert_eq!(butler.complaint(&id).await.unwrap().complainant.name, "张伟");
    // The duty room and workers do not see complaints at all.
    for phone in [DUTY, WORKER, GUARD] {
        let u = s.user(phone).await;
        assert_eq!(u.complaint(&id).await.unwrap_err().status, StatusCode::NOT_FOUND, "{phone}");
        assert_eq!(u.complaints("").await.unwrap_err().status, StatusCode::FORBIDDEN, "{phone}");
    }
    // One's own unit cannot be the one concerned.
    let err = resident
        .complain(&json!({ "category": "noise", "text": "x", "concerns_unit_id": c.complainant.unit.id }))
        .await
        .unwrap_err();
    assert_eq!((err.status, err.detail.as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("concerns_unit_id")));
}

#[tokio::test]
async fn the_admin_counts_by_category_and_building_and_filters_lists() {
    let s = TestServer::start().await;
    let r1 = s.user(RESIDENT).await;
    let r2 = s.user(RESIDENT_B2).await;
    let admin = s.user(ADMIN).await;
    for (who, kind, category) in [
        (&r1, "complaint", "noise"),
        (&r1, "complaint", "noise"),
        (&r1, "suggestion", "sanitation"),
        (&r2, "complaint", "parking"),
    ] {
        who.complain(&json!({ "kind": kind, "category": category, "text": "内容" })).await.unwrap();
    }
    let bad = r1.complain(&json!({ "category": "aliens", "text": "内容" })).await.unwrap_err();
    assert_eq!((bad.status, bad.detail.as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("category")));
    let bad = r1.complain(&json!({ "category": "noise", "text": "  " })).await.unwrap_err();
    assert_eq!((bad.status, bad.detail.as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("text")));

    let stats = admin.complaint_stats().await.unwrap();
    let cat = |c: ComplaintCategory| stats.by_category.iter().find(|x| x.category == c).unwrap().clone();
    assert_eq!(stats.by_category.len(), ComplaintCategory::ALL.len());
    assert_eq!((cat(ComplaintCategory::Noise).complaints, cat(ComplaintCategory::Noise).open), (2, 2));
    assert_eq!(cat(ComplaintCategory::Sanitation).suggestions, 1);
    assert_eq!(cat(ComplaintCategory::Parking).complaints, 1);
    assert_eq!(cat(ComplaintCategory::Fees).complaints, 0);
    let numbers: Vec<(&str, u32, u32)> =
        stats.by_building.iter().map(|b| (b.building.number.as_str(), b.complaints, b.suggestions)).collect();
    assert_eq!(numbers, vec![("1", 2, 1), ("2", 1, 0)]);

    let noise = admin.complaints("?category=noise").await.unwrap();
    assert_eq!(noise.items.len(), 2);
    let b2 = &stats.by_building[1].building.id;
    let in_b2 = admin.complaints(&format!("?building={b2}")).await.unwrap();
    assert_eq!(in_b2.items.len(), 1);
    assert_eq!(in_b2.items[0].category, ComplaintCategory::Parking);
    let page = admin.complaints("?limit=3").await.unwrap();
    assert_eq!(page.items.len(), 3);
    let rest = admin.complaints(&format!("?limit=3&cursor={}", page.next_cursor.unwrap())).await.unwrap();
    assert_eq!((rest.items.len(), rest.next_cursor), (1, None), "paged by cursor");
    assert_eq!(admin.complaints("?status=closed").await.unwrap().items.len(), 0);
    let err = admin.complaints("?status=sleeping").await.unwrap_err();
    assert_eq!(err.status, StatusCode::UNPROCESSABLE_ENTITY);
    // A butler counts their own buildings only.
    let other = s.user(BUTLER_B3).await.complaint_stats().await.unwrap();
    assert!(other.by_building.is_empty());
}

#[tokio::test]
async fn the_scorecard_counts_complaints_apart_from_repairs() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let butler = s.user(BUTLER).await;
    let admin = s.user(ADMIN).await;
    let butler_id = butler.me().await.unwrap().id;
    let card = |cards: &linli_model::scorecard::PeriodPage<linli_model::scorecard::Scorecard>| {
        cards.items.iter().find(|c| c.butler_id == butler_id).unwrap().clone()
    };
    let before = card(&admin.scorecards().await.unwrap());

    let id = resident.complain(&json!({ "category": "staff_conduct", "text": "保安态度差" })).await.unwrap().id;
    butler.step(&id, A::Listen, "已致歉").await.unwrap();
    butler.step(&id, A::Act, "约谈保安").await.unwrap();
    butler.step(&id, A::Notify, "已处理").await.unwrap();
    resident.rate_complaint(&id, &json!({ "stars": 2 })).await.unwrap();
    resident.complain(&json!({ "kind": "suggestion", "category": "other", "text": "建议" })).await.unwrap();

    let after = card(&admin.scorecards().await.unwrap());
    assert_eq!(after.complaints, before.complaints + 1, "suggestions are not complaints");
    assert_eq!(after.complaints_responded_in_sla_pct, Some(100.0));
    assert_eq!(after.complaints_resolved_in_sla_pct, Some(100.0));
    assert_eq!(after.complaint_rating_count, before.complaint_rating_count + 1);
    assert!(after.complaint_rating_avg.is_some());
    assert_eq!(after.jobs, before.jobs, "repair figures count repairs only");
    assert_eq!(after.rating_count, before.rating_count, "a complaint's rating is not a repair rating");
    assert_eq!(after.rating_avg, before.rating_avg);
    let own = butler.butler_scorecard(&butler_id).await.unwrap().scorecard;
    assert_eq!(own.complaints, after.complaints, "the butler sees the same card");
    // ... and the export carries the same figures.
    let res = s
        .req(reqwest::Method::GET, "/api/v1/scorecards?format=csv", Some(admin.token()))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    let csv = res.text().await.unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().trim_start_matches('\u{feff}').split(',').collect();
    let row: Vec<&str> = csv.lines().find(|l| l.starts_with("李明")).expect("李明's row").split(',').collect();
    let cell = |name: &str| row[header.iter().position(|h| *h == name).unwrap()];
    assert_eq!(cell("complaints"), after.complaints.to_string(), "{csv}");
    assert_eq!(cell("jobs"), after.jobs.to_string(), "{csv}");
}

#[tokio::test]
async fn complaint_targets_are_a_setting_next_to_the_sla_targets() {
    let s = TestServer::start().await;
    let admin = s.user(ADMIN).await;
    let resident = s.user(RESIDENT).await;
    let mut settings = admin.settings().await.unwrap();
    let t = settings.complaint.unwrap();
    assert_eq!((t.respond_secs, t.resolve_secs), (7200, 3 * 24 * 3600), "the defaults");
    settings.complaint = Some(linli_model::sla::SlaTarget { respond_secs: 3600, resolve_secs: 2 * 24 * 3600 });
    admin.put_settings(&settings).await.unwrap();
    let c = resident.complain(&json!({ "category": "fees", "text": "物业费账单有误" })).await.unwrap();
    assert_eq!((c.sla.respond_by - c.created_at).num_seconds(), 3600);
    assert_eq!((c.sla.resolve_by - c.created_at).num_seconds(), 2 * 24 * 3600);
    settings.complaint = Some(linli_model::sla::SlaTarget { respond_secs: 3600, resolve_secs: 60 });
    let err = admin.put_settings(&settings).await.unwrap_err();
    assert_eq!(err.status, StatusCode::UNPROCESSABLE_ENTITY, "resolving before responding");
}

#[tokio::test]
async fn the_repairs_sweep_runs_the_complaint_clock_too() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let butler = s.user(BUTLER).await;
    let mut butler_stream = s.stream(butler.token(), None).await;
    let mut own_stream = s.stream(resident.token(), None).await;
    let id = resident.complain(&json!({ "category": "sanitation", "text": "垃圾两天没清" })).await.unwrap().id;
    butler_stream.next_of("complaint.updated", Duration::from_secs(2)).await;
    own_stream.next_of("complaint.updated", Duration::from_secs(2)).await;

    // 80 % of the 2-hour respond target: a warning to the butler.
    s.backend.sweep_repairs(chrono::Utc::now() + chrono::Duration::minutes(100)).await.unwrap();
    let warn = butler_stream.next_of("complaint.updated", Duration::from_secs(2)).await.expect("an SLA warning");
    assert_eq!((warn.data["id"].as_str(), warn.data["alert"].as_str()), (Some(id.as_str()), Some("respond_warn")));

    butler.step(&id, A::Listen, "已记录").await.unwrap();
    butler.step(&id, A::Act, "安排保洁").await.unwrap();
    butler.step(&id, A::Notify, "已清运").await.unwrap();
    s.backend.sweep_repairs(chrono::Utc::now() + chrono::Duration::hours(73)).await.unwrap();
    let c = resident.complaint(&id).await.unwrap();
    assert_eq!(c.status, JobStatus::Confirmed, "silence for 72 h confirms it, as for a repair");
    assert_eq!(c.timeline.last().unwrap().actor_role, linli_model::keys::ActorRole::System);
    assert!(c.can_rate);
    let mut confirmed = false;
    while let Some(e) = own_stream.next_of("complaint.updated", Duration::from_secs(2)).await {
        confirmed |= e.data["action"] == "auto_confirm";
    }
    assert!(confirmed, "the household is told");
}
