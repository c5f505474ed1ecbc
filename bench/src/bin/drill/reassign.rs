//! Phase f: a building handed to the other butler and back, checked on
//! both butlers' open streams.

use std::{collections::HashMap, sync::Arc, time::Duration};

use reqwest::Method;
use serde_json::json;

use crate::{
    api::Api,
    lock,
    press::{Press, press},
    setup::{Butler, Elder, Owners},
    stream::{mark, saw_pressed_since, saw_pressed_unescalated_since, wait_ready, watch},
};

/// One move of a building to another butler, and what the two butlers'
/// already-open streams showed of the building's next call.
pub(crate) struct Reassignment {
    pub(crate) from: &'static str,
    pub(crate) to: &'static str,
    /// The new butler's stream got the call's `pressed` event.
    pub(crate) new_got_it: bool,
    /// The old butler's stream did not, while the call was unescalated.
    pub(crate) old_did_not: bool,
    /// What went wrong around the check (a move refused, a stream that
    /// did not open, a press without answer).
    pub(crate) problem: Option<String>,
}

/// Phase f: building 1 to the other butler and back; after each move, the
/// building's next press (a new call, or a press again of the elder's
/// open call) must reach the new butler's already-open stream and not the
/// old one's. Returns the checks and the presses made.
pub(crate) async fn reassign(
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
        // What each stream shows from the move on (the elder's press may be
        // a press again of a call open since before the move).
        let marks: Vec<usize> = streams.iter().map(|(seen, _)| mark(seen)).collect();
        let p = press(api, &elders[elder], elder, 5, None, owners).await;
        // Level 1 (3 s) alerts every on-duty staff member anyway: look
        // only at the `pressed` event, before then.
        tokio::time::sleep(Duration::from_millis(2500)).await;
        let (new_got_it, old_did_not) = match &p.call {
            Some(call) => (
                saw_pressed_since(&streams[to].0, call, marks[to]),
                // A press again of a call escalated in the meantime (the
                // move back comes ~2.6 s after the first press, level 1 at
                // 3 s) is told to every staff member on duty, the old
                // butler included: only an unescalated one must not reach
                // them.
                !saw_pressed_unescalated_since(&streams[from].0, call, marks[from]),
            ),
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
