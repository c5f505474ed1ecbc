//! The guard's screens: scan or type a pass and get a full-screen green or
//! red answer; today's expected visitors; walk-ins; the manager's entry log.
//!
//! Checking is a plain GET (`/gate?q=...`), admitting a plain form post, so
//! the gate works on any phone. With scripts, the camera scans QR codes:
//! the browser's `BarcodeDetector` where it exists, else a decoder compiled
//! into the WASM (`rqrr`).

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{
    components::{msg_from_query, with_me},
    layout::Page,
    live::use_live,
    load::Load,
    t,
};
use crate::ui::components::FormError;
use crate::{
    api::passes::{check_pass, list_entries, list_expected, list_gate_units, list_walk_ins},
    model::{
        Me, Msg,
        keys::WalkInStatus,
        pass::{Verdict, gate_label},
        time::{format_local, format_local_hm},
    },
};

fn query(name: &str) -> Option<String> {
    use_query_map().with_untracked(|q| q.get(name)).filter(|v| !v.is_empty())
}

#[component]
pub fn GatePage() -> impl IntoView {
    let q = query("q");
    let admitted = query("admitted");
    let error = query("error").and_then(|e| msg_from_query(&e));
    let input = q.clone();
    let verdict = Resource::new(
        move || input.clone(),
        |q| async move {
            match q {
                Some(q) => check_pass(q).await.map(Some),
                None => Ok(None),
            }
        },
    );
    with_me(move |me: Me| {
        let q = q.clone();
        let admitted = admitted.clone();
        view! {
            <Page me=me
                .clone()>
                {admitted
                    .clone()
                    .map(|name| {
                        view! {
                            <section class="verdict ok" role="status" id="verdict" data-valid="admitted">
                                <p class="verdict-big">{"✓ "}{t(Msg::Admitted)}</p>
                                <p class="verdict-name">{name}</p>
                            </section>
                        }
                    })}
                {error
                    .map(|m| {
                        view! {
                            <section class="verdict bad" role="alert" id="verdict" data-valid="false">
                                <p class="verdict-big">{"✗ "}{super::components::error_text(m)}</p>
                            </section>
                        }
                    })} <Load resource=verdict let:verdict>
                    {match verdict {
                        Some(v) => view! { <VerdictView v q=q.clone().unwrap_or_default() /> }.into_any(),
                        None => ().into_any(),
                    }}
                </Load> <form method="get" action="/gate" class="stack gate-form" id="gate-form">
                    <label for="q">{t(Msg::EnterCode)}</label>
                    <input
                        id="q"
                        name="q"
                        autocomplete="off"
                        autocapitalize="characters"
                        maxlength="200"
                        inputmode="latin"
                        placeholder="AB3D7K9M"
                    />
                    <button type="submit" class="primary big">
                        {t(Msg::Check)}
                    </button>
                </form> <Scanner /> <nav class="cards">
                    <a class="card" href="/gate/expected">
                        <span class="card-icon">"🗓️"</span>
                        <span class="card-title">{t(Msg::CardExpected)}</span>
                    </a>
                    <a class="card" href="/gate/walk-in">
                        <span class="card-icon">"🚶"</span>
                        <span class="card-title">{t(Msg::CardWalkIn)}</span>
                    </a>
                </nav>
            </Page>
        }
    })
}

#[component]
fn VerdictView(v: Verdict, q: String) -> impl IntoView {
    let reason = v.reason.map(|r| t(r.label())).unwrap_or_default();
    let pass = v.pass.clone();
    view! {
        <section
            class="verdict"
            class:ok=v.valid
            class:bad=!v.valid
            role="alert"
            id="verdict"
            data-valid=v.valid.to_string()
            data-reason=v.reason.map(|r| r.as_str()).unwrap_or("")
        >
            <p class="verdict-big">
                {if v.valid { format!("✓ {}", t(Msg::PassValid)) } else { format!("✗ {reason}") }}
            </p>
            {pass
                .map(|p| {
                    view! {
                        <p class="verdict-name">{p.visitor_name.clone()}</p>
                        <p class="verdict-detail">
                            {t(Msg::Host)} " " {p.unit.label.clone()} {p.plate.clone().map(|pl| format!(" · {pl}"))}
                        </p>
                        {match p.schedule.clone() {
                            Some(schedule) => {
                                // A recurring visitor: the schedule and the window open now or next.
                                view! { <super::passes::ScheduleLines schedule next=p.next_window /> }
                                    .into_any()
                            }
                            None => {
                                view! {
                                    <p class="verdict-detail">
                                        {format_local_hm(p.valid_from)} " – " {format_local(p.valid_until)} " · "
                                        {p.entries_used} "/" {p.max_entries}
                                    </p>
                                }
                                    .into_any()
                            }
                        }}
                    }
                })}
            {v
                .valid
                .then(|| {
                    view! {
                        <form method="post" action="/forms/gate/admit" class="admit-form">
                            <input type="hidden" name="q" value=q.clone() />
                            <button type="submit" class="admit-button" id="admit">
                                {t(Msg::Admit)}
                            </button>
                        </form>
                    }
                })}
        </section>
    }
}

/// The camera: scans until a QR code is read, then checks it.
#[component]
fn Scanner() -> impl IntoView {
    let status = RwSignal::new(String::new());
    let video = NodeRef::<leptos::html::Video>::new();
    let file = NodeRef::<leptos::html::Input>::new();
    let start = move |_| {
        #[cfg(feature = "hydrate")]
        super::scan::start_camera(video, status);
    };
    let from_file = move |_| {
        #[cfg(feature = "hydrate")]
        super::scan::decode_file(file, status);
    };
    // A photo picked before the page came alive (the script still on its
    // way over a weak network) fired its change event before the handler
    // existed: read it now.
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if file.get().and_then(|i| i.files()).is_some_and(|f| f.length() > 0) {
            super::scan::decode_file(file, status);
        }
    });
    view! {
        <section class="scanner">
            <button type="button" class="big" id="scan" on:click=start>
                {"📷 "}
                {t(Msg::Scan)}
            </button>
            <label class="button" for="qr-file">
                {"🖼️ "}
                {t(Msg::ScanPhoto)}
            </label>
            <input
                id="qr-file"
                type="file"
                accept="image/*"
                class="visually-hidden"
                node_ref=file
                on:change=from_file
            />
            <video node_ref=video class="scan-video" playsinline muted hidden></video>
            <p class="hint" role="status">
                {move || status.get()}
            </p>
        </section>
    }
}

#[component]
pub fn ExpectedPage() -> impl IntoView {
    with_me(|me: Me| {
        let live = use_live();
        let list = Resource::new(move || live.passes.get(), |_| list_expected());
        view! {
            <Page me=me.clone()>
                <h1>{t(Msg::CardExpected)}</h1>
                <Load resource=list transition=true let:list>
                    {if list.is_empty() {
                        view! { <p class="muted empty">{t(Msg::NoPasses)}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="list">
                                {list
                                    .into_iter()
                                    .map(|p| {
                                        let recurring = p.schedule.is_some();
                                        view! {
                                            <li class:recurring=recurring data-pass=p.id.clone()>
                                                <strong>{p.visitor_name.clone()}</strong>
                                                " → "
                                                {p.unit.label.clone()}
                                                {match p.schedule.clone() {
                                                    Some(schedule) => {
                                                        // A recurring visitor (长期访客): today's window.
                                                        view! {
                                                            <super::passes::ScheduleLines schedule next=p.next_window />
                                                            <p class="job-sub">
                                                                {p.visitor_phone.clone()}
                                                                {p.plate.clone().map(|pl| format!(" · {pl}"))}
                                                            </p>
                                                        }
                                                            .into_any()
                                                    }
                                                    None => {
                                                        view! {
                                                            <p class="job-sub">
                                                                {format_local_hm(p.valid_from)} " – "
                                                                {format_local(p.valid_until)}
                                                                {p.visitor_phone.clone().map(|ph| format!(" · {ph}"))}
                                                                {p.plate.clone().map(|pl| format!(" · {pl}"))} " · "
                                                                {p.entries_used} "/" {p.max_entries}
                                                            </p>
                                                        }
                                                            .into_any()
                                                    }
                                                }}
                                            </li>
                                        }
                                    })
                                    .collect_view()}
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
pub fn WalkInPage() -> impl IntoView {
    let error = query("error").and_then(|e| msg_from_query(&e));
    with_me(move |me: Me| {
        let live = use_live();
        let units = Resource::new(|| (), |_| list_gate_units());
        let walk_ins = Resource::new(move || live.passes.get(), |_| list_walk_ins());
        view! {
            <Page me=me.clone()>
                <h1>{t(Msg::CardWalkIn)}</h1>
                <form method="post" action="/forms/gate/walk-ins" class="stack" id="walk-in-form">
                    <FormError error />
                    <label for="visitor_name">{t(Msg::VisitorName)}</label>
                    <input id="visitor_name" name="visitor_name" required maxlength="30" />
                    <label for="visitor_phone">{t(Msg::VisitorPhoneOptional)}</label>
                    <input id="visitor_phone" name="visitor_phone" type="tel" maxlength="32" />
                    <label for="unit">{t(Msg::VisitingUnit)}</label>
                    <select id="unit" name="unit" required>
                        <Load
                            resource=units
                            or_else=Vec::new
                            fallback=|| view! { <option value="">{t(Msg::Loading)}</option> }
                            let:units
                        >
                            {units
                                .into_iter()
                                .map(|u| view! { <option value=u.id.clone()>{u.label.clone()}</option> })
                                .collect_view()}
                        </Load>
                    </select>
                    <label for="purpose">{t(Msg::PurposeOptional)}</label>
                    <input id="purpose" name="purpose" maxlength="100" />
                    <button type="submit" class="primary big">
                        {t(Msg::AskResident)}
                    </button>
                </form>
                <h2>{t(Msg::TodaysWalkIns)}</h2>
                <Load resource=walk_ins transition=true or_else=Vec::new fallback=|| () let:list>
                    {
                        view! {
                            <ul class="list">
                                {list
                                    .into_iter()
                                    .map(|w| {
                                        let status = match w.status {
                                            WalkInStatus::Approved => t(Msg::Approved),
                                            WalkInStatus::Denied => t(Msg::Denied),
                                            WalkInStatus::Pending => t(Msg::Waiting),
                                        };
                                        view! {
                                            <li data-walk-in=w.id.clone() data-status=w.status.as_str()>
                                                <strong>{w.visitor_name.clone()}</strong>
                                                " → "
                                                {w.unit.label.clone()}
                                                " · "
                                                <span class="st">{status}</span>
                                                <span class="job-sub">" " {format_local_hm(w.created_at)}</span>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                    }
                </Load>
            </Page>
        }
    })
}

/// The manager's entry log, with a gate filter and CSV export.
#[component]
pub fn EntriesPage() -> impl IntoView {
    let gate = query("gate");
    let cursor = query("cursor");
    with_me(move |me: Me| {
        let gate = gate.clone();
        let (g, c) = (gate.clone(), cursor.clone());
        let list = Resource::new(move || (g.clone(), c.clone()), |(g, c)| list_entries(g, c));
        // The next page keeps the filter (no-JS: a plain link).
        let next_href = format!("/admin/entries?gate={}&cursor=", gate.clone().unwrap_or_default());
        let csv = format!(
            "/api/v1/gate/entries?format=csv{}",
            gate.as_ref().map(|g| format!("&gate={g}")).unwrap_or_default()
        );
        view! {
            <Page me=me.clone()>
                <div class="row-between">
                    <h1>{t(Msg::EntryLog)}</h1>
                    <a class="button" href=csv download="entries.csv">
                        {t(Msg::ExportCsv)}
                    </a>
                </div>
                <form method="get" class="filters">
                    <label>
                        {t(Msg::Gate)} <select name="gate">
                            <option value="">{t(Msg::All)}</option>
                            {["north", "south", "east", "west"]
                                .into_iter()
                                .map(|g| {
                                    view! {
                                        <option value=g selected=gate.as_deref() == Some(g)>
                                            {t(gate_label(g))}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    </label>
                    <button type="submit">{t(Msg::Filter)}</button>
                </form>
                <Load resource=list transition=true let:page>
                    {page
                        .next_cursor
                        .map(|c| {
                            view! {
                                <a class="button next-page" href=format!("{next_href}{c}")>
                                    {t(Msg::NextPageLink)}
                                </a>
                            }
                        })}
                    <table>
                        <thead>
                            <tr>
                                <th>{t(Msg::Time)}</th>
                                <th>{t(Msg::Gate)}</th>
                                <th>{t(Msg::VisitorName)}</th>
                                <th>{t(Msg::VisitingUnit)}</th>
                                <th>{t(Msg::RoleGuard)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {page
                                .items
                                .into_iter()
                                .map(|e| {
                                    view! {
                                        <tr>
                                            <td>{format_local(e.at)}</td>
                                            <td>{t(gate_label(&e.gate))}</td>
                                            <td>{e.visitor_name.clone().unwrap_or_default()}</td>
                                            <td>{e.unit.clone().unwrap_or_default()}</td>
                                            <td>{e.guard.clone()}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </Load>
            </Page>
        }
    })
}
