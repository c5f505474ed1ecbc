//! One recomputation of forgotten scorecard days per community at a time
//! (issue 19: the thundering herd).
//!
//! When kept days are forgotten (rows changed, or the kept table was
//! emptied), every request that arrives before they are kept again would
//! find them missing, read the same rows, and race to keep the same days:
//! eight callers of a year's cards measured 6.3 s at p99, most of it
//! write conflicts on `scorecard_day_key`. A request that must forget or
//! compute days takes its community's turn first; those queued behind it
//! then find the days kept. Requests that find every day kept and nothing
//! changed never wait.
//!
//! The turn is per process: several servers on one database can still
//! race, which `kept_days` survives (the loser answers from the rows).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Per-community turns, and how many days were computed from the rows.
#[derive(Default)]
pub(crate) struct Recomputes {
    /// One entry per community that ever recomputed in this process (a
    /// few hundred at most: only staff of a real community reach here).
    turns: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// Closed days tallied from the rows since the process started.
    computed: AtomicU64,
}

impl Recomputes {
    /// The community's turn: lock it across the check, the computation
    /// and the keeping of its days.
    pub(super) fn turn(&self, community: &str) -> Arc<tokio::sync::Mutex<()>> {
        // A poisoned map only means another thread panicked while
        // inserting; the map itself is still whole.
        let mut turns = self.turns.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        turns.entry(community.to_owned()).or_default().clone()
    }

    /// Counts `days` closed days tallied from the rows.
    pub(super) fn counted(&self, days: usize) {
        self.computed.fetch_add(u64::try_from(days).unwrap_or(u64::MAX), Ordering::Relaxed);
    }

    /// Closed days tallied from the rows since the process started (read
    /// by the tests that check each day is computed once).
    #[cfg(test)]
    pub(crate) fn days_computed(&self) -> u64 {
        self.computed.load(Ordering::Relaxed)
    }
}
