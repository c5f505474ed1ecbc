//! Password hashing under a concurrency limit.
//!
//! Argon2id costs about 19 MiB and tens of milliseconds of CPU per hash,
//! on purpose. A burst of logins must neither pile up hundreds of those
//! nor stall the async workers: hashes run on blocking threads, at most
//! one per core at once, with a short queue behind them; when the queue
//! is full the login is answered 503 at once instead of waiting.

use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::Semaphore;

use super::error::{Error, Result};
use linli_model::{AppError, ErrorCode, Msg};

/// Logins that may wait for a hashing slot, per core.
const QUEUE_PER_CORE: usize = 8;

pub struct HashGate {
    slots: Semaphore,
    waiting: AtomicUsize,
    max_waiting: usize,
}

impl Default for HashGate {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
        Self { slots: Semaphore::new(cores), waiting: AtomicUsize::new(0), max_waiting: cores * QUEUE_PER_CORE }
    }
}

/// Counts a waiter for as long as it lives (also when its request is
/// dropped while waiting).
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl HashGate {
    /// Runs `work` (a hash or a verification) when a slot is free; 503 at
    /// once when too many are already waiting.
    pub async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T> {
        if self.waiting.fetch_add(1, Ordering::AcqRel) >= self.max_waiting {
            self.waiting.fetch_sub(1, Ordering::AcqRel);
            return Err(AppError::new(ErrorCode::Unavailable, Msg::ErrUnavailable).into());
        }
        let waiting = Waiting(&self.waiting);
        let slot = self.slots.acquire().await.map_err(Error::internal)?;
        drop(waiting);
        let out = tokio::task::spawn_blocking(work).await.map_err(Error::internal);
        drop(slot);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_full_queue_is_refused_at_once() {
        let gate =
            std::sync::Arc::new(HashGate { slots: Semaphore::new(1), waiting: AtomicUsize::new(0), max_waiting: 1 });
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let rx = std::sync::Arc::new(std::sync::Mutex::new(rx));
        // Two slow jobs: one runs, one waits, and the queue (of one) is full.
        let mut running = Vec::new();
        for _ in 0..2 {
            let (gate, rx) = (gate.clone(), rx.clone());
            running.push(tokio::spawn(async move {
                gate.run(move || {
                    let _ = rx.lock().map(|r| r.recv());
                })
                .await
            }));
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let started = std::time::Instant::now();
        let refused = gate.run(|| ()).await;
        assert!(refused.is_err(), "the third caller is turned away");
        assert!(started.elapsed() < std::time::Duration::from_millis(50), "at once");
        for _ in 0..2 {
            let _ = tx.send(());
        }
        for r in running {
            assert!(r.await.is_ok_and(|r| r.is_ok()));
        }
        assert!(gate.run(|| 7).await.is_ok_and(|v| v == 7), "slots free again");
    }
}
