//! Every screen but home and sign-in, each in its own lazily loaded WASM chunk.
//!
//! A phone opening the app downloads the shell, the sign-in form and the
//! home screens (the elder's one button among them); every other route is a
//! [`LazyRoute`]: with `cargo leptos build --split` its view code goes into a
//! separate `.wasm` file that the browser fetches only when the route is
//! opened. A resident never downloads the job board, the gate scanner or the
//! admin console at all. The server-rendered page names the chunks it needs
//! in `<link rel="preload">`, so a cold load of any screen fetches its chunk
//! alongside the main bundle instead of after it; and every screen's forms
//! are plain HTML that work before (or without) any WASM.
//!
//! The pages themselves live with their role's module; these wrappers only
//! mark the split points. They load no data of their own (`data()` is
//! empty): each page starts its resources when it renders, which on the
//! server happens in the same pass, so hydration sees them in the same order.
//!
//! Each `#[lazy_route]` expands into a small FFI shim (an `extern "C"`
//! import/export pair that `wasm-split` later rewires); that generated glue
//! is the only `unsafe` in the crate, hence the allowance for this module.
#![allow(unsafe_code, reason = "the FFI glue `#[lazy_route]` generates for wasm-split; we write none")]

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

use super::{admin, complaints, gate, help, notices, passes, repairs, staff_entry, visits};

// Residents' and visitors' screens.

/// Complaints and suggestions (投诉建议): `/complaints` (a household's own;
/// staff with counts and filters).
pub struct ComplaintsScreen;

#[lazy_route]
impl LazyRoute for ComplaintsScreen {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <complaints::ComplaintsPage /> }.into_any()
    }
}

/// Filing a complaint or suggestion: `/complaints/new`.
pub struct NewComplaintScreen;

#[lazy_route]
impl LazyRoute for NewComplaintScreen {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <complaints::ComplaintFormPage /> }.into_any()
    }
}

/// One complaint with its timeline and the LEARN steps: `/complaints/:id`.
pub struct ComplaintScreen;

#[lazy_route]
impl LazyRoute for ComplaintScreen {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <complaints::ComplaintPage /> }.into_any()
    }
}

/// A resident's repairs: `/repairs`.
pub struct MyJobsScreen;

#[lazy_route]
impl LazyRoute for MyJobsScreen {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <repairs::MyJobsPage /> }.into_any()
    }
}

/// Reporting a repair with photos: `/repairs/new`.
pub struct ReportScreen;

#[lazy_route]
impl LazyRoute for ReportScreen {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <repairs::ReportPage /> }.into_any()
    }
}

/// One repair with its timeline and actions: `/repairs/:id`.
pub struct JobScreen;

#[lazy_route]
impl LazyRoute for JobScreen {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <repairs::JobPage /> }.into_any()
    }
}

/// A resident's visitor passes: `/passes`.
pub struct PassesScreen;

#[lazy_route]
impl LazyRoute for PassesScreen {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <passes::PassesPage /> }.into_any()
    }
}

/// Inviting a visitor: `/passes/new`.
pub struct NewPassScreen;

#[lazy_route]
impl LazyRoute for NewPassScreen {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <passes::NewPassPage /> }.into_any()
    }
}

/// The visitor's own pass, opened from the shared link: `/v/:token`.
pub struct VisitorScreen;

#[lazy_route]
impl LazyRoute for VisitorScreen {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <passes::VisitorPage /> }.into_any()
    }
}

/// Notices and events: `/notices`, `/events`.
pub struct NoticesScreen;

#[lazy_route]
impl LazyRoute for NoticesScreen {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <notices::NoticesPage /> }.into_any()
    }
}

/// One notice: `/notices/:id`.
pub struct NoticeScreen;

#[lazy_route]
impl LazyRoute for NoticeScreen {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <notices::NoticePage /> }.into_any()
    }
}

/// One event with its sign-up: `/events/:id`.
pub struct EventScreen;

#[lazy_route]
impl LazyRoute for EventScreen {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <notices::EventPage /> }.into_any()
    }
}

/// The resident's butler and the rating form: `/butler`.
pub struct ButlerCardScreen;

#[lazy_route]
impl LazyRoute for ButlerCardScreen {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <admin::ButlerCardPage /> }.into_any()
    }
}

// Staff screens.

/// The job board (butler, duty room, admin): `/board`, `/admin/jobs`, `/duty/critical`.
pub struct BoardScreen;

#[lazy_route]
impl LazyRoute for BoardScreen {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <repairs::BoardPage /> }.into_any()
    }
}

/// A worker's own jobs: `/jobs`.
pub struct WorkerJobsScreen;

#[lazy_route]
impl LazyRoute for WorkerJobsScreen {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <repairs::WorkerJobsPage /> }.into_any()
    }
}

/// Open help calls (duty room, butler): `/duty`, `/help-calls`.
pub struct HelpCallsScreen;

#[lazy_route]
impl LazyRoute for HelpCallsScreen {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <help::HelpCallsPage /> }.into_any()
    }
}

/// One help call with its actions: `/help/:id`.
pub struct HelpCallScreen;

#[lazy_route]
impl LazyRoute for HelpCallScreen {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <help::HelpCallPage /> }.into_any()
    }
}

/// The elders a butler looks after: `/elders`.
pub struct EldersScreen;

#[lazy_route]
impl LazyRoute for EldersScreen {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <help::EldersPage /> }.into_any()
    }
}

/// One elder's page for staff (定期探访: schedule, record, log): `/elders/:id`.
pub struct ElderVisitsScreen;

#[lazy_route]
impl LazyRoute for ElderVisitsScreen {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <visits::ElderVisitsPage /> }.into_any()
    }
}

/// Taking a request for a resident (代客报修): `/entry`.
pub struct StaffEntryScreen;

#[lazy_route]
impl LazyRoute for StaffEntryScreen {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <staff_entry::EntryPage /> }.into_any()
    }
}

/// Follow-up visits (回访) with their scripts and outcome forms: `/follow-ups`.
pub struct FollowUpsScreen;

#[lazy_route]
impl LazyRoute for FollowUpsScreen {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <staff_entry::FollowUpsPage /> }.into_any()
    }
}

/// The gate guard's scanner (with the QR decoder): `/gate`.
pub struct GateScreen;

#[lazy_route]
impl LazyRoute for GateScreen {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <gate::GatePage /> }.into_any()
    }
}

/// Visitors expected today: `/gate/expected`.
pub struct ExpectedScreen;

#[lazy_route]
impl LazyRoute for ExpectedScreen {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <gate::ExpectedPage /> }.into_any()
    }
}

/// Registering a visitor without a pass: `/gate/walk-in`.
pub struct WalkInScreen;

#[lazy_route]
impl LazyRoute for WalkInScreen {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <gate::WalkInPage /> }.into_any()
    }
}

/// The community's recurring passes (长期访客): `/admin/passes`.
pub struct LongTermPassesScreen;

#[lazy_route]
impl LazyRoute for LongTermPassesScreen {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <passes::LongTermPassesPage /> }.into_any()
    }
}

/// The gate log: `/admin/entries`.
pub struct EntriesScreen;

#[lazy_route]
impl LazyRoute for EntriesScreen {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <gate::EntriesPage /> }.into_any()
    }
}

/// Buildings and their butlers: `/admin/buildings`.
pub struct BuildingsScreen;

#[lazy_route]
impl LazyRoute for BuildingsScreen {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <admin::BuildingsPage /> }.into_any()
    }
}

/// Staff accounts: `/admin/staff`.
pub struct StaffScreen;

#[lazy_route]
impl LazyRoute for StaffScreen {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <admin::StaffPage /> }.into_any()
    }
}

/// Community settings: `/admin/settings`.
pub struct SettingsScreen;

#[lazy_route]
impl LazyRoute for SettingsScreen {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <admin::SettingsPage /> }.into_any()
    }
}

/// The audit log: `/admin/audit`.
pub struct AuditScreen;

#[lazy_route]
impl LazyRoute for AuditScreen {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <admin::AuditPage /> }.into_any()
    }
}

/// Butler scorecards with charts: `/admin/scorecards`.
pub struct ScorecardsScreen;

#[lazy_route]
impl LazyRoute for ScorecardsScreen {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <admin::ScorecardsPage /> }.into_any()
    }
}

/// Writing a notice: `/notices/new`.
pub struct NewNoticeScreen;

#[lazy_route]
impl LazyRoute for NewNoticeScreen {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <notices::NewNoticePage /> }.into_any()
    }
}

/// Creating an event: `/events/new`.
pub struct NewEventScreen;

#[lazy_route]
impl LazyRoute for NewEventScreen {
    fn data() -> Self {
        Self
    }
    fn view(_this: Self) -> AnyView {
        view! { <notices::NewEventPage /> }.into_any()
    }
}
