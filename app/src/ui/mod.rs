//! The web UI: one Leptos app, rendered on the server and hydrated in the
//! browser. Pages are grouped by who uses them; every core form is a plain
//! HTML form that works before (or without) the WASM.

mod admin;
mod chart;
mod clock;
mod complaints;
mod components;
mod elder;
mod gate;
mod help;
mod home;
mod i18n;
mod job_detail;
mod layout;
mod live;
mod load;
mod login;
mod notices;
mod outages;
mod passes;
mod repairs;
#[cfg(feature = "hydrate")]
mod scan;
mod screens;
mod staff_entry;
mod upload;
mod visits;
mod workspace;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::{
    Lazy, SsrMode,
    components::{Route, Router, Routes},
    path,
};

pub use i18n::{t, use_lang};

use crate::{
    api::session::get_me,
    model::{AppError, Me, Msg},
};

// Every route renders in order: the HTML is complete when it arrives, so
// pages work before the WASM loads and with scripts off (out-of-order
// streaming would need inline scripts to put resolved content in place).

/// The signed-in person, loaded once per page and shared by every component.
pub type MeResource = Resource<Result<Option<Me>, AppError>>;

/// Loads, in the browser, what the server-rendered page needs before it
/// can hydrate: the English messages on an English page, and the chunks
/// of the lazily loaded parts rendered into it (the staff's help alarm;
/// see `components::deferred`), fetched side by side.
#[cfg(feature = "hydrate")]
pub async fn prepare_hydration() {
    let document = document();
    let rendered =
        |name: &str| document.query_selector(&format!("template[data-lazy=\"{name}\"]")).ok().flatten().is_some();
    let alarm = rendered("help_alert");
    if alarm {
        // Start it now; awaited below (a second wait joins the same load).
        wasm_bindgen_futures::spawn_local(layout::preload_help_alert());
    }
    i18n::load_messages().await;
    if alarm {
        layout::preload_help_alert().await;
    }
}

/// The HTML document around the app (server side only).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    provide_request_context();
    let lang = i18n::initial_lang();
    view! {
        <!DOCTYPE html>
        <html lang=lang.tag()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
                <meta name="theme-color" content="#0f766e" />
                <meta name="color-scheme" content="light" />
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="icon" href="/icons/icon.svg" type="image/svg+xml" />
                <link rel="apple-touch-icon" href="/icons/icon-192.png" />
                <link rel="stylesheet" href="/pkg/linli.css" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Makes the request's CSP nonce available to the hydration scripts.
#[cfg(feature = "ssr")]
fn provide_request_context() {
    use leptos::nonce::Nonce;
    if let Some(parts) = use_context::<http::request::Parts>()
        && let Some(nonce) = parts.extensions.get::<crate::backend::web::CspNonce>()
    {
        provide_context(Nonce::from_value(nonce.0.clone()));
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_context(i18n::initial_lang());
    let me: MeResource = Resource::new_blocking(|| (), |_| get_me());
    provide_context(me);
    clock::provide_now();
    let live = live::provide_live();
    // Open the live stream once we know someone is signed in.
    Effect::new(move |connected: Option<bool>| {
        if connected == Some(true) {
            return true;
        }
        let signed_in = matches!(me.get(), Some(Ok(Some(_))));
        if signed_in {
            live::connect(live);
        }
        signed_in
    });
    // Tells tests (and curious developers) that the WASM has taken over.
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });

    view! {
        <Title text=t(Msg::AppName) />
        <Router>
            <Routes fallback=|| view! { <layout::NotFound /> }>
                <Route path=path!("/login") view=login::LoginPage ssr=SsrMode::InOrder />
                <Route path=path!("/") view=home::HomePage ssr=SsrMode::InOrder />
                <Route path=path!("/repairs/new") view={Lazy::<screens::ReportScreen>::new()} ssr=SsrMode::InOrder />
                <Route path=path!("/repairs") view={Lazy::<screens::MyJobsScreen>::new()} ssr=SsrMode::InOrder />
                <Route path=path!("/repairs/:id") view={Lazy::<screens::JobScreen>::new()} ssr=SsrMode::InOrder />
                <Route
                    path=path!("/complaints/new")
                    view={Lazy::<screens::NewComplaintScreen>::new()}
                    ssr=SsrMode::InOrder
                />
                <Route path=path!("/complaints") view={Lazy::<screens::ComplaintsScreen>::new()} ssr=SsrMode::InOrder />
                <Route
                    path=path!("/complaints/:id")
                    view={Lazy::<screens::ComplaintScreen>::new()}
                    ssr=SsrMode::InOrder
                />
                <Route path=path!("/board") view={Lazy::<screens::BoardScreen>::new()} ssr=SsrMode::InOrder />
                <Route path=path!("/admin/jobs") view={Lazy::<screens::BoardScreen>::new()} ssr=SsrMode::InOrder />
                <Route path=path!("/duty/critical") view={Lazy::<screens::BoardScreen>::new()} ssr=SsrMode::InOrder />
                <Route path=path!("/jobs") view={Lazy::<screens::WorkerJobsScreen>::new()} ssr=SsrMode::InOrder />
                <Route path=path!("/duty") view={Lazy::<screens::HelpCallsScreen>::new()} ssr=SsrMode::InOrder />
                <Route path=path!("/help-calls") view={Lazy::<screens::HelpCallsScreen>::new()} ssr=SsrMode::InOrder />
                <Route path=path!("/help/:id") view={Lazy::<screens::HelpCallScreen>::new()} ssr=SsrMode::InOrder />
                <Route path=path!("/elders") view={Lazy::<screens::EldersScreen>::new()} ssr=SsrMode::InOrder />
                <Route
                    path=path!("/elders/:id")
                    view={Lazy::<screens::ElderVisitsScreen>::new()}
                    ssr=SsrMode::InOrder
                />
                <Route path=path!("/passes") view={Lazy::<screens::PassesScreen>::new()} ssr=SsrMode::InOrder />
                <Route path=path!("/passes/new") view={Lazy::<screens::NewPassScreen>::new()} ssr=SsrMode::InOrder />
                // Async: the page is sent once the pass is looked up, so an
                // unknown link is a real 404 however slow the database is.
                <Route path=path!("/v/:token") view={Lazy::<screens::VisitorScreen>::new()} ssr=SsrMode::Async />
                <Route path=path!("/gate") view={Lazy::<screens::GateScreen>::new()} ssr=SsrMode::InOrder />
                <Route
                    path=path!("/gate/expected")
                    view={Lazy::<screens::ExpectedScreen>::new()}
                    ssr=SsrMode::InOrder
                />
                <Route path=path!("/gate/walk-in") view={Lazy::<screens::WalkInScreen>::new()} ssr=SsrMode::InOrder />
                <Route path=path!("/admin/entries") view={Lazy::<screens::EntriesScreen>::new()} ssr=SsrMode::InOrder />
                <Route
                    path=path!("/admin/passes")
                    view={Lazy::<screens::LongTermPassesScreen>::new()}
                    ssr=SsrMode::InOrder
                />
                <Route path=path!("/notices") view={Lazy::<screens::NoticesScreen>::new()} ssr=SsrMode::InOrder />
                <Route
                    path=path!("/admin/buildings")
                    view={Lazy::<screens::BuildingsScreen>::new()}
                    ssr=SsrMode::InOrder
                />
                <Route path=path!("/admin/staff") view={Lazy::<screens::StaffScreen>::new()} ssr=SsrMode::InOrder />
                <Route
                    path=path!("/admin/settings")
                    view={Lazy::<screens::SettingsScreen>::new()}
                    ssr=SsrMode::InOrder
                />
                <Route path=path!("/admin/audit") view={Lazy::<screens::AuditScreen>::new()} ssr=SsrMode::InOrder />
                <Route
                    path=path!("/admin/scorecards")
                    view={Lazy::<screens::ScorecardsScreen>::new()}
                    ssr=SsrMode::InOrder
                />
                <Route path=path!("/butler") view={Lazy::<screens::ButlerCardScreen>::new()} ssr=SsrMode::InOrder />
                <Route path=path!("/entry") view={Lazy::<screens::StaffEntryScreen>::new()} ssr=SsrMode::InOrder />
                <Route path=path!("/follow-ups") view={Lazy::<screens::FollowUpsScreen>::new()} ssr=SsrMode::InOrder />
                <Route path=path!("/notices/new") view={Lazy::<screens::NewNoticeScreen>::new()} ssr=SsrMode::InOrder />
                <Route path=path!("/notices/:id") view={Lazy::<screens::NoticeScreen>::new()} ssr=SsrMode::InOrder />
                <Route path=path!("/events") view={Lazy::<screens::NoticesScreen>::new()} ssr=SsrMode::InOrder />
                <Route path=path!("/events/new") view={Lazy::<screens::NewEventScreen>::new()} ssr=SsrMode::InOrder />
                <Route path=path!("/events/:id") view={Lazy::<screens::EventScreen>::new()} ssr=SsrMode::InOrder />
            </Routes>
        </Router>
    }
}
