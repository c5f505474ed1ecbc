//! Small building blocks shared by the pages.

use leptos::prelude::*;
use leptos_router::components::Redirect;

use super::{MeResource, load::Load, t};
use crate::model::{Me, Msg};

/// Renders `render(me)` for a signed-in person; sends anyone else to the
/// sign-in page (a real 302 on the server, so it works without scripts).
pub fn with_me<F, V>(render: F) -> impl IntoView
where
    F: Fn(Me) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let me = expect_context::<MeResource>();
    view! {
        <Load resource=me let:me>
            {match me {
                Some(me) => render(me).into_any(),
                None => view! { <Redirect path="/login" /> }.into_any(),
            }}
        </Load>
    }
}

/// A view whose code is in a lazily loaded chunk (the future of the
/// `#[lazy]` function `name`). The server renders it in the same pass,
/// after an inert `<template data-lazy="name">` marker; before the browser
/// hydrates, it loads the chunks the markers name (`ui::prepare_hydration`),
/// so the view is ready when hydration reaches it (a view still loading
/// there would not match the server's HTML). Rendered in the browser
/// later (in-app navigation), it shows once its chunk is in.
pub fn deferred(name: &'static str, view: impl Future<Output = AnyView> + Send + 'static) -> AnyView {
    view! {
        <template data-lazy=name></template>
        <Suspense fallback=|| ()>{Suspend::new(view)}</Suspense>
    }
    .into_any()
}

/// The refusal a plain-form handler sent back in `?error=`, if any.
pub fn query_error() -> Option<Msg> {
    leptos_router::hooks::use_query_map().with_untracked(|q| q.get("error")).and_then(|e| msg_from_query(&e))
}

/// A form's refusal (`?error=`, see [`query_error`]) shown above it;
/// nothing when there is none.
#[component]
pub fn FormError(error: Option<Msg>) -> impl IntoView {
    error.map(|m| {
        view! {
            <p class="notice error" role="alert">
                {error_text(m)}
            </p>
        }
    })
}

/// A refusal's message with its `{name}` placeholders filled from the
/// query string, where the form handlers put them (`?error=…&when=…`).
pub fn error_text(m: Msg) -> String {
    let text = t(m);
    let names: Vec<&str> =
        text.split('{').skip(1).filter_map(|rest| rest.split_once('}').map(|(name, _)| name)).collect();
    if names.is_empty() {
        return text.to_string();
    }
    leptos_router::hooks::use_query_map().with_untracked(|q| {
        names.iter().fold(text.to_string(), |out, name| match q.get(name) {
            Some(value) => out.replace(&format!("{{{name}}}"), &value),
            None => out,
        })
    })
}

/// A message key carried in a query string (`?error=err_not_found`), as the
/// plain-form handlers send them back; unknown keys are ignored.
pub fn msg_from_query(value: &str) -> Option<Msg> {
    serde_json::from_value(serde_json::Value::String(value.to_string())).ok()
}

/// A big tappable card on a home page.
#[component]
pub fn Card(
    href: &'static str,
    icon: &'static str,
    title: Msg,
    #[prop(optional)] hint: Option<Msg>,
    #[prop(optional)] soon: bool,
) -> impl IntoView {
    view! {
        <a class="card" class:soon=soon href=href>
            <span class="card-icon" aria-hidden="true">
                {icon}
            </span>
            <span class="card-text">
                <span class="card-title">{t(title)}</span>
                {hint.map(|h| view! { <span class="card-hint">{t(h)}</span> })}
                {soon.then(|| view! { <span class="badge">{t(Msg::ComingSoon)}</span> })}
            </span>
        </a>
    }
}

/// A new request key for a form (24 characters of [0-9a-z], a valid
/// `model::client_key`): made on the server where the page is rendered
/// (random in the browser only for a page first drawn there).
pub fn new_form_key() -> String {
    #[cfg(feature = "ssr")]
    {
        crate::backend::ids::new_token()
    }
    #[cfg(not(feature = "ssr"))]
    {
        (0..24)
            .map(|_| {
                #[cfg(feature = "hydrate")]
                #[allow(
                    clippy::cast_possible_truncation,
                    clippy::cast_sign_loss,
                    reason = "random() is in [0, 1): the product is in [0, 36)"
                )]
                let n = (js_sys::Math::random() * 36.0) as u32;
                #[cfg(not(feature = "hydrate"))]
                let n = 0u32;
                char::from_digit(n.min(35), 36).unwrap_or('0')
            })
            .collect()
    }
}

/// The hidden `client_key` of a form that files something (a report, a
/// complaint, an entry): one key per showing of the page, made where it
/// is rendered and carried to the browser with it, so a double submit or
/// a post resent with the back button is filed once.
#[component]
pub fn FormKey() -> impl IntoView {
    let key = OnceResource::new(async { new_form_key() });
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                let key = key.await;
                view! { <input type="hidden" name="client_key" value=key /> }
            })}
        </Suspense>
    }
}
