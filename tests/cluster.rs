//! Two Linli server processes on one remote SurrealDB serve the same
//! community consistently, and live events cross between them (relay.rs).
//! Needs a remote database: `scripts/remote-db.sh` starts one and runs the
//! whole integration suite against it, these tests included.

use std::time::{Duration, Instant};

use linli_model::help::HelpAction;
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
    let butler = a.user(BUTLER).await;
    let mut butler_on_a = a.stream(butler.token(), None).await;
    let elder = b.user(ELDER).await;

    let pressed = Instant::now();
    let call = elder.press_new("cluster-0001").await;
    let alert = butler_on_a
        .next_of("help_call.updated", Duration::from_secs(2))
        .await
        .expect("the butler on process A is alerted");
    println!("help call on B → butler's stream on A: {} ms", pressed.elapsed().as_millis());
    assert_eq!(alert.data["id"], call.id.as_str());

    // The butler answers through A; the elder's screen on B follows.
    let mut elder_on_b = b.stream(elder.token(), None).await;
    butler.help_act(&call.id, HelpAction::Acknowledge).await.unwrap();
    let update = elder_on_b.next_of("help_call.updated", Duration::from_secs(2)).await.expect("the elder on B is told");
    assert_eq!(update.data["status"], "acknowledged");

    // Pressing again through A with the same key is the same call.
    let (_, again) = a.with_token(elder.token()).press("cluster-0001").await;
    assert_eq!(again.unwrap().id, call.id, "one call, whichever process took the retry");
}

#[tokio::test]
#[ignore = "needs a remote SurrealDB: scripts/remote-db.sh"]
async fn both_processes_see_the_same_state_and_refuse_the_same_races() {
    let (a, b) = pair().await;
    let resident = a.user(RESIDENT).await;
    let job = resident.report(&json!({ "category": "leak" })).await.unwrap();
    let seen = b.with_token(resident.token()).job(&job.id).await.expect("a session and a job made on A are known to B");
    assert_eq!(seen.status, job.status);

    // A single-entry pass admitted at the same moment through both processes
    // is admitted once.
    let pass = resident.invite(&json!({ "visitor_name": "王五", "max_entries": 1 })).await.unwrap();
    let guard = a.user(GUARD).await;
    let body = json!({ "code": pass.code });
    let guard_on_b = b.with_token(guard.token());
    let (ra, rb) = tokio::join!(guard.admit(&body), guard_on_b.admit(&body));
    let admitted = [&ra, &rb].iter().filter(|r| r.is_ok()).count();
    assert_eq!(admitted, 1, "A: {ra:?}, B: {rb:?}");
}
