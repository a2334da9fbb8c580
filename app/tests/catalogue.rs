//! Every language has every key of the catalogue (English, the default), with the same
//! placeholders, and every plural has its `other` form. `leptos_i18n` would fall back to
//! English for a missing key and only warn; this makes it a failure.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test's helpers fail the test on the spot: that is their report.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

const PLURAL_FORMS: [&str; 6] = ["_zero", "_one", "_two", "_few", "_many", "_other"];

/// A language's keys (plural forms merged under their base key), each with the set of
/// placeholders its sentences use, and the plural forms it has.
struct Catalogue {
    keys: BTreeMap<String, BTreeSet<String>>,
    plural_forms: BTreeMap<String, BTreeSet<&'static str>>,
}

fn read(path: &PathBuf) -> Catalogue {
    let text = std::fs::read_to_string(path).unwrap();
    let entries: BTreeMap<String, String> =
        serde_json::from_str(&text).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    let mut catalogue = Catalogue {
        keys: BTreeMap::new(),
        plural_forms: BTreeMap::new(),
    };
    for (key, sentence) in entries {
        let (base, form) = PLURAL_FORMS
            .iter()
            .find_map(|form| {
                key.strip_suffix(form)
                    .map(|base| (base.to_owned(), Some(*form)))
            })
            .unwrap_or((key, None));
        let placeholders = catalogue.keys.entry(base.clone()).or_default();
        placeholders.extend(
            sentence
                .split("{{")
                .skip(1)
                .filter_map(|rest| rest.split_once("}}"))
                .map(|(name, _)| name.trim().to_owned())
                // `count` may be left out where a language spells the number as a word.
                .filter(|name| name != "count"),
        );
        if let Some(form) = form {
            catalogue.plural_forms.entry(base).or_default().insert(form);
        }
    }
    catalogue
}

fn locales() -> Vec<(String, Catalogue)> {
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("locales");
    let mut found: Vec<(String, Catalogue)> = std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "json")
        })
        .map(|path| {
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            (name, read(&path))
        })
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found
}

#[test]
fn every_language_has_every_key_with_the_same_placeholders() {
    let all = locales();
    let (_, english) = all.iter().find(|(name, _)| name == "en").expect("en.json");
    assert!(all.len() >= 3, "English, German and Arabic at least");
    for (name, catalogue) in &all {
        let missing: Vec<_> = english
            .keys
            .keys()
            .filter(|key| !catalogue.keys.contains_key(*key))
            .collect();
        assert!(missing.is_empty(), "{name}.json lacks {missing:?}");
        let extra: Vec<_> = catalogue
            .keys
            .keys()
            .filter(|key| !english.keys.contains_key(*key))
            .collect();
        assert!(
            extra.is_empty(),
            "{name}.json has keys English lacks: {extra:?}"
        );
        for (key, placeholders) in &english.keys {
            assert_eq!(
                &catalogue.keys[key], placeholders,
                "{name}.json: the placeholders of {key}"
            );
        }
    }
}

#[test]
fn every_plural_has_its_other_form_in_every_language() {
    for (name, catalogue) in locales() {
        for (key, forms) in &catalogue.plural_forms {
            assert!(
                forms.contains("_other"),
                "{name}.json: {key}_other is missing"
            );
        }
    }
}

#[test]
fn plurals_are_plurals_in_every_language() {
    let all = locales();
    let (_, english) = all.iter().find(|(name, _)| name == "en").expect("en.json");
    for (name, catalogue) in &all {
        for key in english.plural_forms.keys() {
            assert!(
                catalogue.plural_forms.contains_key(key),
                "{name}.json: {key} must have plural forms"
            );
        }
    }
}
