//! The lists people read every day take their rows through an index, first
//! page and later pages alike (issue 19): the cost of a page follows the
//! page, not the rows stored.

use crate::db::Db;
use serde_json::json;

/// The plan SurrealDB picks for `sql`'s last statement with `vars` bound, as JSON text
/// (the `EXPLAIN` of SurrealDB 3: operators such as `IndexScan` with the
/// index's name). Shared by the plan tests of the duties and scorecards.
pub(crate) async fn plan(db: &Db, sql: &str, vars: serde_json::Value) -> String {
    // A store's constant may end in `;`: `EXPLAIN` must follow the statement.
    let q = db.client().query(format!("{} EXPLAIN", sql.trim().trim_end_matches(';'))).bind(vars);
    let Ok(mut res) = q.await else { panic!("explained: {sql}") };
    // `EXPLAIN` ends the text, so it explains the last statement.
    let last = res.num_statements().saturating_sub(1);
    let plan: Vec<serde_json::Value> = res.take(last).unwrap_or_default();
    serde_json::to_string(&plan).unwrap_or_default()
}

#[tokio::test]
async fn daily_lists_read_through_an_index_on_every_page() {
    let Ok(db) = Db::connect("mem://", "list_plans").await else { panic!("a migrated in-memory database") };
    let now = chrono::Utc::now();
    // Plans depend on the shape of the condition, not on the values.
    let first = json!({ "unit": "unit:u1", "target": "unit:u1", "open": null, "at": null, "after": null, "fetch": 21,
        "c": "community:c",
        "one": "building:b1", "kind": "complaint",
        "kinds": ["complaint", "suggestion"], "buildings": ["building:b1", "building:b2"],
        "from": now - chrono::Duration::days(30), "to": now });
    let later = json!({ "unit": "unit:u1", "target": "unit:u1", "open": null, "at": now, "after": "x:1", "fetch": 21,
        "c": "community:c",
        "one": "building:b1", "kind": "complaint",
        "kinds": ["complaint", "suggestion"], "buildings": ["building:b1", "building:b2"],
        "from": now - chrono::Duration::days(30), "to": now });
    let cases = [
        ("the resident's passes", crate::passes::store::MY_PASSES, "pass_unit"),
        ("the resident's jobs", crate::repairs::store::LIST_JOBS_OF_UNIT, "repair_unit_created"),
        // The unit's few rows, whichever of its indexes, then sorted.
        ("the household's complaints", crate::complaints::store::LIST_COMPLAINTS_OF_UNIT, "\"index\":\"repair_unit"),
        (
            "a butler's complaints, one building and kind at a time",
            crate::complaints::store::LIST_COMPLAINTS_OF_BUILDING,
            "repair_building_kind_newest",
        ),
        (
            "the community's complaints, one kind at a time",
            crate::complaints::store::LIST_COMPLAINTS,
            "repair_kind_newest",
        ),
        (
            "the complaint statistics, one kind at a time",
            crate::complaints::store::COMPLAINT_COUNTS,
            "\"index\":\"repair_kind\"",
        ),
    ];
    for (list, sql, index) in cases {
        for vars in [first.clone(), later.clone()] {
            let p = plan(&db, sql, vars).await;
            assert!(p.contains(index), "{list} read through {index}: {p}");
        }
    }
    // The entries shown with a page of passes, read IN_LIST_MAX passes at a
    // time: one pass, two, and the longest list still read through the
    // index (SurrealDB scans the whole table for a longer `IN` list).
    for n in [1, 2, crate::record::IN_LIST_MAX] {
        let passes: Vec<String> = (0..n).map(|i| format!("pass:p{i}")).collect();
        let p = plan(&db, crate::passes::store::ENTRIES_OF, json!({ "passes": passes })).await;
        assert!(p.contains("pass_entry_pass"), "{n} passes' entries read through pass_entry_pass: {p}");
    }
}

#[tokio::test]
async fn the_elders_day_reads_through_indexes_whatever_the_number_of_elders() {
    let Ok(db) = Db::connect("mem://", "list_plans").await else { panic!("a migrated in-memory database") };
    let vars = json!({ "community": "community:c", "butler": true, "buildings": ["building:b1"] });
    let p = plan(&db, crate::elders::store::ELDERS, vars).await;
    assert!(p.contains("user_community_elder"), "the elders, not every resident, through user_community_elder: {p}");
    // The elders through their index alone: no intersection with every
    // resident of the community (`user_community_role`) or with every user
    // of every community who has a home (`user_unit`, for `unit != NONE`).
    let c = json!({ "c": "community:c", "day": "2026-11-30" });
    let elders_only = [
        ("the elders list", p),
        ("the scorecards' people", plan(&db, crate::scorecards::store::SCORECARD_PEOPLE, c.clone()).await),
        ("the check-in sweep's overdue elders", plan(&db, crate::check_ins::store::OVERDUE_ELDERS, c.clone()).await),
    ];
    for (what, p) in elders_only {
        assert!(
            p.contains("user_community_elder") && !p.contains("user_unit") && !p.contains("BitmapAnd"),
            "{what} through user_community_elder alone: {p}"
        );
    }
    let p = plan(&db, crate::notices::store::REACHED_RESIDENTS, c).await;
    assert!(
        p.contains("user_community_role") && !p.contains("user_unit") && !p.contains("BitmapAnd"),
        "a notice's residents through user_community_role alone, not every user with a home: {p}"
    );
    let vars = json!({ "c": "community:c", "day": "2026-11-30" });
    let p = plan(&db, crate::elders::store::CHECK_INS_OF_DAY, vars).await;
    assert!(p.contains("check_in_community_day"), "the day's check-ins read through check_in_community_day: {p}");
    let vars = json!({ "c": "community:c", "day": "2026-11-30" });
    let p = plan(&db, crate::elders::store::FOLLOW_UPS_OF_DAY, vars).await;
    assert!(p.contains("check_in_follow_up_community_day"), "the day's follow-ups by community and day: {p}");
    let ids: Vec<String> = (0..crate::record::IN_LIST_MAX).map(|i| format!("user:u{i}")).collect();
    let vars = json!({ "ids": ids, "now": chrono::Utc::now() });
    let p = plan(&db, crate::elders::store::DEVICES_OF, vars).await;
    assert!(
        p.contains("help_device_elder") && !p.contains("TableScan") && !p.contains("Backward"),
        "the elders' help buttons through help_device_elder, forward: {p}"
    );
}

/// The lists read in an index's order stop at the page: the open help
/// calls (not every call of the community, as with `(community,
/// created_at)`), each rank of the notices, a butler's follow-ups one
/// building at a time, and the page's help-call timelines at once.
#[tokio::test]
async fn lists_read_in_an_index_order_stop_at_the_page() {
    let Ok(db) = Db::connect("mem://", "list_plans").await else { panic!("a migrated in-memory database") };
    let now = chrono::Utc::now();
    for (at, after) in [(serde_json::Value::Null, serde_json::Value::Null), (json!(now), json!("x:1"))] {
        let mut vars = json!({ "community": "community:c", "c": "community:c", "building": "building:b1",
            "everyone": true, "staff": true, "since": now, "buildings": ["building:b1"], "fetch": 21, "pinned": true, "urgent": false,
            "me": "user:u1", "reach": ["building:b1"], "unexpired_at": now });
        if !at.is_null() {
            vars["at"] = at;
            vars["after"] = after;
        }
        let cases = [
            ("the open help calls", crate::help::store::OPEN_HELP_CALLS, "help_call_open_created"),
            ("a rank of notices", crate::notices::store::NOTICES, "announcement_rank_newest"),
            (
                "a building's follow-ups due",
                crate::follow_ups::store::FOLLOW_UPS_OF_BUILDING[0],
                "follow_up_building_due",
            ),
            ("a building's undated", crate::follow_ups::store::FOLLOW_UPS_OF_BUILDING[1], "follow_up_building_created"),
            ("a building's done", crate::follow_ups::store::FOLLOW_UPS_OF_BUILDING[2], "follow_up_building_newest"),
            ("the community's done", crate::follow_ups::store::FOLLOW_UPS_OF_COMMUNITY[2], "follow_up_status_newest"),
            ("the events not yet ended", crate::activities::store::ACTIVITIES, "activity_community_ends"),
        ];
        for (list, sql, index) in cases {
            let p = plan(&db, sql, vars.clone()).await;
            assert!(p.contains(index) && !p.contains("TableScan"), "{list} read through {index}: {p}");
        }
    }
    // Newest first, yet scanned forward: a backward scan costs SurrealKV
    // many times more (migration 0024).
    let vars = json!({ "c": "community:c", "me": "user:u1", "pinned": false, "urgent": false, "fetch": 21,
        "at": -1_700_000_000_000_000_000_i64, "after": "announcement:a" });
    let p = plan(&db, crate::notices::store::NOTICES, vars).await;
    assert!(p.contains("\"Forward\"") && !p.contains("Backward"), "notices scanned forward: {p}");
    let vars = json!({ "community": "community:c", "everyone": true, "staff": true, "buildings": [], "fetch": 21,
        "at": -1_700_000_000_000_000_000_i64, "after": "help_call:a" });
    let p = plan(&db, crate::help::store::RECENT_HELP_CALLS, vars).await;
    assert!(
        p.contains("help_call_newest") && p.contains("\"Forward\"") && !p.contains("Backward"),
        "the help calls, newest first, scanned forward: {p}"
    );
    // The done follow-ups and the complaints likewise (migration 0026).
    let vars = json!({ "community": "community:c", "c": "community:c", "building": "building:b1", "one": "building:b1",
        "kind": "complaint", "fetch": 21, "at": -1_700_000_000_000_000_000_i64, "after": "x:1" });
    let newest_first = [
        ("a building's done follow-ups", crate::follow_ups::store::FOLLOW_UPS_OF_BUILDING[2]),
        ("the community's done follow-ups", crate::follow_ups::store::FOLLOW_UPS_OF_COMMUNITY[2]),
        ("a building's complaints", crate::complaints::store::LIST_COMPLAINTS_OF_BUILDING),
        ("the community's complaints", crate::complaints::store::LIST_COMPLAINTS),
    ];
    for (list, sql) in newest_first {
        let p = plan(&db, sql, vars.clone()).await;
        assert!(
            p.contains("\"Forward\"") && !p.contains("Backward") && !p.contains("TableScan"),
            "{list} scanned forward: {p}"
        );
    }
    // A pass by its code: its two hashes looked up, not the community's
    // every pass (see `passes::store::code_lookup!`).
    let vars = json!({ "c": "community:c", "h0": "a", "h1": "b", "now": now });
    for sql in [crate::passes::store::PASS_BY_CODE, crate::passes::store::LIVE_CODE_HASHES] {
        let p = plan(&db, sql, vars.clone()).await;
        assert!(
            p.contains("pass_code") && p.contains("'a']") && p.contains("'b']") && !p.contains("TableScan"),
            "a code's passes by (community, code_hash): {p}"
        );
    }
    let p = plan(&db, crate::passes::store::PASS_BY_TOKEN, vars).await;
    assert!(p.contains("pass_token") && !p.contains("TableScan"), "a pass by its token: {p}");
    let calls: Vec<String> = (0..crate::record::IN_LIST_MAX).map(|i| format!("help_call:h{i}")).collect();
    let p = plan(&db, crate::help::store::TIMELINES_OF, json!({ "calls": calls })).await;
    assert!(p.contains("help_event_seq") && !p.contains("TableScan"), "a page's timelines: {p}");
    let p = plan(&db, crate::follow_ups::store::COUNT_OPEN_FOLLOW_UPS, json!({ "community": "community:c" })).await;
    assert!(
        (p.contains("follow_up_community") || p.contains("follow_up_status_created")) && !p.contains("TableScan"),
        "the open follow-ups counted through (community, status): {p}"
    );
}

/// The rows of a partial day of a scorecard period (its first day, today)
/// are read by the community and the day, both equal: through each
/// table's `(community, local_day)` index (migration 0029), which holds
/// that community's rows of that day alone, and the check-ins by equality
/// on the day. Neither a one-field index on the instant (every
/// community's rows of the day) nor `(community, instant)` (SurrealDB 3.3
/// bounds its range on one end only: from the day to the present).
#[tokio::test]
async fn a_days_scorecard_rows_are_read_by_community_and_day() {
    let Ok(db) = Db::connect("mem://", "list_plans").await else { panic!("a migrated in-memory database") };
    let from = chrono::Utc::now() - chrono::Duration::days(365);
    let vars = json!({ "c": "community:c", "from": from, "to": from + chrono::Duration::hours(12),
        "day": "2025-12-01", "local_day": "2025-12-02" });
    let statements: Vec<&str> =
        crate::scorecards::store::SCORECARD_ROWS_OF_A_DAY.split(';').filter(|s| !s.trim().is_empty()).collect();
    let indexes = [
        "repair_community_day",
        "rating_community_day",
        "help_call_community_day",
        "check_in_community_day",
        "follow_up_community_day",
        "elder_visit_community_day",
        "repair_event_community_day",
    ];
    assert_eq!(statements.len(), indexes.len());
    for (sql, index) in statements.into_iter().zip(indexes) {
        let p = plan(&db, sql, vars.clone()).await;
        assert!(p.contains(index) && !p.contains("TableScan"), "read through {index}: {p}");
        let day = if index == "check_in_community_day" { "'2025-12-01'" } else { "'2025-12-02'" };
        assert!(p.contains(day) && !p.contains("MoreThan"), "{index}: the community's day by equality: {p}");
    }
}

/// A subquery per row that names the row as `$parent.id` is planned as a
/// scan of its whole table (SurrealDB 3 does not read `$parent.id` as a
/// value to look up), one scan per row listed; bound first to a variable in
/// a block (`{ LET $of = id; RETURN (SELECT … WHERE f = $of) }`), it reads
/// through the index. Every query of every store uses the block.
#[tokio::test]
async fn a_subquery_per_row_reads_through_an_index() {
    let Ok(db) = Db::connect("mem://", "list_plans").await else { panic!("a migrated in-memory database") };
    let sub = "SELECT VALUE visited_at FROM elder_visit WHERE elder = $parent.id ORDER BY visited_at DESC LIMIT 1";
    let p = plan(&db, sub, json!({ "parent": { "id": "user:u1" } })).await;
    assert!(!p.contains("elder_visit_elder"), "$parent.id: not the elder's index, a scan of every visit: {p}");
    let sub = "SELECT VALUE visited_at FROM elder_visit WHERE elder = $of ORDER BY visited_at DESC LIMIT 1";
    let p = plan(&db, sub, json!({ "of": "user:u1" })).await;
    assert!(p.contains("elder_visit_elder"), "a bound variable: the index: {p}");
    // Every query of every store (scorecards, the buildings' unit counts,
    // the assignable workers' open jobs and the entry page's residents
    // had one too).
    for (store, queries) in crate::queries_check::STORES {
        for (name, sql) in *queries {
            assert!(!sql.contains("$parent"), "{store}::{name}: no subquery on $parent");
        }
    }
}
