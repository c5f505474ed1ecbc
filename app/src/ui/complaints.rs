//! Complaints and suggestions (投诉建议) for every role: the resident's form
//! (a plain multipart form posted to `/forms/complaints`, so it works with
//! or without scripts), their list and each complaint's page with its
//! clock and timeline; the butler's and manager's list with the counts by
//! category and building, and the LEARN step buttons (plain forms, from the
//! same table the server enforces). Lists show the building, never the
//! complainant; only the complaint's own page names them.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{
    components::{FormError, FormKey, query_error, with_me},
    job_detail::{PhotoGrid, SlaPanel, UrgeButton},
    layout::Page,
    live::use_live,
    load::Load,
    repairs::{SlaChip, status_class},
    t,
};
use crate::{
    api::complaints::{complaint_counts, get_complaint, list_complaints},
    model::{
        Me, Msg, Role,
        complaint::{Complaint, ComplaintAction, ComplaintCategory, ComplaintSummary, JobKind, MAX_PLACE},
        job::TimelineEntry,
        keys::TimelineAction,
        repair::{JobAction, MAX_PHOTOS},
        time::format_local,
    },
};

// ---------------------------------------------------------------- the form

/// `/complaints/new`: complaint or suggestion, category, text, the place
/// concerned, up to six photos; one multipart post to `/forms/complaints`.
#[component]
pub fn ComplaintFormPage() -> impl IntoView {
    let error = query_error();
    with_me(move |me: Me| {
        view! {
            <Page me=me.clone()>
                <h1>{t(Msg::NewComplaint)}</h1>
                <form
                    method="post"
                    action="/forms/complaints"
                    enctype="multipart/form-data"
                    class="stack report"
                    id="complaint-form"
                >
                    <FormError error />
                    <FormKey />
                    <fieldset class="kind-choice">
                        <legend>{t(Msg::ComplaintsTitle)}</legend>
                        {[JobKind::Complaint, JobKind::Suggestion]
                            .into_iter()
                            .map(|k| {
                                view! {
                                    <label class="tag">
                                        <input
                                            type="radio"
                                            name="kind"
                                            value=k.as_str()
                                            checked=k == JobKind::Complaint
                                        />
                                        {t(k.label())}
                                    </label>
                                }
                            })
                            .collect_view()}
                    </fieldset>
                    <fieldset class="categories">
                        <legend>{t(Msg::ErrComplaintCategory)}</legend>
                        {ComplaintCategory::ALL
                            .into_iter()
                            .map(|c| {
                                view! {
                                    <label class="cat">
                                        <input type="radio" name="category" value=c.as_str() required />
                                        <span class="cat-icon" aria-hidden="true">
                                            {c.icon()}
                                        </span>
                                        <span class="cat-name">{t(c.label())}</span>
                                    </label>
                                }
                            })
                            .collect_view()}
                    </fieldset>
                    <label for="complaint-text">{t(Msg::ComplaintText)}</label>
                    <textarea id="complaint-text" name="text" rows="4" maxlength="1000" required></textarea>
                    <label for="concerns-place">{t(Msg::ConcernsPlace)}</label>
                    <input id="concerns-place" name="concerns_place" type="text" maxlength=MAX_PLACE.to_string() />
                    <label for="complaint-photos">{t(Msg::AddPhotos)}</label>
                    <input
                        id="complaint-photos"
                        type="file"
                        name="photos"
                        accept="image/jpeg,image/png,image/webp,image/*"
                        multiple
                        data-max=MAX_PHOTOS.to_string()
                    />
                    <p class="hint">{t(Msg::PhotosHint)}</p>
                    <p class="hint privacy">{t(Msg::ComplaintPrivacy)}</p>
                    <button type="submit" class="primary big">
                        {t(Msg::SubmitComplaint)}
                    </button>
                </form>
            </Page>
        }
    })
}

// ---------------------------------------------------------------- lists

#[component]
fn ComplaintCard(c: ComplaintSummary) -> impl IntoView {
    let open = c.status.is_open();
    view! {
        <li class="job-card" class:bad=open && c.sla.state.is_bad() data-complaint=c.id.clone()>
            <a href=format!("/complaints/{}", c.id)>
                <span class="job-icon" aria-hidden="true">
                    {c.category.icon()}
                </span>
                <span class="job-main">
                    <span class="job-title">
                        {t(c.kind.label())} " · " {t(c.category.label())}
                        {c.adopted.then(|| view! { <span class="tag adopted">{t(Msg::AdoptedTag)}</span> })}
                    </span>
                    <span class="job-sub">{c.building.name.clone()} " · " {format_local(c.created_at)}</span>
                    <span class="job-desc">{c.text.clone()}</span>
                </span>
                <span class="job-side">
                    <span class=status_class(c.status) data-status=c.status.as_str()>
                        {t(c.status.label())}
                    </span>
                    {open.then(|| view! { <SlaChip clock=c.clock /> })}
                </span>
            </a>
        </li>
    }
}

/// A live list of complaints (refreshed with the repairs' stream).
#[component]
fn LiveComplaints(
    status: Option<String>,
    #[prop(optional)] category: Option<String>,
    #[prop(optional)] building: Option<String>,
    #[prop(optional)] take: Option<usize>,
) -> impl IntoView {
    let live = use_live();
    let list = Resource::new(
        move || live.repairs.get(),
        move |_| list_complaints(None, category.clone(), building.clone(), status.clone()),
    );
    view! {
        <Load resource=list transition=true let:items>
            {if items.is_empty() {
                view! { <p class="muted empty">{t(Msg::NoComplaints)}</p> }.into_any()
            } else {
                view! {
                    <ul class="jobs complaints">
                        {items
                            .into_iter()
                            .take(take.unwrap_or(usize::MAX))
                            .map(|c| view! { <ComplaintCard c /> })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
        </Load>
    }
}

/// The open complaints of the butler's buildings, for the workspace.
#[component]
pub fn OpenComplaints() -> impl IntoView {
    view! { <LiveComplaints status=Some("open".to_string()) take=8 /> }
}

/// `/complaints`: a household's own; staff the complaints of their
/// buildings (the manager: the community's) with the counts and filters
/// (a plain GET form).
#[component]
pub fn ComplaintsPage() -> impl IntoView {
    with_me(|me: Me| {
        if me.role == Role::Resident {
            return view! {
                <Page me=me.clone()>
                    <div class="row-between">
                        <h1>{t(Msg::MyComplaints)}</h1>
                        <a class="button primary" href="/complaints/new" id="new-complaint">
                            {t(Msg::NewComplaint)}
                        </a>
                    </div>
                    <LiveComplaints status=None />
                </Page>
            }
            .into_any();
        }
        let query = use_query_map();
        let get = |k: &str| query.with_untracked(|q| q.get(k)).filter(|v| !v.is_empty());
        let (category, building, status) = (get("category"), get("building"), get("status"));
        let buildings = me.buildings.clone();
        view! {
            <Page me=me.clone()>
                <h1>{t(Msg::ComplaintsTitle)}</h1>
                <ComplaintCounts />
                <form method="get" class="filters">
                    <label>
                        {t(Msg::ComplaintsByCategory)} <select name="category">
                            <option value="">{t(Msg::All)}</option>
                            {ComplaintCategory::ALL
                                .into_iter()
                                .map(|c| {
                                    view! {
                                        <option value=c.as_str() selected=category.as_deref() == Some(c.as_str())>
                                            {t(c.label())}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    </label>
                    {(!buildings.is_empty())
                        .then(|| {
                            view! {
                                <label>
                                    {t(Msg::Building)} <select name="building">
                                        <option value="">{t(Msg::All)}</option>
                                        {buildings
                                            .iter()
                                            .map(|b| {
                                                view! {
                                                    <option
                                                        value=b.id.clone()
                                                        selected=building.as_deref() == Some(b.id.as_str())
                                                    >
                                                        {b.name.clone()}
                                                    </option>
                                                }
                                            })
                                            .collect_view()}
                                    </select>
                                </label>
                            }
                        })}
                    <label>
                        {t(Msg::Status)} <select name="status">
                            <option value="">{t(Msg::All)}</option>
                            <option value="open" selected=status.as_deref() == Some("open")>
                                {t(Msg::OpenCount)}
                            </option>
                            <option value="closed" selected=status.as_deref() == Some("closed")>
                                {t(Msg::StConfirmed)}
                            </option>
                        </select>
                    </label>
                    <button type="submit">{t(Msg::Filter)}</button>
                </form>
                <LiveComplaints status category=category.unwrap_or_default() building=building.unwrap_or_default() />
            </Page>
        }
        .into_any()
    })
}

/// The last 30 days by category and by building.
#[component]
fn ComplaintCounts() -> impl IntoView {
    let live = use_live();
    let stats = Resource::new(move || live.repairs.get(), |_| complaint_counts());
    view! {
        <Load resource=stats transition=true fallback=|| () let:s>
            <div class="complaint-counts">
                <table class="counts" id="counts-by-category">
                    <caption>{t(Msg::ComplaintsByCategory)}</caption>
                    <thead>
                        <tr>
                            <th></th>
                            <th>{t(Msg::KindComplaint)}</th>
                            <th>{t(Msg::KindSuggestion)}</th>
                            <th>{t(Msg::OpenCount)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {s
                            .by_category
                            .into_iter()
                            .map(|r| {
                                view! {
                                    <tr data-category=r.category.as_str()>
                                        <th>{t(r.category.label())}</th>
                                        <td>{r.complaints}</td>
                                        <td>{r.suggestions}</td>
                                        <td>{r.open}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
                <table class="counts" id="counts-by-building">
                    <caption>{t(Msg::ComplaintsByBuilding)}</caption>
                    <thead>
                        <tr>
                            <th></th>
                            <th>{t(Msg::KindComplaint)}</th>
                            <th>{t(Msg::KindSuggestion)}</th>
                            <th>{t(Msg::OpenCount)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {s
                            .by_building
                            .into_iter()
                            .map(|r| {
                                view! {
                                    <tr data-building=r.building.number.clone()>
                                        <th>{r.building.name.clone()}</th>
                                        <td>{r.complaints}</td>
                                        <td>{r.suggestions}</td>
                                        <td>{r.open}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        </Load>
    }
}

// ---------------------------------------------------------------- one complaint

/// `/complaints/:id`: the complaint with its clock, photos, who filed it
/// (for its household and the staff handling it), the steps this caller
/// may take, the rating and the timeline; reloaded live.
#[component]
pub fn ComplaintPage() -> impl IntoView {
    let params = use_params_map();
    let live = use_live();
    let complaint = Resource::new(
        move || (params.read().get("id").unwrap_or_default(), live.repairs.get()),
        |(id, _)| get_complaint(id),
    );
    let error = query_error();
    with_me(move |me: Me| {
        let role = me.role;
        view! {
            <Page me=me.clone()>
                <FormError error />
                <Load resource=complaint transition=true let:c>
                    <ComplaintDetail c role />
                </Load>
            </Page>
        }
    })
}

#[component]
fn ComplaintDetail(c: Complaint, role: Role) -> impl IntoView {
    let open = !c.status.is_closed();
    let url = format!("/forms/complaints/{}/action", c.id);
    view! {
        <article class="job-detail complaint-detail" data-complaint=c.id.clone()>
            <header class="job-head">
                <span class="job-icon big" aria-hidden="true">
                    {c.category.icon()}
                </span>
                <div>
                    <h1>{t(c.kind.label())} " · " {t(c.category.label())}</h1>
                    <p class="job-sub">{c.building.name.clone()} " · " {format_local(c.created_at)}</p>
                </div>
                <div class="job-badges">
                    <span class=status_class(c.status) id="complaint-status" data-status=c.status.as_str()>
                        {t(c.status.label())}
                    </span>
                    {c.adopted.then(|| view! { <span class="tag adopted">{t(Msg::AdoptedTag)}</span> })}
                </div>
            </header>
            {open.then(|| view! { <SlaPanel clock=c.clock /> })}
            <p class="job-text">{c.text.clone()}</p>
            {c
                .concerns
                .clone()
                .map(|x| {
                    let what = [x.place, x.unit].into_iter().flatten().collect::<Vec<_>>().join(" · ");
                    view! { <p class="concerns">{t(Msg::ConcernsLabel)} " " {what}</p> }
                })}
            <PhotoGrid photos=c.photos.clone() />
            <dl class="people">
                <dt>{t(Msg::Complainant)}</dt>
                <dd id="complainant">
                    {c.complainant.name.clone()} " · " {c.complainant.unit.label.clone()} " · "
                    <a href=format!(
                        "/call/{}?back=/complaints/{}",
                        c.complainant.id,
                        c.id,
                    )>{c.complainant.phone.clone()}</a>
                </dd>
                {c
                    .owner
                    .clone()
                    .map(|o| {
                        view! {
                            <dt>{t(Msg::RoleButler)}</dt>
                            <dd>{o.name.clone()}</dd>
                        }
                    })}
            </dl>
            {(!c.allowed_actions.is_empty())
                .then(|| {
                    view! {
                        <section class="actions" id="complaint-actions">
                            <h2>{t(Msg::Actions)}</h2>
                            {c
                                .allowed_actions
                                .iter()
                                .map(|a| view! { <StepForm action=*a url=url.clone() role /> })
                                .collect_view()}
                        </section>
                    }
                })}
            {c
                .may_urge
                .then(|| {
                    view! { <UrgeButton url=format!("/forms/complaints/{}/urge", c.id) next=c.urge_next_at /> }
                })}
            {c.can_rate.then(|| view! { <RatingForm id=c.id.clone() /> })}
            {c
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
            <ComplaintTimeline entries=c.timeline.clone() />
        </article>
    }
}

/// One step as a plain form: a note where the step says something to the
/// resident (required where the rule requires it), and the button.
#[component]
fn StepForm(action: ComplaintAction, url: String, role: Role) -> impl IntoView {
    let required = action.required_note(role).is_some();
    let with_note = required || matches!(action, ComplaintAction::Reopen | ComplaintAction::Cancel);
    let danger = action == ComplaintAction::Cancel;
    view! {
        <form method="post" action=url class="action-form" data-step=action.as_str()>
            <input type="hidden" name="action" value=action.as_str() />
            {with_note
                .then(|| {
                    let label = if required { t(Msg::ComplaintStepNote) } else { t(Msg::NoteOptional) };
                    view! {
                        <textarea
                            name="note"
                            rows="2"
                            maxlength="1000"
                            required=required
                            aria-label=label
                            placeholder=label
                        ></textarea>
                    }
                })}
            <button type="submit" class:primary=!danger class:danger=danger data-action=action.as_str()>
                {t(action.label())}
            </button>
        </form>
    }
}

#[component]
fn RatingForm(id: String) -> impl IntoView {
    view! {
        <form method="post" action=format!("/forms/complaints/{id}/rating") class="stack rating-form">
            <h2>{t(Msg::YourRating)}</h2>
            <fieldset class="stars-input">
                <legend>{t(Msg::Stars)}</legend>
                {(1..=5)
                    .rev()
                    .map(|n| {
                        view! {
                            <input type="radio" id=format!("cstar{n}") name="stars" value=n.to_string() required />
                            <label for=format!("cstar{n}") title=format!("{n}")>
                                "★"
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
fn ComplaintTimeline(entries: Vec<TimelineEntry>) -> impl IntoView {
    view! {
        <section class="timeline">
            <h2>{t(Msg::Timeline)}</h2>
            <ol>
                {entries
                    .into_iter()
                    .rev()
                    .map(|e| {
                        let what = match e.action {
                            TimelineAction::Submitted => t(Msg::StSubmitted).to_string(),
                            TimelineAction::Rated => t(Msg::StRated).to_string(),
                            TimelineAction::Urged => t(Msg::Urged).to_string(),
                            other => {
                                ComplaintAction::parse(other.as_str())
                                    .map(|a| t(a.label()).to_string())
                                    .or_else(|| JobAction::parse(other.as_str()).map(|a| t(a.label()).to_string()))
                                    .unwrap_or_else(|| other.as_str().to_string())
                            }
                        };
                        view! {
                            <li data-step=e.action.as_str()>
                                <span class="tl-time">{format_local(e.at)}</span>
                                <span class="tl-what">
                                    <strong>{e.actor_name.clone()}</strong>
                                    " · "
                                    {what}
                                </span>
                                {(!e.note.is_empty() && e.note != "auto_confirm")
                                    .then(|| view! { <span class="tl-note">{e.note.clone()}</span> })}
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
