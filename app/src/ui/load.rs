//! One way to show something loaded: [`Load`] waits for a resource, shows a
//! fallback meanwhile, then either the content or the error, said in the
//! reader's language by [`ErrorNotice`]. Every page uses it instead of
//! writing the `Suspense` / `Suspend` / `match` skeleton by hand.
//!
//! ```ignore
//! let jobs = Resource::new(move || live.repairs.get(), |_| list_jobs(None, None, None, None, None));
//! view! {
//!     // Keeps the last list while a live event reloads it.
//!     <Load resource=jobs transition=true let:list>
//!         <JobList jobs=list/>
//!     </Load>
//! }
//! ```
//!
//! Server rendering and hydration are those of the Leptos components it is
//! built from: a `Suspense` (or `Transition`) whose child is a closure
//! returning a [`Suspend`], so an in-order page arrives complete and the
//! browser hydrates the same tree.

use leptos::prelude::*;

use super::use_lang;
use crate::model::{AppError, Msg};

/// Loads `resource` and renders `children(value)`; while it loads, shows
/// `fallback` (a "Loading…" paragraph unless told otherwise); if it fails,
/// shows the error (or, with `or_else`, the content for a stand-in value).
#[component]
pub fn Load<T, F, V>(
    /// What to wait for. A resource whose source changes reloads, and this
    /// shows the new value when it arrives.
    resource: Resource<Result<T, AppError>>,
    /// Renders the loaded value; usually given as `let:name` children.
    children: F,
    /// Keep showing the last content while the resource reloads (a Leptos
    /// `Transition`), for lists refreshed by live events. Without it the
    /// fallback shows again on every reload (a `Suspense`).
    #[prop(optional)]
    transition: bool,
    /// Instead of the error, render the content for this value: for lists
    /// beside the page's main content, where a failed load reads as an
    /// empty one (`or_else=Vec::new`).
    #[prop(optional)]
    or_else: Option<fn() -> T>,
    /// Shown until the first value arrives (and on reloads without
    /// `transition`); `fallback=|| ()` shows nothing.
    #[prop(into, default = ViewFnOnce::from(loading))]
    fallback: ViewFnOnce,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let content = move || {
        let children = children.clone();
        Suspend::new(async move {
            match resource.await {
                Ok(value) => children(value).into_any(),
                Err(err) => match or_else {
                    Some(stand_in) => children(stand_in()).into_any(),
                    None => view! { <ErrorNotice err /> }.into_any(),
                },
            }
        })
    };
    if transition {
        view! { <Transition fallback>{content}</Transition> }.into_any()
    } else {
        view! { <Suspense fallback>{content}</Suspense> }.into_any()
    }
}

/// The default fallback: "Loading…" in the reader's language.
fn loading() -> impl IntoView {
    view! { <p class="loading">{super::t(Msg::Loading)}</p> }
}

/// An error, said in the reader's language.
#[component]
pub fn ErrorNotice(err: AppError) -> impl IntoView {
    let text = err.message(use_lang());
    view! {
        <p class="notice error" role="alert">
            {text}
        </p>
    }
}

/// `Load` must send the same HTML as the hand-written skeleton it replaced,
/// with the error said in the page's language.
#[cfg(all(test, feature = "ssr"))]
mod tests {
    use std::{collections::VecDeque, future::Future, pin::Pin};

    use leptos::{prelude::*, tachys::ssr::StreamChunk};

    use super::{ErrorNotice, Load};
    use crate::{
        model::{AppError, Lang, Msg},
        ui::t,
    };

    type Loaded = Result<Vec<u32>, AppError>;

    /// The server's executor (tokio), which resources spawn their loads on.
    /// leptos_axum sets it up when it lists the routes; the app has no
    /// direct dependency on `any_spawner` to do it by name.
    fn init_executor() {
        let _ = leptos_axum::generate_route_list(|| ());
    }

    /// The HTML an in-order page sends: every suspense awaited.
    async fn html(view: impl IntoView + 'static) -> String {
        collect(view.to_html_stream_in_order().take_chunks()).await
    }

    fn collect(chunks: VecDeque<StreamChunk>) -> Pin<Box<dyn Future<Output = String> + Send>> {
        Box::pin(async move {
            let mut out = String::new();
            for chunk in chunks {
                match chunk {
                    StreamChunk::Sync(text) => out.push_str(&text),
                    StreamChunk::Async { chunks } => out.push_str(&collect(chunks.await).await),
                    StreamChunk::OutOfOrder { .. } => panic!("an in-order render streamed out of order"),
                }
            }
            out
        })
    }

    /// A fresh page in `lang` with a resource that loads `value`; the page
    /// lives as long as the returned owner.
    fn page(lang: Lang, value: &Loaded) -> (Owner, Resource<Loaded>) {
        let owner = Owner::new();
        owner.set();
        provide_context(lang);
        let value = value.clone();
        (owner, Resource::new(|| (), move |_| std::future::ready(value.clone())))
    }

    fn cases() -> Vec<(Lang, Loaded)> {
        let mut cases = Vec::new();
        for lang in [Lang::Zh, Lang::En] {
            cases.push((lang, Ok(vec![1, 2])));
            cases.push((lang, Ok(Vec::new())));
            cases.push((lang, Err(AppError::not_found())));
        }
        cases
    }

    #[tokio::test]
    async fn a_value_or_its_error_as_the_suspense_by_hand() {
        init_executor();
        for (lang, value) in cases() {
            let (_page, loaded) = page(lang, &value);
            let by_hand = html(view! {
                <Suspense fallback=|| {
                    view! { <p class="loading">{t(Msg::Loading)}</p> }
                }>
                    {move || Suspend::new(async move {
                        match loaded.await {
                            Ok(list) => {
                                view! { <ul>{list.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul> }
                                    .into_any()
                            }
                            Err(err) => view! { <ErrorNotice err /> }.into_any(),
                        }
                    })}
                </Suspense>
            })
            .await;
            let (_page, loaded) = page(lang, &value);
            let with_load = html(view! {
                <Load resource=loaded let:list>
                    <ul>{list.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
                </Load>
            })
            .await;
            assert_eq!(with_load, by_hand, "{lang:?} {value:?}");
            if let Err(err) = &value {
                // The error notice, in the page's language.
                assert!(with_load.contains(r#"class="notice error""#), "{with_load}");
                assert!(with_load.contains(&err.message(lang)), "{lang:?}: {with_load}");
            }
        }
    }

    #[tokio::test]
    async fn a_stand_in_for_an_error_as_the_transition_by_hand() {
        init_executor();
        for (lang, value) in cases() {
            let (_page, loaded) = page(lang, &value);
            let by_hand = html(view! {
                <Transition>
                    {move || Suspend::new(async move {
                        let list = loaded.await.unwrap_or_default();
                        view! { <ul>{list.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul> }
                    })}
                </Transition>
            })
            .await;
            let (_page, loaded) = page(lang, &value);
            let with_load = html(view! {
                <Load resource=loaded transition=true or_else=Vec::new fallback=|| () let:list>
                    <ul>{list.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
                </Load>
            })
            .await;
            assert_eq!(with_load, by_hand, "{lang:?} {value:?}");
            assert!(!with_load.contains("notice error"), "{with_load}");
        }
    }
}
