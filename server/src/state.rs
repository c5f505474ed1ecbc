//! What every handler can reach.

use std::sync::Arc;

use app::backend::Backend;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use crate::config::Config;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub backend: Backend,
    pub leptos_options: LeptosOptions,
    pub config: Arc<Config>,
}
