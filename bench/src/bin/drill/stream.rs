//! The live stream (`GET /api/v1/stream`) read as a butler's screen reads it.

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use futures::StreamExt as _;
use serde_json::Value;
use tokio::task::JoinHandle;

use crate::lock;

/// One server-sent event.
pub(crate) struct Seen {
    kind: String,
    data: Value,
}

/// Reads `GET /api/v1/stream` into `seen` until aborted (or 10 minutes).
pub(crate) fn watch(client: reqwest::Client, base: &str, token: &str) -> (Arc<Mutex<Vec<Seen>>>, JoinHandle<()>) {
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

/// How many events `seen` holds now (a mark for [`saw_pressed_since`]).
pub(crate) fn mark(seen: &Mutex<Vec<Seen>>) -> usize {
    lock(seen).len()
}

/// Whether a press of `call` (its first, or a press again while it was
/// open) was announced on the stream after the mark `since`.
pub(crate) fn saw_pressed_since(seen: &Mutex<Vec<Seen>>, call: &str, since: usize) -> bool {
    lock(seen).iter().skip(since).any(|e| {
        e.kind == "help_call.updated"
            && e.data["id"].as_str() == Some(call)
            && (e.data["action"] == "pressed" || e.data["action"] == "pressed_again")
    })
}

/// Whether `seen` holds, from `since` on, a `pressed` or `pressed_again`
/// event of `call` sent while the call was at level 0: before escalation
/// its audience is the building's butler (and the duty room); from level 1
/// on every staff member on duty is told as well, so an old butler who is
/// on duty then sees the call by design, not because the building's
/// audience lagged (`Backend::announce_call`).
pub(crate) fn saw_pressed_unescalated_since(seen: &Mutex<Vec<Seen>>, call: &str, since: usize) -> bool {
    lock(seen).iter().skip(since).any(|e| {
        e.kind == "help_call.updated"
            && e.data["id"].as_str() == Some(call)
            && (e.data["action"] == "pressed" || e.data["action"] == "pressed_again")
            && e.data["escalation_level"].as_u64() == Some(0)
    })
}

pub(crate) async fn wait_ready(seen: &Mutex<Vec<Seen>>) -> bool {
    for _ in 0..100 {
        if lock(seen).iter().any(|e| e.kind == "ready") {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}
