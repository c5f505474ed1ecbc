//! The browser entry point: hydrates the server-rendered page.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    wasm_bindgen_futures::spawn_local(async {
        // An English page first loads the English messages (their own
        // chunk, app/src/ui/i18n.rs); a Chinese one goes straight on.
        app::load_messages().await;
        // `hydrate_lazy`, not `hydrate_body`: every screen but home and
        // sign-in sits in its own WASM chunk (app/src/ui/screens.rs), which
        // must be fetched before that route can hydrate.
        leptos::mount::hydrate_lazy(app::App);
    });
}
