//! Which plural form a count takes in a language, by CLDR's rules, read through a
//! well-kept implementation on each side: the browser's own `Intl.PluralRules` (no rules
//! or data in the wasm) and ICU4X's `icu_plurals` on the server. Texts that count
//! (`"new_lists": {"one": "# new list", "other": "# new lists", …}`) list all six CLDR
//! forms in every language; each language's rules only ever pick its own. `#` is where
//! the number goes, written in the language's digits ([`super::numbers`]).

use crate::i18n::Locale;

/// A CLDR plural category.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Plural {
    Zero,
    One,
    Two,
    Few,
    Many,
    Other,
}

impl Plural {
    /// CLDR's name for a category (what `Intl.PluralRules.select` answers).
    #[cfg(any(feature = "hydrate", test))]
    fn named(name: &str) -> Self {
        match name {
            "zero" => Self::Zero,
            "one" => Self::One,
            "two" => Self::Two,
            "few" => Self::Few,
            "many" => Self::Many,
            _ => Self::Other,
        }
    }
}

/// The form `count` takes in `locale`.
#[cfg(feature = "hydrate")]
pub fn plural(locale: Locale, count: usize) -> Plural {
    use leptos_i18n::Locale as _;
    let locales = js_sys::Array::of1(&locale.as_str().into());
    let rules = js_sys::Intl::PluralRules::new(&locales, &js_sys::Object::new());
    // Counts stay far below 2^53, where an f64 holds every integer exactly.
    Plural::named(&String::from(rules.select(count as f64)))
}

/// The form `count` takes in `locale`.
#[cfg(all(feature = "ssr", not(feature = "hydrate")))]
pub fn plural(locale: Locale, count: usize) -> Plural {
    use icu_plurals::{PluralCategory, PluralRuleType, PluralRules};
    use leptos_i18n::Locale as _;
    // Made once per language and thread, as `numbers::count`'s formatters are.
    thread_local! {
        static RULES: Vec<(Locale, Option<PluralRules>)> = Locale::get_all()
            .iter()
            .map(|&locale| {
                let rules = PluralRules::try_new(
                    locale.as_icu_locale().into(),
                    PluralRuleType::Cardinal.into(),
                );
                (locale, rules.ok())
            })
            .collect();
    }
    let category = RULES.with(
        |rules| match rules.iter().find(|(each, _)| *each == locale) {
            Some((_, Some(rules))) => rules.category_for(count),
            // The compiled data covers every CLDR locale; "other" fits any count if not.
            _ => PluralCategory::Other,
        },
    );
    match category {
        PluralCategory::Zero => Plural::Zero,
        PluralCategory::One => Plural::One,
        PluralCategory::Two => Plural::Two,
        PluralCategory::Few => Plural::Few,
        PluralCategory::Many => Plural::Many,
        PluralCategory::Other => Plural::Other,
    }
}

/// A build for neither side (`cargo check -p app` alone): English's two forms.
#[cfg(not(any(feature = "ssr", feature = "hydrate")))]
pub fn plural(_: Locale, count: usize) -> Plural {
    if count == 1 {
        Plural::One
    } else {
        Plural::Other
    }
}

/// A counting text in `locale`: `forms` gives each form's text, `#` in it becomes the
/// number.
pub fn counted(locale: Locale, count: usize, forms: fn(Locale, Plural) -> &'static str) -> String {
    forms(locale, plural(locale, count)).replace('#', &super::numbers::count(locale, count))
}

/// A counting text of the catalogue, in the screen's language: `counted!(i18n, new_lists,
/// 3)` is "3 new lists". See the module's comment for how such texts are written.
#[macro_export]
macro_rules! counted {
    ($i18n:expr, $key:ident, $count:expr) => {
        $crate::language::counted($i18n.get_locale(), $count, |locale, form| {
            use $crate::i18n::td_string;
            use $crate::language::Plural;
            match form {
                Plural::Zero => td_string!(locale, $key.zero),
                Plural::One => td_string!(locale, $key.one),
                Plural::Two => td_string!(locale, $key.two),
                Plural::Few => td_string!(locale, $key.few),
                Plural::Many => td_string!(locale, $key.many),
                Plural::Other => td_string!(locale, $key.other),
            }
        })
    };
}

#[cfg(test)]
mod tests {
    use super::Plural;

    #[cfg(all(feature = "ssr", not(feature = "hydrate")))]
    /// What CLDR says for these counts, per language: the server (ICU4X, the
    /// test below) and the browser (`Intl.PluralRules`, `end2end/tests/i18n.spec.ts`) are
    /// both held to this table, so they agree.
    const AGREED: [(&str, [(usize, Plural); 7]); 3] = {
        use super::Plural::{Few, Many, One, Other, Two, Zero};
        [
            (
                "en",
                [
                    (0, Other),
                    (1, One),
                    (2, Other),
                    (3, Other),
                    (11, Other),
                    (100, Other),
                    (1000, Other),
                ],
            ),
            (
                "de",
                [
                    (0, Other),
                    (1, One),
                    (2, Other),
                    (3, Other),
                    (11, Other),
                    (100, Other),
                    (1000, Other),
                ],
            ),
            (
                "ar",
                [
                    (0, Zero),
                    (1, One),
                    (2, Two),
                    (3, Few),
                    (11, Many),
                    (100, Other),
                    (1000, Other),
                ],
            ),
        ]
    };

    #[cfg(all(feature = "ssr", not(feature = "hydrate")))]
    #[test]
    fn the_server_picks_cldr_s_forms() {
        use super::plural;
        use crate::i18n::Locale;
        use leptos_i18n::Locale as _;
        for (language, table) in AGREED {
            let locale = Locale::get_all()
                .iter()
                .copied()
                .find(|locale| locale.as_str() == language)
                .unwrap();
            for (count, form) in table {
                assert_eq!(plural(locale, count), form, "{language} {count}");
            }
        }
    }

    #[test]
    fn cldr_names_become_categories() {
        assert_eq!(Plural::named("few"), Plural::Few);
        assert_eq!(Plural::named("other"), Plural::Other);
        assert_eq!(Plural::named("something new"), Plural::Other);
    }
}
