//! A small fixed-window rate limiter, kept in memory.
//!
//! It guards against guessing (passwords, pass codes) and floods (reports,
//! passes, uploads) from one process' point of view; behind a load
//! balancer each process limits on its own, which multiplies the
//! allowance by the number of processes but still keeps guessing
//! impractical and a flood small.
//!
//! Windows are timed by the services' clock ([`crate::clock::now`]), so
//! the demo history, written at instants of the past month, spends the
//! allowance of those instants and not of today.

use std::{collections::HashMap, sync::Mutex, time::Duration};

use chrono::{DateTime, Utc};

use crate::clock;

pub struct RateLimiter {
    limit: u32,
    period: chrono::Duration,
    windows: Mutex<HashMap<String, (DateTime<Utc>, u32)>>,
}

impl RateLimiter {
    /// At most `limit` hits per `period` for each key.
    pub fn new(limit: u32, period: Duration) -> Self {
        let period = chrono::Duration::from_std(period).unwrap_or(chrono::Duration::MAX);
        Self { limit, period, windows: Mutex::new(HashMap::new()) }
    }

    /// Seconds until `key`'s window ends and its allowance is whole again
    /// (at least 1; 0 when it has no window open).
    pub fn retry_after(&self, key: &str) -> u64 {
        let now = clock::now();
        let Ok(windows) = self.windows.lock() else { return 0 };
        match windows.get(key) {
            Some((start, _)) if now - *start < self.period => {
                let left = self.period - (now - *start);
                u64::try_from(left.num_seconds().max(1)).unwrap_or(1)
            }
            _ => 0,
        }
    }

    /// Whether `key` still has allowance, without spending it.
    pub fn allows(&self, key: &str) -> bool {
        let now = clock::now();
        let Ok(windows) = self.windows.lock() else { return true };
        match windows.get(key) {
            Some((start, count)) if now - *start < self.period => *count < self.limit,
            _ => true,
        }
    }

    /// Spends one unit of `key`'s allowance; `false` when it was already spent.
    pub fn hit(&self, key: &str) -> bool {
        let now = clock::now();
        let Ok(mut windows) = self.windows.lock() else { return true };
        if windows.len() > 50_000 {
            let period = self.period;
            windows.retain(|_, (start, _)| now - *start < period);
        }
        let entry = windows.entry(key.to_string()).or_insert((now, 0));
        if now - entry.0 >= self.period {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= self.limit
    }

    /// Hits of `key` in its current window (0 when none).
    pub fn count(&self, key: &str) -> u32 {
        let now = clock::now();
        let Ok(windows) = self.windows.lock() else { return 0 };
        match windows.get(key) {
            Some((start, count)) if now - *start < self.period => *count,
            _ => 0,
        }
    }

    /// Gives back one hit of `key` (an attempt that turned out fine).
    pub fn refund(&self, key: &str) {
        if let Ok(mut windows) = self.windows.lock()
            && let Some(entry) = windows.get_mut(key)
        {
            entry.1 = entry.1.saturating_sub(1);
        }
    }

    /// Forgets `key`, e.g. after a successful login.
    pub fn reset(&self, key: &str) {
        if let Ok(mut windows) = self.windows.lock() {
            windows.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_after_the_limit_and_recovers_after_the_period() {
        let rl = RateLimiter::new(3, Duration::from_millis(50));
        assert!(rl.hit("a"));
        assert!(rl.hit("a"));
        assert!(rl.allows("a"));
        assert!(rl.hit("a"));
        assert!(!rl.allows("a"));
        assert!(!rl.hit("a"));
        assert!(rl.hit("b"), "keys are independent");
        std::thread::sleep(Duration::from_millis(60));
        assert!(rl.hit("a"));
    }

    #[tokio::test]
    async fn windows_follow_the_services_clock() {
        let rl = RateLimiter::new(2, Duration::from_secs(3600));
        let past = Utc::now() - chrono::Duration::days(3);
        clock::at(past, async {
            assert!(rl.hit("a"));
            assert!(rl.hit("a"));
            assert!(!rl.hit("a"), "spent three days ago");
        })
        .await;
        assert_eq!(rl.retry_after("a"), 0, "that window is over now");
        assert!(rl.hit("a"), "today's allowance is whole");
        assert!(rl.hit("a"));
        assert!(!rl.hit("a"));
        let wait = rl.retry_after("a");
        assert!((3590..=3600).contains(&wait), "the window ends an hour after it opened: {wait}");
    }

    #[test]
    fn reset_forgets_a_key() {
        let rl = RateLimiter::new(1, Duration::from_secs(60));
        assert!(rl.hit("a"));
        assert!(!rl.hit("a"));
        rl.reset("a");
        assert!(rl.hit("a"));
    }
}
