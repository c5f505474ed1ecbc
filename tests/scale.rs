//! Data at scale (issue 19): the generator's rows are the services' rows.
//! A tiny property company (2 communities × 20 units × 1 month) is
//! generated into the test server's database, then read back by its
//! people through the HTTP API: the butler's board and job pages, the
//! resident's passes, the guard's verification, the manager's scorecards,
//! notices, events, complaints and help calls; and every table holds
//! exactly the rows the generator says it wrote (the server's sweeps,
//! running meanwhile, find nothing left undone).

use linli_backend::scale::{Spec, Who, phone_of};
use serde_json::json;

use crate::common::*;

/// Tables the server's own duties write while it runs.
const DUTY_TABLES: &[&str] = &["check_in_alert"];

async fn count(b: &linli_backend::Backend, table: &str) -> u64 {
    let mut res = b
        .db()
        .query("SELECT count() AS n FROM type::table($t) GROUP ALL")
        .bind(("t", table.to_string()))
        .await
        .unwrap();
    let n: Option<i64> = res.take((0, "n")).unwrap();
    u64::try_from(n.unwrap_or(0)).unwrap()
}

#[tokio::test]
async fn a_generated_company_is_read_by_the_services_and_holds_what_the_generator_wrote() {
    let (mut c, tmp) = config();
    c.demo = false;
    let s = TestServer::start_with(c, tmp).await;
    let spec = Spec {
        communities: 2,
        first: 1,
        units: 20,
        months: 1,
        seed: 7,
        batch: 300,
        writers: 2,
        pass_share: 1.0,
        now: chrono::Utc::now(),
    };
    // Written in two runs, as `linli-generate --reopen-every 1` does: the
    // second continues the database with the next community.
    let mut report = s.backend.generate_scale(&Spec { communities: 1, ..spec.clone() }, &|_, _| {}).await.unwrap();
    report.merge(s.backend.generate_scale(&Spec { first: 2, ..spec.clone() }, &|_, _| {}).await.unwrap());

    // The structure of the spec.
    assert_eq!(report.count("community"), 2);
    assert_eq!(report.count("building"), 2, "20 units fit in one building each");
    assert_eq!(report.count("unit"), 40);
    // Per community: 20 households, 1 butler, 2 workers, 2 guards, 2 duty, 1 manager, and elders.
    let users = report.count("user");
    assert!((2 * 28 + 2..=2 * 48).contains(&users), "{users} accounts");
    for table in
        ["repair", "repair_event", "pass", "pass_entry", "check_in", "announcement_read", "rsvp", "elder_visit"]
    {
        assert!(report.count(table) > 0, "{table}: none written");
    }
    // Every table holds exactly what the generator wrote.
    for (table, n) in &report.rows {
        if !DUTY_TABLES.contains(table) {
            assert_eq!(count(&s.backend, table).await, *n, "rows of {table}");
        }
    }

    // What the backend keeps from the rows is brought up to date: each
    // elder's open help call marked, the scorecard days of the generated
    // communities.
    // (Two more calls left open by hand: a small company may have none.)
    let reopen = "UPDATE (SELECT VALUE id FROM help_call LIMIT 2) SET open = true, status = 'sent'";
    s.backend.db().query(reopen).await.unwrap().check().unwrap();
    let steps = s.backend.after_scale(&spec).await.unwrap();
    assert_eq!(steps.len(), 2, "{steps:?}");
    let open = "SELECT VALUE record::id(elder) FROM help_call WHERE open = true";
    let mut elders: Vec<String> = s.backend.db().query(open).await.unwrap().take(0).unwrap();
    elders.sort();
    elders.dedup();
    assert!(!elders.is_empty(), "some calls are open");
    assert_eq!(count(&s.backend, "open_help_call").await, elders.len() as u64, "one mark per elder with an open call");
    assert!(count(&s.backend, "scorecard_day").await >= 2 * 28, "a month of kept days per community");

    // A second run into the same database is refused, from its first
    // community or from a later one.
    assert!(s.backend.generate_scale(&spec, &|_, _| {}).await.is_err());
    assert!(s.backend.generate_scale(&Spec { first: 2, ..spec.clone() }, &|_, _| {}).await.is_err());

    // The butler of community 1 (its one building) sees its jobs, each
    // with its timeline; the open board decodes too.
    let butler = s.user(&phone_of(1, Who::Butler, 1)).await;
    let mut res = s
        .backend
        .db()
        .query("SELECT VALUE count() FROM repair WHERE community.code = 'scale-001' AND kind = 'repair' GROUP ALL")
        .await
        .unwrap();
    let repairs: Option<i64> = res.take(0).unwrap();
    let repairs = usize::try_from(repairs.unwrap_or(0)).unwrap();
    let all = butler.jobs("?status=all&limit=200").await.unwrap();
    assert_eq!(all.items.len(), repairs.min(200), "the butler's jobs");
    for job in all.items.iter().take(5) {
        let full = butler.job(&job.id).await.unwrap();
        assert!(!full.timeline.is_empty());
        assert_eq!(full.timeline[0].seq, 1);
        assert_eq!(full.status, job.status);
    }
    butler.jobs("?status=open").await.unwrap();
    butler.complaints("").await.unwrap();

    // The resident's passes; a guard verifies a pass valid now by its code.
    let resident = s.user(&phone_of(1, Who::Resident, 1)).await;
    resident.passes().await.unwrap();
    resident.announcements().await.unwrap();
    let (_, _, code) = report.live_passes.first().expect("a pass valid now").clone();
    let guard_of = |c: &str| if c == "scale-001" { 1 } else { 2 };
    let (community, _, _) = report.live_passes.first().unwrap();
    let guard = s.user(&phone_of(guard_of(community), Who::Guard, 1)).await;
    let verdict = guard.verify(&json!({ "code": code })).await.unwrap();
    assert!(verdict.valid, "{verdict:?}");

    // The manager's scorecards count the period's repairs (not cancelled).
    let manager = s.user(&phone_of(1, Who::Admin, 1)).await;
    let cards = manager.scorecards().await.unwrap();
    let mut res = s
        .backend
        .db()
        .query(
            "SELECT VALUE count() FROM repair WHERE community.code = 'scale-001' AND kind = 'repair'
                AND status != 'cancelled' AND created_at >= $from AND created_at < $to GROUP ALL",
        )
        .bind(("from", cards.from))
        .bind(("to", cards.to))
        .await
        .unwrap();
    let in_period: Option<i64> = res.take(0).unwrap();
    let counted: u32 = cards.items.iter().map(|c| c.jobs).sum();
    assert_eq!(i64::from(counted), in_period.unwrap_or(0), "scorecard jobs");

    // The duty room's help calls decode.
    let duty = s.user(&phone_of(1, Who::Duty, 1)).await;
    duty.help_calls(false).await.unwrap();
    s.stop().await;
}
