//! Linli 邻里: the app a residential community runs on.
//!
//! This crate is compiled twice: with `ssr` for the server (everything) and
//! with `hydrate` for the browser (model, UI and server-function stubs).
//!
//! - [`model`] (the `linli-model` crate): shared types and rules, one
//!   truth for client and server;
//! - [`ui`]: the pages and components;
//! - [`api`]: server functions the UI calls;
//! - `backend` (the `linli-backend` crate, server only): services and the
//!   SurrealDB store.

pub mod api;
pub mod ui;

/// The services (server only): the `linli-backend` crate.
#[cfg(feature = "ssr")]
pub use linli_backend as backend;
/// Shared types and rules: the `linli-model` crate.
pub use linli_model as model;

#[cfg(feature = "hydrate")]
pub use ui::prepare_hydration;
pub use ui::{App, shell};
