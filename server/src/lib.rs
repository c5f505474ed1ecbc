//! The Linli server: configuration, start-up and the HTTP surface (Leptos
//! pages, the `/api/v1` JSON API, plain-form posts, static files).
//! The behaviour itself lives in `linli_backend`.

pub mod config;
mod deadline;
mod duties;
mod error;
mod extract;
mod forms;
mod forwarded;
#[doc(hidden)]
pub mod ladder;
mod listener;
mod media;
mod openapi;
mod page_status;
mod request_body;
mod rest;
mod security;
pub mod startup;
mod state;
mod stream;
mod visitor;

pub use config::Config;
pub use startup::{Server, shutdown_signal};
