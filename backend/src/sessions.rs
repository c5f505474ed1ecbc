//! A short-lived, in-process memory of resolved sessions.
//!
//! Every request begins by turning its token into an [`Actor`]: three
//! statements (the session; the person with their unit and community; the
//! buildings a butler owns). Measured under load (README, "Performance")
//! that was most of a small request's work, and the answer almost never
//! changes between two requests a second apart.
//!
//! So the answer is kept for [`FRESH_FOR`]. Everything in this process that
//! changes who someone is or what they may reach (signing out, an account
//! edit, elder mode, a building's butler) calls [`SessionCache::forget_all`]
//! before it answers, so within one process nothing stale is ever served. A
//! second server process sharing the database cannot reach this memory:
//! there a change made elsewhere takes effect within `FRESH_FOR`, the bound
//! the README states for a cluster.

use std::{
    collections::HashMap,
    sync::{Mutex, MutexGuard, PoisonError},
    time::{Duration, Instant},
};

use chrono::{DateTime, Utc};

use super::policy::Actor;

/// How long a resolved session is trusted without asking the database.
pub const FRESH_FOR: Duration = Duration::from_secs(2);

/// Beyond this many cached sessions the memory is dropped and refilled: a
/// bound on memory, far above the active users of one community.
const MAX_ENTRIES: usize = 50_000;

struct Entry {
    actor: Actor,
    /// The earlier of the session's absolute and idle expiry.
    valid_until: DateTime<Utc>,
    cached_at: Instant,
}

#[derive(Default)]
struct State {
    entries: HashMap<String, Entry>,
    /// Bumped by every `forget_all`; a lookup that started before a bump
    /// must not store what it read.
    generation: u64,
}

/// Resolved sessions by token hash. See the module docs.
pub struct SessionCache {
    state: Mutex<State>,
    /// Counts every `forget_all`: open live streams watch it and check
    /// their caller again at once (`server/src/stream.rs`).
    changes: tokio::sync::watch::Sender<u64>,
}

impl Default for SessionCache {
    fn default() -> Self {
        Self { state: Mutex::default(), changes: tokio::sync::watch::Sender::new(0) }
    }
}

/// Where a lookup started: handed back to [`SessionCache::put`].
#[derive(Clone, Copy, Debug)]
pub struct Ticket(u64);

impl SessionCache {
    fn lock(&self) -> MutexGuard<'_, State> {
        // The map holds no invariant a panic could break halfway.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The actor for a token hash, if known and still fresh; otherwise a
    /// ticket to store the database's answer with.
    pub fn get(&self, token_hash: &str) -> Result<Actor, Ticket> {
        let state = self.lock();
        match state.entries.get(token_hash) {
            Some(e) if e.cached_at.elapsed() < FRESH_FOR && Utc::now() < e.valid_until => Ok(e.actor.clone()),
            _ => Err(Ticket(state.generation)),
        }
    }

    /// Remembers what the database said, unless something was forgotten
    /// since the lookup began (the answer may predate that change).
    pub fn put(&self, ticket: Ticket, token_hash: String, actor: Actor, valid_until: DateTime<Utc>) {
        let mut state = self.lock();
        if state.generation != ticket.0 {
            return;
        }
        if state.entries.len() >= MAX_ENTRIES {
            state.entries.clear();
        }
        state.entries.insert(token_hash, Entry { actor, valid_until, cached_at: Instant::now() });
    }

    /// Drops everything: called by every write that changes a session, a
    /// person or a building's butler.
    pub fn forget_all(&self) {
        {
            let mut state = self.lock();
            state.entries.clear();
            state.generation = state.generation.wrapping_add(1);
        }
        self.changes.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// Notified after every `forget_all` in this process: whoever holds an
    /// actor for long (a live stream) must resolve it again.
    pub fn changes(&self) -> tokio::sync::watch::Receiver<u64> {
        self.changes.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::tests::actor;
    use linli_model::Role;

    fn later() -> DateTime<Utc> {
        Utc::now() + chrono::Duration::hours(1)
    }

    #[test]
    fn a_stored_answer_is_served_until_forgotten() {
        let cache = SessionCache::default();
        let ticket = cache.get("h").expect_err("empty cache");
        cache.put(ticket, "h".into(), actor(Role::Resident), later());
        assert_eq!(cache.get("h").map(|a| a.role).ok(), Some(Role::Resident));
        cache.forget_all();
        assert!(cache.get("h").is_err());
    }

    #[test]
    fn an_answer_read_before_a_change_is_not_stored() {
        let cache = SessionCache::default();
        let ticket = cache.get("h").expect_err("empty cache");
        // Sign-out lands while the database read is in flight.
        cache.forget_all();
        cache.put(ticket, "h".into(), actor(Role::Resident), later());
        assert!(cache.get("h").is_err());
    }

    #[test]
    fn watchers_are_told_of_every_change() {
        let cache = SessionCache::default();
        let mut changes = cache.changes();
        assert!(!changes.has_changed().unwrap_or(true));
        cache.forget_all();
        assert!(changes.has_changed().unwrap_or(false));
        changes.mark_unchanged();
        cache.forget_all();
        assert!(changes.has_changed().unwrap_or(false));
    }

    #[test]
    fn an_expired_session_is_not_served_from_memory() {
        let cache = SessionCache::default();
        let ticket = cache.get("h").expect_err("empty cache");
        cache.put(ticket, "h".into(), actor(Role::Resident), Utc::now() - chrono::Duration::seconds(1));
        assert!(cache.get("h").is_err());
    }
}
