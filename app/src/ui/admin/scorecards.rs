//! Butler scorecards over a period, with trend charts: `/admin/scorecards`.

use leptos::prelude::*;

use super::query;
use crate::{
    api::admin::list_scorecards,
    model::{Me, Msg},
    ui::{chart::TrendChart, components::with_me, layout::Page, load::Load, t, use_lang},
};

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
                                            <th>{t(Msg::FollowUpOnTime)}</th>
                                            <th>{t(Msg::FollowUpLate)}</th>
                                            <th>{t(Msg::FollowUpOverdue)}</th>
                                            <th>{t(Msg::Channel)}</th>
                                            <th>{t(Msg::VisitsOnTime)}</th>
                                            <th>{t(Msg::VisitLate)}</th>
                                            <th>{t(Msg::VisitsOverdueNow)}</th>
                                            <th>{t(Msg::ScComplaints)}</th>
                                            <th>{t(Msg::ScComplaints)} " · " {t(Msg::Channel)}</th>
                                            <th>{t(Msg::ScComplaintRespond)}</th>
                                            <th>{t(Msg::ScComplaintResolve)}</th>
                                            <th>{t(Msg::ScComplaintRating)}</th>
                                            <th>{t(Msg::ScHolds)}</th>
                                            <th>{t(Msg::ScHeldTime)}</th>
                                            <th>{t(Msg::ScUrges)}</th>
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
                                                        <td class="fu-on-time">{c.follow_ups_on_time}</td>
                                                        <td class="fu-late">{c.follow_ups_late}</td>
                                                        <td class="fu-overdue">{c.follow_ups_overdue}</td>
                                                        <td class="by-channel">
                                                            {crate::model::staff_entry::Channel::ALL
                                                                .into_iter()
                                                                .map(|ch| {
                                                                    format!(
                                                                        "{} {}",
                                                                        ch.label().text(lang),
                                                                        c.jobs_by_channel.of(ch),
                                                                    )
                                                                })
                                                                .collect::<Vec<_>>()
                                                                .join(" · ")}
                                                        </td>
                                                        <td class="visits-on-time">{c.visits_on_time}</td>
                                                        <td class="visits-late">{c.visits_late}</td>
                                                        <td class="visits-overdue">{c.visits_overdue_now}</td>
                                                        <td class="complaints">{c.complaints}</td>
                                                        <td class="complaints-by-channel">
                                                            {crate::model::staff_entry::Channel::ALL
                                                                .into_iter()
                                                                .map(|ch| {
                                                                    format!(
                                                                        "{} {}",
                                                                        ch.label().text(lang),
                                                                        c.complaints_by_channel.of(ch),
                                                                    )
                                                                })
                                                                .collect::<Vec<_>>()
                                                                .join(" · ")}
                                                        </td>
                                                        <td>{fmt_pct(c.complaints_responded_in_sla_pct)}</td>
                                                        <td>{fmt_pct(c.complaints_resolved_in_sla_pct)}</td>
                                                        <td class="complaint-rating">
                                                            {c
                                                                .complaint_rating_avg
                                                                .map(|r| format!("{r:.2} ({})", c.complaint_rating_count))
                                                                .unwrap_or_else(|| "—".into())}
                                                        </td>
                                                        <td class="holds">{c.holds}</td>
                                                        <td class="held-by-reason">
                                                            {c
                                                                .holds_by_reason
                                                                .iter()
                                                                .filter(|h| h.holds > 0 || h.held_secs > 0)
                                                                .map(|h| {
                                                                    format!(
                                                                        "{} {}×/{}",
                                                                        h.reason.label().text(lang),
                                                                        h.holds,
                                                                        crate::model::sla::format_duration(
                                                                            chrono::Duration::seconds(h.held_secs),
                                                                        ),
                                                                    )
                                                                })
                                                                .collect::<Vec<_>>()
                                                                .join(" · ")}
                                                        </td>
                                                        <td class="urges">{c.urges_received}</td>
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
