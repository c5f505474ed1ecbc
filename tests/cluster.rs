//! Two Linli server processes on one remote SurrealDB serve the same
//! community consistently, and live events cross between them (relay.rs).
//! Needs a remote database: `scripts/remote-db.sh` starts one and runs the
//! whole integration suite against it, these tests included.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::json;

use crate::common::*;

/// Two servers on the database named by `LINLI_TEST_DB`, sharing one
/// database name, as two processes behind a load balancer would.
async fn pair() -> (TestServer, TestServer) {
    let (a_config, a_tmp) = config();
    assert!(a_config.db.starts_with("ws://"), "LINLI_TEST_DB must name a remote SurrealDB");
    let a = TestServer::start_with(a_config.clone(), a_tmp).await;
    let (mut b_config, b_tmp) = config();
    b_config.db_name = a_config.db_name.clone();
    let b = TestServer::start_with(b_config, b_tmp).await;
    (a, b)
}

#[tokio::test]
#[ignore = "needs a remote SurrealDB: scripts/remote-db.sh"]
async fn a_help_call_pressed_on_one_process_alerts_the_butler_on_the_other_live() {
    let (a, b) = pair().await;
    let butler = a.login(BUTLER).await;
    let mut butler_on_a = a.stream(&butler, None).await;
    let elder = b.login(ELDER).await;

    let pressed = Instant::now();
    let (status, call) = b.post("/api/v1/help-calls", &elder, json!({ "client_key": "cluster-0001" })).await;
    assert_eq!(status, StatusCode::CREATED, "{call}");
    let alert = butler_on_a
        .next_of("help_call.updated", Duration::from_secs(2))
        .await
        .expect("the butler on process A is alerted");
    println!("help call on B → butler's stream on A: {} ms", pressed.elapsed().as_millis());
    assert_eq!(alert.data["id"], call["id"]);

    // The butler answers through A; the elder's screen on B follows.
    let mut elder_on_b = b.stream(&elder, None).await;
    let (status, _) = a
        .post(
            &format!("/api/v1/help-calls/{}/actions", call["id"].as_str().unwrap()),
            &butler,
            json!({ "action": "acknowledge" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let update = elder_on_b.next_of("help_call.updated", Duration::from_secs(2)).await.expect("the elder on B is told");
    assert_eq!(update.data["status"], "acknowledged");

    // Pressing again through A with the same key is the same call.
    let (_, again) = a.post("/api/v1/help-calls", &elder, json!({ "client_key": "cluster-0001" })).await;
    assert_eq!(again["id"], call["id"], "one call, whichever process took the retry");
}

#[tokio::test]
#[ignore = "needs a remote SurrealDB: scripts/remote-db.sh"]
async fn both_processes_see_the_same_state_and_refuse_the_same_races() {
    let (a, b) = pair().await;
    let resident = a.login(RESIDENT).await;
    let (status, job) = a.post("/api/v1/repairs", &resident, json!({ "category": "leak" })).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, seen) = b.get(&format!("/api/v1/repairs/{}", job["id"].as_str().unwrap()), &resident).await;
    assert_eq!(status, StatusCode::OK, "a session and a job made on A are known to B");
    assert_eq!(seen["status"], job["status"]);

    // A single-entry pass admitted at the same moment through both processes
    // is admitted once.
    let (_, pass) = a.post("/api/v1/passes", &resident, json!({ "visitor_name": "王五", "max_entries": 1 })).await;
    let code = pass["code"].as_str().unwrap().to_string();
    let guard = a.login(GUARD).await;
    let (ra, rb) = tokio::join!(
        a.post("/api/v1/gate/admit", &guard, json!({ "code": code })),
        b.post("/api/v1/gate/admit", &guard, json!({ "code": code })),
    );
    let admitted = [ra.0, rb.0].iter().filter(|s| s.is_success()).count();
    assert_eq!(admitted, 1, "A: {} {}, B: {} {}", ra.0, ra.1, rb.0, rb.1);
}
