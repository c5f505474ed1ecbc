//! The wall clock for countdowns: ticks every second in the browser, fixed
//! at render time on the server.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Now(pub RwSignal<DateTime<Utc>>);

pub fn provide_now() {
    let now = RwSignal::new(Utc::now());
    #[cfg(feature = "hydrate")]
    {
        let _ = set_interval_with_handle(move || now.set(Utc::now()), std::time::Duration::from_secs(1));
    }
    provide_context(Now(now));
}

pub fn use_now() -> RwSignal<DateTime<Utc>> {
    use_context::<Now>().map(|n| n.0).unwrap_or_else(|| RwSignal::new(Utc::now()))
}
