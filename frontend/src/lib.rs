//! The browser entry point: hydrates the server-rendered page.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    wasm_bindgen_futures::spawn_local(async {
        // The chunks the page needs before it can hydrate (the English
        // messages, the staff's help alarm: app/src/ui/mod.rs).
        app::prepare_hydration().await;
        // `hydrate_lazy`, not `hydrate_body`: every screen but home and
        // sign-in sits in its own WASM chunk (app/src/ui/screens.rs), which
        // must be fetched before that route can hydrate.
        leptos::mount::hydrate_lazy(app::App);
    });
}
