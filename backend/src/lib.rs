//! `linli-backend`: the services that hold the product's behaviour and the
//! SurrealDB store they use. A crate of its own, depending on no Leptos
//! crate, so that "nothing else talks to the database" is a boundary the
//! compiler keeps: the state's fields are private, and REST handlers,
//! form handlers and server functions (in `server` and `app`) can only
//! call the public services of [`Backend`]. Each rule is enforced in one
//! place; the rules both sides share live in `linli-model`.

pub mod activities;
pub mod admin;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod check_ins;
pub mod clean;
pub mod clock;
pub mod complaints;
pub mod convert;
pub mod db;
pub mod demo;
pub mod devices;
#[cfg(test)]
mod due_plans;
pub mod elders;
pub mod error;
pub mod events;
pub mod follow_ups;
pub mod hashing;
pub mod help;
pub mod ids;
#[cfg(test)]
mod list_plans;
pub mod live_bench;
pub mod media;
pub mod notices;
pub mod notify;
pub mod outages;
pub mod passes;
pub mod people;
pub mod policy;
pub mod qr;
#[cfg(test)]
mod queries_check;
pub mod ratelimit;
pub mod record;
pub mod relay;
pub mod repairs;
pub mod scale;
mod schema_sets;
pub mod scorecards;
pub mod sessions;
pub mod staff_entry;
pub mod state;
pub mod unit_import;
pub mod web;
pub mod wechat;
pub mod wechat_fields;

pub use error::{Error, Result};
pub use policy::Actor;
pub use state::{Backend, BackendConfig};
