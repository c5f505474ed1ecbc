//! One check of a caller, shared by every stream opened with the same
//! credential.
//!
//! A stream is authorised for as long as it is open, so its caller is
//! resolved again whenever a session, person or butler changes in this
//! process, and every [`RECHECK`] in any case ([`RECHECK_ALONE`] when no
//! other process shares the database). A person holds several
//! streams (a phone, a tablet, browser tabs), and each used to resolve the
//! same session on its own: at 5,000 streams of 918 people that was 2,500
//! session reads a second on an idle server (25–38 % of a core). Now the
//! streams of one credential share one watcher task that resolves it and
//! publishes what it found; the task ends with the credential's last
//! stream.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use linli_backend::{Actor, Backend, Error};
use tokio::sync::watch;

/// How often the caller of open streams is resolved even when nothing in
/// this process changed, with a database other processes share: with the
/// 2 s session cache, a sign-out or a change made by another process ends
/// or narrows the streams within about 4 s.
pub(super) const RECHECK: Duration = Duration::from_secs(2);

/// The same with an embedded database, which only this process changes,
/// so every change is announced at once and the period only catches a
/// session reaching its idle or maximum age (days): a stream may outlive
/// its session by this much. At 10,000 streams of 918 sign-ins, checking
/// every 2 s kept an idle server at 22 % of a core (`sse` benchmark).
pub(super) const RECHECK_ALONE: Duration = Duration::from_secs(30);

/// What a stream was opened with: its session token, or an elder's help
/// device token, or both. Kept in memory only, never logged.
#[derive(Clone, PartialEq, Eq, Hash)]
pub(super) struct Credential {
    pub session: Option<String>,
    pub device: Option<String>,
}

impl Credential {
    /// The caller, and whether they came in through a help device (which
    /// sees the help screen's events only).
    ///
    /// # Errors
    /// `Error::App` (401) when neither token names a live session or
    /// device; other errors are database faults.
    pub(super) async fn resolve(&self, backend: &Backend) -> Result<Caller, Error> {
        if self.session.is_none() && self.device.is_none() {
            return Err(linli_model::AppError::unauthenticated().into());
        }
        let (actor, device_expiry) = backend.help_caller(self.session.as_deref(), self.device.as_deref()).await?;
        Ok(Caller { actor: Arc::new(actor), via_device: device_expiry.is_some() })
    }
}

/// A resolved caller.
#[derive(Clone, PartialEq)]
pub(super) struct Caller {
    pub actor: Arc<Actor>,
    pub via_device: bool,
}

/// The caller as last resolved by the watcher.
#[derive(Clone)]
pub(super) struct Checked {
    /// The value of the backend's session-change counter when this check
    /// began: every change up to it is reflected.
    pub generation: u64,
    /// `None` once the session is over (signed out, expired, deactivated):
    /// the streams end.
    pub caller: Option<Caller>,
}

type Watched = Arc<watch::Sender<Checked>>;

/// The watcher of each credential that has open streams in this process.
#[derive(Default)]
pub struct Callers {
    watched: Mutex<HashMap<Credential, Watched>>,
}

impl Callers {
    /// Distinct credentials with open streams (`/healthz`).
    pub fn count(&self) -> usize {
        self.watched.lock().map_or(0, |w| w.len())
    }

    /// Follows `credential`'s caller for a new stream: joins the watcher
    /// already running for it, or starts one from `first`, the check the
    /// stream was just opened with.
    pub(super) fn watch(
        self: &Arc<Self>,
        backend: &Backend,
        credential: &Credential,
        first: Checked,
    ) -> watch::Receiver<Checked> {
        let Ok(mut watched) = self.watched.lock() else {
            // A poisoned map: this stream gets a watcher of its own.
            let tx = Arc::new(watch::Sender::new(first));
            let rx = tx.subscribe();
            tokio::spawn(run(self.clone(), backend.clone(), credential.clone(), tx));
            return rx;
        };
        if let Some(tx) = watched.get(credential) {
            return tx.subscribe();
        }
        let tx = Arc::new(watch::Sender::new(first));
        let rx = tx.subscribe();
        watched.insert(credential.clone(), tx.clone());
        tokio::spawn(run(self.clone(), backend.clone(), credential.clone(), tx));
        rx
    }

    /// Drops `tx` from the map if no stream follows it any more, under the
    /// map's lock so that no new stream joins a watcher that is ending.
    fn forget_if_unwatched(&self, credential: &Credential, tx: &Watched) -> bool {
        let Ok(mut watched) = self.watched.lock() else { return true };
        if tx.receiver_count() > 0 {
            return false;
        }
        Self::remove(&mut watched, credential, tx);
        true
    }

    fn forget(&self, credential: &Credential, tx: &Watched) {
        if let Ok(mut watched) = self.watched.lock() {
            Self::remove(&mut watched, credential, tx);
        }
    }

    fn remove(watched: &mut HashMap<Credential, Watched>, credential: &Credential, tx: &Watched) {
        if watched.get(credential).is_some_and(|mine| Arc::ptr_eq(mine, tx)) {
            watched.remove(credential);
        }
    }
}

/// The watcher: resolves the caller at every change in this process and
/// every [`RECHECK`] ([`RECHECK_ALONE`] with an embedded database),
/// publishes it, and ends with its last stream or when
/// the session is over.
async fn run(callers: Arc<Callers>, backend: Backend, credential: Credential, tx: Watched) {
    let mut changes = backend.session_changes();
    let every = if backend.database_is_shared() { RECHECK } else { RECHECK_ALONE };
    let mut recheck = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    recheck.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // A change after the stream's own check and before this task began is
    // seen at once.
    let mut due_now = *changes.borrow_and_update() != tx.borrow().generation;
    loop {
        if !due_now {
            tokio::select! {
                biased;
                () = tx.closed() => {
                    if callers.forget_if_unwatched(&credential, &tx) {
                        return;
                    }
                    continue;
                }
                changed = changes.changed() => if changed.is_err() {
                    callers.forget(&credential, &tx);
                    tx.send_replace(Checked { generation: tx.borrow().generation, caller: None });
                    return;
                },
                _ = recheck.tick() => {}
            }
        }
        due_now = false;
        let generation = *changes.borrow_and_update();
        match credential.resolve(&backend).await {
            Ok(caller) => {
                tx.send_if_modified(|c| {
                    let moved = c.generation != generation || c.caller.as_ref() != Some(&caller);
                    *c = Checked { generation, caller: Some(caller) };
                    moved
                });
            }
            Err(Error::App(_)) => {
                callers.forget(&credential, &tx);
                tx.send_replace(Checked { generation, caller: None });
                return;
            }
            // A database fault keeps the streams as they are; the next
            // check tries again. Streams waiting for this generation go on.
            Err(e) => {
                tracing::warn!(error = %e, "live stream: caller not checked again");
                tx.send_if_modified(|c| {
                    let moved = c.generation != generation;
                    c.generation = generation;
                    moved
                });
            }
        }
    }
}
