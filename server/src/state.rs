//! What every handler can reach.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use linli_backend::Backend;

use crate::config::Config;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub backend: Backend,
    pub leptos_options: LeptosOptions,
    pub config: Arc<Config>,
    /// When each background duty last completed a round (`/healthz`).
    pub duties: Arc<crate::duties::DutyHealth>,
    /// Live streams: places per person and shared caller checks (`stream/`).
    pub streams: Arc<crate::stream::Streams>,
    /// Flips to `true` when the server shuts down; long-lived responses
    /// (the live stream) end then.
    pub shutdown: tokio::sync::watch::Receiver<bool>,
}
