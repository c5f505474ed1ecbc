//! The frame around every signed-in page: who is signed in, the language
//! switch and sign-out, all plain forms.
//!
//! The staff's help-call alarm is in a lazily loaded chunk (`#[lazy]`), so
//! a resident's download does not carry it; `#[lazy]` expands into a small
//! FFI shim for wasm-split, the only `unsafe` here, hence the allowance.
#![allow(unsafe_code, reason = "the FFI glue `#[lazy]` generates for wasm-split; we write none")]

use leptos::prelude::*;

use super::{components::deferred, t, use_lang};
use crate::model::{Me, Msg};

#[component]
pub fn Page(me: Me, children: Children) -> impl IntoView {
    view! {
        <header class="topbar">
            <a class="brand" href="/">
                {t(Msg::AppName)}
            </a>
            <span class="who">
                <span class="who-name" data-role=me.role.as_str()>
                    {me.name.clone()}
                </span>
                <span class="who-role">{t(me.role_label())}</span>
            </span>
            <LangSwitch />
            <form method="post" action="/forms/logout" class="inline">
                <button type="submit" class="link">
                    {t(Msg::SignOut)}
                </button>
            </form>
        </header>
        {me.role.is_staff().then(|| deferred("help_alert", help_alert()))}
        <main class="page" id="main">
            {children()}
        </main>
    }
}

/// The help-call alarm on every staff page, in its own chunk.
#[lazy]
fn help_alert() -> AnyView {
    view! { <super::help::HelpAlert /> }.into_any()
}

/// Loads the help alarm's chunk (before hydrating a staff page).
#[cfg(feature = "hydrate")]
pub async fn preload_help_alert() {
    __preload_help_alert().await;
}

/// Switches between 中文 and English; remembered in a cookie.
#[component]
pub fn LangSwitch() -> impl IntoView {
    let other = use_lang().other();
    let back = current_path();
    view! {
        <form method="post" action="/forms/lang" class="inline lang-switch">
            <input type="hidden" name="lang" value=other.code() />
            <input type="hidden" name="back" value=back />
            <button type="submit" class="link" lang=other.tag()>
                {t(Msg::SwitchLanguage)}
            </button>
        </form>
    }
}

/// The page's path, to come back to after a form post. On the server it
/// is read from the request, which never panics: a page whose client went
/// away mid-render (the router's context already gone) still finishes
/// cleanly.
fn current_path() -> String {
    #[cfg(feature = "ssr")]
    {
        use_context::<leptos_router::location::RequestUrl>()
            .and_then(|url| url.parse().ok())
            .map_or_else(|| "/".to_string(), |url| url.path().to_string())
    }
    #[cfg(not(feature = "ssr"))]
    {
        leptos_router::hooks::use_location().pathname.get_untracked()
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <main class="page narrow">
            <h1>{t(Msg::PageNotFound)}</h1>
            <p>
                <a href="/">{t(Msg::Home)}</a>
            </p>
        </main>
    }
}
