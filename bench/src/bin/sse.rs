//! The live stream at scale: N idle SSE connections spread over C
//! communities on one server process. Prints a Markdown table of
//!
//! - memory per idle stream (resident memory of the server, at 1,000,
//!   5,000 and N streams, over what it held before the first);
//! - the server's CPU while the streams are idle;
//! - for an event to one community's everyone (N/C streams), to one
//!   building of another community (its residents, its butler, the
//!   manager and the duty room), and to a community with no open stream:
//!   how many streams received it and how many the server woke (from
//!   `/healthz`'s `live.deliveries`), the delivery delay (median, p99,
//!   worst, from the request that publishes it to the event's bytes at
//!   the client), and the server's CPU time per event (from
//!   `/proc/<pid>/stat`, idle CPU subtracted), request included.
//!
//!   ulimit -n 65536; sse [--connections 10000] [--communities 50] [--events 10] [--wake-all] [--server path]
//!
//! `--wake-all` starts the server with `LINLI_BENCH_WAKE_ALL`: every event
//! wakes every stream, as before events were routed by audience.
//!
//! `--floor tcp|axum` measures the floor under Linli's figure instead: the
//! same N streams held by this binary as a bare server (`tcp`: a tokio
//! task per socket that wrote an SSE response head; `axum`: `axum::serve`
//! with one SSE route and a keep-alive, no middleware, no state), so the
//! memory per stream splits into what the socket and task, hyper and axum,
//! and Linli's own layers and stream state cost.
//! The communities are the server's benchmark communities
//! (`LINLI_BENCH_COMMUNITIES`, `linli_backend::live_bench`), C + 1 of them:
//! the last gets no stream. Streams are spread round-robin over the
//! communities and, within one, over its people (everyone has one or more).
//! Connections are raw sockets speaking HTTP/1.1, so the client side stays
//! small and the figures are the server's.

#![allow(
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    clippy::cast_precision_loss,
    reason = "measurement tools: indices come from their own tables, figures are small"
)]

use std::{
    collections::HashSet,
    path::Path,
    time::{Duration, Instant},
};

use futures::StreamExt as _;
use linli_bench::{ServerProcess, arg, free_port, login};
use serde_json::{Value, json};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
    sync::mpsc,
};

/// People per benchmark community and their order: the same as
/// `linli_backend::live_bench` (12 residents, 2 butlers, manager, duty,
/// guard, worker).
const PEOPLE: usize = 18;
const ADMIN: usize = 14;

/// `linli_backend::live_bench::phone_of`.
fn phone_of(community: usize, person: usize) -> String {
    format!("139{:03}{:05}", community % 1000, person)
}

/// Resident memory of a process, in KiB.
fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmRSS")).map(str::to_string))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

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

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if let Some(mode) = args.iter().position(|a| a == "--floor-server").and_then(|i| args.get(i + 1)) {
        floor_server(mode, &arg(&args, "--addr", "127.0.0.1:4139".to_string())).await;
        return std::process::ExitCode::SUCCESS;
    }
    if let Some(mode) = args.iter().position(|a| a == "--floor").and_then(|i| args.get(i + 1)) {
        return match floor(mode, arg(&args, "--connections", 10_000)).await {
            Ok(()) => std::process::ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("sse floor failed: {e}");
                std::process::ExitCode::FAILURE
            }
        };
    }
    let setup = Setup {
        streams: arg(&args, "--connections", 10_000),
        communities: arg(&args, "--communities", 50usize).max(2),
        events: arg(&args, "--events", 10usize).max(1),
        wake_all: args.iter().any(|a| a == "--wake-all"),
    };
    match run(&linli_bench::server_binary(&args), &setup).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sse bench failed: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// A bare server holding SSE streams (see the module's doc).
async fn floor_server(mode: &str, addr: &str) {
    let Ok(listener) = tokio::net::TcpListener::bind(addr).await else {
        eprintln!("cannot listen on {addr}");
        return;
    };
    if mode == "axum" {
        use axum::response::sse::{Event, KeepAlive, Sse};
        let app = axum::Router::new().route(
            "/api/v1/stream",
            axum::routing::get(|| async {
                Sse::new(futures::stream::pending::<Result<Event, std::convert::Infallible>>())
                    .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
            }),
        );
        let _ = axum::serve(listener, app).await;
        return;
    }
    while let Ok((mut s, _)) = listener.accept().await {
        tokio::spawn(async move {
            let mut buf = [0u8; 1024];
            let mut head = Vec::new();
            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                match s.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(k) => head.extend_from_slice(&buf[..k]),
                }
            }
            drop(head);
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\n").await;
            // Held until the client closes.
            let mut one = [0u8; 1];
            let _ = s.read(&mut one).await;
        });
    }
}

/// `--no-header`: the floor's rows continue a table printed before.
fn args_say_no_header() -> bool {
    std::env::args().any(|a| a == "--no-header")
}

/// Memory per idle stream on a bare server (`--floor tcp|axum`).
async fn floor(mode: &str, n: usize) -> Result<(), String> {
    let port = free_port();
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut child = std::process::Command::new(exe)
        .args(["--floor-server", mode, "--addr", &format!("127.0.0.1:{port}")])
        .spawn()
        .map_err(|e| e.to_string())?;
    let pid = child.id();
    let mut ready = false;
    for _ in 0..100 {
        if TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    if !ready {
        let _ = child.kill();
        return Err("the floor server did not start".into());
    }
    drop(open(port, "-").await?);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = rss_kib(pid);
    let mut held = Vec::new();
    let mut rows = Vec::new();
    let checkpoints: Vec<usize> = [1_000, 5_000].into_iter().filter(|&m| m < n).chain([n]).collect();
    for &checkpoint in &checkpoints {
        while held.len() < checkpoint {
            let k = (checkpoint - held.len()).min(500);
            for s in futures::future::join_all((0..k).map(|_| open(port, "-"))).await {
                held.push(s?);
            }
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
        let rss = rss_kib(pid);
        rows.push((held.len(), rss.saturating_sub(before) as f64 / held.len() as f64));
    }
    let _ = child.kill();
    let _ = child.wait();
    if !args_say_no_header() {
        println!("| memory floor: {n} streams held by a bare server (`{mode}`) | value |");
        println!("|---|---|");
    }
    for (count, per) in rows {
        println!("| floor `{mode}`: memory per idle stream at {count} | {per:.1} KiB |");
    }
    Ok(())
}

struct Setup {
    streams: usize,
    communities: usize,
    events: usize,
    wake_all: bool,
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

/// An announcement's JSON carries its kind once (the `event:` line too,
/// which is not counted).
const MARK: &[u8] = b"\"kind\":\"announcement.published\"";

/// Reads a stream for as long as it is open; reports `(index, when)` for
/// every announcement it carries.
async fn watch(mut s: TcpStream, index: usize, seen: mpsc::UnboundedSender<(usize, Instant)>) {
    let mut window: Vec<u8> = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let Ok(k) = s.read(&mut buf).await else { return };
        if k == 0 {
            return;
        }
        let now = Instant::now();
        window.extend_from_slice(&buf[..k]);
        let hits = window.windows(MARK.len()).filter(|w| *w == MARK).count();
        for _ in 0..hits {
            let _ = seen.send((index, now));
        }
        // Keep a tail shorter than the mark: no hit is counted twice.
        let keep = window.len().min(MARK.len() - 1);
        window.drain(..window.len() - keep);
    }
}

/// `/healthz`'s `live` figures.
async fn live(client: &reqwest::Client, base: &str) -> Value {
    match client.get(format!("{base}/healthz")).send().await {
        Ok(res) => res.json::<Value>().await.map(|v| v["live"].clone()).unwrap_or_default(),
        Err(_) => Value::Null,
    }
}

fn pct(sorted: &[Duration], p: f64) -> String {
    if sorted.is_empty() {
        return "-".into();
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    format!("{:.1}", sorted[i.min(sorted.len() - 1)].as_secs_f64() * 1000.0)
}

/// One kind of event, published `events` times.
struct Round<'a> {
    name: String,
    /// The admin token publishing, and the announcement's buildings.
    token: &'a str,
    buildings: Vec<String>,
    /// Streams that must receive it.
    expected: HashSet<usize>,
}

struct Outcome {
    received: usize,
    unexpected: usize,
    woken: f64,
    delays: Vec<Duration>,
    cpu_ms: f64,
}

struct Bench<'a> {
    client: reqwest::Client,
    base: String,
    pid: u32,
    idle_cpu_per_sec: f64,
    seen: &'a mut mpsc::UnboundedReceiver<(usize, Instant)>,
    events: usize,
}

impl Bench<'_> {
    async fn round(&mut self, round: &Round<'_>) -> Result<Outcome, String> {
        let before = live(&self.client, &self.base).await["deliveries"].as_u64().unwrap_or(0);
        let mut delays = Vec::new();
        let (mut received, mut unexpected) = (0, 0);
        let started = Instant::now();
        let cpu0 = cpu_secs(self.pid);
        for k in 0..self.events {
            while self.seen.try_recv().is_ok() {}
            let t0 = Instant::now();
            let res = self
                .client
                .post(format!("{}/api/v1/announcements", self.base))
                .bearer_auth(round.token)
                .json(&json!({ "title": format!("压测通知 {k}"), "body": "fan-out", "category": "notice",
                    "building_ids": round.buildings }))
                .send()
                .await
                .map_err(|e| e.to_string())?;
            if !res.status().is_success() {
                return Err(format!("publishing failed: {} {}", res.status(), res.text().await.unwrap_or_default()));
            }
            let mut got: HashSet<usize> = HashSet::new();
            let deadline = t0 + Duration::from_secs(10);
            while got.len() < round.expected.len() {
                let Ok(Some((i, at))) = tokio::time::timeout_at(deadline.into(), self.seen.recv()).await else { break };
                if round.expected.contains(&i) && got.insert(i) {
                    delays.push(at - t0);
                } else {
                    unexpected += 1;
                }
            }
            received += got.len();
            // Anything else the event reached shows up within this pause.
            tokio::time::sleep(Duration::from_millis(50)).await;
            while let Ok((i, _)) = self.seen.try_recv() {
                if !round.expected.contains(&i) || !got.insert(i) {
                    unexpected += 1;
                }
            }
        }
        let cpu = cpu_secs(self.pid) - cpu0 - self.idle_cpu_per_sec * started.elapsed().as_secs_f64();
        let after = live(&self.client, &self.base).await["deliveries"].as_u64().unwrap_or(0);
        delays.sort();
        let n = self.events as f64;
        Ok(Outcome {
            received: (received as f64 / n).round() as usize,
            unexpected,
            woken: after.saturating_sub(before) as f64 / n,
            delays,
            cpu_ms: (cpu * 1000.0 / n).max(0.0),
        })
    }
}

async fn run(binary: &Path, setup: &Setup) -> Result<(), String> {
    let (n, c) = (setup.streams, setup.communities);
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let port = free_port();
    let mut env = vec![
        // Several streams per person.
        ("LINLI_STREAMS_PER_PERSON".to_string(), "100000".to_string()),
        ("LINLI_BENCH_COMMUNITIES".to_string(), (c + 1).to_string()),
    ];
    if setup.wake_all {
        env.push(("LINLI_BENCH_WAKE_ALL".to_string(), "1".to_string()));
    }
    let server = ServerProcess::start_with(binary, "mem://", port, &dir.path().join("media"), &env).await?;
    let pid = server.child.id();
    let client = reqwest::Client::builder().no_proxy().build().map_err(|e| e.to_string())?;
    let base = server.base.clone();

    // Everyone of every benchmark community signs in (argon2: a few at a time).
    let people: Vec<(usize, usize)> = (1..=c + 1).flat_map(|k| (0..PEOPLE).map(move |p| (k, p))).collect();
    let signed_in: Vec<Result<String, String>> = futures::stream::iter(people.iter().map(|&(k, p)| {
        let (client, base) = (client.clone(), base.clone());
        async move { login(&client, &base, &phone_of(k, p)).await }
    }))
    .buffered(8)
    .collect()
    .await;
    let tokens: Vec<String> = signed_in.into_iter().collect::<Result<_, _>>()?;
    let token = |k: usize, p: usize| tokens[(k - 1) * PEOPLE + p].as_str();

    // Warm up: one stream opened and closed, so lazily built state exists.
    drop(open(port, token(1, 0)).await?);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = rss_kib(pid);

    // Stream i: community i % c + 1, person (i / c) % PEOPLE.
    let place = |i: usize| (i % c + 1, (i / c) % PEOPLE);
    let (tx, mut seen) = mpsc::unbounded_channel();
    let started = Instant::now();
    let (mut opened, mut failed) = (Vec::new(), 0usize);
    let mut memory = Vec::new();
    let checkpoints: Vec<usize> = [1_000, 5_000].into_iter().filter(|&m| m < n).chain([n]).collect();
    let mut i = 0;
    for &checkpoint in &checkpoints {
        while i < checkpoint {
            let chunk: Vec<usize> = (i..checkpoint.min(i + 500)).collect();
            i += chunk.len();
            let results = futures::future::join_all(chunk.iter().map(|&j| {
                let (k, p) = place(j);
                open(port, token(k, p))
            }))
            .await;
            for (j, s) in chunk.into_iter().zip(results) {
                match s {
                    Ok(s) => {
                        opened.push(j);
                        tokio::spawn(watch(s, j, tx.clone()));
                    }
                    Err(e) => {
                        if failed == 0 {
                            eprintln!("a stream failed to open: {e}");
                        }
                        failed += 1;
                    }
                }
            }
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
        let rss = rss_kib(pid);
        memory.push((opened.len(), rss, rss.saturating_sub(before) as f64 / opened.len().max(1) as f64));
    }
    let open_time = started.elapsed();
    let after = rss_kib(pid);
    let stats = live(&client, &base).await;

    // Idle: nothing published, every stream open.
    let idle_for = Duration::from_secs(5);
    let cpu0 = cpu_secs(pid);
    tokio::time::sleep(idle_for).await;
    let idle_cpu_per_sec = (cpu_secs(pid) - cpu0) / idle_for.as_secs_f64();

    let buildings: Value = client
        .get(format!("{base}/api/v1/buildings"))
        .bearer_auth(token(2, ADMIN))
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    let first_building = buildings[0]["id"].as_str().unwrap_or_default().to_string();
    let of = |k: usize, who: &dyn Fn(usize) -> bool| -> HashSet<usize> {
        opened.iter().copied().filter(|&j| place(j).0 == k && who(place(j).1)).collect()
    };
    // Building 1 of a community: residents 0..6, its butler 12, manager 14, duty 15.
    let rounds = [
        Round {
            name: format!("to one community's everyone (community 1 of {c})"),
            token: token(1, ADMIN),
            buildings: vec![],
            expected: of(1, &|_| true),
        },
        Round {
            name: "to one building (community 2: its residents, butler, manager, duty)".into(),
            token: token(2, ADMIN),
            buildings: vec![first_building],
            expected: of(2, &|p| p < 6 || p == 12 || p == ADMIN || p == ADMIN + 1),
        },
        Round {
            name: format!("to a community with no open stream (community {})", c + 1),
            token: token(c + 1, ADMIN),
            buildings: vec![],
            expected: HashSet::new(),
        },
    ];
    let mut bench = Bench {
        client: client.clone(),
        base: base.clone(),
        pid,
        idle_cpu_per_sec,
        seen: &mut seen,
        events: setup.events,
    };
    let mut outcomes = Vec::new();
    for round in &rounds {
        outcomes.push(bench.round(round).await?);
    }

    let mode = if setup.wake_all { "every stream woken for every event (before)" } else { "routed by audience" };
    println!("| live fan-out: {n} idle SSE streams over {c} communities, one server, {mode} | value |");
    println!("|---|---|");
    println!(
        "| streams open / failed | {} / {failed} (opened in {:.1} s; hub: {} streams, {} channels in {} communities) |",
        opened.len(),
        open_time.as_secs_f64(),
        stats["streams"],
        stats["channels"],
        stats["communities"]
    );
    println!("| server memory before → after | {} MiB → {} MiB |", before / 1024, after / 1024);
    for (count, rss, per) in &memory {
        println!("| memory per idle stream at {count} | {per:.1} KiB (RSS {} MiB) |", rss / 1024);
    }
    println!("| server CPU while {n} streams idle | {:.1} % of a core |", idle_cpu_per_sec * 100.0);
    for (round, o) in rounds.iter().zip(&outcomes) {
        println!(
            "| event {}: received by / expected / elsewhere | {} / {} / {} (over {} events) |",
            round.name,
            o.received,
            round.expected.len(),
            o.unexpected,
            setup.events
        );
        println!("| — streams woken per event | {:.0} |", o.woken);
        println!(
            "| — delay median / p99 / worst | {} / {} / {} ms |",
            pct(&o.delays, 0.5),
            pct(&o.delays, 0.99),
            pct(&o.delays, 1.0)
        );
        println!("| — server CPU per event (request included) | {:.1} ms |", o.cpu_ms);
    }
    server.kill();
    Ok(())
}
