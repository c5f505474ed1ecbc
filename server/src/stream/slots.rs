//! How many live streams one person may hold open in this process.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

/// Open streams per person, in this process: at most `--streams-per-person`
/// (16: a phone, a tablet, browser tabs, and streams of a flaky network
/// that the server has not yet noticed are gone, which it does at the next
/// keep-alive, 15 s); more are refused with 429, so one token cannot use
/// up the server's connections.
pub struct StreamSlots {
    per_person: usize,
    open: Mutex<HashMap<String, usize>>,
}

impl StreamSlots {
    pub fn new(per_person: usize) -> Self {
        Self { per_person: per_person.max(1), open: Mutex::default() }
    }

    /// A place for one more stream of `user`, or `None` when they hold
    /// the most already.
    pub(super) fn take(self: &Arc<Self>, user: &str) -> Option<StreamSlot> {
        let mut open = self.open.lock().ok()?;
        let n = open.entry(user.to_string()).or_insert(0);
        if *n >= self.per_person {
            return None;
        }
        *n += 1;
        Some(StreamSlot { slots: self.clone(), user: user.to_string() })
    }
}

/// One open stream's place; given back when the stream ends.
pub(super) struct StreamSlot {
    slots: Arc<StreamSlots>,
    user: String,
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        if let Ok(mut open) = self.slots.open.lock()
            && let Some(n) = open.get_mut(&self.user)
        {
            *n = n.saturating_sub(1);
            if *n == 0 {
                open.remove(&self.user);
            }
        }
    }
}
