//! Every query of every store, run against a freshly migrated in-memory
//! database, so that a query SurrealDB cannot parse (a typo, a function
//! that does not exist, a keyword of another version) fails CI instead of
//! the first person whose request reaches it.
//!
//! The queries run with no parameters bound (every `$name` is `NONE`), so
//! a statement may still fail at run time (`type::record` of `NONE`, a
//! `THROW`, a field assertion); that is expected and ignored. What may not
//! happen is the whole query being refused: that is a parse error.

use crate::db::Db;

/// Every store's queries, by resource.
pub(crate) const STORES: &[(&str, &[(&str, &str)])] = &[
    ("activities", crate::activities::store::ALL),
    ("admin", crate::admin::store::ALL),
    ("audit", crate::audit::store::ALL),
    ("auth", crate::auth::store::ALL),
    ("check_ins", crate::check_ins::store::ALL),
    ("demo", crate::demo::store::ALL),
    ("devices", crate::devices::store::ALL),
    ("elders", crate::elders::store::ALL),
    ("follow_ups", crate::follow_ups::store::ALL),
    ("help", crate::help::store::ALL),
    ("complaints", crate::complaints::store::ALL),
    ("media", crate::media::store::ALL),
    ("notices", crate::notices::store::ALL),
    ("notify", crate::notify::store::ALL),
    ("outages", crate::outages::store::ALL),
    ("passes", crate::passes::store::ALL),
    ("people", crate::people::store::ALL),
    ("relay", crate::relay::store::ALL),
    ("repairs", crate::repairs::store::ALL),
    ("scale", crate::scale::store::ALL),
    ("scorecards", crate::scorecards::store::ALL),
    ("staff_entry", crate::staff_entry::store::ALL),
    ("wechat", crate::wechat::store::ALL),
];

#[tokio::test]
async fn every_query_of_every_store_parses_against_the_migrated_schema() {
    let Ok(db) = Db::connect("mem://", "queries").await else { panic!("a migrated in-memory database") };
    let mut refused = Vec::new();
    let mut count = 0;
    for (store, queries) in STORES {
        for (name, sql) in *queries {
            count += 1;
            if let Err(e) = db.query(sql).await {
                refused.push(format!("{store}::{name}: {e}"));
            }
        }
    }
    assert!(count > 100, "only {count} queries found: a store is missing from STORES");
    assert!(refused.is_empty(), "queries SurrealDB refused:\n{}", refused.join("\n"));
}

#[tokio::test]
async fn a_query_that_does_not_parse_is_refused_as_a_whole() {
    // The check above relies on this: a parse error fails the whole
    // request, while a statement failing at run time does not.
    let Ok(db) = Db::connect("mem://", "queries_probe").await else { panic!("a migrated in-memory database") };
    assert!(db.query("SELEC * FROM user").await.is_err());
    assert!(db.query("SELECT * FROM user WHERE id = string::nope($x)").await.is_err(), "an unknown function");
    assert!(db.query("THROW 'at run time'").await.is_ok());
}

/// Queries that write (a transaction) never read backward through an
/// index: on SurrealKV a backward scan starts from the end of the write
/// buffer and walks it back to the range (`SkiplistIterator::last` in
/// surrealkv 0.21, a buffer of up to 1 GiB on a machine of 16-64 GiB),
/// which made a guard's admit take 1-2 s on the generated database. The
/// next step number of a timeline is the maximum of the few steps read
/// forward.
#[test]
fn writing_queries_take_the_next_step_number_without_a_backward_scan() {
    let mut backward = Vec::new();
    for (store, queries) in STORES {
        for (name, sql) in *queries {
            if sql.contains("BEGIN TRANSACTION") && sql.contains(" DESC") {
                backward.push(format!("{store}::{name}"));
            }
        }
    }
    assert!(backward.is_empty(), "a transaction orders backward: {backward:?}");
}
