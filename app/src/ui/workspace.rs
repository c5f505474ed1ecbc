//! The butler's workspace: their day on one page, for their buildings
//! only, refreshed live: open jobs by SLA urgency, open help calls, elders
//! who have not checked in, elders whose regular visit is overdue (with
//! a form to record it), urgent notices not yet read everywhere,
//! today's visitors and follow-ups.

use leptos::prelude::*;

use super::{live::use_live, load::Load, t, visits::RecordVisitForm};
use crate::{
    api::{
        admin::list_follow_ups,
        help::{elder_list, help_calls},
        notices::list_notices,
        passes::list_expected,
        repairs::list_jobs,
    },
    model::{Me, Msg, time::format_local_hm},
};

#[component]
fn Section(title: Msg, href: &'static str, children: Children) -> impl IntoView {
    view! {
        <section class="ws-section">
            <div class="row-between">
                <h2>{t(title)}</h2>
                <a href=href>{t(Msg::SeeAll)}</a>
            </div>
            {children()}
        </section>
    }
}

#[component]
pub fn Workspace(me: Me) -> impl IntoView {
    let live = use_live();
    let jobs = Resource::new(
        move || live.repairs.get(),
        |_| list_jobs(Some("buildings".into()), Some("open".into()), None, None, None),
    );
    let calls = Resource::new(move || live.help.get(), |_| help_calls(true));
    let elders = Resource::new(move || live.help.get(), |_| elder_list(false));
    let notices = Resource::new(move || live.notices.get(), |_| list_notices());
    let visitors = Resource::new(move || live.passes.get(), |_| list_expected());
    let follow_ups = Resource::new(move || live.repairs.get(), |_| list_follow_ups());
    let buildings = me.buildings.iter().map(|b| b.name.clone()).collect::<Vec<_>>().join("、");
    view! {
        <p class="place">
            <span class="muted">{t(Msg::YourBuildings)}</span>
            " "
            <strong class="buildings">{buildings}</strong>
        </p>
        <div class="workspace">
            <Section title=Msg::CardOpenCalls href="/help-calls">
                <Load resource=calls transition=true fallback=|| () let:list>
                    {if list.is_empty() {
                        view! { <p class="muted">{t(Msg::NoOpenCalls)}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="list">
                                {list
                                    .into_iter()
                                    .map(|c| {
                                        view! {
                                            <li class:overdue=c.status == crate::model::help::HelpStatus::Sent>
                                                <a href=format!(
                                                    "/help/{}",
                                                    c.id,
                                                )>
                                                    "🆘 " {c.unit.label.clone()} " " {c.elder.name.clone()} " · "
                                                    {format_local_hm(c.created_at)}
                                                </a>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                            .into_any()
                    }}
                </Load>
            </Section>
            <Section title=Msg::CardJobBoard href="/board">
                <Load resource=jobs transition=true fallback=|| () let:page>
                    {page
                        .total
                        .map(|n| {
                            view! {
                                <p class="job-counts">
                                    {super::repairs::open_jobs_count(n, page.breached.unwrap_or(0))}
                                </p>
                            }
                        })}
                    {
                        let list = page.items;
                        if list.is_empty() {
                            view! { <p class="muted">{t(Msg::NoJobs)}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="jobs">
                                    {list
                                        .into_iter()
                                        .take(8)
                                        .map(|j| {
                                            view! {
                                                <li
                                                    class="job-card"
                                                    class:bad=j.sla.state.is_bad()
                                                    data-job=j.id.clone()
                                                >
                                                    <a href=format!("/repairs/{}", j.id)>
                                                        <span class="job-icon">{j.category.icon()}</span>
                                                        <span class="job-main">
                                                            <span class="job-title">{t(j.category.label())}</span>
                                                            <span class="job-sub">{j.unit.label.clone()}</span>
                                                        </span>
                                                        <span class="st">{t(j.status.label())}</span>
                                                    </a>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            }
                                .into_any()
                        }
                    }
                </Load>
            </Section>
            <Section title=Msg::ComplaintsTitle href="/complaints">
                <super::complaints::OpenComplaints />
            </Section>
            <Section title=Msg::EldersToCall href="/elders">
                <Load resource=elders transition=true or_else=Vec::new fallback=|| () let:list>
                    {
                        let list: Vec<_> = list.into_iter().filter(|e| e.overdue && e.follow_up.is_none()).collect();
                        if list.is_empty() {
                            view! { <p class="muted">{t(Msg::AllCheckedIn)}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="list">
                                    {list
                                        .into_iter()
                                        .map(|e| {
                                            view! {
                                                <li class="overdue">
                                                    {e.unit.label.clone()} " " {e.name.clone()} " "
                                                    <a class="button" href=format!("/call/{}", e.id)>
                                                        {"📞 "}
                                                        {t(Msg::Call)}
                                                    </a>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            }
                                .into_any()
                        }
                    }
                </Load>
            </Section>
            <Section title=Msg::VisitsDue href="/elders">
                <Load resource=elders transition=true or_else=Vec::new fallback=|| () let:list>
                    {
                        let mut list: Vec<_> = list
                            .into_iter()
                            .filter(|e| e.visits.as_ref().is_some_and(|v| v.overdue || v.due_today))
                            .collect();
                        list.sort_by_key(|e| !e.visits.as_ref().is_some_and(|v| v.overdue));
                        if list.is_empty() {
                            // Overdue first, then those due today.
                            view! { <p class="muted">{t(Msg::NoVisitsOverdue)}</p> }
                                .into_any()
                        } else {
                            view! {
                                <ul class="list visits-overdue">
                                    {list
                                        .into_iter()
                                        .map(|e| {
                                            let status = e.visits.clone();
                                            let overdue = status.as_ref().is_some_and(|v| v.overdue);
                                            let due = status.map(|v| v.next_due.to_string()).unwrap_or_default();
                                            view! {
                                                <li
                                                    class:overdue=overdue
                                                    class:due-today=!overdue
                                                    data-elder=e.id.clone()
                                                >
                                                    <a href=format!(
                                                        "/elders/{}",
                                                        e.id,
                                                    )>{e.unit.label.clone()} " " {e.name.clone()}</a>
                                                    " · "
                                                    {if overdue {
                                                        format!("{} {due}", t(Msg::VisitDueOn))
                                                    } else {
                                                        t(Msg::VisitDueToday).to_string()
                                                    }}
                                                    <RecordVisitForm elder_id=e.id.clone() back="/".to_string() />
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            }
                                .into_any()
                        }
                    }
                </Load>
            </Section>
            <Section title=Msg::UrgentNotices href="/notices">
                <Load resource=notices transition=true or_else=Vec::new fallback=|| () let:list>
                    {
                        let list: Vec<_> = list.into_iter().filter(|n| n.urgent).take(5).collect();
                        if list.is_empty() {
                            view! { <p class="muted">{t(Msg::NoNotices)}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="list">
                                    {list
                                        .into_iter()
                                        .map(|n| {
                                            view! {
                                                <li>
                                                    <a href=format!("/notices/{}", n.id)>"📢 " {n.title.clone()}</a>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            }
                                .into_any()
                        }
                    }
                </Load>
            </Section>
            <Section title=Msg::CardExpected href="/gate/expected">
                <Load resource=visitors transition=true or_else=Vec::new fallback=|| () let:list>
                    {if list.is_empty() {
                        view! { <p class="muted">{t(Msg::NoPasses)}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="list">
                                {list
                                    .into_iter()
                                    .map(|p| {
                                        view! {
                                            <li>
                                                {p.visitor_name.clone()} " → " {p.unit.label.clone()} " · "
                                                {format_local_hm(p.valid_from)}
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                            .into_any()
                    }}
                </Load>
            </Section>
            <Section title=Msg::FollowUps href="/follow-ups">
                <Load resource=follow_ups transition=true or_else=Vec::new fallback=|| () let:list>
                    {if list.is_empty() {
                        view! { <p class="muted">{t(Msg::NoFollowUps)}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="list">
                                {list
                                    .into_iter()
                                    .map(|f| {
                                        view! {
                                            <li>
                                                <a href=f
                                                    .href
                                                    .clone()>
                                                    {"★".repeat(usize::from(f.stars.unwrap_or(0)))} " "
                                                    {f.unit.clone().unwrap_or_default()} " "
                                                    {f.comment.clone().unwrap_or_default()}
                                                </a>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                            .into_any()
                    }}
                </Load>
            </Section>
        </div>
    }
}
