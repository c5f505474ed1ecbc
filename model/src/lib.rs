//! `linli-model`: shared types and rules, compiled both to WASM (the
//! browser) and natively (the server). Features: `openapi` (schemas for
//! the server's OpenAPI document), `server-fn` (`AppError` as the error
//! type of Leptos server functions).
//!
//! Every rule that both sides must agree on lives here once: the client
//! uses it to decide what to show, the server to decide what to allow.

pub mod admin;
pub mod bounded;
pub mod category;
pub mod client_key;
pub mod complaint;
pub mod due;
pub mod error;
pub mod follow_up;
pub mod help;
pub mod i18n;
pub mod job;
pub mod job_list;
pub mod keys;
pub mod live;
pub mod notice;
pub mod outage;
pub mod page;
pub mod pass;
pub mod people;
pub mod permission;
pub mod phone;
pub mod plate;
pub mod repair;
pub mod scorecard;
pub mod session;
pub mod sla;
pub mod staff_entry;
pub mod text;
pub mod time;

pub use error::{AppError, ErrorBody, ErrorCode};
pub use i18n::{Lang, Msg};
pub use page::{Cursor, Page, PageRequest};
pub use people::{BuildingInfo, BuildingRef, CommunityRef, Me, ResidentInfo, Role, StaffRef, Trade, UnitInfo, UnitRef};
pub use permission::Permission;
