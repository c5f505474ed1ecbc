//! Fills a database with a property company at scale (issue 19; the
//! distributions and a measured run are in docs/scale.md):
//!
//!   linli-generate --db surrealkv:///root/.cache/linli/scale/db \
//!       [--communities 50] [--units 1000] [--years 3 | --months 36] \
//!       [--seed 19] [--batch 2000] [--writers 2] [--pass-share 1.0] [--no-demo] \
//!       [--reopen-every N] [--first N]
//!
//! `--first N` writes communities N… only, continuing a database an
//! earlier process wrote communities 1…N−1 into (a community that is
//! already there is refused). Each process starts with an empty engine,
//! so a large company is written in parts without one process's memory
//! growing with all of it.
//! `--reopen-every N` closes the database and opens it again after every
//! N communities (0, the default: never); each run after the first
//! continues the database from its next community. Each community's line
//! gives the process's resident memory (`VmRSS`): reopening does not
//! lower it (docs/scale.md: the engine's memtables, sized by the
//! machine's memory).
//!
//! The database is opened through the backend (migrations applied; an
//! on-disk one with `sync=never` unless the URL says otherwise: it is made
//! again rather than recovered after a crash); the
//! demo communities and accounts are seeded first (unless `--no-demo`),
//! then the generated communities `scale-001`… are written in batches.
//! Every generated account's password is `linli-demo`; phone numbers:
//! residents `15ccc` + unit (6 digits), elders `17ccc` + unit, staff
//! `16ccc` + role digit (1 butler, 2 worker, 3 guard, 4 duty, 5 manager)
//! + 5 digits (`linli_backend::scale::phone_of`).
//!
//! Pass codes are hashed with `LINLI_CODE_KEY` (else the file named by
//! `LINLI_CODE_KEY_FILE`, else a fixed key printed at the end): serve the
//! database with the same key for the short codes to verify (tokens
//! verify with any key).

#![allow(
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    clippy::cast_precision_loss,
    reason = "measurement tools: indices come from their own tables, figures are small"
)]

use std::{path::Path, time::Instant};

use linli_backend::{
    Backend, BackendConfig,
    scale::{Report, Spec, Who, community_code, phone_of},
};
use linli_bench::arg;

/// The key pass codes are hashed with when none is configured.
const FALLBACK_CODE_KEY: &str = "linli-scale-code-key-0123456789abcdef";

fn code_key() -> Vec<u8> {
    if let Ok(key) = std::env::var("LINLI_CODE_KEY") {
        return key.into_bytes();
    }
    let file = std::env::var("LINLI_CODE_KEY_FILE").unwrap_or_else(|_| "data/code.key".into());
    match std::fs::read_to_string(&file) {
        Ok(key) if key.trim().len() >= 32 => key.trim().as_bytes().to_vec(),
        _ => FALLBACK_CODE_KEY.as_bytes().to_vec(),
    }
}

/// Bytes under `path` (the on-disk database's folder).
fn size_of(path: &Path) -> u64 {
    let Ok(meta) = std::fs::symlink_metadata(path) else { return 0 };
    if meta.is_file() {
        return meta.len();
    }
    std::fs::read_dir(path).map_or(0, |entries| entries.flatten().map(|e| size_of(&e.path())).sum())
}

/// Opens the database through the backend (migrations applied), or ends
/// the process with the reason.
async fn open(db: &str, config: &BackendConfig) -> Backend {
    match Backend::start(db, config.clone()).await {
        Ok(b) => b,
        Err(e) => {
            eprintln!("cannot open {db}: {e}");
            std::process::exit(1);
        }
    }
}

/// The process's resident memory (`VmRSS` of /proc/self/status, Linux),
/// as "resident N.NN GB", or "" where it cannot be read.
fn resident() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse::<f64>().ok());
    kb.map_or_else(String::new, |kb| format!("resident {:.2} GB", kb / 1e6))
}

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn table(report: &Report) {
    println!("\n| table | rows |\n|---|---:|");
    for (t, n) in &report.rows {
        println!("| {t} | {} |", thousands(*n));
    }
    println!("| **total** | **{}** |", thousands(report.total()));
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("linli-generate --db URL [--communities N] [--units N] [--years N | --months N] [--seed N]");
        println!("               [--batch ROWS] [--writers N] [--pass-share 0..1] [--db-name NAME] [--no-demo]");
        println!("               [--reopen-every N] [--first N]");
        return;
    }
    let mut db = arg::<String>(&args, "--db", "surrealkv:///root/.cache/linli/scale/db".into());
    // A generated database is made again rather than recovered: its
    // commits are not synced one by one (the server syncs every commit).
    if db.starts_with("surrealkv://") && !db.contains("sync=") {
        db.push_str(if db.contains('?') { "&sync=never" } else { "?sync=never" });
    }
    let years: u32 = arg(&args, "--years", 3);
    let defaults = Spec::default();
    let spec = Spec {
        communities: arg(&args, "--communities", defaults.communities),
        first: arg(&args, "--first", 1),
        units: arg(&args, "--units", defaults.units),
        months: arg(&args, "--months", years * 12),
        seed: arg(&args, "--seed", defaults.seed),
        batch: arg(&args, "--batch", defaults.batch),
        writers: arg(&args, "--writers", defaults.writers),
        pass_share: arg(&args, "--pass-share", defaults.pass_share),
        now: chrono::Utc::now(),
    };
    let config = BackendConfig {
        database: arg(&args, "--db-name", "linli".to_string()),
        code_key: code_key(),
        media_dir: std::env::temp_dir().join("linli-generate-media"),
        ..BackendConfig::default()
    };
    let on_disk = db.strip_prefix("surrealkv://").map(|p| p.split('?').next().unwrap_or(p).to_string());
    if let Some(path) = &on_disk
        && let Some(parent) = Path::new(path).parent()
    {
        let _ = std::fs::create_dir_all(parent);
    }
    println!(
        "generating {} communities × {} units × {} months (seed {}, {} rows per statement, {} writers, pass share {}) into {db}",
        spec.communities, spec.units, spec.months, spec.seed, spec.batch, spec.writers, spec.pass_share
    );
    let reopen_every: u32 = arg(&args, "--reopen-every", 0);
    let started = Instant::now();
    let backend = open(&db, &config).await;
    if !args.iter().any(|a| a == "--no-demo") {
        match backend.seed_demo(false).await {
            Ok(n) => println!("demo communities seeded: {n}"),
            Err(e) => {
                eprintln!("demo seed failed: {e}");
                std::process::exit(1);
            }
        }
    }
    let total = spec.communities;
    let step = if reopen_every == 0 { total.max(1) } else { reopen_every };
    let mut report = Report::default();
    let mut backend = backend;
    let mut first = spec.first.max(1);
    while first <= total {
        if first > spec.first {
            // Closing: the handle and the engine under it are dropped.
            drop(backend);
            println!("closed the database: {}", resident());
            backend = open(&db, &config).await;
            println!("reopened the database: {}", resident());
        }
        let last = first.saturating_add(step - 1).min(total);
        let part = Spec { first, communities: last, ..spec.clone() };
        let so_far = report.total();
        let progress = move |done: u32, r: &Report| {
            let secs = started.elapsed().as_secs_f64();
            let rows = so_far + r.total();
            println!(
                "community {}/{total}: {} rows in {secs:.0} s ({:.0} rows/s), {}",
                first - 1 + done,
                thousands(rows),
                rows as f64 / secs.max(0.001),
                resident()
            );
        };
        match backend.generate_scale(&part, &progress).await {
            Ok(r) => report.merge(r),
            Err(e) => {
                eprintln!("generation failed: {e}");
                std::process::exit(1);
            }
        }
        first = last + 1;
    }
    let written = started.elapsed();
    let after = match backend.after_scale(&spec).await {
        Ok(steps) => steps,
        Err(e) => {
            eprintln!("recomputing after the generation failed: {e}");
            std::process::exit(1);
        }
    };
    for (step, ms) in &after {
        println!("after writing: {step} in {:.1} s", *ms as f64 / 1000.0);
    }
    drop(backend);
    table(&report);
    let secs = started.elapsed().as_secs_f64();
    println!(
        "\nwritten in {:.0} s ({:.0} rows/s), {:.0} s in all",
        written.as_secs_f64(),
        report.total() as f64 / written.as_secs_f64().max(0.001),
        secs
    );
    if let Some(path) = &on_disk {
        println!("size on disk: {:.2} GB ({path})", size_of(Path::new(path)) as f64 / 1e9);
    }
    println!("\naccounts (password linli-demo), community 1 ({}):", community_code(1));
    for (role, who) in [
        ("resident (building 1, unit 101)", Who::Resident),
        ("elder of unit 101", Who::Elder),
        ("butler (buildings 1–2)", Who::Butler),
        ("worker", Who::Worker),
        ("guard", Who::Guard),
        ("duty room", Who::Duty),
        ("manager", Who::Admin),
    ] {
        println!("  {role}: {}", phone_of(1, who, 1));
    }
    if std::env::var("LINLI_CODE_KEY").is_err() {
        println!("\npass codes hashed with LINLI_CODE_KEY={FALLBACK_CODE_KEY} unless a key file was found");
    }
    println!("passes valid now (community, token, code):");
    for (c, token, code) in report.live_passes.iter().take(10) {
        println!("  {c} {token} {code}");
    }
}
