//! Notices and events: the resident's feed, a notice (read receipts for
//! staff), an event with RSVP, and the staff's compose forms. Every form
//! is a plain post; the feed and receipts refresh live.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{
    components::{msg_from_query, with_me},
    layout::Page,
    live::use_live,
    load::Load,
    t, use_lang,
};
use crate::{
    api::notices::{get_activity, list_activities, list_attendees, list_notices, list_unread_households, open_notice},
    model::{
        Me, Msg, Role,
        notice::{Activity, Announcement, NoticeCategory, Span, paragraphs},
        time::format_local,
    },
};

fn query_error() -> Option<Msg> {
    use_query_map().with_untracked(|q| q.get("error")).and_then(|e| msg_from_query(&e))
}

/// A notice's body: paragraphs of text and links, never HTML.
#[component]
fn Body(text: String) -> impl IntoView {
    paragraphs(&text)
        .into_iter()
        .map(|spans| {
            view! {
                <p>
                    {spans
                        .into_iter()
                        .map(|s| match s {
                            Span::Text(t) => t.into_any(),
                            Span::Link(href) => {
                                let label = href.clone();
                                view! {
                                    <a href=href rel="noopener noreferrer nofollow" target="_blank">
                                        {label}
                                    </a>
                                }
                                    .into_any()
                            }
                        })
                        .collect_view()}
                </p>
            }
        })
        .collect_view()
}

#[component]
fn NoticeRow(n: Announcement) -> impl IntoView {
    view! {
        <li class="notice-row" class:unread=!n.read class:urgent=n.urgent data-notice=n.id.clone()>
            <a href=format!(
                "/notices/{}",
                n.id,
            )>
                {n.pinned.then_some("📌 ")}
                {n.urgent.then(|| view! { <span class="urg urg-critical">{t(Msg::Urgent)}</span> })} " "
                <span class="st">{t(n.category.label())}</span> " " <strong>{n.title.clone()}</strong>
                <span class="job-sub">" " {format_local(n.created_at)}</span>
                {(!n.read)
                    .then(|| {
                        view! {
                            <span class="dot" aria-label=t(Msg::Unread)>
                                "●"
                            </span>
                        }
                    })}
            </a>
        </li>
    }
}

#[component]
fn ActivityRow(a: Activity) -> impl IntoView {
    view! {
        <li class="notice-row" data-event=a.id.clone()>
            <a href=format!(
                "/events/{}",
                a.id,
            )>
                "🎉 " <strong>{a.title.clone()}</strong>
                <span class="job-sub">
                    " " {format_local(a.starts_at)} " · " {a.place.clone()} " · " {a.going} "/" {a.capacity}
                </span>
                {a
                    .my_status
                    .clone()
                    .map(|s| {
                        view! { <span class="st">{t(if s == "going" { Msg::Going } else { Msg::Waitlisted })}</span> }
                    })}
            </a>
        </li>
    }
}

/// The feed: notices (pinned and urgent first) and upcoming events.
#[component]
pub fn NoticesPage() -> impl IntoView {
    with_me(|me: Me| {
        let live = use_live();
        let notices = Resource::new(move || live.notices.get(), |_| list_notices());
        let events = Resource::new(move || live.events.get(), |_| list_activities());
        let staff = matches!(me.role, Role::Butler | Role::Admin);
        view! {
            <Page me=me.clone()>
                <div class="row-between">
                    <h1>{t(Msg::CardNotices)}</h1>
                    {staff
                        .then(|| {
                            view! {
                                <span>
                                    <a class="button primary" href="/notices/new">
                                        {t(Msg::NewNotice)}
                                    </a>
                                    " "
                                    <a class="button" href="/events/new">
                                        {t(Msg::NewEvent)}
                                    </a>
                                </span>
                            }
                        })}
                </div>
                <Load resource=notices transition=true let:list>
                    {if list.is_empty() {
                        view! { <p class="muted empty">{t(Msg::NoNotices)}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="list notices">
                                {list.into_iter().map(|n| view! { <NoticeRow n /> }).collect_view()}
                            </ul>
                        }
                            .into_any()
                    }}
                </Load>
                <h2 id="events">{t(Msg::CardEvents)}</h2>
                <Load resource=events transition=true or_else=Vec::new fallback=|| () let:list>
                    {if list.is_empty() {
                        view! { <p class="muted empty">{t(Msg::NoEvents)}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="list">{list.into_iter().map(|a| view! { <ActivityRow a /> }).collect_view()}</ul>
                        }
                            .into_any()
                    }}
                </Load>
            </Page>
        }
    })
}

/// One notice. The resident marks it read with its button (opening it
/// changes nothing); staff see who has not read it.
#[component]
pub fn NoticePage() -> impl IntoView {
    let params = use_params_map();
    let id = params.read_untracked().get("id").unwrap_or_default();
    with_me(move |me: Me| {
        let live = use_live();
        let id = id.clone();
        let nid = id.clone();
        let notice = Resource::new(|| (), move |_| open_notice(nid.clone()));
        let staff = me.role.is_staff();
        let resident = me.role == crate::model::Role::Resident;
        let uid = id.clone();
        let unread = Resource::new(
            move || live.notices.get(),
            move |_| {
                let id = uid.clone();
                async move { if staff { list_unread_households(id).await } else { Ok(Vec::new()) } }
            },
        );
        view! {
            <Page me=me.clone()>
                <Load resource=notice let:n>
                    <article class="job-detail notice-detail">
                        <p>
                            {n.urgent.then(|| view! { <span class="urg urg-critical">{t(Msg::Urgent)}</span> })} " "
                            <span class="st">{t(n.category.label())}</span>
                        </p>
                        <h1>{n.title.clone()}</h1>
                        <p class="job-sub">{n.author.clone()} " · " {format_local(n.created_at)}</p>
                        <Body text=n.body.clone() />
                        {(resident && !n.read)
                            .then(|| {
                                view! {
                                    <form
                                        method="post"
                                        action=format!("/forms/notices/{}/read", n.id)
                                        class="action-form"
                                    >
                                        <button type="submit" class="primary" id="mark-read">
                                            {t(Msg::MarkRead)}
                                        </button>
                                    </form>
                                }
                            })}
                        {(resident && n.read)
                            .then(|| {
                                view! {
                                    <p class="ok-line" id="read-done">
                                        "✓ "
                                        {t(Msg::ReadDone)}
                                    </p>
                                }
                            })}
                        {n
                            .households
                            .map(|h| {
                                view! {
                                    <p class="notice">
                                        {t(Msg::ReadBy)} " " {n.households_read.unwrap_or(0)} " / " {h}
                                    </p>
                                }
                            })}
                    </article>
                </Load>
                {staff
                    .then(|| {
                        view! {
                            <h2>{t(Msg::NotRead)}</h2>
                            <Load resource=unread transition=true or_else=Vec::new fallback=|| () let:list>
                                <ul class="list" id="unread">
                                    {list
                                        .into_iter()
                                        .map(|h| {
                                            view! {
                                                <li
                                                    class="elder-row"
                                                    class:overdue=h.has_elder
                                                    data-unit=h.unit.label.clone()
                                                >
                                                    <strong>{h.unit.label.clone()}</strong>
                                                    {h
                                                        .residents
                                                        .into_iter()
                                                        .map(|r| {
                                                            view! {
                                                                <span class="person">
                                                                    {r.elder_mode.then_some("🧓 ")}{r.name.clone()}
                                                                    <a class="button" href=format!("/call/{}", r.id)>
                                                                        {"📞 "}
                                                                        {t(Msg::Call)}
                                                                    </a>
                                                                </span>
                                                            }
                                                        })
                                                        .collect_view()}
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            </Load>
                        }
                    })}
            </Page>
        }
    })
}

#[component]
pub fn NewNoticePage() -> impl IntoView {
    let error = query_error();
    with_me(move |me: Me| {
        let buildings = me.buildings.clone();
        let admin = me.role == Role::Admin;
        view! {
            <Page me=me.clone()>
                <h1>{t(Msg::NewNotice)}</h1>
                <form method="post" action="/forms/notices" class="stack" id="notice-form">
                    {error
                        .map(|m| {
                            view! {
                                <p class="notice error" role="alert">
                                    {t(m)}
                                </p>
                            }
                        })}
                    <label for="title">{t(Msg::Title)}</label>
                    <input id="title" name="title" required maxlength="100" />
                    <label for="body">{t(Msg::Body)}</label>
                    <textarea id="body" name="body" rows="6" maxlength="5000"></textarea>
                    <label for="category">{t(Msg::Category)}</label>
                    <select id="category" name="category">
                        {NoticeCategory::ALL
                            .into_iter()
                            .map(|c| view! { <option value=c.as_str()>{t(c.label())}</option> })
                            .collect_view()}
                    </select>
                    <fieldset class="tags">
                        <legend>{t(Msg::Audience)}</legend>
                        {admin.then(|| view! { <p class="hint">{t(Msg::AudienceHint)}</p> })}
                        <BuildingChoices own=buildings />
                    </fieldset>
                    <label class="tag">
                        <input type="checkbox" name="urgent" value="true" />
                        {t(Msg::Urgent)}
                    </label>
                    <label class="tag">
                        <input type="checkbox" name="pinned" value="true" />
                        {t(Msg::Pinned)}
                    </label>
                    <label for="days">{t(Msg::ExpiresIn)}</label>
                    <select id="days" name="days">
                        <option value="">{t(Msg::Never)}</option>
                        {[1, 3, 7, 30]
                            .into_iter()
                            .map(|d| view! { <option value=d.to_string()>{d} " " {t(Msg::Days)}</option> })
                            .collect_view()}
                    </select>
                    <button type="submit" class="primary big">
                        {t(Msg::Publish)}
                    </button>
                </form>
            </Page>
        }
    })
}

/// Building checkboxes: a butler's own; the manager's from the community list.
#[component]
fn BuildingChoices(own: Vec<crate::model::BuildingRef>) -> impl IntoView {
    let all = Resource::new(|| (), |_| crate::api::notices::list_buildings_for_notice());
    if !own.is_empty() {
        return own
            .into_iter()
            .map(|b| {
                view! {
                    <label class="tag">
                        <input type="checkbox" name="building_ids" value=b.id.clone() checked=true />
                        {b.name.clone()}
                    </label>
                }
            })
            .collect_view()
            .into_any();
    }
    view! {
        <Load resource=all or_else=Vec::new fallback=|| () let:all>
            {all
                .into_iter()
                .map(|b| {
                    view! {
                        <label class="tag">
                            <input type="checkbox" name="building_ids" value=b.id.clone() />
                            {b.name.clone()}
                        </label>
                    }
                })
                .collect_view()}
        </Load>
    }
    .into_any()
}

#[component]
pub fn NewEventPage() -> impl IntoView {
    let error = query_error();
    with_me(move |me: Me| {
        view! {
            <Page me=me.clone()>
                <h1>{t(Msg::NewEvent)}</h1>
                <form method="post" action="/forms/events" class="stack" id="event-form">
                    {error
                        .map(|m| {
                            view! {
                                <p class="notice error" role="alert">
                                    {t(m)}
                                </p>
                            }
                        })}
                    <label for="title">{t(Msg::Title)}</label>
                    <input id="title" name="title" required maxlength="100" />
                    <label for="description">{t(Msg::Body)}</label>
                    <textarea id="description" name="description" rows="4" maxlength="5000"></textarea>
                    <label for="place">{t(Msg::Place)}</label>
                    <input id="place" name="place" maxlength="100" />
                    <label for="starts_at">{t(Msg::StartsAt)}</label>
                    <input id="starts_at" name="starts_at" type="datetime-local" required />
                    <label for="ends_at">{t(Msg::EndsAt)}</label>
                    <input id="ends_at" name="ends_at" type="datetime-local" required />
                    <label for="capacity">{t(Msg::Capacity)}</label>
                    <input id="capacity" name="capacity" type="number" min="1" max="10000" value="30" required />
                    <label for="rsvp_deadline">{t(Msg::RsvpDeadline)}</label>
                    <input id="rsvp_deadline" name="rsvp_deadline" type="datetime-local" />
                    <button type="submit" class="primary big">
                        {t(Msg::Publish)}
                    </button>
                </form>
            </Page>
        }
    })
}

#[component]
pub fn EventPage() -> impl IntoView {
    let params = use_params_map();
    let id = params.read_untracked().get("id").unwrap_or_default();
    let error = query_error();
    with_me(move |me: Me| {
        let live = use_live();
        let eid = id.clone();
        let activity = Resource::new(move || live.events.get(), move |_| get_activity(eid.clone()));
        let staff = me.role.is_staff();
        let aid = id.clone();
        let attendees = Resource::new(
            move || live.events.get(),
            move |_| {
                let id = aid.clone();
                async move { if staff { list_attendees(id).await } else { Ok(Vec::new()) } }
            },
        );
        let resident = me.role == Role::Resident;
        let csv = format!("/api/v1/events/{id}/attendees?format=csv");
        view! {
            <Page me=me
                .clone()>
                {error
                    .map(|m| {
                        view! {
                            <p class="notice error" role="alert">
                                {t(m)}
                            </p>
                        }
                    })} <Load resource=activity transition=true let:a>
                    <ActivityDetail a resident />
                </Load>
                {staff
                    .then(|| {
                        view! {
                            <div class="row-between">
                                <h2>{t(Msg::Attendees)}</h2>
                                <a class="button" href=csv.clone() download="attendees.csv">
                                    {t(Msg::ExportCsv)}
                                </a>
                            </div>
                            <Load resource=attendees transition=true or_else=Vec::new fallback=|| () let:list>
                                <table>
                                    <tbody>
                                        {list
                                            .into_iter()
                                            .map(|a| {
                                                view! {
                                                    <tr>
                                                        <td>{a.name.clone()}</td>
                                                        <td>{a.unit.clone()}</td>
                                                        <td>{a.phone.clone()}</td>
                                                        <td>{a.headcount}</td>
                                                        <td>
                                                            {t(
                                                                if a.status == "going" {
                                                                    Msg::Going
                                                                } else {
                                                                    Msg::Waitlisted
                                                                },
                                                            )}
                                                        </td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            </Load>
                        }
                    })}
            </Page>
        }
    })
}

#[component]
fn ActivityDetail(a: Activity, resident: bool) -> impl IntoView {
    let lang = use_lang();
    let url = format!("/forms/events/{}/rsvp", a.id);
    let full = a.going >= a.capacity;
    view! {
        <article class="job-detail" data-event=a.id.clone()>
            <h1>{a.title.clone()}</h1>
            <p class="job-sub">
                {format_local(a.starts_at)} " – " {format_local(a.ends_at)} " · " {a.place.clone()}
            </p>
            <Body text=a.description.clone() />
            <p id="seats">
                {Msg::SeatsTaken
                    .text(lang)
                    .replace("{going}", &a.going.to_string())
                    .replace("{capacity}", &a.capacity.to_string())}
                {(a.waitlisted > 0).then(|| format!(" · {} {}", t(Msg::Waitlisted), a.waitlisted))}
            </p>
            {a.rsvp_deadline.map(|d| view! { <p class="muted">{t(Msg::RsvpDeadline)} " " {format_local(d)}</p> })}
            {a
                .my_status
                .clone()
                .map(|s| {
                    view! {
                        <p class="notice" id="my-rsvp" data-status=s.clone()>
                            {t(if s == "going" { Msg::YouAreGoing } else { Msg::YouAreWaitlisted })}
                            " ("
                            {a.my_headcount.unwrap_or(1)}
                            ")"
                        </p>
                    }
                })}
            {(resident && a.rsvp_open)
                .then(|| {
                    view! {
                        <form method="post" action=url.clone() class="action-form" id="rsvp-form">
                            <label for="headcount">{t(Msg::Headcount)}</label>
                            <select id="headcount" name="headcount">
                                {(1..=10)
                                    .map(|n| {
                                        view! {
                                            <option value=n.to_string() selected=a.my_headcount == Some(n)>
                                                {n}
                                            </option>
                                        }
                                    })
                                    .collect_view()}
                            </select>
                            <button type="submit" class="primary">
                                {t(if full && a.my_status.is_none() { Msg::JoinWaitlist } else { Msg::Rsvp })}
                            </button>
                        </form>
                    }
                })}
            {(resident && a.my_status.is_some())
                .then(|| {
                    view! {
                        <form method="post" action=url.clone() class="action-form">
                            <input type="hidden" name="cancel" value="true" />
                            <button type="submit" class="danger">
                                {t(Msg::CancelRsvp)}
                            </button>
                        </form>
                    }
                })}
            {(!a.rsvp_open).then(|| view! { <p class="notice warn">{t(Msg::ErrRsvpClosed)}</p> })}
        </article>
    }
}

/// An urgent notice not yet read shows as a banner on a resident's home.
#[component]
pub fn UrgentBanner() -> impl IntoView {
    let live = use_live();
    let notices = Resource::new(move || live.notices.get(), |_| list_notices());
    view! {
        <Load resource=notices transition=true or_else=Vec::new fallback=|| () let:list>
            {list
                .into_iter()
                .filter(|n| n.urgent && !n.read)
                .map(|n| {
                    view! {
                        <a
                            class="urgent-banner"
                            role="alert"
                            href=format!("/notices/{}", n.id)
                            data-notice=n.id.clone()
                        >
                            {"📢 "}
                            <strong>{t(Msg::Urgent)}</strong>
                            " "
                            {n.title.clone()}
                        </a>
                    }
                })
                .collect_view()}
        </Load>
    }
}
