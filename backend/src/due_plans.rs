//! The background duties read only what is due (issue 19): each duty's
//! query, explained on a migrated database, reads through an index rather
//! than scanning its table, so an idle server's work does not grow with
//! the rows stored.

use crate::db::Db;
use crate::list_plans::plan;

#[tokio::test]
async fn every_duty_reads_what_is_due_through_an_index() {
    let Ok(db) = Db::connect("mem://", "due_plans").await else { panic!("a migrated in-memory database") };
    let now = chrono::Utc::now();
    let epoch = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH;
    let cases: [(&str, &str, serde_json::Value, &str); 5] = [
        (
            "repairs",
            crate::repairs::store::DUE_JOBS,
            serde_json::json!({ "since": epoch, "now": now, "batch": 200 }),
            "repair_next_due",
        ),
        ("help", crate::help::store::SWEEP_HELP, serde_json::json!({}), "help_call_escalating"),
        ("outages", crate::outages::store::DUE_OUTAGES, serde_json::json!({ "now": now }), "outage_due"),
        (
            "delivery",
            crate::notify::store::CLAIM_DUE,
            serde_json::json!({ "channel": "log", "priority": "urgent", "now": now, "max": 16 }),
            "notification_",
        ),
        (
            "check_ins",
            crate::check_ins::store::OVERDUE_ELDERS,
            serde_json::json!({ "c": "community:x", "day": "2026-11-30" }),
            "user_community_elder",
        ),
    ];
    for (duty, sql, vars, index) in cases {
        let p = plan(&db, sql, vars).await;
        assert!(p.contains(index), "the {duty} duty reads through {index}: {p}");
    }
    // The hourly purge: each of its statements (passes, walk-ins, messages).
    let purge: Vec<&str> = crate::passes::store::PURGE_VISITORS.split(';').filter(|s| !s.trim().is_empty()).collect();
    assert_eq!(purge.len(), 3, "{purge:?}");
    for (statement, index) in purge.into_iter().zip(["pass_purge", "walk_in_purge", "notification_template_created"]) {
        let p = plan(&db, statement.trim(), serde_json::json!({ "cutoff": now })).await;
        assert!(p.contains(index), "the purge reads through {index}: {p}");
    }
}
