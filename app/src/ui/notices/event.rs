//! One event with its sign-up, and for staff the attendees: `/events/:id`.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::Body;
use crate::ui::components::FormError;
use crate::ui::components::query_error;
use crate::{
    api::notices::{get_activity, list_attendees},
    model::{Me, Msg, Permission, keys::RsvpState, notice::Activity, time::format_local},
    ui::{components::with_me, layout::Page, live::use_live, load::Load, t, use_lang},
};

#[component]
pub fn EventPage() -> impl IntoView {
    let params = use_params_map();
    let id = params.read_untracked().get("id").unwrap_or_default();
    let error = query_error();
    with_me(move |me: Me| {
        let live = use_live();
        let eid = id.clone();
        let activity = Resource::new(move || live.events.get(), move |_| get_activity(eid.clone()));
        let staff = me.may(Permission::SeeAttendees);
        let aid = id.clone();
        let attendees = Resource::new(
            move || live.events.get(),
            move |_| {
                let id = aid.clone();
                async move { if staff { list_attendees(id).await } else { Ok(Vec::new()) } }
            },
        );
        let resident = me.may(Permission::Rsvp);
        let csv = format!("/api/v1/events/{id}/attendees?format=csv");
        view! {
            <Page me=me.clone()>
                <FormError error />
                <Load resource=activity transition=true let:a>
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
                                                                if a.status == RsvpState::Going {
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
                .map(|s| {
                    view! {
                        <p class="notice" id="my-rsvp" data-status=s.as_str()>
                            {t(if s == RsvpState::Going { Msg::YouAreGoing } else { Msg::YouAreWaitlisted })}
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
