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
    let cursor = query("cursor");
    with_me(move |me: Me| {
        let (a, c) = (action.clone(), cursor.clone());
        let log = Resource::new(move || (a.clone(), c.clone()), |(a, c)| list_audit(a, c));
        let action = action.clone();
        // The next page keeps the filter (no-JS: a plain link).
        let next_href = format!("/admin/audit?action={}&cursor=", action.clone().unwrap_or_default());
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
                        .map(|c| {
                            view! {
                                <a class="button next-page" href=format!("{next_href}{c}")>
                                    {t(Msg::NextPageLink)}
                                </a>
                            }
                        })}
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
