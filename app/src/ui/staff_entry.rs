//! Staff pages of issue 17: taking a request for a resident (代客报修,
//! `/entry`) and the follow-up visits (回访, `/follow-ups`). Both are plain
//! HTML forms (the building is chosen with a GET form, the entry and each
//! outcome post to `/forms/...`), so they work before or without any WASM.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{
    components::{FormError, query_error, with_me},
    layout::Page,
    live::use_live,
    load::Load,
    t,
};
use crate::{
    api::staff_entry::{entry_buildings, entry_units, follow_up_list},
    model::{
        Me, Msg, UnitInfo,
        complaint::{ComplaintCategory, JobKind},
        follow_up::{FollowUpOutcome, FollowUpTiming},
        job::FollowUp,
        keys::FollowUpStatus,
        repair::{Category, Urgency},
        staff_entry::Channel,
        time::format_local,
    },
};

/// `/entry?building=`: choose the building, then the unit and person, the
/// channel and what to record.
#[component]
pub fn EntryPage() -> impl IntoView {
    let query = use_query_map();
    let building = move || query.read().get("building").filter(|b| !b.is_empty());
    let buildings = Resource::new(|| (), |_| entry_buildings());
    let units = Resource::new(building, |b| async move {
        match b {
            Some(b) => entry_units(b).await,
            None => Ok(Vec::new()),
        }
    });
    let error = query_error();
    with_me(move |me: Me| {
        view! {
            <Page me=me.clone()>
                <h1>{t(Msg::StaffEntry)}</h1>
                <p class="hint">{t(Msg::StaffEntryHint)}</p>
                <FormError error />
                <Load resource=buildings let:list>
                    <form method="get" action="/entry" class="action-form" id="entry-building">
                        <label for="building">{t(Msg::Building)}</label>
                        <select id="building" name="building" required>
                            <option value="">{t(Msg::EntryChooseBuilding)}</option>
                            {list
                                .into_iter()
                                .map(|b| {
                                    let selected = building().as_deref() == Some(b.id.as_str());
                                    view! {
                                        <option value=b.id.clone() selected=selected>
                                            {b.name.clone()}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                        <button type="submit">{t(Msg::EntryChooseBuilding)}</button>
                    </form>
                </Load>
                <Load resource=units transition=true let:list>
                    {(!list.is_empty()).then(|| view! { <EntryForm units=list /> })}
                </Load>
            </Page>
        }
    })
}

/// The entry itself: one option per (unit, person), so no script is needed
/// to narrow the people to the unit.
#[component]
fn EntryForm(units: Vec<UnitInfo>) -> impl IntoView {
    let targets: Vec<(String, String)> = units
        .iter()
        .flat_map(|u| {
            u.residents.iter().map(move |r| {
                let elder = if r.elder_mode { " 👴" } else { "" };
                (format!("{}:{}", u.id, r.id), format!("{} · {} ({}){elder}", u.label, r.name, r.phone))
            })
        })
        .collect();
    view! {
        <form method="post" action="/forms/entry" enctype="multipart/form-data" class="stack report" id="entry-form">
            // One key per showing of the form: a double submit or a resent
            // post is one request (`StaffHelpCall::client_key`, and per kind
            // for a repair or complaint).
            <super::components::FormKey />
            <label for="target">{t(Msg::EntryUnit)} " / " {t(Msg::EntryResident)}</label>
            <select id="target" name="target" required>
                {targets
                    .into_iter()
                    .map(|(value, label)| view! { <option value=value>{label}</option> })
                    .collect_view()}
            </select>
            <fieldset>
                <legend>{t(Msg::Channel)}</legend>
                {Channel::STAFF
                    .into_iter()
                    .enumerate()
                    .map(|(i, c)| {
                        view! {
                            <label class="tag">
                                <input type="radio" name="channel" value=c.as_str() checked=i == 0 required />
                                " "
                                {t(c.label())}
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <fieldset>
                <legend>{t(Msg::EntryKind)}</legend>
                <label class="tag">
                    <input type="radio" name="kind" value="repair" checked=true />
                    " "
                    {t(Msg::EntryRepair)}
                </label>
                <label class="tag">
                    <input type="radio" name="kind" value="complaint" />
                    " "
                    {t(Msg::FuReasonComplaint)}
                </label>
                <label class="tag">
                    <input type="radio" name="kind" value="help" />
                    " "
                    {t(Msg::EntryHelp)}
                </label>
            </fieldset>
            <label for="category">{t(Msg::Category)}</label>
            <select id="category" name="category">
                {Category::ALL
                    .into_iter()
                    .map(|c| view! { <option value=c.as_str()>{c.icon()} " " {t(c.label())}</option> })
                    .collect_view()}
            </select>
            <label for="complaint_category">{t(Msg::FuReasonComplaint)} " · " {t(Msg::Category)}</label>
            <select id="complaint_category" name="complaint_category">
                {ComplaintCategory::ALL
                    .into_iter()
                    .map(|c| view! { <option value=c.as_str()>{t(c.label())}</option> })
                    .collect_view()}
            </select>
            <label for="urgency">{t(Msg::Urgency)}</label>
            <select id="urgency" name="urgency">
                <option value="">{t(Msg::UrgencySuggested)}</option>
                {Urgency::ALL
                    .into_iter()
                    .map(|u| view! { <option value=u.as_str()>{t(u.label())}</option> })
                    .collect_view()}
            </select>
            <label for="description">{t(Msg::DescribeOptional)}</label>
            <textarea id="description" name="description" rows="3" maxlength="1000"></textarea>
            <label for="photos">{t(Msg::AddPhotos)}</label>
            <input id="photos" type="file" name="photos" accept="image/jpeg,image/png,image/webp,image/*" multiple />
            <label class="tag">
                <input type="checkbox" name="notify_family" />
                " "
                {t(Msg::EntryNotifyFamily)}
            </label>
            <button type="submit" class="primary big">
                {t(Msg::EntrySubmit)}
            </button>
        </form>
    }
}

/// `/follow-ups`: open ones first (soonest due first), each with its script,
/// its due clock and the outcome form; then those done.
#[component]
pub fn FollowUpsPage() -> impl IntoView {
    let live = use_live();
    let cursor = use_query_map().with_untracked(|q| q.get("cursor")).filter(|c| !c.is_empty());
    let list = Resource::new(move || (live.repairs.get(), cursor.clone()), |(_, c)| follow_up_list(None, c));
    let error = query_error();
    with_me(move |me: Me| {
        view! {
            <Page me=me.clone()>
                <h1>{t(Msg::FollowUps)}</h1>
                <FormError error />
                <Load resource=list transition=true let:page>
                    {page
                        .total
                        .filter(|n| *n > 0)
                        .map(|n| {
                            view! {
                                <p class="muted list-count">
                                    {t(Msg::FollowUpsOpenCount).replace("{n}", &n.to_string())}
                                </p>
                            }
                        })}
                    {if page.items.is_empty() && page.next_cursor.is_none() {
                        view! { <p class="muted">{t(Msg::NoFollowUps)}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="list follow-ups">
                                {page.items.into_iter().map(|f| view! { <FollowUpRow f /> }).collect_view()}
                            </ul>
                        }
                            .into_any()
                    }}
                    {page
                        .next_cursor
                        .map(|c| {
                            view! {
                                <a class="button next-page" href=format!("/follow-ups?cursor={c}")>
                                    {t(Msg::NextPageLink)}
                                </a>
                            }
                        })}
                </Load>
            </Page>
        }
    })
}

#[component]
fn FollowUpRow(f: FollowUp) -> impl IntoView {
    let bad = matches!(f.timing, FollowUpTiming::Overdue | FollowUpTiming::Late);
    let open = f.status == FollowUpStatus::Open;
    let due = f.due_at.map(format_local).unwrap_or_default();
    // The job's own page: a complaint or suggestion is not a repair.
    let base = if f.kind == JobKind::Repair { "/repairs" } else { "/complaints" };
    let job = f.repair_id.clone().map(|id| view! { <a href=format!("{base}/{id}")>{t(f.kind.label())}</a> });
    view! {
        <li class="follow-up" data-timing=f.timing.as_str() data-reason=f.reason.as_str()>
            <div class="row-between">
                <strong>{t(f.reason.label())} " · " {f.unit.clone().unwrap_or_default()}</strong>
                <span class="chip" class:bad=bad>
                    {t(f.timing.label())}
                </span>
            </div>
            <p class="muted">
                {f.resident.clone().map(|r| r.name).unwrap_or_default()} " · " {t(Msg::FuDueBy)} " " {due} " " {job}
            </p>
            {f
                .stars
                .map(|s| view! { <p>{"★".repeat(usize::from(s))} " " {f.comment.clone().unwrap_or_default()}</p> })}
            {open
                .then(|| {
                    view! {
                        <p class="script">
                            <span class="muted">{t(Msg::FuScript)} ": "</span>
                            {t(f.reason.script())}
                        </p>
                        <form method="post" action=format!("/forms/follow-ups/{}/outcome", f.id) class="action-form">
                            {FollowUpOutcome::ALL
                                .into_iter()
                                .map(|o| {
                                    view! {
                                        <label class="tag">
                                            <input
                                                type="radio"
                                                name="outcome"
                                                value=o.as_str()
                                                required
                                                checked=o == FollowUpOutcome::Satisfied
                                            />
                                            " "
                                            {t(o.label())}
                                        </label>
                                    }
                                })
                                .collect_view()}
                            <input name="note" maxlength="1000" placeholder=t(Msg::FuNote) aria-label=t(Msg::FuNote) />
                            <button type="submit" class="primary">
                                {t(Msg::FuRecord)}
                            </button>
                        </form>
                    }
                })}
            {(!open)
                .then(|| {
                    let remedy = if f.new_repair_id.is_some() {
                        Some(Msg::FuNewRequest)
                    } else if f.reopened {
                        Some(Msg::FuReopened)
                    } else {
                        None
                    };
                    view! {
                        <p>
                            {f.outcome.map(|o| t(o.label()))} " " {f.note.clone()} " "
                            {remedy.map(|m| view! { <em>{t(m)}</em> })}
                        </p>
                    }
                })}
        </li>
    }
}
