//! A resident's butler card: `/butler`.

use leptos::prelude::*;

use crate::{
    api::admin::get_my_butler,
    model::{Me, Msg},
    ui::{components::with_me, layout::Page, load::Load, t},
};

/// A resident's butler: who, how well rated, and a call button.
#[component]
pub fn ButlerCardPage() -> impl IntoView {
    with_me(|me: Me| {
        let card = Resource::new(|| (), |_| get_my_butler());
        view! {
            <Page me=me.clone()>
                <h1>{t(Msg::CardButler)}</h1>
                <Load resource=card let:card>
                    {match card {
                        Some(b) => {
                            view! {
                                <section class="butler-card resident-card" id="butler-card">
                                    <span class="butler-photo" aria-hidden="true">
                                        "🧑‍💼"
                                    </span>
                                    <span class="butler-text">
                                        <strong>{b.name.clone()}</strong>
                                        <span class="muted">{b.buildings.join("、")}</span>
                                        <span
                                            class="stars"
                                            aria-label=format!("{:.1} / 5", b.rating_avg.unwrap_or(0.0))
                                        >
                                            {b
                                                .rating_avg
                                                .map(|r| format!("★ {r:.1} ({})", b.rating_count))
                                                .unwrap_or_else(|| t(Msg::NoRatingsYet).to_string())}
                                        </span>
                                        <span>{t(Msg::JobsDoneThisMonth)} " " {b.jobs_done_this_month}</span>
                                    </span>
                                    <a class="button primary" href=format!("tel:{}", b.phone)>
                                        {"📞 "}
                                        {t(Msg::Call)}
                                    </a>
                                </section>
                            }
                                .into_any()
                        }
                        None => view! { <p class="muted">{t(Msg::NoButler)}</p> }.into_any(),
                    }}
                </Load>
            </Page>
        }
    })
}
