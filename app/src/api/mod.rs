//! Server functions: what the web UI calls. Each is a thin shell that finds
//! the caller and hands over to a service in `backend`, exactly as the REST
//! handlers do, so the two can never disagree.

pub mod admin;
pub mod complaints;
#[cfg(feature = "ssr")]
pub mod ctx;
pub mod help;
pub mod notices;
pub mod outages;
pub mod passes;
pub mod repairs;
pub mod session;
pub mod staff_entry;
