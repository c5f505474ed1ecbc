//! Reading the calls back as the duty room sees them: `created_at` and
//! the timeline's escalation and acknowledgement entries.

use std::{collections::HashMap, time::Duration};

use chrono::{DateTime, Utc};
use reqwest::Method;
use serde_json::Value;

use crate::{
    api::{Answer, Api},
    press::Press,
};

/// A call as the duty room reads it at the end.
#[derive(Clone)]
pub(crate) struct CallView {
    pub(crate) created: DateTime<Utc>,
    pub(crate) level: u64,
    pub(crate) staff_at: Option<DateTime<Utc>>,
    pub(crate) contacts_at: Option<DateTime<Utc>>,
    pub(crate) ack_at: Option<DateTime<Utc>>,
}

pub(crate) enum Fetched {
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

pub(crate) async fn fetch_calls(api: &Api, duty: &str, presses: &[Press]) -> HashMap<String, Fetched> {
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
pub(crate) async fn list_calls(api: &Api, duty: &str, presses: &[Press]) -> HashMap<String, Fetched> {
    let listed: HashMap<String, CallView> = match api.send(Method::GET, "/help-calls", Some(duty), None).await {
        Answer::Status(200, v) => v["items"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| Some((c["id"].as_str()?.to_string(), parse_call(c)?)))
            .collect(),
        _ => HashMap::new(),
    };
    presses
        .iter()
        .filter_map(|p| p.call.clone())
        .map(|id| {
            // Presses again of an open call share it.
            let got =
                listed.get(&id).cloned().map_or_else(|| Fetched::Unknown("not in the list".into()), Fetched::Found);
            (id, got)
        })
        .collect()
}

/// Between phases, the duty room closes the open calls whose checks are
/// settled (acknowledged, or their contacts texted), so that the next
/// phase's presses raise new calls: an elder's presses while a call of
/// theirs is open are that call. Calls still short of level 2 stay open
/// (closing them would stop their escalation). How many were closed.
pub(crate) async fn close_settled(api: &Api, duty: &str) -> usize {
    let Answer::Status(200, v) = api.send(Method::GET, "/help-calls?open=true&limit=200", Some(duty), None).await
    else {
        return 0;
    };
    let mut closed = 0;
    for c in v["items"].as_array().into_iter().flatten() {
        let settled = c["escalation_level"].as_u64().unwrap_or(0) >= 2 || c["status"] != "sent";
        let Some(id) = c["id"].as_str().filter(|_| settled) else { continue };
        let body = serde_json::json!({ "action": "resolve", "outcome": "resolved" });
        let path = format!("/help-calls/{id}/actions");
        if let Answer::Status(200..=299, _) = api.send(Method::POST, &path, Some(duty), Some(&body)).await {
            closed += 1;
        }
    }
    closed
}
