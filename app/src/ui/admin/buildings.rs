//! Buildings and their butlers, adding a building, importing units: `/admin/buildings`.

use leptos::prelude::*;

use super::{error_notice, query};
use crate::{
    api::admin::{list_buildings, list_staff},
    model::{Me, Msg, Role, admin::ImportSkip},
    ui::{components::with_me, layout::Page, load::Load, t},
};

/// The result of the last unit import, from the redirect's query:
/// `imported=2&skipped=1&skip=3:exists,4:duplicate` (at most 100 lines
/// named; the API's answer lists them all).
fn import_report() -> impl IntoView {
    let created = query("imported")?;
    let skipped = query("skipped").unwrap_or_default();
    let lines: Vec<(String, Option<ImportSkip>)> = query("skip")
        .unwrap_or_default()
        .split(',')
        .filter_map(|p| p.split_once(':'))
        .map(|(line, why)| (line.to_string(), ImportSkip::parse(why)))
        .collect();
    Some(view! {
        <section class="notice ok" role="status" id="import-report">
            <p>
                {t(Msg::ImportDone)}{format!(": {created}")}" · "{t(Msg::ImportSkippedLines)}{format!(": {skipped}")}
            </p>
            {(!lines.is_empty())
                .then(|| {
                    view! {
                        <table>
                            <thead>
                                <tr>
                                    <th>{t(Msg::ImportLine)}</th>
                                    <th>{t(Msg::ImportReason)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {lines
                                    .into_iter()
                                    .map(|(line, why)| {
                                        view! {
                                            <tr>
                                                <td>{line}</td>
                                                <td>{why.map(|w| t(w.label())).unwrap_or_default()}</td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    }
                })}
        </section>
    })
}

#[component]
pub fn BuildingsPage() -> impl IntoView {
    with_me(|me: Me| {
        // The table and the butlers to choose from, as one load: a failed
        // staff list leaves the choices empty, as before.
        let buildings =
            Resource::new(|| (), |_| async { Ok((list_buildings().await?, list_staff().await.unwrap_or_default())) });
        view! {
            <Page me=me.clone()>
                <h1>{t(Msg::CardBuildings)}</h1>
                {error_notice()}
                {import_report()}
                <Load resource=buildings let((list, people))>
                    {
                        let butlers: Vec<_> = people
                            .into_iter()
                            .filter(|p| p.role == Role::Butler && p.active)
                            .collect();
                        view! {
                            <table id="buildings">
                                <thead>
                                    <tr>
                                        <th>{t(Msg::Building)}</th>
                                        <th>{t(Msg::Units)}</th>
                                        <th>{t(Msg::RoleButler)}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {list
                                        .into_iter()
                                        .map(|b| {
                                            let current = b.butler.as_ref().map(|x| x.id.clone());
                                            view! {
                                                <tr data-building=b.number.clone()>
                                                    <td>{b.name.clone()}</td>
                                                    <td>{b.unit_count}</td>
                                                    <td>
                                                        <form
                                                            method="post"
                                                            action=format!("/forms/buildings/{}/butler", b.id)
                                                            class="action-form"
                                                        >
                                                            <select name="butler_id" aria-label=t(Msg::RoleButler)>
                                                                {butlers
                                                                    .iter()
                                                                    .map(|p| {
                                                                        view! {
                                                                            <option
                                                                                value=p.id.clone()
                                                                                selected=current.as_deref() == Some(p.id.as_str())
                                                                            >
                                                                                {p.name.clone()}
                                                                            </option>
                                                                        }
                                                                    })
                                                                    .collect_view()}
                                                            </select>
                                                            <button type="submit">{t(Msg::Assign)}</button>
                                                        </form>
                                                    </td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        }
                    }
                </Load>
                <h2>{t(Msg::AddBuilding)}</h2>
                <form method="post" action="/forms/buildings" class="action-form">
                    <input
                        name="number"
                        required
                        maxlength="20"
                        placeholder=t(Msg::BuildingNumber)
                        aria-label=t(Msg::BuildingNumber)
                    />
                    <input
                        name="name"
                        maxlength="50"
                        placeholder=t(Msg::BuildingName)
                        aria-label=t(Msg::BuildingName)
                    />
                    <button type="submit" class="primary">
                        {t(Msg::Add)}
                    </button>
                </form>
                <h2>{t(Msg::ImportUnits)}</h2>
                <form method="post" action="/forms/units/import" class="stack">
                    <label for="csv">{t(Msg::ImportHint)}</label>
                    <textarea id="csv" name="csv" rows="5" placeholder="楼号,房号\n1,101\n1,102"></textarea>
                    <button type="submit" class="primary">
                        {t(Msg::Import)}
                    </button>
                </form>
            </Page>
        }
    })
}
