//! The feed (`/notices`, `/events`): notices, pinned and urgent first,
//! and upcoming events; and the urgent banner on a resident's home.

use leptos::prelude::*;

use crate::{
    api::notices::{list_activities, list_notices, list_notices_page},
    model::{
        Me, Msg, Permission,
        keys::RsvpState,
        notice::{Activity, Announcement},
        outage::OutageInfo,
        time::format_local,
    },
    ui::{clock::use_now, components::with_me, layout::Page, live::use_live, load::Load, t},
};

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
                {n
                    .outage
                    .clone()
                    .map(|o| {
                        view! {
                            " "
                            <OutageChip o />
                        }
                    })}
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

/// An outage's state in the feed: on until when, past its expected end
/// (what the butler was alerted of), or over.
#[component]
fn OutageChip(o: OutageInfo) -> impl IntoView {
    let now = use_now();
    let overdue = move || o.ended_at.is_none() && o.expected_end <= now.get();
    let text = move || match o.ended_at {
        Some(at) => format!("{} {}", t(Msg::OutageEnded), format_local(at)),
        None if overdue() => t(Msg::OutageOverdue).to_string(),
        None => format!("{} {}", t(Msg::OutageExpectedEnd), format_local(o.expected_end)),
    };
    view! {
        <span class="sla-chip outage-chip" class:bad=overdue>
            {text}
        </span>
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
                    .map(|s| {
                        view! {
                            <span class="st">
                                {t(if s == RsvpState::Going { Msg::Going } else { Msg::Waitlisted })}
                            </span>
                        }
                    })}
            </a>
        </li>
    }
}

/// The feed: notices (pinned and urgent first) and upcoming events.
#[component]
pub fn NoticesPage() -> impl IntoView {
    let cursor = leptos_router::hooks::use_query_map().with_untracked(|q| q.get("cursor")).filter(|c| !c.is_empty());
    with_me(move |me: Me| {
        let live = use_live();
        let c = cursor.clone();
        let notices = Resource::new(move || (live.notices.get(), c.clone()), |(_, c)| list_notices_page(c));
        let events = Resource::new(move || live.events.get(), |_| list_activities());
        let staff = me.may(Permission::PublishNotice);
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
                <Load resource=notices transition=true let:page>
                    {if page.items.is_empty() && page.next_cursor.is_none() {
                        view! { <p class="muted empty">{t(Msg::NoNotices)}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="list notices">
                                {page.items.into_iter().map(|n| view! { <NoticeRow n /> }).collect_view()}
                            </ul>
                        }
                            .into_any()
                    }}
                    {page
                        .next_cursor
                        .map(|c| {
                            view! {
                                <a class="button next-page" href=format!("/notices?cursor={c}")>
                                    {t(Msg::NextPageLink)}
                                </a>
                            }
                        })}
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
