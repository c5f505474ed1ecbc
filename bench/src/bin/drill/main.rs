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
//! WeChat messages for elders bound to WeChat). An elder's press while a
//! call of theirs is open is that call (announced again), so each call
//! is checked once, in the first phase it was pressed in; between
//! phases the duty room closes the calls whose checks are settled
//! (acknowledged, or at level 2) so that the next phase raises new ones.
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
//!
//! The modules, in the order a run uses them: `server` (the process
//! under drill), `api`, `setup` (the scenario), `phases` (the run and
//! its fault injection), `press`, `stream` and `reassign` (phase f),
//! `readback`, `checks`, `report`.

#![allow(
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    reason = "measurement tools: indices come from their own tables, figures are small"
)]

mod api;
mod checks;
mod phases;
mod press;
mod readback;
mod reassign;
mod report;
mod server;
mod setup;
mod stream;

use std::{
    path::PathBuf,
    sync::{Mutex, MutexGuard, PoisonError},
    time::Duration,
};

use linli_bench::{arg, server_binary};

use crate::phases::run;

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
