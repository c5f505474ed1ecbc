//! Notices and events: the resident's feed, a notice (read receipts for
//! staff), an event with RSVP, and the staff's compose forms. Every form
//! is a plain post; the feed and receipts refresh live.
//!
//! The feed and the home screen's urgent banner are in `feed`, one notice
//! in `notice`, one event in `event`, the compose forms in `compose`; the
//! body renderer and the error from the query string are shared here.

mod compose;
mod event;
mod feed;
mod notice;

use leptos::prelude::*;

pub use self::{
    compose::{NewEventPage, NewNoticePage},
    event::EventPage,
    feed::{NoticesPage, UrgentBanner},
    notice::NoticePage,
};
use crate::model::notice::{Span, paragraphs};

/// A notice's body: paragraphs of text and links, never HTML.
#[component]
fn Body(text: String) -> impl IntoView {
    paragraphs(&text)
        .into_iter()
        .map(|spans| {
            view! {
                <p>
                    {spans
                        .into_iter()
                        .map(|s| match s {
                            Span::Text(t) => t.into_any(),
                            Span::Link(href) => {
                                let label = href.clone();
                                view! {
                                    <a href=href rel="noopener noreferrer nofollow" target="_blank">
                                        {label}
                                    </a>
                                }
                                    .into_any()
                            }
                        })
                        .collect_view()}
                </p>
            }
        })
        .collect_view()
}
