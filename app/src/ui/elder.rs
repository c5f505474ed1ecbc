//! The elder's screen: one huge help button, "I'm OK today", and the
//! butler's name and phone. Nothing else. It is a plain form first: it
//! works before the WASM arrives and with scripts off; with scripts it
//! follows the call live and keeps retrying while the network is down.

use chrono::Utc;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{clock::use_now, components::msg_from_query, layout::LangSwitch, live::use_live, load::Load, t, use_lang};
use crate::{
    api::help::get_elder_home,
    model::{
        Me, Msg, StaffRef,
        help::{ElderHome, HelpCall, HelpStatus, elder_status_text, next_visit_text},
        time::format_local_hm,
    },
};

/// Where the elder's press is while it travels (only scripts move it).
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code, reason = "used by the browser build only"))]
pub enum Sending {
    Idle,
    InFlight,
    /// Offline: retrying, this many attempts so far.
    Retrying(u32),
    Failed(String),
}

#[component]
pub fn ElderPage(me: Me) -> impl IntoView {
    let live = use_live();
    let home = Resource::new(move || live.help.get(), |_| get_elder_home());
    // Outside the Load (a Transition), so a refetch does not reset a press in flight.
    let sending = RwSignal::new(Sending::Idle);
    let query = use_query_map();
    let error = query.with_untracked(|q| q.get("error")).and_then(|e| msg_from_query(&e));
    view! {
        <div class="elder-shell">
            <header class="elder-top">
                <span class="elder-name">{me.name.clone()}</span>
                <LangSwitch />
            </header>
            {error
                .map(|m| {
                    view! {
                        <p class="notice error elder-text" role="alert">
                            {t(m)}
                        </p>
                    }
                })}
            <Load
                resource=home
                transition=true
                fallback=|| view! { <p class="elder-text">{t(Msg::Loading)}</p> }
                let:home
            >
                <ElderScreen home sending />
            </Load>
            <form method="post" action="/forms/logout" class="elder-logout">
                <button type="submit" class="elder-small">
                    {t(Msg::SignOut)}
                </button>
            </form>
        </div>
    }
}

#[component]
fn ElderScreen(home: ElderHome, sending: RwSignal<Sending>) -> impl IntoView {
    let open_call = home.call.as_ref().is_some_and(|c| c.status.is_open());
    #[cfg(feature = "hydrate")]
    if !open_call {
        press::forget_key();
    }
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        {
            ev.prevent_default();
            press::press(sending, use_live());
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    view! {
        // Without scripts, a page with an open call refreshes itself.
        {(open_call)
            .then(|| {
                view! {
                    <noscript>
                        <meta http-equiv="refresh" content="10" />
                    </noscript>
                }
            })}
        <main class="elder" id="main">
            {home.call.clone().map(|call| view! { <CallStatus call /> })}
            <SendingStatus sending />
            <form method="post" action="/forms/help" class="help-form" id="help-form" on:submit=on_submit>
                <input type="hidden" name="client_key" value=home.client_key.clone() />
                <button type="submit" class="help-button" id="help-button">
                    <span class="help-icon" aria-hidden="true">
                        "🆘"
                    </span>
                    <span class="help-label">{t(Msg::HelpButton)}</span>
                    <span class="help-hint">{t(Msg::HelpButtonHint)}</span>
                </button>
            </form>
            <CheckIn checked_in_at=home.checked_in_at />
            {home.next_visit.map(|due| view! { <NextVisit due /> })}
            <ButlerCard butler=home.butler.clone() />
        </main>
    }
}

#[component]
fn SendingStatus(sending: RwSignal<Sending>) -> impl IntoView {
    move || {
        let lang = use_lang();
        match sending.get() {
            Sending::Idle => None,
            Sending::InFlight => Some(
                view! {
                    <p class="elder-status sending" role="status">
                        {t(Msg::HelpSending)}
                    </p>
                }
                .into_any(),
            ),
            Sending::Retrying(n) => Some(
                view! {
                    <p class="elder-status offline" role="alert">
                        {Msg::HelpOffline.text(lang).replace("{n}", &n.to_string())}
                    </p>
                }
                .into_any(),
            ),
            Sending::Failed(m) => Some(
                view! {
                    <p class="elder-status offline" role="alert">
                        {m}
                    </p>
                }
                .into_any(),
            ),
        }
    }
}

#[component]
fn CallStatus(call: HelpCall) -> impl IntoView {
    let lang = use_lang();
    let now = use_now();
    let created = call.created_at;
    let text = elder_status_text(&call, lang);
    let open = call.status.is_open();
    let class = match call.status {
        HelpStatus::Sent => "elder-status sent",
        HelpStatus::Acknowledged | HelpStatus::Arrived => "elder-status coming",
        HelpStatus::Closed => "elder-status closed",
    };
    view! {
        <section class=class role="status" aria-live="assertive" id="call-status" data-status=call.status.as_str()>
            <p class="elder-big">{text}</p>
            <p class="elder-text">
                {t(Msg::HelpPressedAt)} " " {format_local_hm(created)}
                {open
                    .then_some(move || {
                        let waited = (now.get() - created).num_seconds().max(0);
                        format!(" · {} {}:{:02}", t(Msg::HelpWaited), waited / 60, waited % 60)
                    })}
            </p>
            {open
                .then(|| {
                    view! {
                        <form method="post" action=format!("/forms/help/{}/action", call.id) class="elder-mistake">
                            <input type="hidden" name="action" value="false_alarm" />
                            <input type="hidden" name="back" value="/" />
                            <button type="submit" class="elder-secondary">
                                {t(Msg::HelpMistake)}
                            </button>
                        </form>
                    }
                })}
        </section>
    }
}

#[component]
fn CheckIn(checked_in_at: Option<chrono::DateTime<Utc>>) -> impl IntoView {
    match checked_in_at {
        Some(at) => view! {
            <p class="ok-done" role="status">
                "✓ "
                {t(Msg::CheckedInToday)}
                " "
                {format_local_hm(at)}
            </p>
        }
        .into_any(),
        None => view! {
            <form method="post" action="/forms/check-in" class="ok-form">
                <button type="submit" class="ok-button" id="ok-button">
                    {t(Msg::ImOkToday)}
                </button>
            </form>
        }
        .into_any(),
    }
}

/// "下次探访：周四": the day of the next regular visit, in Shanghai days
/// (today, tomorrow, a weekday, else the date).
#[component]
fn NextVisit(due: chrono::NaiveDate) -> impl IntoView {
    let lang = use_lang();
    let now = use_now();
    view! {
        <p class="elder-visit" id="next-visit" data-due=due.to_string()>
            <span class="elder-text">{t(Msg::NextVisit)}</span>
            <strong class="elder-big">{move || next_visit_text(due, now.get(), lang)}</strong>
        </p>
    }
}

#[component]
fn ButlerCard(butler: Option<StaffRef>) -> impl IntoView {
    butler.map(|b| {
        let tel = format!("tel:{}", b.phone_full.clone().unwrap_or_default());
        view! {
            <section class="butler-card">
                <span class="butler-photo" aria-hidden="true">
                    "🧑‍💼"
                </span>
                <span class="butler-text">
                    <span class="elder-text">{t(Msg::YourButler)}</span>
                    <strong class="elder-big">{b.name.clone()}</strong>
                </span>
                <a class="call-button" href=tel>
                    {"📞 "}
                    {t(Msg::CallButler)}
                </a>
            </section>
        }
    })
}

/// The scripted press: one key per press until the call closes (so a
/// double tap or a retry is the same call), retried every two seconds
/// while the network is down.
#[cfg(feature = "hydrate")]
mod press {
    use leptos::prelude::*;

    use super::Sending;
    use crate::{model::ErrorCode, ui::live::Live};

    const KEY: &str = "linli_help_key";

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok().flatten()
    }

    /// The key of the press in progress, or a new one.
    fn key() -> String {
        if let Some(k) = storage().and_then(|s| s.get_item(KEY).ok().flatten()) {
            return k;
        }
        let k: String = (0..24)
            .map(|_| {
                #[allow(
                    clippy::cast_possible_truncation,
                    clippy::cast_sign_loss,
                    reason = "random() is in [0, 1): the product is in [0, 36)"
                )]
                let n = (js_sys::Math::random() * 36.0) as u32;
                char::from_digit(n.min(35), 36).unwrap_or('0')
            })
            .collect();
        if let Some(s) = storage() {
            let _ = s.set_item(KEY, &k);
        }
        k
    }

    /// No call is open: the next press is a new call.
    pub fn forget_key() {
        if let Some(s) = storage() {
            let _ = s.remove_item(KEY);
        }
    }

    async fn sleep(ms: i32) {
        let promise = js_sys::Promise::new(&mut |resolve, _| {
            if let Some(w) = web_sys::window() {
                let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
            }
        });
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    }

    pub fn press(sending: RwSignal<Sending>, live: Live) {
        if matches!(sending.get_untracked(), Sending::InFlight | Sending::Retrying(_)) {
            return; // already on its way: the second tap changes nothing
        }
        let lang = crate::ui::use_lang();
        let key = key();
        sending.set(Sending::InFlight);
        leptos::task::spawn_local(async move {
            let mut attempts = 0u32;
            loop {
                match crate::api::help::press_help(key.clone()).await {
                    Ok(_) => {
                        sending.try_set(Sending::Idle);
                        live.bump(crate::model::live::EventKind::HelpCallUpdated, String::new());
                        return;
                    }
                    Err(e) if e.code == ErrorCode::Unavailable || e.code == ErrorCode::Internal => {
                        attempts += 1;
                        sending.try_set(Sending::Retrying(attempts));
                        sleep(2000).await;
                    }
                    Err(e) => {
                        sending.try_set(Sending::Failed(e.message(lang)));
                        return;
                    }
                }
            }
        });
    }
}
