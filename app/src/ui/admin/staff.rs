//! Staff accounts: the list, (de)activating, adding a person: `/admin/staff`.

use leptos::prelude::*;

use super::error_notice;
use crate::{
    api::admin::list_staff,
    model::{Me, Msg, Role, Trade},
    ui::{components::with_me, layout::Page, load::Load, t},
};

#[component]
pub fn StaffPage() -> impl IntoView {
    with_me(|me: Me| {
        let staff = Resource::new(|| (), |_| list_staff());
        view! {
            <Page me=me.clone()>
                <h1>{t(Msg::CardStaff)}</h1>
                {error_notice()}
                <Load resource=staff let:list>
                    <table>
                        <tbody>
                            {list
                                .into_iter()
                                .map(|p| {
                                    let role = t(p.role.label());
                                    view! {
                                        <tr class:inactive=!p.active>
                                            <td>{p.name.clone()}</td>
                                            <td>{role}</td>
                                            <td>{p.phone.clone()}</td>
                                            <td>
                                                {p.trades.iter().map(|x| t(x.label())).collect::<Vec<_>>().join("、")}
                                            </td>
                                            <td>{p.gate.clone().unwrap_or_default()}</td>
                                            <td>
                                                <form method="post" action=format!("/forms/staff/{}", p.id)>
                                                    <input type="hidden" name="active" value=(!p.active).to_string() />
                                                    <button type="submit" class:danger=p.active>
                                                        {t(if p.active { Msg::Deactivate } else { Msg::Reactivate })}
                                                    </button>
                                                </form>
                                            </td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </Load>
                <h2>{t(Msg::AddPerson)}</h2>
                <form method="post" action="/forms/staff" class="stack">
                    <input
                        name="name"
                        required
                        maxlength="50"
                        placeholder=t(Msg::ContactName)
                        aria-label=t(Msg::ContactName)
                    />
                    <input
                        name="phone"
                        type="tel"
                        required
                        maxlength="32"
                        placeholder=t(Msg::Phone)
                        aria-label=t(Msg::Phone)
                    />
                    <select name="role" aria-label=t(Msg::Role)>
                        {Role::ALL
                            .into_iter()
                            .filter(|r| *r != Role::Resident)
                            .map(|r| view! { <option value=r.as_str()>{t(r.label())}</option> })
                            .collect_view()}
                    </select>
                    <fieldset class="tags">
                        {Trade::ALL
                            .into_iter()
                            .map(|tr| {
                                view! {
                                    <label class="tag">
                                        <input type="checkbox" name="trades" value=tr.as_str() />
                                        {t(tr.label())}
                                    </label>
                                }
                            })
                            .collect_view()}
                    </fieldset>
                    <input name="gate" maxlength="20" placeholder=t(Msg::Gate) aria-label=t(Msg::Gate) />
                    <input
                        name="password"
                        type="password"
                        required
                        minlength="8"
                        placeholder=t(Msg::InitialPassword)
                        aria-label=t(Msg::InitialPassword)
                    />
                    <button type="submit" class="primary">
                        {t(Msg::Add)}
                    </button>
                </form>
            </Page>
        }
    })
}
