//! Sign-in: a plain form posted to `/forms/login`, so it works with
//! scripts off and on alike.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{MeResource, components::msg_from_query, layout::LangSwitch, load::Load, t};
use crate::model::Msg;
use crate::ui::components::FormError;

#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let error = query.with_untracked(|q| q.get("error")).and_then(|e| msg_from_query(&e));
    let phone = query.with_untracked(|q| q.get("phone")).unwrap_or_default();
    let next = query.with_untracked(|q| q.get("next")).unwrap_or_else(|| "/".to_string());
    let me = expect_context::<MeResource>();
    view! {
        <main class="page narrow login">
            <div class="login-top">
                <LangSwitch />
            </div>
            <h1 class="brand-big">{t(Msg::AppName)}</h1>
            <p class="tagline">{t(Msg::AppTagline)}</p>
            // Already signed in? Offer the way home instead of the form.
            <Load resource=me or_else=|| None fallback=|| () let:me>
                {me
                    .is_some()
                    .then(|| {
                        view! {
                            <p class="notice">
                                <a href="/">{t(Msg::Home)}</a>
                            </p>
                        }
                    })}
            </Load>
            <form method="post" action="/forms/login" class="stack" id="login-form">
                <h2>{t(Msg::SignInTitle)}</h2>
                <input type="hidden" name="next" value=next />
                <FormError error />
                <label for="phone">{t(Msg::Phone)}</label>
                <input id="phone" name="phone" type="tel" autocomplete="username" required maxlength="32" value=phone />
                <label for="password">{t(Msg::Password)}</label>
                <input
                    id="password"
                    name="password"
                    type="password"
                    autocomplete="current-password"
                    required
                    maxlength="256"
                />
                <button type="submit" class="primary big">
                    {t(Msg::SignIn)}
                </button>
                <p class="hint">{t(Msg::SignInHint)}</p>
            </form>
        </main>
    }
}
