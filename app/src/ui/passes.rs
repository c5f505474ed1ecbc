//! Visitor passes: the resident's invitations, the visitor's page, and the
//! resident's live prompts (a walk-in at the gate, a visitor arrived).

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{
    components::with_me,
    layout::{LangSwitch, Page},
    live::use_live,
    load::Load,
    t, use_lang,
};
use crate::ui::components::{FormError, query_error};
use crate::{
    api::{
        help::elder_list,
        passes::{get_visitor_pass, list_long_term_passes, list_my_passes, list_walk_ins},
    },
    model::{
        Me, Msg, Permission,
        keys::WalkInStatus,
        live::EventKind,
        pass::{
            MAX_ENTRIES, Pass, Schedule, Weekday, Window, gate_label,
            schedule::{parse_hm, shanghai_local, window_text},
        },
        time::{format_local, format_local_hm},
    },
};

#[component]
pub fn PassesPage() -> impl IntoView {
    // Pause, resume and revoke come back here with `?error=` when refused.
    let error = query_error();
    let cursor = use_query_map().with_untracked(|q| q.get("cursor")).filter(|c| !c.is_empty());
    with_me(move |me: Me| {
        let live = use_live();
        let c = cursor.clone();
        let passes = Resource::new(move || (live.passes.get(), c.clone()), |(_, c)| list_my_passes(c));
        view! {
            <Page me=me.clone()>
                <FormError error />
                <div class="row-between">
                    <h1>{t(Msg::CardVisitors)}</h1>
                    <a class="button primary" href="/passes/new">
                        {t(Msg::NewPass)}
                    </a>
                </div>
                <Load resource=passes transition=true let:page>
                    {if page.items.is_empty() {
                        view! { <p class="muted empty">{t(Msg::NoPasses)}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="list passes">
                                {page.items.into_iter().map(|p| view! { <PassRow p /> }).collect_view()}
                            </ul>
                        }
                            .into_any()
                    }}
                    {page
                        .next_cursor
                        .map(|c| {
                            view! {
                                <a class="button" href=format!("/passes?cursor={c}")>
                                    {t(Msg::NextPageLink)}
                                </a>
                            }
                        })}
                </Load>
            </Page>
        }
    })
}

/// A recurring pass's schedule and its window open now or next, as the
/// pass page, the visitor's page and the guard's list show them.
#[component]
pub fn ScheduleLines(schedule: Schedule, next: Option<Window>) -> impl IntoView {
    let lang = use_lang();
    let now = chrono::Utc::now();
    let (label, when) = match next {
        Some(w) if w.start <= now => (Msg::OpenNow, window_text(w, lang)),
        Some(w) => (Msg::NextWindow, window_text(w, lang)),
        None => (Msg::NextWindow, t(Msg::NoWindowLeft).to_string()),
    };
    view! {
        <p class="schedule" data-schedule="">
            <span class="tag">{t(Msg::RecurringTag)}</span>
            " "
            {t(Msg::ScheduleLabel)}
            " "
            <strong>{schedule.describe(lang)}</strong>
            " · "
            {schedule.start_date.to_string()}
            " – "
            {schedule.end_date.to_string()}
        </p>
        <p class="next-window">{t(label)} " " {when}</p>
    }
}

#[component]
fn PassRow(p: Pass) -> impl IntoView {
    let status = match p.reason {
        None => t(Msg::PassValid).to_string(),
        Some(r) => t(r.label()).to_string(),
    };
    use crate::model::pass::Reason;
    let usable = matches!(p.reason, None | Some(Reason::NotYetValid | Reason::OutsideSchedule | Reason::Paused));
    let recurring = p.schedule.is_some();
    let pause = (recurring && usable).then(|| {
        let (verb, label) = if p.paused { ("resume", Msg::ResumePass) } else { ("pause", Msg::PausePass) };
        view! {
            <form method="post" action=format!("/forms/passes/{}/{verb}", p.id) class="action-form">
                <button type="submit" data-action=verb>
                    {t(label)}
                </button>
            </form>
        }
    });
    view! {
        <li class="pass-row" data-pass=p.id.clone() class:recurring=recurring>
            <div class="row-between">
                <strong>{p.visitor_name.clone()}</strong>
                <span class="st" class:st-done=!usable>
                    {status}
                </span>
            </div>
            {match p.schedule.clone() {
                Some(schedule) => {
                    view! {
                        <ScheduleLines schedule next=p.next_window />
                        <p class="job-sub">
                            {p.entries_used} " " {t(Msg::Entries)} {p.plate.clone().map(|pl| format!(" · {pl}"))}
                        </p>
                    }
                        .into_any()
                }
                None => {
                    view! {
                        <p class="job-sub">
                            {format_local(p.valid_from)} " – " {format_local(p.valid_until)} " · " {p.entries_used}
                            "/" {p.max_entries} " " {t(Msg::Entries)} {p.plate.clone().map(|pl| format!(" · {pl}"))}
                        </p>
                    }
                        .into_any()
                }
            }}
            {p
                .entries
                .iter()
                .map(|e| view! { <p class="ok-line">{"✓ "}{format_local(e.at)} " " {t(gate_label(&e.gate))}</p> })
                .collect_view()}
            {pause}
            {usable
                .then(|| {
                    view! {
                        <form method="post" action=format!("/forms/passes/{}/revoke", p.id) class="action-form">
                            <button type="submit" class="danger">
                                {t(Msg::Revoke)}
                            </button>
                        </form>
                    }
                })}
        </li>
    }
}

/// The manager's list of the community's active recurring passes (a
/// butler's: their buildings'), a page at a time, each with its household
/// and a revoke button (a plain form): `/admin/passes`.
#[component]
pub fn LongTermPassesPage() -> impl IntoView {
    let cursor = use_query_map().with_untracked(|q| q.get("cursor")).filter(|c| !c.is_empty());
    let error = query_error();
    with_me(move |me: Me| {
        let c = cursor.clone();
        let page = Resource::new(move || c.clone(), list_long_term_passes);
        let butler = me.may(Permission::InviteForElder);
        view! {
            <Page me=me.clone()>
                <div class="row-between">
                    <h1>{t(Msg::LongTermPasses)}</h1>
                    {butler
                        .then(|| {
                            view! {
                                <a class="button primary" href="/passes/new">
                                    {t(Msg::NewPass)}
                                </a>
                            }
                        })}
                </div>
                <FormError error />
                <Load resource=page let:page>
                    {if page.items.is_empty() {
                        view! { <p class="muted empty">{t(Msg::NoLongTermPasses)}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="list passes long-term">
                                {page
                                    .items
                                    .into_iter()
                                    .map(|p| {
                                        let revoke = format!("/forms/passes/{}/revoke?back=/admin/passes", p.id);
                                        let pause = (butler && p.for_elder)
                                            .then(|| {
                                                let (verb, label) = if p.paused {
                                                    ("resume", Msg::ResumePass)
                                                } else {
                                                    ("pause", Msg::PausePass)
                                                };
                                                let action = format!(
                                                    "/forms/passes/{}/{verb}?back=/admin/passes",
                                                    p.id,
                                                );
                                                // The butler pauses and resumes what they made for an elder.
                                                view! {
                                                    <form method="post" action=action class="action-form">
                                                        <button type="submit" data-action=verb>
                                                            {t(label)}
                                                        </button>
                                                    </form>
                                                }
                                            });
                                        let may_revoke = !butler || p.for_elder;
                                        view! {
                                            <li class="pass-row recurring" data-pass=p.id.clone()>
                                                <div class="row-between">
                                                    <strong>{p.visitor_name.clone()}</strong>
                                                    <span>{p.unit.label.clone()}</span>
                                                </div>
                                                {p
                                                    .schedule
                                                    .clone()
                                                    .map(|schedule| {
                                                        view! { <ScheduleLines schedule next=p.next_window /> }
                                                    })}
                                                <p class="job-sub">
                                                    {p.reason.map(|r| t(r.label()))} " · " {p.entries_used} " "
                                                    {t(Msg::Entries)}
                                                </p>
                                                {pause}
                                                {may_revoke
                                                    .then(|| {
                                                        view! {
                                                            <form method="post" action=revoke class="action-form">
                                                                <button type="submit" class="danger">
                                                                    {t(Msg::Revoke)}
                                                                </button>
                                                            </form>
                                                        }
                                                    })}
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                            .into_any()
                    }}
                    {page
                        .next_cursor
                        .map(|c| {
                            let href = format!("/admin/passes?cursor={}", c.replace('+', "%2B"));
                            view! {
                                <a class="button" href=href>
                                    {t(Msg::NextPageLink)}
                                </a>
                            }
                        })}
                </Load>
            </Page>
        }
    })
}

/// The invitation form: a plain form; the answer is the visitor's page,
/// with its link to share.
#[component]
pub fn NewPassPage() -> impl IntoView {
    let error = query_error();
    let preset_unit = use_query_map().with_untracked(|q| q.get("unit")).unwrap_or_default();
    with_me(move |me: Me| {
        // A butler makes recurring passes only, for an elder's home in their buildings.
        let for_elder = me.may(Permission::InviteForElder);
        let preset_unit = preset_unit.clone();
        view! {
            <Page me=me.clone()>
                <h1>{t(Msg::NewPass)}</h1>
                <form method="post" action="/forms/passes" class="stack" id="pass-form">
                    <FormError error />
                    <label for="visitor_name">{t(Msg::VisitorName)}</label>
                    <input id="visitor_name" name="visitor_name" required maxlength="30" autocomplete="off" />
                    <label for="visitor_phone">{t(Msg::VisitorPhoneOptional)}</label>
                    <input id="visitor_phone" name="visitor_phone" type="tel" maxlength="32" autocomplete="off" />
                    <label for="purpose">{t(Msg::PurposeOptional)}</label>
                    <input id="purpose" name="purpose" maxlength="100" />
                    {if for_elder {
                        view! {
                            <input type="hidden" name="kind" value="recurring" />
                            <ElderHomeSelect preset=preset_unit />
                        }
                            .into_any()
                    } else {
                        // One visit or a recurring visitor: without JavaScript,
                        // the stylesheet shows the fields of the checked kind.
                        view! {
                            <input
                                type="radio"
                                id="kind-single"
                                name="kind"
                                value="single"
                                checked
                                class="kind-radio"
                            />
                            <label for="kind-single" class="kind-label">
                                {t(Msg::PassKindSingle)}
                            </label>
                            <input type="radio" id="kind-recurring" name="kind" value="recurring" class="kind-radio" />
                            <label for="kind-recurring" class="kind-label">
                                {t(Msg::PassKindRecurring)}
                            </label>
                        }
                            .into_any()
                    }}
                    <div class="single-fields stack" class:hidden=for_elder>
                        <label for="days">{t(Msg::ValidFor)}</label>
                        <select id="days" name="days">
                            <option value="1">{t(Msg::ValidToday)}</option>
                            <option value="2">{t(Msg::ValidTomorrow)}</option>
                            <option value="3">{t(Msg::Valid3Days)}</option>
                            <option value="7">{t(Msg::Valid7Days)}</option>
                        </select>
                        <label for="max_entries">{t(Msg::Entries)}</label>
                        <select id="max_entries" name="max_entries">
                            <option value="1">{t(Msg::SingleEntry)}</option>
                            {[2u32, 5, 10, MAX_ENTRIES]
                                .into_iter()
                                .map(|n| view! { <option value=n.to_string()>{n}</option> })
                                .collect_view()}
                        </select>
                    </div>
                    <RecurringFields always=for_elder />
                    <label for="plate">{t(Msg::PlateOptional)}</label>
                    <input
                        id="plate"
                        name="plate"
                        maxlength="16"
                        placeholder="粤B12345"
                        autocomplete="off"
                        autocapitalize="characters"
                    />
                    <button type="submit" class="primary big">
                        {t(Msg::CreatePass)}
                    </button>
                </form>
            </Page>
        }
    })
}

/// The butler's choice of the elder's home a recurring pass is for: the
/// elders of their buildings (`preset`: a unit id from `?unit=`).
#[component]
fn ElderHomeSelect(preset: String) -> impl IntoView {
    let elders = Resource::new(|| (), |_| elder_list(false));
    view! {
        <label for="unit">{t(Msg::ElderUnitOptional)}</label>
        <select id="unit" name="unit" required>
            <Load
                resource=elders
                or_else=Vec::new
                fallback=|| view! { <option value="">{t(Msg::Loading)}</option> }
                let:elders
            >
                {elders
                    .into_iter()
                    .filter(|e| e.elder_mode)
                    .map(|e| {
                        let selected = e.unit.id == preset;
                        view! {
                            <option value=e.unit.id.clone() selected=selected>
                                {format!("{} · {}", e.name, e.unit.label)}
                            </option>
                        }
                    })
                    .collect_view()}
            </Load>
        </select>
    }
}

/// The schedule of a recurring pass on the invitation form: weekdays
/// (Mon–Fri checked), a daily window, start and end dates (today and three
/// months on), all Shanghai time.
#[component]
fn RecurringFields(
    /// Shown whatever the kind (the butler's form, which makes only recurring passes).
    always: bool,
) -> impl IntoView {
    let today = shanghai_local(chrono::Utc::now()).date();
    let end = today.checked_add_months(chrono::Months::new(3)).unwrap_or(today);
    let max_end = today.checked_add_months(chrono::Months::new(12)).unwrap_or(today);
    // What the boxes say, for the preview of the next visit: the model's
    // rule, the one the gate enforces, run in the browser.
    let days = RwSignal::new(Weekday::ALL.map(|d| !matches!(d, Weekday::Sat | Weekday::Sun)));
    let time_from = RwSignal::new("08:00".to_string());
    let time_until = RwSignal::new("12:00".to_string());
    let start = RwSignal::new(today.to_string());
    let finish = RwSignal::new(end.to_string());
    // The boxes as they stand, read again on every change (and once the
    // script runs, for what was typed before it did).
    let day_refs: [NodeRef<leptos::html::Input>; 7] = std::array::from_fn(|_| NodeRef::new());
    let from_ref = NodeRef::<leptos::html::Input>::new();
    let until_ref = NodeRef::<leptos::html::Input>::new();
    let start_ref = NodeRef::<leptos::html::Input>::new();
    let end_ref = NodeRef::<leptos::html::Input>::new();
    let sync = move || {
        days.set(std::array::from_fn(|i| {
            day_refs.get(i).and_then(|r| r.get_untracked()).is_some_and(|input| input.checked())
        }));
        let value = |r: NodeRef<leptos::html::Input>| r.get_untracked().map(|input| input.value()).unwrap_or_default();
        time_from.set(value(from_ref));
        time_until.set(value(until_ref));
        start.set(value(start_ref));
        finish.set(value(end_ref));
    };
    // Only once the page runs script: without it the boxes change and a
    // preview would not follow them.
    let live = RwSignal::new(false);
    Effect::new(move |_| {
        sync();
        live.set(true);
    });
    let preview = move || {
        if !live.get() {
            return None;
        }
        let lang = use_lang();
        let date = |s: String| chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok();
        let schedule = Schedule {
            weekdays: Weekday::ALL.into_iter().zip(days.get()).filter(|(_, on)| *on).map(|(d, _)| d).collect(),
            time_from: parse_hm(&time_from.get())?,
            time_until: parse_hm(&time_until.get())?,
            start_date: date(start.get())?,
            end_date: date(finish.get())?,
        };
        let now = chrono::Utc::now();
        Some(match schedule.validate(shanghai_local(now).date()) {
            Err((_, msg)) => (true, t(msg).to_string()),
            Ok(()) => {
                let next = schedule
                    .current_or_next(now)
                    .map_or_else(|| t(Msg::NoWindowLeft).to_string(), |w| window_text(w, lang));
                (false, format!("{} · {} {next}", schedule.describe(lang), t(Msg::NextWindow)))
            }
        })
    };
    view! {
        <fieldset class="recurring-fields stack" class:always=always>
            <legend>{t(Msg::PassKindRecurring)}</legend>
            <p class="hint">{t(Msg::RecurringHint)}</p>
            <span class="label">{t(Msg::ScheduleDays)}</span>
            <div class="weekdays">
                {Weekday::ALL
                    .into_iter()
                    .map(|d| {
                        let id = format!("wd-{}", d.as_str());
                        let for_id = id.clone();
                        view! {
                            <label for=for_id class="weekday">
                                <input
                                    type="checkbox"
                                    id=id
                                    name="weekdays"
                                    value=d.as_str()
                                    checked=!matches!(d, Weekday::Sat | Weekday::Sun)
                                    node_ref=day_refs.get(d.index()).copied().unwrap_or_default()
                                    on:change=move |_| sync()
                                />
                                {t(d.label())}
                            </label>
                        }
                    })
                    .collect_view()}
            </div>
            <label for="time_from">{t(Msg::ScheduleFrom)}</label>
            <input
                id="time_from"
                name="time_from"
                type="time"
                value="08:00"
                node_ref=from_ref
                on:input=move |_| sync()
            />
            <label for="time_until">{t(Msg::ScheduleUntil)}</label>
            <input
                id="time_until"
                name="time_until"
                type="time"
                value="12:00"
                node_ref=until_ref
                on:input=move |_| sync()
            />
            <label for="start_date">{t(Msg::ScheduleStart)}</label>
            <input
                id="start_date"
                name="start_date"
                type="date"
                value=today.to_string()
                min=today.to_string()
                node_ref=start_ref
                on:input=move |_| sync()
            />
            <label for="end_date">{t(Msg::ScheduleEnd)}</label>
            <input
                id="end_date"
                name="end_date"
                type="date"
                value=end.to_string()
                min=today.to_string()
                max=max_end.to_string()
                node_ref=end_ref
                on:input=move |_| sync()
            />
            <p class="schedule-preview" id="schedule-preview" role="status">
                {move || {
                    preview()
                        .map(|(bad, text)| {
                            view! {
                                <span class:error=bad class:next-window=!bad>
                                    {text}
                                </span>
                            }
                        })
                }}
            </p>
        </fieldset>
    }
}

/// What the visitor opens: the QR code large, the code, where and when.
/// No login and nothing about the host beyond the building.
#[component]
pub fn VisitorPage() -> impl IntoView {
    let params = use_params_map();
    let token = params.read_untracked().get("token").unwrap_or_default();
    let is_new = use_query_map().with_untracked(|q| q.get("new").is_some());
    let view_token = token.clone();
    let pass = Resource::new(move || view_token.clone(), get_visitor_pass);
    view! {
        <main class="page narrow visitor">
            <div class="login-top">
                <LangSwitch />
            </div>
            <Load resource=pass let:pass>
                {match pass {
                    Some(v) => {
                        let lang = use_lang();
                        view! {
                            {is_new
                                .then(|| {
                                    view! {
                                        <section class="notice share">
                                            <p>
                                                <strong>{t(Msg::PassCreated)}</strong>
                                            </p>
                                            <p class="hint">{t(Msg::ShareHint)}</p>
                                        </section>
                                    }
                                })}
                            <h1>{v.community.clone()}</h1>
                            <p class="muted">{v.address.clone()}</p>
                            <p class="visitor-for">
                                {t(Msg::PassFor)} " " <strong>{v.visitor_name.clone()}</strong> " · " {t(Msg::GoTo)}
                                " " <strong>{v.building.clone()}</strong>
                            </p>
                            {v
                                .reason
                                .map(|r| {
                                    view! {
                                        <p class="notice error" role="alert">
                                            {t(r.label())}
                                        </p>
                                    }
                                })}
                            <img
                                class="qr"
                                src=format!("/v/{token}/qr.svg")
                                width="280"
                                height="280"
                                alt=t(Msg::QrAlt)
                            />
                            <p class="code-label">{t(Msg::ShortCode)}</p>
                            <p class="code" id="pass-code">
                                {v.code.clone()}
                            </p>
                            {match v.schedule.clone() {
                                Some(schedule) => view! { <ScheduleLines schedule next=v.next_window /> }.into_any(),
                                None => {
                                    view! {
                                        <p>{t(Msg::ValidFrom)} " " {format_local(v.valid_from)}</p>
                                        <p>{t(Msg::ValidUntil)} " " {format_local(v.valid_until)}</p>
                                        <p>{Msg::EntriesLeft.text(lang).replace("{n}", &v.entries_left.to_string())}</p>
                                    }
                                        .into_any()
                                }
                            }}
                            <p class="hint">{t(Msg::AtTheGate)}</p>
                        }
                            .into_any()
                    }
                    None => {
                        #[cfg(feature = "ssr")]
                        if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
                            res.set_status(http::StatusCode::NOT_FOUND);
                        }
                        view! { <p class="notice error">{t(Msg::ReasonUnknown)}</p> }.into_any()
                    }
                }}
            </Load>
        </main>
    }
}

/// A resident's live prompts, on every resident page: walk-in visitors
/// waiting for an answer, and "your visitor arrived".
#[component]
pub fn ResidentPrompts() -> impl IntoView {
    let live = use_live();
    let walk_ins = Resource::new(move || live.passes.get(), |_| list_walk_ins());
    let arrival = move || {
        let lang = use_lang();
        live.last.get().and_then(|(kind, data)| {
            (kind == EventKind::PassAdmitted).then(|| {
                let v: serde_json::Value = serde_json::from_str(&data).unwrap_or_default();
                // The event's own fields sit next to the envelope's kind and at.
                let field = |k: &str| v.get(k).and_then(serde_json::Value::as_str).unwrap_or_default();
                Msg::VisitorArrived
                    .text(lang)
                    .replace("{name}", field("visitor_name"))
                    .replace("{gate}", gate_label(field("gate")).text(lang))
                    .replace("{time}", field("time"))
            })
        })
    };
    view! {
        {move || {
            arrival()
                .map(|text| {
                    view! {
                        <p class="notice arrival" role="status" id="arrival">
                            {"🚪 "}
                            {text}
                        </p>
                    }
                })
        }}
        <Load resource=walk_ins transition=true or_else=Vec::new fallback=|| () let:list>
            {
                let pending: Vec<_> = list.into_iter().filter(|w| w.status == WalkInStatus::Pending).collect();
                pending
                    .into_iter()
                    .map(|w| {
                        view! {
                            <section class="notice warn walk-in" role="alert" data-walk-in=w.id.clone()>
                                <p>
                                    {"🚶 "}{t(Msg::WalkInAsk)} " " <strong>{w.visitor_name.clone()}</strong> " · "
                                    {t(gate_label(&w.gate))} " · " {format_local_hm(w.created_at)}
                                    {(!w.purpose.is_empty()).then(|| format!(" · {}", w.purpose))}
                                </p>
                                <div class="action-form">
                                    <form method="post" action=format!("/forms/walk-ins/{}/decision", w.id)>
                                        <input type="hidden" name="approve" value="true" />
                                        <button type="submit" class="primary" data-action="approve">
                                            {t(Msg::LetIn)}
                                        </button>
                                    </form>
                                    <form method="post" action=format!("/forms/walk-ins/{}/decision", w.id)>
                                        <input type="hidden" name="approve" value="false" />
                                        <button type="submit" class="danger" data-action="deny">
                                            {t(Msg::DontLetIn)}
                                        </button>
                                    </form>
                                </div>
                            </section>
                        }
                    })
                    .collect_view()
            }
        </Load>
    }
}
