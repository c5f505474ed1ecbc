//! The report: a Markdown table per phase and level, the notes, and
//! whether the budget was met.

use std::collections::BTreeMap;

use linli_bench::fakes::{FakeSms, FakeWeChat};

use crate::{BUDGET_MS, CONTACTS_SECS, Opts, PHASES, STAFF_SECS, checks::Evaluation, reassign::Reassignment};

fn ms(v: Option<i64>) -> String {
    v.map_or_else(|| "–".into(), |v| v.to_string())
}

fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// What happened besides the presses.
pub(crate) struct Notes {
    pub(crate) kills: Vec<String>,
    pub(crate) restarts: Vec<u128>,
    pub(crate) moves: Vec<Reassignment>,
    /// Nothing was owed when the drain ended.
    pub(crate) drained: bool,
    pub(crate) drain_secs: u64,
}

/// Prints the table and the budget; whether it was met.
pub(crate) fn report(opts: &Opts, eval: &Evaluation, sms: &FakeSms, wechat: &FakeWeChat, notes: &Notes) -> bool {
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
    let again: usize = eval.presses.iter().map(|c| c.again).sum();
    println!("- presses of an elder whose call was open, answered with that call (announced again): {again}");
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
