//! The manager's console (buildings and butlers, staff, settings, audit
//! log), the scorecards, and a resident's butler card. All changes are
//! plain forms; every one is audited on the server.
//!
//! One file per page; the query-string helpers the pages share live here.

mod audit;
mod buildings;
mod butler_card;
mod scorecards;
mod settings;
mod staff;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

pub use self::{
    audit::AuditPage, buildings::BuildingsPage, butler_card::ButlerCardPage, scorecards::ScorecardsPage,
    settings::SettingsPage, staff::StaffPage,
};
use super::{components::msg_from_query, t};

fn query(name: &str) -> Option<String> {
    use_query_map().with_untracked(|q| q.get(name)).filter(|v| !v.is_empty())
}

fn error_notice() -> impl IntoView {
    let detail = query("detail").filter(|d| d.starts_with("line"));
    query("error").and_then(|e| msg_from_query(&e)).map(|m| {
        view! {
            <p class="notice error" role="alert">
                {t(m)}
                {detail.map(|d| format!(" ({d})"))}
            </p>
        }
    })
}
