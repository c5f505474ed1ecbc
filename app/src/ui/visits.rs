//! Regular visits to elders (定期探访) for staff: the record-a-visit form
//! (a plain form posting to `/forms/elders/{id}/visits`, so it works
//! without scripts) used on the butler's board and the elder's page, the
//! schedule line of the elders list, and the elder's page `/elders/:id`
//! with the schedule and the visit log.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{
    components::{FormError, query_error, with_me},
    layout::Page,
    live::use_live,
    load::Load,
    t,
};
use crate::{
    api::help::{elder_list, elder_visit_log},
    model::{
        Me, Msg, Permission,
        help::{ElderCondition, ElderInfo, ElderVisit, VisitMode, VisitStatus},
        time::format_local,
    },
};

/// Records a visit to elder `elder_id` now, then goes back to `back`.
#[component]
pub fn RecordVisitForm(elder_id: String, back: String) -> impl IntoView {
    view! {
        <form method="post" action=format!("/forms/elders/{elder_id}/visits") class="action-form visit-form">
            <input type="hidden" name="back" value=back />
            <select name="mode" aria-label=t(Msg::VisitMode)>
                {VisitMode::ALL
                    .iter()
                    .map(|m| view! { <option value=m.as_str()>{t(m.label())}</option> })
                    .collect_view()}
            </select>
            <select name="condition" aria-label=t(Msg::VisitCondition)>
                {ElderCondition::ALL
                    .iter()
                    .map(|c| view! { <option value=c.as_str()>{t(c.label())}</option> })
                    .collect_view()}
            </select>
            <input name="note" maxlength="500" placeholder=t(Msg::NoteOptional) aria-label=t(Msg::NoteOptional) />
            <input
                name="follow_up"
                maxlength="500"
                placeholder=t(Msg::VisitFollowUp)
                aria-label=t(Msg::VisitFollowUp)
            />
            <button type="submit" class="primary">
                {t(Msg::RecordVisit)}
            </button>
        </form>
    }
}

/// "Next visit due 2026-12-03 · last visit …" for an elder's row.
#[component]
pub fn VisitLine(elder_id: String, status: VisitStatus) -> impl IntoView {
    let last = status.last_visit_at.map_or_else(|| t(Msg::VisitNever).to_string(), format_local);
    view! {
        <p class="visit-line" class:bad=status.overdue data-overdue=status.overdue.to_string()>
            {if status.overdue { t(Msg::VisitsOverdue) } else { t(Msg::VisitDueOn) }}
            " "
            {status.next_due.to_string()}
            " · "
            {t(Msg::VisitLastOn)}
            " "
            {last}
            " "
            <a href=format!("/elders/{elder_id}")>{t(Msg::VisitLog)}</a>
        </p>
    }
}

/// One elder's page for staff: the schedule (settable by the butler of
/// the building and the manager), recording a visit, and the visit log,
/// newest first, 20 at a time (`?cursor=` for older ones).
#[component]
pub fn ElderVisitsPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let live = use_live();
    let id = move || params.read().get("id").unwrap_or_default();
    let elders = Resource::new(move || live.help.get(), |_| elder_list(false));
    let log = Resource::new(
        move || (id(), query.read().get("cursor"), live.help.get()),
        |(id, cursor, _)| elder_visit_log(id, cursor),
    );
    let error = query_error();
    with_me(move |me: Me| {
        let may_schedule = me.may(Permission::SetVisitSchedule);
        view! {
            <Page me=me.clone()>
                <FormError error />
                <Load resource=elders transition=true let:list>
                    {list
                        .into_iter()
                        .find(|e| e.id == id())
                        .map(|e| view! { <ElderHead e may_schedule /> }.into_any())
                        .unwrap_or_else(|| view! { <h1>{t(Msg::ErrNotFound)}</h1> }.into_any())}
                </Load>
                <h2>{t(Msg::VisitLog)}</h2>
                <Load resource=log transition=true let:page>
                    <VisitLog id=id() items=page.items next=page.next_cursor />
                </Load>
            </Page>
        }
    })
}

#[component]
fn ElderHead(e: ElderInfo, may_schedule: bool) -> AnyView {
    let back = format!("/elders/{}", e.id);
    let every = e.visits.as_ref().map_or(7, |v| v.every_days);
    view! {
        <h1>{e.unit.label.clone()} " " {e.name.clone()}</h1>
        {e.visits.clone().map(|status| view! { <VisitLine elder_id=e.id.clone() status /> })}
        {may_schedule
            .then(|| {
                view! {
                    <form method="post" action=format!("/forms/elders/{}/visit-schedule", e.id) class="action-form">
                        <input type="hidden" name="back" value=back.clone() />
                        <label>
                            {t(Msg::VisitEveryDays)} " "
                            <input type="number" name="every_days" min="1" max="90" required value=every />
                        </label>
                        <button type="submit">{t(Msg::Save)}</button>
                    </form>
                }
            })}
        <RecordVisitForm elder_id=e.id.clone() back />
    }
    .into_any()
}

#[component]
fn VisitLog(id: String, items: Vec<ElderVisit>, next: Option<String>) -> impl IntoView {
    if items.is_empty() {
        return view! { <p class="muted">{t(Msg::VisitNone)}</p> }.into_any();
    }
    view! {
        <ul class="list visit-log">
            {items
                .into_iter()
                .map(|v| {
                    view! {
                        <li data-visit=v.id.clone() class:overdue=!v.on_time>
                            <div class="row-between">
                                <strong>
                                    {format_local(v.visited_at)} " · " {t(v.mode.label())} " · "
                                    {t(v.condition.label())}
                                </strong>
                                <span class="st">
                                    {if v.on_time { t(Msg::VisitOnTime) } else { t(Msg::VisitLate) }}
                                </span>
                            </div>
                            <p class="muted">{v.by.name.clone()} " · " {t(Msg::VisitDueOn)} " " {v.due.to_string()}</p>
                            {(!v.note.is_empty()).then(|| view! { <p class="tl-note">{v.note.clone()}</p> })}
                            {(!v.follow_up.is_empty())
                                .then(|| view! { <p class="tl-note follow-up">"⚑ " {v.follow_up.clone()}</p> })}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
        {next
            .map(|c| {
                let href = format!("/elders/{id}?cursor={}", c.replace('+', "%2B").replace(':', "%3A"));
                view! { <a href=href>{t(Msg::OlderVisits)}</a> }
            })}
    }
    .into_any()
}
