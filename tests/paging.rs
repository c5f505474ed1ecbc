//! Keyset paging of every paged list (issue 19: no silent truncation, no
//! unbounded answers): walked with a small `limit` while rows are added,
//! no row is lost or repeated and the order holds; a bad `limit` or
//! `cursor` is 422 naming the field; the board's counts equal its rows.

use std::collections::HashSet;

use linli_model::repair::JobAction;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::{ADMIN, BUTLER, ELDER, GUARD, RESIDENT, RESIDENT_B2, TestServer};

/// Every row of a list, walked page by page with `limit`; the first
/// page's whole answer too (for its counts). Calls `between` after each
/// page, so rows can be added while the walk is under way.
async fn walk<F, Fut>(s: &TestServer, token: &str, path: &str, limit: usize, mut between: F) -> (Vec<Value>, Value)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let sep = if path.contains('?') { '&' } else { '?' };
    let mut url = format!("{path}{sep}limit={limit}");
    let mut rows = Vec::new();
    let mut first = Value::Null;
    for _ in 0..500 {
        let (status, page) = s.get(&url, token).await;
        assert_eq!(status, StatusCode::OK, "{url}: {page}");
        let items = page["items"].as_array().expect("items").clone();
        assert!(items.len() <= limit, "{url}: a page holds at most `limit` rows");
        rows.extend(items.iter().cloned());
        if first.is_null() {
            first = page.clone();
        }
        match page["next_cursor"].as_str() {
            Some(c) => {
                assert!(!items.is_empty(), "{url}: a page with a next cursor has rows");
                assert!(c.bytes().all(|b| b.is_ascii_alphanumeric()), "URL-safe cursor: {c}");
                url = format!("{path}{sep}limit={limit}&cursor={c}");
            }
            None => return (rows, first),
        }
        between().await;
    }
    panic!("{path}: the walk did not end");
}

fn ids(rows: &[Value]) -> Vec<String> {
    rows.iter().map(|r| r["id"].as_str().expect("id").to_string()).collect()
}

/// No id twice.
fn assert_unique(list: &str, rows: &[Value]) {
    let ids = ids(rows);
    let set: HashSet<&String> = ids.iter().collect();
    assert_eq!(set.len(), ids.len(), "{list}: a row repeated across pages: {ids:?}");
}

/// Every id of `before` is among `rows`.
fn assert_none_lost(list: &str, before: &[String], rows: &[Value]) {
    let seen: HashSet<String> = ids(rows).into_iter().collect();
    for id in before {
        assert!(seen.contains(id), "{list}: row {id} was lost across pages");
    }
}

/// `key` never increases along the list (newest first), ties by id descending.
fn assert_newest_first(list: &str, rows: &[Value], key: &str) {
    let keys: Vec<(String, String)> = rows
        .iter()
        .map(|r| {
            let t = chrono::DateTime::parse_from_rfc3339(r[key].as_str().expect(key)).expect("instant");
            (format!("{:020}", t.timestamp_nanos_opt().unwrap_or_default()), r["id"].as_str().unwrap().to_string())
        })
        .collect();
    for w in keys.windows(2) {
        assert!(w[0] > w[1], "{list}: out of order: {w:?}");
    }
}

async fn report(s: &TestServer, token: &str, description: &str) -> String {
    let (status, job) =
        s.post("/api/v1/repairs", token, json!({ "category": "leak", "description": description })).await;
    assert_eq!(status, StatusCode::CREATED, "{job}");
    job["id"].as_str().unwrap().to_string()
}

/// A reporter's inserts on another task, at full speed, while the walk runs.
fn insert_concurrently(
    s: &TestServer,
    token: &str,
    path: &'static str,
    body: Value,
    n: usize,
) -> tokio::task::JoinHandle<usize> {
    let client = s.client.clone();
    let url = format!("{}{path}", s.base);
    let token = token.to_string();
    tokio::spawn(async move {
        let mut made = 0;
        for _ in 0..n {
            let res = client.post(&url).bearer_auth(&token).json(&body).send().await;
            if res.is_ok_and(|r| r.status().is_success()) {
                made += 1;
            }
        }
        made
    })
}

#[tokio::test]
async fn the_repair_history_pages_by_keyset_without_loss_or_repeat_even_on_equal_instants() {
    let s = TestServer::start().await;
    let resident = s.login(RESIDENT).await;
    let admin = s.login(ADMIN).await;
    let mut made = Vec::new();
    for i in 0..9 {
        made.push(report(&s, &resident, &format!("漏水 {i}")).await);
    }
    // Six of them share one instant: a bare-time cursor loses or repeats these.
    s.backend
        .db()
        .query("UPDATE repair SET created_at = d'2026-01-05T08:00:00Z' WHERE description IN $d")
        .bind(("d", (0..6).map(|i| format!("漏水 {i}")).collect::<Vec<_>>()))
        .await
        .unwrap();
    let (all_before, _) = walk(&s, &admin, "/api/v1/repairs?scope=all&status=all", 200, || async {}).await;
    let before = ids(&all_before);
    let tied =
        all_before.iter().filter(|j| j["created_at"].as_str().unwrap().starts_with("2026-01-05T08:00:00")).count();
    assert_eq!(tied, 6, "six rows share one instant");
    for id in &made {
        assert!(before.contains(id));
    }

    let inserter = insert_concurrently(&s, &resident, "/api/v1/repairs", json!({ "category": "leak" }), 8);
    let (rows, first) = walk(&s, &admin, "/api/v1/repairs?scope=all&status=all", 2, || async {
        tokio::task::yield_now().await;
    })
    .await;
    assert!(inserter.await.unwrap() > 0, "rows were added during the walk");
    assert_unique("repairs", &rows);
    assert_none_lost("repairs", &before, &rows);
    assert_newest_first("repairs", &rows, "created_at");
    assert!(first.get("total").is_none(), "history carries no counts");
}

#[tokio::test]
async fn the_board_pages_in_urgency_order_and_counts_open_and_breached_jobs() {
    let s = TestServer::start().await;
    let resident = s.login(RESIDENT).await;
    let butler = s.login(BUTLER).await;
    for i in 0..7 {
        report(&s, &resident, &format!("板 {i}")).await;
    }
    // Three are long overdue (their response deadline passed).
    s.backend
        .db()
        .query("UPDATE repair SET created_at = d'2026-01-05T08:00:00Z' WHERE description IN $d")
        .bind(("d", (0..3).map(|i| format!("板 {i}")).collect::<Vec<_>>()))
        .await
        .unwrap();
    let (whole, whole_first) = walk(&s, &butler, "/api/v1/repairs?status=open", 200, || async {}).await;
    let before = ids(&whole);
    let breached_rows =
        whole.iter().filter(|j| matches!(j["sla"]["state"].as_str(), Some("breached" | "missed"))).count() as u64;
    assert!(breached_rows >= 3, "{whole_first}");
    assert_eq!(whole_first["total"].as_u64(), Some(before.len() as u64), "total = the open jobs: {whole_first}");
    assert_eq!(whole_first["breached"].as_u64(), Some(breached_rows), "breached = those past a deadline");

    let inserter = insert_concurrently(&s, &resident, "/api/v1/repairs", json!({ "category": "leak" }), 6);
    let (rows, first) = walk(&s, &butler, "/api/v1/repairs?status=open", 2, || async {
        tokio::task::yield_now().await;
    })
    .await;
    inserter.await.unwrap();
    assert_unique("board", &rows);
    assert_none_lost("board", &before, &rows);
    assert!(first["total"].as_u64().unwrap() >= before.len() as u64);
    // Most urgent first: the breached jobs lead.
    let lead: Vec<&str> = rows.iter().take(3).map(|j| j["sla"]["state"].as_str().unwrap_or("")).collect();
    assert!(lead.iter().all(|s| matches!(*s, "breached" | "missed")), "{lead:?}");
}

/// A job that changes while the board is paged (here: resumed from hold,
/// which moves it from the end of the order to before the cursor) is not
/// skipped: later pages show it after the rest, with its new state.
#[tokio::test]
async fn a_job_that_changes_between_pages_of_the_board_is_not_lost() {
    let s = TestServer::start().await;
    let (resident, butler) = (s.user(crate::common::RESIDENT).await, s.user(BUTLER).await);
    let worker = s.user(crate::common::WORKER).await;
    let mut ids = Vec::new();
    for i in 0..4 {
        ids.push(resident.report(&json!({ "category": "leak", "description": format!("换页 {i}") })).await.unwrap().id);
    }
    let held = ids[0].clone();
    let worker_id = butler.assignable(&held).await.unwrap().into_iter().find(|p| p.name == "刘强").unwrap().id;
    butler.assign(&held, &worker_id).await.unwrap();
    worker.act(&held, linli_model::repair::JobAction::StartWork).await.unwrap();
    worker.act_with(&held, &json!({ "action": "hold", "hold_reason": "waiting_parts" })).await.unwrap();
    let token = s.login(BUTLER).await;
    let (_, whole) = s.get("/api/v1/repairs?status=open&limit=200", &token).await;
    let order = ids_of(&whole);
    assert_eq!(order.last(), Some(&held), "a job on hold comes last: {order:?}");

    let (_, first) = s.get("/api/v1/repairs?status=open&limit=1", &token).await;
    let mut seen = ids_of(&first);
    assert_ne!(seen[0], held);
    worker.act(&held, linli_model::repair::JobAction::Resume).await.unwrap();
    let mut cursor = first["next_cursor"].as_str().map(str::to_string);
    while let Some(c) = cursor {
        let (status, page) = s.get(&format!("/api/v1/repairs?status=open&limit=1&cursor={c}"), &token).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        seen.extend(ids_of(&page));
        cursor = page["next_cursor"].as_str().map(str::to_string);
    }
    for id in &order {
        assert!(seen.contains(id), "{id} was lost across pages: {seen:?}");
    }
    assert_eq!(seen.last(), Some(&held), "the changed job comes after the rest");
}

fn ids_of(page: &Value) -> Vec<String> {
    ids(page["items"].as_array().map(Vec::as_slice).unwrap_or_default())
}

/// The board's building and urgency filters narrow the list on the server,
/// before it is counted and paged: walked two by two, a filtered board is
/// exactly the whole board's rows of that building or urgency, and its
/// counts are the filtered list's.
#[tokio::test]
async fn the_boards_filters_apply_before_counting_and_paging() {
    let s = TestServer::start().await;
    let (resident, resident_b2, butler) = (s.login(RESIDENT).await, s.login(RESIDENT_B2).await, s.login(BUTLER).await);
    for (token, category, n) in [(&resident, "leak", 3), (&resident, "no_water", 2), (&resident_b2, "leak", 3)] {
        for i in 0..n {
            let body = json!({ "category": category, "description": format!("筛选 {category} {i}") });
            let (status, job) = s.post("/api/v1/repairs", token, body).await;
            assert_eq!(status, StatusCode::CREATED, "{job}");
        }
    }
    let (whole, _) = walk(&s, &butler, "/api/v1/repairs?status=open", 200, || async {}).await;
    let of = |keep: &dyn Fn(&Value) -> bool| -> HashSet<String> {
        whole.iter().filter(|j| keep(j)).map(|j| j["id"].as_str().unwrap().to_string()).collect()
    };
    let buildings: HashSet<String> =
        whole.iter().map(|j| j["unit"]["building"]["id"].as_str().expect("building id").to_string()).collect();
    assert!(buildings.len() >= 2, "jobs in two of the butler's buildings: {buildings:?}");
    let mut filters: Vec<(String, HashSet<String>)> = buildings
        .iter()
        .map(|b| (format!("building={b}"), of(&|j: &Value| j["unit"]["building"]["id"] == b.as_str())))
        .collect();
    for urgency in ["normal", "urgent", "critical"] {
        filters.push((format!("urgency={urgency}"), of(&|j: &Value| j["urgency"] == urgency)));
    }
    let b = buildings.iter().next().unwrap();
    filters.push((
        format!("building={b}&urgency=normal"),
        of(&|j: &Value| j["unit"]["building"]["id"] == b.as_str() && j["urgency"] == "normal"),
    ));
    for (query, expected) in filters {
        let (rows, first) = walk(&s, &butler, &format!("/api/v1/repairs?status=open&{query}"), 2, || async {}).await;
        assert_unique(&query, &rows);
        let got: HashSet<String> = ids(&rows).into_iter().collect();
        assert_eq!(got, expected, "{query}: the filtered board is the whole board's rows that match");
        assert_eq!(first["total"].as_u64(), Some(expected.len() as u64), "{query}: counts of the filtered list");
        // History takes the same filters.
        let (closed, _) = walk(&s, &butler, &format!("/api/v1/repairs?status=all&{query}"), 3, || async {}).await;
        let got: HashSet<String> = ids(&closed).into_iter().collect();
        assert!(expected.is_subset(&got), "{query}: the history holds the filtered open jobs");
        assert_eq!(got.len(), expected.len(), "{query}: and nothing else (no job is closed yet)");
    }
    // Another butler's building: an empty list, not someone else's jobs.
    let b3 = s.user(ADMIN).await.building_id("3").await;
    let (status, page) = s.get(&format!("/api/v1/repairs?status=open&building={b3}"), &butler).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["items"].as_array().map(Vec::len), Some(0), "{page}");
    assert_eq!(page["total"], 0, "{page}");
    for (query, field) in [("urgency=panic", "urgency"), ("building=building:x", "building")] {
        let (status, body) = s.get(&format!("/api/v1/repairs?status=open&{query}"), &butler).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {body}");
        assert_eq!(body["error"]["detail"], field, "{query}: {body}");
    }
    // The page's filter form: the count line is the filtered list's.
    let cookie = s.web_login(BUTLER).await;
    let res = s
        .req(reqwest::Method::GET, "/board?status=open&urgency=urgent", None)
        .header(reqwest::header::COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    let html = res.text().await.unwrap();
    assert!(html.contains("共 2 单，其中 0 单超时"), "the board counts the filtered list");
    assert_eq!(job_ids_in(&html).len(), 2, "and shows its rows");
}

#[tokio::test]
async fn complaints_passes_entries_audit_and_follow_ups_page_without_loss_or_repeat() {
    let s = TestServer::start().await;
    let resident = s.login(RESIDENT).await;
    let admin = s.login(ADMIN).await;
    let guard = s.login(GUARD).await;

    // Complaints.
    let complaint = json!({ "category": "noise", "text": "楼上每晚拖椅子" });
    for _ in 0..5 {
        let (status, body) = s.post("/api/v1/complaints", &resident, complaint.clone()).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let (whole, _) = walk(&s, &admin, "/api/v1/complaints", 200, || async {}).await;
    let before = ids(&whole);
    let inserter = insert_concurrently(&s, &resident, "/api/v1/complaints", complaint, 5);
    let (rows, _) = walk(&s, &admin, "/api/v1/complaints", 2, || async { tokio::task::yield_now().await }).await;
    inserter.await.unwrap();
    assert_unique("complaints", &rows);
    assert_none_lost("complaints", &before, &rows);
    assert_newest_first("complaints", &rows, "created_at");

    // Passes, and their entries at the gate.
    let pass = json!({ "visitor_name": "王阿姨" });
    for _ in 0..5 {
        let (status, created) = s.post("/api/v1/passes", &resident, pass.clone()).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let (status, entry) =
            s.post("/api/v1/gate/admit", &guard, json!({ "code": created["code"], "gate": "north" })).await;
        assert_eq!(status, StatusCode::OK, "{entry}");
    }
    let (whole, _) = walk(&s, &resident, "/api/v1/passes", 200, || async {}).await;
    let before = ids(&whole);
    assert!(before.len() >= 5);
    let inserter = insert_concurrently(&s, &resident, "/api/v1/passes", pass, 5);
    let (rows, _) = walk(&s, &resident, "/api/v1/passes", 2, || async { tokio::task::yield_now().await }).await;
    inserter.await.unwrap();
    assert_unique("passes", &rows);
    assert_none_lost("passes", &before, &rows);
    assert_newest_first("passes", &rows, "created_at");

    let (whole, _) = walk(&s, &admin, "/api/v1/gate/entries", 200, || async {}).await;
    let before = ids(&whole);
    assert!(before.len() >= 5);
    let (rows, _) = walk(&s, &admin, "/api/v1/gate/entries", 2, || async {
        // An entry added between pages.
        let (_, created) = s.post("/api/v1/passes", &resident, json!({ "visitor_name": "李师傅" })).await;
        s.post("/api/v1/gate/admit", &guard, json!({ "code": created["code"], "gate": "south" })).await;
    })
    .await;
    assert_unique("entries", &rows);
    assert_none_lost("entries", &before, &rows);
    assert_newest_first("entries", &rows, "at");

    // The audit log (rows carry no id: checked by their instants and content).
    let (whole, _) = walk(&s, &admin, "/api/v1/audit", 200, || async {}).await;
    let (rows, _) = walk(&s, &admin, "/api/v1/audit", 1, || async {}).await;
    assert_eq!(rows, whole, "the audit log walked one by one is the whole log");

    // Follow-ups in both of the butler's buildings (critical jobs closed
    // get one each), one of them done: walked one by one = whole, for the
    // manager (the community) and for the butler (their buildings, read one
    // building at a time and merged); `total` counts the open ones.
    let butler_user = s.user(BUTLER).await;
    let butler_me = butler_user.me().await.unwrap();
    for phone in [RESIDENT, RESIDENT_B2, RESIDENT, RESIDENT_B2] {
        let home = s.user(phone).await;
        let job = home.report(&json!({ "category": "elevator_entrapment" })).await.unwrap();
        butler_user.assign(&job.id, &butler_me.id).await.unwrap();
        for action in [JobAction::StartWork, JobAction::Resolve] {
            butler_user.act(&job.id, action).await.unwrap();
        }
        home.act(&job.id, JobAction::Confirm).await.unwrap();
    }
    let butler = s.login(BUTLER).await;
    let (open, _) = walk(&s, &butler, "/api/v1/follow-ups?status=open", 200, || async {}).await;
    assert!(open.len() >= 4, "a follow-up per closed critical job: {}", open.len());
    let done_id = open[0]["id"].as_str().unwrap().to_string();
    let (status, body) =
        s.post(&format!("/api/v1/follow-ups/{done_id}/outcome"), &butler, json!({ "outcome": "satisfied" })).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for (who, token) in [("manager", &admin), ("butler", &butler)] {
        let (whole, first) = walk(&s, token, "/api/v1/follow-ups", 200, || async {}).await;
        let open = whole.iter().filter(|f| f["status"] == "open").count();
        assert!(open >= 3 && whole.len() > open, "{who}: open and done ones: {whole:?}");
        assert!(first["total"].is_null(), "{who}: the whole list (years of history) has no count: {first}");
        let (open_rows, open_first) = walk(&s, token, "/api/v1/follow-ups?status=open", 1, || async {}).await;
        assert_eq!(open_rows.len(), open, "{who}");
        assert_eq!(
            open_first["total"].as_u64(),
            Some(open as u64),
            "{who}: the open list counts its rows: {open_first}"
        );
        let (rows, _) = walk(&s, token, "/api/v1/follow-ups", 1, || async {}).await;
        assert_eq!(ids(&rows), ids(&whole), "{who}");
        assert_unique("follow-ups", &rows);
        let (_, done) = s.get("/api/v1/follow-ups?status=done", token).await;
        assert!(done["total"].is_null(), "{who}: the done list has no count: {done}");
    }

    // Help calls (all, newest first; open, oldest first).
    for path in ["/api/v1/help-calls", "/api/v1/help-calls?open=true"] {
        let (whole, _) = walk(&s, &admin, path, 200, || async {}).await;
        let (rows, _) = walk(&s, &admin, path, 1, || async {}).await;
        assert_eq!(ids(&rows), ids(&whole), "{path}");
    }

    // A cursor of one order is refused by another order of the same rows.
    // Two households' calls (one elder's presses are one call while open).
    for (phone, key) in [(ELDER, "order-press-0001"), (RESIDENT_B2, "order-press-0002")] {
        let token = s.login(phone).await;
        s.post("/api/v1/help-calls", &token, json!({ "client_key": key })).await;
    }
    let pairs = [
        ("/api/v1/help-calls?open=true", "/api/v1/help-calls?"),
        ("/api/v1/help-calls?", "/api/v1/help-calls?open=true"),
    ];
    for (from, to) in pairs {
        let (_, page) = s.get(&format!("{from}&limit=1"), &admin).await;
        let cursor = page["next_cursor"].as_str().unwrap_or_else(|| panic!("{from}: a second page: {page}"));
        let (status, body) = s.get(&format!("{to}&cursor={cursor}"), &admin).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{from} cursor on {to}: {body}");
        assert_eq!(body["error"]["detail"], "cursor", "{body}");
    }
}

/// Every paged list refuses a bad `limit` or `cursor` with 422 naming it.
#[tokio::test]
async fn bad_limits_and_cursors_are_422_naming_the_field() {
    let s = TestServer::start().await;
    let resident = s.login(RESIDENT).await;
    let admin = s.login(ADMIN).await;
    report(&s, &resident, "x").await;
    report(&s, &resident, "y").await;
    let (_, page) = s.get("/api/v1/repairs?scope=all&status=all&limit=1", &admin).await;
    let repairs_cursor = page["next_cursor"].as_str().expect("a second page").to_string();
    let lists = [
        (&admin, "/api/v1/repairs?scope=all&status=all"),
        (&admin, "/api/v1/repairs?scope=all&status=open"),
        (&admin, "/api/v1/complaints"),
        (&admin, "/api/v1/follow-ups"),
        (&admin, "/api/v1/audit"),
        (&admin, "/api/v1/gate/entries"),
        (&admin, "/api/v1/help-calls"),
        (&admin, "/api/v1/passes/recurring"),
        (&resident, "/api/v1/passes"),
        (&resident, "/api/v1/announcements"),
        (&resident, "/api/v1/events"),
        (&admin, "/api/v1/elders"),
        (&admin, "/api/v1/gate/expected"),
        (&admin, "/api/v1/walk-ins"),
    ];
    for (token, path) in lists {
        let sep = if path.contains('?') { '&' } else { '?' };
        for limit in ["0", "-1", "201", "99999999999999999999999", "ten"] {
            let (status, body) = s.get(&format!("{path}{sep}limit={limit}"), token).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path} limit={limit}: {body}");
            assert_eq!(body["error"]["detail"], "limit", "{path} limit={limit}: {body}");
        }
        let (status, _) = s.get(&format!("{path}{sep}limit=200"), token).await;
        assert_eq!(status, StatusCode::OK, "{path}: 200 is allowed");
        for cursor in ["garbage", "2026-01-01T00:00:00Z", "zz", "31"] {
            let (status, body) = s.get(&format!("{path}{sep}cursor={cursor}"), token).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path} cursor={cursor}: {body}");
            assert_eq!(body["error"]["detail"], "cursor", "{path}: {body}");
        }
        if !path.starts_with("/api/v1/repairs?scope=all&status=all") {
            // A cursor of another list (or of the history on the board).
            let (status, body) = s.get(&format!("{path}{sep}cursor={repairs_cursor}"), token).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}: another list's cursor: {body}");
            assert_eq!(body["error"]["detail"], "cursor", "{path}: {body}");
        }
    }
}

/// The notice rank the list sorts by: pinned and urgent, pinned, urgent, the rest.
fn notice_rank(n: &Value) -> u8 {
    (if n["pinned"].as_bool().unwrap_or(false) { 0 } else { 2 }) + u8::from(!n["urgent"].as_bool().unwrap_or(false))
}

#[tokio::test]
async fn notices_events_unread_elders_expected_and_walk_ins_page_without_loss_or_repeat() {
    let s = TestServer::start().await;
    let resident = s.login(RESIDENT).await;
    let admin = s.login(ADMIN).await;
    let guard = s.login(GUARD).await;

    // Notices: pinned first, then urgent, then newest — across pages.
    for i in 0..7 {
        let body = json!({ "title": format!("通知 {i}"), "body": "", "category": "notice",
                           "pinned": i % 3 == 0, "urgent": i % 2 == 0 });
        let (status, n) = s.post("/api/v1/announcements", &admin, body).await;
        assert_eq!(status, StatusCode::CREATED, "{n}");
    }
    let (whole, _) = walk(&s, &resident, "/api/v1/announcements", 200, || async {}).await;
    let before = ids(&whole);
    assert!(before.len() >= 7);
    let inserter = insert_concurrently(
        &s,
        &admin,
        "/api/v1/announcements",
        json!({ "title": "又一条", "body": "", "category": "notice", "pinned": true }),
        4,
    );
    let (rows, _) = walk(&s, &resident, "/api/v1/announcements", 2, || async { tokio::task::yield_now().await }).await;
    inserter.await.unwrap();
    assert_unique("notices", &rows);
    assert_none_lost("notices", &before, &rows);
    let keys: Vec<(u8, String)> =
        rows.iter().map(|n| (notice_rank(n), n["created_at"].as_str().unwrap().to_string())).collect();
    for w in keys.windows(2) {
        assert!(w[0].0 < w[1].0 || (w[0].0 == w[1].0 && w[0].1 >= w[1].1), "notices out of order: {w:?}");
    }

    // Who has not read one: walked one household at a time while one reads.
    let notice = before[0].clone();
    let unread = format!("/api/v1/announcements/{notice}/unread");
    let (whole, first) = walk(&s, &admin, &unread, 200, || async {}).await;
    assert_eq!(first["total"].as_u64(), Some(whole.len() as u64), "{first}");
    assert!(whole.len() >= 2, "demo households: {first}");
    let units = |rows: &[Value]| rows.iter().map(|h| h["unit"]["id"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    let mut read_once = false;
    let server = &s;
    let (rows, _) = walk(&s, &admin, &unread, 1, || {
        let go = !read_once;
        read_once = true;
        let (s, resident, notice) = (server, resident.clone(), notice.clone());
        async move {
            if go {
                let (status, _) = s.post(&format!("/api/v1/announcements/{notice}/read"), &resident, json!({})).await;
                assert!(status.is_success());
            }
        }
    })
    .await;
    let walked = units(&rows);
    let set: HashSet<&String> = walked.iter().collect();
    assert_eq!(set.len(), walked.len(), "a household repeated: {walked:?}");
    let mine = units(&whole);
    let (_, me) = s.get("/api/v1/me", &resident).await;
    let my_unit = me["unit"]["id"].as_str().unwrap_or_default().to_string();
    for u in mine.iter().filter(|u| **u != my_unit) {
        assert!(walked.contains(u), "household {u} lost while another read the notice");
    }

    // Events, soonest first.
    let soon = chrono::Utc::now() + chrono::Duration::days(3);
    for i in 0..5 {
        let starts = soon + chrono::Duration::hours(i64::from(i % 2));
        let body = json!({ "title": format!("活动 {i}"), "description": "", "place": "会所",
                           "starts_at": starts, "ends_at": starts + chrono::Duration::hours(2), "capacity": 20 });
        let (status, e) = s.post("/api/v1/events", &admin, body).await;
        assert_eq!(status, StatusCode::CREATED, "{e}");
    }
    let (whole, _) = walk(&s, &resident, "/api/v1/events", 200, || async {}).await;
    let (rows, _) = walk(&s, &resident, "/api/v1/events", 2, || async {}).await;
    assert_eq!(ids(&rows), ids(&whole), "events walked two by two = the whole list");
    assert_unique("events", &rows);
    let starts: Vec<&str> = rows.iter().map(|e| e["starts_at"].as_str().unwrap()).collect();
    assert!(starts.windows(2).all(|w| w[0] <= w[1]), "soonest first: {starts:?}");

    // Elders (every resident), expected visitors, walk-ins: read whole, cut by id.
    for _ in 0..3 {
        s.post("/api/v1/passes", &resident, json!({ "visitor_name": "张叔" })).await;
    }
    let (_, units_list) = s.get("/api/v1/gate/units", &guard).await;
    let unit = units_list[0]["id"].as_str().unwrap().to_string();
    for _ in 0..3 {
        let (status, w) =
            s.post("/api/v1/gate/walk-ins", &guard, json!({ "visitor_name": "快递员", "unit": unit })).await;
        assert_eq!(status, StatusCode::CREATED, "{w}");
    }
    for (token, path) in
        [(&admin, "/api/v1/elders?all=true"), (&guard, "/api/v1/gate/expected"), (&guard, "/api/v1/walk-ins")]
    {
        let (whole, first) = walk(&s, token, path, 200, || async {}).await;
        assert!(whole.len() >= 3, "{path}: {first}");
        assert_eq!(first["total"].as_u64(), Some(whole.len() as u64), "{path}: {first}");
        let (rows, _) = walk(&s, token, path, 1, || async {}).await;
        assert_eq!(ids(&rows), ids(&whole), "{path}: walked one by one = the whole list");
    }
}

/// The `data-job` ids of a rendered job list.
fn job_ids_in(html: &str) -> Vec<String> {
    html.split("data-job=\"").skip(1).filter_map(|rest| rest.split('"').next()).map(str::to_string).collect()
}

/// Follows a page's next-page links (`href`s starting with `prefix` and
/// carrying a `cursor=`) from `start` without JavaScript, as `cookie`'s
/// person: each page's HTML with the link it offered, at most `max` pages.
async fn pages_by_links(
    s: &TestServer,
    cookie: &str,
    start: &str,
    prefix: &str,
    max: usize,
) -> Vec<(String, Option<String>)> {
    let mut pages = Vec::new();
    let mut path = start.to_string();
    loop {
        assert!(pages.len() < max, "the links end");
        let res =
            s.req(reqwest::Method::GET, &path, None).header(reqwest::header::COOKIE, cookie).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let html = res.text().await.unwrap();
        let next = html
            .split("href=\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .map(|href| href.replace("&amp;", "&"))
            .find(|href| href.starts_with(prefix) && href.contains("cursor="));
        pages.push((html, next.clone()));
        match next {
            Some(href) => path = href,
            None => return pages,
        }
    }
}

/// Without JavaScript the board shows its counts and pages by plain links:
/// followed to the end, they show every open job once.
#[tokio::test]
async fn the_board_page_counts_and_pages_by_links_without_javascript() {
    // 52 reports from one household in a minute: past the hour's
    // allowance (tests/hostile.rs), raised here for the paging.
    let (mut c, tmp) = crate::common::config();
    c.filings_per_hour = 100;
    let s = TestServer::start_with(c, tmp).await;
    let resident = s.login(RESIDENT).await;
    let butler = s.login(BUTLER).await;
    for i in 0..52 {
        report(&s, &resident, &format!("页 {i}")).await;
    }
    let (_, first) = s.get("/api/v1/repairs?status=open&limit=1", &butler).await;
    let (total, breached) = (first["total"].as_u64().unwrap(), first["breached"].as_u64().unwrap());
    assert!(total >= 52, "{first}");
    let cookie = s.web_login(BUTLER).await;
    let pages = pages_by_links(&s, &cookie, "/board", "/board?", 20).await;
    let line = format!("共 {total} 单，其中 {breached} 单超时");
    assert!(pages[0].0.contains(&line), "the board says {line}");
    assert!(pages.len() > 1, "a next-page link: {}", &pages[0].0[pages[0].0.len().saturating_sub(3000)..]);
    let seen: Vec<String> = pages.iter().flat_map(|(html, _)| job_ids_in(html)).collect();
    let set: HashSet<&String> = seen.iter().collect();
    assert_eq!(set.len(), seen.len(), "a job shown twice across pages");
    assert_eq!(seen.len() as u64, total, "every open job shown once");
    // The manager's overview pages by its own links (they named the
    // butler's board, which the manager may not open).
    let cookie = s.web_login(ADMIN).await;
    let pages = pages_by_links(&s, &cookie, "/admin/jobs", "/admin/jobs?", 20).await;
    assert!(pages.len() > 1, "the overview's next-page link stays on the overview");
}

/// Without JavaScript the audit log pages by plain links: 230 entries,
/// followed link by link, are all shown once (the page showed the newest
/// 200 and said more followed, with no way to reach them).
#[tokio::test]
async fn the_audit_page_pages_by_links_without_javascript() {
    let s = TestServer::start().await;
    s.backend
        .db()
        .query(
            "LET $c = (SELECT VALUE community FROM user WHERE phone = $admin)[0];
             FOR $i IN 0..230 { CREATE audit SET community = $c, action = 'settings.update', target = 'x',
                 detail = string::concat('翻页审计-', <string> $i), at = time::now() - <duration> string::concat(<string> $i, 's') }",
        )
        .bind(("admin", ADMIN))
        .await
        .unwrap();
    let cookie = s.web_login(ADMIN).await;
    let pages = pages_by_links(&s, &cookie, "/admin/audit?action=settings", "/admin/audit?", 5).await;
    for (_, next) in &pages {
        assert!(
            next.as_ref().is_none_or(|href| href.contains("action=settings")),
            "the link keeps the filter: {next:?}"
        );
    }
    // The table's cells (the page's hydration data holds them too).
    let seen: Vec<String> = pages
        .iter()
        .flat_map(|(html, _)| {
            html.split("<td>翻页审计-").skip(1).filter_map(|r| r.split('<').next()).map(str::to_string)
        })
        .collect();
    let set: HashSet<&String> = seen.iter().collect();
    assert_eq!(set.len(), seen.len(), "an entry shown twice across pages");
    assert_eq!(seen.len(), 230, "every entry shown once");
}
