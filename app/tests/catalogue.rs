//! Every language has every key of the catalogue (English, the default), with the same
//! placeholders, and every counting text lists all six CLDR plural forms.
//! `leptos_i18n` would fall back to English for a missing key and only warn; this makes
//! it a failure.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test's helpers fail the test on the spot: that is their report.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// The CLDR plural forms, each counting text's keys in every language (see
/// `language/plural.rs`).
const PLURAL_FORMS: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

/// A language's keys, each with the set of placeholders its sentences use, and its
/// counting texts with the forms each lists.
struct Catalogue {
    keys: BTreeMap<String, BTreeSet<String>>,
    plural_forms: BTreeMap<String, BTreeSet<String>>,
}

fn placeholders(sentence: &str) -> impl Iterator<Item = String> + '_ {
    sentence
        .split("{{")
        .skip(1)
        .filter_map(|rest| rest.split_once("}}"))
        .map(|(name, _)| name.trim().to_owned())
}

fn read(path: &PathBuf) -> Catalogue {
    let text = std::fs::read_to_string(path).unwrap();
    let entries: BTreeMap<String, serde_json::Value> =
        serde_json::from_str(&text).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    let mut catalogue = Catalogue {
        keys: BTreeMap::new(),
        plural_forms: BTreeMap::new(),
    };
    for (key, value) in entries {
        match value {
            serde_json::Value::String(sentence) => {
                catalogue
                    .keys
                    .insert(key, placeholders(&sentence).collect());
            }
            serde_json::Value::Object(forms) => {
                for (form, sentence) in &forms {
                    let sentence = sentence
                        .as_str()
                        .unwrap_or_else(|| panic!("{}: {key}.{form} is not text", path.display()));
                    // Counting texts are not interpolated: `#` is where the number goes.
                    assert_eq!(
                        placeholders(sentence).count(),
                        0,
                        "{}: {key}.{form} has a {{{{ placeholder }}}}; counting texts use #",
                        path.display()
                    );
                }
                catalogue.keys.insert(key.clone(), BTreeSet::new());
                catalogue
                    .plural_forms
                    .insert(key, forms.keys().cloned().collect());
            }
            other => panic!("{}: {key} is {other}, not text", path.display()),
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
fn every_counting_text_has_every_plural_form_in_every_language() {
    let every: BTreeSet<String> = PLURAL_FORMS.iter().map(|form| form.to_string()).collect();
    for (name, catalogue) in locales() {
        for (key, forms) in &catalogue.plural_forms {
            assert_eq!(forms, &every, "{name}.json: the forms of {key}");
        }
    }
}

#[test]
fn counting_texts_count_in_every_language() {
    let all = locales();
    let (_, english) = all.iter().find(|(name, _)| name == "en").expect("en.json");
    assert!(
        !english.plural_forms.is_empty(),
        "the catalogue has counting texts"
    );
    for (name, catalogue) in &all {
        for key in english.plural_forms.keys() {
            assert!(
                catalogue.plural_forms.contains_key(key),
                "{name}.json: {key} must be a counting text"
            );
        }
    }
}
