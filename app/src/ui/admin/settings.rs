//! Community settings (SLA targets, help-call timings, check-in time): `/admin/settings`.

use leptos::prelude::*;

use super::error_notice;
use crate::{
    api::admin::get_settings,
    model::{Me, Msg, sla::format_hhmm},
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
                                        // Complaints and suggestions (投诉建议): around the clock.
                                        {row(
                                            Msg::ComplaintsTitle,
                                            "complaint",
                                            s.complaint.unwrap_or(crate::model::complaint::DEFAULT_TARGET),
                                        )}
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
                                <fieldset class="business-hours">
                                    <legend>{t(Msg::BusinessHoursLabel)}</legend>
                                    <label for="bh_start">{t(Msg::BusinessHoursStart)}</label>
                                    <input
                                        id="bh_start"
                                        name="bh_start"
                                        type="time"
                                        value=s.business_hours.map(|h| format_hhmm(h.start)).unwrap_or_default()
                                    />
                                    <label for="bh_end">{t(Msg::BusinessHoursEnd)}</label>
                                    <input
                                        id="bh_end"
                                        name="bh_end"
                                        type="time"
                                        value=s.business_hours.map(|h| format_hhmm(h.end)).unwrap_or_default()
                                    />
                                </fieldset>
                                <label for="urge_interval_mins">{t(Msg::UrgeIntervalLabel)}</label>
                                <input
                                    id="urge_interval_mins"
                                    name="urge_interval_mins"
                                    type="number"
                                    min="1"
                                    max="1440"
                                    value=s.urge_interval_mins.to_string()
                                />
                                {
                                    let fu = s.follow_up.unwrap_or_default();
                                    view! {
                                        <fieldset class="follow-up-rules">
                                            <legend>{t(Msg::FollowUpRules)}</legend>
                                            <label class="tag">
                                                <input type="checkbox" name="fu_critical" checked=fu.critical />
                                                " "
                                                {t(Msg::FuCritical)}
                                            </label>
                                            <label class="tag">
                                                <input type="checkbox" name="fu_reopened" checked=fu.reopened />
                                                " "
                                                {t(Msg::FuReopenedRule)}
                                            </label>
                                            <label class="tag">
                                                <input type="checkbox" name="fu_complaints" checked=fu.complaints />
                                                " "
                                                {t(Msg::FuComplaints)}
                                            </label>
                                            <label for="fu_sample_every">{t(Msg::FuSampleEvery)}</label>
                                            <input
                                                id="fu_sample_every"
                                                name="fu_sample_every"
                                                type="number"
                                                min="0"
                                                max="1000"
                                                value=fu.sample_every.to_string()
                                            />
                                            <label for="fu_low_stars">{t(Msg::FuLowStars)}</label>
                                            <input
                                                id="fu_low_stars"
                                                name="fu_low_stars"
                                                type="number"
                                                min="0"
                                                max="4"
                                                value=fu.low_rating_stars.to_string()
                                            />
                                            <label for="fu_due_hours">{t(Msg::FuDueHours)}</label>
                                            <input
                                                id="fu_due_hours"
                                                name="fu_due_hours"
                                                type="number"
                                                min="1"
                                                max="720"
                                                value=fu.due_hours.to_string()
                                            />
                                        </fieldset>
                                    }
                                }
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
