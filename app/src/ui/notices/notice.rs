//! One notice with its read button, and for staff the households that
//! have not read it: `/notices/:id`.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::Body;
use crate::{
    api::notices::{list_unread_households, open_notice},
    model::{Me, Msg, time::format_local},
    ui::{
        components::{FormError, query_error, with_me},
        layout::Page,
        live::use_live,
        load::Load,
        t,
    },
};

/// One notice. The resident marks it read with its button (opening it
/// changes nothing); staff see who has not read it.
#[component]
pub fn NoticePage() -> impl IntoView {
    let params = use_params_map();
    let id = params.read_untracked().get("id").unwrap_or_default();
    // "Read", and an outage's end or extension, come back here refused.
    let error = query_error();
    with_me(move |me: Me| {
        let live = use_live();
        let id = id.clone();
        let nid = id.clone();
        let notice = Resource::new(|| (), move |_| open_notice(nid.clone()));
        let staff = me.may(crate::model::Permission::SeeUnreadHouseholds);
        let resident = me.may(crate::model::Permission::MarkNoticeRead);
        let me_manages = me.may(crate::model::Permission::ManageOutage);
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
                <FormError error />
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
                            .outage
                            .clone()
                            .map(|o| {
                                let manage = me_manages;
                                view! { <crate::ui::outages::OutageBlock id=n.id.clone() outage=o manage /> }
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
