//! Known outages (issue 18) where a resident starts a repair: the panel
//! above the repair form, and the outage block of a notice's page.
//!
//! The panel lists the outages on now in the resident's building (all of
//! them when the page is rendered without scripts); once a category is
//! chosen, only those related to it. A duplicate is shown first with "we
//! are affected too" (a plain form post without scripts); for a critical
//! category the outage is a small line beside the report, which stays one
//! tap.

use leptos::{ev::SubmitEvent, prelude::*};

use super::{live::use_live, load::Load, t, use_lang};
#[cfg(feature = "hydrate")]
use crate::api::outages::mark_outage_affected;
use crate::{
    api::outages::active_outages,
    model::{
        Msg,
        outage::{ActiveOutage, OutageInfo, OutageRelation},
        repair::Category,
        time::format_local,
    },
};

/// The known outages for the repair being started.
#[component]
pub fn OutagePanel(category: RwSignal<Option<Category>>) -> impl IntoView {
    let lang = use_lang();
    let live = use_live();
    let marked = RwSignal::new(0u32);
    let outages = Resource::new(
        move || (category.get(), live.notices.get(), marked.get()),
        move |(c, _, _)| active_outages(c.map(|c| c.as_str().to_string()), lang),
    );
    // Set once this (lazily loaded) page has hydrated: the category
    // choice reacts from then on (tests wait for it).
    let ready = RwSignal::new(false);
    Effect::new(move |_| ready.set(true));
    view! {
        <div class="outages-panel" data-ready=move || if ready.get() { "true" } else { "false" }>
            <Load resource=outages transition=true or_else=Vec::new fallback=|| () let:list>
                <div class="outages" id="outages">
                    {list.into_iter().map(|o| view! { <KnownOutage o marked /> }).collect_view()}
                </div>
            </Load>
        </div>
    }
}

#[component]
fn KnownOutage(o: ActiveOutage, marked: RwSignal<u32>) -> impl IntoView {
    if o.relation == Some(OutageRelation::Beside) {
        return view! {
            <p class="notice outage-beside" data-outage=o.id.clone()>
                {"ℹ️ "}
                {o.line.clone()}
            </p>
        }
        .into_any();
    }
    let error = RwSignal::new(None::<String>);
    let id = o.id.clone();
    #[cfg(feature = "hydrate")]
    let lang = use_lang();
    let on_submit = move |ev: SubmitEvent| {
        #[cfg(feature = "hydrate")]
        {
            ev.prevent_default();
            let id = id.clone();
            leptos::task::spawn_local(async move {
                match mark_outage_affected(id).await {
                    Ok(_) => marked.update(|n| *n += 1),
                    Err(e) => error.set(Some(e.message(lang))),
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, &id, marked);
    };
    let duplicate = o.relation == Some(OutageRelation::Duplicate);
    view! {
        <section class="notice outage-known" class:outage-duplicate=duplicate data-outage=o.id.clone()>
            <h2>{"🚧 "} {t(Msg::OutageKnown)}</h2>
            <p class="outage-line">
                <strong>{o.line.clone()}</strong>
            </p>
            <p>
                <a href=format!("/notices/{}", o.id)>{o.title.clone()}</a>
            </p>
            {duplicate.then(|| view! { <p class="hint">{t(Msg::OutageDuplicateHint)}</p> })}
            {move || {
                error
                    .get()
                    .map(|m| {
                        view! {
                            <p class="notice error" role="alert">
                                {m}
                            </p>
                        }
                    })
            }}
            {if o.affected_by_me {
                view! { <p class="ok-line outage-affected-done">"✓ " {t(Msg::OutageAffectedDone)}</p> }.into_any()
            } else {
                view! {
                    <form
                        method="post"
                        action=format!("/forms/outages/{}/affected", o.id)
                        class="action-form"
                        on:submit=on_submit
                    >
                        <button type="submit" class="primary outage-affected">
                            {t(Msg::OutageMarkAffected)}
                        </button>
                    </form>
                    {duplicate.then(|| view! { <p class="hint">{t(Msg::OutageReportAnyway)} " ↓"</p> })}
                }
                    .into_any()
            }}
        </section>
    }
    .into_any()
}

/// The outage block of a notice's page: kind, expected end or end, and for
/// staff the households affected, linked reports, and the end / extend
/// forms.
#[component]
pub fn OutageBlock(id: String, outage: OutageInfo, manage: bool) -> impl IntoView {
    let ended = outage.ended_at;
    view! {
        <div class="notice outage-info" id="outage-info">
            <p>
                <strong>{t(outage.kind.label())}</strong>
                " · "
                {match ended {
                    Some(at) => format!("{} {}", t(Msg::OutageEnded), format_local(at)),
                    None => format!("{} {}", t(Msg::OutageExpectedEnd), format_local(outage.expected_end)),
                }}
            </p>
            {outage
                .affected_households
                .map(|n| {
                    view! { <p id="outage-affected-count">{t(Msg::OutageAffectedCount)} ": " <strong>{n}</strong></p> }
                })}
            {outage.linked_jobs.map(|n| view! { <p>{t(Msg::OutageLinkedJobs)} ": " {n}</p> })}
            {(manage && ended.is_none())
                .then(|| {
                    view! {
                        <form method="post" action=format!("/forms/outages/{id}/end") class="action-form">
                            <button type="submit" class="primary" id="outage-end">
                                {t(Msg::OutageEnd)}
                            </button>
                        </form>
                        <form method="post" action=format!("/forms/outages/{id}/extend") class="action-form">
                            <label for="outage-extend-at">{t(Msg::OutageExpectedEnd)}</label>
                            <input id="outage-extend-at" name="expected_end" type="datetime-local" required />
                            <button type="submit">{t(Msg::OutageExtend)}</button>
                        </form>
                    }
                })}
        </div>
    }
}
