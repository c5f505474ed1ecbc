//! One way to show something loaded: [`Load`] waits for a resource, shows a
//! fallback meanwhile, then either the content or the error, said in the
//! reader's language by [`ErrorNotice`]. Every page uses it instead of
//! writing the `Suspense` / `Suspend` / `match` skeleton by hand.
//!
//! ```ignore
//! let jobs = Resource::new(move || live.repairs.get(), |_| list_jobs(None, None));
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
