//! The help-call drill (SPEC §5), one command anyone can run: elders press
//! the help button while the outside world misbehaves, and the drill
//! checks that every call still escalated on time, that every emergency
//! contact got exactly one message, and that a building's new butler sees
//! its calls. Everything runs on loopback: the server binary (an on-disk
//! database in a temporary directory), a fake SMS gateway and a fake
//! WeChat API ([`linli_bench::fakes`]).
//!
//!   cargo run -p linli-bench --bin drill -- [--elders N] [--short] [--server PATH] [--server-log FILTER]
//!
//! Full run: 20 elders, 30 s phases, 1–3 kills, about 3 minutes.
//! `--short`: 6 elders, 12 s phases, one kill, about 1.5 minutes.
//! `--server-log` is the server's `LINLI_LOG` (default `error`); its log
//! goes to standard error, the table to standard output.
//!
//! Drill timings: staff are alerted 3 s after an unanswered press (level
//! 1), emergency contacts are notified at 6 s (level 2). Phases: (a) the
//! SMS gateway slow, (b) down then refusing connections, (c) blackholed,
//! (d) WeChat answering errors, (e) the server SIGKILLed around a level
//! deadline and restarted on the same database, (f) a building handed to
//! another butler and back. Most calls are left unanswered so that they
//! escalate through both levels; a few are acknowledged (which queues
//! WeChat messages for elders bound to WeChat).
//!
//! Prints a Markdown table, one row per phase and level, from what the
//! server recorded (each call's `created_at` and timeline, read back as
//! the duty room) and what the fake gateways received:
//! - lateness: the timeline's `escalated_staff` / `notified_contacts`
//!   entry minus the deadline, for every call unanswered at its deadline;
//! - SMS expected: one per emergency contact of each level-2 call; lost:
//!   a contact with no accepted message whose `ref` names the call;
//!   duplicated: more than one distinct message `id` for one call and
//!   contact (or any message for a call acknowledged in time); ids
//!   re-sent: one `id` accepted more than once (a retry the gateway drops
//!   by its idempotency key; not counted as a duplicate);
//! - presses lost: a press answered 2xx whose call is missing, or still
//!   unanswered and below level 2 at the end.
//!
//! Exits 1 when the budget is missed: each level within 2 s of its
//! deadline, no message lost, none duplicated, no press lost or left
//! without a 2xx answer, and the reassigned building's calls reaching the
//! right butler's open stream (and not the former butler's).

#![allow(
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    reason = "measurement tools: indices come from their own tables, figures are small"
)]

use std::{
    collections::{BTreeMap, HashMap},
    path::{Path, PathBuf},
    sync::{Arc, Mutex, MutexGuard, PoisonError},
    time::{Duration, Instant},
};

use chrono::{DateTime, FixedOffset, Utc};
use futures::StreamExt as _;
use linli_bench::{
    PASSWORD, ServerProcess, arg,
    fakes::{FakeSms, FakeWeChat, SmsMode, SmsRequest, WeChatMode},
    free_port, login, server_binary,
};
use rand::{Rng as _, distr::Alphanumeric};
use reqwest::Method;
use serde_json::{Value, json};
use tokio::task::JoinHandle;

const ADMIN: &str = "13400000001";
const DUTY: &str = "13500000001";
const BUTLER_1: &str = "13900000001";
const BUTLER_2: &str = "13900000002";
/// Level 1: every on-duty staff member is alerted this long after the press.
const STAFF_SECS: i64 = 3;
/// Level 2: the emergency contacts are notified this long after the press.
const CONTACTS_SECS: i64 = 6;
/// How late a level may be.
const BUDGET_MS: i64 = 2000;
const APPID: &str = "wxdrill";
/// Subscribe-message consents given to each elder bound to WeChat.
const CONSENTS: usize = 30;
/// How long a press is retried (same key) while the server is away.
const PRESS_PATIENCE: Duration = Duration::from_secs(90);
/// How long an acknowledgement is retried.
const ACK_PATIENCE: Duration = Duration::from_secs(60);

const PHASES: [&str; 6] = [
    "a. SMS slow (answers after 30 s)",
    "b. SMS down (503, then connection refused)",
    "c. SMS blackholed",
    "d. WeChat errors (-1 busy, then 40001 once)",
    "e. SIGKILL near a deadline",
    "f. butler reassigned",
];

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let short = args.iter().any(|a| a == "--short");
    let opts = Opts {
        elders: arg(&args, "--elders", if short { 6 } else { 20 }).clamp(1, 200),
        short,
        binary: server_binary(&args),
        server_log: arg(&args, "--server-log", "error".to_string()),
    };
    match run(&opts).await {
        Ok(true) => std::process::ExitCode::SUCCESS,
        Ok(false) => std::process::ExitCode::FAILURE,
        Err(e) => {
            eprintln!("drill could not run: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

struct Opts {
    elders: usize,
    /// The server's `LINLI_LOG`.
    server_log: String,
    short: bool,
    binary: PathBuf,
}

/// A lock that survives a panicked holder.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

// ------------------------------------------------------------ the server

/// The server under drill, restartable on the same database. Dropping it
/// kills the process, so an early error leaves nothing running.
struct Server {
    binary: PathBuf,
    db: String,
    port: u16,
    media: PathBuf,
    env: Vec<(String, String)>,
    process: Option<ServerProcess>,
}

impl Server {
    async fn start(
        binary: &Path,
        db: String,
        media: PathBuf,
        env: Vec<(String, String)>,
    ) -> Result<(Self, String), String> {
        let port = free_port();
        let process = ServerProcess::start_with(binary, &db, port, &media, &env).await?;
        let base = process.base.clone();
        Ok((Self { binary: binary.to_path_buf(), db, port, media, env, process: Some(process) }, base))
    }

    /// SIGKILL, as a power cut would.
    fn kill(&mut self) {
        if let Some(p) = self.process.take() {
            p.kill();
        }
    }

    /// Starts it again on the same database and port; the time to healthy.
    async fn restart(&mut self) -> Result<Duration, String> {
        self.kill();
        let started = Instant::now();
        let process = ServerProcess::start_with(&self.binary, &self.db, self.port, &self.media, &self.env).await?;
        self.process = Some(process);
        Ok(started.elapsed())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

// ------------------------------------------------------------ the API

/// What one request got.
enum Answer {
    /// A status and the JSON body (`Null` when not JSON).
    Status(u16, Value),
    /// No answer: connection refused or reset, timeout.
    Network(String),
}

/// The server's API on loopback.
#[derive(Clone)]
struct Api {
    client: reqwest::Client,
    base: String,
}

impl Api {
    async fn send(&self, method: Method, path: &str, token: Option<&str>, body: Option<&Value>) -> Answer {
        let mut req = self.client.request(method, format!("{}/api/v1{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        match req.send().await {
            Err(e) => Answer::Network(e.to_string()),
            Ok(res) => {
                let status = res.status().as_u16();
                match res.bytes().await {
                    Ok(bytes) => Answer::Status(status, serde_json::from_slice(&bytes).unwrap_or(Value::Null)),
                    Err(e) => Answer::Network(e.to_string()),
                }
            }
        }
    }

    /// A request that must succeed (set-up): its JSON answer, or why not.
    async fn must(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Result<Value, String> {
        match self.send(method.clone(), path, token, body).await {
            Answer::Status(s, v) if (200..300).contains(&s) => Ok(v),
            Answer::Status(s, v) => Err(format!("{method} /api/v1{path}: {s} {v}")),
            Answer::Network(e) => Err(format!("{method} /api/v1{path}: {e}")),
        }
    }
}

fn text(v: &Value, key: &str) -> Result<String, String> {
    v[key].as_str().map(str::to_string).ok_or_else(|| format!("no `{key}` in {v}"))
}

// ------------------------------------------------------------ set-up

struct Elder {
    /// The building number: 1, 2 or 3.
    building: String,
    token: String,
    /// The emergency contacts' phones.
    contacts: Vec<String>,
    /// Set when bound to WeChat (with consents for `help_acknowledged`).
    openid: Option<String>,
}

struct Butler {
    phone: &'static str,
    id: String,
    token: String,
}

struct Setup {
    admin: String,
    duty: String,
    butlers: [Butler; 2],
    /// Building number → building id.
    buildings: HashMap<String, String>,
    elders: Vec<Elder>,
}

/// Building number → the token of its current butler (who acknowledges).
type Owners = Arc<Mutex<HashMap<String, String>>>;

fn is_valid_mobile(phone: &str) -> bool {
    let b = phone.as_bytes();
    b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) && b.iter().all(u8::is_ascii_digit)
}

async fn butler(api: &Api, phone: &'static str) -> Result<Butler, String> {
    let token = login(&api.client, &api.base, phone).await?;
    let me = api.must(Method::GET, "/me", Some(&token), None).await?;
    Ok(Butler { phone, id: text(&me, "id")?, token })
}

/// Binds the elder to WeChat through the fake (login code → binding
/// ticket → bind with phone and password) and gives consents.
async fn bind_wechat(api: &Api, phone: &str, i: usize) -> Result<String, String> {
    let code = format!("drill{i}x{:08x}", rand::random::<u32>());
    let first = api.must(Method::POST, "/auth/wechat", None, Some(&json!({ "code": code }))).await?;
    let ticket = text(&first, "binding_token")?;
    let bound = api
        .must(
            Method::POST,
            "/auth/wechat/bind",
            None,
            Some(&json!({ "binding_token": ticket, "phone": phone, "password": PASSWORD })),
        )
        .await?;
    let token = text(&bound, "token")?;
    // The API takes at most ten templates a call, as a mini-program reports
    // what one `wx.requestSubscribeMessage` accepted.
    for _ in 0..CONSENTS.div_ceil(10) {
        let consents = json!({ "templates": vec!["help_acknowledged"; 10] });
        api.must(Method::POST, "/subscriptions", Some(&token), Some(&consents)).await?;
    }
    Ok(FakeWeChat::openid_for(&code))
}

/// Creates `n` elders in buildings 1–3 (round robin), each with 1–3
/// emergency contacts (some with 5), every third bound to WeChat.
async fn setup(api: &Api, n: usize) -> Result<(Setup, Owners), String> {
    let admin = login(&api.client, &api.base, ADMIN).await?;
    let duty = login(&api.client, &api.base, DUTY).await?;
    let butlers = [butler(api, BUTLER_1).await?, butler(api, BUTLER_2).await?];
    let list = api.must(Method::GET, "/buildings", Some(&admin), None).await?;
    let mut buildings = HashMap::new();
    let mut owners = HashMap::new();
    for b in list.as_array().into_iter().flatten() {
        let number = text(b, "number")?;
        buildings.insert(number.clone(), text(b, "id")?);
        let owner = b["butler"]["id"].as_str().unwrap_or_default();
        let token = butlers.iter().find(|x| x.id == owner).map_or_else(|| admin.clone(), |x| x.token.clone());
        owners.insert(number, token);
    }
    // Units of buildings 1–3, interleaved so that every building has elders.
    let units = api.must(Method::GET, "/gate/units", Some(&admin), None).await?;
    let mut per_building: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for u in units.as_array().into_iter().flatten() {
        let number = u["building"]["number"].as_str().unwrap_or_default().to_string();
        if ["1", "2", "3"].contains(&number.as_str()) {
            per_building.entry(number).or_default().push(text(u, "id")?);
        }
    }
    let mut slots: Vec<(String, String)> = Vec::new();
    let deepest = per_building.values().map(Vec::len).max().unwrap_or(0);
    for k in 0..deepest {
        for (b, ids) in &per_building {
            if let Some(id) = ids.get(k) {
                slots.push((b.clone(), id.clone()));
            }
        }
    }
    if slots.is_empty() {
        return Err("no units in buildings 1–3 (GET /api/v1/gate/units)".into());
    }
    let mut elders = Vec::new();
    for i in 0..n {
        let (building, unit_id) = &slots[i % slots.len()];
        let phone = format!("166{i:08}");
        let person = json!({ "name": format!("演练长者{i:02}"), "phone": phone, "role": "resident",
                             "password": PASSWORD, "unit_id": unit_id });
        let created = api.must(Method::POST, "/staff", Some(&admin), Some(&person)).await?;
        let id = text(&created, "id")?;
        let count = if i % 5 == 2 { 5 } else { 1 + i % 3 };
        let contacts: Vec<String> = (0..count).map(|k| format!("177{i:04}{k:04}")).collect();
        let listed: Vec<Value> = contacts
            .iter()
            .enumerate()
            .map(|(k, p)| json!({ "name": format!("联系人{i}-{k}"), "phone": p, "relation": "子女" }))
            .collect();
        let owner = owners.get(building).cloned().unwrap_or_else(|| admin.clone());
        api.must(
            Method::PUT,
            &format!("/residents/{id}/elder"),
            Some(&owner),
            Some(&json!({ "elder_mode": true, "emergency_contacts": listed })),
        )
        .await?;
        let token = login(&api.client, &api.base, &phone).await?;
        let openid = if i % 3 == 0 { Some(bind_wechat(api, &phone, i).await?) } else { None };
        elders.push(Elder { building: building.clone(), token, contacts, openid });
    }
    let owners = Arc::new(Mutex::new(owners));
    Ok((Setup { admin, duty, butlers, buildings, elders }, owners))
}

// ------------------------------------------------------------ pressing

/// One press of the help button, as the elder's phone experienced it.
#[derive(Clone, Debug)]
struct Press {
    phase: usize,
    elder: usize,
    /// Requests sent with the same `client_key` (1 + retries).
    attempts: u32,
    /// The call of a 2xx answer.
    call: Option<String>,
    /// Why no 2xx answer came (the last attempt's error).
    error: Option<String>,
    /// The first attempt's error, if it failed.
    first_error: Option<String>,
    /// A butler acknowledged it (2xx, or found acknowledged after a lost answer).
    acknowledged: bool,
}

/// Presses with a fresh key, retrying the same key after a network error
/// or a 5xx until the server answers; then, if planned, the building's
/// butler acknowledges after `ack`.
async fn press(api: &Api, elder: &Elder, index: usize, phase: usize, ack: Option<Duration>, owners: &Owners) -> Press {
    let key: String = rand::rng().sample_iter(&Alphanumeric).take(20).map(char::from).collect();
    let body = json!({ "client_key": key });
    let mut p =
        Press { phase, elder: index, attempts: 0, call: None, error: None, first_error: None, acknowledged: false };
    let started = Instant::now();
    while p.attempts < 500 && started.elapsed() < PRESS_PATIENCE {
        p.attempts += 1;
        match api.send(Method::POST, "/help-calls", Some(&elder.token), Some(&body)).await {
            Answer::Status(s, v) if (200..300).contains(&s) => {
                p.call = v["id"].as_str().map(str::to_string);
                p.error = p.call.is_none().then(|| format!("{s} without an id: {v}"));
                break;
            }
            Answer::Status(s, v) if s >= 500 || s == 429 => p.error = Some(format!("{s} {v}")),
            Answer::Status(s, v) => {
                p.error = Some(format!("{s} {v}"));
                break;
            }
            Answer::Network(e) => p.error = Some(e),
        }
        if p.first_error.is_none() {
            p.first_error = p.error.clone();
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let answered = Instant::now();
    if let (Some(delay), Some(id)) = (ack, p.call.clone()) {
        tokio::time::sleep_until((answered + delay).into()).await;
        p.acknowledged = acknowledge(api, &id, &elder.building, owners).await;
    }
    p
}

/// The building's current butler acknowledges the call; retried through
/// restarts and version races. Whether it is acknowledged.
async fn acknowledge(api: &Api, id: &str, building: &str, owners: &Owners) -> bool {
    let started = Instant::now();
    let body = json!({ "action": "acknowledge" });
    let path = format!("/help-calls/{id}/actions");
    for _ in 0..300 {
        if started.elapsed() > ACK_PATIENCE {
            break;
        }
        let token = lock(owners).get(building).cloned().unwrap_or_default();
        match api.send(Method::POST, &path, Some(&token), Some(&body)).await {
            Answer::Status(s, _) if (200..300).contains(&s) => return true,
            // Changed meanwhile (escalated), or acknowledged by an earlier
            // attempt whose answer was lost: look.
            Answer::Status(409, _) => {
                if let Answer::Status(200, v) =
                    api.send(Method::GET, &format!("/help-calls/{id}"), Some(&token), None).await
                    && v["status"].as_str().is_some_and(|s| s != "sent")
                {
                    return true;
                }
            }
            Answer::Status(s, _) if s >= 500 || s == 429 => {}
            Answer::Status(s, v) => {
                eprintln!("drill: acknowledging {id} answered {s} {v}");
                return false;
            }
            Answer::Network(_) => {}
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    false
}

/// What the presses of one phase are like.
struct Plan {
    phase: usize,
    count: usize,
    /// Presses happen at random moments within this window from now.
    window: Duration,
    /// Elders to choose from (all when empty).
    prefer: Vec<usize>,
    /// Share of calls a butler acknowledges.
    ack_share: f64,
}

fn spawn_presses(api: &Api, elders: &Arc<Vec<Elder>>, owners: &Owners, plan: &Plan) -> Vec<JoinHandle<Press>> {
    let mut handles = Vec::new();
    for n in 0..plan.count {
        let (elder, delay, ack) = {
            let mut rng = rand::rng();
            let elder = if plan.prefer.is_empty() {
                rng.random_range(0..elders.len())
            } else {
                plan.prefer[rng.random_range(0..plan.prefer.len())]
            };
            let delay = Duration::from_millis(rng.random_range(0..=plan.window.as_millis() as u64));
            // Before level 1, or between levels 1 and 2; never the first
            // press of a phase, so that every phase escalates to level 2.
            let ack = (n > 0 && rng.random_bool(plan.ack_share)).then(|| {
                if rng.random_bool(0.5) {
                    Duration::from_millis(rng.random_range(500..2000))
                } else {
                    Duration::from_millis(rng.random_range(3700..4700))
                }
            });
            (elder, delay, ack)
        };
        let (api, elders, owners, phase) = (api.clone(), elders.clone(), owners.clone(), plan.phase);
        handles.push(tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            press(&api, &elders[elder], elder, phase, ack, &owners).await
        }));
    }
    handles
}

// ------------------------------------------------------------ live stream

/// One server-sent event.
struct Seen {
    kind: String,
    data: Value,
}

/// Reads `GET /api/v1/stream` into `seen` until aborted (or 10 minutes).
fn watch(client: reqwest::Client, base: &str, token: &str) -> (Arc<Mutex<Vec<Seen>>>, JoinHandle<()>) {
    let seen: Arc<Mutex<Vec<Seen>>> = Arc::new(Mutex::new(Vec::new()));
    let (url, token, into) = (format!("{base}/api/v1/stream"), token.to_string(), seen.clone());
    let task = tokio::spawn(async move {
        let res = client.get(url).bearer_auth(token).header("accept", "text/event-stream").send().await;
        let Ok(res) = res else { return };
        let mut body = res.bytes_stream();
        let mut buf: Vec<u8> = Vec::new();
        let until = Instant::now() + Duration::from_secs(600);
        for _ in 0..1_000_000 {
            let left = until.saturating_duration_since(Instant::now());
            let Ok(Some(Ok(chunk))) = tokio::time::timeout(left, body.next()).await else { return };
            buf.extend_from_slice(&chunk);
            while let Some(end) = buf.windows(2).position(|w| w == b"\n\n") {
                let block: Vec<u8> = buf.drain(..end + 2).collect();
                let block = String::from_utf8_lossy(&block);
                let (mut kind, mut data) = (String::new(), String::new());
                for line in block.lines() {
                    if let Some(k) = line.strip_prefix("event:") {
                        kind = k.trim().to_string();
                    } else if let Some(d) = line.strip_prefix("data:") {
                        data.push_str(d.trim_start());
                    }
                }
                if !kind.is_empty() {
                    let data = serde_json::from_str(&data).unwrap_or(Value::Null);
                    lock(&into).push(Seen { kind, data });
                }
            }
        }
    });
    (seen, task)
}

fn saw_pressed(seen: &Mutex<Vec<Seen>>, call: &str) -> bool {
    lock(seen)
        .iter()
        .any(|e| e.kind == "help_call.updated" && e.data["id"].as_str() == Some(call) && e.data["action"] == "pressed")
}

async fn wait_ready(seen: &Mutex<Vec<Seen>>) -> bool {
    for _ in 0..100 {
        if lock(seen).iter().any(|e| e.kind == "ready") {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

/// One move of a building to another butler, and what the two butlers'
/// already-open streams showed of the building's next call.
struct Reassignment {
    from: &'static str,
    to: &'static str,
    /// The new butler's stream got the call's `pressed` event.
    new_got_it: bool,
    /// The old butler's stream did not.
    old_did_not: bool,
    /// What went wrong around the check (a move refused, a stream that
    /// did not open, a press without answer).
    problem: Option<String>,
}

// ------------------------------------------------------------ reading back

/// A call as the duty room reads it at the end.
struct CallView {
    created: DateTime<Utc>,
    level: u64,
    staff_at: Option<DateTime<Utc>>,
    contacts_at: Option<DateTime<Utc>>,
    ack_at: Option<DateTime<Utc>>,
}

enum Fetched {
    Found(CallView),
    /// 404: the server does not have it.
    Missing,
    /// Could not ask.
    Unknown(String),
}

fn time(v: &Value) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(v.as_str()?).ok().map(|d| d.with_timezone(&Utc))
}

fn parse_call(v: &Value) -> Option<CallView> {
    let at = |action: &str| {
        v["timeline"].as_array().into_iter().flatten().find(|e| e["action"] == action).and_then(|e| time(&e["at"]))
    };
    Some(CallView {
        created: time(&v["created_at"])?,
        level: v["escalation_level"].as_u64().unwrap_or(0),
        staff_at: at("escalated_staff"),
        contacts_at: at("notified_contacts"),
        ack_at: at("acknowledge"),
    })
}

async fn fetch_calls(api: &Api, duty: &str, presses: &[Press]) -> HashMap<String, Fetched> {
    let mut out = HashMap::new();
    for id in presses.iter().filter_map(|p| p.call.as_deref()) {
        if out.contains_key(id) {
            continue;
        }
        let mut got = Fetched::Unknown("not asked".into());
        for _ in 0..5 {
            got = match api.send(Method::GET, &format!("/help-calls/{id}"), Some(duty), None).await {
                Answer::Status(200, v) => match parse_call(&v) {
                    Some(c) => Fetched::Found(c),
                    None => Fetched::Unknown(format!("unreadable: {v}")),
                },
                Answer::Status(404, _) => Fetched::Missing,
                Answer::Status(s, v) => Fetched::Unknown(format!("{s} {v}")),
                Answer::Network(e) => Fetched::Unknown(e),
            };
            if !matches!(got, Fetched::Unknown(_)) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        out.insert(id.to_string(), got);
    }
    out
}

/// The calls of `presses` as the duty room's list shows them (the 200
/// newest); calls not in it are unknown.
async fn list_calls(api: &Api, duty: &str, presses: &[Press]) -> HashMap<String, Fetched> {
    let listed: HashMap<String, CallView> = match api.send(Method::GET, "/help-calls", Some(duty), None).await {
        Answer::Status(200, v) => v["items"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| Some((c["id"].as_str()?.to_string(), parse_call(c)?)))
            .collect(),
        _ => HashMap::new(),
    };
    let mut listed = listed;
    presses
        .iter()
        .filter_map(|p| p.call.clone())
        .map(|id| {
            let got = listed.remove(&id).map_or_else(|| Fetched::Unknown("not in the list".into()), Fetched::Found);
            (id, got)
        })
        .collect()
}

/// `pressed_at` as the server writes it in messages (Shanghai, minutes).
fn local_minute(t: DateTime<Utc>) -> String {
    match FixedOffset::east_opt(8 * 3600) {
        Some(tz) => t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string(),
        None => t.format("%Y-%m-%d %H:%M").to_string(),
    }
}

/// Accepted gateway messages per (call, recipient): message id → times accepted.
#[derive(Default)]
struct Attributed {
    pairs: HashMap<(String, String), BTreeMap<String, usize>>,
    /// Accepted bodies no call could be found for.
    unattributed: usize,
    /// Accepted bodies without an `id` (each counted as its own message).
    without_id: usize,
    /// Accepted bodies without a `ref` (matched by recipient and `pressed_at`).
    without_ref: usize,
}

/// Which call each accepted message is about: its `ref` (`help_call:<id>`);
/// without one, the elder whose contact it went to and the call of that
/// elder pressed in the minute the message names.
fn attribute(
    accepted: &[SmsRequest],
    calls: &HashMap<String, Fetched>,
    presses: &[Press],
    elders: &[Elder],
) -> Attributed {
    let mut out = Attributed::default();
    let contact_of: HashMap<&str, usize> =
        elders.iter().enumerate().flat_map(|(i, e)| e.contacts.iter().map(move |c| (c.as_str(), i))).collect();
    for (n, r) in accepted.iter().enumerate() {
        let to = r.to().unwrap_or_default().to_string();
        let id = match r.id() {
            Some(id) => id.to_string(),
            None => {
                out.without_id += 1;
                format!("(no id #{n})")
            }
        };
        let call = match r.reference().and_then(|s| s.strip_prefix("help_call:")) {
            Some(call) => Some(call.to_string()),
            None => {
                out.without_ref += 1;
                let minute = r.body["params"]["pressed_at"].as_str().unwrap_or_default();
                let mut candidates: Vec<(DateTime<Utc>, &str)> = presses
                    .iter()
                    .filter(|p| contact_of.get(to.as_str()) == Some(&p.elder))
                    .filter_map(|p| p.call.as_deref())
                    .filter_map(|c| match calls.get(c) {
                        Some(Fetched::Found(v)) if local_minute(v.created) == minute => Some((v.created, c)),
                        _ => None,
                    })
                    .collect();
                candidates.sort();
                candidates.dedup();
                // The earliest such call that has no message to this person yet.
                let free = candidates.iter().find(|(_, c)| !out.pairs.contains_key(&((*c).to_string(), to.clone())));
                free.or(candidates.first()).map(|(_, c)| (*c).to_string())
            }
        };
        match call {
            Some(call) => *out.pairs.entry((call, to)).or_default().entry(id).or_default() += 1,
            None => out.unattributed += 1,
        }
    }
    out
}

/// One row of the table: a phase and a level.
#[derive(Default)]
struct Row {
    calls: usize,
    late_ms: Vec<i64>,
    not_escalated: usize,
    expected: usize,
    lost: usize,
    duplicated: usize,
    resent: usize,
}

/// Per phase: the presses sent, answered 2xx, and lost.
#[derive(Default)]
struct PressCount {
    sent: usize,
    answered: usize,
    acknowledged: usize,
    retried: usize,
    lost: usize,
}

struct Evaluation {
    rows: Vec<[Row; 2]>,
    presses: Vec<PressCount>,
    /// What is still owed: unescalated unanswered calls, undelivered
    /// messages, unknown calls (for the drain).
    outstanding: usize,
    wechat_expected: usize,
    wechat_delivered: usize,
    wechat_lost: usize,
    wechat_duplicated: usize,
    attributed: Attributed,
    /// Calls of 2xx presses the duty room could not read (not a 404).
    unreadable: Vec<String>,
    /// The last error of each press that never got a 2xx answer.
    press_errors: Vec<String>,
}

fn evaluate(
    presses: &[Press],
    calls: &HashMap<String, Fetched>,
    sms: &FakeSms,
    wechat: &FakeWeChat,
    elders: &[Elder],
) -> Evaluation {
    let accepted = sms.accepted();
    let attributed = attribute(&accepted, calls, presses, elders);
    let mut rows: Vec<[Row; 2]> = (0..PHASES.len()).map(|_| [Row::default(), Row::default()]).collect();
    let mut counts: Vec<PressCount> = (0..PHASES.len()).map(|_| PressCount::default()).collect();
    let mut outstanding = 0;
    let mut unreadable = Vec::new();
    let mut press_errors = Vec::new();
    let budget = chrono::Duration::milliseconds(BUDGET_MS);
    for p in presses {
        let (Some(row), Some(count)) = (rows.get_mut(p.phase), counts.get_mut(p.phase)) else { continue };
        count.sent += 1;
        count.retried += usize::from(p.attempts > 1);
        let Some(id) = &p.call else {
            let last = p.error.as_deref().unwrap_or("no answer");
            let first = p.first_error.as_deref().filter(|f| *f != last);
            press_errors.push(match first {
                Some(f) => format!("{last} (first attempt: {f})"),
                None => last.to_string(),
            });
            continue;
        };
        count.answered += 1;
        count.acknowledged += usize::from(p.acknowledged);
        let view = match calls.get(id) {
            Some(Fetched::Found(v)) => v,
            Some(Fetched::Missing) => {
                count.lost += 1;
                continue;
            }
            Some(Fetched::Unknown(why)) => {
                unreadable.push(format!("{id}: {why}"));
                outstanding += 1;
                continue;
            }
            None => {
                unreadable.push(format!("{id}: not fetched"));
                outstanding += 1;
                continue;
            }
        };
        if view.ack_at.is_none() && view.level < 2 {
            count.lost += 1;
            outstanding += 1;
        }
        let contacts: Vec<&String> = elders.get(p.elder).map(|e| e.contacts.iter().collect()).unwrap_or_default();
        for (k, (secs, done)) in
            [(STAFF_SECS, view.staff_at), (CONTACTS_SECS, view.contacts_at)].into_iter().enumerate()
        {
            let deadline = view.created + chrono::Duration::seconds(secs);
            let due = done.is_some() || view.ack_at.is_none_or(|a| a > deadline + budget);
            let level = &mut row[k];
            if due {
                level.calls += 1;
                match done {
                    Some(at) => level.late_ms.push((at - deadline).num_milliseconds()),
                    None => level.not_escalated += 1,
                }
            }
            if k == 1 {
                let mut mine: Vec<(&String, &BTreeMap<String, usize>)> =
                    attributed.pairs.iter().filter(|((c, _), _)| c == id).map(|((_, to), ids)| (to, ids)).collect();
                mine.sort();
                for (to, ids) in &mine {
                    level.resent += ids.values().filter(|n| **n > 1).count();
                    let wanted = due && contacts.iter().any(|c| c == to) && is_valid_mobile(to);
                    // One message per contact; anything more, or for a call
                    // acknowledged in time, is a duplicate.
                    level.duplicated += if wanted { ids.len().saturating_sub(1) } else { ids.len() };
                }
                if due {
                    for c in contacts.iter().filter(|c| is_valid_mobile(c)) {
                        level.expected += 1;
                        if !mine.iter().any(|(to, _)| to == c) {
                            level.lost += 1;
                            outstanding += 1;
                        }
                    }
                }
            }
        }
    }
    // WeChat: one message per acknowledged call of a bound elder.
    let mut expected: HashMap<&str, usize> = HashMap::new();
    for p in presses.iter().filter(|p| p.acknowledged) {
        if let Some(openid) = elders.get(p.elder).and_then(|e| e.openid.as_deref()) {
            let n = expected.entry(openid).or_default();
            *n = (*n + 1).min(CONSENTS);
        }
    }
    let delivered_sends = wechat.delivered();
    let mut delivered: HashMap<String, usize> = HashMap::new();
    for s in &delivered_sends {
        *delivered.entry(s.touser().unwrap_or_default().to_string()).or_default() += 1;
    }
    let (mut wechat_lost, mut wechat_duplicated) = (0, 0);
    for (openid, n) in &expected {
        wechat_lost += n.saturating_sub(delivered.get(*openid).copied().unwrap_or(0));
    }
    for (openid, n) in &delivered {
        wechat_duplicated += n.saturating_sub(expected.get(openid.as_str()).copied().unwrap_or(0));
    }
    outstanding += wechat_lost;
    Evaluation {
        rows,
        presses: counts,
        outstanding,
        wechat_expected: expected.values().sum(),
        wechat_delivered: delivered_sends.len(),
        wechat_lost,
        wechat_duplicated,
        attributed,
        unreadable,
        press_errors,
    }
}

// ------------------------------------------------------------ the drill

async fn run(opts: &Opts) -> Result<bool, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let db = format!("surrealkv://{}", dir.path().join("db").display());
    let media = dir.path().join("media");
    let secret = format!("drill-secret-{:016x}", rand::random::<u64>());
    let sms = FakeSms::start().await?;
    let wechat = FakeWeChat::start(APPID, &secret).await?;
    let env: Vec<(String, String)> = [
        ("LINLI_LOG", opts.server_log.clone()),
        ("LINLI_HELP_ESCALATE_SECS", STAFF_SECS.to_string()),
        ("LINLI_HELP_CONTACTS_SECS", CONTACTS_SECS.to_string()),
        ("LINLI_SMS_URL", sms.url()),
        ("LINLI_WECHAT_API_BASE", wechat.base()),
        ("LINLI_WECHAT_APPID", APPID.to_string()),
        ("LINLI_WECHAT_SECRET", secret.clone()),
        ("LINLI_WECHAT_TEMPLATES", "job_assigned=T1,job_resolved=T2,visitor_arrived=T3,help_acknowledged=T4".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    eprintln!("drill: starting {}", opts.binary.display());
    let (mut server, base) = Server::start(&opts.binary, db, media, env).await?;
    let client =
        reqwest::Client::builder().no_proxy().timeout(Duration::from_secs(10)).build().map_err(|e| e.to_string())?;
    let api = Api { client, base: base.clone() };
    eprintln!("drill: setting up {} elders", opts.elders);
    let (setup, owners) = setup(&api, opts.elders).await?;
    let elders = Arc::new(setup.elders);
    let bound: Vec<usize> = elders.iter().enumerate().filter(|(_, e)| e.openid.is_some()).map(|(i, _)| i).collect();

    let (phase_len, window, per_phase) = if opts.short {
        (Duration::from_secs(12), Duration::from_secs(5), (opts.elders / 2).max(3))
    } else {
        (Duration::from_secs(30), Duration::from_secs(22), (opts.elders / 2).max(4))
    };
    let mut handles: Vec<JoinHandle<Press>> = Vec::new();
    let mut direct: Vec<Press> = Vec::new();
    let mut kills: Vec<String> = Vec::new();
    let mut restarts: Vec<u128> = Vec::new();
    let mut moves: Vec<Reassignment> = Vec::new();
    for (phase, name) in PHASES.iter().enumerate() {
        eprintln!("drill: phase {name}");
        let started = Instant::now();
        match phase {
            0 => sms.set_mode(SmsMode::Slow(Duration::from_secs(30))).await?,
            1 => sms.set_mode(SmsMode::Down).await?,
            2 => sms.set_mode(SmsMode::Blackhole).await?,
            3 => {
                sms.set_mode(SmsMode::Ok).await?;
                wechat.set_mode(WeChatMode::Errcode(-1));
            }
            _ => {
                sms.set_mode(SmsMode::Ok).await?;
                wechat.set_mode(WeChatMode::Ok);
            }
        }
        let plan = Plan {
            phase,
            count: per_phase,
            window,
            prefer: if phase == 3 { bound.clone() } else { Vec::new() },
            ack_share: if phase == 3 { 0.6 } else { 0.2 },
        };
        handles.extend(spawn_presses(&api, &elders, &owners, &plan));
        match phase {
            1 => {
                tokio::time::sleep(phase_len / 2).await;
                sms.set_mode(SmsMode::Closed).await?;
            }
            3 => {
                tokio::time::sleep(phase_len / 2).await;
                wechat.set_mode(WeChatMode::InvalidateTokenOnce);
            }
            4 => {
                let n = if opts.short { 1 } else { rand::rng().random_range(1..=3) };
                for k in 0..n {
                    let elder = rand::rng().random_range(0..elders.len());
                    let p = press(&api, &elders[elder], elder, phase, None, &owners).await;
                    let answered = Instant::now();
                    direct.push(p);
                    let level: i64 = if rand::rng().random_bool(0.5) { 1 } else { 2 };
                    let jitter: i64 = rand::rng().random_range(-400..=400);
                    let after_ms = (if level == 1 { STAFF_SECS } else { CONTACTS_SECS }) * 1000 + jitter;
                    tokio::time::sleep_until((answered + Duration::from_millis(after_ms.max(0) as u64)).into()).await;
                    server.kill();
                    let took = server.restart().await.map_err(|e| format!("restart after kill {}: {e}", k + 1))?;
                    restarts.push(took.as_millis());
                    kills.push(format!(
                        "kill {}: {:.2} s after a press (level {level} deadline {jitter:+} ms); healthy again after {} ms",
                        k + 1,
                        after_ms as f64 / 1000.0,
                        took.as_millis()
                    ));
                    let pause = rand::rng().random_range(500..1500);
                    tokio::time::sleep(Duration::from_millis(pause)).await;
                }
            }
            5 => {
                let checked = reassign(&api, &setup.admin, &setup.butlers, &setup.buildings, &elders, &owners).await?;
                direct.extend(checked.1);
                moves = checked.0;
            }
            _ => {}
        }
        tokio::time::sleep_until((started + phase_len).into()).await;
    }
    sms.set_mode(SmsMode::Ok).await?;
    wechat.set_mode(WeChatMode::Ok);
    let mut presses = direct;
    for h in handles {
        presses.push(h.await.map_err(|e| format!("a presser failed: {e}"))?);
    }

    // Drain: until nothing is owed and the gateways have been quiet for
    // 3 s, or the bound.
    eprintln!("drill: gateways ok; waiting for the outbox to drain");
    let bound_for = if opts.short { Duration::from_secs(50) } else { Duration::from_secs(150) };
    let draining = Instant::now();
    let mut last = (usize::MAX, usize::MAX);
    let mut quiet_since = Instant::now();
    loop {
        // The list (one request, no audit entry), not each call's page.
        let calls = list_calls(&api, &setup.duty, &presses).await;
        let eval = evaluate(&presses, &calls, &sms, &wechat, &elders);
        let now = (sms.received().len(), wechat.sends().len());
        if now != last {
            last = now;
            quiet_since = Instant::now();
        }
        if (eval.outstanding == 0 && quiet_since.elapsed() >= Duration::from_secs(3)) || draining.elapsed() >= bound_for
        {
            break;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    // Each answered press's call, as the duty room reads it.
    let calls = fetch_calls(&api, &setup.duty, &presses).await;
    let eval = evaluate(&presses, &calls, &sms, &wechat, &elders);
    let notes =
        Notes { kills, restarts, moves, drained: eval.outstanding == 0, drain_secs: draining.elapsed().as_secs() };
    server.kill();
    Ok(report(opts, &eval, &sms, &wechat, &notes))
}

/// Phase f: building 1 to the other butler and back; after each move, the
/// building's next call must reach the new butler's already-open stream
/// and not the old one's. Returns the checks and the presses made.
async fn reassign(
    api: &Api,
    admin: &str,
    butlers: &[Butler; 2],
    buildings: &HashMap<String, String>,
    elders: &Arc<Vec<Elder>>,
    owners: &Owners,
) -> Result<(Vec<Reassignment>, Vec<Press>), String> {
    let Some(building) = buildings.get("1") else { return Err("no building 1".into()) };
    let Some(elder) = elders.iter().position(|e| e.building == "1") else {
        eprintln!("drill: no elder in building 1; reassignment not checked");
        return Ok((Vec::new(), Vec::new()));
    };
    let stream_client = reqwest::Client::builder()
        .no_proxy()
        .connect_timeout(Duration::from_secs(5))
        .build()
        .map_err(|e| e.to_string())?;
    let streams: Vec<_> = butlers.iter().map(|b| watch(stream_client.clone(), &api.base, &b.token)).collect();
    let mut not_open = Vec::new();
    for (b, (seen, _)) in butlers.iter().zip(&streams) {
        if !wait_ready(seen).await {
            not_open.push(format!("{}'s stream did not open within 5 s", b.phone));
        }
    }
    let mut checks = Vec::new();
    let mut presses = Vec::new();
    for (from, to) in [(0, 1), (1, 0)] {
        let (from_phone, to_phone) = (butlers[from].phone, butlers[to].phone);
        let body = json!({ "butler_id": butlers[to].id });
        let path = format!("/buildings/{building}/butler");
        if let Err(e) = api.must(Method::PUT, &path, Some(admin), Some(&body)).await {
            let problem = Some(format!("the move was refused: {e}"));
            checks.push(Reassignment {
                from: from_phone,
                to: to_phone,
                new_got_it: false,
                old_did_not: false,
                problem,
            });
            continue;
        }
        lock(owners).insert("1".into(), butlers[to].token.clone());
        let p = press(api, &elders[elder], elder, 5, None, owners).await;
        // Level 1 (3 s) alerts every on-duty staff member anyway: look
        // only at the `pressed` event, before then.
        tokio::time::sleep(Duration::from_millis(2500)).await;
        let (new_got_it, old_did_not) = match &p.call {
            Some(call) => (saw_pressed(&streams[to].0, call), !saw_pressed(&streams[from].0, call)),
            None => (false, false),
        };
        let mut problems = not_open.clone();
        if let (None, Some(e)) = (&p.call, &p.error) {
            problems.push(format!("the press got no answer: {e}"));
        }
        let problem = (!problems.is_empty()).then(|| problems.join("; "));
        checks.push(Reassignment { from: from_phone, to: to_phone, new_got_it, old_did_not, problem });
        presses.push(p);
    }
    for (_, task) in streams {
        task.abort();
    }
    Ok((checks, presses))
}

fn ms(v: Option<i64>) -> String {
    v.map_or_else(|| "–".into(), |v| v.to_string())
}

fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// What happened besides the presses.
struct Notes {
    kills: Vec<String>,
    restarts: Vec<u128>,
    moves: Vec<Reassignment>,
    /// Nothing was owed when the drain ended.
    drained: bool,
    drain_secs: u64,
}

/// Prints the table and the budget; whether it was met.
fn report(opts: &Opts, eval: &Evaluation, sms: &FakeSms, wechat: &FakeWeChat, notes: &Notes) -> bool {
    let Notes { kills, restarts, moves, drained, drain_secs } = notes;
    let mut misses: Vec<String> = Vec::new();
    println!(
        "## Help-call drill: {} elders, {} run; deadlines +{STAFF_SECS} s (staff), +{CONTACTS_SECS} s (contacts), budget {BUDGET_MS} ms",
        opts.elders,
        if opts.short { "short" } else { "full" }
    );
    println!();
    println!(
        "| phase | level | presses (2xx/sent, acknowledged) | calls | median late ms | worst late ms | not escalated | SMS expected | SMS lost | SMS duplicated | ids re-sent | presses lost |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (phase, (levels, count)) in eval.rows.iter().zip(&eval.presses).enumerate() {
        let name = PHASES[phase];
        for (k, row) in levels.iter().enumerate() {
            let mut late = row.late_ms.clone();
            late.sort_unstable();
            let median = late.get(late.len() / 2).copied();
            let worst = late.last().copied();
            let level =
                if k == 0 { format!("1 staff (+{STAFF_SECS} s)") } else { format!("2 contacts (+{CONTACTS_SECS} s)") };
            let (presses, lost) = if k == 0 {
                (format!("{}/{}, {}", count.answered, count.sent, count.acknowledged), count.lost.to_string())
            } else {
                (String::new(), String::new())
            };
            let messages = if k == 0 {
                ["–".to_string(), "–".into(), "–".into(), "–".into()]
            } else {
                [row.expected.to_string(), row.lost.to_string(), row.duplicated.to_string(), row.resent.to_string()]
            };
            println!(
                "| {name} | {level} | {presses} | {} | {} | {} | {} | {} | {} | {} | {} | {lost} |",
                row.calls,
                ms(median),
                ms(worst),
                row.not_escalated,
                messages[0],
                messages[1],
                messages[2],
                messages[3],
            );
            let at = format!("{} level {}", &name[..1], k + 1);
            if worst.is_some_and(|w| w > BUDGET_MS) {
                misses.push(format!("{at}: worst {} ms late", worst.unwrap_or_default()));
            }
            if row.not_escalated > 0 {
                misses.push(format!("{at}: {} calls never escalated", row.not_escalated));
            }
            if row.lost > 0 {
                misses.push(format!("{at}: {} messages lost", row.lost));
            }
            if row.duplicated > 0 {
                misses.push(format!("{at}: {} messages duplicated", row.duplicated));
            }
        }
        if count.lost > 0 {
            misses.push(format!("{}: {} presses lost", &name[..1], count.lost));
        }
        if count.answered < count.sent {
            misses.push(format!("{}: {} presses never answered 2xx", &name[..1], count.sent - count.answered));
        }
    }
    println!(
        "| WeChat subscribe messages (all phases) | | | | | | | {} | {} | {} | | |",
        eval.wechat_expected, eval.wechat_lost, eval.wechat_duplicated
    );
    if eval.wechat_lost > 0 {
        misses.push(format!("WeChat: {} messages lost", eval.wechat_lost));
    }
    if eval.wechat_duplicated > 0 {
        misses.push(format!("WeChat: {} messages duplicated", eval.wechat_duplicated));
    }
    if let Some(first) = eval.unreadable.first() {
        misses.push(format!("{} calls could not be read back, e.g. {first}", eval.unreadable.len()));
    }
    println!();
    for m in moves {
        println!(
            "- Reassignment of building 1 ({} → {}): new butler's open stream got the next call: {}; old butler's did not: {}",
            m.from,
            m.to,
            yes(m.new_got_it),
            yes(m.old_did_not)
        );
        if let Some(problem) = &m.problem {
            println!("  ({problem})");
        }
        if !(m.new_got_it && m.old_did_not) {
            misses.push(format!("reassignment {} → {}: the call did not follow the building", m.from, m.to));
        }
    }
    if moves.is_empty() {
        println!("- Reassignment: not checked (no elder in building 1)");
    }
    for k in kills {
        println!("- {k}");
    }
    if !restarts.is_empty() {
        let mut r = restarts.clone();
        r.sort_unstable();
        println!("- restart to healthy, median {} ms", r[r.len() / 2]);
    }
    let mut failures: BTreeMap<String, usize> = BTreeMap::new();
    for e in eval.press_errors.iter() {
        *failures.entry(e.chars().take(300).collect()).or_default() += 1;
    }
    for (e, n) in &failures {
        println!("- press never answered 2xx ×{n}: {e}");
    }
    let received = sms.received();
    let retried: usize = eval.presses.iter().map(|c| c.retried).sum();
    println!("- presses retried with the same key after a network error or 5xx: {retried}");
    println!(
        "- SMS gateway: {} requests, {} accepted, {} distinct ids, {} ids accepted more than once; {} accepted bodies without `id`, {} without `ref`, {} not matched to any call",
        received.len(),
        sms.accepted().len(),
        sms.distinct_accepted_ids().len(),
        sms.resent_ids().len(),
        eval.attributed.without_id,
        eval.attributed.without_ref,
        eval.attributed.unattributed
    );
    let sends = wechat.sends();
    let mut answers: BTreeMap<String, usize> = BTreeMap::new();
    for s in &sends {
        let key = s.errcode.map_or_else(|| format!("HTTP {}", s.http_status), |c| format!("errcode {c}"));
        *answers.entry(key).or_default() += 1;
    }
    let answers: Vec<String> = answers.iter().map(|(k, n)| format!("{k} ×{n}")).collect();
    let fetches = wechat.token_fetches();
    println!(
        "- WeChat: {} sends ({}), {} delivered; {} token fetches ({} fresh)",
        sends.len(),
        answers.join(", "),
        eval.wechat_delivered,
        fetches.len(),
        fetches.iter().filter(|f| f.fresh).count()
    );
    println!(
        "- outbox {} after {drain_secs} s with both gateways ok",
        if *drained { "drained" } else { "NOT drained (bound reached)" }
    );
    println!();
    if misses.is_empty() {
        println!("**budget met**");
    } else {
        println!("**budget missed:**");
        for m in &misses {
            println!("- {m}");
        }
    }
    misses.is_empty()
}
