//! The durability loop: write repairs and help calls through the API while
//! the server is killed with SIGKILL at random moments; restart it; check
//! that every write that got a success answer is there and that the
//! database opens cleanly. Prints a Markdown table.
//!
//!   cargo run -p linli-bench --bin killloop -- --cycles 50 [--server path]

#![allow(
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    reason = "measurement tools: indices come from their own tables, figures are small"
)]

use std::time::{Duration, Instant};

use linli_bench::{ServerProcess, arg, free_port, login, server_binary};
use rand::Rng as _;
use serde_json::json;

const RESIDENT: &str = "13800000001";
const ELDER: &str = "13800000003";

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let cycles: usize = arg(&args, "--cycles", 5);
    let binary = server_binary(&args);
    match run(&binary, cycles).await {
        Ok(true) => std::process::ExitCode::SUCCESS,
        Ok(false) => std::process::ExitCode::FAILURE,
        Err(e) => {
            eprintln!("kill loop could not run: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// A write the server answered with success.
enum Acked {
    Repair(String),
    Help(String),
}

async fn run(binary: &std::path::Path, cycles: usize) -> Result<bool, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let db = format!("surrealkv://{}", dir.path().join("db").display());
    let media = dir.path().join("media");
    let port = free_port();
    let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().map_err(|e| e.to_string())?;

    let mut server = ServerProcess::start(binary, &db, port, &media).await?;
    let resident = login(&client, &server.base, RESIDENT).await?;
    let elder = login(&client, &server.base, ELDER).await?;
    let mut acked: Vec<Acked> = Vec::new();
    let (mut attempted, mut lost, mut restart_ms) = (0usize, 0usize, Vec::new());
    let mut write_time = Duration::ZERO;
    let mut checked = 0usize;

    for cycle in 0..cycles {
        // Writers run until the kill; every success answer is recorded.
        let stop_after = Duration::from_millis(rand::rng().random_range(200..1500));
        let base = server.base.clone();
        let phase = Instant::now();
        let mut n = 0usize;
        while phase.elapsed() < stop_after {
            n += 1;
            attempted += 2;
            let key = format!("kill-{cycle}-{n}-{}", rand::random::<u32>());
            let (repair, help) = tokio::join!(
                client
                    .post(format!("{base}/api/v1/repairs"))
                    .bearer_auth(&resident)
                    .json(&json!({ "category": "leak", "description": format!("kill loop {cycle}/{n}") }))
                    .send(),
                client
                    .post(format!("{base}/api/v1/help-calls"))
                    .bearer_auth(&elder)
                    .json(&json!({ "client_key": key }))
                    .send(),
            );
            if let Ok(res) = repair
                && res.status().is_success()
                && let Ok(body) = res.json::<serde_json::Value>().await
                && let Some(id) = body["id"].as_str()
            {
                acked.push(Acked::Repair(id.to_string()));
            }
            if let Ok(res) = help
                && res.status().is_success()
                && let Ok(body) = res.json::<serde_json::Value>().await
                && let Some(id) = body["id"].as_str()
            {
                acked.push(Acked::Help(id.to_string()));
            }
        }
        write_time += phase.elapsed();
        // Kill while requests are in flight: fire one more burst and cut.
        let burst = client
            .post(format!("{base}/api/v1/repairs"))
            .bearer_auth(&resident)
            .json(&json!({ "category": "drain" }))
            .send();
        let _ = tokio::time::timeout(Duration::from_millis(rand::rng().random_range(0..20)), burst).await;
        server.kill();

        let restarted = Instant::now();
        server = ServerProcess::start(binary, &db, port, &media).await.map_err(|e| format!("cycle {cycle}: {e}"))?;
        restart_ms.push(restarted.elapsed().as_millis());
        // This cycle's writes now; every write again at the end.
        let fresh = &acked[checked..];
        checked = acked.len();
        lost += missing(&client, &server.base, &resident, &elder, fresh, cycle).await;
    }
    lost += missing(&client, &server.base, &resident, &elder, &acked, cycles).await;
    let writes = acked.len();
    restart_ms.sort_unstable();
    println!("| durability (SIGKILL loop) | value |");
    println!("|---|---|");
    println!("| kill cycles | {cycles} |");
    println!("| writes attempted | {attempted} |");
    println!("| writes acknowledged | {writes} |");
    println!("| acknowledged writes lost | {lost} |");
    println!("| synced writes per second (2 writers) | {:.0} |", writes as f64 / write_time.as_secs_f64().max(0.001));
    println!("| restart to healthy, median | {} ms |", restart_ms.get(restart_ms.len() / 2).copied().unwrap_or(0));
    server.kill();
    Ok(lost == 0)
}

/// How many of `writes` the server no longer has.
async fn missing(
    client: &reqwest::Client,
    base: &str,
    resident: &str,
    elder: &str,
    writes: &[Acked],
    cycle: usize,
) -> usize {
    let mut lost = 0;
    for a in writes {
        let (url, token, id) = match a {
            Acked::Repair(id) => (format!("{base}/api/v1/repairs/{id}"), resident, id),
            Acked::Help(id) => (format!("{base}/api/v1/help-calls/{id}"), elder, id),
        };
        let found = client.get(url).bearer_auth(token).send().await.map(|r| r.status().is_success()).unwrap_or(false);
        if !found {
            lost += 1;
            eprintln!("LOST after cycle {cycle}: {id}");
        }
    }
    lost
}
