//! A statement's plan and time on a real database (issue 19): what
//! `EXPLAIN` says SurrealDB will read for the last statement (when it is
//! a `SELECT`), then the statements run a few times, each run timed. For finding where a slow request's time goes once the
//! slow-query log (`LINLI_SLOW_QUERY_MS`) has named the statement.
//!
//! ```text
//! explain --db surrealkv:///root/.cache/linli/scale/db [--db-name linli] \
//!         --sql "SELECT … WHERE community = \$c" [--vars '{"c": "community:x"}'] [--runs 5]
//! ```
//!
//! The database must not be open in a server (the embedded engine holds
//! its directory's lock). Record ids in `--vars` are given as strings
//! (`"community:x"`), instants as RFC 3339 strings; the values are bound,
//! as the server binds them.
//! Output: the plan as JSON, the first three rows of each statement's
//! answer, then one line per run (ms and rows of each statement).

use std::time::Instant;

use linli_backend::db::Db;
use serde_json::Value;

/// The value of `--name`, or `None`.
fn flag(args: &[String], name: &str) -> Option<String> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned()
}

/// Turns `"table:key"` strings into record ids and RFC 3339 strings into
/// datetimes, recursively, so bound values compare as the server's do.
fn records(v: Value) -> surrealdb::types::Value {
    use surrealdb::types::{RecordId, SurrealValue, Value as Sv};
    match v {
        Value::String(s) if chrono::DateTime::parse_from_rfc3339(&s).is_ok() => {
            chrono::DateTime::parse_from_rfc3339(&s).map_or(Sv::None, |t| t.to_utc().into_value())
        }
        Value::String(s) => match s.split_once(':') {
            Some((t, k)) if !t.is_empty() && t.chars().all(|c| c.is_ascii_lowercase() || c == '_') => {
                Sv::RecordId(RecordId::new(t.to_string(), k.to_string()))
            }
            _ => Sv::String(s),
        },
        Value::Array(a) => Sv::Array(a.into_iter().map(records).collect()),
        Value::Object(o) => {
            let mut map = surrealdb::types::Object::new();
            for (k, v) in o {
                map.insert(k, records(v));
            }
            Sv::Object(map)
        }
        other => other.into_value(),
    }
}

/// `query` with every variable bound.
fn bind<'a>(
    query: surrealdb::method::Query<'a, surrealdb::engine::any::Any>,
    vars: &[(String, surrealdb::types::Value)],
) -> surrealdb::method::Query<'a, surrealdb::engine::any::Any> {
    vars.iter().fold(query, |q, (k, v)| q.bind((k.clone(), v.clone())))
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let db_url = flag(&args, "--db").ok_or("--db URL is required")?;
    let db_name = flag(&args, "--db-name").unwrap_or_else(|| "linli".into());
    let sql = flag(&args, "--sql").ok_or("--sql STATEMENT is required")?;
    // A store's constant ends in `;`; `EXPLAIN` must follow the statement.
    let sql = sql.trim().trim_end_matches(';').to_string();
    let vars: Value = serde_json::from_str(&flag(&args, "--vars").unwrap_or_else(|| "{}".into()))
        .map_err(|e| format!("--vars is not JSON: {e}"))?;
    let runs: usize = linli_bench::arg(&args, "--runs", 5);
    let Value::Object(vars) = vars else { return Err("--vars must be a JSON object".into()) };
    let bound: Vec<(String, surrealdb::types::Value)> = vars.into_iter().map(|(k, v)| (k, records(v))).collect();
    let db = Db::open_unmigrated(&db_url, &db_name).await.map_err(|e| format!("open {db_url}: {e}"))?;
    let client = db.client();
    // `EXPLAIN` ends the text, so it explains the last statement, when
    // that is a `SELECT` (a `DEFINE INDEX` to try is run, not explained).
    let last = sql.rsplit(';').next().unwrap_or_default().trim_start();
    if last.get(..6).is_some_and(|w| w.eq_ignore_ascii_case("select")) {
        let mut explained = bind(client.query(format!("{sql} EXPLAIN")), &bound).await.map_err(|e| e.to_string())?;
        let last = explained.num_statements().saturating_sub(1);
        let plan: Vec<Value> = explained.take(last).unwrap_or_default();
        println!("{}", serde_json::to_string_pretty(&plan).unwrap_or_default());
    }
    for run in 1..=runs {
        let started = Instant::now();
        let mut res = bind(client.query(sql.as_str()), &bound).await.map_err(|e| e.to_string())?;
        let ms = started.elapsed().as_secs_f64() * 1e3;
        let mut counts = Vec::new();
        for i in 0..res.num_statements() {
            match res.take::<Vec<Value>>(i) {
                Ok(rows) => {
                    if run == 1 {
                        rows.iter().take(3).for_each(|r| println!("  statement {i}: {r}"));
                    }
                    counts.push(rows.len().to_string());
                }
                Err(e) => counts.push(format!("error: {e}")),
            }
        }
        println!("run {run}: {ms:.2} ms, rows {}", counts.join(" / "));
    }
    Ok(())
}
