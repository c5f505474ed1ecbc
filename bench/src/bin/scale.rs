//! Cost that follows the work (issue 19): every endpoint a person calls
//! during a day, driven for a fixed time with concurrency on an "empty"
//! database and on a big one, in the same run on the same machine, as one
//! Markdown table of p50/p99 and their ratio (big ÷ empty).
//!
//!   linli-scale --server target/release/linli-server \
//!       --empty surrealkv:///tmp/linli-scale-empty/db --big surrealkv:///tmp/linli-scale-big/db \
//!       [--seconds 5] [--concurrency 8] [--port 4150] [--only scorecard]
//!
//! Both databases are expected to come from `linli-generate` (the empty
//! one with `--communities 1 --months 0`: the same community shape and
//! accounts, no history); the accounts are community 1's
//! (`linli_backend::scale::phone_of`). A `mem://` database is served with
//! the demo data instead, signed in with the demo accounts. The passes the
//! guard verifies and admits are made by the resident at the start, so
//! any code key works (`LINLI_CODE_KEY` is passed on when set).

#![allow(
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    clippy::cast_precision_loss,
    reason = "measurement tools: indices come from their own tables, figures are small"
)]

use std::{
    collections::VecDeque,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use linli_backend::scale::{Who, phone_of};
use linli_bench::{ServerProcess, arg, login, server_binary};
use reqwest::{Client, Method};
use serde_json::{Value, json};

/// Who calls an endpoint.
#[derive(Clone, Copy)]
enum Role {
    Resident,
    Butler,
    Guard,
    Duty,
    Manager,
}

/// One endpoint as a person calls it.
struct Endpoint {
    name: &'static str,
    role: Role,
    method: Method,
    /// The path; `{butler}` and `{notice}` are filled in after signing in.
    path: String,
    /// `{code}` in a body takes a pass code (verify) or a fresh one from
    /// the pool (admit, which uses up entries).
    body: Option<Value>,
}

fn endpoints(year_from: &str, now: &str) -> Vec<Endpoint> {
    use Role::*;
    let get = |name, role, path: &str| Endpoint { name, role, method: Method::GET, path: path.to_string(), body: None };
    vec![
        get("resident: my jobs", Resident, "/api/v1/repairs"),
        get("resident: my passes", Resident, "/api/v1/passes"),
        get("resident: notices", Resident, "/api/v1/announcements"),
        get("resident: events", Resident, "/api/v1/events"),
        get("resident: my complaints", Resident, "/api/v1/complaints"),
        get("resident: my butler", Resident, "/api/v1/my-butler"),
        get("resident: me", Resident, "/api/v1/me"),
        get("butler: board (open jobs)", Butler, "/api/v1/repairs?status=open"),
        get("butler: closed jobs", Butler, "/api/v1/repairs?status=closed"),
        get("butler: complaints", Butler, "/api/v1/complaints"),
        get("butler: follow-ups", Butler, "/api/v1/follow-ups"),
        get("butler: elders", Butler, "/api/v1/elders"),
        get("butler: open help calls", Butler, "/api/v1/help-calls?open=true"),
        get("butler: scorecard 30 days", Butler, "/api/v1/butlers/{butler}/scorecard"),
        Endpoint {
            name: "guard: verify a pass",
            role: Guard,
            method: Method::POST,
            path: "/api/v1/gate/verify".into(),
            body: Some(json!({ "code": "{code}" })),
        },
        Endpoint {
            name: "guard: admit",
            role: Guard,
            method: Method::POST,
            path: "/api/v1/gate/admit".into(),
            body: Some(json!({ "code": "{fresh}" })),
        },
        get("guard: expected visitors", Guard, "/api/v1/gate/expected"),
        get("duty: gate entries", Duty, "/api/v1/gate/entries"),
        get("duty: open help calls", Duty, "/api/v1/help-calls?open=true"),
        get("duty: help calls", Duty, "/api/v1/help-calls"),
        get("manager: notices", Manager, "/api/v1/announcements"),
        get("manager: unread of a notice", Manager, "/api/v1/announcements/{notice}/unread"),
        get("manager: scorecards 30 days", Manager, "/api/v1/scorecards"),
        get("manager: scorecards 1 year", Manager, &format!("/api/v1/scorecards?from={year_from}&to={now}")),
        get("manager: complaint stats", Manager, "/api/v1/complaints/stats"),
        get("manager: open jobs", Manager, "/api/v1/repairs?status=open"),
    ]
}

/// Entries of each pass made for the guard's admits.
const ENTRIES_PER_PASS: usize = 20;

/// Signed-in people and what the endpoints need.
struct Session {
    base: String,
    tokens: [String; 5],
    butler: String,
    notice: String,
    code: String,
    /// Codes with entries left, for admit (each use takes one entry).
    fresh: Arc<Mutex<VecDeque<String>>>,
}

fn phones(db: &str) -> [String; 5] {
    if db.starts_with("mem://") {
        ["13800000001", "13900000001", "13600000001", "13500000001", "13400000001"].map(str::to_string)
    } else {
        [Who::Resident, Who::Butler, Who::Guard, Who::Duty, Who::Admin].map(|w| phone_of(1, w, 1))
    }
}

async fn json_of(
    client: &Client,
    token: &str,
    method: Method,
    url: String,
    body: Option<Value>,
) -> Result<Value, String> {
    let mut req = client.request(method, url).bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.map_err(|e| e.to_string())?;
    let status = res.status();
    let v: Value = res.json().await.unwrap_or(Value::Null);
    if status.is_success() { Ok(v) } else { Err(format!("{status}: {v}")) }
}

async fn sign_in(client: &Client, base: &str, db: &str, passes: usize) -> Result<Session, String> {
    let phones = phones(db);
    let mut tokens: Vec<String> = Vec::new();
    for p in &phones {
        tokens.push(login(client, base, p).await.map_err(|e| format!("login {p}: {e}"))?);
    }
    let tokens: [String; 5] = tokens.try_into().map_err(|_| "five tokens".to_string())?;
    let me = json_of(client, &tokens[1], Method::GET, format!("{base}/api/v1/me"), None).await?;
    let butler = me["id"].as_str().or_else(|| me["user"]["id"].as_str()).unwrap_or_default().to_string();
    // A notice to the whole community, published the same way on both
    // databases, whose unread households the manager lists.
    let body = json!({ "title": "压测通知", "body": "规模测试", "category": "notice" });
    let published =
        json_of(client, &tokens[4], Method::POST, format!("{base}/api/v1/announcements"), Some(body)).await?;
    let notice = published["id"].as_str().unwrap_or("none").to_string();
    let mut made = Vec::new();
    for i in 0..=passes {
        let body = json!({ "visitor_name": format!("压测{i}"), "max_entries": ENTRIES_PER_PASS });
        match json_of(client, &tokens[0], Method::POST, format!("{base}/api/v1/passes"), Some(body)).await {
            Ok(p) => made.extend(p["code"].as_str().map(str::to_string)),
            Err(e) => eprintln!("a pass for the gate: {e}"),
        }
    }
    // Round robin over the passes, so that concurrent admits use different
    // passes (two admits of one pass at the same instant: one is 409).
    let mut codes: VecDeque<String> = (0..ENTRIES_PER_PASS).flat_map(|_| made.iter().cloned()).collect();
    let code = codes.pop_front().unwrap_or_default();
    Ok(Session { base: base.into(), tokens, butler, notice, code, fresh: Arc::new(Mutex::new(codes)) })
}

/// Latencies of one endpoint over `secs` with `conc` callers.
struct Measured {
    latencies: Vec<Duration>,
    errors: usize,
    first_error: Option<String>,
    /// Rows in the first answer (a list's `items` or an array), if a list.
    rows: Option<usize>,
}

impl Measured {
    fn quantile(&self, q: f64) -> Option<Duration> {
        let mut l = self.latencies.clone();
        l.sort_unstable();
        let rank = ((q * l.len() as f64).ceil() as usize).clamp(1, l.len().max(1));
        l.get(rank - 1).copied()
    }
}

async fn drive(client: &Client, s: &Session, e: &Endpoint, secs: f64, conc: usize) -> Measured {
    let role = e.role as usize;
    let url = format!("{}{}", s.base, e.path.replace("{butler}", &s.butler).replace("{notice}", &s.notice));
    let until = Instant::now() + Duration::from_secs_f64(secs);
    let mut tasks = Vec::new();
    for _ in 0..conc {
        let (client, url, token, body, method) =
            (client.clone(), url.clone(), s.tokens[role].clone(), e.body.clone(), e.method.clone());
        let (code, fresh) = (s.code.clone(), s.fresh.clone());
        tasks.push(tokio::spawn(async move {
            let mut m = Measured { latencies: Vec::new(), errors: 0, first_error: None, rows: None };
            while Instant::now() < until {
                let body = match &body {
                    Some(b) if b.to_string().contains("{fresh}") => {
                        let next = fresh.lock().ok().and_then(|mut q| q.pop_front());
                        let Some(c) = next else { break };
                        Some(json!({ "code": c }))
                    }
                    Some(b) if b.to_string().contains("{code}") => Some(json!({ "code": code })),
                    other => other.clone(),
                };
                let mut req = client.request(method.clone(), &url).bearer_auth(&token);
                if let Some(b) = body {
                    req = req.json(&b);
                }
                let started = Instant::now();
                let res = req.send().await;
                let ok = match res {
                    Ok(r) => {
                        let status = r.status();
                        let bytes = r.bytes().await.unwrap_or_default();
                        let text = bytes.len();
                        if status.is_success() {
                            if m.rows.is_none() {
                                m.rows = rows_in(&bytes);
                            }
                            true
                        } else {
                            m.first_error.get_or_insert(format!("{status} ({text} bytes)"));
                            false
                        }
                    }
                    Err(e) => {
                        m.first_error.get_or_insert(e.to_string());
                        false
                    }
                };
                if ok {
                    m.latencies.push(started.elapsed());
                } else {
                    m.errors += 1;
                }
            }
            m
        }));
    }
    let mut all = Measured { latencies: Vec::new(), errors: 0, first_error: None, rows: None };
    for t in tasks {
        if let Ok(m) = t.await {
            all.latencies.extend(m.latencies);
            all.errors += m.errors;
            all.rows = all.rows.or(m.rows);
            if all.first_error.is_none() {
                all.first_error = m.first_error;
            }
        }
    }
    all
}

/// The rows of a list answer: a page's `items`, a scorecard's `cards`, or
/// a bare array; `None` for anything else.
fn rows_in(body: &[u8]) -> Option<usize> {
    let v: Value = serde_json::from_slice(body).ok()?;
    let list = v.as_array().or_else(|| v["items"].as_array()).or_else(|| v["cards"].as_array())?;
    Some(list.len())
}

/// Serves `db` and measures every endpoint on it.
async fn measure(
    binary: &std::path::Path,
    db: &str,
    port: u16,
    eps: &[Endpoint],
    secs: f64,
    conc: usize,
) -> Result<Vec<Measured>, String> {
    let media = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut env = vec![("LINLI_GATE_LIMIT_PER_MINUTE".to_string(), "100000000".to_string())];
    if let Ok(key) = std::env::var("LINLI_CODE_KEY") {
        env.push(("LINLI_CODE_KEY".to_string(), key));
    }
    let started = Instant::now();
    let server = ServerProcess::start_with(binary, db, port, media.path(), &env).await?;
    eprintln!("{db}: serving after {:.1} s", started.elapsed().as_secs_f64());
    // A request that takes longer counts as an error, not a stalled run.
    let client = Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(64)
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| e.to_string())?;
    let admits = eps.iter().any(|e| e.name.contains("admit"));
    let session = match sign_in(&client, &server.base, db, if admits { 40 } else { 0 }).await {
        Ok(s) => s,
        Err(e) => {
            server.kill();
            return Err(e);
        }
    };
    let mut out = Vec::new();
    for e in eps {
        // One warm-up pass, not counted: the first call of a kind pays for
        // caches and, for scorecards, for computing the kept days once.
        let _ = drive(&client, &session, e, 0.3, 1).await;
        let m = drive(&client, &session, e, secs, conc).await;
        eprintln!(
            "  {:<34} n={:>6} p50={:>7.2} ms p99={:>7.2} ms errors={} {}",
            e.name,
            m.latencies.len(),
            ms(m.quantile(0.5)),
            ms(m.quantile(0.99)),
            m.errors,
            m.first_error.clone().unwrap_or_default()
        );
        out.push(m);
    }
    server.kill();
    Ok(out)
}

fn ms(d: Option<Duration>) -> f64 {
    d.map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0)
}

fn cell(d: Option<Duration>) -> String {
    d.map_or_else(|| "–".into(), |d| format!("{:.2} ms", d.as_secs_f64() * 1000.0))
}

fn ratio(big: Option<Duration>, empty: Option<Duration>) -> String {
    match (big, empty) {
        (Some(b), Some(e)) if !e.is_zero() => {
            let r = b.as_secs_f64() / e.as_secs_f64();
            if r > 1.5 { format!("**{r:.2}**") } else { format!("{r:.2}") }
        }
        _ => "–".into(),
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let binary = server_binary(&args);
    let empty: String = arg(&args, "--empty", "mem://".to_string());
    let big: String = arg(&args, "--big", String::new());
    let secs: f64 = arg(&args, "--seconds", 5.0);
    let conc: usize = arg(&args, "--concurrency", 8);
    let port: u16 = arg(&args, "--port", 4150);
    let only: String = arg(&args, "--only", String::new());
    let now = chrono::Utc::now();
    let fmt = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let eps: Vec<Endpoint> = endpoints(&fmt(now - chrono::Duration::days(365)), &fmt(now))
        .into_iter()
        .filter(|e| e.name.contains(&only))
        .collect();
    if big.is_empty() {
        eprintln!(
            "usage: linli-scale --server <linli-server> --empty <db url> --big <db url> [--seconds 5] [--concurrency 8]"
        );
        return std::process::ExitCode::FAILURE;
    }
    let empty_m = match measure(&binary, &empty, port, &eps, secs, conc).await {
        Ok(m) => m,
        Err(e) => {
            eprintln!("empty database: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let big_m = match measure(&binary, &big, port + 1, &eps, secs, conc).await {
        Ok(m) => m,
        Err(e) => {
            eprintln!("big database: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    println!(
        "Each endpoint for {secs} s with {conc} callers (release build, loopback); empty: `{empty}`, big: `{big}`; \
         ratio = big ÷ empty, over 1.5 in bold; rows: \
         the rows of a list's answer on each (a page of a list is up to 50).\n"
    );
    println!(
        "| endpoint | rows empty / big | empty p50 | empty p99 | big p50 | big p99 | ratio p50 | ratio p99 | errors |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for ((e, a), b) in eps.iter().zip(&empty_m).zip(&big_m) {
        let (a50, a99, b50, b99) = (a.quantile(0.5), a.quantile(0.99), b.quantile(0.5), b.quantile(0.99));
        let errors = a.errors + b.errors;
        let rows = |m: &Measured| m.rows.map_or_else(|| "—".to_string(), |n| n.to_string());
        println!(
            "| {} | {} / {} | {} | {} | {} | {} | {} | {} | {} |",
            e.name,
            rows(a),
            rows(b),
            cell(a50),
            cell(a99),
            cell(b50),
            cell(b99),
            ratio(b50, a50),
            ratio(b99, a99),
            errors
        );
    }
    std::process::ExitCode::SUCCESS
}
