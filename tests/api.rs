//! The integration tests: the real server (router, services, embedded
//! SurrealDB) on a real socket, driven over HTTP as a client would. One
//! test binary holding every suite: each would otherwise link the whole
//! server and database again.
// Tests and their helpers may panic: that is how a test fails.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    reason = "tests: a panic is how a test fails, and figures are small"
)]

mod common;

mod backup;
mod butlers;
mod cluster;
mod complaints;
mod contract;
mod demo;
mod due_sweeps;
mod elder_visits;
mod follow_ups;
mod foundation;
mod help;
mod help_chain;
mod hostile;
mod inputs;
mod notices;
mod outages;
mod paging;
mod passes;
mod probe_fixes;
mod proxy;
mod recurring_passes;
mod repairs;
mod request_keys;
mod scale;
mod security;
mod sla_clock;
mod staff_entry;
mod stream_and_urge;
mod wechat;
