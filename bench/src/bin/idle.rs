//! The idle server's CPU (issue 19): background duties must not grow with
//! the data stored. Starts `linli-server` on a database, lets it idle and
//! prints the CPU it used (user + system, `/proc/<pid>/stat`) as a share
//! of one core, with its memory.
//!
//! ```text
//! idle --server target/release/linli-server --db surrealkv:///tmp/big \
//!            [--seconds 30] [--port 4120] [--warmup 10]
//!            [--fill-open 20000 --fill-closed 200000] [--old-sweep]
//! ```
//!
//! - `--db`: any database the server takes (`LINLI_DB`), e.g. the one
//!   `linli-generate` wrote, or a fresh path for an empty one (the demo
//!   accounts are seeded, as for every benchmark).
//! - `--fill-open N --fill-closed M`: before measuring, adds N open jobs
//!   not due for weeks and M closed jobs, copies of a demo job, in batches
//!   (the demo with its month of history is seeded first).
//! - `--old-sweep`: also times, on the same data, the query the repairs
//!   sweep ran every 5 s before issue 19 (`open = true OR status =
//!   'resolved'`, every job that might need it), and prints the share of a
//!   core it alone cost at that rhythm.
//! - `--warmup`: seconds between the server answering `/healthz` and the
//!   measurement (start-up, the first sweep rounds).
//!
//! Output: one Markdown row per figure.

#![allow(clippy::cast_precision_loss, reason = "figures for people to read")]

use std::time::{Duration, Instant};

use chrono::Utc;
use linli_backend::db::{Db, run};
use linli_bench::{ServerProcess, arg, server_binary};

/// CPU time (user + system) a process has used, in seconds (`/proc/<pid>/stat`,
/// clock ticks of 10 ms).
fn cpu_secs(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The command name may hold spaces: fields are counted after its ')'.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<u64> = rest.split_whitespace().map(|f| f.parse().unwrap_or(0)).collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after ')'.
    (fields.get(11).copied().unwrap_or(0) + fields.get(12).copied().unwrap_or(0)) as f64 / 100.0
}

fn rss_mib(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmRSS")).map(str::to_string))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse::<f64>().ok()))
        .unwrap_or(0.0)
        / 1024.0
}

/// Copies of one demo repair: `$n` rows with the given state.
const FILL: &str = "LET $src = (SELECT VALUE id FROM repair WHERE kind = 'repair' LIMIT 1)[0];
    LET $t = (SELECT * OMIT id FROM ONLY $src);
    FOR $i IN 0..$n {
        LET $r = (CREATE ONLY repair CONTENT $t RETURN VALUE id);
        UPDATE $r SET status = $status, open = $open, urgency = 'urgent', business_hours = NONE,
            respond_secs = 86400, resolve_secs = 2592000, created_at = $created, updated_at = $created,
            responded_at = $created, resolved_at = $resolved, closed_at = $closed, held_since = NONE,
            resume_at = NONE, alerts = [], next_due = $next_due;
    };
    RETURN count((SELECT id FROM repair));";

/// The repairs sweep's query before issue 19 (every 5 s).
const OLD_SWEEP: &str = "SELECT *, unit.number AS unit_number, building.number AS building_number,
                building.name AS building_name, reporter.name AS reporter_name,
                owner.name AS owner_name, owner.phone AS owner_phone,
                assignee.name AS assignee_name, assignee.phone AS assignee_phone
         FROM repair WHERE open = true OR status = 'resolved'";

async fn fill(db_url: &str, open: usize, closed: usize) -> Result<(), String> {
    let db = Db::connect(db_url, "linli").await.map_err(|e| e.to_string())?;
    let now = Utc::now();
    let started = Instant::now();
    for (mut left, is_open) in [(open, true), (closed, false)] {
        while left > 0 {
            let n = left.min(5_000);
            let created = if is_open { now - chrono::Duration::hours(1) } else { now - chrono::Duration::days(100) };
            // Open: in progress, the respond clock stopped, the resolve
            // clock (30 days) warns at 80 %: not due for 24 days
            // (`linli_model::due::next_due`). Closed: never due.
            let next_due = is_open.then(|| created + chrono::Duration::seconds(2_592_000 * 80 / 100));
            let mut res = run(db
                .query(FILL)
                .bind(("n", n))
                .bind(("status", if is_open { "in_progress" } else { "confirmed" }))
                .bind(("open", is_open))
                .bind(("created", created))
                .bind(("resolved", (!is_open).then(|| created + chrono::Duration::days(1))))
                .bind(("closed", (!is_open).then(|| created + chrono::Duration::days(2))))
                .bind(("next_due", next_due)))
            .await
            .map_err(|e| e.to_string())?;
            let total: Option<i64> = res.take(3).map_err(|e| e.to_string())?;
            left -= n;
            eprintln!(
                "filled {n} {} jobs ({} stored) at {:.0} s",
                if is_open { "open" } else { "closed" },
                total.unwrap_or(0),
                started.elapsed().as_secs_f64()
            );
        }
    }
    Ok(())
}

/// Times the old sweep query: (jobs it read, median seconds per round).
async fn old_sweep(db_url: &str) -> Result<(usize, f64), String> {
    let db = Db::connect(db_url, "linli").await.map_err(|e| e.to_string())?;
    let mut times = Vec::new();
    let mut read = 0;
    for _ in 0..5 {
        let started = Instant::now();
        let mut res = run(db.query(OLD_SWEEP)).await.map_err(|e| e.to_string())?;
        let rows: Vec<serde_json::Value> = res.take(0).map_err(|e| e.to_string())?;
        times.push(started.elapsed().as_secs_f64());
        read = rows.len();
    }
    times.sort_by(f64::total_cmp);
    let median = times.get(times.len() / 2).copied().unwrap_or_default();
    Ok((read, median))
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let binary = server_binary(&args);
    let db: String = arg(&args, "--db", String::new());
    if db.is_empty() {
        eprintln!(
            "usage: idle --server <linli-server> --db <db url> [--seconds 30] [--port 4120] [--warmup 10] \
             [--fill-open N --fill-closed M] [--old-sweep]"
        );
        return std::process::ExitCode::FAILURE;
    }
    let secs: f64 = arg(&args, "--seconds", 30.0);
    let warmup: f64 = arg(&args, "--warmup", 10.0);
    let port: u16 = arg(&args, "--port", 4120);
    let (fill_open, fill_closed): (usize, usize) = (arg(&args, "--fill-open", 0), arg(&args, "--fill-closed", 0));
    let Ok(media) = tempfile::tempdir() else { return std::process::ExitCode::FAILURE };

    if fill_open + fill_closed > 0 {
        // The demo (with its history: the jobs to copy), then the copies.
        let env = [("LINLI_DEMO_HISTORY".to_string(), "1".to_string())];
        match ServerProcess::start_with(&binary, &db, port, media.path(), &env).await {
            Ok(s) => s.kill(),
            Err(e) => {
                eprintln!("{e}");
                return std::process::ExitCode::FAILURE;
            }
        }
        if let Err(e) = fill(&db, fill_open, fill_closed).await {
            eprintln!("fill: {e}");
            return std::process::ExitCode::FAILURE;
        }
    }
    if args.iter().any(|a| a == "--old-sweep") {
        match old_sweep(&db).await {
            Ok((read, s)) => {
                println!("| old repairs sweep (before issue 19): jobs read per round | {read} |");
                println!("| old repairs sweep: time per round | {:.1} ms |", s * 1000.0);
                println!("| old repairs sweep alone, every 5 s | {:.1} % of a core |", s / 5.0 * 100.0);
            }
            Err(e) => eprintln!("old sweep: {e}"),
        }
    }

    let server = match ServerProcess::start_with(&binary, &db, port, media.path(), &[]).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let pid = server.child.id();
    tokio::time::sleep(Duration::from_secs_f64(warmup)).await;
    let (cpu0, t0) = (cpu_secs(pid), Instant::now());
    tokio::time::sleep(Duration::from_secs_f64(secs)).await;
    let (cpu1, elapsed) = (cpu_secs(pid), t0.elapsed().as_secs_f64());
    let rss = rss_mib(pid);
    server.kill();
    println!("| idle server on `{db}`: CPU over {elapsed:.0} s | {:.2} % of a core |", (cpu1 - cpu0) / elapsed * 100.0);
    println!("| idle server: resident memory | {rss:.0} MiB |");
    std::process::ExitCode::SUCCESS
}
