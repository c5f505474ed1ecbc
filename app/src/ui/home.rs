//! Each role's home page: the cards that lead to their day's work.
//!
//! The home screens stay in the main bundle. Tried and not kept: each
//! staff home and the elder's screen as a `#[lazy]` chunk loaded before
//! hydration. The static homes hydrated, but the butler's workspace and
//! the elder's screen, whose resources are created inside the lazily
//! resolved view, did not (tachys reported a hydration mismatch in their
//! first `Load`); the help alarm (`layout.rs`) is lazy.

use leptos::prelude::*;

use super::{
    components::{Card, FormError, query_error, with_me},
    layout::Page,
    t,
};
use crate::model::{Me, Msg, Role};

#[component]
pub fn HomePage() -> impl IntoView {
    with_me(|me: Me| {
        // The elder's screen has its own, simpler frame.
        if me.is_elder() {
            return view! { <super::elder::ElderPage me=me.clone() /> }.into_any();
        }
        let body = match me.role {
            Role::Resident => view! { <ResidentHome me=me.clone() /> }.into_any(),
            Role::Butler => view! { <ButlerHome me=me.clone() /> }.into_any(),
            Role::Worker => view! { <WorkerHome me=me.clone() /> }.into_any(),
            Role::Guard => view! { <GuardHome me=me.clone() /> }.into_any(),
            Role::Duty => view! { <DutyHome /> }.into_any(),
            Role::Admin => view! { <AdminHome /> }.into_any(),
        };
        // A form posted from a home card (the board's visit form, a
        // walk-in's answer) comes back here with `?error=`.
        view! {
            <Page me=me.clone()>
                <FormError error=query_error() />
                {body}
            </Page>
        }
        .into_any()
    })
}

#[component]
fn Greeting(me: Me) -> impl IntoView {
    view! {
        <section class="greeting">
            <h1>{t(Msg::Hello)}{me.name.clone()}</h1>
            <p class="muted">{me.community.name.clone()}</p>
        </section>
    }
}

#[component]
fn ResidentHome(me: Me) -> impl IntoView {
    let unit = me.unit.as_ref().map(|u| u.label.clone()).unwrap_or_default();
    view! {
        <super::notices::UrgentBanner />
        <super::passes::ResidentPrompts />
        <Greeting me=me.clone() />
        <p class="place">
            <span class="muted">{t(Msg::YourUnit)}</span>
            " "
            <strong class="unit-label">{unit}</strong>
        </p>
        <nav class="cards" aria-label=t(Msg::Home)>
            <Card href="/repairs/new" icon="🔧" title=Msg::CardRepairs hint=Msg::CardRepairsHint />
            <Card href="/repairs" icon="📋" title=Msg::CardMyJobs />
            <Card href="/passes" icon="🎫" title=Msg::CardVisitors hint=Msg::CardVisitorsHint />
            <Card href="/notices" icon="📢" title=Msg::CardNotices />
            <Card href="/events" icon="🎉" title=Msg::CardEvents />
            <Card href="/butler" icon="🧑‍💼" title=Msg::CardButler />
            <Card href="/complaints" icon="💬" title=Msg::ComplaintsTitle />
        </nav>
    }
}

#[component]
fn ButlerHome(me: Me) -> impl IntoView {
    view! {
        <Greeting me=me.clone() />
        <super::workspace::Workspace me=me.clone() />
        <nav class="cards">
            <Card href="/board" icon="📋" title=Msg::CardJobBoard />
            <Card href="/entry" icon="☎️" title=Msg::StaffEntry />
            <Card href="/follow-ups" icon="📞" title=Msg::FollowUps />
            <Card href="/complaints" icon="💬" title=Msg::ComplaintsTitle />
            <Card href="/help-calls" icon="🆘" title=Msg::CardHelpCalls />
            <Card href="/elders" icon="🧓" title=Msg::CardElders />
            <Card href="/admin/passes" icon="🗓️" title=Msg::LongTermPasses />
            <Card href="/notices" icon="📢" title=Msg::CardNotices />
            <Card href="/admin/scorecards" icon="⭐" title=Msg::CardScorecards />
        </nav>
    }
}

#[component]
fn WorkerHome(me: Me) -> impl IntoView {
    let trades = me.trades.iter().map(|tr| t(tr.label())).collect::<Vec<_>>().join("、");
    view! {
        <Greeting me=me.clone() />
        <p class="place">
            <span class="muted">{t(Msg::YourTrades)}</span>
            " "
            <strong>{trades}</strong>
        </p>
        <nav class="cards">
            <Card href="/jobs" icon="🛠️" title=Msg::CardAssigned />
        </nav>
    }
}

#[component]
fn GuardHome(me: Me) -> impl IntoView {
    view! {
        <Greeting me=me.clone() />
        <p class="place">
            <span class="muted">{t(Msg::YourGate)}</span>
            " "
            <strong>{me.gate.clone().unwrap_or_default()}</strong>
        </p>
        <nav class="cards">
            <Card href="/gate" icon="📷" title=Msg::CardScanner />
            <Card href="/gate/expected" icon="🗓️" title=Msg::CardExpected />
            <Card href="/gate/walk-in" icon="🚶" title=Msg::CardWalkIn />
        </nav>
    }
}

#[component]
fn DutyHome() -> impl IntoView {
    view! {
        <nav class="cards">
            <Card href="/duty" icon="🆘" title=Msg::CardOpenCalls />
            <Card href="/elders" icon="🧓" title=Msg::CardElders />
            <Card href="/duty/critical" icon="🚨" title=Msg::CardCritical />
            <Card href="/entry" icon="☎️" title=Msg::StaffEntry />
        </nav>
    }
}

#[component]
fn AdminHome() -> impl IntoView {
    view! {
        <nav class="cards">
            <Card href="/admin/jobs" icon="📋" title=Msg::CardJobBoard />
            <Card href="/entry" icon="☎️" title=Msg::StaffEntry />
            <Card href="/follow-ups" icon="📞" title=Msg::FollowUps />
            <Card href="/complaints" icon="💬" title=Msg::ComplaintsTitle />
            <Card href="/help-calls" icon="🆘" title=Msg::CardHelpCalls />
            <Card href="/elders" icon="🧓" title=Msg::CardElders />
            <Card href="/admin/entries" icon="🚪" title=Msg::EntryLog />
            <Card href="/admin/passes" icon="🗓️" title=Msg::LongTermPasses />
            <Card href="/notices" icon="📢" title=Msg::CardNotices />
            <Card href="/admin/buildings" icon="🏢" title=Msg::CardBuildings />
            <Card href="/admin/staff" icon="👥" title=Msg::CardStaff />
            <Card href="/admin/scorecards" icon="⭐" title=Msg::CardScorecards />
            <Card href="/admin/settings" icon="⏱️" title=Msg::CardSettings />
            <Card href="/admin/audit" icon="🗒️" title=Msg::CardAudit />
        </nav>
    }
}
