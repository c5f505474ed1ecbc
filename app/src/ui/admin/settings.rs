//! Community settings (SLA targets, help-call timings, check-in time): `/admin/settings`.

use leptos::prelude::*;

use super::error_notice;
use crate::{
    api::admin::get_settings,
    model::{Me, Msg},
    ui::{components::with_me, layout::Page, load::Load, t},
};

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
