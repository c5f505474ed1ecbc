//! The reader's language in the UI. It is decided on the server (cookie,
//! then `Accept-Language`) and written into `<html lang>`; the browser reads
//! it back from there, so both renderings agree. Switching reloads the page.
//!
//! The English messages are a `#[lazy]` chunk in the browser: a page in
//! Chinese (the default) never downloads them; a page in English loads
//! them before it hydrates ([`load_messages`]). `#[lazy]` expands into a
//! small FFI shim for wasm-split, the only `unsafe` here, hence the allowance.
#![allow(unsafe_code, reason = "the FFI glue `#[lazy]` generates for wasm-split; we write none")]

use leptos::prelude::*;

use crate::model::{Lang, Msg};

/// The language of this page.
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_default()
}

/// `msg` in the page's language.
pub fn t(msg: Msg) -> &'static str {
    msg.text(use_lang())
}

/// The language the page is rendered in, before the context exists.
pub fn initial_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>().map(|p| crate::backend::web::lang(&p.headers)).unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        document_lang().unwrap_or_default()
    }
}

#[cfg(not(feature = "ssr"))]
fn document_lang() -> Option<Lang> {
    #[cfg(feature = "hydrate")]
    {
        let tag = web_sys::window()?.document()?.document_element()?.get_attribute("lang")?;
        Lang::from_code(&tag)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        None
    }
}

/// The English message table, in its own WASM chunk.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code, reason = "loaded by the browser build only"))]
#[lazy]
fn english_table() -> fn(Msg) -> &'static str {
    Msg::en
}

/// On an English page, fetches and registers the English table (before
/// the app renders). Nothing to do for Chinese.
#[cfg(feature = "hydrate")]
pub async fn load_messages() {
    if initial_lang() == Lang::En {
        crate::model::i18n::set_english(english_table().await);
    }
}
