//! The audit log, filtered by action: `/admin/audit`.

use leptos::prelude::*;

use super::query;
use crate::{
    api::admin::list_audit,
    model::{Me, Msg, time::format_local},
    ui::{components::with_me, layout::Page, load::Load, t},
};

#[component]
pub fn AuditPage() -> impl IntoView {
    let action = query("action");
    with_me(move |me: Me| {
        let a = action.clone();
        let log = Resource::new(move || a.clone(), list_audit);
        let action = action.clone();
        view! {
            <Page me=me.clone()>
                <h1>{t(Msg::CardAudit)}</h1>
                <form method="get" class="filters">
                    <label>
                        {t(Msg::Action)} <select name="action">
                            <option value="">{t(Msg::All)}</option>
                            {["building", "person", "staff", "settings", "resident", "announcement", "event", "units"]
                                .into_iter()
                                .map(|k| {
                                    view! {
                                        <option value=k selected=action.as_deref() == Some(k)>
                                            {k}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    </label>
                    <button type="submit">{t(Msg::Filter)}</button>
                </form>
                <Load resource=log let:page>
                    {page
                        .next_cursor
                        .is_some()
                        .then(|| view! { <p class="muted more-rows">{t(Msg::MoreRowsFollow)}</p> })}
                    <table id="audit">
                        <tbody>
                            {page
                                .items
                                .into_iter()
                                .map(|e| {
                                    view! {
                                        <tr>
                                            <td>{format_local(e.at)}</td>
                                            <td>{e.actor.clone()}</td>
                                            <td>{e.action.as_str()}</td>
                                            <td>{e.detail.clone()}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </Load>
            </Page>
        }
    })
}
