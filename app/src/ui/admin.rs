//! The manager's console (buildings and butlers, staff, settings, audit
//! log), the scorecards, and a resident's butler card. All changes are
//! plain forms; every one is audited on the server.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{
    chart::TrendChart,
    components::{msg_from_query, with_me},
    layout::Page,
    load::Load,
    t, use_lang,
};
use crate::{
    api::admin::{get_my_butler, get_settings, list_audit, list_buildings, list_scorecards, list_staff},
    model::{Me, Msg, Role, Trade, admin::ImportSkip, time::format_local},
};

fn query(name: &str) -> Option<String> {
    use_query_map().with_untracked(|q| q.get(name)).filter(|v| !v.is_empty())
}

fn error_notice() -> impl IntoView {
    let detail = query("detail").filter(|d| d.starts_with("line"));
    query("error").and_then(|e| msg_from_query(&e)).map(|m| {
        view! {
            <p class="notice error" role="alert">
                {t(m)}
                {detail.map(|d| format!(" ({d})"))}
            </p>
        }
    })
}

/// The result of the last unit import, from the redirect's query:
/// `imported=2&skipped=1&skip=3:exists,4:duplicate` (at most 100 lines
/// named; the API's answer lists them all).
fn import_report() -> impl IntoView {
    let created = query("imported")?;
    let skipped = query("skipped").unwrap_or_default();
    let lines: Vec<(String, Option<ImportSkip>)> = query("skip")
        .unwrap_or_default()
        .split(',')
        .filter_map(|p| p.split_once(':'))
        .map(|(line, why)| (line.to_string(), ImportSkip::parse(why)))
        .collect();
    Some(view! {
        <section class="notice ok" role="status" id="import-report">
            <p>
                {t(Msg::ImportDone)}{format!(": {created}")}" · "{t(Msg::ImportSkippedLines)}{format!(": {skipped}")}
            </p>
            {(!lines.is_empty())
                .then(|| {
                    view! {
                        <table>
                            <thead>
                                <tr>
                                    <th>{t(Msg::ImportLine)}</th>
                                    <th>{t(Msg::ImportReason)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {lines
                                    .into_iter()
                                    .map(|(line, why)| {
                                        view! {
                                            <tr>
                                                <td>{line}</td>
                                                <td>{why.map(|w| t(w.label())).unwrap_or_default()}</td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    }
                })}
        </section>
    })
}

#[component]
pub fn BuildingsPage() -> impl IntoView {
    with_me(|me: Me| {
        // The table and the butlers to choose from, as one load: a failed
        // staff list leaves the choices empty, as before.
        let buildings =
            Resource::new(|| (), |_| async { Ok((list_buildings().await?, list_staff().await.unwrap_or_default())) });
        view! {
            <Page me=me.clone()>
                <h1>{t(Msg::CardBuildings)}</h1>
                {error_notice()}
                {import_report()}
                <Load resource=buildings let((list, people))>
                    {
                        let butlers: Vec<_> = people.into_iter().filter(|p| p.role == "butler" && p.active).collect();
                        view! {
                            <table id="buildings">
                                <thead>
                                    <tr>
                                        <th>{t(Msg::Building)}</th>
                                        <th>{t(Msg::Units)}</th>
                                        <th>{t(Msg::RoleButler)}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {list
                                        .into_iter()
                                        .map(|b| {
                                            let current = b.butler.as_ref().map(|x| x.id.clone());
                                            view! {
                                                <tr data-building=b.number.clone()>
                                                    <td>{b.name.clone()}</td>
                                                    <td>{b.unit_count}</td>
                                                    <td>
                                                        <form
                                                            method="post"
                                                            action=format!("/forms/buildings/{}/butler", b.id)
                                                            class="action-form"
                                                        >
                                                            <select name="butler_id" aria-label=t(Msg::RoleButler)>
                                                                {butlers
                                                                    .iter()
                                                                    .map(|p| {
                                                                        view! {
                                                                            <option
                                                                                value=p.id.clone()
                                                                                selected=current.as_deref() == Some(p.id.as_str())
                                                                            >
                                                                                {p.name.clone()}
                                                                            </option>
                                                                        }
                                                                    })
                                                                    .collect_view()}
                                                            </select>
                                                            <button type="submit">{t(Msg::Assign)}</button>
                                                        </form>
                                                    </td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        }
                    }
                </Load>
                <h2>{t(Msg::AddBuilding)}</h2>
                <form method="post" action="/forms/buildings" class="action-form">
                    <input
                        name="number"
                        required
                        maxlength="20"
                        placeholder=t(Msg::BuildingNumber)
                        aria-label=t(Msg::BuildingNumber)
                    />
                    <input
                        name="name"
                        maxlength="50"
                        placeholder=t(Msg::BuildingName)
                        aria-label=t(Msg::BuildingName)
                    />
                    <button type="submit" class="primary">
                        {t(Msg::Add)}
                    </button>
                </form>
                <h2>{t(Msg::ImportUnits)}</h2>
                <form method="post" action="/forms/units/import" class="stack">
                    <label for="csv">{t(Msg::ImportHint)}</label>
                    <textarea id="csv" name="csv" rows="5" placeholder="楼号,房号\n1,101\n1,102"></textarea>
                    <button type="submit" class="primary">
                        {t(Msg::Import)}
                    </button>
                </form>
            </Page>
        }
    })
}

#[component]
pub fn StaffPage() -> impl IntoView {
    with_me(|me: Me| {
        let staff = Resource::new(|| (), |_| list_staff());
        view! {
            <Page me=me.clone()>
                <h1>{t(Msg::CardStaff)}</h1>
                {error_notice()}
                <Load resource=staff let:list>
                    <table>
                        <tbody>
                            {list
                                .into_iter()
                                .map(|p| {
                                    let role = Role::parse(&p.role).map(|r| t(r.label())).unwrap_or_default();
                                    view! {
                                        <tr class:inactive=!p.active>
                                            <td>{p.name.clone()}</td>
                                            <td>{role}</td>
                                            <td>{p.phone.clone()}</td>
                                            <td>
                                                {p
                                                    .trades
                                                    .iter()
                                                    .filter_map(|x| Trade::parse(x))
                                                    .map(|x| t(x.label()))
                                                    .collect::<Vec<_>>()
                                                    .join("、")}
                                            </td>
                                            <td>{p.gate.clone().unwrap_or_default()}</td>
                                            <td>
                                                <form method="post" action=format!("/forms/staff/{}", p.id)>
                                                    <input type="hidden" name="active" value=(!p.active).to_string() />
                                                    <button type="submit" class:danger=p.active>
                                                        {t(if p.active { Msg::Deactivate } else { Msg::Reactivate })}
                                                    </button>
                                                </form>
                                            </td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </Load>
                <h2>{t(Msg::AddPerson)}</h2>
                <form method="post" action="/forms/staff" class="stack">
                    <input
                        name="name"
                        required
                        maxlength="50"
                        placeholder=t(Msg::ContactName)
                        aria-label=t(Msg::ContactName)
                    />
                    <input
                        name="phone"
                        type="tel"
                        required
                        maxlength="32"
                        placeholder=t(Msg::Phone)
                        aria-label=t(Msg::Phone)
                    />
                    <select name="role" aria-label=t(Msg::Role)>
                        {Role::ALL
                            .into_iter()
                            .filter(|r| *r != Role::Resident)
                            .map(|r| view! { <option value=r.as_str()>{t(r.label())}</option> })
                            .collect_view()}
                    </select>
                    <fieldset class="tags">
                        {Trade::ALL
                            .into_iter()
                            .map(|tr| {
                                view! {
                                    <label class="tag">
                                        <input type="checkbox" name="trades" value=tr.as_str() />
                                        {t(tr.label())}
                                    </label>
                                }
                            })
                            .collect_view()}
                    </fieldset>
                    <input name="gate" maxlength="20" placeholder=t(Msg::Gate) aria-label=t(Msg::Gate) />
                    <input
                        name="password"
                        type="password"
                        required
                        minlength="8"
                        placeholder=t(Msg::InitialPassword)
                        aria-label=t(Msg::InitialPassword)
                    />
                    <button type="submit" class="primary">
                        {t(Msg::Add)}
                    </button>
                </form>
            </Page>
        }
    })
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    with_me(|me: Me| {
        let settings = Resource::new(|| (), |_| get_settings());
        view! {
            <Page me=me.clone()>
                <h1>{t(Msg::CardSettings)}</h1>
                {error_notice()}
                <Load resource=settings let:s>
                    {
                        let row = |label: Msg, key: &'static str, t_: crate::model::sla::SlaTarget| {
                            view! {
                                <tr>
                                    <th>{t(label)}</th>
                                    <td>
                                        <input
                                            type="number"
                                            name=format!("{key}_respond")
                                            min="1"
                                            value=(t_.respond_secs / 60).to_string()
                                            aria-label=format!("{} {}", t(label), t(Msg::RespondBy))
                                        />
                                    </td>
                                    <td>
                                        <input
                                            type="number"
                                            name=format!("{key}_resolve")
                                            min="1"
                                            value=(t_.resolve_secs / 60).to_string()
                                            aria-label=format!("{} {}", t(label), t(Msg::ResolveBy))
                                        />
                                    </td>
                                </tr>
                            }
                        };
                        view! {
                            <form method="post" action="/forms/settings" class="stack" id="settings-form">
                                <table>
                                    <thead>
                                        <tr>
                                            <th></th>
                                            <th>{t(Msg::RespondBy)} " (min)"</th>
                                            <th>{t(Msg::ResolveBy)} " (min)"</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {row(Msg::UrgencyCritical, "critical", s.sla.critical)}
                                        {row(Msg::UrgencyUrgent, "urgent", s.sla.urgent)}
                                        {row(Msg::UrgencyNormal, "normal", s.sla.normal)}
                                    </tbody>
                                </table>
                                <label for="help_staff_secs">{t(Msg::HelpStaffSecs)}</label>
                                <input
                                    id="help_staff_secs"
                                    name="help_staff_secs"
                                    type="number"
                                    min="5"
                                    value=s.help_staff_secs.to_string()
                                />
                                <label for="help_contacts_secs">{t(Msg::HelpContactsSecs)}</label>
                                <input
                                    id="help_contacts_secs"
                                    name="help_contacts_secs"
                                    type="number"
                                    min="10"
                                    value=s.help_contacts_secs.to_string()
                                />
                                <label for="check_in_by">{t(Msg::CheckInBy)}</label>
                                <input id="check_in_by" name="check_in_by" type="time" value=s.check_in_by.clone() />
                                <button type="submit" class="primary">
                                    {t(Msg::Save)}
                                </button>
                            </form>
                        }
                    }
                </Load>
            </Page>
        }
    })
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let action = query("action");
    with_me(move |me: Me| {
        let a = action.clone();
        let log = Resource::new(move || a.clone(), list_audit);
        let action = action.clone();
        view! {
            <Page me=me.clone()>
                <h1>{t(Msg::CardAudit)}</h1>
                <form method="get" class="filters">
                    <label>
                        {t(Msg::Action)} <select name="action">
                            <option value="">{t(Msg::All)}</option>
                            {["building", "person", "staff", "settings", "resident", "announcement", "event", "units"]
                                .into_iter()
                                .map(|k| {
                                    view! {
                                        <option value=k selected=action.as_deref() == Some(k)>
                                            {k}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    </label>
                    <button type="submit">{t(Msg::Filter)}</button>
                </form>
                <Load resource=log let:list>
                    <table id="audit">
                        <tbody>
                            {list
                                .into_iter()
                                .map(|e| {
                                    view! {
                                        <tr>
                                            <td>{format_local(e.at)}</td>
                                            <td>{e.actor.clone()}</td>
                                            <td>{e.action.clone()}</td>
                                            <td>{e.detail.clone()}</td>
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

fn fmt_pct(v: Option<f64>) -> String {
    v.map(|p| format!("{p:.1}%")).unwrap_or_else(|| "—".into())
}

fn fmt_mins(v: Option<i64>) -> String {
    v.map(|s| format!("{}:{:02}", s / 60, s % 60)).unwrap_or_else(|| "—".into())
}

/// Scorecards side by side, each with its trend chart and numbers.
#[component]
pub fn ScorecardsPage() -> impl IntoView {
    let days: i64 = query("days").and_then(|d| d.parse().ok()).unwrap_or(30);
    with_me(move |me: Me| {
        let cards = Resource::new(move || days, list_scorecards);
        view! {
            <Page me=me.clone()>
                <h1>{t(Msg::CardScorecards)}</h1>
                <form method="get" class="filters">
                    <label>
                        {t(Msg::Period)}
                        <select name="days">
                            {[
                                (1, Msg::PeriodDay),
                                (7, Msg::PeriodWeek),
                                (30, Msg::PeriodMonth),
                                (90, Msg::PeriodQuarter),
                            ]
                                .into_iter()
                                .map(|(d, m)| {
                                    view! {
                                        <option value=d.to_string() selected=d == days>
                                            {t(m)}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    </label>
                    <button type="submit">{t(Msg::Filter)}</button>
                </form>
                <Load resource=cards let:list>
                    {
                        let lang = use_lang();
                        view! {
                            <div class="table-scroll">
                                <table id="scorecards">
                                    <thead>
                                        <tr>
                                            <th>{t(Msg::RoleButler)}</th>
                                            <th>{t(Msg::ScJobs)}</th>
                                            <th>{t(Msg::ScRating)}</th>
                                            <th>{t(Msg::ScRespondMedian)}</th>
                                            <th>{t(Msg::ScRespondP90)}</th>
                                            <th>{t(Msg::ScRespondedInSla)}</th>
                                            <th>{t(Msg::ScResolvedInSla)}</th>
                                            <th>{t(Msg::ScFirstTimeFix)}</th>
                                            <th>{t(Msg::ScReopen)}</th>
                                            <th>{t(Msg::ScHelp60)}</th>
                                            <th>{t(Msg::ScCheckIn)}</th>
                                            <th>{t(Msg::FollowUps)}</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {list
                                            .iter()
                                            .map(|(c, _)| {
                                                view! {
                                                    <tr data-butler=c.butler_name.clone()>
                                                        <th>{c.butler_name.clone()}</th>
                                                        <td>{c.jobs}</td>
                                                        <td>
                                                            {c
                                                                .rating_avg
                                                                .map(|r| format!("{r:.2} ({})", c.rating_count))
                                                                .unwrap_or_else(|| "—".into())}
                                                        </td>
                                                        <td>{fmt_mins(c.respond_median_secs)}</td>
                                                        <td>{fmt_mins(c.respond_p90_secs)}</td>
                                                        <td>{fmt_pct(c.responded_in_sla_pct)}</td>
                                                        <td>{fmt_pct(c.resolved_in_sla_pct)}</td>
                                                        <td>{fmt_pct(c.first_time_fix_pct)}</td>
                                                        <td>{fmt_pct(c.reopen_rate_pct)}</td>
                                                        <td>{fmt_pct(c.help_acked_60s_pct)}</td>
                                                        <td>{fmt_pct(c.check_in_coverage_pct)}</td>
                                                        <td>{c.follow_ups_opened}</td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            {list
                                .into_iter()
                                .map(|(c, series)| {
                                    let title = Msg::ChartTitle.text(lang).replace("{name}", &c.butler_name);
                                    view! {
                                        <section class="chart-card">
                                            <h2>{c.butler_name.clone()}</h2>
                                            <TrendChart
                                                title=title
                                                bars=series.iter().map(|d| f64::from(d.jobs)).collect()
                                                line=series.iter().map(|d| d.resolved_in_sla_pct).collect()
                                            />
                                            <details>
                                                <summary>{t(Msg::ChartNumbers)}</summary>
                                                <table>
                                                    <tbody>
                                                        {series
                                                            .into_iter()
                                                            .filter(|d| d.jobs > 0 || d.rating_avg.is_some())
                                                            .map(|d| {
                                                                view! {
                                                                    <tr>
                                                                        <td>{d.day.to_string()}</td>
                                                                        <td>{d.jobs}</td>
                                                                        <td>{fmt_pct(d.resolved_in_sla_pct)}</td>
                                                                        <td>
                                                                            {d
                                                                                .rating_avg
                                                                                .map(|r| format!("{r:.1}★"))
                                                                                .unwrap_or_default()}
                                                                        </td>
                                                                    </tr>
                                                                }
                                                            })
                                                            .collect_view()}
                                                    </tbody>
                                                </table>
                                            </details>
                                        </section>
                                    }
                                })
                                .collect_view()}
                        }
                    }
                </Load>
            </Page>
        }
    })
}

/// A resident's butler: who, how well rated, and a call button.
#[component]
pub fn ButlerCardPage() -> impl IntoView {
    with_me(|me: Me| {
        let card = Resource::new(|| (), |_| get_my_butler());
        view! {
            <Page me=me.clone()>
                <h1>{t(Msg::CardButler)}</h1>
                <Load resource=card let:card>
                    {match card {
                        Some(b) => {
                            view! {
                                <section class="butler-card resident-card" id="butler-card">
                                    <span class="butler-photo" aria-hidden="true">
                                        "🧑‍💼"
                                    </span>
                                    <span class="butler-text">
                                        <strong>{b.name.clone()}</strong>
                                        <span class="muted">{b.buildings.join("、")}</span>
                                        <span
                                            class="stars"
                                            aria-label=format!("{:.1} / 5", b.rating_avg.unwrap_or(0.0))
                                        >
                                            {b
                                                .rating_avg
                                                .map(|r| format!("★ {r:.1} ({})", b.rating_count))
                                                .unwrap_or_else(|| t(Msg::NoRatingsYet).to_string())}
                                        </span>
                                        <span>{t(Msg::JobsDoneThisMonth)} " " {b.jobs_done_this_month}</span>
                                    </span>
                                    <a class="button primary" href=format!("tel:{}", b.phone)>
                                        {"📞 "}
                                        {t(Msg::Call)}
                                    </a>
                                </section>
                            }
                                .into_any()
                        }
                        None => view! { <p class="muted">{t(Msg::NoButler)}</p> }.into_any(),
                    }}
                </Load>
            </Page>
        }
    })
}
