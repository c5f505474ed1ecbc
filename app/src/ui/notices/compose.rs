//! The staff's compose forms: a notice with its audience (`/notices/new`)
//! and an event (`/events/new`).

use leptos::prelude::*;

use crate::ui::components::FormError;
use crate::ui::components::query_error;
use crate::{
    model::{Me, Msg, Role, notice::NoticeCategory, outage::OutageKind},
    ui::{components::with_me, layout::Page, load::Load, t},
};

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
                    <FormError error />
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
                    <label for="outage_kind">{t(Msg::OutageKindLabel)}</label>
                    <select id="outage_kind" name="outage_kind">
                        <option value="">{t(Msg::OutageKindNone)}</option>
                        {OutageKind::ALL
                            .into_iter()
                            .map(|k| view! { <option value=k.as_str()>{t(k.label())}</option> })
                            .collect_view()}
                    </select>
                    <label for="outage_end">{t(Msg::OutageExpectedEnd)}</label>
                    <input id="outage_end" name="outage_end" type="datetime-local" />
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
    let all = Resource::new(|| (), |_| crate::api::admin::list_buildings());
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
                    <FormError error />
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
