//! The HTML document around the app, rendered on the server only.

use crate::i18n::td_string;
use crate::language::{direction, Locale};
use crate::screens::Screen;
use crate::App;
use leptos::prelude::*;
use leptos_i18n::Locale as _;

/// The URLs of the built front-end files. With cargo-leptos' `hash-files`, their names
/// carry a content hash, so they can be cached for a year; the server works them out
/// once at start-up instead of on every request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentAssets {
    pub stylesheet: String,
    pub script: String,
    pub wasm: String,
}

/// The full document for `screen` in `language`: head with assets, body with the app.
/// `<html lang>` also tells the browser's copy of the app which language to hydrate in.
pub fn shell(
    options: LeptosOptions,
    assets: DocumentAssets,
    language: Locale,
    screen: Screen,
) -> impl IntoView {
    let (title, description) = match screen {
        Screen::Notes => (
            td_string!(language, page_title),
            td_string!(language, page_description),
        ),
        Screen::Status => (
            td_string!(language, status_title),
            td_string!(language, status_description),
        ),
    };
    // Load the module, instantiate the wasm, then hydrate the server-rendered body.
    let boot = format!(
        "import('{script}').then(m=>m.default({{module_or_path:'{wasm}'}}).then(()=>m.hydrate()))",
        script = assets.script,
        wasm = assets.wasm,
    );
    view! {
        <!DOCTYPE html>
        <html lang=language.as_str() dir=direction(language)>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <title>{title}</title>
                <meta name="description" content=description />
                <link rel="icon" href="/favicon.svg" r#type="image/svg+xml" />
                <link rel="stylesheet" href=assets.stylesheet />
                <link rel="modulepreload" href=assets.script.clone() />
                <link rel="preload" href=assets.wasm.clone() r#as="fetch" r#type="application/wasm" crossorigin="" />
                <AutoReload options />
                <script type="module" nonce=leptos::nonce::use_nonce()>{boot}</script>
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}
