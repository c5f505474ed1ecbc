//! The checks: each level's lateness against its deadline, gateway
//! messages attributed to calls (expected, lost, duplicated, re-sent),
//! presses lost, WeChat messages owed.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, FixedOffset, Utc};
use linli_bench::fakes::{FakeSms, FakeWeChat, SmsRequest};

use crate::{BUDGET_MS, CONSENTS, CONTACTS_SECS, PHASES, STAFF_SECS, press::Press, readback::Fetched, setup::Elder};

fn is_valid_mobile(phone: &str) -> bool {
    let b = phone.as_bytes();
    b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) && b.iter().all(u8::is_ascii_digit)
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
pub(crate) struct Attributed {
    pub(crate) pairs: HashMap<(String, String), BTreeMap<String, usize>>,
    /// Accepted bodies no call could be found for.
    pub(crate) unattributed: usize,
    /// Accepted bodies without an `id` (each counted as its own message).
    pub(crate) without_id: usize,
    /// Accepted bodies without a `ref` (matched by recipient and `pressed_at`).
    pub(crate) without_ref: usize,
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
pub(crate) struct Row {
    pub(crate) calls: usize,
    pub(crate) late_ms: Vec<i64>,
    pub(crate) not_escalated: usize,
    pub(crate) expected: usize,
    pub(crate) lost: usize,
    pub(crate) duplicated: usize,
    pub(crate) resent: usize,
}

/// Per phase: the presses sent, answered 2xx, and lost.
#[derive(Default)]
pub(crate) struct PressCount {
    pub(crate) sent: usize,
    pub(crate) answered: usize,
    pub(crate) acknowledged: usize,
    pub(crate) retried: usize,
    /// Answered presses that were a press again of a call already open
    /// (the same call, announced again).
    pub(crate) again: usize,
    pub(crate) lost: usize,
}

pub(crate) struct Evaluation {
    pub(crate) rows: Vec<[Row; 2]>,
    pub(crate) presses: Vec<PressCount>,
    /// What is still owed: unescalated unanswered calls, undelivered
    /// messages, unknown calls (for the drain).
    pub(crate) outstanding: usize,
    pub(crate) wechat_expected: usize,
    pub(crate) wechat_delivered: usize,
    pub(crate) wechat_lost: usize,
    pub(crate) wechat_duplicated: usize,
    pub(crate) attributed: Attributed,
    /// Calls of 2xx presses the duty room could not read (not a 404).
    pub(crate) unreadable: Vec<String>,
    /// The last error of each press that never got a 2xx answer.
    pub(crate) press_errors: Vec<String>,
}

pub(crate) fn evaluate(
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
    // An elder's presses while a call of theirs is open are that call: each
    // call is checked once, in the earliest phase one of its presses was
    // made in.
    let mut phase_of: HashMap<&str, usize> = HashMap::new();
    for p in presses {
        if let Some(id) = p.call.as_deref() {
            let phase = phase_of.entry(id).or_insert(p.phase);
            *phase = (*phase).min(p.phase);
        }
    }
    let mut checked: HashSet<&str> = HashSet::new();
    for p in presses {
        let Some(count) = counts.get_mut(p.phase) else { continue };
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
        if !checked.insert(id.as_str()) {
            count.again += 1;
            continue;
        }
        let Some(row) = phase_of.get(id.as_str()).and_then(|phase| rows.get_mut(*phase)) else { continue };
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
    // WeChat: one message per acknowledged call of a bound elder (as the
    // call's timeline says: a press may find its call acknowledged by
    // another press's butler, or closed by the duty room).
    let mut expected: HashMap<&str, usize> = HashMap::new();
    let mut acknowledged: HashSet<&str> = HashSet::new();
    for p in presses {
        let Some(id) = p.call.as_deref() else { continue };
        let ack = matches!(calls.get(id), Some(Fetched::Found(v)) if v.ack_at.is_some());
        if !ack || !acknowledged.insert(id) {
            continue;
        }
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
