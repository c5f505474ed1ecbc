//! The services' clock: the time every service stamps on what it writes
//! and judges deadlines by.
//!
//! It is the system clock, except inside [`at`], which runs a future with
//! the clock set to a given instant for that task only. The demo seeder
//! (`demo/history.rs`) uses it to write a month of history through the
//! same services as real use; requests served at the same time, on other
//! tasks, keep reading the system clock. Work a service spawns onto
//! another task reads the system clock too.

use std::future::Future;

use chrono::{DateTime, Utc};

tokio::task_local! {
    static SET_TO: DateTime<Utc>;
}

/// The current instant: the one set by an enclosing [`at`] on this task,
/// else the system clock.
pub fn now() -> DateTime<Utc> {
    SET_TO.try_with(|t| *t).unwrap_or_else(|_| Utc::now())
}

/// Runs `work` with [`now`] answering `instant` throughout (on this task).
pub async fn at<F: Future>(instant: DateTime<Utc>, work: F) -> F::Output {
    SET_TO.scope(instant, work).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_clock_is_set_only_inside_at_and_only_on_its_task() {
        let past = Utc::now() - chrono::Duration::days(20);
        assert!(now() > past + chrono::Duration::days(19));
        let inside = at(past, async {
            let here = now();
            let other_task = tokio::spawn(async { now() }).await.ok();
            (here, other_task)
        })
        .await;
        assert_eq!(inside.0, past);
        assert!(inside.1.is_some_and(|t| t > past + chrono::Duration::days(19)), "other tasks keep the system clock");
        assert!(now() > past + chrono::Duration::days(19));
    }
}
