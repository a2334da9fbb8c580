//! The wasm entry point. The server renders `/notes`; this hydrates it in place.

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    #[cfg(not(feature = "panic-immediate-abort"))]
    console_error_panic_hook::set_once();
    app::hydrate();
}
