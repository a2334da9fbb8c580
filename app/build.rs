//! Generates the `i18n` module (the `Locale` enum, the `t!` family of macros) from the
//! catalogue in `locales/`: one JSON file per language, English being the default and
//! the fallback for any missing key. Every file there is a language, so adding one is
//! adding its file.

use leptos_i18n_build::{Config, ParseOptions, TranslationsInfos};
use std::{error::Error, path::PathBuf};

const DEFAULT_LOCALE: &str = "en";

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=locales");
    // `sqlx::migrate!` compiles the migrations into the crate but does not tell Cargo to
    // watch them; a build script that does makes a new migration rebuild the crate.
    println!("cargo::rerun-if-changed=../migrations");
    let mut others: Vec<String> = std::fs::read_dir("locales")?
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let path = entry.path();
            let locale = path.file_stem()?.to_str()?.to_owned();
            let is_json = path
                .extension()
                .is_some_and(|extension| extension == "json");
            (is_json && locale != DEFAULT_LOCALE).then_some(locale)
        })
        .collect();
    // The order of the files on disk is not stable; the generated enum should be.
    others.sort();
    let mut config = Config::new(DEFAULT_LOCALE)?;
    for locale in &others {
        config = config.add_locale(locale)?;
    }
    // Interpolated sentences are also needed as plain strings (for aria-label).
    let config = config.parse_options(ParseOptions::default().interpolate_display(true));
    let translations = TranslationsInfos::parse(config)?;
    translations.emit_diagnostics();
    translations.rerun_if_locales_changed();
    let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?);
    translations.generate_i18n_module(out.join("i18n"))?;
    Ok(())
}
