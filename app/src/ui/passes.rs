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
    api::passes::{get_visitor_pass, list_my_passes, list_walk_ins},
    model::{
        Me, Msg,
        keys::WalkInStatus,
        live::EventKind,
        pass::{MAX_ENTRIES, Pass, gate_label},
        time::{format_local, format_local_hm},
    },
};

#[component]
pub fn PassesPage() -> impl IntoView {
    with_me(|me: Me| {
        let live = use_live();
        let passes = Resource::new(move || live.passes.get(), |_| list_my_passes());
        view! {
            <Page me=me.clone()>
                <div class="row-between">
                    <h1>{t(Msg::CardVisitors)}</h1>
                    <a class="button primary" href="/passes/new">
                        {t(Msg::NewPass)}
                    </a>
                </div>
                <Load resource=passes transition=true let:list>
                    {if list.is_empty() {
                        view! { <p class="muted empty">{t(Msg::NoPasses)}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="list passes">
                                {list.into_iter().map(|p| view! { <PassRow p /> }).collect_view()}
                            </ul>
                        }
                            .into_any()
                    }}
                </Load>
            </Page>
        }
    })
}

#[component]
fn PassRow(p: Pass) -> impl IntoView {
    let status = match p.reason {
        None => t(Msg::PassValid).to_string(),
        Some(r) => t(r.label()).to_string(),
    };
    let usable = p.reason.is_none() || p.reason == Some(crate::model::pass::Reason::NotYetValid);
    view! {
        <li class="pass-row" data-pass=p.id.clone()>
            <div class="row-between">
                <strong>{p.visitor_name.clone()}</strong>
                <span class="st" class:st-done=!usable>
                    {status}
                </span>
            </div>
            <p class="job-sub">
                {format_local(p.valid_from)} " – " {format_local(p.valid_until)} " · " {p.entries_used} "/"
                {p.max_entries} " " {t(Msg::Entries)} {p.plate.clone().map(|pl| format!(" · {pl}"))}
            </p>
            {p
                .entries
                .iter()
                .map(|e| view! { <p class="ok-line">{"✓ "}{format_local(e.at)} " " {t(gate_label(&e.gate))}</p> })
                .collect_view()}
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

/// The invitation form: a plain form; the answer is the visitor's page,
/// with its link to share.
#[component]
pub fn NewPassPage() -> impl IntoView {
    let error = query_error();
    with_me(move |me: Me| {
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
                    <label for="days">{t(Msg::ValidFor)}</label>
                    <select id="days" name="days">
                        <option value="0">{t(Msg::ValidToday)}</option>
                        <option value="1">{t(Msg::ValidTomorrow)}</option>
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
                            <p>{t(Msg::ValidFrom)} " " {format_local(v.valid_from)}</p>
                            <p>{t(Msg::ValidUntil)} " " {format_local(v.valid_until)}</p>
                            <p>{Msg::EntriesLeft.text(lang).replace("{n}", &v.entries_left.to_string())}</p>
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
