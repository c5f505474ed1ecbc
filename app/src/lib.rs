//! Linli 邻里: the app a residential community runs on.
//!
//! This crate is compiled twice: with `ssr` for the server (everything) and
//! with `hydrate` for the browser (model, UI and server-function stubs).
//!
//! - [`model`]: shared types and rules, one truth for client and server;
//! - [`ui`]: the pages and components;
//! - [`api`]: server functions the UI calls;
//! - `backend` (server only): services and the SurrealDB store.

pub mod api;
#[cfg(feature = "ssr")]
pub mod backend;
pub mod model;
pub mod ui;

pub use ui::{App, shell};
