//! One job in full: its clock, photos, people, the buttons this caller may
//! press (the same table the server enforces), the rating and the timeline.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use super::{
    clock::use_now,
    load::Load,
    repairs::{status_class, urgency_class},
    t,
};
use crate::{
    api::repairs::list_assignable,
    model::{
        Msg, Role,
        job::{ClockFacts, Job, TimelineEntry},
        keys::TimelineAction,
        repair::{HoldReason, JobAction, RatingTag, urge_wait},
        sla::{ClockState, format_duration, format_hhmm},
        time::{format_local, format_local_hm},
    },
};

#[component]
/// `role`: the signed-in person's, for which notes an action requires.
pub(super) fn JobDetail(job: Job, role: Role) -> impl IntoView {
    let open = !job.status.is_closed();
    view! {
        <article class="job-detail" data-job=job.id.clone()>
            <header class="job-head">
                <span class="job-icon big" aria-hidden="true">
                    {job.category.icon()}
                </span>
                <div>
                    <h1>{t(job.category.label())}</h1>
                    <p class="job-sub">{job.unit.label.clone()} " · " {format_local(job.created_at)}</p>
                </div>
                <div class="job-badges">
                    <span class=status_class(job.status) id="job-status" data-status=job.status.as_str()>
                        {t(job.status.label())}
                    </span>
                    <span class=urgency_class(job.urgency)>{t(job.urgency.label())}</span>
                </div>
            </header>
            {open.then(|| view! { <SlaPanel clock=job.clock /> })}
            {(!job.description.is_empty()).then(|| view! { <p class="job-text">{job.description.clone()}</p> })}
            <PhotoGrid photos=job.photos.clone() />
            {job
                .outage
                .clone()
                .map(|o| {
                    view! {
                        <p class="notice outage-link" id="job-outage">
                            {"🚧 "}
                            {t(Msg::OutageOnJob)}
                            ": "
                            <a href=format!("/notices/{}", o.id)>{o.title.clone()}</a>
                            {o.ended_at.map(|at| format!(" · {} {}", t(Msg::OutageEnded), format_local(at)))}
                        </p>
                    }
                })}
            <People job=job.clone() />
            {job
                .hold
                .clone()
                .map(|h| {
                    view! {
                        <p class="notice warn" id="job-hold" data-reason=h.reason.as_str()>
                            {t(Msg::OnHoldBecause)}
                            " "
                            {t(h.reason.label())}
                            {(!h.note.is_empty()).then(|| format!("（{}）", h.note))}
                            " · "
                            {t(Msg::OnHoldSince)}
                            " "
                            {format_local(h.since)}
                            {h.resume_at.map(|r| format!(" · {} {}", t(Msg::ResumesAt), format_local(r)))}
                            {job.eta.map(|e| format!(" · {} {}", t(Msg::ExpectedAt), format_local(e)))}
                        </p>
                    }
                })}
            {job
                .may_urge
                .then(|| {
                    view! { <UrgeButton url=format!("/forms/repairs/{}/urge", job.id) next=job.urge_next_at /> }
                })}
            <Actions job=job.clone() role />
            {job.can_rate.then(|| view! { <RatingForm id=job.id.clone() /> })}
            {job
                .rating
                .clone()
                .map(|r| {
                    view! {
                        <section class="rating-done">
                            <h2>{t(Msg::YourRating)}</h2>
                            <p class="stars" aria-label=format!("{} / 5", r.stars)>
                                {"★".repeat(r.stars as usize)}
                                {"☆".repeat(5 - r.stars as usize)}
                            </p>
                            {(!r.comment.is_empty()).then(|| view! { <p>{r.comment.clone()}</p> })}
                        </section>
                    }
                })}
            <Timeline entries=job.timeline.clone() />
        </article>
    }
}

#[component]
pub(super) fn SlaPanel(clock: ClockFacts) -> impl IntoView {
    let now = use_now();
    let sla = move || clock.facts().compute(now.get());
    let line = move |label: Msg, deadline: DateTime<Utc>, state: ClockState| {
        let detail = match state {
            ClockState::OnTrack | ClockState::Warning => {
                format!("{} {}", t(Msg::TimeLeft), format_duration(deadline - now.get()))
            }
            ClockState::Breached => format!("{} {}", t(Msg::Overdue), format_duration(now.get() - deadline)),
            other => t(other.label()).to_string(),
        };
        view! {
            <div class="sla-line" class:bad=state.is_bad() class:warn=state == ClockState::Warning>
                <span class="sla-label">{t(label)}</span>
                <span class="sla-deadline">{format_local_hm(deadline)}</span>
                <span class="sla-state">{detail}</span>
            </div>
        }
    };
    let hours = clock.business_hours.map(|h| {
        view! {
            <p class="muted sla-hours">
                {t(Msg::ClockInBusinessHours)} " " {format_hhmm(h.start)} "–" {format_hhmm(h.end)}
            </p>
        }
    });
    view! {
        <section class="sla-panel" aria-live="polite">
            {hours}
            {move || {
                let s = sla();
                line(Msg::RespondBy, s.respond_by, s.respond)
            }}
            {move || {
                let s = sla();
                line(Msg::ResolveBy, s.resolve_by, s.resolve)
            }}
        </section>
    }
}

#[component]
pub(super) fn PhotoGrid(photos: Vec<crate::model::job::Photo>) -> impl IntoView {
    (!photos.is_empty()).then(|| {
        view! {
            <ul class="photos">
                {photos
                    .into_iter()
                    .map(|p| {
                        view! {
                            <li>
                                <a href=p.url.clone() target="_blank" rel="noopener">
                                    <img src=p.thumb_url.clone() alt="" loading="lazy" width="160" height="120" />
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
    })
}

#[component]
fn People(job: Job) -> impl IntoView {
    let person = |label: Msg, who: Option<crate::model::StaffRef>| {
        who.map(|p| {
            let tel = p.phone_full.clone().map(|n| format!("tel:{n}"));
            view! {
                <div class="person">
                    <span class="muted">{t(label)}</span>
                    <strong>{p.name.clone()}</strong>
                    {match tel {
                        Some(href) => {
                            view! {
                                <a class="button" href=href>
                                    {"📞 "}
                                    {t(Msg::Call)}
                                </a>
                            }
                                .into_any()
                        }
                        None => view! { <span class="muted">{p.phone.clone()}</span> }.into_any(),
                    }}
                </div>
            }
        })
    };
    view! {
        <section class="people">
            {person(Msg::RoleButler, job.butler.clone())} {person(Msg::Assignee, job.assignee.clone())}
        </section>
    }
}

/// One plain form per allowed action, so every button works without scripts.
#[component]
fn Actions(job: Job, role: Role) -> impl IntoView {
    if job.allowed_actions.is_empty() {
        return ().into_any();
    }
    let action_url = format!("/forms/repairs/{}/action", job.id);
    let id = job.id.clone();
    view! {
        <section class="actions" aria-label=t(Msg::Actions)>
            {job
                .allowed_actions
                .iter()
                .map(|a| {
                    let a = *a;
                    let url = action_url.clone();
                    match a {
                        JobAction::Assign => view! { <AssignForm id=id.clone() url /> }.into_any(),
                        JobAction::Hold => {
                            view! {
                                <form method="post" action=url class="action-form hold-form">
                                    <input type="hidden" name="action" value=a.as_str() />
                                    <select name="hold_reason" required aria-label=t(Msg::HoldReasonPick)>
                                        {HoldReason::ALL
                                            .iter()
                                            .map(|r| view! { <option value=r.as_str()>{t(r.label())}</option> })
                                            .collect_view()}
                                    </select>
                                    <input
                                        name="note"
                                        maxlength="200"
                                        placeholder=t(Msg::HoldNote)
                                        aria-label=t(Msg::HoldNote)
                                    />
                                    <label class="muted">
                                        {t(Msg::ResumeAtLabel)} <input type="datetime-local" name="resume_at" />
                                    </label>
                                    <button type="submit">{t(a.label())}</button>
                                </form>
                            }
                                .into_any()
                        }
                        JobAction::Cancel | JobAction::Reopen | JobAction::Resolve => {
                            let required = a.required_note(role).is_some();
                            let hint = if required { Msg::CancelReason } else { Msg::NoteOptional };
                            view! {
                                <form method="post" action=url class="action-form">
                                    <input type="hidden" name="action" value=a.as_str() />
                                    <input
                                        name="note"
                                        required=required
                                        maxlength="500"
                                        placeholder=t(hint)
                                        aria-label=t(hint)
                                    />
                                    <button type="submit" class:danger=a == JobAction::Cancel>
                                        {t(a.label())}
                                    </button>
                                </form>
                            }
                                .into_any()
                        }
                        _ => {
                            view! {
                                <form method="post" action=url class="action-form">
                                    <input type="hidden" name="action" value=a.as_str() />
                                    <button type="submit" class="primary" data-action=a.as_str()>
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
    }
    .into_any()
}

/// 催一下: a plain form posting to `url` (works without scripts; the
/// repair's or the complaint's urge form) while allowed, else the time
/// until the next urge, ticking (the rule is `repair::urge_wait`).
#[component]
pub(super) fn UrgeButton(url: String, next: Option<DateTime<Utc>>) -> impl IntoView {
    let now = use_now();
    move || match urge_wait(next, now.get()) {
        None => view! {
            <form method="post" action=url.clone() class="action-form urge-form">
                <button type="submit" class="primary" data-action="urge">
                    {"📣 "}
                    {t(Msg::ActUrge)}
                </button>
            </form>
        }
        .into_any(),
        Some(wait) => view! {
            <p class="muted urge-wait" id="urge-wait">
                {t(Msg::UrgeAgainIn)}
                " "
                {format_duration(wait)}
            </p>
        }
        .into_any(),
    }
}

#[component]
fn AssignForm(id: String, url: String) -> impl IntoView {
    let people = Resource::new(move || id.clone(), list_assignable);
    view! {
        <form method="post" action=url class="action-form">
            <input type="hidden" name="action" value="assign" />
            <select name="assignee_id" required aria-label=t(Msg::Assignee)>
                <Load
                    resource=people
                    or_else=Vec::new
                    fallback=|| view! { <option value="">{t(Msg::Loading)}</option> }
                    let:people
                >
                    {people
                        .into_iter()
                        .map(|p| {
                            let label = format!(
                                "{}（{}）· {} {}",
                                p.name,
                                p.trades.iter().map(|tr| tr.as_str()).collect::<Vec<_>>().join("/"),
                                t(Msg::OpenJobs),
                                p.open_jobs,
                            );
                            view! { <option value=p.id.clone()>{label}</option> }
                        })
                        .collect_view()}
                </Load>
            </select>
            <button type="submit" class="primary" data-action="assign">
                {t(Msg::ActAssign)}
            </button>
        </form>
    }
}

#[component]
fn RatingForm(id: String) -> impl IntoView {
    view! {
        <form method="post" action=format!("/forms/repairs/{id}/rating") class="stack rating-form">
            <h2>{t(Msg::RateThisJob)}</h2>
            <fieldset class="stars-input">
                <legend>{t(Msg::Stars)}</legend>
                {(1..=5)
                    .rev()
                    .map(|n| {
                        view! {
                            <input type="radio" id=format!("star{n}") name="stars" value=n.to_string() required />
                            <label for=format!("star{n}") title=format!("{n}")>
                                "★"
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <fieldset class="tags">
                {RatingTag::ALL
                    .iter()
                    .map(|tag| {
                        view! {
                            <label class="tag">
                                <input type="checkbox" name="tags" value=tag.as_str() />
                                {t(tag.label())}
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <textarea
                name="comment"
                rows="2"
                maxlength="500"
                placeholder=t(Msg::CommentOptional)
                aria-label=t(Msg::CommentOptional)
            ></textarea>
            <button type="submit" class="primary">
                {t(Msg::SubmitRating)}
            </button>
        </form>
    }
}

#[component]
fn Timeline(entries: Vec<TimelineEntry>) -> impl IntoView {
    view! {
        <section class="timeline">
            <h2>{t(Msg::Timeline)}</h2>
            <ol>
                {entries
                    .into_iter()
                    .rev()
                    .map(|e| {
                        let what = JobAction::parse(e.action.as_str())
                            .map(|a| t(a.label()).to_string())
                            .unwrap_or_else(|| {
                                match e.action {
                                    TimelineAction::Submitted => t(Msg::StSubmitted).to_string(),
                                    TimelineAction::Rated => t(Msg::StRated).to_string(),
                                    TimelineAction::Urged => t(Msg::Urged).to_string(),
                                    other => other.as_str().to_string(),
                                }
                            });
                        view! {
                            <li>
                                <span class="tl-time">{format_local(e.at)}</span>
                                <span class="tl-what">
                                    <strong>{e.actor_name.clone()}</strong>
                                    " · "
                                    {what}
                                    {e.assignee.as_ref().map(|a| format!(" → {}", a.name))}
                                    {e.hold_reason.map(|r| format!(" · {}", t(r.label())))}
                                    {e.resume_at.map(|r| format!(" · {} {}", t(Msg::ResumesAt), format_local(r)))}
                                    {e.channel.map(|c| format!(" · {}（{}）", t(Msg::StaffEntry), t(c.label())))}
                                </span>
                                {(!e.note.is_empty() && e.note != "auto_confirm")
                                    .then(|| view! { <span class="tl-note">{e.note.clone()}</span> })}
                                // The report's own photos are shown above the timeline.
                                {(e.action != TimelineAction::Submitted)
                                    .then(|| view! { <PhotoGrid photos=e.photos.clone() /> })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </section>
    }
}
