//! The browser entry point: hydrates the server-rendered page.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // `hydrate_lazy`, not `hydrate_body`: every screen but home and sign-in
    // sits in its own WASM chunk (app/src/ui/screens.rs), which must be
    // fetched before that route can hydrate.
    leptos::mount::hydrate_lazy(app::App);
}
