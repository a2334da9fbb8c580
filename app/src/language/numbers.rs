//! Numbers as each language writes them: its digits and its grouping (`1000` is `1,000`
//! in English and `1.000` in German; CLDR writes Arabic with Latin digits). Both sides
//! read CLDR through a well-kept implementation: the server through ICU4X, the browser
//! through its own `Intl`, which carries the same data and so costs the first visit no
//! tables.

use crate::i18n::Locale;

/// `count` written in `locale`'s digits, with its grouping separators.
#[cfg(feature = "hydrate")]
pub fn count(locale: Locale, count: usize) -> String {
    use leptos_i18n::Locale as _;
    // Counts of lists stay far below 2^53, where an f64 holds every integer exactly.
    js_sys::Number::from(count as f64)
        .to_locale_string(locale.as_str())
        .into()
}

/// `count` written in `locale`'s digits, with its grouping separators.
#[cfg(all(feature = "ssr", not(feature = "hydrate")))]
pub fn count(locale: Locale, count: usize) -> String {
    use icu_decimal::{input::Decimal, DecimalFormatter};
    use leptos_i18n::Locale as _;
    // Made once per language and thread (ICU4X's data here is not `Sync`): making one
    // looks its data up, and every document writes counts.
    thread_local! {
        static FORMATTERS: Vec<(Locale, Option<DecimalFormatter>)> = Locale::get_all()
            .iter()
            .map(|&locale| {
                let formatter =
                    DecimalFormatter::try_new(locale.as_icu_locale().into(), Default::default());
                (locale, formatter.ok())
            })
            .collect();
    }
    FORMATTERS.with(|formatters| {
        match formatters.iter().find(|(each, _)| *each == locale) {
            Some((_, Some(formatter))) => formatter.format(&Decimal::from(count)).to_string(),
            // The compiled data covers every CLDR locale; plain digits if that ever changes.
            _ => count.to_string(),
        }
    })
}

/// A build for neither side (`cargo check -p app` alone): plain digits.
#[cfg(not(any(feature = "ssr", feature = "hydrate")))]
pub fn count(_: Locale, count: usize) -> String {
    count.to_string()
}

#[cfg(all(test, feature = "ssr", not(feature = "hydrate")))]
mod tests {
    use super::count;
    use crate::i18n::Locale;

    #[test]
    fn each_language_writes_its_own_digits_and_grouping() {
        assert_eq!(count(Locale::en, 3), "3");
        assert_eq!(count(Locale::en, 1000), "1,000");
        assert_eq!(count(Locale::de, 1000), "1.000");
        assert_eq!(count(Locale::ar, 3), "3");
        assert_eq!(count(Locale::ar, 1000), "1,000");
    }
}
