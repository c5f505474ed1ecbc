//! One filing per request key (`client_key` in the body, or the
//! `Idempotency-Key` header): a repair, complaint or suggestion sent again
//! — a retry after a timeout whose first attempt did arrive, a double tap,
//! a no-script form resent with the back button — is filed once. The
//! repeat answers the stored job with 200 (201 for the first), with one
//! timeline entry and one live alert; 8 at once are one job; the same key
//! from someone else is another request; a bad key is 422 and stores
//! nothing; a repeat's own photo uploads are deleted, not left behind.

use std::time::Duration;

use crate::common::*;
use linli_model::{complaint::Complaint, job::Job};
use reqwest::{Method, StatusCode, header};
use serde_json::json;

/// Rows of the `repair` table (repairs, complaints, suggestions) carrying
/// `key`.
async fn jobs_with_key(s: &TestServer, key: &str) -> i64 {
    let mut res = s
        .backend
        .db()
        .query("SELECT count() AS n FROM repair WHERE client_key = $k GROUP ALL")
        .bind(("k", key.to_string()))
        .await
        .unwrap();
    let n: Option<i64> = res.take((0, "n")).unwrap();
    n.unwrap_or(0)
}

/// Every row of the `repair` table.
async fn all_jobs(s: &TestServer) -> i64 {
    let mut res = s.backend.db().query("SELECT count() AS n FROM repair GROUP ALL").await.unwrap();
    let n: Option<i64> = res.take((0, "n")).unwrap();
    n.unwrap_or(0)
}

/// The hidden `client_key` of the form on `page`.
async fn form_key(s: &TestServer, cookie: &str, page: &str) -> String {
    let html =
        s.req(Method::GET, page, None).header(header::COOKIE, cookie).send().await.unwrap().text().await.unwrap();
    html.split("name=\"client_key\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("{page} carries a hidden key"))
        .to_string()
}

/// Posts `form` to `path` as the web user of `cookie`; answers where it
/// redirects to.
async fn post_form(s: &TestServer, cookie: &str, path: &str, form: reqwest::multipart::Form) -> String {
    let res = s.req(Method::POST, path, None).header(header::COOKIE, cookie).multipart(form).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "POST {path}");
    res.headers()[header::LOCATION].to_str().unwrap().to_string()
}

fn photo_part() -> reqwest::multipart::Part {
    reqwest::multipart::Part::bytes(jpeg(64, 48)).file_name("leak.jpg").mime_str("image/jpeg").unwrap()
}

#[tokio::test]
async fn a_repeated_report_answers_the_same_job_with_200_one_entry_one_alert_and_no_stray_photo() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let butler = s.user(BUTLER).await;
    let mut alerts = s.stream(butler.token(), None).await;
    let photo = resident.upload("a.jpg", jpeg(64, 48)).await.unwrap();
    assert_eq!(s.media_files(), 2, "one photo, its display and thumbnail files");
    let key = "0f8fa8d2-6c5b-4c52-9d8e-2f7a4a1b3c9d";
    let body = json!({ "category": "leak", "description": "厨房漏水", "photo_ids": [photo.id], "client_key": key });

    let (status, first) = resident.report_keyed(&body, None).await;
    let first = first.unwrap();
    assert_eq!(status, StatusCode::CREATED);
    // The retry (the first answer was lost on the way).
    let (status, again) = resident.report_keyed(&body, None).await;
    let again = again.unwrap();
    assert_eq!(status, StatusCode::OK, "a repeat is 200");
    assert_eq!(again.id, first.id);
    assert_eq!(again.timeline.len(), 1, "one timeline entry");
    assert_eq!(again.photos.len(), 1);
    // The same key in the Idempotency-Key header, with or without the body's.
    let bare = json!({ "category": "leak", "description": "厨房漏水", "photo_ids": [photo.id] });
    let (status, by_header) = resident.report_keyed(&bare, Some(key)).await;
    assert_eq!((status, by_header.unwrap().id), (StatusCode::OK, first.id.clone()));
    let (status, both) = resident.report_keyed(&body, Some(key)).await;
    assert_eq!((status, both.unwrap().id), (StatusCode::OK, first.id.clone()));
    let (status, differ) = resident.report_keyed(&body, Some("another-key-1")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(differ.unwrap_err().detail.as_deref(), Some("client_key"));

    // A client that uploaded its photo again before retrying: the job keeps
    // its photo and the new upload is deleted at once, files and row.
    let twice = resident.upload("b.jpg", jpeg(64, 48)).await.unwrap();
    assert_eq!(s.media_files(), 4);
    let resent = json!({ "category": "leak", "description": "厨房漏水", "photo_ids": [twice.id], "client_key": key });
    let (status, job) = resident.report_keyed(&resent, None).await;
    let job = job.unwrap();
    assert_eq!((status, job.id.as_str()), (StatusCode::OK, first.id.as_str()));
    assert_eq!(job.photos.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), [photo.id.as_str()]);
    assert_eq!(s.media_files(), 2, "the repeat's upload left no file");
    let res = s.req(Method::GET, &format!("/media/{}", twice.id), Some(resident.token())).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "nor its row");

    // The key sent again with another report is refused (422), not
    // answered with the first: a repeat must be the same request.
    for changed in [
        json!({ "category": "leak", "description": "卫生间漏水", "client_key": key }),
        json!({ "category": "light", "description": "厨房漏水", "client_key": key }),
    ] {
        let (status, res) = resident.report_keyed(&changed, None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{changed}");
        assert_eq!(res.unwrap_err().detail.as_deref(), Some("client_key"));
    }
    assert_eq!(jobs_with_key(&s, key).await, 1);
    assert_eq!(resident.jobs("").await.unwrap().items.len(), 1, "one job in the resident's list");
    assert_eq!(resident.job(&first.id).await.unwrap().timeline.len(), 1);
    // The butler was alerted once.
    let alert = alerts.next_of("repair.updated", Duration::from_secs(2)).await.expect("the butler hears of it");
    assert_eq!(alert.data["action"], "submitted");
    assert!(alerts.next_of("repair.updated", Duration::from_millis(800)).await.is_none(), "and only once");

    // A complaint works the same way, and a new key is a new job.
    let complaint = json!({ "category": "noise", "text": "楼上装修太吵", "client_key": "complaint-key-1" });
    let c1 = resident.complain_expect(&complaint, StatusCode::CREATED).await.unwrap();
    let c2 = resident.complain_expect(&complaint, StatusCode::OK).await.unwrap();
    assert_eq!((c2.id.as_str(), c2.timeline.len()), (c1.id.as_str(), 1));
    let changed = json!({ "category": "noise", "text": "楼下装修太吵", "client_key": "complaint-key-1" });
    let err = resident.complain(&changed).await.unwrap_err();
    assert_eq!((err.status, err.detail.as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("client_key")));
    let (status, other) =
        resident.report_keyed(&json!({ "category": "leak", "client_key": "a-new-key-2" }), None).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_ne!(other.unwrap().id, first.id);
}

#[tokio::test]
async fn eight_reports_at_once_with_one_key_are_one_job() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let photo = resident.upload("a.jpg", jpeg(64, 48)).await.unwrap();
    let body = json!({ "category": "leak", "photo_ids": [photo.id], "client_key": "race-key-00001" });
    let answers = futures::future::join_all((0..8).map(|_| resident.report_keyed(&body, None))).await;
    let mut ids: Vec<String> = Vec::new();
    let mut created = 0;
    for (status, job) in answers {
        let job: Job = job.unwrap_or_else(|e| panic!("every repeat answers the job: {e}"));
        created += usize::from(status == StatusCode::CREATED);
        assert!(status == StatusCode::CREATED || status == StatusCode::OK, "{status}");
        ids.push(job.id);
    }
    ids.dedup();
    assert_eq!((ids.len(), created), (1, 1), "one job, created once: {ids:?}");
    assert_eq!(jobs_with_key(&s, "race-key-00001").await, 1);
    assert_eq!(resident.job(&ids[0]).await.unwrap().timeline.len(), 1);

    // Complaints too.
    let body =
        json!({ "kind": "suggestion", "category": "facilities", "text": "加个快递柜", "client_key": "race-key-00002" });
    let posts = (0..8).map(|_| s.req(Method::POST, "/api/v1/complaints", Some(resident.token())).json(&body).send());
    let mut statuses = Vec::new();
    let mut ids = Vec::new();
    for res in futures::future::join_all(posts).await {
        let (status, c) = crate::common::client::answer::<Complaint>("POST /api/v1/complaints", res.unwrap()).await;
        statuses.push(status);
        ids.push(c.unwrap().id);
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "one suggestion: {ids:?}");
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::CREATED).count(), 1, "{statuses:?}");
    assert_eq!(jobs_with_key(&s, "race-key-00002").await, 1);
}

#[tokio::test]
async fn the_same_key_from_someone_else_is_another_request() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let neighbour = s.user(RESIDENT_B2).await;
    let butler = s.user(BUTLER).await;
    let key = "shared-key-0001";
    let body = json!({ "category": "light", "client_key": key });
    let (status, mine) = resident.report_keyed(&body, None).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, theirs) = neighbour.report_keyed(&body, None).await;
    assert_eq!(status, StatusCode::CREATED, "another resident's key is their own");
    let (mine, theirs) = (mine.unwrap(), theirs.unwrap());
    assert_ne!(mine.id, theirs.id);

    // The butler entering one for the resident with the same key: the
    // butler's request, a third job; repeated, the same one.
    let on_behalf = butler.on_behalf("1", "101", "phone").await;
    let entry = json!({ "category": "light", "on_behalf": on_behalf, "client_key": key });
    let (status, entered) = butler.report_keyed(&entry, None).await;
    assert_eq!(status, StatusCode::CREATED);
    let entered = entered.unwrap();
    assert!(entered.id != mine.id && entered.id != theirs.id);
    let (status, again) = butler.report_keyed(&entry, None).await;
    assert_eq!((status, again.unwrap().id), (StatusCode::OK, entered.id.clone()));
    let complaint =
        json!({ "category": "noise", "text": "楼道吵", "on_behalf": on_behalf, "client_key": "entry-c-0001" });
    let c = butler.complain_expect(&complaint, StatusCode::CREATED).await.unwrap();
    assert_eq!(butler.complain_expect(&complaint, StatusCode::OK).await.unwrap().id, c.id);
    assert_eq!(jobs_with_key(&s, key).await, 3);

    // One key is one request: the resident's repair key sent with a
    // complaint is refused, and nothing is filed.
    let before = all_jobs(&s).await;
    let reused = json!({ "category": "noise", "text": "楼上吵", "client_key": key });
    let err = resident.complain(&reused).await.unwrap_err();
    assert_eq!((err.status, err.detail.as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("client_key")));
    assert_eq!(all_jobs(&s).await, before);
}

#[tokio::test]
async fn a_bad_key_is_422_naming_it_and_nothing_is_stored() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let long = "k".repeat(65);
    for bad in ["short", "has a space", long.as_str(), "钥匙钥匙钥匙钥匙"] {
        let (status, res) = resident.report_keyed(&json!({ "category": "leak", "client_key": bad }), None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert_eq!(res.unwrap_err().detail.as_deref(), Some("client_key"), "{bad}");
        let err =
            resident.complain(&json!({ "category": "noise", "text": "吵", "client_key": bad })).await.unwrap_err();
        assert_eq!((err.status, err.detail.as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("client_key")));
    }
    let (status, res) = resident.report_keyed(&json!({ "category": "leak" }), Some("short")).await;
    assert_eq!((status, res.unwrap_err().detail.as_deref()), (StatusCode::UNPROCESSABLE_ENTITY, Some("client_key")));
    assert_eq!(all_jobs(&s).await, 0, "nothing filed");
    // Without a key, two reports are two jobs, as before.
    resident.report(&json!({ "category": "leak" })).await.unwrap();
    resident.report(&json!({ "category": "leak" })).await.unwrap();
    assert_eq!(all_jobs(&s).await, 2);
}

#[tokio::test]
async fn a_resent_form_files_once_and_keeps_one_set_of_photos() {
    let s = TestServer::start().await;
    let resident = s.user(RESIDENT).await;
    let cookie = s.web_login(RESIDENT).await;

    // The repair form, sent twice with a photo each time (the back button).
    let key = form_key(&s, &cookie, "/repairs/new").await;
    let send = || {
        reqwest::multipart::Form::new()
            .text("client_key", key.clone())
            .text("category", "leak")
            .text("description", "卫生间漏水")
            .part("photos", photo_part())
    };
    let first = post_form(&s, &cookie, "/forms/repairs", send()).await;
    assert!(first.starts_with("/repairs/") && !first.contains("error"), "{first}");
    let second = post_form(&s, &cookie, "/forms/repairs", send()).await;
    assert_eq!(second, first, "the resent form shows the same job");
    assert_eq!(resident.jobs("").await.unwrap().items.len(), 1);
    let job = resident.job(first.trim_start_matches("/repairs/")).await.unwrap();
    assert_eq!((job.timeline.len(), job.photos.len()), (1, 1));
    assert_eq!(s.media_files(), 2, "the second post's photo was not kept");
    // A new showing of the page is a new key.
    assert_ne!(form_key(&s, &cookie, "/repairs/new").await, key);

    // The complaint form.
    let key = form_key(&s, &cookie, "/complaints/new").await;
    let send = || {
        reqwest::multipart::Form::new()
            .text("client_key", key.clone())
            .text("kind", "complaint")
            .text("category", "noise")
            .text("text", "楼上半夜装修")
    };
    let first = post_form(&s, &cookie, "/forms/complaints", send()).await;
    assert!(first.starts_with("/complaints/") && !first.contains("error"), "{first}");
    assert_eq!(post_form(&s, &cookie, "/forms/complaints", send()).await, first);
    assert_eq!(resident.complaints("").await.unwrap().items.len(), 1);

    // The staff entry page: a repair sent twice is one; the same showing
    // sent as a complaint is that complaint, once.
    let butler = s.user(BUTLER).await;
    let staff = s.web_login(BUTLER).await;
    let on_behalf = butler.on_behalf("1", "101", "walk_in").await;
    let me = resident.me().await.unwrap();
    let b1 = butler.building_id("1").await;
    let key = form_key(&s, &staff, &format!("/entry?building={b1}")).await;
    let target = format!("{}:{}", on_behalf.unit_id, me.id);
    let send = |kind: &str| {
        reqwest::multipart::Form::new()
            .text("client_key", key.clone())
            .text("target", target.clone())
            .text("channel", "walk_in")
            .text("kind", kind.to_string())
            .text("category", "light")
            .text("complaint_category", "noise")
            .text("description", "楼道灯不亮")
    };
    let repair = post_form(&s, &staff, "/forms/entry", send("repair")).await;
    assert!(repair.starts_with("/repairs/"), "{repair}");
    assert_eq!(post_form(&s, &staff, "/forms/entry", send("repair")).await, repair);
    let complaint = post_form(&s, &staff, "/forms/entry", send("complaint")).await;
    assert!(complaint.starts_with("/complaints/"), "{complaint}");
    assert_eq!(post_form(&s, &staff, "/forms/entry", send("complaint")).await, complaint);
    assert_eq!(resident.jobs("").await.unwrap().items.len(), 2, "the resident's own and the entered repair");
    assert_eq!(resident.complaints("").await.unwrap().items.len(), 2);
}

#[tokio::test]
async fn the_openapi_document_shows_the_key_the_header_and_the_200_of_a_repeat() {
    let s = TestServer::start().await;
    let res = s.req(Method::GET, "/api/v1/openapi.json", None).send().await.unwrap();
    let doc: serde_json::Value = res.json().await.unwrap();
    for (path, schema) in [("/api/v1/repairs", "NewRepair"), ("/api/v1/complaints", "NewComplaint")] {
        let op = &doc["paths"][path]["post"];
        assert!(op["responses"]["201"].is_object() && op["responses"]["200"].is_object(), "{path}: 201 and 200");
        let params = op["parameters"].as_array().unwrap_or_else(|| panic!("{path} has parameters"));
        assert!(
            params.iter().any(|p| p["name"] == "Idempotency-Key" && p["in"] == "header"),
            "{path} documents the Idempotency-Key header"
        );
        let field = &doc["components"]["schemas"][schema]["properties"]["client_key"];
        assert!(field.is_object(), "{schema} has client_key");
    }
}
