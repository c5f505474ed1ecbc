//! Repairs for every role: the resident's report and job pages, the
//! butler's board, the worker's list, the manager's overview.

use leptos::{ev::SubmitEvent, html, prelude::*};
use leptos_router::hooks::{use_params_map, use_query_map};

#[cfg(feature = "hydrate")]
use super::use_lang;
use super::{clock::use_now, components::with_me, job_detail::JobDetail, layout::Page, live::use_live, load::Load, t};
use crate::ui::components::{FormError, FormKey, query_error};
use crate::{
    api::repairs::{get_job, list_jobs},
    model::{
        Me, Msg, Role,
        job::{ClockFacts, JobSummary},
        job_list::JobFilter,
        repair::{Category, JobStatus, Urgency},
        sla::{ClockState, format_duration},
        time::format_local,
    },
};

pub(super) fn status_class(s: JobStatus) -> &'static str {
    match s {
        JobStatus::Submitted | JobStatus::Reopened => "st st-new",
        JobStatus::Acknowledged | JobStatus::Assigned | JobStatus::EnRoute | JobStatus::InProgress => "st st-work",
        JobStatus::OnHold => "st st-hold",
        JobStatus::Resolved => "st st-resolved",
        JobStatus::Confirmed | JobStatus::Rated => "st st-done",
        JobStatus::Cancelled => "st st-cancel",
    }
}

pub(super) fn urgency_class(u: Urgency) -> &'static str {
    match u {
        Urgency::Critical => "urg urg-critical",
        Urgency::Urgent => "urg urg-urgent",
        Urgency::Normal => "urg urg-normal",
    }
}

// ---------------------------------------------------------------- report

#[component]
pub fn ReportPage() -> impl IntoView {
    with_me(|me: Me| {
        let unit = me.unit.as_ref().map(|u| u.label.clone()).unwrap_or_default();
        view! {
            <Page me=me.clone()>
                <ReportForm unit />
            </Page>
        }
    })
}

/// Category (one tap), optional text and photos, send (one tap). Without
/// scripts it is a multipart form posted to `/forms/repairs`; with them,
/// photos upload one by one with a progress bar first.
#[component]
fn ReportForm(unit: String) -> impl IntoView {
    let error = RwSignal::new(query_error().map(|m| t(m).to_string()));
    let category = RwSignal::new(None::<Category>);
    let busy = RwSignal::new(false);
    let progress = RwSignal::new(Vec::<(String, f64)>::new());
    let description = NodeRef::<html::Textarea>::new();
    let urgency = NodeRef::<html::Select>::new();
    let files = NodeRef::<html::Input>::new();
    let form = NodeRef::<html::Form>::new();
    #[cfg(feature = "hydrate")]
    let (lang, navigate) = (use_lang(), leptos_router::hooks::use_navigate());

    let on_submit = move |ev: SubmitEvent| {
        #[cfg(feature = "hydrate")]
        {
            ev.prevent_default();
            if busy.get_untracked() {
                return;
            }
            let Some(cat) = category.get_untracked() else {
                error.set(Some(Msg::ErrCategory.text(lang).to_string()));
                return;
            };
            let chosen: Vec<web_sys::File> = files
                .get_untracked()
                .and_then(|input| input.files())
                .map(|list| (0..list.length()).filter_map(|i| list.get(i)).collect())
                .unwrap_or_default();
            if chosen.len() > crate::model::repair::MAX_PHOTOS {
                error.set(Some(Msg::ErrTooManyPhotos.text(lang).to_string()));
                return;
            }
            let text = description.get_untracked().map(|d| d.value()).unwrap_or_default();
            let level = urgency.get_untracked().map(|u| u.value()).unwrap_or_default();
            // The page's key: a report sent twice (a retry, a second tap
            // after a reload of the same page) is filed once.
            let client_key = form
                .get_untracked()
                .and_then(|f| web_sys::FormData::new_with_form(&f).ok())
                .and_then(|d| d.get("client_key").as_string());
            busy.set(true);
            error.set(None);
            progress.set(chosen.iter().map(|f| (f.name(), 0.0)).collect());
            let navigate = navigate.clone();
            leptos::task::spawn_local(async move {
                let mut photo_ids = Vec::new();
                for (i, file) in chosen.into_iter().enumerate() {
                    let on_progress = move |p: f64| {
                        progress.update(|v| {
                            if let Some(e) = v.get_mut(i) {
                                e.1 = p
                            }
                        })
                    };
                    match super::upload::upload(file, lang, on_progress).await {
                        Ok(photo) => {
                            progress.update(|v| {
                                if let Some(e) = v.get_mut(i) {
                                    e.1 = 1.0
                                }
                            });
                            photo_ids.push(photo.id);
                        }
                        Err(message) => {
                            error.set(Some(message));
                            busy.set(false);
                            return;
                        }
                    }
                }
                let input = crate::model::job::NewRepair {
                    category: cat.as_str().to_string(),
                    description: Some(text),
                    urgency: Some(level),
                    photo_ids,
                    on_behalf: None,
                    client_key,
                };
                match crate::api::repairs::report_repair(input).await {
                    Ok(job) => navigate(&format!("/repairs/{}", job.id), Default::default()),
                    Err(e) => {
                        error.set(Some(e.message(lang)));
                        busy.set(false);
                    }
                }
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };

    // Only urgencies at or above the category's suggestion are offered.
    let suggested = move || category.get().map(|c| c.default_urgency()).unwrap_or(Urgency::Normal);

    view! {
        <h1>{t(Msg::CardRepairs)}</h1>
        <p class="place">
            <span class="muted">{t(Msg::YourUnit)}</span>
            " "
            <strong>{unit}</strong>
        </p>
        // Known outages first (issue 18); never in the way of the report.
        <super::outages::OutagePanel category />
        <form
            method="post"
            action="/forms/repairs"
            enctype="multipart/form-data"
            class="stack report"
            id="report-form"
            node_ref=form
            on:submit=on_submit
        >
            <FormKey />
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
            <fieldset class="categories">
                <legend>{t(Msg::WhatIsBroken)}</legend>
                {Category::ALL
                    .into_iter()
                    .map(|c| {
                        view! {
                            <label class="cat" class:critical=c.default_urgency() == Urgency::Critical>
                                <input
                                    type="radio"
                                    name="category"
                                    value=c.as_str()
                                    required
                                    on:change=move |_| category.set(Some(c))
                                />
                                <span class="cat-icon" aria-hidden="true">
                                    {c.icon()}
                                </span>
                                <span class="cat-name">{t(c.label())}</span>
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <label for="description">{t(Msg::DescribeOptional)}</label>
            <textarea
                id="description"
                name="description"
                rows="3"
                maxlength="1000"
                node_ref=description
                placeholder=t(Msg::DescribePlaceholder)
            ></textarea>
            <label for="photos">{t(Msg::AddPhotos)}</label>
            <input
                id="photos"
                type="file"
                name="photos"
                accept="image/jpeg,image/png,image/webp,image/*"
                multiple
                node_ref=files
            />
            <p class="hint">{t(Msg::PhotosHint)}</p>
            <ul class="progress-list">
                {move || {
                    progress
                        .get()
                        .into_iter()
                        .map(|(name, p)| {
                            view! {
                                <li>
                                    <span class="file-name">{name}</span>
                                    <progress max="100" value=format!("{:.0}", p * 100.0)></progress>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <label for="urgency">{t(Msg::Urgency)}</label>
            <select id="urgency" name="urgency" node_ref=urgency>
                <option value="">{t(Msg::UrgencySuggested)}</option>
                {Urgency::ALL
                    .into_iter()
                    .map(|u| {
                        view! {
                            <option value=u.as_str() disabled=move || u < suggested()>
                                {t(u.label())}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <button type="submit" class="primary big" disabled=move || busy.get()>
                {move || if busy.get() { t(Msg::Sending) } else { t(Msg::SendReport) }}
            </button>
        </form>
    }
}

// ---------------------------------------------------------------- lists

/// A live countdown chip for a list row.
#[component]
pub(super) fn SlaChip(clock: ClockFacts) -> impl IntoView {
    let now = use_now();
    let sla = move || clock.facts().compute(now.get());
    let text = move || {
        let s = sla();
        let (state, deadline) = if clock.responded_at.is_none() && !clock.cancelled {
            (s.respond, s.respond_by)
        } else {
            (s.resolve, s.resolve_by)
        };
        match state {
            ClockState::OnTrack | ClockState::Warning => {
                format!("{} {}", t(Msg::TimeLeft), format_duration(deadline - now.get()))
            }
            ClockState::Breached => format!("{} {}", t(Msg::Overdue), format_duration(now.get() - deadline)),
            other => t(other.label()).to_string(),
        }
    };
    view! {
        <span
            class="sla-chip"
            class:bad=move || sla().state.is_bad()
            class:warn=move || sla().state == ClockState::Warning
        >
            {text}
        </span>
    }
}

#[component]
fn JobCard(job: JobSummary) -> impl IntoView {
    let href = format!("/repairs/{}", job.id);
    let open = job.status.is_open();
    view! {
        <li class="job-card" class:bad=job.sla.state.is_bad() data-job=job.id.clone()>
            <a href=href>
                <span class="job-icon" aria-hidden="true">
                    {job.category.icon()}
                </span>
                <span class="job-main">
                    <span class="job-title">
                        {t(job.category.label())} " "
                        <span class=urgency_class(job.urgency)>{t(job.urgency.label())}</span>
                    </span>
                    <span class="job-sub">
                        {job.unit.label.clone()} " · " {format_local(job.created_at)}
                        {job.assignee.as_ref().map(|a| format!(" · {}", a.name))}
                    </span>
                    {(!job.description.is_empty())
                        .then(|| view! { <span class="job-desc">{job.description.clone()}</span> })}
                </span>
                <span class="job-side">
                    <span class=status_class(job.status) data-status=job.status.as_str()>
                        {t(job.status.label())}
                    </span>
                    {open.then(|| view! { <SlaChip clock=job.clock /> })}
                </span>
            </a>
        </li>
    }
}

#[component]
fn JobList(jobs: Vec<JobSummary>) -> impl IntoView {
    if jobs.is_empty() {
        return view! { <p class="muted empty">{t(Msg::NoJobs)}</p> }.into_any();
    }
    view! { <ul class="jobs">{jobs.into_iter().map(|job| view! { <JobCard job /> }).collect_view()}</ul> }.into_any()
}

/// The board's counts: "共 612 单，其中 40 单超时".
pub(crate) fn open_jobs_count(total: u64, breached: u64) -> String {
    t(Msg::OpenJobsCount).replace("{n}", &total.to_string()).replace("{m}", &breached.to_string())
}

/// A page of jobs that refreshes whenever a `repair.updated` event
/// arrives, with the board's counts when the server gives them; `filter`
/// is applied by the server, before it counts and pages. More rows
/// are never dropped silently: with `page_href` (the page's address with
/// its filters, ending in `?` or `&`) a plain next-page link (`cursor=`),
/// otherwise a note that more follow.
#[component]
fn LiveJobs(
    scope: Option<&'static str>,
    status: Option<String>,
    #[prop(optional)] filter: JobFilter,
    #[prop(optional)] page_href: Option<String>,
    #[prop(default = None)] cursor: Option<String>,
) -> impl IntoView {
    let live = use_live();
    let jobs = Resource::new(
        move || (status.clone(), filter.clone(), cursor.clone(), live.repairs.get()),
        move |(status, filter, cursor, _)| {
            let urgency = filter.urgency.map(|u| u.as_str().to_string());
            list_jobs(scope.map(str::to_string), status, filter.building, urgency, cursor)
        },
    );
    view! {
        <Load resource=jobs transition=true let:page>
            {
                let list = page.items;
                let counts = page
                    .total
                    .map(|n| {
                        view! { <p class="job-counts">{open_jobs_count(n, page.breached.unwrap_or(0))}</p> }
                    });
                let more = page
                    .next_cursor
                    .map(|c| match page_href.clone() {
                        Some(base) => {
                            view! {
                                <a class="button next-page" href=format!("{base}cursor={c}")>
                                    {t(Msg::NextPageLink)}
                                </a>
                            }
                                .into_any()
                        }
                        None => view! { <p class="muted more-rows">{t(Msg::MoreRowsFollow)}</p> }.into_any(),
                    });
                view! {
                    {counts}
                    <JobList jobs=list />
                    {more}
                }
            }
        </Load>
    }
}

#[component]
pub fn MyJobsPage() -> impl IntoView {
    with_me(|me: Me| {
        view! {
            <Page me=me.clone()>
                <div class="row-between">
                    <h1>{t(Msg::CardMyJobs)}</h1>
                    <a class="button primary" href="/repairs/new">
                        {t(Msg::CardRepairs)}
                    </a>
                </div>
                <h2>{t(Msg::InProgressJobs)}</h2>
                <LiveJobs scope=Some("mine") status=Some("open".to_string()) />
                <h2>{t(Msg::PastJobs)}</h2>
                <LiveJobs scope=Some("mine") status=Some("closed".to_string()) />
            </Page>
        }
    })
}

/// The butler's board, the manager's overview and the duty room's list of
/// critical jobs: open jobs, most urgent clock first, with filters that
/// work as a plain GET form.
#[component]
pub fn BoardPage() -> impl IntoView {
    with_me(|me: Me| {
        let query = use_query_map();
        let building = query.with_untracked(|q| q.get("building")).filter(|b| !b.is_empty());
        let default_urgency = (me.role == Role::Duty).then(|| "critical".to_string());
        let urgency = query.with_untracked(|q| q.get("urgency")).or(default_urgency).filter(|u| !u.is_empty());
        let closed = query.with_untracked(|q| q.get("status")).as_deref() == Some("closed");
        let cursor = query.with_untracked(|q| q.get("cursor")).filter(|c| !c.is_empty());
        // The next-page link keeps the page (the board, the manager's
        // overview, the duty room's critical jobs) and its filters (no-JS:
        // a plain GET).
        let path = leptos_router::hooks::use_location().pathname.get_untracked();
        let page_href = format!(
            "{path}?status={}&building={}&urgency={}&",
            if closed { "closed" } else { "open" },
            building.clone().unwrap_or_default(),
            urgency.clone().unwrap_or_default(),
        );
        // The list this role opens on, as the server decides it (a worker's
        // board is what is assigned to them).
        let scope = me.role.natural_job_list().map_or("all", |s| s.as_str());
        // An unknown urgency in a hand-edited address filters nothing.
        let filter = JobFilter { building: building.clone(), urgency: urgency.as_deref().and_then(Urgency::parse) };
        let buildings = me.buildings.clone();
        view! {
            <Page me=me.clone()>
                <h1>{t(Msg::CardJobBoard)}</h1>
                <form method="get" class="filters">
                    {(!buildings.is_empty())
                        .then(|| {
                            view! {
                                <label>
                                    {t(Msg::Building)} <select name="building">
                                        <option value="">{t(Msg::All)}</option>
                                        {buildings
                                            .iter()
                                            .map(|bd| {
                                                view! {
                                                    <option
                                                        value=bd.id.clone()
                                                        selected=building.as_deref() == Some(bd.id.as_str())
                                                    >
                                                        {bd.name.clone()}
                                                    </option>
                                                }
                                            })
                                            .collect_view()}
                                    </select>
                                </label>
                            }
                        })}
                    <label>
                        {t(Msg::Urgency)} <select name="urgency">
                            <option value="">{t(Msg::All)}</option>
                            {Urgency::ALL
                                .into_iter()
                                .rev()
                                .map(|x| {
                                    view! {
                                        <option value=x.as_str() selected=urgency.as_deref() == Some(x.as_str())>
                                            {t(x.label())}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    </label>
                    <label>
                        {t(Msg::Status)} <select name="status">
                            <option value="open" selected=!closed>
                                {t(Msg::OpenJobs)}
                            </option>
                            <option value="closed" selected=closed>
                                {t(Msg::PastJobs)}
                            </option>
                        </select>
                    </label>
                    <button type="submit">{t(Msg::Filter)}</button>
                </form>
                <LiveJobs
                    scope=Some(scope)
                    status=Some(if closed { "closed" } else { "open" }.to_string())
                    filter
                    page_href
                    cursor
                />
            </Page>
        }
    })
}

/// A worker's jobs: what is assigned to them, with one-tap state changes.
#[component]
pub fn WorkerJobsPage() -> impl IntoView {
    with_me(|me: Me| {
        view! {
            <Page me=me.clone()>
                <h1>{t(Msg::CardAssigned)}</h1>
                <LiveJobs scope=Some("assigned") status=Some("open".to_string()) />
                <h2>{t(Msg::PastJobs)}</h2>
                <LiveJobs scope=Some("assigned") status=Some("closed".to_string()) />
            </Page>
        }
    })
}

// ---------------------------------------------------------------- detail

#[component]
pub fn JobPage() -> impl IntoView {
    let params = use_params_map();
    let live = use_live();
    let job =
        Resource::new(move || (params.read().get("id").unwrap_or_default(), live.repairs.get()), |(id, _)| get_job(id));
    let error = query_error();
    with_me(move |me: Me| {
        let role = me.role;
        view! {
            <Page me=me.clone()>
                <FormError error />
                <Load resource=job transition=true let:job>
                    <JobDetail job role />
                </Load>
            </Page>
        }
    })
}
