//! The live stream at scale: memory per idle SSE connection with N open
//! connections on one server process, and the delay of one event to all
//! of them (median and worst). Prints a Markdown table.
//!
//!   ulimit -n 65536; sse --connections 10000 [--server path]
//!
//! Connections are raw sockets speaking HTTP/1.1, so the client side stays
//! small and the figures are the server's.

#![allow(
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    reason = "measurement tools: indices come from their own tables, figures are small"
)]

use std::{
    path::Path,
    sync::Arc,
    time::{Duration, Instant},
};

use linli_bench::{ServerProcess, arg, free_port, login, server_binary};
use serde_json::json;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
    sync::Barrier,
};

const RESIDENT: &str = "13800000001";
const ADMIN: &str = "13400000001";

/// Resident memory of a process, in KiB.
fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmRSS")).map(str::to_string))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = arg(&args, "--connections", 10_000);
    match run(&server_binary(&args), n).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sse bench failed: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Opens one stream and waits for its response head.
async fn open(port: u16, token: &str) -> Result<TcpStream, String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).await.map_err(|e| e.to_string())?;
    let req = format!(
        "GET /api/v1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n"
    );
    s.write_all(req.as_bytes()).await.map_err(|e| e.to_string())?;
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let k = s.read(&mut buf).await.map_err(|e| e.to_string())?;
        if k == 0 {
            return Err("closed before the response head".into());
        }
        head.extend_from_slice(&buf[..k]);
    }
    if !head.starts_with(b"HTTP/1.1 200") {
        return Err(String::from_utf8_lossy(&head).lines().next().unwrap_or_default().to_string());
    }
    Ok(s)
}

/// Reads until the announcement arrives; the time since `start`.
async fn wait_for_event(mut s: TcpStream, start: Arc<tokio::sync::OnceCell<Instant>>) -> Option<Duration> {
    let mut seen = Vec::new();
    let mut buf = [0u8; 2048];
    loop {
        let k = tokio::time::timeout(Duration::from_secs(60), s.read(&mut buf)).await.ok()?.ok()?;
        if k == 0 {
            return None;
        }
        seen.extend_from_slice(&buf[..k]);
        if seen.windows(22).any(|w| w == b"announcement.published") {
            return start.get().map(|t| t.elapsed());
        }
        if seen.len() > 8192 {
            seen.drain(..4096);
        }
    }
}

async fn run(binary: &Path, n: usize) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let port = free_port();
    // All streams are opened with one resident's token: lift the per-person cap.
    let env = [("LINLI_STREAMS_PER_PERSON".to_string(), "100000".to_string())];
    let server = ServerProcess::start_with(binary, "mem://", port, &dir.path().join("media"), &env).await?;
    let pid = server.child.id();
    let client = reqwest::Client::new();
    let token = login(&client, &server.base, RESIDENT).await?;
    let admin = login(&client, &server.base, ADMIN).await?;
    // Warm up: one stream opened and closed, so lazily built state exists.
    drop(open(port, &token).await?);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = rss_kib(pid);

    let started = Instant::now();
    let mut streams = Vec::with_capacity(n);
    let mut failed = 0usize;
    for chunk in (0..n).collect::<Vec<_>>().chunks(500) {
        let opened = futures::future::join_all(chunk.iter().map(|_| open(port, &token))).await;
        for s in opened {
            match s {
                Ok(s) => streams.push(s),
                Err(e) => {
                    if failed == 0 {
                        eprintln!("a stream failed to open: {e}");
                    }
                    failed += 1;
                }
            }
        }
    }
    let open_time = started.elapsed();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = rss_kib(pid);
    let open_count = streams.len();
    let per_conn = (after.saturating_sub(before)) as f64 * 1024.0 / open_count.max(1) as f64;

    let start = Arc::new(tokio::sync::OnceCell::new());
    let barrier = Arc::new(Barrier::new(open_count + 1));
    let waiters: Vec<_> = streams
        .into_iter()
        .map(|s| {
            let (start, barrier) = (start.clone(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                wait_for_event(s, start).await
            })
        })
        .collect();
    barrier.wait().await;
    let _ = start.set(Instant::now());
    let res = client
        .post(format!("{}/api/v1/announcements", server.base))
        .bearer_auth(&admin)
        .json(&json!({ "title": "压测通知", "body": "全体住户", "category": "notice", "urgent": true }))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !res.status().is_success() {
        return Err(format!("publishing failed: {}", res.status()));
    }
    let mut delays: Vec<Duration> =
        futures::future::join_all(waiters).await.into_iter().filter_map(|r| r.ok().flatten()).collect();
    delays.sort();
    let received = delays.len();
    let ms = |d: Option<&Duration>| d.map_or("-".to_string(), |d| format!("{:.0} ms", d.as_secs_f64() * 1000.0));
    println!("| live stream: {n} idle SSE connections, one server | value |");
    println!("|---|---|");
    println!("| streams open / failed | {open_count} / {failed} (opened in {:.1} s) |", open_time.as_secs_f64());
    println!("| server memory before → after | {} MiB → {} MiB |", before / 1024, after / 1024);
    println!("| memory per idle connection | {:.1} KiB (budget ≤ 16 KiB) |", per_conn / 1024.0);
    println!("| one event delivered to | {received} of {open_count} |");
    println!("| delay, median / worst | {} / {} |", ms(delays.get(received / 2)), ms(delays.last()));
    server.kill();
    Ok(())
}
