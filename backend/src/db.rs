//! The SurrealDB store: connection, schema migrations and small helpers to
//! run bound queries and decode their rows.
//!
//! One code path for every deployment: `mem://` in tests, an embedded
//! on-disk `surrealkv://` by default, or a remote `ws://` server (and so a
//! TiKV-backed cluster) by changing the URL.

use std::{
    any::Any as AnyValue,
    collections::HashMap,
    future::{Future, IntoFuture},
    pin::Pin,
    sync::{
        Arc, Mutex, OnceLock, PoisonError,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use serde::de::DeserializeOwned;
use surrealdb::{IndexedResults, Surreal, engine::any::Any, method::IntoVariables, opt::auth::Root, types::QueryError};

use super::error::{Error, Result};

/// The namespace every deployment uses; communities are rows, not
/// databases, so one property company's deployment holds all of them in
/// one database (named by `LINLI_DB_NAME`, `linli` by default).
const NAMESPACE: &str = "linli";

struct Migration {
    version: i64,
    name: &'static str,
    sql: &'static str,
}

/// Numbered, idempotent schema migrations, applied in order at start-up.
/// The SurrealQL of every migration, in order (for schema checks).
pub fn migration_sources() -> impl Iterator<Item = &'static str> {
    MIGRATIONS.iter().map(|m| m.sql)
}

const MIGRATIONS: &[Migration] = &[
    Migration { version: 1, name: "foundation", sql: include_str!("migrations/0001_foundation.surql") },
    Migration { version: 2, name: "repairs", sql: include_str!("migrations/0002_repairs.surql") },
    Migration { version: 3, name: "help", sql: include_str!("migrations/0003_help.surql") },
    Migration { version: 4, name: "passes", sql: include_str!("migrations/0004_passes.surql") },
    Migration { version: 5, name: "notices", sql: include_str!("migrations/0005_notices.surql") },
    Migration { version: 6, name: "wechat", sql: include_str!("migrations/0006_wechat.surql") },
    Migration { version: 7, name: "relay", sql: include_str!("migrations/0007_relay.surql") },
    Migration { version: 8, name: "help_chain", sql: include_str!("migrations/0008_help_chain.surql") },
    Migration { version: 9, name: "sla_clock", sql: include_str!("migrations/0009_sla_clock.surql") },
    Migration { version: 10, name: "complaints", sql: include_str!("migrations/0010_complaints.surql") },
    Migration { version: 11, name: "staff_entry", sql: include_str!("migrations/0011_staff_entry.surql") },
    Migration { version: 12, name: "recurring_passes", sql: include_str!("migrations/0012_recurring_passes.surql") },
    Migration { version: 13, name: "outages", sql: include_str!("migrations/0013_outages.surql") },
    Migration { version: 14, name: "elder_visits", sql: include_str!("migrations/0014_elder_visits.surql") },
    Migration { version: 15, name: "due_index", sql: include_str!("migrations/0015_due_index.surql") },
    Migration { version: 16, name: "scorecard_days", sql: include_str!("migrations/0016_scorecard_days.surql") },
    Migration { version: 17, name: "paging", sql: include_str!("migrations/0017_paging.surql") },
    Migration { version: 18, name: "scale_indexes", sql: include_str!("migrations/0018_scale_indexes.surql") },
    Migration { version: 19, name: "request_keys", sql: include_str!("migrations/0019_request_keys.surql") },
    Migration { version: 20, name: "list_orders", sql: include_str!("migrations/0020_list_orders.surql") },
    Migration { version: 21, name: "kept_latest_visit", sql: include_str!("migrations/0021_kept_latest_visit.surql") },
    Migration { version: 22, name: "building_kind", sql: include_str!("migrations/0022_building_kind.surql") },
    Migration { version: 23, name: "instant_indexes", sql: include_str!("migrations/0023_instant_indexes.surql") },
    Migration { version: 24, name: "newest_first", sql: include_str!("migrations/0024_newest_first.surql") },
    Migration {
        version: 25,
        name: "newest_first_calls",
        sql: include_str!("migrations/0025_newest_first_calls.surql"),
    },
    Migration { version: 26, name: "newest_first_work", sql: include_str!("migrations/0026_newest_first_work.surql") },
    Migration { version: 27, name: "elders_day", sql: include_str!("migrations/0027_elders_day.surql") },
    Migration { version: 28, name: "pressed_again", sql: include_str!("migrations/0028_pressed_again.surql") },
    Migration { version: 29, name: "local_day", sql: include_str!("migrations/0029_local_day.surql") },
    Migration { version: 30, name: "scorecard_months", sql: include_str!("migrations/0030_scorecard_months.surql") },
    Migration { version: 31, name: "scorecard_day_ids", sql: include_str!("migrations/0031_scorecard_day_ids.surql") },
    Migration { version: 32, name: "one_open_call", sql: include_str!("migrations/0032_one_open_call.surql") },
];

/// A handle to the database; cheap to clone.
#[derive(Clone)]
pub struct Db {
    inner: Surreal<Any>,
    shared: bool,
    reads: Arc<ReadMemory>,
    /// Whether [`Db::read_through`] may answer from memory: never for a
    /// shared database; `LINLI_READ_MEMORY=off` turns it off for an
    /// embedded one too (to measure without it).
    remember: bool,
}

impl Db {
    /// Connects, selects the namespace and applies pending migrations.
    ///
    /// For a remote server, `LINLI_DB_USER` / `LINLI_DB_PASS` sign in as a
    /// root user when set.
    pub async fn connect(url: &str, database: &str) -> Result<Self> {
        let db = Self::open_unmigrated(url, database).await?;
        db.migrate().await?;
        Ok(db)
    }

    /// Connects and selects the namespace without touching the schema: a
    /// restore must find the database exactly as it is.
    pub async fn open_unmigrated(url: &str, database: &str) -> Result<Self> {
        let url = durable_url(url);
        let inner = open(&url).await?;
        if is_remote(&url)
            && let (Ok(username), Ok(password)) = (std::env::var("LINLI_DB_USER"), std::env::var("LINLI_DB_PASS"))
        {
            inner.signin(Root { username, password }).await?;
        }
        inner.use_ns(NAMESPACE).use_db(database).await?;
        let remember = !is_remote(&url)
            && !std::env::var("LINLI_READ_MEMORY").is_ok_and(|v| matches!(v.as_str(), "off" | "0" | "false"));
        Ok(Self { inner, shared: is_remote(&url), reads: Arc::default(), remember })
    }

    /// Starts a query; bind every value with `.bind(...)`, never format it in.
    /// A query that may write is counted when it has finished (see
    /// [`Db::read_through`]).
    pub fn query(&self, sql: &'static str) -> Query<'_> {
        let writes = (!is_read_only(sql)).then(|| self.reads.clone());
        Query { inner: self.inner.query(sql), sql, writes }
    }

    /// The rows of a read-only query, served from this process's memory
    /// when no write has finished since they were read.
    ///
    /// Correct only because nothing else writes to the database: with the
    /// embedded engine this process holds the database's lock, and every
    /// statement that may write (anything but a plain `SELECT`) goes
    /// through [`Db::query`], which counts it once it has finished — even
    /// when the caller stopped waiting. A remembered answer is served only
    /// if the count has not moved since before it was read, so a read never
    /// answers with data older than a write already acknowledged. Against a
    /// shared (remote) database, where other processes write, nothing is
    /// remembered and every call reads. `key` must name every bound value
    /// of `make`'s query (with `sql`, it is the memory's key). Rows must
    /// not depend on the clock (no `time::now()` in `sql`).
    pub async fn read_through<T>(
        &self,
        sql: &'static str,
        key: String,
        make: impl FnOnce(Query<'_>) -> Query<'_>,
    ) -> Result<Arc<Vec<T>>>
    where
        T: DeserializeOwned + Send + Sync + 'static,
    {
        debug_assert!(is_read_only(sql), "read_through with a query that may write: {sql}");
        if !self.remember {
            return Ok(Arc::new(rows(&mut run(make(self.query(sql))).await?, 0)?));
        }
        let generation = self.reads.generation.load(Ordering::SeqCst);
        if let Some(hit) = self.reads.get::<T>(generation, sql, &key) {
            return Ok(hit);
        }
        let found: Arc<Vec<T>> = Arc::new(rows(&mut run(make(self.query(sql))).await?, 0)?);
        self.reads.put(generation, sql, key, found.clone());
        Ok(found)
    }

    /// The raw client, for the few places that need more than queries
    /// (export, live queries). Writes through it are not counted for
    /// [`Db::read_through`]: only a restore, before anything is served,
    /// writes this way.
    pub fn client(&self) -> &Surreal<Any> {
        &self.inner
    }

    /// Whether other server processes may share this database (a remote
    /// server), so live events must be relayed between processes.
    pub fn is_shared(&self) -> bool {
        self.shared
    }

    /// Whether the database answers, for `/healthz`.
    pub async fn ping(&self) -> Result<()> {
        run(self.query("RETURN 1")).await.map(|_| ())
    }

    /// How many tables the database defines; zero for a new database.
    pub async fn table_count(&self) -> Result<usize> {
        let mut res = run(self.query("INFO FOR DB")).await?;
        let info: Option<serde_json::Value> = res.take(0)?;
        Ok(info.as_ref().and_then(|i| i.get("tables")).and_then(|t| t.as_object()).map_or(0, |t| t.len()))
    }

    /// Applies the migrations this database has not seen yet.
    pub async fn migrate(&self) -> Result<()> {
        run(self.query(
            "DEFINE TABLE IF NOT EXISTS migration SCHEMAFULL;
             DEFINE FIELD IF NOT EXISTS version ON migration TYPE int;
             DEFINE FIELD IF NOT EXISTS name ON migration TYPE string;
             DEFINE FIELD IF NOT EXISTS applied_at ON migration TYPE datetime;
             DEFINE INDEX IF NOT EXISTS migration_version ON migration FIELDS version UNIQUE;",
        ))
        .await?;
        let mut res = run(self.query("SELECT VALUE version FROM migration")).await?;
        let applied: Vec<i64> = res.take(0)?;
        for m in MIGRATIONS.iter().filter(|m| !applied.contains(&m.version)) {
            tracing::info!(version = m.version, name = m.name, "applying migration");
            run(self.query(m.sql)).await?;
            let recorded = run(self
                .query("CREATE migration SET version = $v, name = $n, applied_at = time::now()")
                .bind(("v", m.version))
                .bind(("n", m.name)))
            .await;
            match recorded {
                // Another process applied it at the same moment: the
                // statements are idempotent, so both outcomes are fine.
                Err(e) if e.violates("migration_version") => {}
                other => {
                    other?;
                }
            }
        }
        Ok(())
    }
}

/// Opens the database. An on-disk database is locked by one process; when
/// the previous process (or server in a test) is still closing it, the
/// lock is released moments later, so opening is retried for a few seconds
/// before giving up with the lock error.
async fn open(url: &str) -> Result<Surreal<Any>> {
    let mut waited = std::time::Duration::ZERO;
    loop {
        match surrealdb::engine::any::connect(url).await {
            Err(e) if e.message().contains("already locked") && waited < std::time::Duration::from_secs(10) => {
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                waited += std::time::Duration::from_millis(100);
            }
            other => return Ok(other?),
        }
    }
}

/// Every commit of the embedded on-disk engine is synced to disk before it
/// is acknowledged. This is SurrealKV's current default, but defaults have
/// changed between versions, so it is stated explicitly.
fn durable_url(url: &str) -> String {
    if url.starts_with("surrealkv://") && !url.contains("sync=") {
        let sep = if url.contains('?') { '&' } else { '?' };
        format!("{url}{sep}sync=every")
    } else {
        url.to_string()
    }
}

fn is_remote(url: &str) -> bool {
    ["ws://", "wss://", "http://", "https://"].iter().any(|p| url.starts_with(p))
}

/// Whether `sql` only reads: plain `SELECT`s (and `RETURN`s), without a
/// word that starts a write anywhere in it. When unsure, it may write.
fn is_read_only(sql: &str) -> bool {
    const WRITES: [&str; 14] = [
        "CREATE", "UPDATE", "UPSERT", "DELETE", "RELATE", "INSERT", "DEFINE", "REMOVE", "ALTER", "REBUILD", "LIVE",
        "KILL", "IMPORT", "ACCESS",
    ];
    let upper = sql.trim_start().to_ascii_uppercase();
    (upper.starts_with("SELECT") || upper.starts_with("RETURN"))
        && !upper.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':')).any(|w| WRITES.contains(&w))
}

/// Read answers remembered by [`Db::read_through`], and the count of
/// finished writes they are checked against.
#[derive(Default)]
struct ReadMemory {
    /// Bumped after every statement that may write has finished.
    generation: AtomicU64,
    /// The answers read at `.0`; dropped whole when a newer one is stored.
    answers: Mutex<(u64, Answers)>,
}

/// Rows (a `Vec` of a row type) by query and bound values.
type Answers = HashMap<(&'static str, String), Arc<dyn AnyValue + Send + Sync>>;

/// Beyond this many answers the memory starts again: a bound on memory.
const MAX_ANSWERS: usize = 20_000;

impl ReadMemory {
    fn get<T: Send + Sync + 'static>(&self, generation: u64, sql: &'static str, key: &str) -> Option<Arc<Vec<T>>> {
        let answers = self.answers.lock().unwrap_or_else(PoisonError::into_inner);
        if answers.0 != generation {
            return None;
        }
        // A borrowed key cannot look up a tuple key; the clone is small.
        answers.1.get(&(sql, key.to_string())).cloned().and_then(|a| a.downcast::<Vec<T>>().ok())
    }

    fn put<T: Send + Sync + 'static>(&self, generation: u64, sql: &'static str, key: String, rows: Arc<Vec<T>>) {
        let mut answers = self.answers.lock().unwrap_or_else(PoisonError::into_inner);
        if answers.0 != generation || answers.1.len() >= MAX_ANSWERS {
            if generation < answers.0 {
                return;
            }
            answers.1.clear();
            answers.0 = generation;
        }
        answers.1.insert((sql, key), rows);
    }

    fn wrote(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }
}

/// A query being built: [`Db::query`]'s answer. Await it (or hand it to
/// [`run`]) to send it.
#[must_use = "a query does nothing until it is awaited"]
pub struct Query<'a> {
    inner: surrealdb::method::Query<'a, Any>,
    /// The statements' text, for the slow-query log.
    sql: &'static str,
    /// Set for a query that may write: counted there once it finished.
    writes: Option<Arc<ReadMemory>>,
}

impl Query<'_> {
    /// Binds `$name`s, as `surrealdb`'s `Query::bind`.
    pub fn bind(self, vars: impl IntoVariables) -> Self {
        Self { inner: self.inner.bind(vars), sql: self.sql, writes: self.writes }
    }
}

/// Queries that take longer than this are logged (`warn`, target
/// `linli::slow_query`) with their milliseconds and their text, never
/// their bound values: `LINLI_SLOW_QUERY_MS`, 500 ms by default; `0` logs
/// every query (to profile a request on a large database).
fn slow_query_threshold() -> Duration {
    static THRESHOLD: OnceLock<Duration> = OnceLock::new();
    *THRESHOLD.get_or_init(|| {
        let ms = std::env::var("LINLI_SLOW_QUERY_MS").ok().and_then(|v| v.trim().parse().ok()).unwrap_or(500);
        Duration::from_millis(ms)
    })
}

/// The first 200 characters of `sql` on one line, for the log.
fn statement_summary(sql: &str) -> String {
    sql.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(200).collect()
}

/// Logs `sql` when it took at least the threshold.
fn note_duration(sql: &'static str, started: Instant) {
    let took = started.elapsed();
    if took >= slow_query_threshold() {
        tracing::warn!(target: "linli::slow_query", ms = took.as_secs_f64() * 1e3, sql = %statement_summary(sql), "slow query");
    }
}

impl<'a> IntoFuture for Query<'a> {
    type Output = surrealdb::Result<IndexedResults>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        let (sql, started) = (self.sql, Instant::now());
        let Some(memory) = self.writes else {
            let query = self.inner.into_future();
            return Box::pin(async move {
                let res = query.await;
                note_duration(sql, started);
                res
            });
        };
        // Run apart from the caller, so that the write is counted after it
        // finished even if the caller stops waiting (a client that went
        // away): the embedded engine completes it regardless.
        let query = self.inner.into_owned();
        let task = tokio::spawn(async move {
            let res = query.await;
            memory.wrote();
            res
        });
        Box::pin(async move {
            let res = task.await;
            note_duration(sql, started);
            match res {
                Ok(res) => res,
                Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                Err(e) => Err(surrealdb::Error::internal(format!("query task ended: {e}"))),
            }
        })
    }
}

/// Sends a query and turns the first failed statement into an error.
///
/// Inside a transaction every statement fails once one does; the root
/// cause is the one that is not merely "not executed", so that one is
/// reported (a `THROW` reason, a unique index, a conflict).
pub async fn run(query: Query<'_>) -> Result<IndexedResults> {
    let mut res = query.await?;
    let errors = res.take_errors();
    if errors.is_empty() {
        return Ok(res);
    }
    let mut errors: Vec<(usize, surrealdb::Error)> = errors.into_iter().collect();
    errors.sort_by_key(|(i, _)| *i);
    let root =
        errors.iter().position(|(_, e)| !matches!(e.query_details(), Some(QueryError::NotExecuted))).unwrap_or(0);
    Err(Error::Db(errors.swap_remove(root).1))
}

/// Decodes every row of statement `index`.
pub fn rows<T: DeserializeOwned>(res: &mut IndexedResults, index: usize) -> Result<Vec<T>> {
    let values: Vec<serde_json::Value> = res.take(index)?;
    values.into_iter().map(|v| serde_json::from_value(v).map_err(Error::from)).collect()
}

/// Decodes the single row of statement `index`, if any.
pub fn row<T: DeserializeOwned>(res: &mut IndexedResults, index: usize) -> Result<Option<T>> {
    Ok(rows(res, index)?.into_iter().next())
}

/// Whether a transaction failed because of `THROW reason`.
pub fn thrown(err: &Error, reason: &str) -> bool {
    matches!(err, Error::Db(e) if e.is_thrown() && e.message().contains(reason))
}

/// Runs `op` again when it lost a race with another transaction; the
/// storage engine is optimistic, so conflicts are expected under load.
pub async fn retrying<T, F, Fut>(mut op: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T>>,
{
    let mut attempt = 0u32;
    loop {
        match op().await {
            Err(e) if e.is_retryable() && attempt < 8 => {
                attempt += 1;
                let jitter = u64::from(rand::random::<u8>() % 20);
                tokio::time::sleep(std::time::Duration::from_millis(5 * u64::from(attempt) + jitter)).await;
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn on_disk_urls_get_synced_commits() {
        assert_eq!(durable_url("surrealkv://data/linli"), "surrealkv://data/linli?sync=every");
        assert_eq!(durable_url("surrealkv://x?versioned=true"), "surrealkv://x?versioned=true&sync=every");
        assert_eq!(durable_url("surrealkv://x?sync=every"), "surrealkv://x?sync=every");
        assert_eq!(durable_url("mem://"), "mem://");
    }

    #[test]
    fn the_slow_query_log_shows_a_statement_on_one_bounded_line() {
        let sql = "SELECT id\n                 FROM user   WHERE community = $c;";
        assert_eq!(statement_summary(sql), "SELECT id FROM user WHERE community = $c;");
        let long = "SELECT ".repeat(100);
        assert_eq!(statement_summary(&long).chars().count(), 200);
    }

    #[tokio::test]
    async fn a_unique_violation_names_its_index_and_a_throw_its_reason() {
        let Ok(db) = Db::open_unmigrated("mem://", "errors").await else { panic!("in-memory database") };
        let setup =
            run(db.query("DEFINE TABLE t SCHEMALESS; DEFINE INDEX t_key ON t FIELDS k UNIQUE; CREATE t SET k = 1;"))
                .await;
        assert!(setup.is_ok(), "{setup:?}");
        let Err(dup) = run(db.query("CREATE t SET k = 1;")).await else { panic!("the index refused nothing") };
        assert_eq!(dup.unique_index(), Some("t_key"), "{dup}");
        assert!(dup.violates("t_key") && !dup.violates("other"));
        let Err(thrown_err) = run(db.query("THROW 'stale';")).await else { panic!("nothing thrown") };
        assert!(thrown(&thrown_err, "stale") && thrown_err.unique_index().is_none());
    }

    /// Backward index scans on SurrealKV (the vendored engine, whose
    /// `SkiplistIterator::last` seeks the range's upper bound instead of
    /// walking back from the memtable's end: vendor/surrealkv/PATCHED.md)
    /// answer exactly the forward scan reversed, bounded or not, with the
    /// memtable holding rows keyed before and after the range.
    #[tokio::test]
    async fn backward_scans_on_surrealkv_are_the_forward_ones_reversed() {
        let dir = std::env::temp_dir().join(format!("linli-scans-{}", rand::random::<u64>()));
        let url = format!("surrealkv://{}", dir.display());
        let Ok(db) = Db::open_unmigrated(&url, "scans").await else { panic!("an on-disk database") };
        let setup = run(db.query(
            "DEFINE TABLE a SCHEMALESS; DEFINE TABLE m SCHEMALESS; DEFINE TABLE z SCHEMALESS;
             DEFINE INDEX m_c_at ON m FIELDS c, at;
             FOR $i IN 0..600 {
                 CREATE a SET c = $i % 3, at = $i;
                 CREATE m SET c = $i % 3, at = $i;
                 CREATE z SET c = $i % 3, at = $i;
             };",
        ))
        .await;
        assert!(setup.is_ok(), "{setup:?}");
        let values = |sql: &'static str| {
            let db = &db;
            async move {
                let mut res = run(db.query(sql)).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
                res.take::<Vec<i64>>(0).unwrap_or_else(|e| panic!("{sql}: {e}"))
            }
        };
        let forward = values("SELECT VALUE at FROM m WHERE c = 1 ORDER BY at ASC").await;
        assert_eq!(forward.len(), 200);
        let newest: Vec<i64> = forward.iter().rev().take(50).copied().collect();
        assert_eq!(values("SELECT VALUE at FROM m WHERE c = 1 ORDER BY at DESC LIMIT 50").await, newest);
        let below: Vec<i64> = forward.iter().rev().filter(|at| **at < 301).take(10).copied().collect();
        assert_eq!(values("SELECT VALUE at FROM m WHERE c = 1 AND at < 301 ORDER BY at DESC LIMIT 10").await, below);
        assert_eq!(values("SELECT VALUE at FROM m WHERE c = 2 AND at < 2 ORDER BY at DESC").await, Vec::<i64>::new());
        let last = values("SELECT VALUE at FROM m WHERE c = 2 ORDER BY at DESC LIMIT 1").await;
        assert_eq!(last, vec![599]);
        let plan = crate::list_plans::plan(
            &db,
            "SELECT VALUE at FROM m WHERE c = 1 ORDER BY at DESC LIMIT 50",
            serde_json::json!({}),
        )
        .await;
        assert!(plan.contains("m_c_at"), "read through the index: {plan}");
        drop(db);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn only_plain_selects_count_as_reads() {
        assert!(is_read_only("SELECT *, unit.number AS n FROM repair WHERE updated_at > $t"));
        assert!(is_read_only("  select * from pass where deleted = false"));
        assert!(is_read_only("RETURN 1"));
        for write in [
            "UPDATE $id SET n = 1",
            "BEGIN TRANSACTION; LET $x = (SELECT * FROM a); CREATE b; COMMIT TRANSACTION;",
            "SELECT * FROM a; DELETE b",
            "SELECT * FROM (UPSERT a:1 SET n = 1)",
            "LET $x = 1; SELECT * FROM a",
            "INFO FOR DB",
            "DEFINE TABLE t",
        ] {
            assert!(!is_read_only(write), "{write}");
        }
    }

    async fn count(db: &Db) -> usize {
        let found: Result<Arc<Vec<serde_json::Value>>> =
            db.read_through("SELECT * FROM remembered", String::new(), |q| q).await;
        found.map(|rows| rows.len()).unwrap_or(usize::MAX)
    }

    #[tokio::test]
    async fn remembered_reads_end_with_the_next_finished_write() {
        let Ok(db) = Db::connect("mem://", "read_memory").await else { panic!("a database") };
        assert!(run(db.query("DEFINE TABLE remembered SCHEMALESS")).await.is_ok());
        assert!(db.remember, "an embedded database remembers reads");
        assert_eq!(count(&db).await, 0);
        // A write the memory cannot see (bypassing `Db::query`) shows that
        // the answer really comes from memory…
        let _ = db.inner.query("CREATE remembered SET n = 0").await;
        assert_eq!(count(&db).await, 0, "served from memory");
        // …and every write through `Db::query` ends it.
        assert!(run(db.query("CREATE remembered SET n = 1")).await.is_ok());
        assert_eq!(count(&db).await, 2);
        assert!(run(db.query("SELECT * FROM remembered")).await.is_ok());
        assert_eq!(count(&db).await, 2, "a read does not end it");
    }

    #[tokio::test]
    async fn a_write_whose_caller_stopped_waiting_still_ends_remembered_reads() {
        let Ok(db) = Db::connect("mem://", "read_memory_dropped").await else { panic!("a database") };
        assert!(run(db.query("DEFINE TABLE remembered SCHEMALESS")).await.is_ok());
        assert_eq!(count(&db).await, 0);
        let before = db.reads.generation.load(Ordering::SeqCst);
        // The caller gives up at once (a client that went away).
        drop(db.query("CREATE remembered SET n = 1").into_future());
        for _ in 0..200 {
            if db.reads.generation.load(Ordering::SeqCst) != before {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        assert_eq!(count(&db).await, 1, "the write finished and was counted");
    }
}
