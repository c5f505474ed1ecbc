//! Help calls as staff see them: a loud banner on every staff page until
//! someone acknowledges, the duty room's list, one call's page, and the
//! butler's elders with their daily check-in.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{
    clock::use_now,
    components::{msg_from_query, with_me},
    layout::Page,
    live::use_live,
    load::Load,
    t,
};
use crate::ui::components::FormError;
use crate::{
    api::help::{elder_list, get_help_call, help_calls},
    model::{
        Me, Msg,
        help::{ElderInfo, HelpAction, HelpCall, HelpStatus, Outcome},
        keys::CheckInResult,
        time::{format_local, format_local_hm},
    },
};

/// Full-width alarm for unacknowledged calls, with a repeating sound.
/// Shown on every staff page; it goes away when someone acknowledges.
#[component]
pub fn HelpAlert() -> impl IntoView {
    let live = use_live();
    let calls = Resource::new(move || live.help.get(), |_| help_calls(true));
    view! {
        <Load resource=calls transition=true or_else=Vec::new fallback=|| () let:calls>
            {
                let waiting: Vec<HelpCall> = calls.into_iter().filter(|c| c.status == HelpStatus::Sent).collect();
                (!waiting.is_empty())
                    .then(|| {
                        view! {
                            <div class="help-alert" role="alert" id="help-alert">
                                {waiting
                                    .into_iter()
                                    .map(|c| {
                                        view! {
                                            <a class="help-alert-row" href=format!("/help/{}", c.id)>
                                                <strong>{"🆘 "}{t(Msg::HelpAlertTitle)}</strong>
                                                " "
                                                {c.unit.label.clone()}
                                                " "
                                                {c.elder.name.clone()}
                                                " · "
                                                {format_local_hm(c.created_at)}
                                                {(c.escalation_level > 0)
                                                    .then(|| view! { <span class="esc">{t(Msg::Escalated)}</span> })}
                                            </a>
                                        }
                                    })
                                    .collect_view()}
                                <audio src="/sounds/alarm.wav" autoplay loop id="help-alarm"></audio>
                            </div>
                        }
                    })
            }
        </Load>
    }
}

#[component]
fn Elapsed(since: chrono::DateTime<chrono::Utc>) -> impl IntoView {
    let now = use_now();
    move || {
        let s = (now.get() - since).num_seconds().max(0);
        format!("{}:{:02}", s / 60, s % 60)
    }
}

#[component]
fn CallCard(call: HelpCall) -> impl IntoView {
    let href = format!("/help/{}", call.id);
    let waiting = call.status == HelpStatus::Sent;
    view! {
        <li class="call-card" class:waiting=waiting data-call=call.id.clone()>
            <a href=href>
                <span class="call-main">
                    <strong>{call.unit.label.clone()} " " {call.elder.name.clone()}</strong>
                    <span class="job-sub">
                        {format_local(call.created_at)} {call.responder.as_ref().map(|r| format!(" · {}", r.name))}
                    </span>
                </span>
                <span class="job-side">
                    <span class="st" data-status=call.status.as_str()>
                        {t(status_label(call.status))}
                    </span>
                    {call
                        .status
                        .is_open()
                        .then(|| {
                            view! {
                                <span class="sla-chip" class:bad=waiting>
                                    <Elapsed since=call.created_at />
                                </span>
                            }
                        })}
                </span>
            </a>
            {call
                .allowed_actions
                .contains(&HelpAction::Acknowledge)
                .then(|| {
                    view! {
                        <form method="post" action=format!("/forms/help/{}/action", call.id) class="action-form">
                            <input type="hidden" name="action" value="acknowledge" />
                            <input type="hidden" name="back" value=format!("/help/{}", call.id) />
                            <button type="submit" class="danger big-action" data-action="acknowledge">
                                {t(HelpAction::Acknowledge.label())}
                            </button>
                        </form>
                    }
                })}
        </li>
    }
}

fn status_label(s: HelpStatus) -> Msg {
    match s {
        HelpStatus::Sent => Msg::HelpStSent,
        HelpStatus::Acknowledged => Msg::HelpStAcknowledged,
        HelpStatus::Arrived => Msg::HelpStArrived,
        HelpStatus::Closed => Msg::HelpStClosed,
    }
}

/// Open calls, oldest first, refreshed live; then recent history.
#[component]
pub fn HelpCallsPage() -> impl IntoView {
    with_me(|me: Me| {
        let live = use_live();
        let open = Resource::new(move || live.help.get(), |_| help_calls(true));
        let all = Resource::new(move || live.help.get(), |_| help_calls(false));
        view! {
            <Page me=me.clone()>
                <h1>{t(Msg::CardOpenCalls)}</h1>
                <Load resource=open transition=true let:calls>
                    {if calls.is_empty() {
                        view! { <p class="muted empty">{t(Msg::NoOpenCalls)}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="calls">
                                {calls.into_iter().map(|call| view! { <CallCard call /> }).collect_view()}
                            </ul>
                        }
                            .into_any()
                    }}
                </Load>
                <h2>{t(Msg::RecentCalls)}</h2>
                <Load resource=all transition=true fallback=|| () let:calls>
                    {
                        let calls: Vec<HelpCall> = calls.into_iter().filter(|c| !c.status.is_open()).take(20).collect();
                        view! {
                            <ul class="calls">
                                {calls.into_iter().map(|call| view! { <CallCard call /> }).collect_view()}
                            </ul>
                        }
                    }
                </Load>
            </Page>
        }
    })
}

#[component]
pub fn HelpCallPage() -> impl IntoView {
    let params = use_params_map();
    let live = use_live();
    let call = Resource::new(
        move || (params.read().get("id").unwrap_or_default(), live.help.get()),
        |(id, _)| get_help_call(id),
    );
    let error = use_query_map().with_untracked(|q| q.get("error")).and_then(|e| msg_from_query(&e));
    with_me(move |me: Me| {
        view! {
            <Page me=me.clone()>
                <FormError error />
                <Load resource=call transition=true let:call>
                    <CallDetail call />
                </Load>
            </Page>
        }
    })
}

#[component]
fn CallDetail(call: HelpCall) -> impl IntoView {
    let url = format!("/forms/help/{}/action", call.id);
    let back = format!("/help/{}", call.id);
    let tel = format!("tel:{}", call.elder_phone);
    view! {
        <article class="job-detail call-detail" data-call=call.id.clone()>
            <header class="job-head">
                <span class="job-icon big" aria-hidden="true">
                    "🆘"
                </span>
                <div>
                    <h1>{call.unit.label.clone()} " " {call.elder.name.clone()}</h1>
                    <p class="job-sub">{t(Msg::HelpPressedAt)} " " {format_local(call.created_at)}</p>
                </div>
                <div class="job-badges">
                    <span class="st" id="call-status" data-status=call.status.as_str()>
                        {t(status_label(call.status))}
                    </span>
                    {(call.escalation_level > 0)
                        .then(|| {
                            view! {
                                <span class="urg urg-critical">{t(Msg::Escalated)} " " {call.escalation_level}</span>
                            }
                        })}
                </div>
            </header>
            {call
                .status
                .is_open()
                .then(|| {
                    view! { <p class="sla-line bad">{t(Msg::HelpWaited)} " " <Elapsed since=call.created_at /></p> }
                })}
            <p>
                <a class="button" href=tel>
                    {"📞 "}
                    {t(Msg::CallElder)}
                </a>
            </p>
            {call.outcome.map(|o| view! { <p class="notice">{t(o.label())}</p> })}
            <section class="actions">
                {call
                    .allowed_actions
                    .iter()
                    .map(|a| {
                        let a = *a;
                        match a {
                            HelpAction::Resolve => {
                                view! {
                                    <form method="post" action=url.clone() class="action-form">
                                        <input type="hidden" name="action" value="resolve" />
                                        <input type="hidden" name="back" value=back.clone() />
                                        <select name="outcome" required aria-label=t(Msg::Outcome)>
                                            {Outcome::ALL
                                                .into_iter()
                                                .map(|o| view! { <option value=o.as_str()>{t(o.label())}</option> })
                                                .collect_view()}
                                        </select>
                                        <input
                                            name="note"
                                            maxlength="500"
                                            placeholder=t(Msg::NoteOptional)
                                            aria-label=t(Msg::NoteOptional)
                                        />
                                        <button type="submit" data-action="resolve">
                                            {t(a.label())}
                                        </button>
                                    </form>
                                }
                                    .into_any()
                            }
                            _ => {
                                view! {
                                    <form method="post" action=url.clone() class="action-form">
                                        <input type="hidden" name="action" value=a.as_str() />
                                        <input type="hidden" name="back" value=back.clone() />
                                        <button
                                            type="submit"
                                            class:danger=a == HelpAction::Acknowledge
                                            class:primary=a == HelpAction::Arrive
                                            data-action=a.as_str()
                                        >
                                            {t(a.label())}
                                        </button>
                                    </form>
                                }
                                    .into_any()
                            }
                        }
                    })
                    .collect_view()}
            </section>
            <section class="timeline">
                <h2>{t(Msg::Timeline)}</h2>
                <ol>
                    {call
                        .timeline
                        .iter()
                        .rev()
                        .map(|e| {
                            view! {
                                <li>
                                    <span class="tl-time">{format_local(e.at)}</span>
                                    <span class="tl-what">
                                        <strong>{e.actor_name.clone()}</strong>
                                        " · "
                                        {t(e.action.label())}
                                    </span>
                                    {(!e.note.is_empty())
                                        .then(|| view! { <span class="tl-note">{e.note.clone()}</span> })}
                                </li>
                            }
                        })
                        .collect_view()}
                </ol>
            </section>
        </article>
    }
}

/// The butler's elders: who has not said "I'm OK" today (call or visit),
/// their contacts, and switching elder mode on for a resident.
#[component]
pub fn EldersPage() -> impl IntoView {
    with_me(|me: Me| {
        let live = use_live();
        let elders = Resource::new(move || live.help.get(), |_| elder_list(true));
        let error = use_query_map().with_untracked(|q| q.get("error")).and_then(|e| msg_from_query(&e));
        view! {
            <Page me=me.clone()>
                <h1>{t(Msg::CardElders)}</h1>
                <FormError error />
                <Load resource=elders transition=true let:list>
                    {
                        let (elders, others): (Vec<ElderInfo>, Vec<ElderInfo>) = list
                            .into_iter()
                            .partition(|e| e.elder_mode);
                        view! {
                            <ul class="list elders">
                                {elders.into_iter().map(|e| view! { <ElderRow e /> }).collect_view()}
                            </ul>
                            <h2>{t(Msg::OtherResidents)}</h2>
                            <ul class="list">{others.into_iter().map(|e| view! { <ElderRow e /> }).collect_view()}</ul>
                        }
                    }
                </Load>
            </Page>
        }
    })
}

#[component]
fn ElderRow(e: ElderInfo) -> impl IntoView {
    let contact = e.emergency_contacts.first().cloned();
    view! {
        <li class="elder-row" class:overdue=e.overdue && e.follow_up.is_none() data-elder=e.id.clone()>
            <div class="row-between">
                <strong>{e.unit.label.clone()} " " {e.name.clone()}</strong>
                <a class="button" href=format!("/call/{}", e.id)>
                    {"📞 "}
                    {t(Msg::Call)}
                </a>
            </div>
            {e
                .elder_mode
                .then(|| match (e.checked_in_at, e.overdue) {
                    (Some(at), _) => {
                        view! { <p class="ok-line">"✓ " {t(Msg::CheckedInToday)} " " {format_local_hm(at)}</p> }
                            .into_any()
                    }
                    (None, true) => view! { <p class="sla-line bad">{t(Msg::NotCheckedIn)}</p> }.into_any(),
                    (None, false) => view! { <p class="muted">{t(Msg::NotYetCheckedIn)}</p> }.into_any(),
                })}
            {e.visits.clone().map(|status| view! { <super::visits::VisitLine elder_id=e.id.clone() status /> })}
            {e
                .follow_up
                .clone()
                .map(|f| {
                    let label = t(f.result.label());
                    view! {
                        <p class="muted">
                            {label} " · " {f.by.clone()} " " {format_local_hm(f.at)} " " {f.note.clone()}
                        </p>
                    }
                })}
            {(e.overdue && e.follow_up.is_none())
                .then(|| {
                    view! {
                        <form method="post" action=format!("/forms/elders/{}/follow-up", e.id) class="action-form">
                            <select name="result" aria-label=t(Msg::Outcome)>
                                {CheckInResult::ALL
                                    .iter()
                                    .map(|r| view! { <option value=r.as_str()>{t(r.label())}</option> })
                                    .collect_view()}
                            </select>
                            <input
                                name="note"
                                maxlength="200"
                                placeholder=t(Msg::NoteOptional)
                                aria-label=t(Msg::NoteOptional)
                            />
                            <button type="submit" class="primary">
                                {t(Msg::Record)}
                            </button>
                        </form>
                    }
                })}
            {(!e.devices.is_empty())
                .then(|| {
                    view! {
                        <details class="devices">
                            <summary>{t(Msg::HelpDevices)} " (" {e.devices.len()} ")"</summary>
                            <ul class="list">
                                {e
                                    .devices
                                    .iter()
                                    .map(|d| {
                                        view! {
                                            <li class="row-between" data-device=d.id.clone()>
                                                <span>
                                                    {d.label.clone()} " · " {t(Msg::LastUsed)} " "
                                                    {format_local(d.last_used_at)}
                                                </span>
                                                <form
                                                    method="post"
                                                    action=format!("/forms/elders/{}/devices/{}/revoke", e.id, d.id)
                                                >
                                                    <button type="submit">{t(Msg::RevokeDevice)}</button>
                                                </form>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        </details>
                    }
                })}
            <details>
                <summary>{t(Msg::ElderSettings)}</summary>
                <form method="post" action=format!("/forms/residents/{}/elder", e.id) class="stack">
                    <label class="tag">
                        <input type="checkbox" name="elder_mode" value="true" checked=e.elder_mode />
                        {t(Msg::RoleElder)}
                    </label>
                    <label>{t(Msg::EmergencyContact)}</label>
                    <input
                        name="contact_name"
                        maxlength="50"
                        placeholder=t(Msg::ContactName)
                        aria-label=t(Msg::ContactName)
                        value=contact.as_ref().map(|c| c.name.clone()).unwrap_or_default()
                    />
                    <input
                        name="contact_phone"
                        type="tel"
                        maxlength="32"
                        placeholder=t(Msg::Phone)
                        aria-label=t(Msg::Phone)
                        value=contact.as_ref().map(|c| c.phone.clone()).unwrap_or_default()
                    />
                    <input
                        name="contact_relation"
                        maxlength="20"
                        placeholder=t(Msg::ContactRelation)
                        aria-label=t(Msg::ContactRelation)
                        value=contact.as_ref().map(|c| c.relation.clone()).unwrap_or_default()
                    />
                    <button type="submit" class="primary">
                        {t(Msg::Save)}
                    </button>
                </form>
            </details>
        </li>
    }
}
